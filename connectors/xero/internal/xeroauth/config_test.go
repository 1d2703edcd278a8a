package xeroauth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/internal/tokenstore"
)

func TestConfig_Mode(t *testing.T) {
	dir := t.TempDir()
	withRT := filepath.Join(dir, "with-rt.json")
	if err := (&tokenstore.Store{Path: withRT}).Save(&oauth2.Token{RefreshToken: "file-rt", Expiry: time.Now()}); err != nil {
		t.Fatal(err)
	}
	withoutRT := filepath.Join(dir, "without-rt.json")
	if err := (&tokenstore.Store{Path: withoutRT}).Save(&oauth2.Token{AccessToken: "at"}); err != nil {
		t.Fatal(err)
	}
	corrupt := filepath.Join(dir, "corrupt.json")
	if err := os.WriteFile(corrupt, []byte("{nope"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.json")

	const id, secret, rt, at = "id", "SECRET-VALUE", "RT-VALUE", "AT-VALUE"
	tests := []struct {
		name     string
		cfg      Config
		want     Mode
		wantCode codes.Code
		wantErr  []string
	}{
		{name: "static alone", cfg: Config{AccessToken: at}, want: ModeStatic},
		{name: "static ignores token file", cfg: Config{AccessToken: at, TokenFile: withRT}, want: ModeStatic},
		{
			name: "static with client id", cfg: Config{AccessToken: at, ClientID: id},
			wantCode: codes.InvalidArgument, wantErr: []string{"--token (BATON_TOKEN) is used alone", "--xero-client-id is also set"},
		},
		{
			name: "static with everything", cfg: Config{AccessToken: at, ClientID: id, ClientSecret: secret, RefreshToken: rt},
			wantCode: codes.InvalidArgument, wantErr: []string{"is used alone", "--xero-client-id, --xero-client-secret, --refresh-token are also set"},
		},
		{name: "client credentials", cfg: Config{ClientID: id, ClientSecret: secret}, want: ModeClientCredentials},
		{name: "client credentials, token file missing", cfg: Config{ClientID: id, ClientSecret: secret, TokenFile: missing}, want: ModeClientCredentials},
		{name: "client credentials, token file without refresh token", cfg: Config{ClientID: id, ClientSecret: secret, TokenFile: withoutRT}, want: ModeClientCredentials},
		{name: "refresh via flag", cfg: Config{ClientID: id, ClientSecret: secret, RefreshToken: rt, TokenFile: missing}, want: ModeRefreshToken},
		{name: "refresh via token file", cfg: Config{ClientID: id, ClientSecret: secret, TokenFile: withRT}, want: ModeRefreshToken},
		{
			name: "refresh flag without token file", cfg: Config{ClientID: id, ClientSecret: secret, RefreshToken: rt},
			wantCode: codes.InvalidArgument, wantErr: []string{"--xero-token-store (BATON_XERO_TOKEN_STORE) is required", "rotates"},
		},
		{
			name: "corrupt token file", cfg: Config{ClientID: id, ClientSecret: secret, TokenFile: corrupt},
			wantCode: codes.FailedPrecondition, wantErr: []string{corrupt, "not a valid token file"},
		},
		{
			name: "id without secret", cfg: Config{ClientID: id},
			wantCode: codes.InvalidArgument, wantErr: []string{"--xero-client-secret (BATON_XERO_CLIENT_SECRET) is missing", "--xero-client-secret-file"},
		},
		{
			name: "secret without id", cfg: Config{ClientSecret: secret, RefreshToken: rt},
			wantCode: codes.InvalidArgument, wantErr: []string{"--xero-client-id (BATON_XERO_CLIENT_ID) is missing"},
		},
		{
			name: "refresh token without client", cfg: Config{RefreshToken: rt, TokenFile: withRT},
			wantCode: codes.InvalidArgument, wantErr: []string{"--refresh-token (BATON_REFRESH_TOKEN) needs", "--xero-client-id", "--xero-client-secret"},
		},
		{
			name: "nothing", cfg: Config{},
			wantCode: codes.InvalidArgument, wantErr: []string{"no credentials", "Custom Connection", "--refresh-token", "baton-xero login", "--token (BATON_TOKEN)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cfg.Mode()
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Mode: got error %v, want %v", err, tt.want)
				}
				if got != tt.want {
					t.Errorf("Mode: got %v, want %v", got, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Mode: got %v, want an error", got)
			}
			if c := status.Code(err); c != tt.wantCode {
				t.Errorf("status.Code: got %v, want %v", c, tt.wantCode)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Mode error: got %q, want it to contain %q", err, w)
				}
			}
			for _, s := range []string{secret, rt, at, "file-rt"} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("Mode error: got %q, which leaks %q", err, s)
				}
			}
		})
	}
}

func TestMode_String(t *testing.T) {
	tests := []struct {
		mode Mode
		want string
	}{
		{ModeClientCredentials, "client-credentials"},
		{ModeRefreshToken, "refresh-token"},
		{ModeStatic, "static-token"},
		{Mode(0), "Mode(0)"},
	}
	for _, tt := range tests {
		if got := tt.mode.String(); got != tt.want {
			t.Errorf("Mode(%d).String(): got %q, want %q", int(tt.mode), got, tt.want)
		}
	}
}
