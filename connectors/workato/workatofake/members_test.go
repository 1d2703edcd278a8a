package workatofake

// Tests of the fake's collaborator endpoints.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestServer_Members(t *testing.T) {
	_, base, _ := manualServer(t, ThreeEnvs(), Options{})
	r := get(t, base+"/api/members", TestToken)
	if r.status != 200 {
		t.Fatalf("got %d %s, want 200", r.status, r.body)
	}
	// Exact keys of one raw member.
	raw := decode[struct {
		Data  []map[string]json.RawMessage `json:"data"`
		Total int                          `json:"total"`
	}](t, r.body)
	if len(raw.Data) != 7 || raw.Total != 7 {
		t.Fatalf("got %d members, total %d, want 7 and 7", len(raw.Data), raw.Total)
	}
	var keys []string
	for k := range raw.Data[0] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	wantKeys := []string{"created_at", "email", "external_id", "grant_type", "id", "last_activity_log", "name", "roles", "time_zone"}
	if !reflect.DeepEqual(keys, wantKeys) {
		t.Fatalf("member keys: got %v, want %v", keys, wantKeys)
	}

	env := decode[membersEnvelope](t, r.body)
	tests := []struct {
		id           int
		wantRoles    []string
		wantExternal *string
		wantActivity bool
		wantGrant    string
	}{
		{id: 5101, wantRoles: []string{"dev:Admin:privilege_group", "test:Admin:privilege_group", "prod:Admin:privilege_group"}, wantActivity: true, wantGrant: GrantFederationManager},
		{id: 5102, wantRoles: []string{"dev:Admin:privilege_group", "prod:Analyst:privilege_group"}, wantExternal: ptr("azure-7f3c"), wantActivity: true, wantGrant: GrantTeam},
		{id: 5104, wantRoles: []string{"prod:Release approvers:privilege_group"}, wantGrant: GrantTeam},
		{id: 5107, wantRoles: []string{}, wantGrant: GrantTeam},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.id), func(t *testing.T) {
			i := slices.IndexFunc(env.Data, func(m memberJSON) bool { return m.ID == tt.id })
			if i < 0 {
				t.Fatalf("member %d: missing", tt.id)
			}
			m := env.Data[i]
			if got := rolesOf(m); !reflect.DeepEqual(got, tt.wantRoles) {
				t.Fatalf("roles: got %v, want %v", got, tt.wantRoles)
			}
			if !reflect.DeepEqual(m.ExternalID, tt.wantExternal) {
				t.Fatalf("external_id: got %v, want %v", m.ExternalID, tt.wantExternal)
			}
			if (m.LastActivityLog != nil) != tt.wantActivity {
				t.Fatalf("last_activity_log: got %+v, want present %v", m.LastActivityLog, tt.wantActivity)
			}
			if m.LastActivityLog != nil && (m.LastActivityLog.EventType != "user_login" || !timeRE.MatchString(m.LastActivityLog.CreatedAt) || m.LastActivityLog.ID == 0) {
				t.Fatalf("last_activity_log: got %+v, want an id, user_login and a Workato timestamp", m.LastActivityLog)
			}
			if m.GrantType != tt.wantGrant || !timeRE.MatchString(m.CreatedAt) || m.TimeZone == "" || m.Email == "" {
				t.Fatalf("member: got %+v, want grant %s, a Workato created_at, time zone and email", m, tt.wantGrant)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestServer_Member(t *testing.T) {
	_, base, _ := manualServer(t, LegacyOneEnv(), Options{})
	tests := []struct {
		path     string
		want     int
		wantName string
	}{
		{path: "/api/members/5004", want: 200, wantName: "Margaret Hamilton"},
		{path: "/api/members/4242", want: 404},
		{path: "/api/members/x1", want: 404},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := get(t, base+tt.path, TestToken)
			if r.status != tt.want {
				t.Fatalf("got %d %s, want %d", r.status, r.body, tt.want)
			}
			if tt.want == 200 {
				if got := decode[memberEnvelope](t, r.body).Data.Name; got != tt.wantName {
					t.Fatalf("name: got %q, want %q", got, tt.wantName)
				}
			} else if message(t, r) != "Not found" {
				t.Fatalf("message: got %q, want Not found", message(t, r))
			}
		})
	}
}

func TestServer_Privileges(t *testing.T) {
	three := ThreeEnvs()
	migrated := MigratedWorkspace()
	tests := []struct {
		name        string
		ws          Workspace
		id          int
		wantEnvs    []string // env:name
		wantFolders map[string][]int
		wantPriv    map[string]Privileges // env → privileges
	}{
		{
			name: "admin in dev, analyst in prod", ws: three, id: 5102,
			wantEnvs: []string{"dev:Admin", "prod:Analyst"},
			wantPriv: map[string]Privileges{EnvDev: SystemRoles()[RoleAdmin], EnvProd: SystemRoles()[RoleAnalyst]},
		},
		{
			name: "folder-scoped custom role", ws: three, id: 5103,
			wantEnvs:    []string{"dev:" + DeveloperRoleName, "test:Operator"},
			wantFolders: map[string][]int{EnvDev: three.CustomRoles[0].FolderIDs},
			wantPriv:    map[string]Privileges{EnvDev: three.CustomRoles[0].Privileges, EnvTest: SystemRoles()[RoleOperator]},
		},
		{
			name: "unlisted privilege", ws: three, id: 5105,
			wantEnvs: []string{"test:" + WidgetRoleName},
			wantPriv: map[string]Privileges{EnvTest: three.CustomRoles[1].Privileges},
		},
		{name: "no access anywhere", ws: three, id: 5107, wantEnvs: []string{}},
		{
			name: "environment roles", ws: migrated, id: 5202,
			wantEnvs: []string{"dev:Member", "prod:Release managers"},
			wantPriv: map[string]Privileges{EnvDev: migrated.EnvironmentRoles[2].Privileges, EnvProd: migrated.EnvironmentRoles[3].Privileges},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, base, _ := manualServer(t, tt.ws, Options{})
			r := get(t, fmt.Sprintf("%s/api/members/%d/privileges", base, tt.id), TestToken)
			if r.status != 200 {
				t.Fatalf("got %d %s, want 200", r.status, r.body)
			}
			if !strings.Contains(string(r.body), `"folder_ids":[`) && len(tt.wantEnvs) > 0 {
				t.Fatalf("body %s: want folder_ids as an array", r.body)
			}
			env := decode[privilegesEnvelope](t, r.body)
			got := []string{}
			for _, e := range env.Data {
				got = append(got, e.EnvironmentType+":"+e.Name)
				if want := tt.wantFolders[e.EnvironmentType]; !slices.Equal(e.FolderIDs, want) {
					t.Fatalf("%s folder_ids: got %v, want %v", e.EnvironmentType, e.FolderIDs, want)
				}
				if want := tt.wantPriv[e.EnvironmentType]; !reflect.DeepEqual(e.Privileges, want) {
					t.Fatalf("%s privileges: got %v, want %v", e.EnvironmentType, e.Privileges, want)
				}
			}
			if !reflect.DeepEqual(got, tt.wantEnvs) || env.Total != len(tt.wantEnvs) {
				t.Fatalf("entries: got %v (total %d), want %v", got, env.Total, tt.wantEnvs)
			}
		})
	}
	t.Run("unknown member", func(t *testing.T) {
		_, base, _ := manualServer(t, three, Options{})
		if r := get(t, base+"/api/members/1/privileges", TestToken); r.status != 404 {
			t.Fatalf("got %d, want 404", r.status)
		}
	})
}

func TestServer_UpdateMember(t *testing.T) {
	type er = map[string]string
	tests := []struct {
		name       string
		ws         Workspace
		id         int
		body       any
		wantStatus int
		wantMsg    string
		wantRoles  []string // the member's roles afterwards (unchanged on error)
	}{
		{
			name: "change one env, others untouched", ws: ThreeEnvs(), id: 5102,
			body:       map[string]any{"env_roles": []er{{"environment_type": "prod", "name": RoleOperator}}},
			wantStatus: 200, wantRoles: []string{"dev:Admin:privilege_group", "prod:Operator:privilege_group"},
		},
		{
			name: "add an env by custom role name", ws: ThreeEnvs(), id: 5102,
			body:       map[string]any{"env_roles": []er{{"environment_type": "test", "name": DeveloperRoleName, "role_type": "privilege_group"}}},
			wantStatus: 200, wantRoles: []string{"dev:Admin:privilege_group", "test:Developer role:privilege_group", "prod:Analyst:privilege_group"},
		},
		{
			name: "NoAccess removes one env", ws: ThreeEnvs(), id: 5102,
			body:       map[string]any{"env_roles": []er{{"environment_type": "prod", "name": NoAccess}}},
			wantStatus: 200, wantRoles: []string{"dev:Admin:privilege_group"},
		},
		{
			name: "NoAccess where none held", ws: ThreeEnvs(), id: 5102,
			body:       map[string]any{"env_roles": []er{{"environment_type": "test", "name": NoAccess}}},
			wantStatus: 200, wantRoles: []string{"dev:Admin:privilege_group", "prod:Analyst:privilege_group"},
		},
		{
			name: "full list as upstream sends it", ws: ThreeEnvs(), id: 5102,
			body: map[string]any{"env_roles": []er{
				{"environment_type": "dev", "name": RoleAdmin}, {"environment_type": "test", "name": RoleOperator}, {"environment_type": "prod", "name": RoleAnalyst},
			}},
			wantStatus: 200, wantRoles: []string{"dev:Admin:privilege_group", "test:Operator:privilege_group", "prod:Analyst:privilege_group"},
		},
		{
			name: "deprecated role_name sets dev", ws: ThreeEnvs(), id: 5104,
			body:       map[string]any{"role_name": RoleAnalyst},
			wantStatus: 200, wantRoles: []string{"dev:Analyst:privilege_group", "prod:Release approvers:privilege_group"},
		},
		{
			name: "env_roles wins over role_name", ws: ThreeEnvs(), id: 5104,
			body:       map[string]any{"role_name": RoleAnalyst, "env_roles": []er{{"environment_type": "test", "name": RoleOperator}}},
			wantStatus: 200, wantRoles: []string{"test:Operator:privilege_group", "prod:Release approvers:privilege_group"},
		},
		{
			name: "unknown role: nothing applied", ws: ThreeEnvs(), id: 5102,
			body: map[string]any{"env_roles": []er{
				{"environment_type": "dev", "name": RoleOperator}, {"environment_type": "prod", "name": "478"},
			}},
			wantStatus: 400, wantMsg: "Role 478 not found", wantRoles: []string{"dev:Admin:privilege_group", "prod:Analyst:privilege_group"},
		},
		{
			name: "unknown environment: nothing applied", ws: ThreeEnvs(), id: 5102,
			body: map[string]any{"env_roles": []er{
				{"environment_type": "dev", "name": RoleOperator}, {"environment_type": "staging", "name": RoleAdmin},
			}},
			wantStatus: 400, wantMsg: "Environment staging not found", wantRoles: []string{"dev:Admin:privilege_group", "prod:Analyst:privilege_group"},
		},
		{
			name: "test env on a one-env workspace", ws: LegacyOneEnv(), id: 5002,
			body:       map[string]any{"env_roles": []er{{"environment_type": "test", "name": RoleAdmin}}},
			wantStatus: 400, wantMsg: "Environment test not found", wantRoles: []string{"dev:Analyst:privilege_group"},
		},
		{
			name: "environment upper case", ws: ThreeEnvs(), id: 5102,
			body:       map[string]any{"env_roles": []er{{"environment_type": "DEV", "name": RoleOperator}}},
			wantStatus: 400, wantMsg: "Environment DEV not found", wantRoles: []string{"dev:Admin:privilege_group", "prod:Analyst:privilege_group"},
		},
		{
			name: "environment twice", ws: ThreeEnvs(), id: 5102,
			body: map[string]any{"env_roles": []er{
				{"environment_type": "dev", "name": RoleOperator}, {"environment_type": "dev", "name": RoleAnalyst},
			}},
			wantStatus: 400, wantMsg: "listed more than once", wantRoles: []string{"dev:Admin:privilege_group", "prod:Analyst:privilege_group"},
		},
		{
			name: "environment role type before migration", ws: ThreeEnvs(), id: 5102,
			body:       map[string]any{"env_roles": []er{{"environment_type": "dev", "name": RoleOperator, "role_type": "environment"}}},
			wantStatus: 400, wantMsg: "not migrated", wantRoles: []string{"dev:Admin:privilege_group", "prod:Analyst:privilege_group"},
		},
		{
			name: "invalid role type", ws: ThreeEnvs(), id: 5102,
			body:       map[string]any{"env_roles": []er{{"environment_type": "dev", "name": RoleOperator, "role_type": "group"}}},
			wantStatus: 400, wantMsg: "Role type group is not valid", wantRoles: []string{"dev:Admin:privilege_group", "prod:Analyst:privilege_group"},
		},
		{
			name: "empty env_roles", ws: ThreeEnvs(), id: 5102,
			body:       map[string]any{"env_roles": []er{}},
			wantStatus: 400, wantMsg: "Validation failed", wantRoles: []string{"dev:Admin:privilege_group", "prod:Analyst:privilege_group"},
		},
		{
			name: "malformed body", ws: ThreeEnvs(), id: 5102, body: `{"env_roles":`,
			wantStatus: 400, wantMsg: "Bad request", wantRoles: []string{"dev:Admin:privilege_group", "prod:Analyst:privilege_group"},
		},
		{
			name: "unknown member", ws: ThreeEnvs(), id: 4040,
			body:       map[string]any{"env_roles": []er{{"environment_type": "dev", "name": RoleOperator}}},
			wantStatus: 404, wantMsg: "Not found",
		},
		{
			name: "migrated: environment role", ws: MigratedWorkspace(), id: 5202,
			body:       map[string]any{"env_roles": []er{{"environment_type": "test", "name": "Auditors", "role_type": "environment"}}},
			wantStatus: 200, wantRoles: []string{"dev:Member:environment", "test:Auditors:environment", "prod:Release managers:environment"},
		},
		{
			name: "migrated: NoAccess without role_type", ws: MigratedWorkspace(), id: 5202,
			body:       map[string]any{"env_roles": []er{{"environment_type": "prod", "name": NoAccess}}},
			wantStatus: 200, wantRoles: []string{"dev:Member:environment"},
		},
		{
			name: "migrated: privilege_group refused", ws: MigratedWorkspace(), id: 5202,
			body:       map[string]any{"env_roles": []er{{"environment_type": "test", "name": "Member", "role_type": "privilege_group"}}},
			wantStatus: 400, wantMsg: "privilege_group is no longer supported", wantRoles: []string{"dev:Member:environment", "prod:Release managers:environment"},
		},
		{
			name: "migrated: role_type omitted means privilege_group", ws: MigratedWorkspace(), id: 5202,
			body:       map[string]any{"env_roles": []er{{"environment_type": "test", "name": "Member"}}},
			wantStatus: 400, wantMsg: "privilege_group is no longer supported", wantRoles: []string{"dev:Member:environment", "prod:Release managers:environment"},
		},
		{
			name: "migrated: legacy role name", ws: MigratedWorkspace(), id: 5202,
			body:       map[string]any{"env_roles": []er{{"environment_type": "test", "name": RoleAdmin, "role_type": "environment"}}},
			wantStatus: 400, wantMsg: "Role Admin not found", wantRoles: []string{"dev:Member:environment", "prod:Release managers:environment"},
		},
		{
			name: "migrated: role_name refused", ws: MigratedWorkspace(), id: 5202,
			body:       map[string]any{"role_name": "Member"},
			wantStatus: 400, wantMsg: "role_name is no longer supported", wantRoles: []string{"dev:Member:environment", "prod:Release managers:environment"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, base, _ := manualServer(t, tt.ws, Options{})
			before := s.Workspace()
			r := call(t, http.MethodPut, fmt.Sprintf("%s/api/members/%d", base, tt.id), TestToken, tt.body)
			if r.status != tt.wantStatus {
				t.Fatalf("got %d %s, want %d", r.status, r.body, tt.wantStatus)
			}
			if tt.wantStatus != 200 {
				if got := message(t, r); !strings.Contains(got, tt.wantMsg) {
					t.Fatalf("message: got %q, want it to contain %q", got, tt.wantMsg)
				}
				if after := s.Workspace(); !reflect.DeepEqual(after, before) {
					t.Fatalf("a refused PUT changed the workspace")
				}
			} else if got := rolesOf(decode[memberEnvelope](t, r.body).Data); !reflect.DeepEqual(got, tt.wantRoles) {
				t.Fatalf("response roles: got %v, want %v", got, tt.wantRoles)
			}
			if tt.wantRoles == nil {
				return
			}
			g := get(t, fmt.Sprintf("%s/api/members/%d", base, tt.id), TestToken)
			if got := rolesOf(decode[memberEnvelope](t, g.body).Data); !reflect.DeepEqual(got, tt.wantRoles) {
				t.Fatalf("roles afterwards: got %v, want %v", got, tt.wantRoles)
			}
			m, _ := memberByID(s.Workspace(), tt.id)
			if len(m.Roles) != len(tt.wantRoles) {
				t.Fatalf("Workspace() roles: got %v, want %v", m.Roles, tt.wantRoles)
			}
		})
	}
}

func TestServer_UpdateMemberFolderScope(t *testing.T) {
	ws := ThreeEnvs()
	s, base, _ := manualServer(t, ws, Options{})
	scope := ws.CustomRoles[0].FolderIDs
	steps := []struct {
		name        string
		env, role   string
		wantFolders map[string][]int
	}{
		{name: "re-send the same role keeps the scope", env: EnvDev, role: DeveloperRoleName, wantFolders: map[string][]int{EnvDev: scope}},
		{name: "scoped custom role in test brings its folders", env: EnvTest, role: DeveloperRoleName, wantFolders: map[string][]int{EnvDev: scope, EnvTest: scope}},
		{name: "system role drops the scope", env: EnvDev, role: RoleAnalyst, wantFolders: map[string][]int{EnvTest: scope}},
		{name: "NoAccess drops it", env: EnvTest, role: NoAccess, wantFolders: nil},
	}
	for _, st := range steps {
		r := call(t, http.MethodPut, base+"/api/members/5103", TestToken,
			map[string]any{"env_roles": []map[string]string{{"environment_type": st.env, "name": st.role}}})
		if r.status != 200 {
			t.Fatalf("%s: got %d %s, want 200", st.name, r.status, r.body)
		}
		m, _ := memberByID(s.Workspace(), 5103)
		if !reflect.DeepEqual(m.FolderIDs, st.wantFolders) {
			t.Fatalf("%s: FolderIDs got %v, want %v", st.name, m.FolderIDs, st.wantFolders)
		}
	}
}

func TestServer_DeleteMember(t *testing.T) {
	s, base, _ := manualServer(t, MigratedWorkspace(), Options{})
	r := call(t, http.MethodDelete, base+"/api/members/5202", TestToken, nil)
	if r.status != 200 || string(r.body) != `{"success":true}` {
		t.Fatalf("got %d %s, want 200 {\"success\":true}", r.status, r.body)
	}
	if r := get(t, base+"/api/members/5202", TestToken); r.status != 404 {
		t.Fatalf("GET after DELETE: got %d, want 404", r.status)
	}
	if r := call(t, http.MethodDelete, base+"/api/members/5202", TestToken, nil); r.status != 404 {
		t.Fatalf("second DELETE: got %d, want 404", r.status)
	}
	ws := s.Workspace()
	if len(ws.Members) != 4 {
		t.Fatalf("members: got %d, want 4", len(ws.Members))
	}
	for _, g := range ws.ProjectGrants {
		if g.MemberID == 5202 {
			t.Fatalf("project grant %s of the deleted member remains", g.ID)
		}
	}
	list := decode[membersEnvelope](t, get(t, base+"/api/members", TestToken).body)
	if list.Total != 4 {
		t.Fatalf("list total: got %d, want 4", list.Total)
	}
}
