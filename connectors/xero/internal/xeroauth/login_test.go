package xeroauth

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/accessgov/baton-connectors/internal/tokenstore"
)

// syncBuffer is an io.Writer the test can read while Login writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor polls until cond holds or fails the test after 10s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type loginRun struct {
	f    *fakeIdP
	out  *syncBuffer
	file string
	addr string // the listener's real address
	done chan struct{}
	tok  *oauth2.Token
	err  error
}

// startLogin runs Login against f with the default redirect URI
// (https://localhost:8080) served on 127.0.0.1:0, and waits until it listens.
func startLogin(t *testing.T, f *fakeIdP, stdin io.Reader) *loginRun {
	t.Helper()
	r := &loginRun{f: f, out: &syncBuffer{}, file: filepath.Join(t.TempDir(), "xero", "token.json"), done: make(chan struct{})}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	listening := make(chan string, 1)
	go func() {
		defer close(r.done)
		r.tok, r.err = Login(ctx, LoginConfig{
			ClientID:     f.clientID,
			ClientSecret: f.secret,
			AuthorizeURL: f.authorizeURL(),
			TokenURL:     f.tokenURL(),
			ListenAddr:   "127.0.0.1:0",
			TokenFile:    r.file,
			Stdin:        stdin,
			Out:          r.out,
			OnListening:  func(addr string) { listening <- addr },
		})
	}()
	select {
	case r.addr = <-listening:
	case <-r.done:
		t.Fatalf("Login ended before listening: %v", r.err)
	case <-time.After(10 * time.Second):
		t.Fatal("Login did not start listening within 10s")
	}
	return r
}

// wait returns Login's result.
func (r *loginRun) wait(t *testing.T) (*oauth2.Token, error) {
	t.Helper()
	select {
	case <-r.done:
		return r.tok, r.err
	case <-time.After(15 * time.Second):
		t.Fatal("Login did not return within 15s")
		return nil, nil
	}
}

// authorizeURL returns the URL Login printed.
func (r *loginRun) authorizeURL(t *testing.T) string {
	t.Helper()
	for _, field := range strings.Fields(r.out.String()) {
		if strings.HasPrefix(field, r.f.authorizeURL()+"?") {
			return field
		}
	}
	t.Fatalf("no authorize URL in output:\n%s", r.out.String())
	return ""
}

// browser is an HTTP client that reaches the login listener at the
// registered redirect host (localhost:8080) and trusts its throw-away
// certificate; only this test client skips verification.
func (r *loginRun) browser(follow bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	c := &http.Client{
		Timeout: 10 * time.Second,
		Transport: &http.Transport{
			// Only this test client trusts the throw-away certificate.
			TLSClientConfig: &tls.Config{InsecureSkipVerify: true},
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				if addr == "localhost:8080" {
					addr = r.addr
				}
				return dialer.DialContext(ctx, network, addr)
			},
		},
	}
	if !follow {
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	return c
}

// redirectURL asks the fake authorize endpoint for the redirect without
// following it, as if copied from the browser's address bar.
func (r *loginRun) redirectURL(t *testing.T) string {
	t.Helper()
	resp, err := r.browser(false).Get(r.authorizeURL(t))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, DefaultRedirectURI) {
		t.Fatalf("authorize: got %d Location %q, want 302 to %s", resp.StatusCode, loc, DefaultRedirectURI)
	}
	return loc
}

func checkSaved(t *testing.T, r *loginRun, tok *oauth2.Token) {
	t.Helper()
	if tok == nil || !r.f.issuedFor("authorization_code", tok.RefreshToken) || !r.f.issuedFor("authorization_code", tok.AccessToken) {
		t.Fatalf("Login: got token %v, want the access and refresh tokens of the code exchange", tok != nil)
	}
	saved, err := (&tokenstore.Store{Path: r.file}).Load()
	if err != nil {
		t.Fatalf("load saved token: %v", err)
	}
	if saved.RefreshToken != tok.RefreshToken || saved.AccessToken != tok.AccessToken {
		t.Error("saved token: got a different token, want the one Login returned")
	}
	if time.Until(saved.Expiry) < 25*time.Minute {
		t.Errorf("saved expiry: got %v, want about 30 minutes from now", saved.Expiry)
	}
	fi, err := os.Stat(r.file)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("token file mode: got %v, want 0600", got)
	}
	assertNoSecrets(t, "Login output", r.out.String(), r.f.secrets())
}

func TestLogin_Browser(t *testing.T) {
	f := newFakeIdP(t)
	r := startLogin(t, f, nil)

	out := r.out.String()
	for _, want := range []string{"self-signed certificate", "warn", DefaultRedirectURI} {
		if !strings.Contains(out, want) {
			t.Errorf("instructions: got %q, want them to mention %q", out, want)
		}
	}
	u, err := url.Parse(r.authorizeURL(t))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if got, want := q.Get("scope"), "offline_access accounting.settings.read"; got != want {
		t.Errorf("authorize scope: got %q, want %q", got, want)
	}
	if got := q.Get("redirect_uri"); got != DefaultRedirectURI {
		t.Errorf("authorize redirect_uri: got %q, want %q", got, DefaultRedirectURI)
	}

	resp, err := r.browser(true).Get(u.String())
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "You can close this tab") {
		t.Errorf("listener page: got %d %q, want 200 and \"You can close this tab\"", resp.StatusCode, body)
	}
	if resp.TLS == nil {
		t.Error("listener: got plain HTTP, want TLS")
	}

	tok, err := r.wait(t)
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	checkSaved(t, r, tok)
	if _, _, code := f.counts(); code != 1 {
		t.Errorf("code exchanges: got %d, want 1", code)
	}

	// The listener is shut down once Login returns.
	if _, err := r.browser(true).Get("https://localhost:8080/"); err == nil {
		t.Error("listener after Login: got a response, want it closed")
	}

	// The saved token works for the connector's refresh mode.
	ts := mustSource(t, Config{ClientID: f.clientID, ClientSecret: f.secret, TokenFile: r.file, TokenURL: f.tokenURL()})
	if got, err := ts.Token(); err != nil || got.AccessToken != tok.AccessToken {
		t.Errorf("refresh-mode Token after Login: got err %v, want the saved access token adopted", err)
	}
}

func TestLogin_Paste(t *testing.T) {
	tests := []struct {
		name  string
		paste func(redirect string) string
	}{
		{name: "full URL", paste: func(u string) string { return "  " + u + "  " }},
		{name: "query only", paste: func(u string) string { return u[strings.IndexByte(u, '?'):] }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeIdP(t)
			pr, pw := io.Pipe()
			defer func() { _ = pw.Close() }()
			r := startLogin(t, f, pr)
			if _, err := io.WriteString(pw, "\nnot a url\n"+tt.paste(r.redirectURL(t))+"\n"); err != nil {
				t.Fatal(err)
			}
			tok, err := r.wait(t)
			if err != nil {
				t.Fatalf("Login: %v", err)
			}
			checkSaved(t, r, tok)
			if !strings.Contains(r.out.String(), "Ignored pasted text") {
				t.Errorf("output: got %q, want the junk line reported", r.out.String())
			}
		})
	}
}

func TestLogin_StateMismatch(t *testing.T) {
	f := newFakeIdP(t)
	pr, pw := io.Pipe()
	defer func() { _ = pw.Close() }()
	r := startLogin(t, f, pr)
	good := r.redirectURL(t)
	bad := strings.Replace(good, "state=", "state=forged", 1)

	// From the browser: answered 400 and ignored.
	resp, err := r.browser(true).Get(bad)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "state does not match") {
		t.Errorf("forged redirect: got %d %q, want 400 naming the state mismatch", resp.StatusCode, body)
	}
	// Pasted: reported and ignored.
	if _, err := io.WriteString(pw, bad+"\n"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the pasted mismatch to be reported", func() bool {
		return strings.Contains(r.out.String(), "Ignored pasted URL: its state does not match")
	})
	select {
	case <-r.done:
		t.Fatalf("Login: returned (%v) after a forged redirect, want it to keep waiting", r.err)
	default:
	}
	if _, _, code := f.counts(); code != 0 {
		t.Errorf("code exchanges after forged redirects: got %d, want 0", code)
	}

	// The genuine redirect still completes the login.
	if _, err := io.WriteString(pw, good+"\n"); err != nil {
		t.Fatal(err)
	}
	tok, err := r.wait(t)
	if err != nil {
		t.Fatalf("Login: %v", err)
	}
	checkSaved(t, r, tok)
}

func TestLogin_AccessDenied(t *testing.T) {
	f := newFakeIdP(t)
	f.deny = true
	r := startLogin(t, f, nil)
	resp, err := r.browser(true).Get(r.authorizeURL(t))
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	tok, err := r.wait(t)
	if err == nil {
		t.Fatalf("Login: got token %v, want an access_denied error", tok != nil)
	}
	if !strings.Contains(err.Error(), "access_denied") || !strings.Contains(err.Error(), "denied") {
		t.Errorf("Login error: got %q, want it to say access was denied", err)
	}
	if _, err := os.Stat(r.file); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("token file after denial: got %v, want none", err)
	}
}

func TestLogin_Errors(t *testing.T) {
	tests := []struct {
		name    string
		lc      LoginConfig
		timeout time.Duration
		wantErr []string
	}{
		{
			name: "missing everything", lc: LoginConfig{},
			wantErr: []string{"--xero-client-id (BATON_XERO_CLIENT_ID)", "--xero-client-secret", "--xero-token-store"},
		},
		{
			name: "missing token file", lc: LoginConfig{ClientID: "id", ClientSecret: "SECRET-X"},
			wantErr: []string{"--xero-token-store (BATON_XERO_TOKEN_STORE)"},
		},
		{
			name: "bad redirect", lc: LoginConfig{ClientID: "id", ClientSecret: "SECRET-X", TokenFile: "t.json", RedirectURI: "localhost:8080"},
			wantErr: []string{"must be an absolute http(s) URL"},
		},
		{
			name: "times out", timeout: 200 * time.Millisecond,
			lc:      LoginConfig{ClientID: "id", ClientSecret: "SECRET-X", ListenAddr: "127.0.0.1:0", AuthorizeURL: "http://127.0.0.1:1/authorize"},
			wantErr: []string{"gave up waiting", "deadline exceeded"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.lc.TokenFile == "" && tt.timeout > 0 {
				tt.lc.TokenFile = filepath.Join(t.TempDir(), "token.json")
			}
			ctx := context.Background()
			if tt.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.timeout)
				defer cancel()
			}
			tok, err := Login(ctx, tt.lc)
			if err == nil {
				t.Fatalf("Login: got %v, want an error", tok)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Login error: got %q, want it to contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "SECRET-X") {
				t.Errorf("Login error: got %q, which leaks the client secret", err)
			}
		})
	}
}

func TestParsePasted(t *testing.T) {
	tests := []struct {
		in       string
		wantCode string
		wantErr  bool
	}{
		{in: "https://localhost:8080/?code=abc&state=s", wantCode: "abc"},
		{in: "https://localhost:8080?code=abc&state=s#_=_", wantCode: "abc"},
		{in: "?code=abc&state=s", wantCode: "abc"},
		{in: "code=abc&state=s", wantCode: "abc"},
		{in: "\"https://localhost:8080/?code=abc&state=s\"", wantCode: "abc"},
		{in: "?error=access_denied&state=s"},
		{in: "hello", wantErr: true},
		{in: "https://localhost:8080/", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			q, err := parsePasted(tt.in)
			if gotErr := err != nil; gotErr != tt.wantErr {
				t.Fatalf("parsePasted(%q): got error %v, want error %v", tt.in, err, tt.wantErr)
			}
			if err == nil && q.Get("code") != tt.wantCode {
				t.Errorf("parsePasted(%q) code: got %q, want %q", tt.in, q.Get("code"), tt.wantCode)
			}
		})
	}
}
