package workatofake

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

type namedDataset struct {
	name  string
	ws    func() Workspace
	token string
}

var datasets = []namedDataset{
	{name: "LegacyOneEnv", ws: LegacyOneEnv, token: TestToken},
	{name: "ThreeEnvs", ws: ThreeEnvs, token: TestToken},
	{name: "MigratedWorkspace", ws: MigratedWorkspace, token: TestToken},
	{name: "Demo", ws: Demo, token: DemoToken},
	{name: "Generate", ws: func() Workspace { return Generate(40, 30, 300, 20, []string{"dev", "test", "prod"}, 5) }, token: BenchToken},
}

// maxDepth returns how deep the deepest folder sits: a project root
// folder is 1.
func maxDepth(ws Workspace) int {
	parent := map[int]int{}
	for _, f := range ws.Folders {
		parent[f.ID] = f.ParentID
	}
	best := 0
	for _, f := range ws.Folders {
		d := 0
		for id := f.ID; id != 0; id = parent[id] {
			d++
		}
		best = max(best, d)
	}
	return best
}

func widestParent(ws Workspace) (parent, n int) {
	counts := map[int]int{}
	for _, f := range ws.Folders {
		if f.ParentID != 0 {
			counts[f.ParentID]++
		}
	}
	for p, c := range counts {
		if c > n {
			parent, n = p, c
		}
	}
	return parent, n
}

func TestDatasets_Invariants(t *testing.T) {
	catalog := map[string]bool{}
	for _, c := range privilegeCatalog {
		for _, a := range c.actions {
			catalog[c.section+"/"+a] = true
		}
	}
	for _, d := range datasets {
		t.Run(d.name, func(t *testing.T) {
			ws := d.ws()
			if err := ws.Validate(); err != nil {
				t.Fatalf("Validate: got %v, want nil", err)
			}
			if !reflect.DeepEqual(ws, d.ws()) {
				t.Fatalf("two calls: got different workspaces, want equal")
			}
			if catalog[UnlistedSection+"/"+UnlistedAction] {
				t.Fatalf("the unlisted privilege is in the catalogue")
			}

			// The unlisted privilege: in exactly one role, and held.
			var holders []string // role names
			check := func(name string, p Privileges) {
				if slices.Contains(p[UnlistedSection], UnlistedAction) {
					holders = append(holders, name)
				}
			}
			for name, p := range ws.SystemRoles {
				check(name, p)
			}
			for _, r := range ws.CustomRoles {
				check(r.Name, r.Privileges)
			}
			for _, r := range ws.EnvironmentRoles {
				check(r.Name, r.Privileges)
			}
			if len(holders) != 1 {
				t.Fatalf("roles with the unlisted privilege: got %v, want exactly one", holders)
			}
			held := false
			for _, m := range ws.Members {
				for _, r := range m.Roles {
					held = held || r.RoleName == holders[0]
				}
			}
			if !held {
				t.Fatalf("role %q with the unlisted privilege: held by nobody, want a holder", holders[0])
			}

			if !ws.Migrated {
				i := slices.IndexFunc(ws.CustomRoles, func(r Role) bool { return r.ID == DeveloperRoleID })
				if i < 0 || ws.CustomRoles[i].Name != DeveloperRoleName || ws.CustomRoles[i].Name == strconv.Itoa(ws.CustomRoles[i].ID) {
					t.Fatalf("want custom role %d named %q", DeveloperRoleID, DeveloperRoleName)
				}
			}

			for _, ts := range allTimes(ws) {
				if ts.IsZero() || ts.Nanosecond()%int(time.Millisecond) != 0 {
					t.Fatalf("timestamp %v: want set, in whole milliseconds", ts)
				}
			}
			if i := slices.IndexFunc(ws.Clients, func(c APIClient) bool { return c.Token == d.token }); i < 0 ||
				ws.Clients[i].DataCenter != "us" || ws.Clients[i].Env != EnvDev || ws.Clients[i].Endpoints != nil {
				t.Fatalf("clients %+v: want %s on us, dev, every endpoint", ws.Clients, d.token)
			}
			if maxDepth(ws) < 3 {
				t.Fatalf("folder depth: got %d, want at least 3", maxDepth(ws))
			}
		})
	}
}

// TestDatasets_UnlistedPrivilegeServed reads the unlisted privilege back
// through /privileges.
func TestDatasets_UnlistedPrivilegeServed(t *testing.T) {
	for _, d := range datasets {
		t.Run(d.name, func(t *testing.T) {
			ws := d.ws()
			_, base, _ := manualServer(t, ws, Options{})
			found := false
			for _, m := range ws.Members {
				r := get(t, fmt.Sprintf("%s/api/members/%d/privileges", base, m.ID), d.token)
				if r.status != 200 {
					t.Fatalf("member %d: got %d, want 200", m.ID, r.status)
				}
				for _, e := range decode[privilegesEnvelope](t, r.body).Data {
					found = found || slices.Contains(e.Privileges[UnlistedSection], UnlistedAction)
				}
			}
			if !found {
				t.Fatalf("no member's /privileges shows %s/%s", UnlistedSection, UnlistedAction)
			}
		})
	}
}

func allTimes(ws Workspace) []time.Time {
	out := []time.Time{ws.CreatedAt}
	for _, m := range ws.Members {
		out = append(out, m.CreatedAt)
		if !m.LastActivityAt.IsZero() {
			out = append(out, m.LastActivityAt)
		}
	}
	for _, r := range ws.CustomRoles {
		out = append(out, r.CreatedAt, r.UpdatedAt)
	}
	for _, r := range append(slices.Clone(ws.EnvironmentRoles), ws.ProjectRoles...) {
		out = append(out, r.CreatedAt, r.UpdatedAt)
	}
	for _, f := range ws.Folders {
		out = append(out, f.CreatedAt, f.UpdatedAt)
	}
	return out
}

func TestThreeEnvs(t *testing.T) {
	ws := ThreeEnvs()
	if !slices.Equal(ws.Environments, []string{EnvDev, EnvTest, EnvProd}) {
		t.Fatalf("environments: got %v, want dev, test, prod", ws.Environments)
	}
	sam, _ := memberByID(ws, 5102)
	if want := []MemberRole{legacy(EnvDev, RoleAdmin), legacy(EnvProd, RoleAnalyst)}; !reflect.DeepEqual(sam.Roles, want) {
		t.Fatalf("Sam's roles: got %v, want %v", sam.Roles, want)
	}
	partial := 0
	for _, m := range ws.Members {
		if len(m.Roles) < len(ws.Environments) {
			partial++
		}
	}
	if partial < 3 {
		t.Fatalf("members without access somewhere: got %d, want at least 3", partial)
	}
}

func TestMigratedWorkspace(t *testing.T) {
	ws := MigratedWorkspace()
	if !ws.Migrated || len(ws.CustomRoles) != 0 || len(ws.ProjectGrants) == 0 {
		t.Fatalf("got migrated %v, %d custom roles, %d grants; want migrated, none, some", ws.Migrated, len(ws.CustomRoles), len(ws.ProjectGrants))
	}
	names := func(rs []NewRole, typ string) []string {
		var out []string
		for _, r := range rs {
			if r.Type == typ {
				out = append(out, r.Name)
			}
		}
		return out
	}
	if got, want := names(ws.EnvironmentRoles, NewRoleSystem), []string{"Environment admin", "Environment manager", "Member"}; !slices.Equal(got, want) {
		t.Fatalf("system environment roles: got %v, want %v", got, want)
	}
	if got, want := names(ws.ProjectRoles, NewRoleSystem), []string{"Project admin", "Advanced builder", "Builder", "Project operator"}; !slices.Equal(got, want) {
		t.Fatalf("system project roles: got %v, want %v", got, want)
	}
	if len(names(ws.EnvironmentRoles, NewRoleCustom)) == 0 || len(names(ws.ProjectRoles, NewRoleCustom)) == 0 {
		t.Fatalf("want custom environment and project roles")
	}
	for _, m := range ws.Members {
		for _, r := range m.Roles {
			if r.RoleType != RoleTypeEnvironment {
				t.Fatalf("member %d role %+v: want role type environment", m.ID, r)
			}
		}
	}
}

func TestDemo(t *testing.T) {
	ws := Demo()
	if len(ws.Environments) != 3 {
		t.Fatalf("environments: got %v, want three", ws.Environments)
	}
	if _, n := widestParent(ws); n <= 100 {
		t.Fatalf("widest parent: got %d children, want more than 100", n)
	}
	held := map[string]bool{}
	for _, m := range ws.Members {
		for _, r := range m.Roles {
			held[r.RoleName] = true
		}
	}
	for _, name := range []string{RoleAdmin, RoleAnalyst, RoleOperator} {
		if !held[name] {
			t.Fatalf("system role %s: held by nobody", name)
		}
	}
	for _, r := range ws.CustomRoles {
		if !held[r.Name] {
			t.Fatalf("custom role %s: held by nobody", r.Name)
		}
	}
	if maxDepth(ws) < 4 {
		t.Fatalf("depth: got %d, want at least 4 (root and three nested levels)", maxDepth(ws))
	}
}

func TestGenerate(t *testing.T) {
	envs := []string{EnvDev, EnvTest, EnvProd}
	start := time.Now()
	ws := Generate(100, 200, 2000, 500, envs, 1)
	took := time.Since(start)
	limit := time.Second
	if raceEnabled {
		limit = 5 * time.Second
	}
	if took > limit {
		t.Fatalf("Generate at benchmark size took %v, want under %v", took, limit)
	}
	if err := ws.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if len(ws.Members) != 100 || len(ws.CustomRoles) != 200 || len(ws.Projects) != 500 || len(ws.Folders) != 2500 || !slices.Equal(ws.Environments, envs) {
		t.Fatalf("sizes: got %d members, %d roles, %d projects, %d folders, envs %v; want 100, 200, 500, 2500, %v",
			len(ws.Members), len(ws.CustomRoles), len(ws.Projects), len(ws.Folders), ws.Environments, envs)
	}
	if _, n := widestParent(ws); n <= 100 {
		t.Fatalf("widest parent: got %d, want more than 100", n)
	}
	if d := maxDepth(ws); d < 5 {
		t.Fatalf("depth: got %d, want at least 5 (a root and four nested levels)", d)
	}
	if !reflect.DeepEqual(ws, Generate(100, 200, 2000, 500, envs, 1)) {
		t.Fatalf("same arguments: got different workspaces, want equal")
	}
	if reflect.DeepEqual(ws.Members, Generate(100, 200, 2000, 500, envs, 2).Members) {
		t.Fatalf("different seeds: got equal members, want different")
	}
	if ws.Clients[0].Token != BenchToken {
		t.Fatalf("client: got %q, want %q", ws.Clients[0].Token, BenchToken)
	}

	tests := []struct {
		name      string
		ws        Workspace
		wantEnvs  []string
		wantCount [3]int // members, projects, folders
	}{
		{name: "members capped", ws: Generate(150, 2, 0, 0, nil, 1), wantEnvs: []string{EnvDev}, wantCount: [3]int{100, 0, 0}},
		{name: "dev put first", ws: Generate(3, 2, 0, 1, []string{EnvProd, EnvDev, EnvProd}, 1), wantEnvs: []string{EnvDev, EnvProd}, wantCount: [3]int{3, 1, 1}},
		{name: "folders need a project", ws: Generate(1, 2, 5, 0, nil, 1), wantEnvs: []string{EnvDev}, wantCount: [3]int{1, 1, 6}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.ws.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			got := [3]int{len(tt.ws.Members), len(tt.ws.Projects), len(tt.ws.Folders)}
			if got != tt.wantCount || !slices.Equal(tt.ws.Environments, tt.wantEnvs) {
				t.Fatalf("got %v envs %v, want %v envs %v", got, tt.ws.Environments, tt.wantCount, tt.wantEnvs)
			}
		})
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		Generate(100, 200, 2000, 500, []string{EnvDev, EnvTest, EnvProd}, 1)
	}
}

func TestSystemRoles(t *testing.T) {
	roles := SystemRoles()
	count := func(p Privileges) int {
		n := 0
		for _, a := range p {
			n += len(a)
		}
		return n
	}
	admin, analyst, operator := count(roles[RoleAdmin]), count(roles[RoleAnalyst]), count(roles[RoleOperator])
	if operator != 7 || admin <= analyst || analyst <= operator {
		t.Fatalf("privilege counts: got Admin %d, Analyst %d, Operator %d; want Admin > Analyst > Operator = 7", admin, analyst, operator)
	}
	for name, p := range roles {
		for sec := range p {
			if strings.EqualFold(sec, UnlistedSection) {
				t.Fatalf("system role %s holds the unlisted section", name)
			}
		}
	}
}
