package workato

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/types/grant"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
)

// TestProvisioner_GrantGroupMember adds a collaborator to a group with one
// POST, and a member already in it with none; a change carries the IdP
// warning, a no-op the GrantAlreadyExists annotation.
func TestProvisioner_GrantGroupMember(t *testing.T) {
	tests := []struct {
		name      string
		already   bool
		wantPOSTs int
		wantAnnos string
	}{
		{name: "not a member yet", wantPOSTs: 1, wantAnnos: "GrantMetadata"},
		{name: "a member already", already: true, wantAnnos: "GrantAlreadyExists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := workatofake.MigratedEnvs()
			g, in, out := groupWith(t, ws)
			m := out
			if tt.already {
				m = in
			}
			p, fake := newTestProvisioner(t, ws, workatofake.Options{})
			grants, annos, err := p.grantGroupMember(bg, collaborator(t, m.ID), groupEnt(t, g.ID))
			if err != nil {
				t.Fatalf("Grant: %v", err)
			}
			if got := fake.Requests().Count("POST", "/api/user_groups/{id}/members"); got != tt.wantPOSTs {
				t.Errorf("POST calls: got %d, want %d", got, tt.wantPOSTs)
			}
			if got := writes(fake); got != tt.wantPOSTs {
				t.Errorf("writes: got %d, want %d", got, tt.wantPOSTs)
			}
			if !slices.Contains(groupMembers(fake, g.ID), m.ID) {
				t.Errorf("group %s members: got %v, want %d among them", g.ID, groupMembers(fake, g.ID), m.ID)
			}
			wantID := "group:" + g.ID + ":member:collaborator:" + strconv.Itoa(m.ID)
			if len(grants) != 1 || grants[0].GetId() != wantID {
				t.Errorf("returned grants: got %v, want one with ID %s", grants, wantID)
			}
			checkAnnos(t, annos, tt.wantAnnos)
			if tt.wantAnnos == "GrantMetadata" {
				assertIdPWarning(t, annos)
			}
		})
	}
}

// assertIdPWarning fails unless annos carries the IdP warning.
func assertIdPWarning(t *testing.T, annos annotations.Annotations) {
	t.Helper()
	md := &v2.GrantMetadata{}
	ok, err := annos.Pick(md)
	if err != nil || !ok {
		t.Fatalf("annotations: got %v (%v), want a GrantMetadata warning", annos, err)
	}
	w := md.GetMetadata().GetFields()["warning"].GetStringValue()
	if !strings.Contains(w, "workato_user_groups") || !strings.Contains(w, "sign-in") {
		t.Errorf("warning: got %q, want it to say changes are overwritten at the next sign-in when the IdP passes workato_user_groups", w)
	}
}

// TestProvisioner_RevokeGroupMember removes a member with one DELETE; a
// collaborator not in the group, or a group that is gone, is already
// revoked with no write.
func TestProvisioner_RevokeGroupMember(t *testing.T) {
	tests := []struct {
		name        string
		member      bool // the collaborator is in the group
		gone        bool // the group is not in the workspace
		wantDELETEs int
		wantAnnos   string
	}{
		{name: "a member", member: true, wantDELETEs: 1, wantAnnos: "GrantMetadata"},
		{name: "not a member", wantAnnos: "GrantAlreadyRevoked"},
		{name: "group gone", member: true, gone: true, wantAnnos: "GrantAlreadyRevoked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := workatofake.MigratedEnvs()
			g, in, out := groupWith(t, ws)
			m := out
			if tt.member {
				m = in
			}
			gid := g.ID
			if tt.gone {
				gid = "am-gone-group"
			}
			p, fake := newTestProvisioner(t, ws, workatofake.Options{})
			gr := grant.NewGrant(groupPrincipal(t, gid), memberEntitlement, collaborator(t, m.ID).GetId())
			gr.SetEntitlement(groupEnt(t, gid))
			annos, err := p.revokeGroupMember(bg, gr)
			if err != nil {
				t.Fatalf("Revoke: %v", err)
			}
			checkAnnos(t, annos, tt.wantAnnos)
			if tt.wantAnnos == "GrantMetadata" {
				assertIdPWarning(t, annos)
			}
			if got := fake.Requests().Count("DELETE", "/api/user_groups/{id}/members"); got != tt.wantDELETEs {
				t.Errorf("DELETE calls: got %d, want %d", got, tt.wantDELETEs)
			}
			if got := writes(fake); got != tt.wantDELETEs {
				t.Errorf("writes: got %d, want %d", got, tt.wantDELETEs)
			}
			if got := slices.Contains(groupMembers(fake, g.ID), m.ID); got != (tt.gone && tt.member) {
				t.Errorf("collaborator %d in group %s afterwards: got %v, want %v", m.ID, g.ID, got, tt.gone && tt.member)
			}
		})
	}
}

// TestProvisioner_GroupMember_Errors: "All collaborators", an unknown
// group, a principal that is not a collaborator and a collaborator who
// left are clear errors, and nothing is written.
func TestProvisioner_GroupMember_Errors(t *testing.T) {
	tests := []struct {
		name   string
		revoke bool
		group  func(ws workatofake.Workspace) string
		member func(ws workatofake.Workspace) string // collaborator ID ("" the first member)
		role   bool                                  // the principal is a role
		code   codes.Code
		want   string
	}{
		{name: "grant in All collaborators", group: func(ws workatofake.Workspace) string { return systemGroupID(ws) }, code: codes.InvalidArgument, want: "system group"},
		{name: "revoke from All collaborators", revoke: true, group: func(ws workatofake.Workspace) string { return systemGroupID(ws) }, code: codes.InvalidArgument, want: "system group"},
		{name: "unknown group", group: func(workatofake.Workspace) string { return "am-nosuchgroup" }, code: codes.NotFound, want: "am-nosuchgroup"},
		{name: "collaborator not in the workspace", member: func(workatofake.Workspace) string { return "987654" }, code: codes.NotFound, want: "987654"},
		{name: "principal is a role", role: true, code: codes.InvalidArgument, want: "only collaborators"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := workatofake.MigratedEnvs()
			g, _, out := groupWith(t, ws)
			gid := g.ID
			if tt.group != nil {
				gid = tt.group(ws)
			}
			principal := collaborator(t, out.ID)
			if tt.member != nil {
				n, _ := strconv.Atoi(tt.member(ws))
				principal = collaborator(t, n)
			}
			if tt.role {
				principal = roleEnt(t, "Admin", "dev").GetResource()
			}
			p, fake := newTestProvisioner(t, ws, workatofake.Options{})
			var err error
			if tt.revoke {
				gr := grant.NewGrant(groupPrincipal(t, gid), memberEntitlement, principal.GetId())
				gr.SetEntitlement(groupEnt(t, gid))
				_, err = p.revokeGroupMember(bg, gr)
			} else {
				_, _, err = p.grantGroupMember(bg, principal, groupEnt(t, gid))
			}
			if got := status.Code(err); got != tt.code {
				t.Fatalf("code: got %v (%v), want %v", got, err, tt.code)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error: got %q, want it to mention %q", err, tt.want)
			}
			if got := writes(fake); got != 0 {
				t.Errorf("writes: got %d, want 0", got)
			}
		})
	}
}

func systemGroupID(ws workatofake.Workspace) string {
	for _, g := range ws.Groups {
		if g.System {
			return g.ID
		}
	}
	return ""
}

// TestProvisioner_GrantGroupMember_IdPManaged: on a group the identity
// provider manages, the change succeeds with the warning and is reverted
// at the member's next sign-in, as the warning says.
func TestProvisioner_GrantGroupMember_IdPManaged(t *testing.T) {
	ws := workatofake.MigratedEnvs()
	g, _, out := groupWith(t, ws)
	for i := range ws.Groups {
		if ws.Groups[i].ID == g.ID {
			ws.Groups[i].IdPManaged = true
		}
	}
	p, fake := newTestProvisioner(t, ws, workatofake.Options{})
	_, annos, err := p.grantGroupMember(bg, collaborator(t, out.ID), groupEnt(t, g.ID))
	if err != nil {
		t.Fatalf("Grant: %v", err)
	}
	assertIdPWarning(t, annos)
	if !slices.Contains(groupMembers(fake, g.ID), out.ID) {
		t.Fatalf("group %s members after the grant: got %v, want %d among them", g.ID, groupMembers(fake, g.ID), out.ID)
	}
	fake.SignIn(out.ID, "dev")
	if slices.Contains(groupMembers(fake, g.ID), out.ID) {
		t.Errorf("group %s members after the sign-in: got %v, want %d reverted out", g.ID, groupMembers(fake, g.ID), out.ID)
	}
}
