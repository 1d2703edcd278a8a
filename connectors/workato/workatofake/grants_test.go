package workatofake

// Tests of the fake's project-grant endpoints and effective access.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"testing"
)

// projectOf returns the id of project i (0-based) of env in a
// GenerateRBAC workspace.
func projectOf(ws Workspace, env string, i int) int {
	for _, p := range ws.Projects {
		if envOf(p.Env) == env && p.ID%10_000 == 1+i {
			return p.ID
		}
	}
	return 0
}

func TestServer_ProjectGrantShape(t *testing.T) {
	ws := smallRBAC()
	_, base, _ := manualServer(t, ws, Options{})
	p := projectOf(ws, EnvTest, 0) // project 0: direct Builder, squad operator, Engineering + Platform, direct operator, All collaborators, reviewers, deployers
	r := get(t, fmt.Sprintf("%s/api/projects/%d/project_grants", base, p), EnvTokenTest)
	if r.status != 200 {
		t.Fatalf("got %d %s, want 200", r.status, r.body)
	}
	var raw struct {
		Data []map[string]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(r.body, &raw); err != nil {
		t.Fatal(err)
	}
	var users, groups int
	for _, g := range raw.Data {
		var project struct {
			ID          int    `json:"id"`
			Name        string `json:"name"`
			Environment struct {
				ID   int    `json:"id"`
				Type string `json:"type"`
			} `json:"environment"`
		}
		var role struct{ ID, Name string }
		if json.Unmarshal(g["project"], &project) != nil || json.Unmarshal(g["project_role"], &role) != nil {
			t.Fatalf("grant %s: want project {id,name,environment{id,type}} and project_role {id (string), name}", r.body)
		}
		if project.ID != p || project.Environment.Type != EnvTest || project.Environment.ID != envIDs[EnvTest] || role.Name == "" || role.ID[:3] != "pr-" {
			t.Fatalf("grant project %+v role %+v: want project %d in test and a pr- role", project, role, p)
		}
		u, ug := string(g["user"]), string(g["user_group"])
		switch {
		case u == "null" && ug != "null":
			groups++
		case u != "null" && ug == "null":
			users++
		default:
			t.Fatalf("grant user %s user_group %s: want exactly one set, the other null", u, ug)
		}
	}
	if users == 0 || groups == 0 {
		t.Fatalf("got %d user and %d group grants, want both kinds", users, groups)
	}
}

func TestServer_PerEnvironmentIsolation(t *testing.T) {
	ws := smallRBAC()
	_, base, _ := manualServer(t, ws, Options{})
	dev, prod := projectOf(ws, EnvDev, 0), projectOf(ws, EnvProd, 0)
	var prodGrant, prodRoot string
	for _, g := range ws.ProjectGrants {
		if g.ProjectID == prod && prodGrant == "" {
			prodGrant = g.ID
		}
	}
	for _, p := range ws.Projects {
		if p.ID == prod {
			prodRoot = fmt.Sprint(p.FolderID)
		}
	}
	tests := []struct {
		name, token, path string
		wantCode          int
	}{
		{"prod project from prod", EnvTokenProd, fmt.Sprintf("/api/projects/%d/project_grants", prod), 200},
		{"prod project from dev", EnvTokenDev, fmt.Sprintf("/api/projects/%d/project_grants", prod), 404},
		{"dev project from test", EnvTokenTest, fmt.Sprintf("/api/projects/%d/project_grants", dev), 404},
		{"prod grant from prod", EnvTokenProd, "/api/project_grants/" + prodGrant, 200},
		{"prod grant from dev", EnvTokenDev, "/api/project_grants/" + prodGrant, 404},
		{"prod folder from prod", EnvTokenProd, "/api/folders?parent_id=" + prodRoot, 200},
		{"prod folder from dev", EnvTokenDev, "/api/folders?parent_id=" + prodRoot, 404},
		{"collaborators from prod", EnvTokenProd, "/api/members", 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := get(t, base+tt.path, tt.token); r.status != tt.wantCode {
				t.Fatalf("got %d %s, want %d", r.status, r.body, tt.wantCode)
			}
		})
	}
	t.Run("lists", func(t *testing.T) {
		for _, env := range []string{EnvDev, EnvTest, EnvProd} {
			tok := map[string]string{EnvDev: EnvTokenDev, EnvTest: EnvTokenTest, EnvProd: EnvTokenProd}[env]
			projects := decode[[]projectJSON](t, get(t, base+"/api/projects", tok).body)
			roots := decode[[]folderJSON](t, get(t, base+"/api/folders", tok).body)
			if len(projects) != 3 || len(roots) != 3 {
				t.Fatalf("%s: got %d projects and %d root folders, want 3 and 3", env, len(projects), len(roots))
			}
			for i, p := range projects {
				if envOf(ws.Projects[slices.IndexFunc(ws.Projects, func(x Project) bool { return x.ID == p.ID })].Env) != env || roots[i].ID != p.FolderID {
					t.Fatalf("%s: got project %+v (root %d), want only %s projects with their roots", env, p, roots[i].ID, env)
				}
			}
		}
	})
}

func TestServer_PutProjectGrants(t *testing.T) {
	type in = map[string]any
	many := make([]in, 101)
	for i := range many {
		many[i] = in{"assignment_type": AssignUser, "assignment_id": "6002", "project_role_id": ProjectRoleID(RoleBuilder)}
	}
	tests := []struct {
		name      string
		query     string
		body      any
		wantCode  int
		wantRoles map[string]string // assignee ("6003" or a group id) → role name after
	}{
		{
			name: "new user grant", body: in{"project_grants": []in{{"assignment_type": AssignUser, "assignment_id": "6003", "project_role_id": ProjectRoleID(RoleBuilder)}}},
			wantCode: 200, wantRoles: map[string]string{"6003": RoleBuilder},
		},
		{
			name: "numeric assignment id", body: in{"project_grants": []in{{"assignment_type": AssignUser, "assignment_id": 6003, "project_role_id": ProjectRoleID(RoleBuilder)}}},
			wantCode: 200, wantRoles: map[string]string{"6003": RoleBuilder},
		},
		{name: "re-PUT changes the role", body: in{"project_grants": []in{
			{"assignment_type": AssignUser, "assignment_id": "6003", "project_role_id": ProjectRoleID(RoleBuilder)},
			{"assignment_type": AssignUser, "assignment_id": "6003", "project_role_id": ProjectRoleID(RoleProjectAdmin)},
		}}, wantCode: 200, wantRoles: map[string]string{"6003": RoleProjectAdmin}},
		{
			name: "group grant", body: in{"project_grants": []in{{"assignment_type": AssignUserGroup, "assignment_id": GroupID("Squad 06"), "project_role_id": ProjectRoleID(RoleDeployers)}}},
			wantCode: 200, wantRoles: map[string]string{GroupID("Squad 06"): RoleDeployers},
		},
		{name: "query form", query: "?" + url.Values{
			"project_grants[][assignment_type]": {AssignUser}, "project_grants[][assignment_id]": {"6003"}, "project_grants[][project_role_id]": {ProjectRoleID(RoleBuilder)},
		}.Encode(), wantCode: 200, wantRoles: map[string]string{"6003": RoleBuilder}},
		{name: "over 100 grants", body: in{"project_grants": many}, wantCode: 400},
		{name: "unknown role", body: in{"project_grants": []in{{"assignment_type": AssignUser, "assignment_id": "6003", "project_role_id": "pr-nope"}}}, wantCode: 400},
		{name: "unknown user", body: in{"project_grants": []in{{"assignment_type": AssignUser, "assignment_id": "999", "project_role_id": ProjectRoleID(RoleBuilder)}}}, wantCode: 404},
		{name: "unknown group", body: in{"project_grants": []in{{"assignment_type": AssignUserGroup, "assignment_id": "am-nope", "project_role_id": ProjectRoleID(RoleBuilder)}}}, wantCode: 404},
		{name: "bad assignment type", body: in{"project_grants": []in{{"assignment_type": "Robot", "assignment_id": "6003", "project_role_id": ProjectRoleID(RoleBuilder)}}}, wantCode: 400},
		{name: "empty", body: in{"project_grants": []in{}}, wantCode: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := smallRBAC()
			s, base, _ := manualServer(t, ws, Options{})
			p := projectOf(ws, EnvDev, 1) // grants: a direct Builder only
			before := s.Workspace()
			r := call(t, http.MethodPut, fmt.Sprintf("%s/api/projects/%d/project_grants%s", base, p, tt.query), EnvTokenDev, tt.body)
			if r.status != tt.wantCode {
				t.Fatalf("got %d %s, want %d", r.status, r.body, tt.wantCode)
			}
			after := s.Workspace()
			if tt.wantCode != 200 {
				if !reflect.DeepEqual(after.ProjectGrants, before.ProjectGrants) || len(after.Activity) != len(before.Activity) || message(t, r) == "" {
					t.Fatalf("refused PUT: grants or log changed, or no message in %s; want nothing changed", r.body)
				}
				return
			}
			got := map[string]string{}
			names := map[string]string{}
			for _, role := range ws.ProjectRoles {
				names[role.ID] = role.Name
			}
			per := map[string]int{}
			for _, g := range after.ProjectGrants {
				if g.ProjectID != p {
					continue
				}
				key := g.GroupID
				if g.MemberID != 0 {
					key = fmt.Sprint(g.MemberID)
				}
				per[key]++
				if _, want := tt.wantRoles[key]; want {
					got[key] = names[g.RoleID]
				}
			}
			if !reflect.DeepEqual(got, tt.wantRoles) {
				t.Fatalf("roles after: got %v, want %v", got, tt.wantRoles)
			}
			for k, n := range per {
				if n != 1 {
					t.Fatalf("assignee %s holds %d grants on project %d, want 1", k, n, p)
				}
			}
			data := decode[struct{ Data []projectGrantJSON }](t, r.body).Data
			if len(data) == 0 || data[0].ID[:3] != "pg-" || len(after.Activity) <= len(before.Activity) {
				t.Fatalf("answer %s and %d new log entries: want {data:[grant…]} and entries", r.body, len(after.Activity)-len(before.Activity))
			}
			if e := after.Activity[len(after.Activity)-1]; e.EventType != EventProjectGrantPut || e.ResourceType != ResourceProjectGrant || e.Env != EnvDev {
				t.Fatalf("activity: got %+v, want a project-grant entry in dev", e)
			}
		})
	}
}

func TestServer_ProjectGrantByID(t *testing.T) {
	ws := smallRBAC()
	s, base, _ := manualServer(t, ws, Options{})
	p := projectOf(ws, EnvDev, 1)
	var g ProjectGrant
	for _, x := range ws.ProjectGrants {
		if x.ProjectID == p {
			g = x
		}
	}
	r := get(t, base+"/api/project_grants/"+g.ID, EnvTokenDev)
	if got := decode[struct{ Data projectGrantJSON }](t, r.body).Data; r.status != 200 || got.ID != g.ID || got.User == nil || got.User.ID != g.MemberID {
		t.Fatalf("GET: got %d %s, want 200 {data: grant %s}", r.status, r.body, g.ID)
	}
	r = call(t, http.MethodPut, base+"/api/project_grants/"+g.ID, EnvTokenDev, map[string]string{"project_role_id": ProjectRoleID(RoleAdvancedBuilder)})
	if got := decode[struct{ Data projectGrantJSON }](t, r.body).Data; r.status != 200 || got.ProjectRole.Name != RoleAdvancedBuilder {
		t.Fatalf("PUT: got %d %s, want 200 with Advanced builder", r.status, r.body)
	}
	if r := call(t, http.MethodPut, base+"/api/project_grants/"+g.ID, EnvTokenDev, map[string]string{"project_role_id": "pr-nope"}); r.status != 400 {
		t.Fatalf("PUT unknown role: got %d %s, want 400", r.status, r.body)
	}
	if r := call(t, http.MethodDelete, base+"/api/project_grants/"+g.ID, EnvTokenDev, nil); r.status != 200 {
		t.Fatalf("DELETE: got %d %s, want 200", r.status, r.body)
	}
	if r := get(t, base+"/api/project_grants/"+g.ID, EnvTokenDev); r.status != 404 {
		t.Fatalf("GET after DELETE: got %d, want 404", r.status)
	}
	var events []string
	for _, e := range s.Workspace().Activity[len(ws.Activity):] {
		events = append(events, e.EventType)
	}
	if want := []string{EventProjectGrantPut, EventProjectGrantDelete}; !slices.Equal(events, want) {
		t.Fatalf("activity: got %v, want %v", events, want)
	}
}

func TestServer_EffectiveAccess(t *testing.T) {
	ws := smallRBAC()
	_, base, _ := manualServer(t, ws, Options{})
	p0 := projectOf(ws, EnvDev, 0)
	// Project 0: member 6001 holds a direct Project operator grant and,
	// through Engineering, Platform team and All collaborators, Advanced
	// builder, Project admin and Project operator → Project admin. Member
	// 6005 holds a direct Deployers grant and the same group grants.
	tests := []struct {
		member   int
		project  int
		wantRole string
	}{
		{6001, p0, RoleProjectAdmin},
		{6005, p0, RoleProjectAdmin},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.member), func(t *testing.T) {
			r := get(t, fmt.Sprintf("%s/api/members/%d/projects_privileges", base, tt.member), EnvTokenDev)
			if r.status != 200 {
				t.Fatalf("got %d %s, want 200", r.status, r.body)
			}
			data := decode[struct{ Data []projectAccessJSON }](t, r.body).Data
			i := slices.IndexFunc(data, func(a projectAccessJSON) bool { return a.Project.ID == tt.project })
			if i < 0 || data[i].ProjectRole.Name != tt.wantRole || len(data[i].GrantedVia) < 2 {
				t.Fatalf("project %d: got %+v, want %s from several grants", tt.project, data, tt.wantRole)
			}
		})
	}
	t.Run("rank order", func(t *testing.T) {
		want := []string{RoleProjectOperator, RoleRecipeReviewers, RoleBuilder, RoleDeployers, RoleAdvancedBuilder, RoleProjectAdmin}
		var roles []NewRole
		for _, n := range want {
			roles = append(roles, ws.ProjectRoles[slices.IndexFunc(ws.ProjectRoles, func(r NewRole) bool { return r.Name == n })])
		}
		shuffled := slices.Clone(roles)
		slices.Reverse(shuffled)
		slices.SortFunc(shuffled, func(a, b NewRole) int { return roleRank(a) - roleRank(b) })
		if !reflect.DeepEqual(shuffled, roles) {
			t.Fatalf("got %v, want ranks in the order %v", shuffled, want)
		}
	})
	t.Run("a group's members gain and lose its access", func(t *testing.T) {
		ws := smallRBAC()
		squad := ws.Groups[6]
		p := projectOf(ws, EnvDev, 1) // otherwise only a direct Builder grant
		ws.ProjectGrants = append(ws.ProjectGrants, ProjectGrant{ID: "pg-test-squad", ProjectID: p, GroupID: squad.ID, RoleID: ProjectRoleID(RoleProjectAdmin)})
		outsider := 0
		for _, m := range ws.Members {
			direct := slices.ContainsFunc(ws.ProjectGrants, func(g ProjectGrant) bool { return g.ProjectID == p && g.MemberID == m.ID })
			if !slices.Contains(squad.MemberIDs, m.ID) && !direct && outsider == 0 {
				outsider = m.ID
			}
		}
		s := New(ws, Options{})
		before := s.EffectiveAccess(outsider)[p]
		s.AddToGroup(squad.ID, outsider)
		with := s.EffectiveAccess(outsider)[p]
		s.RemoveFromGroup(squad.ID, outsider)
		after := s.EffectiveAccess(outsider)[p]
		if before.Name != "" || with.Name != RoleProjectAdmin || after.Name != "" {
			t.Fatalf("member %d: got %q, then %q in the group, then %q after, want none, %s, none", outsider, before.Name, with.Name, after.Name, RoleProjectAdmin)
		}
	})
}
