package workato

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
)

// Tests of the model alone: what the load read in, resources and grants
// out, with no API call.

func member(id string, roles ...workatoapi.MemberRole) workatoapi.Member {
	return workatoapi.Member{ID: workatoapi.ID(id), Name: "m" + id, Roles: roles}
}

func envRoleOf(env, name string) workatoapi.MemberRole {
	return workatoapi.MemberRole{EnvironmentType: env, RoleName: name, RoleType: workatoapi.RoleTypeEnvironment}
}

func legacyRoleOf(env, name string) workatoapi.MemberRole {
	return workatoapi.MemberRole{EnvironmentType: env, RoleName: name, RoleType: workatoapi.RoleTypeLegacy}
}

// rbacIn is a migrated workspace: two collaborators, a group, project
// roles and one project per environment env.
func rbacIn(envs ...string) *loaded {
	in := &loaded{
		TokenEnvs: envs, Migrated: true,
		Members:      []workatoapi.Member{member("1", envRoleOf("dev", "Member")), member("2", envRoleOf("dev", "Member"))},
		EnvRoles:     []workatoapi.RBACRole{{ID: "11", Name: "Member"}},
		ProjectRoles: []workatoapi.RBACRole{{ID: "pr-admin", Name: "Project admin"}, {ID: "pr-build", Name: "Builder"}},
		GroupsListed: true,
		Groups:       []workatoapi.Group{{ID: "am-all", Name: "All collaborators", System: true}, {ID: "am-eng", Name: "Engineering"}},
		GroupMembers: map[workatoapi.ID][]workatoapi.GroupMember{"am-all": {{ID: "1"}, {ID: "2"}}, "am-eng": {{ID: "2"}}},
	}
	for i, env := range envs {
		pid := workatoapi.ID(fmt.Sprint(100 + i))
		in.Envs = append(in.Envs, &envLoaded{
			Env:      env,
			Projects: []workatoapi.Project{{ID: pid, Name: "P " + env, FolderID: workatoapi.ID(fmt.Sprint(500 + i*10))}},
			Folders:  map[workatoapi.ID][]workatoapi.Folder{}, Grants: map[workatoapi.ID][]workatoapi.ProjectGrant{}, Vanished: map[workatoapi.ID]bool{},
		})
	}
	return in
}

func userGrant(id, user, role string) workatoapi.ProjectGrant {
	return workatoapi.ProjectGrant{ID: workatoapi.ID(id), ProjectRole: workatoapi.GrantProjectRole{ID: workatoapi.ID(role)}, User: &workatoapi.GrantUser{ID: workatoapi.ID(user)}}
}

func groupGrant(id, group, role string) workatoapi.ProjectGrant {
	return workatoapi.ProjectGrant{ID: workatoapi.ID(id), ProjectRole: workatoapi.GrantProjectRole{ID: workatoapi.ID(role)}, UserGroup: &workatoapi.GrantUserGroup{ID: workatoapi.ID(group)}}
}

func grantKeys(m *model) []string {
	var out []string
	for rid, gs := range m.ProjectGrants {
		for _, g := range gs {
			out = append(out, rid+":"+g.Slug+"->"+g.Principal.GetResourceType()+"/"+g.Principal.GetResource())
		}
	}
	sort.Strings(out)
	return out
}

func TestModel_ProjectGrants(t *testing.T) {
	tests := []struct {
		name      string
		env       string
		grants    []workatoapi.ProjectGrant
		want      []string
		wantNotes int
		wantCode  codes.Code
	}{
		{
			name: "to a collaborator and to a group, DEV IDs bare", env: "dev",
			grants: []workatoapi.ProjectGrant{userGrant("pg-1", "1", "pr-admin"), groupGrant("pg-2", "am-eng", "pr-build")},
			want:   []string{"100:role-pr-admin->collaborator/1", "100:role-pr-build->group/am-eng"},
		},
		{
			name: "another environment's project is <env>:<id>", env: "prod",
			grants: []workatoapi.ProjectGrant{userGrant("pg-1", "2", "pr-build")},
			want:   []string{"prod:100:role-pr-build->collaborator/2"},
		},
		{
			name: "role named only by name is found", env: "dev",
			grants: []workatoapi.ProjectGrant{{ID: "pg-1", ProjectRole: workatoapi.GrantProjectRole{Name: "builder"}, User: &workatoapi.GrantUser{ID: "1"}}},
			want:   []string{"100:role-pr-build->collaborator/1"},
		},
		{
			name: "the same grant twice is kept once", env: "dev",
			grants: []workatoapi.ProjectGrant{userGrant("pg-1", "1", "pr-admin"), userGrant("pg-1", "1", "pr-admin")},
			want:   []string{"100:role-pr-admin->collaborator/1"},
		},
		{
			name: "to a collaborator gone during the sync: left out, said so", env: "dev",
			grants: []workatoapi.ProjectGrant{userGrant("pg-1", "9", "pr-admin")}, wantNotes: 1,
		},
		{
			name: "to a group no list returned: left out, said so", env: "dev",
			grants: []workatoapi.ProjectGrant{groupGrant("pg-1", "am-new", "pr-admin")}, wantNotes: 1,
		},
		{
			name: "unknown project role fails", env: "dev",
			grants: []workatoapi.ProjectGrant{userGrant("pg-1", "1", "pr-nope")}, wantCode: codes.Internal,
		},
		{
			name: "neither user nor group fails", env: "dev",
			grants: []workatoapi.ProjectGrant{{ID: "pg-1", ProjectRole: workatoapi.GrantProjectRole{ID: "pr-admin"}}}, wantCode: codes.Internal,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := rbacIn(tt.env)
			in.Envs[0].Grants["100"] = tt.grants
			m, err := newModel(in)
			if tt.wantCode != codes.OK {
				if got := status.Code(err); got != tt.wantCode {
					t.Fatalf("newModel: got %v (%v), want code %v", got, err, tt.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatalf("newModel: %v", err)
			}
			if got := grantKeys(m); !slices.Equal(got, tt.want) {
				t.Errorf("grants: got %v, want %v", got, tt.want)
			}
			if len(m.Notes) != tt.wantNotes {
				t.Errorf("notes: got %d (%v), want %d", len(m.Notes), m.Notes, tt.wantNotes)
			}
		})
	}
}

func TestModel_ProjectGrantOf(t *testing.T) {
	res := &v2.Resource{Id: v2.ResourceId_builder{ResourceType: projectTypeID, Resource: "prod:7"}.Build()}
	tests := []struct {
		name       string
		principal  *v2.ResourceId
		wantExpand []string
	}{
		{name: "to a collaborator: plain", principal: collaboratorID("1")},
		{name: "to a group: expandable through its member entitlement", principal: groupResourceID("am-eng"), wantExpand: []string{"group:am-eng:member"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := projectGrantOf(res, projectGrant{Slug: "role-pr-admin", Principal: tt.principal})
			if got := g.GetEntitlement().GetId(); got != "project:prod:7:role-pr-admin" {
				t.Errorf("entitlement: got %s, want project:prod:7:role-pr-admin", got)
			}
			ge := &v2.GrantExpandable{}
			annos := annotations.Annotations(g.GetAnnotations())
			ok, err := annos.Pick(ge)
			if err != nil {
				t.Fatal(err)
			}
			if ok != (tt.wantExpand != nil) || !slices.Equal(ge.GetEntitlementIds(), tt.wantExpand) {
				t.Errorf("GrantExpandable: got %v %v, want %v", ok, ge.GetEntitlementIds(), tt.wantExpand)
			}
			if ok && !ge.GetShallow() {
				t.Errorf("GrantExpandable.Shallow: got false, want true")
			}
		})
	}
}

func TestModel_Groups(t *testing.T) {
	tests := []struct {
		name      string
		members   map[workatoapi.ID][]workatoapi.GroupMember
		want      map[workatoapi.ID][]workatoapi.ID
		wantNotes int
	}{
		{
			name: "members as listed", members: map[workatoapi.ID][]workatoapi.GroupMember{"am-all": {{ID: "1"}, {ID: "2"}}, "am-eng": {{ID: "2"}}},
			want: map[workatoapi.ID][]workatoapi.ID{"am-all": {"1", "2"}, "am-eng": {"2"}},
		},
		{
			name: "listed twice (pages shifted): once", members: map[workatoapi.ID][]workatoapi.GroupMember{"am-eng": {{ID: "2"}, {ID: "2"}}},
			want: map[workatoapi.ID][]workatoapi.ID{"am-eng": {"2"}},
		},
		{
			name: "a member no longer a collaborator: left out, said so", members: map[workatoapi.ID][]workatoapi.GroupMember{"am-eng": {{ID: "2"}, {ID: "3"}}},
			want: map[workatoapi.ID][]workatoapi.ID{"am-eng": {"2"}}, wantNotes: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := rbacIn("dev")
			in.GroupMembers = tt.members
			m, err := newModel(in)
			if err != nil {
				t.Fatal(err)
			}
			for g, want := range tt.want {
				if got := m.GroupMembers[g]; !slices.Equal(got, want) {
					t.Errorf("members of %s: got %v, want %v", g, got, want)
				}
			}
			if len(m.Groups) != 2 {
				t.Errorf("groups: got %d, want 2", len(m.Groups))
			}
			if len(m.Notes) != tt.wantNotes {
				t.Errorf("notes: got %d, want %d", len(m.Notes), tt.wantNotes)
			}
		})
	}
}

func folder(id, parent string) workatoapi.Folder {
	return workatoapi.Folder{ID: workatoapi.ID(id), Name: "f" + id, ParentID: workatoapi.ID(parent)}
}

func TestModel_FolderTree(t *testing.T) {
	tests := []struct {
		name    string
		env     string
		folders []workatoapi.Folder
		gone    []workatoapi.ID
		want    []string // child RID < parent key, sorted
		wantErr bool
	}{
		{
			name: "nested answer: tree from parent_id", env: "dev",
			folders: []workatoapi.Folder{folder("2", "1"), folder("3", "2"), folder("4", "1")},
			want:    []string{"1<project/10", "2<folder/1", "3<folder/2", "4<folder/1"},
		},
		{
			name: "duplicates and the root itself dropped", env: "dev",
			folders: []workatoapi.Folder{folder("2", "1"), folder("2", "1"), folder("1", "")},
			want:    []string{"1<project/10", "2<folder/1"},
		},
		{
			name: "another environment: <env>:<id>", env: "test",
			folders: []workatoapi.Folder{folder("2", "1")},
			want:    []string{"test:1<project/test:10", "test:2<folder/test:1"},
		},
		{
			name: "a folder deleted during the sync is left out", env: "dev",
			folders: []workatoapi.Folder{folder("2", "1"), folder("3", "1")}, gone: []workatoapi.ID{"3"},
			want: []string{"1<project/10", "2<folder/1"},
		},
		{
			name: "a folder whose parent is not in the tree fails", env: "dev",
			folders: []workatoapi.Folder{folder("2", "1"), folder("5", "9")}, wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &loaded{TokenEnvs: []string{tt.env}, Envs: []*envLoaded{{
				Env:      tt.env,
				Projects: []workatoapi.Project{{ID: "10", Name: "P", FolderID: "1"}},
				Folders:  map[workatoapi.ID][]workatoapi.Folder{"10": tt.folders}, GoneFolders: tt.gone, Vanished: map[workatoapi.ID]bool{},
			}}}
			m, err := newModel(in)
			if tt.wantErr {
				if status.Code(err) != codes.Internal {
					t.Fatalf("newModel: got %v, want an Internal error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range m.folderByRID {
				got = append(got, f.RID+"<"+f.Parent.GetResourceType()+"/"+f.Parent.GetResource())
			}
			sort.Strings(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("tree: got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestModel_APIClients(t *testing.T) {
	tests := []struct {
		name       string
		client     workatoapi.APIClient
		wantEnv    string
		wantAccess []string
		wantRole   string
	}{
		{
			name: "all folders: every root folder of its environment", client: workatoapi.APIClient{ID: "7", EnvironmentName: "Production", AllFolders: true, RoleID: "5"},
			wantEnv: "prod", wantAccess: []string{"prod:510"}, wantRole: "5",
		},
		{
			name: "environment by its Workato ID", client: workatoapi.APIClient{ID: "7", EnvironmentID: "3219", EnvironmentName: "Something", AllFolders: true},
			wantEnv: "test", wantAccess: []string{"test:520"},
		},
		{
			name: "folder IDs: folders of its environment", client: workatoapi.APIClient{ID: "7", EnvironmentName: "Development", FolderIDs: []workatoapi.ID{"500", "501"}},
			wantEnv: "dev", wantAccess: []string{"500", "501"},
		},
		{
			name: "folder ID that is a project ID: its root folder", client: workatoapi.APIClient{ID: "7", EnvironmentName: "dev", FolderIDs: []workatoapi.ID{"100"}},
			wantEnv: "dev", wantAccess: []string{"500"},
		},
		{
			name: "no environment: the listing token's", client: workatoapi.APIClient{ID: "7", FolderIDs: []workatoapi.ID{"999"}},
			wantEnv: "dev",
		},
		{name: "custom environment name", client: workatoapi.APIClient{ID: "7", EnvironmentName: "UAT"}, wantEnv: "uat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := rbacIn("dev", "prod", "test")
			in.Envs[0].Folders["100"] = []workatoapi.Folder{folder("501", "500")}
			in.Envs[2].Grants["102"] = []workatoapi.ProjectGrant{userGrant("pg-1", "1", "pr-admin")}
			in.Envs[2].Grants["102"][0].Project.Environment.ID = "3219"
			in.Envs[2].Grants["102"][0].Project.Environment.Type = "test"
			in.Envs[0].APIClientsListed = true
			in.Envs[0].APIClients = []workatoapi.APIClient{tt.client}
			m, err := newModel(in)
			if err != nil {
				t.Fatal(err)
			}
			c, ok := m.apiClient("7")
			if !ok {
				t.Fatal("API client 7 not in the model")
			}
			if c.Env != tt.wantEnv {
				t.Errorf("environment: got %q, want %q", c.Env, tt.wantEnv)
			}
			var access []string
			for rid, ps := range m.FolderAccess {
				for _, p := range ps {
					if p.GetResourceType() == apiClientTypeID {
						access = append(access, rid)
					}
				}
			}
			sort.Strings(access)
			if !slices.Equal(access, tt.wantAccess) {
				t.Errorf("folder access: got %v, want %v", access, tt.wantAccess)
			}
			if got := strings.Join(m.ClientRoleHolders[tt.wantRole], ","); tt.wantRole != "" && got != "7" {
				t.Errorf("holders of client role %s: got %q, want 7", tt.wantRole, got)
			}
			if cr, ok := m.clientRole(tt.wantRole); tt.wantRole != "" && (!ok || cr.Listed) {
				t.Errorf("client role %s only named by the client: got %v %+v, want present and not listed", tt.wantRole, ok, cr)
			}
		})
	}
}

func TestModel_Roles(t *testing.T) {
	tests := []struct {
		name     string
		migrated bool
		members  []workatoapi.Member
		want     []string // role RID/env -> member
	}{
		{name: "legacy", members: []workatoapi.Member{member("1", legacyRoleOf("dev", "Admin"))}, want: []string{"Admin/dev->1"}},
		{name: "migrated", migrated: true, members: []workatoapi.Member{member("1", envRoleOf("dev", "Member"))}, want: []string{"env:11/dev->1"}},
		{
			name: "mid-migration: role_type decides per environment", migrated: true,
			members: []workatoapi.Member{member("1", legacyRoleOf("dev", "Admin"), envRoleOf("prod", "Member"))},
			want:    []string{"Admin/dev->1", "env:11/prod->1"},
		},
		{
			name: "untyped on a migrated workspace: an environment role by its name", migrated: true,
			members: []workatoapi.Member{member("1", workatoapi.MemberRole{EnvironmentType: "prod", RoleName: "Member"})}, want: []string{"env:11/prod->1"},
		},
		{
			name: "untyped legacy name on a workspace part-way through migration", migrated: true,
			members: []workatoapi.Member{member("1", legacyRoleOf("dev", "Analyst"), workatoapi.MemberRole{EnvironmentType: "test", RoleName: "Admin"})},
			want:    []string{"Admin/test->1", "Analyst/dev->1"},
		},
		{
			name: "a legacy name on a migrated workspace stays legacy", migrated: true,
			members: []workatoapi.Member{member("1", legacyRoleOf("dev", "Member"))}, want: []string{"name:Member/dev->1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &loaded{Migrated: tt.migrated, Members: tt.members, EnvRoles: []workatoapi.RBACRole{{ID: "11", Name: "Member"}}}
			m, err := newModel(in)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for rid, hs := range m.RoleHolders {
				for _, h := range hs {
					got = append(got, rid+"/"+h.Env+"->"+h.MemberID.String())
				}
			}
			sort.Strings(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("role grants: got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestModel_LastLogin(t *testing.T) {
	t1 := time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	activity := func(event string, at time.Time) *workatoapi.Activity {
		return &workatoapi.Activity{EventType: event, CreatedAt: workatoapi.Time{Time: at}}
	}
	tests := []struct {
		name     string
		activity *workatoapi.Activity
		logins   map[string]time.Time
		want     time.Time
	}{
		{name: "newest sign-in of any environment", activity: activity("user_login", t1), logins: map[string]time.Time{"dev": t1, "prod": t2}, want: t2},
		{name: "no log: last activity when it is a sign-in", activity: activity("user_login", t1), want: t1},
		{name: "no log: another kind of activity is not a sign-in", activity: activity("recipe_started", t2)},
		{name: "nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := lastLogin(workatoapi.Member{LastActivityLog: tt.activity}, tt.logins)
			if !got.Equal(tt.want) || ok != !tt.want.IsZero() {
				t.Errorf("lastLogin: got %v %v, want %v", got, ok, tt.want)
			}
		})
	}
}

func TestModel_MissingEnvsLine(t *testing.T) {
	tests := []struct {
		name    string
		members []workatoapi.Member
		tokens  []string
		want    string
	}{
		{
			name: "every environment has a token", members: []workatoapi.Member{member("1", envRoleOf("dev", "Member"), envRoleOf("prod", "Member"))},
			tokens: []string{"dev", "prod"},
		},
		{
			name: "test and prod without a token", members: []workatoapi.Member{member("1", envRoleOf("prod", "Member")), member("2", envRoleOf("test", "Member"))},
			tokens: []string{"dev"},
			want:   "projects of test, prod not synced (no API token for that environment): set --workato-test-api-key, --workato-prod-api-key",
		},
		{
			name: "custom environment", members: []workatoapi.Member{member("1", envRoleOf("uat", "Member"))}, tokens: []string{"dev"},
			want: "projects of uat not synced (no API token for that environment): set --workato-env-api-keys uat=<token>",
		},
		{name: "NoAccess is no role", members: []workatoapi.Member{member("1", envRoleOf("prod", "NoAccess"))}, tokens: []string{"dev"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := missingEnvsLine(tt.members, tt.tokens); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
