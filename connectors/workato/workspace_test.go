package workato_test

import (
	"net/http"
	"testing"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
)

// TestSync_Workspaces syncs each kind of workspace and compares the c1z with
// the fake's data exactly.
func TestSync_Workspaces(t *testing.T) {
	tests := []struct {
		name string
		ws   func() workatofake.Workspace
		args []string
		o    expectOptions
	}{
		{name: "legacy, one environment", ws: workatofake.LegacyOneEnv},
		{name: "three environments", ws: workatofake.ThreeEnvs},
		{name: "migrated to RBAC 2.0", ws: workatofake.MigratedWorkspace},
		{name: "demo: over 100 folders under one parent", ws: workatofake.Demo},
		{name: "custom roles disabled", ws: workatofake.ThreeEnvs, args: []string{"--disable-custom-roles-sync"}, o: expectOptions{DisableCustomRoles: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.ws(), workatofake.Options{})
			out := e.c1z("sync")
			e.run(0, e.args(out, tt.args...)...)
			snap := e.assertSynced(out, tt.o)
			odd := "privilege/" + workatofake.UnlistedSection + ":" + workatofake.UnlistedAction
			if _, ok := snap.Resources[odd]; !ok {
				t.Errorf("the privilege outside any list (%s) was not synced", odd)
			}
			t.Logf("%s; requests:\n%s", snap.Counts(), e.fake.Requests())
			if got := e.status.Get(http.StatusTooManyRequests); got != 0 {
				t.Errorf("429 answers during a healthy sync: got %d, want 0", got)
			}
			req := e.fake.Requests()
			if got := req.Count("GET", "/api/members"); got != 1 {
				t.Errorf("GET /api/members calls: got %d, want 1", got)
			}
		})
	}
}
