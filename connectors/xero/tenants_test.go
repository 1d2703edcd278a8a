package xero_test

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
)

// TestSync_ManyOrganisations crosses the organisation page size: every
// organisation is synced exactly once, at 1 + 2T calls.
func TestSync_ManyOrganisations(t *testing.T) {
	ds := xerofake.Generate(120, 7, 42)
	e := newEnv(t, ds, xerofake.Options{})
	rt := e.fake.IssueRefreshToken("bench-client", "offline_access", "accounting.settings.read")
	out := e.c1z("sync")
	e.run(0, e.args(out, "--xero-client-id", "bench-client", "--xero-client-secret", "bench-secret",
		"--refresh-token", rt, "--xero-token-store", filepath.Join(e.dir, "token.json"))...)
	orgs := organisations(ds)
	if len(orgs) < 100 {
		t.Fatalf("dataset has %d organisations, want at least 100 to cross a page", len(orgs))
	}
	e.assertSynced(out, orgs)
	if got, want := e.fake.Requests().Count("GET", "/api.xro/2.0/Users")+e.fake.Requests().Count("GET", "/api.xro/2.0/Organisation")+
		e.fake.Requests().Count("GET", "/connections"), 1+2*len(orgs); got != want {
		t.Errorf("API calls: got %d, want 1 + 2T = %d", got, want)
	}
	if got := e.status.Get(http.StatusTooManyRequests); got != 0 {
		t.Errorf("429 answers: got %d, want 0", got)
	}
}

// TestSync_TenantAllowList limits the sync to the listed organisations and
// rejects a tenant that is not connected.
func TestSync_TenantAllowList(t *testing.T) {
	ds := xerofake.Demo()
	orgs := organisations(ds)
	t.Run("subset", func(t *testing.T) {
		e := newEnv(t, ds, xerofake.Options{})
		rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
		out := e.c1z("sync")
		e.run(0, e.webArgs(out, rt, "--xero-tenant-ids", orgs[1])...)
		e.assertSynced(out, orgs[1:2])
		if got := e.fake.Requests().Count("GET", "/api.xro/2.0/Users"); got != 1 {
			t.Errorf("GET /Users calls: got %d, want 1", got)
		}
	})
	t.Run("unknown tenant", func(t *testing.T) {
		e := newEnv(t, ds, xerofake.Options{})
		rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
		out := e.c1z("sync")
		res := runAs(t, int(codes.FailedPrecondition), e.webArgs(out, rt, "--xero-tenant-ids", orgs[0]+",00000000-0000-0000-0000-00000000dead")...)
		mustContain(t, "stderr", res.Stderr, "00000000-0000-0000-0000-00000000dead", "not connected")
		assertNoFinishedSync(t, out)
	})
}

// TestSync_PracticeConnectionSkipped: a PRACTICE tenant is not synced and
// costs no accounting call.
func TestSync_PracticeConnectionSkipped(t *testing.T) {
	ds := xerofake.Demo()
	var practice string
	for _, c := range ds.Connections {
		if c.TenantType == xerofake.TenantTypePractice {
			practice = c.TenantID
		}
	}
	if practice == "" {
		t.Fatal("demo dataset has no PRACTICE connection")
	}
	e := newEnv(t, ds, xerofake.Options{})
	rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
	out := e.c1z("sync")
	res := e.run(0, e.webArgs(out, rt, "--log-level", "info")...)
	snap := e.assertSynced(out, organisations(ds))
	if _, ok := snap.Resources["org/"+practice]; ok {
		t.Errorf("practice tenant %s was synced as an organisation", practice)
	}
	mustContain(t, "stderr", res.Stderr, practice)
}

// TestSync_NoSecretsInLogs runs at debug level and finds no client secret,
// refresh token or access token in anything the connector printed.
func TestSync_NoSecretsInLogs(t *testing.T) {
	e := newEnv(t, xerofake.Demo(), xerofake.Options{})
	rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
	e.fake.Faults().Add(xerofakeFault("GET /api.xro/2.0/Users", http.StatusServiceUnavailable))
	out := e.c1z("sync")
	res := e.run(0, e.webArgs(out, rt, "--log-level", "debug")...)
	logs := res.Stdout + res.Stderr
	if !strings.Contains(logs, "debug") && !strings.Contains(logs, "DEBUG") {
		t.Fatalf("no debug lines were logged; the check would prove nothing")
	}
	secrets := map[string]string{
		"client secret":         "demo-web-secret",
		"initial refresh token": rt,
		"rotated refresh token": storedRefreshToken(t, e),
		"stored access token":   storedAccessToken(t, e),
	}
	for what, s := range secrets {
		if s == "" {
			t.Fatalf("%s is empty; the check would prove nothing", what)
		}
		if strings.Contains(logs, s) {
			t.Errorf("logs contain the %s", what)
		}
	}
}
