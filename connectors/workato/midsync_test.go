package workato_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
)

// memberWithRoles returns a member who has access somewhere (so the sync
// reads their privileges).
func memberWithRoles(t *testing.T, ws workatofake.Workspace) workatofake.Member {
	t.Helper()
	for _, m := range ws.Members {
		if len(m.Roles) > 0 {
			return m
		}
	}
	t.Fatal("dataset has no member with a role")
	return workatofake.Member{}
}

// TestSync_CollaboratorRemovedMidSync: a collaborator deleted between
// GET /api/members and their GET /api/members/:id/privileges is left out as
// a whole, logged at info with their ID, and everything else is exact.
func TestSync_CollaboratorRemovedMidSync(t *testing.T) {
	tests := []struct {
		name string
		ws   func() workatofake.Workspace
	}{
		{name: "legacy, three environments", ws: workatofake.ThreeEnvs},
		{name: "migrated to RBAC 2.0", ws: workatofake.MigratedWorkspace},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := tt.ws()
			gone := memberWithRoles(t, ws)
			e := newEnv(t, ws, workatofake.Options{VanishAfterList: []int{gone.ID}})
			out := e.c1z("sync")
			res := e.run(0, e.args(out)...)
			for _, m := range e.fake.Workspace().Members {
				if m.ID == gone.ID {
					t.Fatalf("the fake did not remove member %d", gone.ID)
				}
			}
			snap := e.assertSynced(out, expectOptions{})
			if _, ok := snap.Resources["collaborator/"+strconv.Itoa(gone.ID)]; ok {
				t.Errorf("collaborator %d removed mid-sync is in the c1z", gone.ID)
			}
			if len(snap.Resources) < 2 {
				t.Errorf("resources synced: got %d, want the whole workspace", len(snap.Resources))
			}
			mustContain(t, "stderr", res.Stderr, "collaborator removed during the sync", strconv.Itoa(gone.ID))
		})
	}
}

// TestSync_MembersTotal: a collaborator list whose total says it is longer
// than the answer is read page by page until the total; one whose total is
// never delivered fails naming both numbers.
func TestSync_MembersTotal(t *testing.T) {
	ws := workatofake.Generate(50, 3, 5, 10, []string{"dev", "test", "prod"}, 11)
	if len(ws.Members) != 50 {
		t.Fatalf("dataset has %d members, want 50", len(ws.Members))
	}
	t.Run("paged at 20: exact", func(t *testing.T) {
		e := newEnv(t, ws, workatofake.Options{MembersPerPage: 20})
		out := e.c1z("sync")
		e.run(0, e.args(out)...)
		e.assertSynced(out, expectOptions{})
		if got := e.requests("GET", "/api/members"); got != 3 {
			t.Errorf("GET /api/members calls for 50 members paged at 20: got %d, want 3", got)
		}
	})
	t.Run("a total never delivered", func(t *testing.T) {
		e := newEnv(t, ws, workatofake.Options{MembersPerPage: 20, MembersTotalExtra: 5})
		out := e.c1z("sync")
		res := e.run(13, e.args(out)...) // Internal
		mustContain(t, "stderr", res.Stderr, "GET /api/members", "there are 55 but only 50")
		assertNoFinishedSync(t, out)
	})
}

// TestSync_PagingEnds: a server that ignores page makes every "read until
// a short page" loop see the same page again; the sync fails promptly and
// non-zero, naming the endpoint, instead of reading forever.
func TestSync_PagingEnds(t *testing.T) {
	tests := []struct {
		name string
		ws   workatofake.Workspace
		opts workatofake.Options
		want []string
	}{
		{name: "projects", ws: workatofake.Generate(12, 5, 20, 130, []string{"dev"}, 7), want: []string{"GET /api/projects", "page 2 holds the same items as page 1"}},
		{name: "folders", ws: workatofake.Demo(), want: []string{"GET /api/folders", "page 2 holds the same items as page 1"}},
		{
			name: "collaborators", ws: workatofake.ThreeEnvs(), opts: workatofake.Options{MembersTotalExtra: 5},
			want: []string{"GET /api/members", "page 2 holds the same items as page 1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.IgnorePage = true
			e := newEnv(t, tt.ws, tt.opts)
			out := e.c1z("sync")
			start := time.Now()
			res := e.run(13, e.args(out)...) // Internal
			if d := time.Since(start); d > time.Minute {
				t.Errorf("run took %v, want a prompt failure", d)
			}
			mustContain(t, "stderr", res.Stderr, tt.want...)
			assertNoFinishedSync(t, out)
		})
	}
}
