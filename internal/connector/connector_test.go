package connector

import (
	"context"
	"errors"
	"fmt"
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/connectorbuilder"
	"github.com/conductorone/baton-sdk/pkg/field"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestInvalid(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		wantCode codes.Code
		wantMsg  string
	}{
		{name: "plain error", err: errors.New("--xero-api-url: not a URL"), wantCode: codes.InvalidArgument, wantMsg: "xero: --xero-api-url: not a URL"},
		{name: "coded error kept", err: status.Error(codes.PermissionDenied, "token file is group-readable"), wantCode: codes.PermissionDenied, wantMsg: "token file is group-readable"},
		{name: "wrapped coded error kept", err: fmt.Errorf("read: %w", status.Error(codes.NotFound, "no such file")), wantCode: codes.NotFound, wantMsg: "read: rpc error: code = NotFound desc = no such file"},
		{name: "Unknown is recoded", err: status.Error(codes.Unknown, "odd"), wantCode: codes.InvalidArgument, wantMsg: "xero: rpc error: code = Unknown desc = odd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Invalid("xero", tt.err)
			if got := status.Code(err); got != tt.wantCode {
				t.Errorf("code: got %v, want %v", got, tt.wantCode)
			}
			if got := status.Convert(err).Message(); got != tt.wantMsg {
				t.Errorf("message: got %q, want %q", got, tt.wantMsg)
			}
		})
	}
	if err := Invalid("xero", nil); err != nil {
		t.Errorf("Invalid(nil): got %v, want nil", err)
	}
}

// fakeConfig is the smallest field.Configurable.
type fakeConfig struct{ field.Configurable }

// fakeBuilder is a connector that does nothing.
type fakeBuilder struct {
	connectorbuilder.ConnectorBuilderV2
	version string
}

func (*fakeBuilder) Metadata(context.Context) (*v2.ConnectorMetadata, error) { return nil, nil }

func TestConstructor(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name        string
		build       New[*fakeConfig, *fakeBuilder]
		wantErr     error
		wantVersion string
	}{
		{name: "passes the version", build: func(_ context.Context, _ *fakeConfig, v string) (*fakeBuilder, error) {
			return &fakeBuilder{version: v}, nil
		}, wantVersion: "v1.2.3"},
		{name: "returns the error", build: func(context.Context, *fakeConfig, string) (*fakeBuilder, error) { return nil, boom }, wantErr: boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, opts, err := Constructor("v1.2.3", tt.build)(context.Background(), &fakeConfig{}, nil)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error: got %v, want %v", err, tt.wantErr)
			}
			if len(opts) != 0 {
				t.Errorf("options: got %d, want none", len(opts))
			}
			if tt.wantErr != nil {
				if c != nil {
					t.Errorf("connector: got %v, want nil with the error", c)
				}
				return
			}
			fb, ok := c.(*fakeBuilder)
			if !ok || fb.version != tt.wantVersion {
				t.Errorf("connector: got %#v, want a *fakeBuilder with version %q", c, tt.wantVersion)
			}
		})
	}
}
