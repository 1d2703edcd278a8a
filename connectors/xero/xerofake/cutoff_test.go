package xerofake

import (
	"net/http"
	"testing"
)

// TestServer_CutOffAfterConnections: an armed cut-off leaves the tenant
// reachable until /connections has been answered, then its accounting
// calls answer the staged status while the other tenants keep working.
func TestServer_CutOffAfterConnections(t *testing.T) {
	for _, status := range []int{http.StatusForbidden, http.StatusNotFound} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			s, base := NewTestServer(t, Demo(), Options{})
			ds := Demo()
			web := webAccessToken(t, s, base)
			gone, other := ds.Orgs[1].OrganisationID, ds.Orgs[2].OrganisationID
			s.CutOffAfterConnections(gone, status)
			if resp, b := get(t, base+"/api.xro/2.0/Users", web, tenantHdr(gone)); resp.StatusCode != http.StatusOK {
				t.Fatalf("before /connections: got %d %s, want 200", resp.StatusCode, b)
			}
			if resp, b := get(t, base+"/connections", web, nil); resp.StatusCode != http.StatusOK {
				t.Fatalf("/connections: got %d %s, want 200", resp.StatusCode, b)
			}
			for _, route := range []string{"/api.xro/2.0/Users", "/api.xro/2.0/Organisation"} {
				if resp, b := get(t, base+route, web, tenantHdr(gone)); resp.StatusCode != status {
					t.Errorf("%s of the cut-off tenant: got %d %s, want %d", route, resp.StatusCode, b, status)
				}
				if resp, b := get(t, base+route, web, tenantHdr(other)); resp.StatusCode != http.StatusOK {
					t.Errorf("%s of another tenant: got %d %s, want 200", route, resp.StatusCode, b)
				}
			}
			s.CutOff(gone, 0)
			s.CutOff(gone, status, RouteUsers)
			if resp, b := get(t, base+"/api.xro/2.0/Organisation", web, tenantHdr(gone)); resp.StatusCode != http.StatusOK {
				t.Errorf("/Organisation with only /Users cut off: got %d %s, want 200", resp.StatusCode, b)
			}
			if resp, b := get(t, base+"/api.xro/2.0/Users", web, tenantHdr(gone)); resp.StatusCode != status {
				t.Errorf("/Users with only /Users cut off: got %d %s, want %d", resp.StatusCode, b, status)
			}
			s.CutOff(gone, 0)
			if resp, b := get(t, base+"/api.xro/2.0/Users", web, tenantHdr(gone)); resp.StatusCode != http.StatusOK {
				t.Errorf("after restoring: got %d %s, want 200", resp.StatusCode, b)
			}
		})
	}
}
