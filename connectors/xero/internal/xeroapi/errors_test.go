package xeroapi_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/oauth2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/xero/internal/xeroapi"
	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
	"github.com/accessgov/baton-connectors/internal/httpx"
)

// failingTokens is a token source that fails the way xeroauth's does, with
// its own "xero:" prefix and a gRPC code.
type failingTokens struct{}

func (failingTokens) Token() (*oauth2.Token, error) { return nil, tokenError{} }

// tokenError is shaped like xeroauth's errors: its message starts with the
// service prefix and it carries a gRPC code.
type tokenError struct{}

func (tokenError) Error() string {
	return "xero: the refresh token was rejected by Xero (HTTP 400, invalid_grant)"
}

func (e tokenError) GRPCStatus() *status.Status { return status.New(codes.Unauthenticated, e.Error()) }

// TestOpError_Error: every error of the client carries the service prefix
// exactly once, names the operation and the tenant, and keeps its code.
func TestOpError_Error(t *testing.T) {
	fake := xerofake.New(xerofake.Demo(), xerofake.Options{})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	rt := fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
	conf := &oauth2.Config{
		ClientID: "demo-web-client", ClientSecret: "demo-web-secret",
		Endpoint: oauth2.Endpoint{TokenURL: srv.URL + "/connect/token", AuthStyle: oauth2.AuthStyleInHeader},
	}
	tok, err := conf.TokenSource(context.Background(), &oauth2.Token{RefreshToken: rt}).Token()
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	good := xeroapi.New(httpx.New(httpx.Options{Service: "xero", TokenSource: oauth2.StaticTokenSource(tok)}), srv.URL)
	bad := xeroapi.New(httpx.New(httpx.Options{Service: "xero", TokenSource: failingTokens{}}), srv.URL)
	const tenant = "00000000-0000-0000-0000-00000000dead"
	tests := []struct {
		name       string
		call       func() error
		wantPrefix string
		wantCode   codes.Code
	}{
		{
			name:       "403 for a tenant that is not connected",
			call:       func() error { _, err := good.ListUsers(context.Background(), tenant); return err },
			wantPrefix: "xero: list users for tenant " + tenant + ": ",
			wantCode:   codes.PermissionDenied,
		},
		{
			name:       "token source error",
			call:       func() error { _, err := bad.ListConnections(context.Background()); return err },
			wantPrefix: "xero: list connections: ",
			wantCode:   codes.Unauthenticated,
		},
		{
			name:       "token source error for a tenant",
			call:       func() error { _, err := bad.GetOrganisation(context.Background(), tenant); return err },
			wantPrefix: "xero: get organisation for tenant " + tenant + ": ",
			wantCode:   codes.Unauthenticated,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			if err == nil {
				t.Fatal("got no error, want one")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, tt.wantPrefix) {
				t.Errorf("message: got %q, want it to start with %q", msg, tt.wantPrefix)
			}
			if got := strings.Count(msg, "xero:"); got != 1 {
				t.Errorf("service prefixes in %q: got %d, want 1", msg, got)
			}
			if got := status.Code(err); got != tt.wantCode {
				t.Errorf("code: got %v, want %v", got, tt.wantCode)
			}
			if st, _ := status.FromError(err); st.Message() != msg {
				t.Errorf("status message: got %q, want %q", st.Message(), msg)
			}
			var oe *xeroapi.OpError
			if !errors.As(err, &oe) {
				t.Errorf("error %T is not an *xeroapi.OpError", err)
			}
		})
	}
}
