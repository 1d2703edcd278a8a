package xero_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
	"github.com/accessgov/baton-connectors/internal/connectortest"
	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// TestSync_RefreshToken syncs the demo dataset with the Web-app flow: every
// organisation, nothing else, 1 + 2T API calls and no 429.
func TestSync_RefreshToken(t *testing.T) {
	e := newEnv(t, xerofake.Demo(), xerofake.Options{})
	rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
	out := e.c1z("sync")
	e.run(0, e.webArgs(out, rt)...)
	orgs := organisations(e.ds)
	e.assertSynced(out, orgs)

	req := e.fake.Requests()
	T := len(orgs)
	for _, tc := range []struct {
		route string
		want  int
	}{
		{"/connections", 1},
		{"/api.xro/2.0/Organisation", T},
		{"/api.xro/2.0/Users", T},
	} {
		if got := req.Count("GET", tc.route); got != tc.want {
			t.Errorf("GET %s calls: got %d, want %d\n%s", tc.route, got, tc.want, req)
		}
	}
	if got, want := e.fake.TokenRequests()["refresh_token"], 1; got != want {
		t.Errorf("refresh_token grants: got %d, want %d", got, want)
	}
	if got := e.status.Get(http.StatusTooManyRequests); got != 0 {
		t.Errorf("429 answers during a healthy sync: got %d, want 0", got)
	}
	// The rotated refresh token was saved, privately.
	info, err := os.Stat(filepath.Join(e.dir, "token.json"))
	if err != nil {
		t.Fatalf("token store: %v", err)
	}
	if got := info.Mode().Perm(); got != 0o600 {
		t.Errorf("token store mode: got %o, want 600", got)
	}
	if stored := storedRefreshToken(t, e); stored == rt || stored == "" {
		t.Errorf("stored refresh token: got initial=%v empty=%v, want the rotated one", stored == rt, stored == "")
	}
}

// storedRefreshToken reads the refresh token in the test's token store.
func storedRefreshToken(t *testing.T, e *env) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(e.dir, "token.json"))
	if err != nil {
		t.Fatalf("read token store: %v", err)
	}
	var tok struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.Unmarshal(b, &tok); err != nil {
		t.Fatalf("token store is not JSON: %v", err)
	}
	return tok.RefreshToken
}

// TestSync_RefreshTokenTwiceAfterGrace runs twice from the same initial
// refresh token (a Kubernetes Secret that never changes) after the reuse
// window has closed: the second run uses the rotated token from the store.
func TestSync_RefreshTokenTwiceAfterGrace(t *testing.T) {
	clock := fakeapi.NewManualClock(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC))
	e := newEnv(t, xerofake.Demo(), xerofake.Options{Clock: clock})
	rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
	first := e.c1z("first")
	e.run(0, e.webArgs(first, rt)...)
	clock.Advance(31 * time.Minute) // past the 30-minute reuse window; access tokens expired too
	second := e.c1z("second")
	e.run(0, e.webArgs(second, rt)...)
	e.assertSynced(second, organisations(e.ds))
	if got, want := e.fake.TokenRequests()["refresh_token"], 2; got != want {
		t.Errorf("refresh_token grants: got %d, want %d", got, want)
	}
}

// TestSync_RevokedRefreshToken ends at once, non-zero, saying what to do.
func TestSync_RevokedRefreshToken(t *testing.T) {
	e := newEnv(t, xerofake.Demo(), xerofake.Options{})
	rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
	e.fake.RevokeRefreshToken(rt)
	out := e.c1z("sync")
	start := time.Now()
	res := e.run(int(codes.Unauthenticated), e.webArgs(out, rt)...)
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("time to fail on a revoked refresh token: got %v, want under 30s", d)
	}
	mustContain(t, "stderr", res.Stderr, "invalid_grant", "baton-xero login")
	assertNoFinishedSync(t, out)
}

// TestSync_ClientCredentials syncs the one organisation of a Custom
// Connection.
func TestSync_ClientCredentials(t *testing.T) {
	ds := xerofake.Demo()
	e := newEnv(t, ds, xerofake.Options{})
	var cc xerofake.Client
	for _, c := range ds.Clients {
		if c.CustomConnection {
			cc = c
		}
	}
	out := e.c1z("sync")
	e.run(0, e.args(out, "--xero-client-id", cc.ID, "--xero-client-secret", cc.Secret,
		"--xero-token-store", filepath.Join(e.dir, "unused.json"))...)
	e.assertSynced(out, []string{cc.TenantID})
	if got := e.fake.TokenRequests()["client_credentials"]; got != 1 {
		t.Errorf("client_credentials grants: got %d, want 1", got)
	}
}

// TestSync_StaticToken uses --token as is.
func TestSync_StaticToken(t *testing.T) {
	e := newEnv(t, xerofake.Demo(), xerofake.Options{})
	tok := fetchAccessToken(t, e)
	out := e.c1z("sync")
	e.run(0, e.args(out, "--token", tok)...)
	e.assertSynced(out, organisations(e.ds))
	if got := e.fake.TokenRequests()["refresh_token"]; got != 1 {
		t.Errorf("token calls: got %d refresh grants, want only the test's own 1", got)
	}
}

// fetchAccessToken gets an access token for the demo Web app the way a
// user would before trying --token.
func fetchAccessToken(t *testing.T, e *env) string {
	t.Helper()
	rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, e.url+"/connect/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("demo-web-client", "demo-web-secret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("token request: %v", err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token response: status %d, err %v", resp.StatusCode, err)
	}
	return tok.AccessToken
}

// TestSync_AccessTokenExpiresMidSync renews the access token when Xero
// says it expired halfway through.
func TestSync_AccessTokenExpiresMidSync(t *testing.T) {
	e := newEnv(t, xerofake.Demo(), xerofake.Options{})
	rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
	var once sync.Once
	e.onRequest(func(r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/Users") {
			once.Do(e.fake.ExpireAccessTokens)
		}
	})
	out := e.c1z("sync")
	e.run(0, e.webArgs(out, rt)...)
	e.assertSynced(out, organisations(e.ds))
	if got := e.fake.TokenRequests()["refresh_token"]; got < 2 {
		t.Errorf("refresh_token grants: got %d, want at least 2 (start, and renewal after expiry)", got)
	}
	if got := e.status.Get(http.StatusUnauthorized); got < 1 {
		t.Errorf("401 answers: got %d, want at least 1 (the expiry was exercised)", got)
	}
}

// storedAccessToken reads the access token in the test's token store.
func storedAccessToken(t *testing.T, e *env) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(e.dir, "token.json"))
	if err != nil {
		t.Fatalf("read token store: %v", err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(b, &tok); err != nil {
		t.Fatalf("token store is not JSON: %v", err)
	}
	return tok.AccessToken
}

// TestSync_TwoProcessesShareTheTokenStore runs two syncs at the same time
// from the same initial refresh token and token store, with Xero's reuse
// window closed: the file lock makes one refresh and the other process
// adopt its token, so neither spends a refresh token twice.
func TestSync_TwoProcessesShareTheTokenStore(t *testing.T) {
	e := newEnv(t, xerofake.Demo(), xerofake.Options{RefreshGrace: time.Nanosecond})
	rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
	var wg sync.WaitGroup
	outs := make([]string, 2)
	runs := make([]connectortest.Result, 2)
	errs := make([]error, 2)
	for i := range outs {
		outs[i] = e.c1z(fmt.Sprintf("p%d", i))
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			runs[i], errs[i] = connectortest.Exec(ctx, marker, nil, e.webArgs(outs[i], rt)...)
		}()
	}
	wg.Wait()
	for i, out := range outs {
		if errs[i] != nil || runs[i].ExitCode != 0 {
			t.Fatalf("process %d: exit %d, err %v\n%s", i, runs[i].ExitCode, errs[i], tail(runs[i].Stderr, 3000))
		}
		e.assertSynced(out, organisations(e.ds))
	}
	if got := e.fake.TokenRequests()["refresh_token"]; got != 1 {
		t.Errorf("refresh_token grants: got %d, want 1 (the second process adopts the first's token)", got)
	}
}

// TestSync_NewRefreshTokenStartsNewChain: after a re-authorisation (the
// old consent revoked), a sync given the new --refresh-token over the old
// token store starts a new chain from it instead of spending the dead
// stored token; the next run with the same flag uses the stored, rotated
// token of the new chain; a token file without an origin (an older
// version's) keeps winning over the flag.
func TestSync_NewRefreshTokenStartsNewChain(t *testing.T) {
	clock := fakeapi.NewManualClock(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC))
	e := newEnv(t, xerofake.Demo(), xerofake.Options{Clock: clock})
	first := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
	e.run(0, e.webArgs(e.c1z("first"), first)...)

	// The user re-authorises: the old consent ends, a new refresh token.
	e.fake.RevokeRefreshToken(first)
	second := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
	clock.Advance(31 * time.Minute) // access tokens expired, reuse window closed
	out := e.c1z("second")
	res := e.run(0, e.webArgs(out, second, "--log-level", "info")...)
	e.assertSynced(out, organisations(e.ds))
	mustContain(t, "stderr", res.Stderr, "a new --refresh-token (BATON_REFRESH_TOKEN) was given: starting a new token chain")
	if strings.Contains(res.Stderr, second) {
		t.Errorf("the log holds the new refresh token")
	}
	rotated := storedRefreshToken(t, e)
	if rotated == second || rotated == "" {
		t.Fatalf("stored refresh token after the new chain: got initial=%v empty=%v, want its rotated token", rotated == second, rotated == "")
	}

	// Same flag again, past the reuse window: the stored token of the new
	// chain wins (spending `second` again would be invalid_grant).
	clock.Advance(31 * time.Minute)
	res = e.run(0, e.webArgs(e.c1z("third"), second, "--log-level", "info")...)
	if strings.Contains(res.Stderr, "starting a new token chain") {
		t.Errorf("the same --refresh-token started a new chain again")
	}

	// A token file of an older version (no origin field) wins over a
	// stale flag, as before.
	legacy := map[string]string{"refresh_token": storedRefreshToken(t, e)}
	b, _ := json.Marshal(legacy)
	if err := os.WriteFile(filepath.Join(e.dir, "token.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	clock.Advance(31 * time.Minute)
	out = e.c1z("legacy")
	res = e.run(0, e.webArgs(out, first, "--log-level", "info")...)
	e.assertSynced(out, organisations(e.ds))
	if strings.Contains(res.Stderr, "starting a new token chain") {
		t.Errorf("a token file without an origin started a new chain")
	}
}
