package workato_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
	"github.com/accessgov/baton-connectors/internal/connectortest"
)

// roleIn returns the role member id holds in env in the fake's current
// state, or "".
func roleIn(e *env, id int, envName string) string {
	for _, m := range e.fake.Workspace().Members {
		if m.ID == id {
			for _, r := range m.Roles {
				if r.Env == envName {
					return r.RoleName
				}
			}
		}
	}
	return ""
}

// rolesOf returns env → role of member id in the fake's current state.
func rolesOf(e *env, id int) map[string]string {
	out := map[string]string{}
	for _, m := range e.fake.Workspace().Members {
		if m.ID == id {
			for _, r := range m.Roles {
				out[r.Env] = r.RoleName
			}
		}
	}
	return out
}

// customRoleWithOddName returns a custom role whose name is not its ID.
func customRoleWithOddName(t *testing.T, ws workatofake.Workspace) workatofake.Role {
	t.Helper()
	for _, r := range ws.CustomRoles {
		if r.Name != strconv.Itoa(r.ID) && !strings.Contains(r.Name, strconv.Itoa(r.ID)) {
			return r
		}
	}
	t.Fatal("dataset has no custom role whose name differs from its ID")
	return workatofake.Role{}
}

// memberWithout returns a member with access in some environment but no
// role in env.
func memberWithout(t *testing.T, ws workatofake.Workspace, env string) workatofake.Member {
	t.Helper()
	for _, m := range ws.Members {
		has := false
		for _, r := range m.Roles {
			if r.Env == env {
				has = true
			}
		}
		if !has && len(m.Roles) > 0 {
			return m
		}
	}
	t.Fatalf("dataset has no member with access elsewhere and none in %s", env)
	return workatofake.Member{}
}

// synced runs a sync into name and returns its path.
func (e *env) synced(name string) string {
	e.t.Helper()
	out := e.c1z(name)
	e.run(0, e.args(out)...)
	return out
}

func (e *env) requests(method, route string) int { return e.fake.Requests().Count(method, route) }

// TestProvision_GrantAndRevoke grants a custom role (whose name differs
// from its ID) in prod with the one-shot flags, syncs again and finds the
// grant, then revokes it; the member's other environments never change.
func TestProvision_GrantAndRevoke(t *testing.T) {
	e := newEnv(t, workatofake.ThreeEnvs(), workatofake.Options{})
	role := customRoleWithOddName(t, e.ws)
	m := memberWithout(t, e.ws, "prod")
	before := rolesOf(e, m.ID)
	c1z := e.synced("before")

	ent := fmt.Sprintf("role:%d:prod", role.ID)
	e.run(0, append(e.args(c1z), "--grant-entitlement", ent, "--grant-principal", strconv.Itoa(m.ID), "--grant-principal-type", "collaborator")...)
	if got := roleIn(e, m.ID, "prod"); got != role.Name {
		t.Fatalf("role in prod after grant: got %q, want %q (the role's name, not its ID)", got, role.Name)
	}
	for env, r := range before {
		if got := roleIn(e, m.ID, env); got != r {
			t.Errorf("role in %s after grant: got %q, want %q unchanged", env, got, r)
		}
	}
	after := e.synced("after-grant")
	snap := e.assertSynced(after, expectOptions{})
	grantKey := connectortest.Grant{Entitlement: ent, Principal: "collaborator/" + strconv.Itoa(m.ID)}.Key()
	if _, ok := snap.Grants[grantKey]; !ok {
		t.Fatalf("the next sync does not list the grant %s", grantKey)
	}

	grantID := fmt.Sprintf("role:%d:prod:collaborator:%d", role.ID, m.ID)
	e.run(0, append(e.args(after), "--revoke-grant", grantID)...)
	if got := roleIn(e, m.ID, "prod"); got != "" {
		t.Fatalf("role in prod after revoke: got %q, want none", got)
	}
	for env, r := range before {
		if got := roleIn(e, m.ID, env); got != r {
			t.Errorf("role in %s after revoke: got %q, want %q unchanged", env, got, r)
		}
	}
	final := e.synced("after-revoke")
	snap = e.assertSynced(final, expectOptions{})
	if _, ok := snap.Grants[grantKey]; ok {
		t.Fatalf("the sync after revoking still lists %s", grantKey)
	}
}

// TestProvision_Idempotent: granting a role already held makes no write,
// and revoking a grant the collaborator no longer holds (someone changed
// their role in Workato since the sync) makes no write either.
func TestProvision_Idempotent(t *testing.T) {
	e := newEnv(t, workatofake.ThreeEnvs(), workatofake.Options{})
	var m workatofake.Member
	var held workatofake.MemberRole
	for _, x := range e.ws.Members {
		for _, r := range x.Roles {
			if r.RoleName == "Admin" || r.RoleName == "Analyst" || r.RoleName == "Operator" {
				m, held = x, r
			}
		}
	}
	if m.ID == 0 {
		t.Fatal("dataset has no member holding a system role")
	}
	c1z := e.synced("sync")
	e.run(0, append(e.args(c1z), "--grant-entitlement", "role:"+held.RoleName+":"+held.Env,
		"--grant-principal", strconv.Itoa(m.ID), "--grant-principal-type", "collaborator")...)
	if got := e.requests("PUT", "/api/members/{id}"); got != 0 {
		t.Errorf("PUT calls for a grant already held: got %d, want 0", got)
	}

	other := "Operator"
	if held.RoleName == other {
		other = "Analyst"
	}
	putRole(e, m.ID, held.Env, other) // changed in Workato after the sync
	e.run(0, append(e.args(c1z), "--revoke-grant", fmt.Sprintf("role:%s:%s:collaborator:%d", held.RoleName, held.Env, m.ID))...)
	if got := e.requests("PUT", "/api/members/{id}"); got != 1 {
		t.Errorf("PUT calls: got %d, want 1 (the test's own change; none for a grant no longer held)", got)
	}
	if got := roleIn(e, m.ID, held.Env); got != other {
		t.Errorf("role in %s: got %q, want %q unchanged", held.Env, got, other)
	}
}

// putRole changes a member's role in one environment directly, as an
// administrator would in Workato.
func putRole(e *env, id int, envName, role string) {
	e.t.Helper()
	body := fmt.Sprintf(`{"env_roles":[{"environment_type":%q,"name":%q}]}`, envName, role)
	req, _ := http.NewRequest(http.MethodPut, fmt.Sprintf("%s/api/members/%d", e.url, id), strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		e.t.Fatalf("put role: %v %v", err, resp)
	}
	resp.Body.Close()
}

// TestProvision_QuickSuccession: two grants to the same collaborator in
// quick succession both stick.
func TestProvision_QuickSuccession(t *testing.T) {
	e := newEnv(t, workatofake.ThreeEnvs(), workatofake.Options{})
	m := memberWithout(t, e.ws, "prod")
	c1z := e.synced("sync")
	id := strconv.Itoa(m.ID)
	e.run(0, append(e.args(c1z), "--grant-entitlement", "role:Operator:prod", "--grant-principal", id, "--grant-principal-type", "collaborator")...)
	e.run(0, append(e.args(c1z), "--grant-entitlement", "role:Analyst:test", "--grant-principal", id, "--grant-principal-type", "collaborator")...)
	if got := roleIn(e, m.ID, "prod"); got != "Operator" {
		t.Errorf("role in prod: got %q, want Operator", got)
	}
	if got := roleIn(e, m.ID, "test"); got != "Analyst" {
		t.Errorf("role in test: got %q, want Analyst", got)
	}
}

// TestProvision_Errors: each failure is a clear message, a non-zero exit,
// and no change in the fake.
func TestProvision_Errors(t *testing.T) {
	tests := []struct {
		name   string
		exit   int // the exit code: the gRPC code of the error
		mutate func(ws *workatofake.Workspace)
		// setup runs after the first sync, before the grant.
		setup func(e *env, m workatofake.Member)
		args  func(m workatofake.Member) []string
		want  []string
	}{
		{
			name: "client role lacks Update collaborators' roles", exit: 7,
			mutate: func(ws *workatofake.Workspace) {
				ws.Clients[0].Endpoints = []string{
					workatofake.EndpointMembers, workatofake.EndpointMember, workatofake.EndpointMemberPrivileges,
					workatofake.EndpointRoles, workatofake.EndpointProjects, workatofake.EndpointFolders,
				}
			},
			args: func(m workatofake.Member) []string {
				return []string{"--grant-entitlement", "role:Operator:prod", "--grant-principal", strconv.Itoa(m.ID), "--grant-principal-type", "collaborator"}
			},
			want: []string{"403", "Update collaborators' roles"},
		},
		{
			name: "collaborator left", exit: 5,
			setup: func(e *env, m workatofake.Member) { deleteMember(e, m.ID) },
			args: func(m workatofake.Member) []string {
				return []string{"--grant-entitlement", "role:Operator:prod", "--grant-principal", strconv.Itoa(m.ID), "--grant-principal-type", "collaborator"}
			},
			want: []string{"no longer in the workspace"},
		},
		{
			name: "principal is not a collaborator", exit: 3,
			args: func(workatofake.Member) []string {
				return []string{"--grant-entitlement", "role:Operator:prod", "--grant-principal", "Admin", "--grant-principal-type", "role"}
			},
			want: []string{"only to collaborators"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := workatofake.ThreeEnvs()
			if tt.mutate != nil {
				tt.mutate(&ws)
			}
			e := newEnv(t, ws, workatofake.Options{})
			m := memberWithout(t, ws, "prod")
			c1z := e.synced("sync")
			if tt.setup != nil {
				tt.setup(e, m)
			}
			before := e.fake.Workspace()
			res := e.run(tt.exit, append(e.args(c1z), tt.args(m)...)...)
			mustContain(t, "stderr", res.Stderr, tt.want...)
			if got := e.requests("PUT", "/api/members/{id}") - 0; got != 0 && tt.name != "client role lacks Update collaborators' roles" {
				t.Errorf("PUT calls: got %d, want 0", got)
			}
			assertMembersEqual(t, before, e.fake.Workspace())
		})
	}
}

// deleteMember removes a member through the API, as if they had left.
func deleteMember(e *env, id int) {
	e.t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, fmt.Sprintf("%s/api/members/%d", e.url, id), nil)
	req.Header.Set("Authorization", "Bearer "+e.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		e.t.Fatalf("delete member %d: %v %v", id, err, resp)
	}
	resp.Body.Close()
}

func assertMembersEqual(t *testing.T, want, got workatofake.Workspace) {
	t.Helper()
	if len(want.Members) != len(got.Members) {
		t.Fatalf("members: got %d, want %d", len(got.Members), len(want.Members))
	}
	for i := range want.Members {
		if fmt.Sprint(want.Members[i].Roles) != fmt.Sprint(got.Members[i].Roles) {
			t.Errorf("member %d roles: got %v, want %v (unchanged)", want.Members[i].ID, got.Members[i].Roles, want.Members[i].Roles)
		}
	}
}

// TestProvision_Accounts invites a collaborator and deletes one with the
// one-shot flags; the next sync shows the deletion.
func TestProvision_Accounts(t *testing.T) {
	e := newEnv(t, workatofake.ThreeEnvs(), workatofake.Options{})
	c1z := e.synced("sync")
	res := e.run(0, append(e.args(c1z), "--create-account-resource-type", "collaborator",
		"--create-account-profile", `{"name":"Nia Newcomer","email":"nia@example.com","env_roles":{"dev":"Analyst","prod":"Operator"}}`)...)
	invs := e.fake.Invitations()
	if len(invs) != 1 || invs[0].Email != "nia@example.com" || len(invs[0].EnvRoles) != 2 {
		t.Fatalf("invitations: got %+v, want one for nia@example.com with 2 environment roles\n%s", invs, tail(res.Stderr, 2000))
	}
	victim := e.ws.Members[len(e.ws.Members)-1]
	e.run(0, append(e.args(c1z), "--delete-resource", strconv.Itoa(victim.ID), "--delete-resource-type", "collaborator")...)
	for _, m := range e.fake.Workspace().Members {
		if m.ID == victim.ID {
			t.Fatalf("member %d still in the workspace after delete", victim.ID)
		}
	}
	after := e.synced("after")
	snap := e.assertSynced(after, expectOptions{})
	if _, ok := snap.Resources["collaborator/"+strconv.Itoa(victim.ID)]; ok {
		t.Fatalf("deleted collaborator %d is still synced", victim.ID)
	}
}
