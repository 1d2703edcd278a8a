package workatofake

// Tests of the RBAC 2.0 datasets: they validate and have the shape their
// doc comments promise.

import (
	"fmt"
	"testing"
	"time"
)

func TestMigratedEnvs_Shape(t *testing.T) {
	start := time.Now()
	ws := MigratedEnvs()
	if err := ws.Validate(); err != nil {
		t.Fatalf("Validate: got %v, want nil", err)
	}
	t.Logf("built in %v", time.Since(start))
	perEnv := map[string]int{}
	for _, p := range ws.Projects {
		perEnv[envOf(p.Env)]++
	}
	for _, e := range []string{EnvDev, EnvTest, EnvProd} {
		if perEnv[e] != 300 {
			t.Fatalf("%s projects: got %d, want 300", e, perEnv[e])
		}
	}
	if len(ws.Groups) != 40 || !ws.Groups[0].System || ws.Groups[0].Name != AllCollaborators {
		t.Fatalf("groups: got %d, first %+v, want 40 with All collaborators (system) first", len(ws.Groups), ws.Groups[0])
	}
	big := 0
	for _, g := range ws.Groups {
		if len(g.MemberIDs) >= 100 {
			big++
		}
	}
	if big < 2 || len(ws.Members) <= MaxMembers {
		t.Fatalf("got %d groups of 100+ members and %d members, want at least 2 and more than %d", big, len(ws.Members), MaxMembers)
	}
	groupGrants, scoped, all := 0, 0, 0
	for _, g := range ws.ProjectGrants {
		if g.GroupID != "" {
			groupGrants++
		}
	}
	for _, c := range ws.Clients {
		if c.AllFolders {
			all++
		} else if len(c.FolderIDs) > 0 {
			scoped++
		}
	}
	logins := 0
	for _, a := range ws.Activity {
		if a.EventType == EventUserLogin {
			logins++
		}
	}
	if groupGrants == 0 || scoped == 0 || all != 3 || len(ws.ClientRoles) != 2 || logins == 0 || !ws.AuditLog {
		t.Fatalf("got %d group grants, %d scoped and %d all-folder clients, %d client roles, %d sign-ins, audit log %v; want some, some, 3, 2, some, true",
			groupGrants, scoped, all, len(ws.ClientRoles), logins, ws.AuditLog)
	}
}

func TestMidMigration_Shape(t *testing.T) {
	ws := MidMigration()
	if err := ws.Validate(); err != nil {
		t.Fatalf("Validate: got %v, want nil", err)
	}
	for _, m := range ws.Members {
		for _, r := range m.Roles {
			want := RoleTypeEnvironment
			if r.Env == EnvDev {
				want = RoleTypeLegacy
			}
			if r.RoleType != want {
				t.Fatalf("member %d %s role type: got %s, want %s", m.ID, r.Env, r.RoleType, want)
			}
		}
	}
}

func TestGenerateRBAC_Sizes(t *testing.T) {
	tests := []RBACSizes{
		{},
		{Members: 1, Groups: 1, ProjectsPerEnv: 1},
		{Members: 3, Groups: 5, ProjectsPerEnv: 2, SubfoldersPerProject: 7, Envs: []string{EnvDev, EnvProd}},
		{Members: 100, Groups: 6, ProjectsPerEnv: 0},
	}
	for _, z := range tests {
		t.Run(fmt.Sprintf("%+v", z), func(t *testing.T) {
			ws := GenerateRBAC(z)
			if err := ws.Validate(); err != nil {
				t.Fatalf("Validate: got %v, want nil", err)
			}
			if len(ws.Members) != z.Members || len(ws.Projects) != z.ProjectsPerEnv*len(ws.Environments) {
				t.Fatalf("got %d members and %d projects, want %d and %d", len(ws.Members), len(ws.Projects), z.Members, z.ProjectsPerEnv*len(ws.Environments))
			}
		})
	}
}
