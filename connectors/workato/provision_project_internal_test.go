package workato

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
)

// TestProvisioner_GrantProjectRole grants a project role on a DEV and a
// prod project, to a collaborator and to a group: a new grant is one PUT
// with the prod token for the prod project; a role already held is no
// write; another role held is replaced and the result names the grant
// replaced. The fake then holds exactly one grant for the holder.
func TestProvisioner_GrantProjectRole(t *testing.T) {
	tests := []struct {
		name      string
		env       string
		group     bool
		pre       string // "": no grant; "same": the role already; "other": another role
		wantPUTs  int
		wantAnnos string // the annotation the result carries, "" none
	}{
		{name: "collaborator, dev", env: "dev", wantPUTs: 1},
		{name: "collaborator, prod", env: "prod", wantPUTs: 1},
		{name: "group, prod", env: "prod", group: true, wantPUTs: 1},
		{name: "collaborator holds it already", env: "prod", pre: "same", wantAnnos: "GrantAlreadyExists"},
		{name: "group holds it already", env: "dev", group: true, pre: "same", wantAnnos: "GrantAlreadyExists"},
		{name: "collaborator holds another role", env: "prod", pre: "other", wantPUTs: 1, wantAnnos: "GrantReplaced"},
		{name: "group holds another role", env: "dev", group: true, pre: "other", wantPUTs: 1, wantAnnos: "GrantReplaced"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := workatofake.MigratedEnvs()
			proj := projectOf(t, ws, tt.env)
			role, other := projectRoleIDs(t, ws)
			var principal *v2.Resource
			memberID, groupID := 0, ""
			if tt.group {
				groupID = groupWithoutGrant(t, ws, proj.ID).ID
				principal = groupPrincipal(t, groupID)
			} else {
				memberID = memberWithoutGrant(t, ws, proj.ID).ID
				principal = collaborator(t, memberID)
			}
			switch tt.pre {
			case "same":
				ws.ProjectGrants = append(ws.ProjectGrants, workatofake.ProjectGrant{ID: "pg-test-pre", ProjectID: proj.ID, MemberID: memberID, GroupID: groupID, RoleID: role})
			case "other":
				ws.ProjectGrants = append(ws.ProjectGrants, workatofake.ProjectGrant{ID: "pg-test-pre", ProjectID: proj.ID, MemberID: memberID, GroupID: groupID, RoleID: other})
			}
			p, fake := newTestProvisioner(t, ws, workatofake.Options{})
			ent := projectRoleEnt(t, proj, role)

			grants, annos, err := p.grantProjectRole(bg, principal, ent)
			if err != nil {
				t.Fatalf("Grant: %v", err)
			}
			if got := fake.Requests().Count("PUT", "/api/projects/{id}/project_grants"); got != tt.wantPUTs {
				t.Errorf("PUT calls: got %d, want %d", got, tt.wantPUTs)
			}
			if got := writes(fake); got != tt.wantPUTs {
				t.Errorf("writes: got %d, want %d", got, tt.wantPUTs)
			}
			held := grantsOf(fake, proj.ID, memberID, groupID)
			if len(held) != 1 || held[0].RoleID != role {
				t.Fatalf("the holder's grants on project %d: got %+v, want exactly one of role %s", proj.ID, held, role)
			}
			ptype, pid := "collaborator", strconv.Itoa(memberID)
			if tt.group {
				ptype, pid = "group", groupID
			}
			wantID := fmt.Sprintf("project:%s:role-%s:%s:%s", ent.GetResource().GetId().GetResource(), role, ptype, pid)
			if len(grants) != 1 || grants[0].GetId() != wantID {
				t.Fatalf("returned grants: got %v, want one with ID %s", grants, wantID)
			}
			exp := &v2.GrantExpandable{}
			ga := annotations.Annotations(grants[0].GetAnnotations())
			ok, err := ga.Pick(exp)
			if err != nil {
				t.Fatal(err)
			}
			if tt.group {
				if !ok || len(exp.GetEntitlementIds()) != 1 || exp.GetEntitlementIds()[0] != "group:"+groupID+":member" || !exp.GetShallow() {
					t.Errorf("group grant expansion: got %v (present %v), want GrantExpandable{group:%s:member, shallow}", exp, ok, groupID)
				}
			} else if ok {
				t.Errorf("collaborator grant: got GrantExpandable %v, want none", exp)
			}
			checkAnnos(t, annos, tt.wantAnnos)
			if tt.wantAnnos == "GrantReplaced" {
				rep := &v2.GrantReplaced{}
				if _, err := annos.Pick(rep); err != nil {
					t.Fatal(err)
				}
				want := fmt.Sprintf("project:%s:role-%s:%s:%s", ent.GetResource().GetId().GetResource(), other, ptype, pid)
				if rep.GetReplacedGrantId() != want {
					t.Errorf("replaced grant: got %q, want %q", rep.GetReplacedGrantId(), want)
				}
			}
		})
	}
}

// checkAnnos fails unless annos holds exactly the named annotation (or
// none when want is "").
func checkAnnos(t *testing.T, annos annotations.Annotations, want string) {
	t.Helper()
	var names []string
	for _, a := range annos {
		names = append(names, string(a.MessageName().Name()))
	}
	switch {
	case want == "" && len(names) != 0:
		t.Errorf("annotations: got %v, want none", names)
	case want != "" && (len(names) != 1 || names[0] != want):
		t.Errorf("annotations: got %v, want [%s]", names, want)
	}
}

// TestProvisioner_RevokeProjectRole deletes the holder's grant of the
// role; a role not held (or held no more: another role instead) is
// already revoked, with no write, and the other role stays.
func TestProvisioner_RevokeProjectRole(t *testing.T) {
	tests := []struct {
		name        string
		env         string
		group       bool
		pre         string // "same", "other" or "" (none)
		wantDELETEs int
		wantAnnos   string
		wantRole    string // "role", "other" or "" (no grant left)
	}{
		{name: "collaborator, prod", env: "prod", pre: "same", wantDELETEs: 1},
		{name: "group, dev", env: "dev", group: true, pre: "same", wantDELETEs: 1},
		{name: "not held", env: "prod", wantAnnos: "GrantAlreadyRevoked"},
		{name: "another role held instead", env: "dev", pre: "other", wantAnnos: "GrantAlreadyRevoked", wantRole: "other"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := workatofake.MigratedEnvs()
			proj := projectOf(t, ws, tt.env)
			role, other := projectRoleIDs(t, ws)
			var principal *v2.Resource
			memberID, groupID := 0, ""
			if tt.group {
				groupID = groupWithoutGrant(t, ws, proj.ID).ID
				principal = groupPrincipal(t, groupID)
			} else {
				memberID = memberWithoutGrant(t, ws, proj.ID).ID
				principal = collaborator(t, memberID)
			}
			roles := map[string]string{"same": role, "other": other}
			if r := roles[tt.pre]; r != "" {
				ws.ProjectGrants = append(ws.ProjectGrants, workatofake.ProjectGrant{ID: "pg-test-pre", ProjectID: proj.ID, MemberID: memberID, GroupID: groupID, RoleID: r})
			}
			p, fake := newTestProvisioner(t, ws, workatofake.Options{})
			g := projectRoleGrant(projectResource(t, proj), projectRoleSlugPrefix+role, holder{Principal: principal.GetId()})
			g.SetEntitlement(projectRoleEnt(t, proj, role))

			annos, err := p.revokeProjectRole(bg, g)
			if err != nil {
				t.Fatalf("Revoke: %v", err)
			}
			checkAnnos(t, annos, tt.wantAnnos)
			if got := fake.Requests().Count("DELETE", "/api/project_grants/{id}"); got != tt.wantDELETEs {
				t.Errorf("DELETE calls: got %d, want %d", got, tt.wantDELETEs)
			}
			if got := writes(fake); got != tt.wantDELETEs {
				t.Errorf("writes: got %d, want %d", got, tt.wantDELETEs)
			}
			held := grantsOf(fake, proj.ID, memberID, groupID)
			want := map[string]string{"role": role, "other": other}[tt.wantRole]
			switch {
			case want == "" && len(held) != 0:
				t.Errorf("grants left: got %+v, want none", held)
			case want != "" && (len(held) != 1 || held[0].RoleID != want):
				t.Errorf("grants left: got %+v, want one of role %s", held, want)
			}
		})
	}
}

// TestProvisioner_GrantProjectRole_Errors: each refusal is a clear error
// with the right code, and nothing is written.
func TestProvisioner_GrantProjectRole_Errors(t *testing.T) {
	tests := []struct {
		name   string
		env    string   // the project's environment
		tokens []string // environments the connector has tokens for (nil: all)
		mutate func(ws *workatofake.Workspace)
		role   string // "" takes the dataset's first project role
		// principal, if set, replaces the collaborator.
		principal func(t *testing.T) *v2.Resource
		code      codes.Code
		want      []string
		noCalls   bool // not even a read
		refused   int  // writes sent and refused (a 403 cannot be known before)
	}{
		{
			name: "no token for the project's environment", env: "prod", tokens: []string{"dev"}, code: codes.FailedPrecondition,
			want: []string{"prod", "--workato-prod-api-key"}, noCalls: true,
		},
		{name: "unknown project role", env: "dev", role: "pr-nosuchrole", code: codes.InvalidArgument, want: []string{"pr-nosuchrole", "project roles"}},
		{
			name: "principal is a role", env: "dev", code: codes.InvalidArgument, want: []string{"collaborators and collaborator groups"}, noCalls: true,
			principal: func(t *testing.T) *v2.Resource { return roleEnt(t, "Admin", "dev").GetResource() },
		},
		{
			name: "client role lacks the grant privilege", env: "prod", code: codes.PermissionDenied, want: []string{"403", "Add or update project grants"}, refused: 1,
			mutate: func(ws *workatofake.Workspace) {
				for i := range ws.Clients {
					if ws.Clients[i].Env == "prod" {
						ws.Clients[i].Endpoints = []string{"GET /api/project_roles", "GET /api/projects/:id/project_grants", "GET /api/projects", "GET /api/folders"}
					}
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := workatofake.MigratedEnvs()
			if tt.mutate != nil {
				tt.mutate(&ws)
			}
			proj := projectOf(t, ws, tt.env)
			role := tt.role
			if role == "" {
				role, _ = projectRoleIDs(t, ws)
			}
			p, fake := newTestProvisioner(t, ws, workatofake.Options{}, tt.tokens...)
			principal := collaborator(t, memberWithoutGrant(t, ws, proj.ID).ID)
			if tt.principal != nil {
				principal = tt.principal(t)
			}
			before := fmt.Sprint(fake.Workspace().ProjectGrants)
			_, _, err := p.grantProjectRole(bg, principal, projectRoleEnt(t, proj, role))
			if got := status.Code(err); got != tt.code {
				t.Fatalf("Grant code: got %v (%v), want %v", got, err, tt.code)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Grant error: got %q, want it to mention %q", err, w)
				}
			}
			if got := writes(fake); got != tt.refused {
				t.Errorf("writes: got %d, want %d", got, tt.refused)
			}
			if tt.noCalls && fake.Requests().Total() != 0 {
				t.Errorf("requests: got %v, want none", fake.Requests().Snapshot())
			}
			if after := fmt.Sprint(fake.Workspace().ProjectGrants); after != before {
				t.Errorf("project grants changed:\ngot  %s\nwant %s", after, before)
			}
		})
	}
}

// TestProvisioner_RevokeProjectRole_NoToken: a revoke in an environment
// without a token is refused before any request, naming the flag.
func TestProvisioner_RevokeProjectRole_NoToken(t *testing.T) {
	ws := workatofake.MigratedEnvs()
	proj := projectOf(t, ws, "prod")
	role, _ := projectRoleIDs(t, ws)
	p, fake := newTestProvisioner(t, ws, workatofake.Options{}, "dev")
	principal := collaborator(t, ws.Members[0].ID)
	g := projectRoleGrant(projectResource(t, proj), projectRoleSlugPrefix+role, holder{Principal: principal.GetId()})
	g.SetEntitlement(projectRoleEnt(t, proj, role))
	_, err := p.revokeProjectRole(bg, g)
	if got := status.Code(err); got != codes.FailedPrecondition || !strings.Contains(err.Error(), "--workato-prod-api-key") {
		t.Fatalf("Revoke: got %v (%v), want FailedPrecondition naming --workato-prod-api-key", got, err)
	}
	if got := fake.Requests().Total(); got != 0 {
		t.Errorf("requests: got %d, want 0", got)
	}
}
