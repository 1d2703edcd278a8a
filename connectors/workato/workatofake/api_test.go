package workatofake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
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

func TestServer_Invite(t *testing.T) {
	type er = map[string]string
	invite := func(name, email string, roles ...er) map[string]any {
		return map[string]any{"name": name, "email": email, "env_roles": roles}
	}
	s, base, clk := manualServer(t, ThreeEnvs(), Options{})
	steps := []struct {
		name       string
		advance    time.Duration
		body       any
		wantStatus int
		wantMsg    string
	}{
		{name: "first invite", body: invite("New Person", "new@globex.example", er{"environment_type": "dev", "name": RoleAnalyst}, er{"environment_type": "prod", "name": WidgetRoleName}), wantStatus: 200},
		{name: "same email again", advance: 19 * time.Minute, body: invite("New Person", "NEW@globex.example", er{"environment_type": "dev", "name": RoleAdmin}), wantStatus: 429, wantMsg: "Too many requests"},
		{name: "after 20 minutes", advance: time.Minute, body: invite("New Person", "new@globex.example", er{"environment_type": "test", "name": RoleOperator}), wantStatus: 200},
		{name: "already a member", body: invite("Sam", "SAM@globex.example", er{"environment_type": "dev", "name": RoleAdmin}), wantStatus: 422, wantMsg: "already a collaborator"},
		{name: "unknown role", body: invite("X", "x@globex.example", er{"environment_type": "dev", "name": "Ghost"}), wantStatus: 400, wantMsg: "Role Ghost not found"},
		{name: "unknown env", body: invite("X", "x@globex.example", er{"environment_type": "qa", "name": RoleAdmin}), wantStatus: 400, wantMsg: "Environment qa not found"},
		{name: "only NoAccess", body: invite("X", "x@globex.example", er{"environment_type": "dev", "name": NoAccess}), wantStatus: 400, wantMsg: "Validation failed"},
		{name: "no email", body: invite("X", "", er{"environment_type": "dev", "name": RoleAdmin}), wantStatus: 400, wantMsg: "Validation failed"},
		{name: "no name", body: invite("", "y@globex.example", er{"environment_type": "dev", "name": RoleAdmin}), wantStatus: 400, wantMsg: "Validation failed"},
		{name: "refused ones do not start the clock", body: invite("X", "x@globex.example", er{"environment_type": "dev", "name": RoleAdmin}), wantStatus: 200},
	}
	for _, st := range steps {
		clk.Advance(st.advance)
		r := call(t, http.MethodPost, base+"/api/member_invitations", TestToken, st.body)
		if r.status != st.wantStatus {
			t.Fatalf("%s: got %d %s, want %d", st.name, r.status, r.body, st.wantStatus)
		}
		if st.wantMsg != "" && !strings.Contains(message(t, r), st.wantMsg) {
			t.Fatalf("%s: message got %q, want it to contain %q", st.name, message(t, r), st.wantMsg)
		}
		if st.wantStatus == 429 && r.header.Get("Retry-After") != "60" {
			t.Fatalf("%s: Retry-After got %q, want 60", st.name, r.header.Get("Retry-After"))
		}
	}

	first := call(t, http.MethodPost, base+"/api/member_invitations", TestToken,
		invite("Third", "third@globex.example", er{"environment_type": "prod", "name": RoleOperator}, er{"environment_type": "dev", "name": RoleAnalyst}))
	data := decode[struct {
		Data invitationJSON `json:"data"`
	}](t, first.body).Data
	wantRoles := []envRoleJSON{{EnvironmentType: "dev", Name: RoleAnalyst, RoleType: RoleTypeLegacy}, {EnvironmentType: "prod", Name: RoleOperator, RoleType: RoleTypeLegacy}}
	if data.ID == 0 || data.Status != "pending" || data.Email != "third@globex.example" || data.Name != "Third" ||
		!reflect.DeepEqual(data.EnvRoles, wantRoles) || !timeRE.MatchString(data.CreatedAt) {
		t.Fatalf("invitation: got %+v, want an id, pending, the email, name and env_roles %v", data, wantRoles)
	}

	invs := s.Invitations()
	if len(invs) != 3 {
		t.Fatalf("invitations: got %d, want 3 (the re-sent one replaced)", len(invs))
	}
	if invs[0].Email != "new@globex.example" || !reflect.DeepEqual(invs[0].EnvRoles, []EnvRole{{Env: EnvTest, Name: RoleOperator, RoleType: RoleTypeLegacy}}) ||
		!invs[0].CreatedAt.Equal(t0.Add(20*time.Minute)) {
		t.Fatalf("re-sent invitation: got %+v, want test Operator created at t0+20m", invs[0])
	}
	if len(s.Workspace().Members) != 7 {
		t.Fatalf("members after invitations: got %d, want 7 (invitations are pending)", len(s.Workspace().Members))
	}

	m, ok := s.AcceptInvitation("THIRD@globex.example")
	if !ok || m.ID != 5108 || m.Email != "third@globex.example" ||
		!reflect.DeepEqual(m.Roles, []MemberRole{legacy(EnvDev, RoleAnalyst), legacy(EnvProd, RoleOperator)}) {
		t.Fatalf("AcceptInvitation: got %+v %v, want member 5108 with dev Analyst and prod Operator", m, ok)
	}
	if _, ok := s.AcceptInvitation("third@globex.example"); ok {
		t.Fatalf("AcceptInvitation twice: got ok, want false")
	}
	if r := get(t, base+"/api/members/5108", TestToken); r.status != 200 {
		t.Fatalf("accepted member: got %d, want 200", r.status)
	}
}

func TestServer_InviteCap(t *testing.T) {
	ws := Generate(98, 2, 0, 1, nil, 1)
	ws.Clients = testClient(TestToken)
	_, base, _ := manualServer(t, ws, Options{})
	invite := func(email string) response {
		return call(t, http.MethodPost, base+"/api/member_invitations", TestToken,
			map[string]any{"name": "N", "email": email, "env_roles": []map[string]string{{"environment_type": "dev", "name": RoleOperator}}})
	}
	for i, want := range []int{200, 200, 400} {
		r := invite(fmt.Sprintf("cap%d@x.example", i))
		if r.status != want {
			t.Fatalf("invitation %d: got %d %s, want %d", i+1, r.status, r.body, want)
		}
		if want == 400 && !strings.Contains(message(t, r), "at most 100") {
			t.Fatalf("message: got %q, want it to mention the cap of 100", message(t, r))
		}
	}
}

func TestServer_Roles(t *testing.T) {
	ws := Generate(3, 250, 0, 1, nil, 7)
	ws.Clients = testClient(TestToken)
	_, base, _ := manualServer(t, ws, Options{})
	tests := []struct {
		query     string
		wantLen   int
		wantFirst int // index into ws.CustomRoles
	}{
		{query: "", wantLen: 100, wantFirst: 0},
		{query: "?page=1&per_page=100", wantLen: 100, wantFirst: 0},
		{query: "?page=0&per_page=500", wantLen: 100, wantFirst: 0},
		{query: "?page=-3", wantLen: 100, wantFirst: 0},
		{query: "?page=2&per_page=500", wantLen: 100, wantFirst: 100},
		{query: "?page=3&per_page=100", wantLen: 50, wantFirst: 200},
		{query: "?page=4&per_page=100", wantLen: 0},
		{query: "?page=2&per_page=30", wantLen: 30, wantFirst: 30},
		{query: "?page=abc&per_page=", wantLen: 100, wantFirst: 0},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := get(t, base+"/api/roles"+tt.query, TestToken)
			if r.status != 200 || !strings.HasPrefix(string(r.body), "[") {
				t.Fatalf("got %d %.80s, want 200 and a bare array", r.status, r.body)
			}
			roles := decode[[]roleJSON](t, r.body)
			if len(roles) != tt.wantLen {
				t.Fatalf("got %d roles, want %d", len(roles), tt.wantLen)
			}
			if tt.wantLen == 0 {
				return
			}
			want := ws.CustomRoles[tt.wantFirst]
			got := roles[0]
			wantFolders := want.FolderIDs
			if wantFolders == nil {
				wantFolders = []int{}
			}
			if got.ID != want.ID || got.Name != want.Name || got.Inheritable != want.Inheritable || !slices.Equal(got.FolderIDs, wantFolders) ||
				!reflect.DeepEqual(got.Privileges, want.Privileges) || !timeRE.MatchString(got.CreatedAt) || !timeRE.MatchString(got.UpdatedAt) {
				t.Fatalf("first role: got %+v, want %+v", got, want)
			}
		})
	}
	t.Run("raw keys", func(t *testing.T) {
		raw := decode[[]map[string]json.RawMessage](t, get(t, base+"/api/roles?per_page=1", TestToken).body)
		var keys []string
		for k := range raw[0] {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		want := []string{"created_at", "folder_ids", "id", "inheritable", "name", "privileges", "updated_at"}
		if !reflect.DeepEqual(keys, want) {
			t.Fatalf("keys: got %v, want %v", keys, want)
		}
	})
	t.Run("migrated workspace", func(t *testing.T) {
		_, mbase, _ := manualServer(t, MigratedWorkspace(), Options{})
		r := get(t, mbase+"/api/roles", TestToken)
		if r.status != 400 || message(t, r) != msgLegacyRolesGone {
			t.Fatalf("got %d %s, want 400 %q", r.status, r.body, msgLegacyRolesGone)
		}
	})
}

func TestServer_NewRoles(t *testing.T) {
	_, base, _ := manualServer(t, MigratedWorkspace(), Options{})
	_, lbase, _ := manualServer(t, ThreeEnvs(), Options{})
	tests := []struct {
		name      string
		base      string
		path      string
		wantCode  int
		wantNames []string
		wantCount map[string]int
		wantTotal int
		wantPage  pageJSON
	}{
		{
			name: "environment roles", base: base, path: "/api/environment_roles", wantCode: 200,
			wantNames: []string{"Environment admin", "Environment manager", "Member", "Release managers", "Auditors"},
			wantCount: map[string]int{"Environment admin": 1, "Environment manager": 1, "Member": 2, "Release managers": 1, "Auditors": 1},
			wantTotal: 5, wantPage: pageJSON{Number: 1, Size: 100},
		},
		{
			name: "environment roles, page 2 of 2", base: base, path: "/api/environment_roles?page[number]=2&page[size]=3", wantCode: 200,
			wantNames: []string{"Release managers", "Auditors"}, wantTotal: 5, wantPage: pageJSON{Number: 2, Size: 3},
		},
		{
			name: "environment roles, clamped", base: base, path: "/api/environment_roles?page[number]=0&page[size]=1000", wantCode: 200,
			wantNames: []string{"Environment admin", "Environment manager", "Member", "Release managers", "Auditors"}, wantTotal: 5, wantPage: pageJSON{Number: 1, Size: 100},
		},
		{
			name: "environment roles, name filter", base: base, path: "/api/environment_roles?name=environment", wantCode: 200,
			wantNames: []string{"Environment admin", "Environment manager"}, wantTotal: 2, wantPage: pageJSON{Number: 1, Size: 100},
		},
		{
			name: "project roles", base: base, path: "/api/project_roles", wantCode: 200,
			wantNames: []string{"Project admin", "Advanced builder", "Builder", "Project operator", "Recipe reviewers"},
			wantCount: map[string]int{"Project admin": 1, "Advanced builder": 1, "Builder": 1, "Project operator": 1, "Recipe reviewers": 1},
			wantTotal: 5, wantPage: pageJSON{Number: 1, Size: 100},
		},
		{name: "environment roles before migration", base: lbase, path: "/api/environment_roles", wantCode: 401},
		{name: "project roles before migration", base: lbase, path: "/api/project_roles", wantCode: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, tt.base+tt.path, TestToken)
			if r.status != tt.wantCode {
				t.Fatalf("got %d %s, want %d", r.status, r.body, tt.wantCode)
			}
			if tt.wantCode == 401 {
				if message(t, r) != "Unauthorized" {
					t.Fatalf("message: got %q, want Unauthorized", message(t, r))
				}
				return
			}
			env := decode[pagedJSON[newRoleJSON]](t, r.body)
			var names []string
			for _, role := range env.Data {
				names = append(names, role.Name)
				if want, ok := tt.wantCount[role.Name]; ok && role.MembersCount != want {
					t.Fatalf("%s members_count: got %d, want %d", role.Name, role.MembersCount, want)
				}
				if (role.Type != NewRoleSystem && role.Type != NewRoleCustom) || !timeRE.MatchString(role.CreatedAt) || role.ID == 0 {
					t.Fatalf("role: got %+v, want an id, system or custom and Workato timestamps", role)
				}
			}
			if !reflect.DeepEqual(names, tt.wantNames) || env.Total != tt.wantTotal || env.Page != tt.wantPage {
				t.Fatalf("got %v total %d page %+v, want %v total %d page %+v", names, env.Total, env.Page, tt.wantNames, tt.wantTotal, tt.wantPage)
			}
		})
	}
}

func TestServer_ProjectGrants(t *testing.T) {
	ws := MigratedWorkspace()
	_, base, _ := manualServer(t, ws, Options{})
	_, lbase, _ := manualServer(t, ThreeEnvs(), Options{})
	tests := []struct {
		name     string
		url      string
		wantCode int
		want     []projectGrantJSON
	}{
		{
			name: "project with two grants", url: base + "/api/projects/649122/project_grants", wantCode: 200,
			want: []projectGrantJSON{
				{ID: ws.ProjectGrants[0].ID, ProjectID: 649122, MemberID: 5202, RoleID: 32, RoleName: "Advanced builder"},
				{ID: ws.ProjectGrants[1].ID, ProjectID: 649122, MemberID: 5203, RoleID: 31, RoleName: "Project admin"},
			},
		},
		{
			name: "second page of one", url: base + "/api/projects/649122/project_grants?page[number]=2&page[size]=1", wantCode: 200,
			want: []projectGrantJSON{{ID: ws.ProjectGrants[1].ID, ProjectID: 649122, MemberID: 5203, RoleID: 31, RoleName: "Project admin"}},
		},
		{name: "unknown project", url: base + "/api/projects/1/project_grants", wantCode: 404},
		{name: "before migration", url: lbase + "/api/projects/649122/project_grants", wantCode: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, tt.url, TestToken)
			if r.status != tt.wantCode {
				t.Fatalf("got %d %s, want %d", r.status, r.body, tt.wantCode)
			}
			if tt.wantCode != 200 {
				return
			}
			env := decode[pagedJSON[projectGrantJSON]](t, r.body)
			if !reflect.DeepEqual(env.Data, tt.want) || env.Total != 2 {
				t.Fatalf("got %+v total %d, want %+v total 2", env.Data, env.Total, tt.want)
			}
			if !strings.HasPrefix(env.Data[0].ID, "pg-") || len(env.Data[0].ID) != len("pg-AQAEnmKC-Dtt9aD") {
				t.Fatalf("grant id %q: want the pg-XXXXXXXX-XXXXXXX form", env.Data[0].ID)
			}
		})
	}
}

func TestServer_Folders(t *testing.T) {
	ws := Demo()
	_, base, _ := manualServer(t, ws, Options{})
	vendors := 0
	for _, f := range ws.Folders {
		if f.Name == "Vendor integrations" {
			vendors = f.ID
		}
	}
	tests := []struct {
		name      string
		query     string
		wantCode  int
		wantLen   int
		wantFirst string
		wantLast  string
	}{
		{name: "Home by default", query: "", wantCode: 200, wantLen: 6, wantFirst: "Finance Automation", wantLast: "Data Platform"},
		{name: "Home by id", query: "?parent_id=1", wantCode: 200, wantLen: 6, wantFirst: "Finance Automation"},
		{name: "first page of 130", query: fmt.Sprintf("?parent_id=%d", vendors), wantCode: 200, wantLen: 100, wantFirst: "Vendor 001", wantLast: "Vendor 100"},
		{name: "per_page clamped, page 0 is 1", query: fmt.Sprintf("?parent_id=%d&page=0&per_page=500", vendors), wantCode: 200, wantLen: 100, wantFirst: "Vendor 001"},
		{name: "short last page", query: fmt.Sprintf("?parent_id=%d&page=2&per_page=100", vendors), wantCode: 200, wantLen: 30, wantFirst: "Vendor 101", wantLast: "Vendor 130"},
		{name: "past the end", query: fmt.Sprintf("?parent_id=%d&page=3", vendors), wantCode: 200, wantLen: 0},
		{name: "leaf", query: fmt.Sprintf("?parent_id=%d", vendors+1), wantCode: 200, wantLen: 0},
		{name: "unknown parent", query: "?parent_id=424242", wantCode: 404},
		{name: "malformed parent", query: "?parent_id=abc", wantCode: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, base+"/api/folders"+tt.query, DemoToken)
			if r.status != tt.wantCode {
				t.Fatalf("got %d %s, want %d", r.status, r.body, tt.wantCode)
			}
			if tt.wantCode != 200 {
				return
			}
			if !strings.HasPrefix(string(r.body), "[") {
				t.Fatalf("body %.60s: want a bare array", r.body)
			}
			folders := decode[[]folderJSON](t, r.body)
			if len(folders) != tt.wantLen {
				t.Fatalf("got %d folders, want %d", len(folders), tt.wantLen)
			}
			if tt.wantLen == 0 {
				return
			}
			if folders[0].Name != tt.wantFirst || (tt.wantLast != "" && folders[len(folders)-1].Name != tt.wantLast) {
				t.Fatalf("got %s … %s, want %s … %s", folders[0].Name, folders[len(folders)-1].Name, tt.wantFirst, tt.wantLast)
			}
			for _, f := range folders {
				if !timeRE.MatchString(f.CreatedAt) || !timeRE.MatchString(f.UpdatedAt) || f.ProjectID == nil {
					t.Fatalf("folder %+v: want Workato timestamps and a project_id", f)
				}
			}
		})
	}
	t.Run("root folders have null parent_id", func(t *testing.T) {
		raw := decode[[]map[string]json.RawMessage](t, get(t, base+"/api/folders", DemoToken).body)
		if string(raw[0]["parent_id"]) != "null" || string(raw[0]["is_project"]) != "true" {
			t.Fatalf("root folder: got parent_id %s is_project %s, want null and true", raw[0]["parent_id"], raw[0]["is_project"])
		}
		raw = decode[[]map[string]json.RawMessage](t, get(t, fmt.Sprintf("%s/api/folders?parent_id=%d", base, vendors), DemoToken).body)
		if string(raw[0]["parent_id"]) != fmt.Sprint(vendors) || string(raw[0]["is_project"]) != "false" {
			t.Fatalf("sub-folder: got parent_id %s is_project %s, want %d and false", raw[0]["parent_id"], raw[0]["is_project"], vendors)
		}
	})
}

func TestServer_Projects(t *testing.T) {
	ws := Generate(2, 1, 10, 150, nil, 3)
	ws.Clients = testClient(TestToken)
	_, base, _ := manualServer(t, ws, Options{})
	tests := []struct {
		query     string
		wantLen   int
		wantFirst int
	}{
		{query: "", wantLen: 100, wantFirst: 0},
		{query: "?page=0&per_page=500", wantLen: 100, wantFirst: 0},
		{query: "?page=2&per_page=100", wantLen: 50, wantFirst: 100},
		{query: "?page=3&per_page=100", wantLen: 0},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := get(t, base+"/api/projects"+tt.query, TestToken)
			projects := decode[[]projectJSON](t, r.body)
			if r.status != 200 || len(projects) != tt.wantLen {
				t.Fatalf("got %d with %d projects, want 200 with %d", r.status, len(projects), tt.wantLen)
			}
			if tt.wantLen == 0 {
				return
			}
			want := ws.Projects[tt.wantFirst]
			if got := projects[0]; got != (projectJSON{ID: want.ID, Description: want.Description, FolderID: want.FolderID, Name: want.Name}) {
				t.Fatalf("first project: got %+v, want %+v", got, want)
			}
		})
	}
}

func TestServer_Me(t *testing.T) {
	ws := LegacyOneEnv()
	_, base, _ := manualServer(t, ws, Options{})
	r := get(t, base+"/api/users/me", TestToken)
	if r.status != 200 {
		t.Fatalf("got %d %s, want 200", r.status, r.body)
	}
	me := decode[struct {
		ID           int    `json:"id"`
		Name         string `json:"name"`
		CreatedAt    string `json:"created_at"`
		RootFolderID int    `json:"root_folder_id"`
		Email        string `json:"email"`
		PlanID       string `json:"plan_id"`
	}](t, r.body)
	if me.ID != ws.ID || me.Name != ws.Name || !timeRE.MatchString(me.CreatedAt) || me.RootFolderID != 1 || me.Email != "ada@acme.example" || me.PlanID == "" {
		t.Fatalf("got %+v, want id %d, name %q, root folder 1, the owner's email", me, ws.ID, ws.Name)
	}
}

func TestWtime(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{in: time.Date(2020, 5, 20, 18, 54, 31, 706_000_000, time.UTC), want: "2020-05-20T11:54:31.706-07:00"},
		{in: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), want: "2019-12-31T17:00:00.000-07:00"},
	}
	for _, tt := range tests {
		if got := wtime(tt.in); got != tt.want {
			t.Fatalf("wtime(%v): got %q, want %q", tt.in, got, tt.want)
		}
	}
}
