package workato_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
	"github.com/accessgov/baton-connectors/internal/connectortest"
)

// benchWindow scales Workato's minute down so the large workspace syncs in
// seconds while the rate limits still bind as they do in production.
const benchWindow = 250 * time.Millisecond

// BenchmarkSync_Large syncs 100 collaborators, 200 custom roles, 2,000
// folders and 500 projects in three environments at scaled-down limits and
// prints requests against the lower bound of the API doc, wall time against
// the rate-limit bound, and peak memory.
func BenchmarkSync_Large(b *testing.B) {
	ws := workatofake.Generate(100, 200, 2000, 500, []string{"dev", "test", "prod"}, 3)
	bound, perRoute := lowerBound(ws, boundOptions{})
	perGroup := byGroup(perRoute)
	for i := 0; i < b.N; i++ {
		fake := workatofake.New(ws, workatofake.Options{MinuteWindow: benchWindow})
		// The span of the requests (the load) and what the SDK does after
		// the last one, to see where the wall time goes.
		var mu sync.Mutex
		var firstReq, lastReq time.Time
		h := fake.Handler("us")
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(w, r)
			mu.Lock()
			if firstReq.IsZero() {
				firstReq = time.Now()
			}
			lastReq = time.Now()
			mu.Unlock()
		}))
		dir := b.TempDir()
		out := filepath.Join(dir, "bench.c1z")
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
		started := time.Now()
		res, err := connectortest.Exec(ctx, marker, []string{"BATON_DISABLE_HTTP_CACHE=true"},
			"--workato-api-key", ws.Clients[0].Token, "--workato-base-url", srv.URL,
			"--workato-rate-limit-window", benchWindow.String(), "--file", out)
		ended := time.Now()
		cancel()
		srv.Close()
		if err != nil || res.ExitCode != 0 {
			b.Fatalf("sync: exit %d, err %v\n%s", res.ExitCode, err, tail(res.Stderr, 3000))
		}
		snap, err := connectortest.ReadC1Z(context.Background(), out)
		if err != nil {
			b.Fatal(err)
		}
		if diff := append(connectortest.Problems(snap), connectortest.Diff(expected(fake.Workspace(), expectOptions{}), snap)...); len(diff) > 0 {
			b.Fatalf("sync is not exact: %d problems, first: %s", len(diff), diff[0])
		}
		// The activity log's sign-in reads are the last-login reader's
		// and outside the formula: counted apart.
		activity := fake.Requests().Count("GET", "/api/activity_logs")
		got := fake.Requests().Total() - activity
		// Each group may start at most 60 requests per window; the busiest
		// group sets the bound.
		var rateBound time.Duration
		for _, n := range perGroup {
			if d := time.Duration(float64(n) / 60 * float64(benchWindow)); d > rateBound {
				rateBound = d
			}
		}
		b.ReportMetric(float64(got), "requests/sync")
		b.ReportMetric(res.Duration.Seconds(), "wall-s")
		b.ReportMetric(float64(res.MaxRSSKiB)/1024, "peak-MiB")
		fmt.Fprintf(os.Stderr, "\nworkato large sync: %s\n", snap.Counts())
		fmt.Fprintf(os.Stderr, "  requests: %d (+%d activity log); lower bound of the API doc: %d (%v)\n", got, activity, bound, perGroup)
		fmt.Fprintf(os.Stderr, "  wall time: %v; rate-limit bound at 60 per %v per group: %v (that is %v at Workato's real minute); ratio %.2f\n",
			res.Duration.Round(time.Millisecond), benchWindow, rateBound.Round(time.Millisecond),
			(rateBound * (time.Minute / benchWindow)).Round(time.Second), res.Duration.Seconds()/rateBound.Seconds())
		fmt.Fprintf(os.Stderr, "  start to first request %v; requests (the load) %v; after the last request (the SDK's entitlements, grants, expansion, c1z) %v\n",
			firstReq.Sub(started).Round(time.Millisecond), lastReq.Sub(firstReq).Round(time.Millisecond), ended.Sub(lastReq).Round(time.Millisecond))
		fmt.Fprintf(os.Stderr, "  peak memory: connector process tree %.1f MiB (max RSS)\n", float64(res.MaxRSSKiB)/1024)
		if got != bound {
			b.Errorf("requests: got %d, want the lower bound %d\n%s", got, bound, fake.Requests())
		}
	}
}

// boundOptions are the sync settings that change the lower bound.
type boundOptions struct {
	TokenEnvs    []string // nil: DEV only
	Nested       bool     // the fake serves whole subtrees (with_nested_folders honoured)
	NoAPIClients bool     // the API-client list is refused
	OwnEnvLists  bool     // each token lists only its environment's API clients
	NoCustom     bool     // --disable-custom-roles-sync
}

// lowerBound is the README's "Cost of a sync" formula for ws, by route
// (method and route as the fake records them; the activity log, read by
// the last-login reader, is not counted here):
//
//   - 1 collaborator list and one privileges read per collaborator with
//     access;
//   - every page of roles (⌊n/100⌋+1 for bare arrays and short-paged
//     lists, ⌈n/100⌉ and at least 1 for lists with a total): legacy custom
//     roles on a legacy workspace (or a migrated one whose collaborators
//     still hold legacy roles), the environment-roles probe, project roles;
//   - groups: ⌊G/100⌋+1, and ⌊m/100⌋+1 per group of m members;
//   - per environment with a token: ⌊P/100⌋+1 project pages; per project
//     its grants (migrated: ⌈g/100⌉, at least 1) and its folder tree:
//     nested, ⌊n/100⌋+1 for its n folders; otherwise, per folder of the
//     tree (root and leaves included), ⌊k/100⌋+1 for its k children;
//   - API clients ⌈c/100⌉ (at least 1) and client roles ⌈r/100⌉ (at least
//     1; not asked when the clients are refused).
func lowerBound(ws workatofake.Workspace, o boundOptions) (int, map[string]int) {
	short := func(n int) int { return n/100 + 1 }
	total := func(n int) int { return max(1, (n+99)/100) }
	envs := o.TokenEnvs
	if envs == nil {
		envs = []string{"dev"}
	}
	g := map[string]int{}
	g[workatofake.RouteMembers] = 1
	legacyHeld := false
	for _, m := range ws.Members {
		if len(m.Roles) > 0 {
			g[workatofake.RouteMemberPrivileges]++
		}
		for _, r := range m.Roles {
			if r.RoleType == workatofake.RoleTypeLegacy {
				legacyHeld = true
			}
		}
	}
	if (!ws.Migrated || legacyHeld) && !o.NoCustom {
		g[workatofake.RouteRoles] = short(len(ws.CustomRoles))
	}
	g[workatofake.RouteEnvironmentRoles] = total(len(ws.EnvironmentRoles))
	if ws.Migrated {
		g[workatofake.RouteProjectRoles] = total(len(ws.ProjectRoles))
	}
	g[workatofake.RouteGroups] = short(len(ws.Groups))
	for _, gr := range ws.Groups {
		n := len(gr.MemberIDs)
		if gr.System {
			n = len(ws.Members)
		}
		g[workatofake.RouteGroupMembers] += short(n)
	}
	children := map[int][]int{}
	for _, f := range ws.Folders {
		children[f.ParentID] = append(children[f.ParentID], f.ID)
	}
	var descendants func(id int) int
	descendants = func(id int) int {
		n := 0
		for _, c := range children[id] {
			n += 1 + descendants(c)
		}
		return n
	}
	var walk func(id int) int
	walk = func(id int) int {
		n := short(len(children[id]))
		for _, c := range children[id] {
			n += walk(c)
		}
		return n
	}
	grants := map[int]int{}
	for _, pg := range ws.ProjectGrants {
		grants[pg.ProjectID]++
	}
	for _, env := range envs {
		projects := 0
		for _, p := range ws.Projects {
			if pe := p.Env; pe != env && (pe != "" || env != "dev") {
				continue
			}
			projects++
			if ws.Migrated {
				g[workatofake.RouteProjectGrants] += total(grants[p.ID])
			}
			if p.FolderID == 0 {
				continue
			}
			if o.Nested {
				g[workatofake.RouteFolders] += short(descendants(p.FolderID))
			} else {
				g[workatofake.RouteFolders] += walk(p.FolderID)
			}
		}
		g[workatofake.RouteProjects] += short(projects)
	}
	g[workatofake.RouteAPIClients] = total(len(ws.Clients))
	if !o.NoAPIClients {
		g[workatofake.RouteClientRoles] = total(len(ws.ClientRoles))
	}
	if o.OwnEnvLists && !o.NoAPIClients {
		// The main list shows only DEV's clients, so every other
		// environment's list is read too (uncoveredEnvs).
		g[workatofake.RouteAPIClients] = 0
		for _, env := range envs {
			n := 0
			for _, c := range ws.Clients {
				if c.Env == env || (c.Env == "" && env == "dev") {
					n++
				}
			}
			g[workatofake.RouteAPIClients] += total(n)
		}
		g[workatofake.RouteClientRoles] = len(envs) * total(len(ws.ClientRoles))
	}
	sum := 0
	for _, n := range g {
		sum += n
	}
	return sum, g
}

// routeGroups maps each route of the bound to its rate-limit group.
var routeGroups = map[string]string{
	workatofake.RouteMembers: "collaborators", workatofake.RouteMemberPrivileges: "collaborators",
	workatofake.RouteRoles: "roles", workatofake.RouteEnvironmentRoles: "environment_roles",
	workatofake.RouteProjectRoles: "project_roles", workatofake.RouteProjectGrants: "project_grants",
	workatofake.RouteFolders: "folders", workatofake.RouteProjects: "folders",
	workatofake.RouteGroups: "user_groups", workatofake.RouteGroupMembers: "user_groups",
	workatofake.RouteAPIClients: "api_clients", workatofake.RouteClientRoles: "api_clients",
}

// byGroup sums a by-route count by rate-limit group.
func byGroup(routes map[string]int) map[string]int {
	out := map[string]int{}
	for r, n := range routes {
		out[routeGroups[r]] += n
	}
	return out
}

// assertBound compares the fake's recorded requests with the bound, route
// by route (the activity log aside).
func assertBound(t testing.TB, fake *workatofake.Server, ws workatofake.Workspace, o boundOptions) {
	t.Helper()
	_, want := lowerBound(ws, o)
	got := fake.Requests().Snapshot()
	delete(got, workatofake.RouteActivityLogs)
	for r, n := range want {
		if got[r] != n {
			t.Errorf("requests %s: got %d, want the lower bound %d", r, got[r], n)
		}
	}
	for r, n := range got {
		if _, ok := want[r]; !ok && n > 0 {
			t.Errorf("requests %s: got %d, want none", r, n)
		}
	}
}
