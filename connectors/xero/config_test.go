package xero_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
	"github.com/accessgov/baton-connectors/internal/connectortest"
)

// TestConfig_BadInput: wrong combinations and malformed values fail before
// any network call, non-zero, with a message that says what to set.
func TestConfig_BadInput(t *testing.T) {
	e := newEnv(t, xerofake.Demo(), xerofake.Options{})
	secretFile := filepath.Join(e.dir, "secret")
	if err := os.WriteFile(secretFile, []byte("demo-web-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	store := filepath.Join(e.dir, "token.json")
	tests := []struct {
		name string
		args []string
		want []string
		exit int // the gRPC code of the error
	}{
		{
			name: "no credentials", args: []string{"--xero-token-store", store},
			want: []string{"--xero-client-id", "--token"},
			exit: int(codes.InvalidArgument),
		},
		{
			name: "client id without secret", args: []string{"--xero-client-id", "x", "--xero-token-store", store},
			want: []string{"xero-client-secret"},
			exit: int(codes.InvalidArgument),
		},
		{
			name: "secret twice", args: []string{"--xero-client-id", "x", "--xero-client-secret", "s", "--xero-client-secret-file", secretFile, "--xero-token-store", store},
			want: []string{"xero-client-secret"},
			exit: int(codes.Unknown), // baton-sdk checks mutually exclusive fields itself
		},
		{
			name: "refresh token without client", args: []string{"--refresh-token", "rt", "--xero-token-store", store},
			want: []string{"xero-client-id"},
			exit: int(codes.InvalidArgument),
		},
		{
			name: "token with client id", args: []string{"--token", "abc", "--xero-client-id", "x", "--xero-client-secret", "s", "--xero-token-store", store},
			want: []string{"--token"},
			exit: int(codes.InvalidArgument),
		},
		{
			name: "missing secret file", args: []string{"--xero-client-id", "x", "--xero-client-secret-file", filepath.Join(e.dir, "nope"), "--xero-token-store", store},
			want: []string{"nope"},
			exit: int(codes.InvalidArgument),
		},
		{
			name: "plain http to a remote host", args: []string{"--token", "abc", "--xero-api-url", "http://api.example.com"},
			want: []string{"loopback"},
			exit: int(codes.InvalidArgument),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.fake.Requests().Total()
			args := append([]string{"--file", e.c1z("bad")}, tt.args...)
			if !containsArg(tt.args, "--xero-api-url") {
				args = append(args, "--xero-api-url", e.url, "--xero-identity-url", e.url)
			}
			res := runAs(t, tt.exit, args...)
			mustContain(t, "stderr", res.Stderr, tt.want...)
			if got := e.fake.Requests().Total() - before; got != 0 {
				t.Errorf("requests to Xero before failing: got %d, want 0", got)
			}
		})
	}
}

func containsArg(args []string, a string) bool {
	for _, x := range args {
		if x == a {
			return true
		}
	}
	return false
}

// TestConfig_SecretFiles: secrets read from files (mounted Kubernetes
// Secrets) work like the flags.
func TestConfig_SecretFiles(t *testing.T) {
	e := newEnv(t, xerofake.Demo(), xerofake.Options{})
	rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
	secretFile := filepath.Join(e.dir, "secret")
	rtFile := filepath.Join(e.dir, "refresh")
	for path, v := range map[string]string{secretFile: "demo-web-secret\n", rtFile: rt + "\n"} {
		if err := os.WriteFile(path, []byte(v), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	out := e.c1z("sync")
	e.run(0, e.args(out, "--xero-client-id", "demo-web-client", "--xero-client-secret-file", secretFile,
		"--refresh-token-file", rtFile, "--xero-token-store", filepath.Join(e.dir, "token.json"))...)
	e.assertSynced(out, organisations(e.ds))
}

// TestConfig_EnvironmentVariables: the upstream variable names work.
func TestConfig_EnvironmentVariables(t *testing.T) {
	e := newEnv(t, xerofake.Demo(), xerofake.Options{})
	rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
	out := e.c1z("sync")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := connectortest.Exec(ctx, marker, []string{
		"BATON_XERO_CLIENT_ID=demo-web-client",
		"BATON_XERO_CLIENT_SECRET=demo-web-secret",
		"BATON_REFRESH_TOKEN=" + rt,
		"BATON_XERO_TOKEN_STORE=" + filepath.Join(e.dir, "token.json"),
		"BATON_XERO_API_URL=" + e.url,
		"BATON_XERO_IDENTITY_URL=" + e.url,
		"BATON_FILE=" + out,
	})
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("run with environment variables: exit %d, err %v\n%s", res.ExitCode, err, tail(res.Stderr, 3000))
	}
	e.assertSynced(out, organisations(e.ds))
}

// TestCapabilities runs offline without credentials, matches the committed
// baton_capabilities.json, and says sync only.
func TestCapabilities(t *testing.T) {
	got := connectortest.CheckCapabilities(t, marker, "baton_capabilities.json")
	if want := "org,role,user"; strings.Join(got.ResourceTypes, ",") != want {
		t.Errorf("resource types: got %v, want %s", got.ResourceTypes, want)
	}
	for rt, caps := range got.ByType {
		for _, c := range caps {
			if c != "CAPABILITY_SYNC" {
				t.Errorf("resource type %s capability %s: want sync only", rt, c)
			}
		}
	}
	for _, c := range got.ConnectorCapabilities {
		if c != "CAPABILITY_SYNC" {
			t.Errorf("connector capability %s: want CAPABILITY_SYNC only", c)
		}
	}
}
