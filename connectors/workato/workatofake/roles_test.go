package workatofake

// Tests of the fake's role and project-grant endpoints.

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestServer_Roles(t *testing.T) {
	ws := Generate(3, 250, 0, 1, nil, 7)
	ws.Clients = testClient(TestToken)
	_, base, _ := manualServer(t, ws, Options{})
	tests := []struct {
		query     string
		wantLen   int
		wantFirst int // index into ws.CustomRoles
	}{
		{query: "", wantLen: 100, wantFirst: 0},
		{query: "?page=1&per_page=100", wantLen: 100, wantFirst: 0},
		{query: "?page=0&per_page=500", wantLen: 100, wantFirst: 0},
		{query: "?page=-3", wantLen: 100, wantFirst: 0},
		{query: "?page=2&per_page=500", wantLen: 100, wantFirst: 100},
		{query: "?page=3&per_page=100", wantLen: 50, wantFirst: 200},
		{query: "?page=4&per_page=100", wantLen: 0},
		{query: "?page=2&per_page=30", wantLen: 30, wantFirst: 30},
		{query: "?page=abc&per_page=", wantLen: 100, wantFirst: 0},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := get(t, base+"/api/roles"+tt.query, TestToken)
			if r.status != 200 || !strings.HasPrefix(string(r.body), "[") {
				t.Fatalf("got %d %.80s, want 200 and a bare array", r.status, r.body)
			}
			roles := decode[[]roleJSON](t, r.body)
			if len(roles) != tt.wantLen {
				t.Fatalf("got %d roles, want %d", len(roles), tt.wantLen)
			}
			if tt.wantLen == 0 {
				return
			}
			want := ws.CustomRoles[tt.wantFirst]
			got := roles[0]
			wantFolders := want.FolderIDs
			if wantFolders == nil {
				wantFolders = []int{}
			}
			if got.ID != want.ID || got.Name != want.Name || got.Inheritable != want.Inheritable || !slices.Equal(got.FolderIDs, wantFolders) ||
				!reflect.DeepEqual(got.Privileges, want.Privileges) || !timeRE.MatchString(got.CreatedAt) || !timeRE.MatchString(got.UpdatedAt) {
				t.Fatalf("first role: got %+v, want %+v", got, want)
			}
		})
	}
	t.Run("raw keys", func(t *testing.T) {
		raw := decode[[]map[string]json.RawMessage](t, get(t, base+"/api/roles?per_page=1", TestToken).body)
		var keys []string
		for k := range raw[0] {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		want := []string{"created_at", "folder_ids", "id", "inheritable", "name", "privileges", "updated_at"}
		if !reflect.DeepEqual(keys, want) {
			t.Fatalf("keys: got %v, want %v", keys, want)
		}
	})
	t.Run("migrated workspace", func(t *testing.T) {
		_, mbase, _ := manualServer(t, MigratedWorkspace(), Options{})
		r := get(t, mbase+"/api/roles", TestToken)
		if r.status != 400 || message(t, r) != msgLegacyRolesGone {
			t.Fatalf("got %d %s, want 400 %q", r.status, r.body, msgLegacyRolesGone)
		}
	})
}

func TestServer_NewRoles(t *testing.T) {
	_, base, _ := manualServer(t, MigratedWorkspace(), Options{})
	_, lbase, _ := manualServer(t, ThreeEnvs(), Options{})
	tests := []struct {
		name      string
		base      string
		path      string
		wantCode  int
		wantNames []string
		wantCount map[string]int
		wantTotal int
		wantPage  pageJSON
	}{
		{
			name: "environment roles", base: base, path: "/api/environment_roles", wantCode: 200,
			wantNames: []string{"Environment admin", "Environment manager", "Member", "Release managers", "Auditors"},
			wantCount: map[string]int{"Environment admin": 1, "Environment manager": 1, "Member": 2, "Release managers": 1, "Auditors": 1},
			wantTotal: 5, wantPage: pageJSON{Number: 1, Size: 100},
		},
		{
			name: "environment roles, page 2 of 2", base: base, path: "/api/environment_roles?page[number]=2&page[size]=3", wantCode: 200,
			wantNames: []string{"Release managers", "Auditors"}, wantTotal: 5, wantPage: pageJSON{Number: 2, Size: 3},
		},
		{
			name: "environment roles, clamped", base: base, path: "/api/environment_roles?page[number]=0&page[size]=1000", wantCode: 200,
			wantNames: []string{"Environment admin", "Environment manager", "Member", "Release managers", "Auditors"}, wantTotal: 5, wantPage: pageJSON{Number: 1, Size: 100},
		},
		{
			name: "environment roles, name filter", base: base, path: "/api/environment_roles?name=environment", wantCode: 200,
			wantNames: []string{"Environment admin", "Environment manager"}, wantTotal: 2, wantPage: pageJSON{Number: 1, Size: 100},
		},
		{
			name: "project roles", base: base, path: "/api/project_roles", wantCode: 200,
			wantNames: []string{"Project admin", "Advanced builder", "Builder", "Project operator", "Recipe reviewers"},
			wantCount: map[string]int{"Project admin": 1, "Advanced builder": 1, "Builder": 1, "Project operator": 1, "Recipe reviewers": 1},
			wantTotal: 5, wantPage: pageJSON{Number: 1, Size: 100},
		},
		{name: "environment roles before migration", base: lbase, path: "/api/environment_roles", wantCode: 401},
		{name: "project roles before migration", base: lbase, path: "/api/project_roles", wantCode: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, tt.base+tt.path, TestToken)
			if r.status != tt.wantCode {
				t.Fatalf("got %d %s, want %d", r.status, r.body, tt.wantCode)
			}
			if tt.wantCode == 401 {
				if message(t, r) != "Unauthorized" {
					t.Fatalf("message: got %q, want Unauthorized", message(t, r))
				}
				return
			}
			env := decode[pagedJSON[newRoleJSON]](t, r.body)
			var names []string
			for _, role := range env.Data {
				names = append(names, role.Name)
				if want, ok := tt.wantCount[role.Name]; ok && role.MembersCount != want {
					t.Fatalf("%s members_count: got %d, want %d", role.Name, role.MembersCount, want)
				}
				if (role.Type != NewRoleSystem && role.Type != NewRoleCustom) || !timeRE.MatchString(role.CreatedAt) || role.ID == "" {
					t.Fatalf("role: got %+v, want an id, system or custom and Workato timestamps", role)
				}
			}
			if !reflect.DeepEqual(names, tt.wantNames) || env.Total != tt.wantTotal || env.Page != tt.wantPage {
				t.Fatalf("got %v total %d page %+v, want %v total %d page %+v", names, env.Total, env.Page, tt.wantNames, tt.wantTotal, tt.wantPage)
			}
		})
	}
}

func TestServer_ProjectGrants(t *testing.T) {
	ws := MigratedWorkspace()
	_, base, _ := manualServer(t, ws, Options{})
	_, lbase, _ := manualServer(t, ThreeEnvs(), Options{})
	// grant is the documented nested shape of a grant on project 649122.
	grant := func(id string, memberID int, roleID textID, roleName string) projectGrantJSON {
		m, ok := memberByID(ws, memberID)
		if !ok {
			t.Fatalf("dataset has no member %d", memberID)
		}
		var projectName string
		for _, p := range ws.Projects {
			if p.ID == 649122 {
				projectName = p.Name
			}
		}
		return projectGrantJSON{
			ID:          id,
			Project:     grantProjectJSON{ID: 649122, Name: projectName, Environment: grantEnvironmentJSON{ID: devEnvironmentID, Type: EnvDev}},
			ProjectRole: grantRoleJSON{ID: roleID, Name: roleName},
			User:        &grantUserJSON{ID: memberID, Name: m.Name, Email: m.Email},
		}
	}
	tests := []struct {
		name     string
		url      string
		wantCode int
		want     []projectGrantJSON
	}{
		{
			name: "project with two grants", url: base + "/api/projects/649122/project_grants", wantCode: 200,
			want: []projectGrantJSON{
				grant(ws.ProjectGrants[0].ID, 5202, "32", "Advanced builder"),
				grant(ws.ProjectGrants[1].ID, 5203, "31", "Project admin"),
			},
		},
		{
			name: "second page of one", url: base + "/api/projects/649122/project_grants?page[number]=2&page[size]=1", wantCode: 200,
			want: []projectGrantJSON{grant(ws.ProjectGrants[1].ID, 5203, "31", "Project admin")},
		},
		{name: "unknown project", url: base + "/api/projects/1/project_grants", wantCode: 404},
		{name: "before migration", url: lbase + "/api/projects/649122/project_grants", wantCode: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, tt.url, TestToken)
			if r.status != tt.wantCode {
				t.Fatalf("got %d %s, want %d", r.status, r.body, tt.wantCode)
			}
			if tt.wantCode != 200 {
				return
			}
			env := decode[pagedJSON[projectGrantJSON]](t, r.body)
			if !reflect.DeepEqual(env.Data, tt.want) || env.Total != 2 {
				t.Fatalf("got %+v total %d, want %+v total 2", env.Data, env.Total, tt.want)
			}
			if !strings.HasPrefix(env.Data[0].ID, "pg-") || len(env.Data[0].ID) != len("pg-AQAEnmKC-Dtt9aD") {
				t.Fatalf("grant id %q: want the pg-XXXXXXXX-XXXXXXX form", env.Data[0].ID)
			}
		})
	}
}
