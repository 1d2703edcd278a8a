package workatofake

// Tests of the fake's collaborator-group endpoints.

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"testing"
)

type (
	groupsEnvelope       = pagedJSON[groupJSON]
	groupMembersEnvelope = pagedJSON[groupMemberJSON]
)

// smallRBAC is a small RBAC 2.0 workspace: 12 members, 8 groups (All
// collaborators, Engineering, Everyone but contractors, Platform team
// (IdP), Finance integrations (IdP), three squads), 3 projects per
// environment with 3 subfolders each.
func smallRBAC() Workspace {
	return GenerateRBAC(RBACSizes{Members: 12, Groups: 8, ProjectsPerEnv: 3, SubfoldersPerProject: 3})
}

func TestServer_Groups(t *testing.T) {
	big := GenerateRBAC(RBACSizes{Members: 150, Groups: 130, ProjectsPerEnv: 1})
	_, base, _ := manualServer(t, big, Options{})
	tests := []struct {
		name                   string
		query                  string
		wantLen, wantTotal     int
		wantFirst              string
		wantPageNo, wantPageSz int
	}{
		{name: "default page", query: "", wantLen: 100, wantTotal: 130, wantFirst: AllCollaborators, wantPageNo: 1, wantPageSz: 100},
		{name: "size clamped to 100", query: "?page[size]=500", wantLen: 100, wantTotal: 130, wantFirst: AllCollaborators, wantPageNo: 1, wantPageSz: 100},
		{name: "short second page", query: "?page[number]=2", wantLen: 30, wantTotal: 130, wantFirst: "Squad 100", wantPageNo: 2, wantPageSz: 100},
		{name: "page 0 is 1", query: "?page[number]=0&page[size]=2", wantLen: 2, wantTotal: 130, wantFirst: AllCollaborators, wantPageNo: 1, wantPageSz: 2},
		{name: "name filter", query: "?name=platform", wantLen: 1, wantTotal: 1, wantFirst: "Platform team", wantPageNo: 1, wantPageSz: 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, base+"/api/user_groups"+tt.query, EnvTokenDev)
			if r.status != 200 {
				t.Fatalf("got %d %s, want 200", r.status, r.body)
			}
			env := decode[groupsEnvelope](t, r.body)
			if len(env.Data) != tt.wantLen || env.Total != tt.wantTotal || env.Data[0].Name != tt.wantFirst || env.Page != (pageJSON{tt.wantPageNo, tt.wantPageSz}) {
				t.Fatalf("got %d groups (total %d, first %q, page %+v), want %d (total %d, first %q, page {%d %d})",
					len(env.Data), env.Total, env.Data[0].Name, env.Page, tt.wantLen, tt.wantTotal, tt.wantFirst, tt.wantPageNo, tt.wantPageSz)
			}
		})
	}

	t.Run("documented item shape", func(t *testing.T) {
		r := get(t, base+"/api/user_groups?page[size]=2", EnvTokenDev)
		env := decode[struct {
			Data []map[string]any `json:"data"`
		}](t, r.body)
		all := env.Data[0]
		keys := []string{}
		for k := range all {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		want := []string{"created_at", "description", "id", "members_count", "name", "system", "updated_at"}
		if !reflect.DeepEqual(keys, want) || all["system"] != true || all["description"] != nil || all["members_count"] != float64(150) || !timeRE.MatchString(all["created_at"].(string)) {
			t.Fatalf("All collaborators: got %v, want keys %v, system true, description null, members_count 150", all, want)
		}
		if eng := env.Data[1]; eng["system"] != false || eng["members_count"] != float64(120) || eng["description"] == nil {
			t.Fatalf("Engineering: got %v, want system false, members_count 120, a description", eng)
		}
	})

	t.Run("one group", func(t *testing.T) {
		r := get(t, base+"/api/user_groups/"+GroupID("Engineering"), EnvTokenDev)
		if g := decode[struct{ Data groupJSON }](t, r.body).Data; r.status != 200 || g.Name != "Engineering" || g.ID != GroupID("Engineering") {
			t.Fatalf("got %d %s, want 200 {data: Engineering}", r.status, r.body)
		}
		if r := get(t, base+"/api/user_groups/am-nope", EnvTokenDev); r.status != 404 || message(t, r) != msgNotFound {
			t.Fatalf("unknown group: got %d %s, want 404 Not found", r.status, r.body)
		}
	})

	t.Run("members paged and clamped", func(t *testing.T) {
		for _, tt := range []struct {
			group, query      string
			wantLen, wantTot  int
			wantFirstID, size int
		}{
			{GroupID("Everyone but contractors"), "?page[size]=1000", 100, 140, 6011, 100},
			{GroupID("Everyone but contractors"), "?page[number]=2", 40, 140, 6111, 100},
			{big.Groups[0].ID, "?page[number]=2&page[size]=100", 50, 150, 6101, 100},
			{GroupID("Engineering"), "?text=user007@", 1, 1, 6008, 100},
		} {
			r := get(t, base+"/api/user_groups/"+tt.group+"/members"+tt.query, EnvTokenDev)
			env := decode[groupMembersEnvelope](t, r.body)
			if r.status != 200 || len(env.Data) != tt.wantLen || env.Total != tt.wantTot || env.Data[0].ID != tt.wantFirstID || env.Page.Size != tt.size || env.Data[0].Email == "" {
				t.Fatalf("%s%s: got %d, %d members (total %d, first %+v, page %+v), want 200, %d (total %d, first id %d, size %d)",
					tt.group, tt.query, r.status, len(env.Data), env.Total, env.Data[0], env.Page, tt.wantLen, tt.wantTot, tt.wantFirstID, tt.size)
			}
		}
	})
}

func TestServer_GroupMemberWrites(t *testing.T) {
	squad := func(ws Workspace) Group { return ws.Groups[5] }
	tests := []struct {
		name       string
		method     string
		query      string
		body       any
		system     bool
		wantCode   int
		wantAdd    []int // members now in the squad that were not
		wantRemove []int
	}{
		{name: "add by repeated user_ids", method: http.MethodPost, query: "?user_ids=6010&user_ids=6011", wantCode: 200, wantAdd: []int{6010, 6011}},
		{name: "add by user_ids[]", method: http.MethodPost, query: "?user_ids[]=6012", wantCode: 200, wantAdd: []int{6012}},
		{name: "add by JSON body", method: http.MethodPost, body: map[string]any{"user_ids": []any{6010, "6012"}}, wantCode: 200, wantAdd: []int{6010, 6012}},
		{name: "add unknown user", method: http.MethodPost, query: "?user_ids=999", wantCode: 404},
		{name: "add nobody", method: http.MethodPost, wantCode: 400},
		{name: "add to All collaborators", method: http.MethodPost, query: "?user_ids=6010", system: true, wantCode: 422},
		{name: "remove from All collaborators", method: http.MethodDelete, query: "?user_ids=6001", system: true, wantCode: 422},
		{name: "remove one", method: http.MethodDelete, query: "?user_ids=%d", wantCode: 200, wantRemove: []int{-1}},
		{name: "remove nobody", method: http.MethodDelete, wantCode: 400},
		{name: "remove unknown invitation", method: http.MethodDelete, query: "?member_invitation_ids=5", wantCode: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := GenerateRBAC(RBACSizes{Members: 14, Groups: 8, ProjectsPerEnv: 1})
			s, base, _ := manualServer(t, ws, Options{})
			g := squad(ws)
			if tt.system {
				g = ws.Groups[0]
			}
			query := tt.query
			if slices.Equal(tt.wantRemove, []int{-1}) {
				query = fmt.Sprintf(query, g.MemberIDs[0])
				tt.wantRemove = []int{g.MemberIDs[0]}
			}
			logBefore := len(s.Workspace().Activity)
			r := call(t, tt.method, base+"/api/user_groups/"+g.ID+"/members"+query, EnvTokenDev, tt.body)
			if r.status != tt.wantCode {
				t.Fatalf("got %d %s, want %d", r.status, r.body, tt.wantCode)
			}
			if tt.wantCode == 422 && message(t, r) == "" {
				t.Fatalf("422 body %s: want a {\"message\":…}", r.body)
			}
			after := s.Workspace()
			now := after.Groups[slices.IndexFunc(after.Groups, func(x Group) bool { return x.ID == g.ID })].MemberIDs
			var added, removed []int
			for _, id := range now {
				if !slices.Contains(g.MemberIDs, id) {
					added = append(added, id)
				}
			}
			for _, id := range g.MemberIDs {
				if !slices.Contains(now, id) {
					removed = append(removed, id)
				}
			}
			if !slices.Equal(added, tt.wantAdd) || !slices.Equal(removed, tt.wantRemove) {
				t.Fatalf("got added %v removed %v, want %v and %v", added, removed, tt.wantAdd, tt.wantRemove)
			}
			logged := after.Activity[logBefore:]
			if len(logged) != len(added)+len(removed) {
				t.Fatalf("got %d activity entries, want %d (one per change)", len(logged), len(added)+len(removed))
			}
			for _, e := range logged {
				if e.ResourceType != ResourceUserGroup || e.ResourceID != g.ID || (e.EventType != EventGroupMemberAdded && e.EventType != EventGroupMemberRemoved) {
					t.Fatalf("activity: got %+v, want a group member change of %s", e, g.ID)
				}
			}
		})
	}
}

func TestServer_GroupInvitations(t *testing.T) {
	ws := smallRBAC()
	s, base, _ := manualServer(t, ws, Options{})
	g := ws.Groups[5]
	r := call(t, http.MethodPost, base+"/api/member_invitations", EnvTokenDev, map[string]any{
		"name": "New Person", "email": "new@umbrella.example", "user_group_ids": []string{g.ID},
		"env_roles": []map[string]string{{"environment_type": "dev", "name": "Member", "role_type": "environment"}},
	})
	if r.status != 200 {
		t.Fatalf("invite: got %d %s, want 200", r.status, r.body)
	}
	inv := s.Invitations()
	if len(inv) != 1 || !slices.Equal(inv[0].GroupIDs, []string{g.ID}) {
		t.Fatalf("invitations: got %+v, want one with group %s", inv, g.ID)
	}
	if r := call(t, http.MethodDelete, fmt.Sprintf("%s/api/user_groups/%s/members?member_invitation_ids=%d", base, g.ID, inv[0].ID), EnvTokenDev, nil); r.status != 200 {
		t.Fatalf("remove invitation: got %d %s, want 200", r.status, r.body)
	}
	if got := s.Invitations()[0].GroupIDs; len(got) != 0 {
		t.Fatalf("invitation groups after removal: got %v, want none", got)
	}
	bad := call(t, http.MethodPost, base+"/api/member_invitations", EnvTokenDev, map[string]any{
		"name": "Other", "email": "other@umbrella.example", "user_group_ids": []string{"am-nope"},
		"env_roles": []map[string]string{{"environment_type": "dev", "name": "Member", "role_type": "environment"}},
	})
	if bad.status != 400 {
		t.Fatalf("invite to unknown group: got %d %s, want 400", bad.status, bad.body)
	}
}

func TestServer_GroupsDevOnly(t *testing.T) {
	tests := []struct {
		name     string
		opts     Options
		token    string
		wantCode int
	}{
		{name: "test client served by default", token: EnvTokenTest, wantCode: 200},
		{name: "test client refused when DEV-only", opts: Options{GroupsDevOnly: true}, token: EnvTokenTest, wantCode: 403},
		{name: "dev client served when DEV-only", opts: Options{GroupsDevOnly: true}, token: EnvTokenDev, wantCode: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, base, _ := manualServer(t, smallRBAC(), tt.opts)
			if r := get(t, base+"/api/user_groups", tt.token); r.status != tt.wantCode {
				t.Fatalf("got %d %s, want %d", r.status, r.body, tt.wantCode)
			}
		})
	}
}

func TestServer_IdPRevertAtSignIn(t *testing.T) {
	ws := smallRBAC()
	platform := ws.Groups[3] // IdP-managed, members 6001..6012
	if !platform.IdPManaged || platform.Name != "Platform team" {
		t.Fatalf("dataset: got group %+v, want the IdP-managed Platform team", platform)
	}
	s, base, _ := manualServer(t, ws, Options{})
	removed, other := platform.MemberIDs[0], platform.MemberIDs[1]
	if r := call(t, http.MethodDelete, fmt.Sprintf("%s/api/user_groups/%s/members?user_ids=%d&user_ids=%d", base, platform.ID, removed, other), EnvTokenDev, nil); r.status != 200 {
		t.Fatalf("remove: got %d %s, want 200 (IdP-managed writes succeed)", r.status, r.body)
	}
	s.AddToGroup(ws.Groups[4].ID, removed) // Finance integrations (IdP): not theirs at the IdP
	members := func(id string) []int {
		ws := s.Workspace()
		return ws.Groups[slices.IndexFunc(ws.Groups, func(g Group) bool { return g.ID == id })].MemberIDs
	}
	if slices.Contains(members(platform.ID), removed) || !slices.Contains(members(ws.Groups[4].ID), removed) {
		t.Fatalf("before sign-in: got Platform %v, Finance %v, want %d out of Platform and in Finance", members(platform.ID), members(ws.Groups[4].ID), removed)
	}
	s.SignIn(removed, EnvDev)
	if !slices.Contains(members(platform.ID), removed) || slices.Contains(members(ws.Groups[4].ID), removed) {
		t.Fatalf("after sign-in: got Platform %v, Finance %v, want %d back in Platform and out of Finance", members(platform.ID), members(ws.Groups[4].ID), removed)
	}
	if slices.Contains(members(platform.ID), other) {
		t.Fatalf("member %d did not sign in: got them back in Platform, want still removed", other)
	}
}
