package xero_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
)

// loginRun is a running `baton-xero login`.
type loginRun struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	out    *strings.Builder
	lines  chan string
	exited chan error
}

func startLogin(t *testing.T, e *env, extra ...string) *loginRun {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	args := append([]string{
		"login",
		"--xero-client-id", "demo-web-client", "--xero-client-secret", "demo-web-secret",
		"--xero-token-store", filepath.Join(e.dir, "token.json"),
		"--xero-identity-url", e.url, "--xero-api-url", e.url,
		"--timeout", "1m",
	}, extra...)
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Env = append(os.Environ(), marker+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := &loginRun{cmd: cmd, stdin: stdin, out: &strings.Builder{}, lines: make(chan string, 100), exited: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			r.out.WriteString(sc.Text() + "\n")
			r.lines <- sc.Text()
		}
		close(r.lines)
		r.exited <- cmd.Wait()
	}()
	return r
}

// authorizeURL waits for the printed authorize URL.
func (r *loginRun) authorizeURL(t *testing.T) string {
	t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case line, ok := <-r.lines:
			if !ok {
				t.Fatalf("login exited before printing the authorize URL:\n%s", r.out)
			}
			if i := strings.Index(line, "http"); i >= 0 && strings.Contains(line, "/connect/authorize") {
				return strings.TrimSpace(line[i:])
			}
		case <-timeout:
			t.Fatalf("no authorize URL printed:\n%s", r.out)
		}
	}
}

func (r *loginRun) wait(t *testing.T) {
	t.Helper()
	go func() {
		for range r.lines { // drain
		}
	}()
	select {
	case err := <-r.exited:
		if err != nil {
			t.Fatalf("login failed: %v\n%s", err, r.out)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("login did not finish:\n%s", r.out)
	}
}

// TestLogin_PastedRedirect: the browser cannot reach the listener, so the
// user pastes the URL it was sent to. The token is saved and a sync then
// works from the token store alone.
func TestLogin_PastedRedirect(t *testing.T) {
	e := newEnv(t, xerofake.Demo(), xerofake.Options{})
	port := freePort(t)
	run := startLogin(t, e, "--listen", fmt.Sprintf("127.0.0.1:%d", port))
	authURL := run.authorizeURL(t)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(authURL)
	if err != nil {
		t.Fatalf("authorize: %v", err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.Contains(loc, "code=") {
		t.Fatalf("authorize answer: got %d %q, want 302 with a code", resp.StatusCode, loc)
	}
	fmt.Fprintln(run.stdin, loc)
	run.wait(t)
	mustContain(t, "login output", run.out.String(), "Saved the token", "--xero-token-store (BATON_XERO_TOKEN_STORE)", "ORGANISATION", "PRACTICE")
	if strings.Contains(run.out.String(), "--token-file") {
		t.Errorf("login output names --token-file, the static access token file, for the token store")
	}

	// The store alone is enough for the next sync.
	out := e.c1z("after-login")
	e.run(0, e.args(out, "--xero-client-id", "demo-web-client", "--xero-client-secret", "demo-web-secret",
		"--xero-token-store", filepath.Join(e.dir, "token.json"))...)
	e.assertSynced(out, organisations(e.ds))
}

// TestLogin_BrowserRedirect: the browser follows Xero's redirect to the
// TLS listener with its self-signed certificate.
func TestLogin_BrowserRedirect(t *testing.T) {
	e := newEnv(t, xerofake.Demo(), xerofake.Options{})
	port := freePort(t)
	redirect := fmt.Sprintf("https://127.0.0.1:%d", port)
	run := startLogin(t, e, "--redirect-uri", redirect, "--listen", fmt.Sprintf("127.0.0.1:%d", port))
	authURL := run.authorizeURL(t)
	browser := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} // the listener's certificate is self-signed by design
	var resp *http.Response
	var err error
	for i := 0; i < 50; i++ { // the listener may still be starting
		if resp, err = browser.Get(authURL); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("listener answer: got %d, want 200", resp.StatusCode)
	}
	run.wait(t)
	mustContain(t, "login output", run.out.String(), "Saved the token")
	if stored := storedRefreshToken(t, e); stored == "" {
		t.Fatalf("token store holds no refresh token")
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
