package xero_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
)

// loginSecret is the client secret the tests put in the environment, where
// the README's flow keeps it.
const loginSecret = "LOGIN-TEST-SECRET-5f0c2a"

// loginOnce runs `baton-xero <args>` with env added, feeds it stdin from
// feed (which may write to it once the authorize URL was printed), and
// returns everything it printed and its exit code.
func loginOnce(t *testing.T, env []string, feed func(authURL string, stdin io.Writer), args ...string) (string, int) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Env = append(append(os.Environ(), marker+"=1"), env...)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		fed := false
		for sc.Scan() {
			line := sc.Text()
			out.WriteString(line + "\n")
			if i := strings.Index(line, "http"); !fed && feed != nil && i >= 0 && strings.Contains(line, "/connect/authorize") {
				fed = true
				go feed(strings.TrimSpace(line[i:]), stdin)
			}
		}
	}()
	err = cmd.Wait()
	_ = pw.Close()
	<-done
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run login: %v", err)
	}
	return out.String(), code
}

// TestLogin_NoSecretInOutput: with the client secret in the environment,
// nothing login prints (help, a bad flag, a timeout, a token error) holds
// it, errors are printed once without usage, and the root help lists login.
func TestLogin_NoSecretInOutput(t *testing.T) {
	e := newEnv(t, xerofake.Demo(), xerofake.Options{})
	store := filepath.Join(e.dir, "token.json")
	env := []string{
		"BATON_XERO_CLIENT_ID=demo-web-client",
		"BATON_XERO_CLIENT_SECRET=" + loginSecret,
		"BATON_XERO_TOKEN_STORE=" + store,
		"BATON_XERO_IDENTITY_URL=" + e.url,
		"BATON_XERO_API_URL=" + e.url,
	}
	// The code verifier travels only to the token endpoint: catch it there.
	var verifierMu sync.Mutex
	var verifiers []string
	e.onRequest(func(r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/connect/token" {
			return
		}
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		if q, err := url.ParseQuery(string(b)); err == nil && q.Get("code_verifier") != "" {
			verifierMu.Lock()
			verifiers = append(verifiers, q.Get("code_verifier"))
			verifierMu.Unlock()
		}
	})
	pasteCode := func(authURL string, stdin io.Writer) {
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noRedirect.Get(authURL)
		if err != nil {
			return
		}
		_ = resp.Body.Close()
		fmt.Fprintln(stdin, resp.Header.Get("Location"))
	}
	tests := []struct {
		name     string
		args     []string
		feed     func(string, io.Writer)
		wantExit int
		want     []string
	}{
		{name: "root help lists login", args: []string{"--help"}, want: []string{"login", "Authorise the Xero Web app"}},
		{name: "login help", args: []string{"login", "--help"}, want: []string{"--xero-client-secret", "BATON_XERO_CLIENT_SECRET"}},
		{name: "bad flag", args: []string{"login", "--no-such-flag"}, wantExit: 1, want: []string{"unknown flag"}},
		{
			name: "timeout", wantExit: 1, want: []string{"gave up waiting"},
			args: []string{"login", "--listen", fmt.Sprintf("127.0.0.1:%d", freePort(t)), "--timeout", "1s"},
		},
		{
			name: "token error", wantExit: 1, want: []string{"invalid_client"}, feed: pasteCode,
			args: []string{"login", "--listen", fmt.Sprintf("127.0.0.1:%d", freePort(t))},
		},
		{
			name: "redirect URI not on loopback", wantExit: 1, want: []string{"loopback"},
			args: []string{"login", "--redirect-uri", "https://login.example.com:8080"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, code := loginOnce(t, env, tt.feed, tt.args...)
			if code != tt.wantExit {
				t.Fatalf("exit code: got %d, want %d\n%s", code, tt.wantExit, out)
			}
			mustContain(t, "output", out, tt.want...)
			if strings.Contains(out, loginSecret) {
				t.Errorf("output holds the client secret:\n%s", out)
			}
			if tt.feed != nil {
				verifierMu.Lock()
				seen := append([]string(nil), verifiers...)
				verifierMu.Unlock()
				if len(seen) == 0 {
					t.Fatalf("no code verifier reached the token endpoint; the check would prove nothing")
				}
				for _, v := range seen {
					if strings.Contains(out, v) {
						t.Errorf("output holds the PKCE code verifier")
					}
				}
			}
			if tt.wantExit != 0 {
				if got := strings.Count(out, "baton-xero login:"); got != 1 {
					t.Errorf("error lines: got %d, want the error printed once\n%s", got, out)
				}
				if strings.Contains(out, "Usage:") {
					t.Errorf("an error printed the usage:\n%s", out)
				}
			}
		})
	}
}

// TestLogin_EnvironmentOnly: the README's flow, with the client ID and
// secret exported and not on the command line, logs in; nothing printed
// holds the secret, the refresh token or the access token.
func TestLogin_EnvironmentOnly(t *testing.T) {
	e := newEnv(t, xerofake.Demo(), xerofake.Options{})
	store := filepath.Join(e.dir, "token.json")
	env := []string{
		"BATON_XERO_CLIENT_ID=demo-web-client",
		"BATON_XERO_CLIENT_SECRET=demo-web-secret",
		"BATON_XERO_IDENTITY_URL=" + e.url,
		"BATON_XERO_API_URL=" + e.url,
	}
	paste := func(authURL string, stdin io.Writer) {
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noRedirect.Get(authURL)
		if err != nil {
			return
		}
		_ = resp.Body.Close()
		fmt.Fprintln(stdin, resp.Header.Get("Location"))
	}
	out, code := loginOnce(t, env, paste, "login", "--xero-token-store", store, "--listen", fmt.Sprintf("127.0.0.1:%d", freePort(t)))
	if code != 0 {
		t.Fatalf("exit code: got %d, want 0\n%s", code, out)
	}
	mustContain(t, "output", out, "Saved the token", "ORGANISATION")
	for what, s := range map[string]string{
		"client secret": "demo-web-secret", "refresh token": storedRefreshToken(t, e), "access token": storedAccessToken(t, e),
	} {
		if s == "" {
			t.Fatalf("%s is empty; the check would prove nothing", what)
		}
		if strings.Contains(out, s) {
			t.Errorf("login output holds the %s", what)
		}
	}
}
