package xero_test

import (
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
)

// without returns ids without drop.
func without(ids []string, drop string) []string {
	return slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == drop })
}

// tenantName is the /connections name of a tenant in ds.
func tenantName(ds xerofake.Dataset, tenantID string) string {
	for _, c := range ds.Connections {
		if c.TenantID == tenantID {
			return c.TenantName
		}
	}
	return ""
}

// TestSync_UnreachableOrganisation: an organisation disconnected mid-sync
// (listed by /connections, then its /Users or /Organisation answers 403 or
// 404) is skipped as a whole with a warning naming it and the fix, every
// other organisation is exact, the run exits 0 and ends with "synced N of
// M"; with --xero-require-all-organisations the run fails instead.
func TestSync_UnreachableOrganisation(t *testing.T) {
	tests := []struct {
		name   string
		status int
		routes []string
	}{
		{name: "Users 403", status: http.StatusForbidden, routes: []string{xerofake.RouteUsers}},
		{name: "Users 404", status: http.StatusNotFound, routes: []string{xerofake.RouteUsers}},
		{name: "Organisation 403", status: http.StatusForbidden, routes: []string{xerofake.RouteOrganisation}},
		{name: "every call 404", status: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, xerofake.Demo(), xerofake.Options{})
			rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
			orgs := organisations(e.ds)
			gone := orgs[1]
			name := tenantName(e.ds, gone)
			e.fake.CutOffAfterConnections(gone, tt.status, tt.routes...)
			out := e.c1z("sync")
			res := e.run(0, e.webArgs(out, rt, "--log-level", "info")...)
			snap := e.assertSynced(out, without(orgs, gone))
			if _, ok := snap.Resources["org/"+gone]; ok {
				t.Errorf("the unreachable organisation %s is in the c1z", gone)
			}
			mustContain(t, "stderr", res.Stderr,
				"skipping an organisation this app cannot read", gone, name, "baton-xero login", "--xero-tenant-ids",
				fmt.Sprintf("synced %d of %d connected organisations", len(orgs)-1, len(orgs)))
		})
	}
	t.Run("strict", func(t *testing.T) {
		e := newEnv(t, xerofake.Demo(), xerofake.Options{})
		rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
		gone := organisations(e.ds)[1]
		e.fake.CutOffAfterConnections(gone, http.StatusForbidden, xerofake.RouteUsers)
		out := e.c1z("sync")
		res := runAs(t, int(codes.FailedPrecondition), e.webArgs(out, rt, "--xero-require-all-organisations")...)
		mustContain(t, "stderr", res.Stderr, gone, "--xero-require-all-organisations", "baton-xero login")
		assertNoFinishedSync(t, out)
	})
}

// TestSync_UnreachableOrganisationInAFullPage: one organisation of a full
// page of 50 answering 404 or 403 costs only that organisation, not its
// page, at the same 1 + 2T calls.
func TestSync_UnreachableOrganisationInAFullPage(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusForbidden} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			ds := xerofake.Generate(120, 3, 7)
			e := newEnv(t, ds, xerofake.Options{})
			rt := e.fake.IssueRefreshToken("bench-client", "offline_access", "accounting.settings.read")
			orgs := organisations(ds)
			gone := orgs[10]
			e.fake.CutOffAfterConnections(gone, status, xerofake.RouteUsers)
			out := e.c1z("sync")
			res := runAs(t, 0, e.args(out, "--xero-client-id", "bench-client", "--xero-client-secret", "bench-secret",
				"--refresh-token", rt, "--xero-token-store", filepath.Join(e.dir, "token.json"), "--log-level", "info")...)
			e.assertSynced(out, without(orgs, gone))
			mustContain(t, "stderr", res.Stderr, fmt.Sprintf("synced %d of %d connected organisations", len(orgs)-1, len(orgs)))
			req := e.fake.Requests()
			if got, want := req.Count("GET", "/api.xro/2.0/Users")+req.Count("GET", "/api.xro/2.0/Organisation")+req.Count("GET", "/connections"), 1+2*len(orgs); got != want {
				t.Errorf("API calls: got %d, want 1 + 2T = %d", got, want)
			}
			if got := strings.Count(res.Stderr, "skipping an organisation"); got != 1 {
				t.Errorf("skip warnings: got %d, want 1", got)
			}
		})
	}
}
