package workatofake

// Tests of with_nested_folders in both modes, and of the separate rate
// limits of the RBAC 2.0 endpoint groups.

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestServer_NestedFolders(t *testing.T) {
	ws := GenerateRBAC(RBACSizes{Members: 3, Groups: 5, ProjectsPerEnv: 40, SubfoldersPerProject: 3})
	var devFolders []Folder // every dev folder
	for _, f := range ws.Folders {
		if p := ws.Projects[slices.IndexFunc(ws.Projects, func(p Project) bool { return p.ID == f.ProjectID })]; envOf(p.Env) == EnvDev {
			devFolders = append(devFolders, f)
		}
	}
	root := ws.Projects[0].FolderID // dev project 0: 3 subfolders, the third under the second
	tests := []struct {
		name            string
		mode            NestedMode
		query           string
		wantLen         int
		wantDeep        bool // some folder's parent is not the asked parent
		wantTotalOfDevs bool // pages together cover every dev folder
	}{
		{name: "unsupported ignores the flag", mode: NestedUnsupported, query: fmt.Sprintf("?parent_id=%d&with_nested_folders=true", root), wantLen: 2},
		{name: "subtree of a project", mode: NestedSubtree, query: fmt.Sprintf("?parent_id=%d&with_nested_folders=true", root), wantLen: 3, wantDeep: true},
		{name: "subtree flag false", mode: NestedSubtree, query: fmt.Sprintf("?parent_id=%d&with_nested_folders=false", root), wantLen: 2},
		{name: "subtree from Home, paged", mode: NestedSubtree, query: "?with_nested_folders=true&per_page=500", wantLen: 100, wantDeep: true, wantTotalOfDevs: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, base, _ := manualServer(t, ws, Options{NestedFolders: tt.mode})
			got := decode[[]folderJSON](t, get(t, base+"/api/folders"+tt.query, EnvTokenDev).body)
			if len(got) != tt.wantLen {
				t.Fatalf("got %d folders, want %d", len(got), tt.wantLen)
			}
			deep := false
			for _, f := range got {
				if f.ParentID != nil && *f.ParentID != root {
					deep = true
				}
			}
			if deep != tt.wantDeep {
				t.Fatalf("a folder below a child: got %v, want %v", deep, tt.wantDeep)
			}
			if !tt.wantTotalOfDevs {
				return
			}
			seen := map[int]bool{}
			for page := 1; ; page++ {
				list := decode[[]folderJSON](t, get(t, fmt.Sprintf("%s/api/folders?with_nested_folders=true&per_page=100&page=%d", base, page), EnvTokenDev).body)
				for _, f := range list {
					seen[f.ID] = true
				}
				if len(list) < 100 {
					break
				}
			}
			if len(seen) != len(devFolders) {
				t.Fatalf("paged subtree: got %d folders, want every dev folder (%d)", len(seen), len(devFolders))
			}
		})
	}
}

func TestServer_RBACRateLimitGroups(t *testing.T) {
	ws := smallRBAC()
	p := projectOf(ws, EnvDev, 0)
	groups := []struct {
		name, path string
	}{
		{GroupUserGroups, "/api/user_groups"},
		{GroupAPIClients, "/api/developer_api_clients"},
		{GroupActivityLogs, "/api/activity_logs"},
		{GroupProjectGrants, fmt.Sprintf("/api/projects/%d/project_grants", p)},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			_, base, clk := manualServer(t, ws, Options{PerMinute: 3})
			for i := range 3 {
				if r := get(t, base+g.path, EnvTokenDev); r.status != 200 {
					t.Fatalf("call %d: got %d %s, want 200", i+1, r.status, r.body)
				}
			}
			if r := get(t, base+g.path, EnvTokenDev); r.status != 429 {
				t.Fatalf("4th call: got %d, want 429", r.status)
			}
			for _, other := range groups {
				if other.name == g.name {
					continue
				}
				if r := get(t, base+other.path, EnvTokenDev); r.status != 200 {
					t.Fatalf("%s while %s is limited: got %d, want 200 (its own bucket)", other.path, g.name, r.status)
				}
			}
			if r := get(t, base+"/api/members", EnvTokenDev); r.status != 200 {
				t.Fatalf("/api/members while %s is limited: got %d, want 200", g.name, r.status)
			}
			clk.Advance(time.Minute)
			if r := get(t, base+g.path, EnvTokenDev); r.status != 200 {
				t.Fatalf("after the window: got %d, want 200", r.status)
			}
		})
	}
}
