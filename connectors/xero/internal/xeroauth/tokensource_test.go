package xeroauth

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	"golang.org/x/oauth2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/internal/tokenstore"
)

// fakeClock is a settable clock shared by the sources under test.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Now()} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// logSink records every log entry at debug level and above.
type logSink struct{ logs *observer.ObservedLogs }

func newLogSink() (*zap.Logger, logSink) {
	core, logs := observer.New(zapcore.DebugLevel)
	return zap.New(core), logSink{logs: logs}
}

// text renders every entry with its fields, for leak checks.
func (l logSink) text() string {
	var b strings.Builder
	for _, e := range l.logs.All() {
		fmt.Fprintf(&b, "%s %v\n", e.Message, e.ContextMap())
	}
	return b.String()
}

func assertNoSecrets(t *testing.T, where, text string, secrets []string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s: got text containing secret %q:\n%s", where, s, text)
		}
	}
}

func refreshConfig(f *fakeIdP, file string, clock *fakeClock, log *zap.Logger) Config {
	return Config{
		ClientID:     f.clientID,
		ClientSecret: f.secret,
		TokenFile:    file,
		TokenURL:     f.tokenURL(),
		Logger:       log,
		Now:          clock.Now,
	}
}

func mustSource(t *testing.T, c Config) TokenSource {
	t.Helper()
	ts, err := NewTokenSource(context.Background(), c)
	if err != nil {
		t.Fatalf("NewTokenSource: %v", err)
	}
	return ts
}

func TestNewTokenSource_NoNetwork(t *testing.T) {
	f := newFakeIdP(t)
	clock := newClock()
	file := filepath.Join(t.TempDir(), "token.json")
	cfgs := []Config{
		{ClientID: f.ccClientID, ClientSecret: f.ccSecr, TokenURL: f.tokenURL()},
		{ClientID: f.clientID, ClientSecret: f.secret, RefreshToken: f.seedRT(), TokenFile: file, TokenURL: f.tokenURL(), Now: clock.Now},
		{AccessToken: "static"},
	}
	for _, c := range cfgs {
		mustSource(t, c)
	}
	if cc, rt, code := f.counts(); cc+rt+code != 0 {
		t.Errorf("token endpoint calls after NewTokenSource: got %d, want 0", cc+rt+code)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("token file after NewTokenSource: got %v, want it not created", err)
	}
}

func TestStaticSource_Token(t *testing.T) {
	ts := mustSource(t, Config{AccessToken: "STATIC-AT"})
	for i := 0; i < 2; i++ {
		tok, err := ts.Token()
		if err != nil {
			t.Fatal(err)
		}
		if tok.AccessToken != "STATIC-AT" || tok.Type() != "Bearer" {
			t.Errorf("Token: got %q %q, want STATIC-AT Bearer", tok.AccessToken, tok.Type())
		}
		ts.Invalidate(tok) // no-op
	}
}

func TestCCSource_Token(t *testing.T) {
	f := newFakeIdP(t)
	clock := newClock()
	log, sink := newLogSink()
	ts := mustSource(t, Config{ClientID: f.ccClientID, ClientSecret: f.ccSecr, TokenURL: f.tokenURL(), Now: clock.Now, Logger: log})

	tok1, err := ts.Token()
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if !f.issuedFor("client_credentials", tok1.AccessToken) || tok1.RefreshToken != "" {
		t.Errorf("Token: got access %q refresh %q, want a client-credentials access token and no refresh token", tok1.AccessToken, tok1.RefreshToken)
	}
	f.mu.Lock()
	scope, basic := f.lastScope, f.lastAuthHdr
	f.mu.Unlock()
	if scope != ScopeSettingsRead {
		t.Errorf("requested scope: got %q, want %q", scope, ScopeSettingsRead)
	}
	if !basic {
		t.Error("client authentication: got form body, want HTTP Basic")
	}

	steps := []struct {
		name      string
		do        func()
		wantCalls int
		wantSame  bool
	}{
		{name: "cached", do: func() {}, wantCalls: 1, wantSame: true},
		{name: "still cached 28m later", do: func() { clock.Advance(28 * time.Minute) }, wantCalls: 1, wantSame: true},
		{name: "renewed inside the early margin", do: func() { clock.Advance(90 * time.Second) }, wantCalls: 2},
		{name: "stale invalidate ignored", do: func() { ts.Invalidate(tok1) }, wantCalls: 2, wantSame: true},
		{name: "invalidate drops cache", do: func() { ts.Invalidate(nil) }, wantCalls: 3},
		{name: "renewed after expiry", do: func() { clock.Advance(31 * time.Minute) }, wantCalls: 4},
	}
	prev := tok1
	for _, st := range steps {
		st.do()
		tok, err := ts.Token()
		if err != nil {
			t.Fatalf("%s: Token: %v", st.name, err)
		}
		if cc, _, _ := f.counts(); cc != st.wantCalls {
			t.Errorf("%s: token endpoint calls: got %d, want %d", st.name, cc, st.wantCalls)
		}
		if same := tok.AccessToken == prev.AccessToken; same != st.wantSame {
			t.Errorf("%s: same token as before: got %v, want %v", st.name, same, st.wantSame)
		}
		prev = tok
	}
	assertNoSecrets(t, "logs", sink.text(), f.secrets())
}

func TestCCSource_Scopes(t *testing.T) {
	tests := []struct {
		name   string
		scopes []string
		want   string
	}{
		{name: "default", scopes: nil, want: ScopeSettingsRead},
		{name: "none", scopes: []string{}, want: ""},
		{name: "custom", scopes: []string{"a", "b"}, want: "a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeIdP(t)
			ts := mustSource(t, Config{ClientID: f.ccClientID, ClientSecret: f.ccSecr, TokenURL: f.tokenURL(), Scopes: tt.scopes})
			if _, err := ts.Token(); err != nil {
				t.Fatal(err)
			}
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.lastScope != tt.want {
				t.Errorf("scope sent: got %q, want %q", f.lastScope, tt.want)
			}
		})
	}
}

func TestRefreshSource_Token_PersistsBeforeUse(t *testing.T) {
	f := newFakeIdP(t)
	clock := newClock()
	file := filepath.Join(t.TempDir(), "state", "token.json")
	store := &tokenstore.Store{Path: file}

	// Every refresh must present the refresh token the file holds: the
	// previous rotation was saved before its access token was handed out.
	var hookErrs []string
	calls := 0
	f.onRefresh = func(presented string) {
		calls++
		if calls == 1 {
			return // the first one comes from the flag; there is no file yet
		}
		saved, err := store.Load()
		if err != nil || saved.RefreshToken != presented {
			hookErrs = append(hookErrs, fmt.Sprintf("refresh %d: file holds %v (err %v), want the presented token", calls, saved != nil, err))
		}
	}
	ts := mustSource(t, Config{
		ClientID: f.clientID, ClientSecret: f.secret, RefreshToken: f.seedRT(),
		TokenFile: file, TokenURL: f.tokenURL(), Now: clock.Now,
	})

	var seen []string
	for i := 0; i < 3; i++ {
		tok, err := ts.Token()
		if err != nil {
			t.Fatalf("Token %d: %v", i, err)
		}
		saved, err := store.Load()
		if err != nil {
			t.Fatalf("Load after Token %d: %v", i, err)
		}
		if saved.RefreshToken != tok.RefreshToken || saved.AccessToken != tok.AccessToken {
			t.Errorf("Token %d: file does not hold the returned token, want it saved before return", i)
		}
		if !saved.Expiry.Equal(tok.Expiry) {
			t.Errorf("Token %d: saved expiry got %v, want %v", i, saved.Expiry, tok.Expiry)
		}
		seen = append(seen, tok.RefreshToken)
		clock.Advance(30 * time.Minute)
	}
	if _, rt, _ := f.counts(); rt != 3 {
		t.Errorf("refresh calls: got %d, want 3", rt)
	}
	if seen[0] == seen[1] || seen[1] == seen[2] {
		t.Errorf("refresh tokens: got %v, want each rotation to differ", seen)
	}
	for _, e := range hookErrs {
		t.Error(e)
	}
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("token file mode: got %v, want 0600", got)
	}
}

func TestRefreshSource_Token_FileWinsOverFlag(t *testing.T) {
	f := newFakeIdP(t)
	clock := newClock()
	file := filepath.Join(t.TempDir(), "token.json")
	fileRT := f.seedRT()
	// An expired access token and a live refresh token, as a previous run leaves them.
	if err := (&tokenstore.Store{Path: file}).Save(&oauth2.Token{
		AccessToken: "OLD-AT", RefreshToken: fileRT, Expiry: clock.Now().Add(-time.Hour),
	}); err != nil {
		t.Fatal(err)
	}
	var presented string
	f.onRefresh = func(rt string) { presented = rt }
	c := refreshConfig(f, file, clock, nil)
	c.RefreshToken = "RT-STALE-FROM-FLAG"
	tok, err := mustSource(t, c).Token()
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	if presented != fileRT {
		t.Errorf("refresh token spent: got the flag's, want the file's")
	}
	if !f.issuedFor("refresh_token", tok.AccessToken) {
		t.Errorf("Token: got %q, want a fresh AT- token", tok.AccessToken)
	}
}

func TestRefreshSource_Token_AdoptsFileToken(t *testing.T) {
	f := newFakeIdP(t)
	clock := newClock()
	file := filepath.Join(t.TempDir(), "token.json")
	c := refreshConfig(f, file, clock, nil)
	c.RefreshToken = f.seedRT()

	// Two sources on one file stand for two processes.
	a, b := mustSource(t, c), mustSource(t, c)
	ta, err := a.Token()
	if err != nil {
		t.Fatalf("a.Token: %v", err)
	}
	tb, err := b.Token()
	if err != nil {
		t.Fatalf("b.Token: %v (the flag's refresh token was already spent by a; b must use the file)", err)
	}
	if tb.AccessToken != ta.AccessToken {
		t.Errorf("b.Token: got a different access token, want a's (adopted from the file)")
	}
	if _, rt, _ := f.counts(); rt != 1 {
		t.Errorf("refresh calls: got %d, want 1", rt)
	}

	// After expiry, whichever goes first refreshes; the other adopts.
	clock.Advance(31 * time.Minute)
	tb2, err := b.Token()
	if err != nil {
		t.Fatalf("b.Token after expiry: %v", err)
	}
	ta2, err := a.Token()
	if err != nil {
		t.Fatalf("a.Token after expiry: %v", err)
	}
	if ta2.AccessToken != tb2.AccessToken {
		t.Error("a.Token after expiry: got a different access token, want b's")
	}
	if _, rt, _ := f.counts(); rt != 2 {
		t.Errorf("refresh calls: got %d, want 2", rt)
	}
}

func TestRefreshSource_Token_Concurrent(t *testing.T) {
	f := newFakeIdP(t)
	clock := newClock()
	file := filepath.Join(t.TempDir(), "token.json")
	c := refreshConfig(f, file, clock, nil)
	c.RefreshToken = f.seedRT()
	// Slow the endpoint down so callers really overlap.
	f.onRefresh = func(string) { time.Sleep(50 * time.Millisecond) }

	sources := []TokenSource{mustSource(t, c), mustSource(t, c), mustSource(t, c)}
	for round := 0; round < 3; round++ {
		var wg sync.WaitGroup
		errs := make(chan error, 60)
		got := make(chan string, 60)
		for i := 0; i < 60; i++ {
			wg.Add(1)
			go func(ts TokenSource) {
				defer wg.Done()
				tok, err := ts.Token()
				if err != nil {
					errs <- err
					return
				}
				got <- tok.AccessToken
			}(sources[i%len(sources)])
		}
		wg.Wait()
		close(errs)
		close(got)
		for err := range errs {
			t.Errorf("round %d: Token: got %v, want no error (no refresh token spent twice)", round, err)
		}
		distinct := map[string]bool{}
		for at := range got {
			distinct[at] = true
		}
		if len(distinct) != 1 {
			t.Errorf("round %d: distinct access tokens: got %d, want 1", round, len(distinct))
		}
		if _, rt, _ := f.counts(); rt != round+1 {
			t.Errorf("round %d: refresh calls: got %d, want %d", round, rt, round+1)
		}
		clock.Advance(31 * time.Minute)
	}
}

func TestRefreshSource_Invalidate(t *testing.T) {
	f := newFakeIdP(t)
	clock := newClock()
	file := filepath.Join(t.TempDir(), "token.json")
	c := refreshConfig(f, file, clock, nil)
	c.RefreshToken = f.seedRT()
	ts := mustSource(t, c)

	tok1, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	ts.Invalidate(tok1)
	// The file still holds tok1, unexpired; it must not be adopted again.
	tok2, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	if tok2.AccessToken == tok1.AccessToken {
		t.Error("Token after Invalidate: got the rejected access token, want a new one")
	}
	if _, rt, _ := f.counts(); rt != 2 {
		t.Errorf("refresh calls: got %d, want 2", rt)
	}
	ts.Invalidate(tok1) // stale: must not drop tok2
	tok3, err := ts.Token()
	if err != nil {
		t.Fatal(err)
	}
	if tok3.AccessToken != tok2.AccessToken {
		t.Error("Token after a stale Invalidate: got a new token, want the cached one")
	}
}

func TestRefreshSource_Token_Errors(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(f *fakeIdP, c *Config, file string)
		wantCode codes.Code
		wantErr  []string
	}{
		{
			name:     "invalid_grant",
			setup:    func(f *fakeIdP, c *Config, _ string) { c.RefreshToken = "RT-REVOKED-" + randHex() },
			wantCode: codes.Unauthenticated,
			wantErr:  []string{"refresh token was rejected by Xero", "60 days", "another process", "`baton-xero login`", "--xero-token-store (BATON_XERO_TOKEN_STORE)", "--refresh-token"},
		},
		{
			name: "invalid_client",
			setup: func(f *fakeIdP, c *Config, _ string) {
				c.RefreshToken = f.seedRT()
				c.ClientSecret = "WRONG-SECRET-" + randHex()
			},
			wantCode: codes.Unauthenticated,
			wantErr:  []string{"client id or secret rejected", "--xero-client-id/--xero-client-secret"},
		},
		{
			name: "server error",
			setup: func(f *fakeIdP, c *Config, _ string) {
				c.RefreshToken = f.seedRT()
				f.failStatus = http.StatusServiceUnavailable
			},
			wantCode: codes.Aborted,
			wantErr:  []string{"HTTP 503"},
		},
		{
			name: "lock held by another process",
			setup: func(f *fakeIdP, c *Config, file string) {
				c.RefreshToken = f.seedRT()
				c.lockTimeout = 200 * time.Millisecond
				unlock, err := (&tokenstore.Store{Path: file}).Lock(context.Background())
				if err != nil {
					panic(err)
				}
				f.t.Cleanup(func() { _ = unlock() })
			},
			wantCode: codes.Aborted,
			wantErr:  []string{"could not lock the token file"},
		},
		{
			name: "corrupt token file",
			setup: func(f *fakeIdP, c *Config, file string) {
				c.RefreshToken = f.seedRT()
				if err := os.WriteFile(file, []byte("garbage"), 0o600); err != nil {
					panic(err)
				}
			},
			wantCode: codes.FailedPrecondition,
			wantErr:  []string{"not a valid token file"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeIdP(t)
			clock := newClock()
			log, sink := newLogSink()
			file := filepath.Join(t.TempDir(), "token.json")
			c := refreshConfig(f, file, clock, log)
			tt.setup(f, &c, file)
			ts := mustSource(t, c)

			start := time.Now()
			tok, err := ts.Token()
			elapsed := time.Since(start)
			if err == nil {
				t.Fatalf("Token: got %v, want an error", tok)
			}
			if elapsed > 5*time.Second {
				t.Errorf("Token took %v, want under 5s", elapsed)
			}
			wrapped := fmt.Errorf("connector: %w", err)
			if got := status.Code(wrapped); got != tt.wantCode {
				t.Errorf("status.Code through wrapping: got %v, want %v (err %q)", got, tt.wantCode, err)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Token error: got %q, want it to contain %q", err, w)
				}
			}
			secrets := append(f.secrets(), c.ClientSecret, c.RefreshToken)
			assertNoSecrets(t, "error", err.Error(), secrets)
			assertNoSecrets(t, "logs", sink.text(), secrets)
		})
	}
}

func TestCCSource_Token_Errors(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(f *fakeIdP, c *Config)
		wantCode codes.Code
		wantErr  string
	}{
		{
			name: "invalid_client", setup: func(f *fakeIdP, c *Config) { c.ClientSecret = "WRONG-" + randHex() },
			wantCode: codes.Unauthenticated, wantErr: "client id or secret rejected",
		},
		{
			name: "server error", setup: func(f *fakeIdP, c *Config) { f.failStatus = http.StatusBadGateway },
			wantCode: codes.Aborted, wantErr: "HTTP 502",
		},
		{
			name: "unreachable", setup: func(f *fakeIdP, c *Config) { c.TokenURL = "http://127.0.0.1:1/token" },
			wantCode: codes.Aborted, wantErr: "token request failed",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeIdP(t)
			log, sink := newLogSink()
			c := Config{ClientID: f.ccClientID, ClientSecret: f.ccSecr, TokenURL: f.tokenURL(), Logger: log}
			tt.setup(f, &c)
			_, err := mustSource(t, c).Token()
			if err == nil {
				t.Fatal("Token: got nil error, want one")
			}
			if got := status.Code(err); got != tt.wantCode {
				t.Errorf("status.Code: got %v, want %v (err %q)", got, tt.wantCode, err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Token error: got %q, want it to contain %q", err, tt.wantErr)
			}
			secrets := append(f.secrets(), c.ClientSecret)
			assertNoSecrets(t, "error", err.Error(), secrets)
			assertNoSecrets(t, "logs", sink.text(), secrets)
		})
	}
}

// TestTokenSource_NoSecretsInLogs runs every mode's happy path with a debug
// logger and checks that no secret or token reaches the logs.
func TestTokenSource_NoSecretsInLogs(t *testing.T) {
	f := newFakeIdP(t)
	clock := newClock()
	log, sink := newLogSink()
	file := filepath.Join(t.TempDir(), "token.json")

	rc := refreshConfig(f, file, clock, log)
	rc.RefreshToken = f.seedRT()
	sources := []TokenSource{
		mustSource(t, Config{ClientID: f.ccClientID, ClientSecret: f.ccSecr, TokenURL: f.tokenURL(), Now: clock.Now, Logger: log}),
		mustSource(t, rc),
		mustSource(t, rc),
		mustSource(t, Config{AccessToken: "STATIC-AT-" + randHex(), Logger: log}),
	}
	for round := 0; round < 3; round++ {
		for _, ts := range sources {
			tok, err := ts.Token()
			if err != nil {
				t.Fatalf("Token: %v", err)
			}
			ts.Invalidate(tok)
		}
		clock.Advance(20 * time.Minute)
	}
	if sink.logs.Len() == 0 {
		t.Fatal("logs: got none, want debug and info entries to check")
	}
	assertNoSecrets(t, "logs", sink.text(), f.secrets())
}
