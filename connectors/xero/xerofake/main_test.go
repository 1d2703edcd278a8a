package xerofake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRun_Errors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "non-loopback", args: []string{"--addr", "0.0.0.0:0"}, want: "not a loopback address"},
		{name: "bad dataset", args: []string{"--dataset", "huge"}, want: "--dataset must be demo or generate"},
		{name: "bad sizes", args: []string{"--dataset", "generate", "--orgs", "0"}, want: "at least 1"},
		{name: "stray argument", args: []string{"extra"}, want: "unexpected arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := Run(context.Background(), tt.args, &out)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestRun_ReadyFile(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantClient string
		wantCustom string
	}{
		{name: "demo", args: nil, wantClient: DemoWebClientID, wantCustom: DemoCustomClientID},
		{name: "generate", args: []string{"--dataset", "generate", "--orgs", "2", "--users", "3"}, wantClient: BenchClientID, wantCustom: BenchCustomClientID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ready := filepath.Join(t.TempDir(), "ready.json")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var out bytes.Buffer
			done := make(chan error, 1)
			args := append([]string{"--ready-file", ready, "--minute-window", "2s", "--access-ttl", "10m"}, tt.args...)
			go func() { done <- Run(ctx, args, &out) }()

			var info ReadyInfo
			deadline := time.Now().Add(10 * time.Second)
			for {
				b, err := os.ReadFile(ready)
				if err == nil {
					if err := json.Unmarshal(b, &info); err != nil {
						t.Fatalf("ready file %q: %v", b, err)
					}
					break
				}
				if !errors.Is(err, os.ErrNotExist) || time.Now().After(deadline) {
					t.Fatalf("ready file: %v", err)
				}
				select {
				case err := <-done:
					t.Fatalf("Run ended early: %v", err)
				case <-time.After(20 * time.Millisecond):
				}
			}
			if !strings.HasPrefix(info.BaseURL, "http://127.0.0.1:") || info.WebClientID != tt.wantClient || info.CustomClientID != tt.wantCustom ||
				info.WebClientSecret == "" || info.CustomClientSecret == "" || info.RefreshToken == "" {
				t.Fatalf("ready info: got %+v, want loopback URL, %s, %s and secrets", info, tt.wantClient, tt.wantCustom)
			}

			status, tr := token(t, info.BaseURL, auth{id: info.WebClientID, secret: info.WebClientSecret},
				url.Values{"grant_type": {"refresh_token"}, "refresh_token": {info.RefreshToken}})
			if status != 200 || tr.Scope != "offline_access accounting.settings.read" || tr.ExpiresIn != 600 {
				t.Fatalf("refresh with the ready token: got %d %+v, want 200, the ready scopes, expires_in 600", status, tr)
			}
			if resp, _ := get(t, info.BaseURL+"/connections", tr.AccessToken, nil); resp.StatusCode != 200 {
				t.Fatalf("/connections: got %d, want 200", resp.StatusCode)
			}

			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("Run: got %v, want nil", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("Run did not stop after cancel")
			}
			o := out.String()
			for _, want := range []string{"serving " + tt.name, "2 requests served", "1 POST /connect/token", "1 GET /connections", "1 token grant_type=refresh_token"} {
				if !strings.Contains(o, want) {
					t.Fatalf("output: got %q, want it to contain %q", o, want)
				}
			}
		})
	}
}
