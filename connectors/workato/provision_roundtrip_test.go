package workato_test

// Round trips through the binary: a one-shot grant, a sync, a one-shot
// revoke, a sync. The sync after the grant must differ from the one before
// exactly by the change (worked out here from the sync before, not from
// the connector's code), and the sync after the revoke must equal the one
// before.

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
	"github.com/accessgov/baton-connectors/internal/connectortest"
)

// rbacWorkspace is a small RBAC 2.0 workspace with dev, test and prod
// tokens: quick to sync several times.
func rbacWorkspace() workatofake.Workspace {
	return workatofake.GenerateRBAC(workatofake.RBACSizes{Members: 12, Groups: 6, ProjectsPerEnv: 2, SubfoldersPerProject: 1})
}

// rbacArgs are the flags of a run against e with every environment's token.
func (e *env) rbacArgs(c1z string, extra ...string) []string {
	return e.args(c1z, append([]string{
		"--workato-test-api-key", workatofake.EnvTokenTest,
		"--workato-prod-api-key", workatofake.EnvTokenProd,
	}, extra...)...)
}

// rbacSynced syncs e with every token into name and returns its snapshot.
func (e *env) rbacSynced(name string) (string, *connectortest.Snapshot) {
	e.t.Helper()
	out := e.c1z(name)
	e.run(0, e.rbacArgs(out)...)
	snap := connectortest.MustRead(e.t, out)
	if p := connectortest.Problems(snap); len(p) > 0 {
		e.t.Fatalf("unsound sync %s: %v", name, p)
	}
	return out, snap
}

// cloneSnapshot copies s so a test can apply the change it expects.
func cloneSnapshot(s *connectortest.Snapshot) *connectortest.Snapshot {
	c := connectortest.NewSnapshot()
	c.ResourceTypes = append(c.ResourceTypes, s.ResourceTypes...)
	for k, r := range s.Resources {
		p := map[string]string{}
		for pk, pv := range r.Profile {
			p[pk] = pv
		}
		r.Profile = p
		c.Resources[k] = r
	}
	for k, v := range s.Entitlements {
		c.Entitlements[k] = v
	}
	for k, v := range s.Grants {
		c.Grants[k] = v
	}
	return c
}

func addGrant(s *connectortest.Snapshot, ent, principal string) {
	g := connectortest.Grant{Entitlement: ent, Principal: principal}
	s.Grants[g.Key()] = g
}

// assertSame fails with every difference between want and got.
func assertSame(t *testing.T, what string, want, got *connectortest.Snapshot) {
	t.Helper()
	if d := connectortest.Diff(want, got); len(d) > 0 {
		if len(d) > 40 {
			d = d[:40]
		}
		t.Errorf("%s: %d difference(s):\n  %s", what, len(d), strings.Join(d, "\n  "))
	}
}

// groupMembersIn lists the collaborators s grants group gid's membership.
func groupMembersIn(s *connectortest.Snapshot, gid string) []string {
	var out []string
	for _, g := range s.Grants {
		if g.Entitlement == "group:"+gid+":member" {
			out = append(out, g.Principal)
		}
	}
	return out
}

// groupHeld lists the entitlements s grants to group gid.
func groupHeld(s *connectortest.Snapshot, gid string) []string {
	var out []string
	for _, g := range s.Grants {
		if g.Principal == "group/"+gid {
			out = append(out, g.Entitlement)
		}
	}
	return out
}

// TestProvision_RoundTrip: a project role to a collaborator (prod, with
// the prod token) and to a group (dev), a group membership and an
// environment role, each granted and revoked with the one-shot flags.
func TestProvision_RoundTrip(t *testing.T) {
	ws := rbacWorkspace()
	var devProject, prodProject workatofake.Project
	for _, p := range ws.Projects {
		switch p.Env {
		case "", "dev":
			if devProject.ID == 0 {
				devProject = p
			}
		case "prod":
			if prodProject.ID == 0 {
				prodProject = p
			}
		}
	}
	role := ws.ProjectRoles[len(ws.ProjectRoles)-1].ID
	// noGrant is a member with no direct grant on project p.
	noGrant := func(p workatofake.Project) workatofake.Member {
		for _, m := range ws.Members {
			held := false
			for _, g := range ws.ProjectGrants {
				held = held || (g.ProjectID == p.ID && g.MemberID == m.ID)
			}
			if !held {
				return m
			}
		}
		t.Fatalf("no member without a grant on project %d", p.ID)
		return workatofake.Member{}
	}
	// group is a non-system, non-IdP group without a grant on devProject,
	// and a member outside it.
	var group workatofake.Group
	var outsider workatofake.Member
	for _, g := range ws.Groups {
		if g.System || g.IdPManaged || len(g.MemberIDs) == 0 {
			continue
		}
		held := false
		for _, pg := range ws.ProjectGrants {
			held = held || (pg.ProjectID == devProject.ID && pg.GroupID == g.ID)
		}
		if held {
			continue
		}
		for _, m := range ws.Members {
			if !containsID(g.MemberIDs, m.ID) {
				group, outsider = g, m
				break
			}
		}
		if group.ID != "" {
			break
		}
	}
	if group.ID == "" {
		t.Fatal("dataset has no group fit for the test")
	}
	// prodless is a member with no role in prod; envRole an environment role.
	var prodless workatofake.Member
	for _, m := range ws.Members {
		has := false
		for _, r := range m.Roles {
			has = has || r.Env == "prod"
		}
		if !has && len(m.Roles) > 0 {
			prodless = m
			break
		}
	}
	// envRole is an environment role someone holds, so the sync before
	// knows the privileges it includes (Workato lists them only per holder).
	var envRole workatofake.NewRole
	for _, r := range ws.EnvironmentRoles {
		for _, m := range ws.Members {
			for _, mr := range m.Roles {
				if mr.RoleType == workatofake.RoleTypeEnvironment && mr.RoleName == r.Name && envRole.ID == "" {
					envRole = r
				}
			}
		}
	}

	prodRID := "prod:" + strconv.Itoa(prodProject.ID)
	devRID := strconv.Itoa(devProject.ID)
	tests := []struct {
		name      string
		ent       string
		principal string // "type/id"
		// change applies to the sync before what the grant changes.
		change func(before, want *connectortest.Snapshot)
		skip   string
	}{
		{
			name: "project role to a collaborator, prod", ent: "project:" + prodRID + ":role-" + role,
			principal: "collaborator/" + strconv.Itoa(noGrant(prodProject).ID),
			change: func(_, want *connectortest.Snapshot) {
				addGrant(want, "project:"+prodRID+":role-"+role, "collaborator/"+strconv.Itoa(noGrant(prodProject).ID))
			},
		},
		{
			name: "project role to a group, dev", ent: "project:" + devRID + ":role-" + role, principal: "group/" + group.ID,
			change: func(before, want *connectortest.Snapshot) {
				ent := "project:" + devRID + ":role-" + role
				addGrant(want, ent, "group/"+group.ID)
				for _, m := range groupMembersIn(before, group.ID) { // expanded to each member
					addGrant(want, ent, m)
				}
			},
		},
		{
			name: "group membership", ent: "group:" + group.ID + ":member", principal: "collaborator/" + strconv.Itoa(outsider.ID),
			change: func(before, want *connectortest.Snapshot) {
				who := "collaborator/" + strconv.Itoa(outsider.ID)
				addGrant(want, "group:"+group.ID+":member", who)
				for _, ent := range groupHeld(before, group.ID) { // the group's project roles reach the new member
					addGrant(want, ent, who)
				}
				r := want.Resources["group/"+group.ID]
				n, _ := strconv.Atoi(r.Profile["members_count"])
				r.Profile["members_count"] = strconv.Itoa(n + 1)
				want.Resources["group/"+group.ID] = r
			},
		},
		{
			name: "environment role, prod", ent: "role:env:" + envRole.ID + ":prod", principal: "collaborator/" + strconv.Itoa(prodless.ID),
			skip: map[bool]string{true: "dataset has no member without a prod role, or no environment role held"}[prodless.ID == 0 || envRole.ID == ""],
			change: func(before, want *connectortest.Snapshot) {
				who := "collaborator/" + strconv.Itoa(prodless.ID)
				addGrant(want, "role:env:"+envRole.ID+":prod", who)
				for _, g := range before.Grants { // the privileges the role includes, now held in prod
					if g.Entitlement == "role:env:"+envRole.ID+":includes" {
						addGrant(want, strings.Replace(g.Principal, "/", ":", 1)+":prod", who)
					}
				}
				r := want.Resources[who]
				r.Profile["role_prod"] = envRole.Name
				want.Resources[who] = r
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.skip != "" {
				t.Skip(tt.skip)
			}
			e := newEnv(t, rbacWorkspace(), workatofake.Options{})
			c1z, before := e.rbacSynced("before")
			if _, ok := before.Entitlements[tt.ent]; !ok {
				t.Fatalf("the sync before has no entitlement %s", tt.ent)
			}
			if _, ok := before.Grants[connectortest.Grant{Entitlement: tt.ent, Principal: tt.principal}.Key()]; ok {
				t.Fatalf("the sync before already has %s -> %s", tt.ent, tt.principal)
			}
			ptype, pid, _ := strings.Cut(tt.principal, "/")
			e.run(0, e.rbacArgs(c1z, "--grant-entitlement", tt.ent, "--grant-principal", pid, "--grant-principal-type", ptype)...)
			granted, after := e.rbacSynced("after-grant")
			want := cloneSnapshot(before)
			tt.change(before, want)
			assertSame(t, "the sync after the grant against the sync before plus the grant", want, after)

			e.run(0, e.rbacArgs(granted, "--revoke-grant", fmt.Sprintf("%s:%s:%s", tt.ent, ptype, pid))...)
			_, final := e.rbacSynced("after-revoke")
			assertSame(t, "the sync after the revoke against the sync before the grant", before, final)
		})
	}
}

func containsID(ids []int, id int) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}
