package workatofake

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
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
		{name: "bad dataset", args: []string{"--dataset", "huge"}, want: "--dataset must be"},
		{name: "too many members", args: []string{"--dataset", "generate", "--members", "101"}, want: "--members must be 0 to 100"},
		{name: "bad env", args: []string{"--dataset", "generate", "--envs", "dev,staging"}, want: `"staging" is not dev, test or prod`},
		{name: "bad data center", args: []string{"--data-center", "mars"}, want: "--data-center"},
		{name: "bad nested mode", args: []string{"--nested-folders", "deep"}, want: "--nested-folders must be"},
		{name: "bad rbac size", args: []string{"--dataset", "generate-rbac", "--groups", "-1"}, want: "must be at least 0"},
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
		name      string
		args      []string
		wantKey   string
		wantDC    string
		wantTotal string
		wantExtra string // env-file lines after the common ones
	}{
		{name: "demo", args: nil, wantKey: DemoToken, wantDC: "us", wantTotal: `"total":12`},
		{name: "generate", args: []string{"--dataset", "generate", "--members", "5", "--custom-roles", "3", "--folders", "20", "--projects", "4"}, wantKey: BenchToken, wantDC: "us", wantTotal: `"total":5`},
		{name: "migrated", args: []string{"--dataset", "migrated", "--data-center", "eu"}, wantKey: TestToken, wantDC: "eu", wantTotal: `"total":5`},
		{
			name: "migrated-envs", args: []string{"--dataset", "migrated-envs", "--nested-folders", "subtree"}, wantKey: EnvTokenDev, wantDC: "us", wantTotal: `"total":150`,
			wantExtra: `BATON_WORKATO_TEST_API_KEY="test-token"` + "\n" + `BATON_WORKATO_PROD_API_KEY="prod-token"` + "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			ready := filepath.Join(dir, "ready.json")
			envFile := filepath.Join(dir, "workato.env")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var out bytes.Buffer
			done := make(chan error, 1)
			args := append([]string{"--ready-file", ready, "--env-file", envFile, "--minute-window", "2s"}, tt.args...)
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
			if !strings.HasPrefix(info.BaseURL, "http://127.0.0.1:") || info.APIKey != tt.wantKey || info.DataCenter != tt.wantDC || info.Env != EnvDev {
				t.Fatalf("ready info: got %+v, want a loopback URL, key %s, data center %s, env dev", info, tt.wantKey, tt.wantDC)
			}
			env, err := os.ReadFile(envFile)
			if err != nil {
				t.Fatal(err)
			}
			wantEnv := `BATON_WORKATO_API_KEY="` + tt.wantKey + `"` + "\n" +
				`BATON_WORKATO_BASE_URL="` + info.BaseURL + `"` + "\n" +
				`BATON_WORKATO_DATA_CENTER="` + tt.wantDC + `"` + "\n" +
				`BATON_WORKATO_ENV="dev"` + "\n" +
				`BATON_WORKATO_RATE_LIMIT_WINDOW="2s"` + "\n" + tt.wantExtra
			if string(env) != wantEnv {
				t.Fatalf("env file: got %q, want %q", env, wantEnv)
			}
			if st, err := os.Stat(envFile); err != nil || st.Mode().Perm() != 0o600 {
				t.Fatalf("env file mode: got %v %v, want 0600", st.Mode(), err)
			}

			r := get(t, info.BaseURL+"/api/members", info.APIKey)
			if r.status != 200 || !strings.Contains(string(r.body), tt.wantTotal) {
				t.Fatalf("/api/members with the ready key: got %d %.80s, want 200 with %s", r.status, r.body, tt.wantTotal)
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
			for _, want := range []string{"serving " + tt.name, "1 requests served", "1 GET /api/members"} {
				if !strings.Contains(o, want) {
					t.Fatalf("output: got %q, want it to contain %q", o, want)
				}
			}
		})
	}
}
