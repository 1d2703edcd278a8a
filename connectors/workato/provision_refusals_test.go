package workato_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
)

// writeCount is how many PUT, POST and DELETE requests e's fake served.
func (e *env) writeCount() int {
	n := 0
	for k, c := range e.fake.Requests().Snapshot() {
		if strings.HasPrefix(k, "PUT ") || strings.HasPrefix(k, "POST ") || strings.HasPrefix(k, "DELETE ") {
			n += c
		}
	}
	return n
}

// accessState is what provisioning could change in the fake, printed.
func accessState(ws workatofake.Workspace) string {
	var b strings.Builder
	for _, m := range ws.Members {
		fmt.Fprintf(&b, "m%d%v;", m.ID, m.Roles)
	}
	for _, g := range ws.Groups {
		fmt.Fprintf(&b, "g%s%v;", g.ID, g.MemberIDs)
	}
	for _, g := range ws.ProjectGrants {
		fmt.Fprintf(&b, "pg%+v;", g)
	}
	return b.String()
}

// TestProvision_Refusals: through the binary, each refusal exits with its
// gRPC code and a message that says what to do, and changes nothing in
// Workato: a project in an environment whose token is not given, "All
// collaborators", a client role without the project-grant privilege.
func TestProvision_Refusals(t *testing.T) {
	base := rbacWorkspace()
	var prodProject workatofake.Project
	for _, p := range base.Projects {
		if p.Env == "prod" && prodProject.ID == 0 {
			prodProject = p
		}
	}
	var system workatofake.Group
	for _, g := range base.Groups {
		if g.System {
			system = g
		}
	}
	role := base.ProjectRoles[0].ID
	member := base.Members[len(base.Members)-1]
	prodEnt := "project:prod:" + strconv.Itoa(prodProject.ID) + ":role-" + role
	tests := []struct {
		name    string
		mutate  func(ws *workatofake.Workspace)
		noProd  bool // the grant runs without the prod token
		ent     string
		exit    int
		want    []string
		refused int // writes sent and refused (a missing privilege shows only then)
	}{
		{
			name: "project in an environment without a token", noProd: true, ent: prodEnt, exit: 9,
			want: []string{"no API token for the prod environment", "--workato-prod-api-key"},
		},
		{
			name: "All collaborators", ent: "group:" + system.ID + ":member", exit: 3,
			want: []string{"system group", "nothing was changed"},
		},
		{
			name: "client role without the project-grant privilege", ent: prodEnt, exit: 7, refused: 1,
			want: []string{"403", "Add or update project grants"},
			mutate: func(ws *workatofake.Workspace) {
				dropEndpoint(ws, workatofake.EnvTokenProd, workatofake.EndpointPutProjectGrants)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := rbacWorkspace()
			if tt.mutate != nil {
				tt.mutate(&ws)
			}
			e := newEnv(t, ws, workatofake.Options{})
			c1z, _ := e.rbacSynced("sync")
			before := accessState(e.fake.Workspace())
			writesBefore := e.writeCount()
			flags := []string{"--grant-entitlement", tt.ent, "--grant-principal", strconv.Itoa(member.ID), "--grant-principal-type", "collaborator"}
			args := e.rbacArgs(c1z, flags...)
			if tt.noProd {
				args = e.args(c1z, append([]string{"--workato-test-api-key", workatofake.EnvTokenTest}, flags...)...)
			}
			res := e.run(tt.exit, args...)
			mustContain(t, "stderr", res.Stderr, tt.want...)
			if got := e.writeCount() - writesBefore; got != tt.refused {
				t.Errorf("writes: got %d, want %d", got, tt.refused)
			}
			if after := accessState(e.fake.Workspace()); after != before {
				t.Errorf("Workato's access changed:\ngot  %s\nwant %s", after, before)
			}
		})
	}
}

// dropEndpoint takes endpoint out of the client role of the API client
// with token (nil allow-lists become every endpoint but that one).
func dropEndpoint(ws *workatofake.Workspace, token, endpoint string) {
	for i := range ws.Clients {
		if ws.Clients[i].Token != token {
			continue
		}
		eps := ws.Clients[i].Endpoints
		if eps == nil {
			eps = allEndpoints
		}
		var out []string
		for _, ep := range eps {
			if ep != endpoint {
				out = append(out, ep)
			}
		}
		ws.Clients[i].Endpoints = out
	}
}

// allEndpoints is every endpoint the fake serves.
var allEndpoints = []string{
	workatofake.EndpointAPIClients,
	workatofake.EndpointActivityLogs,
	workatofake.EndpointAddGroupMembers,
	workatofake.EndpointClientRoles,
	workatofake.EndpointDeleteMember,
	workatofake.EndpointDeleteProjectGrant,
	workatofake.EndpointEnvironmentRoles,
	workatofake.EndpointFolders,
	workatofake.EndpointGroup,
	workatofake.EndpointGroupMembers,
	workatofake.EndpointGroupProjectGrants,
	workatofake.EndpointGroups,
	workatofake.EndpointInvitations,
	workatofake.EndpointMe,
	workatofake.EndpointMember,
	workatofake.EndpointMemberPrivileges,
	workatofake.EndpointMemberProjectGrants,
	workatofake.EndpointMemberProjectsAccess,
	workatofake.EndpointMembers,
	workatofake.EndpointProjectGrant,
	workatofake.EndpointProjectGrants,
	workatofake.EndpointProjectRoles,
	workatofake.EndpointProjects,
	workatofake.EndpointPutProjectGrants,
	workatofake.EndpointRemoveGroupMembers,
	workatofake.EndpointRoles,
	workatofake.EndpointUpdateMember,
	workatofake.EndpointUpdateProjectGrant,
}
