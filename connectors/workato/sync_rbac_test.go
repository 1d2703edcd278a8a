package workato_test

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
)

// allEnvs are the environments of the RBAC 2.0 datasets.
var allEnvs = []string{"dev", "test", "prod"}

// envTokenArgs are the flags of the TEST and PROD tokens.
var envTokenArgs = []string{"--workato-test-api-key", workatofake.EnvTokenTest, "--workato-prod-api-key", workatofake.EnvTokenProd}

// smallRBAC is an RBAC 2.0 workspace small enough to sync in a few seconds
// with the folder trees read folder by folder.
func smallRBAC() workatofake.Workspace {
	return workatofake.GenerateRBAC(workatofake.RBACSizes{Members: 24, Groups: 7, ProjectsPerEnv: 12, SubfoldersPerProject: 3})
}

// TestSync_RBACEnvironments syncs RBAC 2.0 workspaces with a token per
// environment: every environment's projects, folder trees and grants
// (to collaborators and to groups, the latter expanded to the members),
// groups, API clients and client roles, exactly, at the lower bound of
// requests for the folder mode the fake serves, and with no 429.
func TestSync_RBACEnvironments(t *testing.T) {
	tests := []struct {
		name   string
		ws     func() workatofake.Workspace
		nested workatofake.NestedMode
		window time.Duration
	}{
		{name: "MigratedEnvs, nested folders served", ws: workatofake.MigratedEnvs, nested: workatofake.NestedSubtree, window: 100 * time.Millisecond},
		{name: "migrated, nested flag ignored", ws: smallRBAC, nested: workatofake.NestedUnsupported, window: 200 * time.Millisecond},
		{name: "migrated, nested folders served", ws: smallRBAC, nested: workatofake.NestedSubtree, window: 200 * time.Millisecond},
		{name: "mid-migration", ws: workatofake.MidMigration, window: testWindow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := tt.ws()
			e := newEnv(t, ws, workatofake.Options{NestedFolders: tt.nested, MinuteWindow: tt.window})
			out := e.c1z("sync")
			res := e.run(0, e.args(out, envTokenArgs...)...)
			snap := e.assertSynced(out, expectOptions{TokenEnvs: allEnvs, LastLogins: true})
			t.Logf("%s; requests:\n%s", snap.Counts(), e.fake.Requests())
			assertBound(t, e.fake, e.fake.Workspace(), boundOptions{TokenEnvs: allEnvs, Nested: tt.nested == workatofake.NestedSubtree})
			if got := e.status.Get(http.StatusTooManyRequests); got != 0 {
				t.Errorf("429 answers during a healthy sync: got %d, want 0", got)
			}
			if strings.Contains(res.Stderr, "not synced (no API token") {
				t.Errorf("the sync says an environment has no token, although every one has: %s", tail(res.Stderr, 2000))
			}
			for _, c := range ws.Clients {
				if strings.Contains(res.Stdout+res.Stderr, c.Token) {
					t.Errorf("a token (of API client %d) was printed", c.ID)
				}
			}
		})
	}
}

// TestSync_RBACDevTokenOnly: with only the DEV token, the other
// environments' projects are absent, the sync is otherwise exact, and one
// info line names the environments and the flags to set.
func TestSync_RBACDevTokenOnly(t *testing.T) {
	ws := workatofake.MigratedEnvs()
	e := newEnv(t, ws, workatofake.Options{NestedFolders: workatofake.NestedSubtree, MinuteWindow: 100 * time.Millisecond})
	out := e.c1z("sync")
	res := e.run(0, e.args(out)...)
	e.assertSynced(out, expectOptions{LastLogins: true})
	assertBound(t, e.fake, e.fake.Workspace(), boundOptions{Nested: true})
	line := "projects of test, prod not synced (no API token for that environment): set --workato-test-api-key, --workato-prod-api-key"
	mustContain(t, "stderr", res.Stderr, line)
	if n := strings.Count(res.Stderr, "not synced (no API token"); n != 1 {
		t.Errorf("lines naming environments without a token: got %d, want 1", n)
	}
}

// TestSync_APIClientsForbidden: a token whose client role may not list API
// clients syncs everything else, with one info line, not a failure.
func TestSync_APIClientsForbidden(t *testing.T) {
	ws := workatofake.MidMigration()
	e := newEnv(t, ws, workatofake.Options{APIClientsForbidden: true})
	out := e.c1z("sync")
	res := e.run(0, e.args(out, envTokenArgs...)...)
	e.assertSynced(out, expectOptions{TokenEnvs: allEnvs, NoAPIClients: true, LastLogins: true})
	assertBound(t, e.fake, e.fake.Workspace(), boundOptions{TokenEnvs: allEnvs, NoAPIClients: true})
	mustContain(t, "stderr", res.Stderr, "may not list API clients")
	if n := strings.Count(res.Stderr, "may not list API clients"); n != 1 {
		t.Errorf("info lines about API clients: got %d, want 1", n)
	}
}

// TestSync_APIClientsOwnEnvironment: where each environment's token lists
// only its own environment's API clients (UNCERTAIN which Workato does),
// the lists of the environments the main list does not cover are read
// too, and every API client is synced, once.
func TestSync_APIClientsOwnEnvironment(t *testing.T) {
	ws := workatofake.MidMigration()
	e := newEnv(t, ws, workatofake.Options{APIClientsOwnEnv: true})
	out := e.c1z("sync")
	e.run(0, e.args(out, envTokenArgs...)...)
	e.assertSynced(out, expectOptions{TokenEnvs: allEnvs, LastLogins: true})
	assertBound(t, e.fake, e.fake.Workspace(), boundOptions{TokenEnvs: allEnvs, OwnEnvLists: true})
}

// TestSync_TokensSwapped: a PROD token given as the TEST one (and the
// reverse) would label each environment's projects as the other's; the
// grants' project environment shows it, and the sync fails naming the flag
// to use instead.
func TestSync_TokensSwapped(t *testing.T) {
	e := newEnv(t, workatofake.MidMigration(), workatofake.Options{})
	out := e.c1z("sync")
	res := e.run(3, e.args(out, "--workato-test-api-key", workatofake.EnvTokenProd, "--workato-prod-api-key", workatofake.EnvTokenTest)...) // InvalidArgument
	mustContain(t, "stderr", res.Stderr, "belongs to an API client of")
	mustContain(t, "stderr", res.Stderr, "--workato-prod-api-key")
}

// TestSync_GroupMemberRemovedMidSync: a member is removed from a group
// after the group list answered (its members_count still counting them)
// and before the group's members are read: the sync shows the group as it
// is after the change, and the project grants held through the group
// expand to its remaining members only.
func TestSync_GroupMemberRemovedMidSync(t *testing.T) {
	ws := workatofake.MidMigration()
	var release workatofake.Group
	for _, g := range ws.Groups {
		if !g.System && len(g.MemberIDs) > 1 {
			release = g
		}
	}
	if release.ID == "" {
		t.Fatal("dataset has no group of two or more members")
	}
	removed := release.MemberIDs[0]
	var once sync.Once
	mw := func(fake *workatofake.Server, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r)
			if r.URL.Path == "/api/user_groups" {
				once.Do(func() { fake.RemoveFromGroup(release.ID, removed) })
			}
		})
	}
	e := newEnv(t, ws, workatofake.Options{}, mw)
	out := e.c1z("sync")
	e.run(0, e.args(out, envTokenArgs...)...)
	snap := e.assertSynced(out, expectOptions{TokenEnvs: allEnvs, LastLogins: true})
	key := "group:" + release.ID + ":member -> collaborator/" + strconv.Itoa(removed)
	if _, ok := snap.Grants[key]; ok {
		t.Errorf("grant %s: present, want gone (removed during the sync)", key)
	}
	if got := snap.Resources["group/"+release.ID].Profile["members_count"]; got != strconv.Itoa(len(release.MemberIDs)-1) {
		t.Errorf("members_count of %s: got %s, want %d", release.ID, got, len(release.MemberIDs)-1)
	}
}

// TestSync_ProjectDeletedMidSync: a project listed by GET /api/projects
// and deleted before its grants and folders are read (both answer 404) is
// left out as a whole, with an info line naming it; the rest is exact.
func TestSync_ProjectDeletedMidSync(t *testing.T) {
	ws := workatofake.MidMigration()
	var gone workatofake.Project
	for _, p := range ws.Projects {
		if p.Env == workatofake.EnvTest {
			gone = p
			break
		}
	}
	mw := func(_ *workatofake.Server, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/api/projects/"+strconv.Itoa(gone.ID)+"/project_grants" ||
				(r.URL.Path == "/api/folders" && r.URL.Query().Get("parent_id") == strconv.Itoa(gone.FolderID)) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusNotFound)
				_, _ = w.Write([]byte(`{"message":"Not found"}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	e := newEnv(t, ws, workatofake.Options{}, mw)
	out := e.c1z("sync")
	res := e.run(0, e.args(out, envTokenArgs...)...)
	want := e.fake.Workspace()
	want.Projects = deleteProject(want.Projects, gone.ID)
	got := e.assertSyncedAs(out, want, expectOptions{TokenEnvs: allEnvs, LastLogins: true})
	if _, ok := got.Resources["project/test:"+strconv.Itoa(gone.ID)]; ok {
		t.Errorf("project test:%d: synced, want left out", gone.ID)
	}
	mustContain(t, "stderr", res.Stderr, "project deleted during the sync; leaving it out", strconv.Itoa(gone.ID))
}

func deleteProject(ps []workatofake.Project, id int) []workatofake.Project {
	var out []workatofake.Project
	for _, p := range ps {
		if p.ID != id {
			out = append(out, p)
		}
	}
	return out
}

// TestSync_EnvTokenRevokedMidSync: the PROD token is revoked after the
// sync has made a few calls with it (another admin deleted its API
// client): the sync fails Unauthenticated, names the environment and the
// flag of the rejected token, and writes no finished sync, instead of
// leaving PROD's projects out.
func TestSync_EnvTokenRevokedMidSync(t *testing.T) {
	var prodCalls atomic.Int32
	mw := func(_ *workatofake.Server, next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") == "Bearer "+workatofake.EnvTokenProd && prodCalls.Add(1) > 3 {
				w.Header().Set("Content-Type", "application/json; charset=utf-8")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = w.Write([]byte(`{"message":"Unauthorized"}`))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
	e := newEnv(t, smallRBAC(), workatofake.Options{}, mw)
	out := e.c1z("sync")
	res := e.run(16, e.args(out, envTokenArgs...)...) // Unauthenticated
	if got := prodCalls.Load(); got <= 3 {
		t.Fatalf("calls with the PROD token: got %d, want more than 3 (the revocation was not reached)", got)
	}
	mustContain(t, "stderr", res.Stderr, "401", "prod", "check --workato-prod-api-key")
	assertNoFinishedSync(t, out)
}
