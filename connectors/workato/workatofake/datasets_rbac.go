package workatofake

// RBAC 2.0 datasets: a large migrated dev/test/prod workspace with
// collaborator groups, per-environment projects, grants to users and
// groups, API clients and an activity log (MigratedEnvs, sized by
// GenerateRBAC), and a workspace half way through migration
// (MidMigration).

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"slices"
	"time"
)

// API client tokens of MigratedEnvs and MidMigration: one full-access
// client per environment (us data center, all folders), plus, in
// MigratedEnvs only, two folder-scoped clients.
const (
	EnvTokenDev        = "dev-token"         // DEV, every endpoint, all folders
	EnvTokenTest       = "test-token"        // TEST, every endpoint, all folders
	EnvTokenProd       = "prod-token"        // PROD, every endpoint, all folders, IP allow-list
	EnvTokenDevScoped  = "dev-scoped-token"  // DEV, read-only client role, two projects' root folders
	EnvTokenProdScoped = "prod-scoped-token" // PROD, read-only client role, one project and one subfolder
)

// AllCollaborators is the system group's name.
const AllCollaborators = "All collaborators"

// SignInBase is when the first sign-in of MigratedEnvs' activity log
// happened: two weeks before the process started (whole seconds, plus
// 120 ms as in Workato's sample), so the sign-ins stay inside the
// connector's look-back window (90 days) whatever day the tests run; the
// others follow at the offsets signIns lists.
var SignInBase = time.Now().UTC().Add(-14 * 24 * time.Hour).Truncate(time.Second).Add(120 * time.Millisecond)

// opaqueID makes an id shaped like Workato's opaque ones
// ("am-WxEKCibh-dTXBtz") from prefix and key.
func opaqueID(prefix, key string) string {
	h := sha1.Sum([]byte("workatofake/" + prefix + "/" + key))
	s := base64.RawURLEncoding.EncodeToString(h[:])
	return prefix + "-" + s[:8] + "-" + s[8:14]
}

// rbacEnvironmentRoles are the environment roles of the RBAC 2.0
// datasets (numeric ids as text).
func rbacEnvironmentRoles(created time.Time) []NewRole {
	return []NewRole{
		{ID: "11", Name: "Environment admin", Type: NewRoleSystem, Privileges: fullPrivileges(), CreatedAt: created, UpdatedAt: created},
		{ID: "12", Name: "Environment manager", Type: NewRoleSystem, Privileges: fullPrivileges("Workspace collaborators", "Activity audit log"), CreatedAt: created, UpdatedAt: created},
		{ID: "13", Name: "Member", Type: NewRoleSystem, Privileges: Privileges{"Projects": {"read"}, "Dashboard": {"read"}}, CreatedAt: created, UpdatedAt: created},
		{ID: "21", Name: "Release managers", Type: NewRoleCustom, Privileges: Privileges{UnlistedSection: {UnlistedAction}, "Recipe lifecycle management": {"export", "import"}}, CreatedAt: at(created, 60, 120), UpdatedAt: at(created, 600, 45)},
	}
}

// Project roles of the RBAC 2.0 datasets, by name.
const (
	RoleProjectAdmin    = "Project admin"
	RoleAdvancedBuilder = "Advanced builder"
	RoleBuilder         = "Builder"
	RoleProjectOperator = "Project operator"
	RoleRecipeReviewers = "Recipe reviewers" // custom, ranked between operator and builder
	RoleDeployers       = "Deployers"        // custom, ranked between builder and advanced builder
)

// ProjectRoleID is the opaque id ("pr-…") the RBAC 2.0 datasets give the
// project role name.
func ProjectRoleID(name string) string { return opaqueID("pr", name) }

// GroupID is the opaque id ("am-…") the RBAC 2.0 datasets give the group
// name.
func GroupID(name string) string { return opaqueID("am", name) }

func rbacProjectRoles(created time.Time) []NewRole {
	role := func(name, typ string, rank int, c time.Time) NewRole {
		return NewRole{ID: ProjectRoleID(name), Name: name, Type: typ, Rank: rank, CreatedAt: c, UpdatedAt: c}
	}
	return []NewRole{
		role(RoleProjectAdmin, NewRoleSystem, 0, created),
		role(RoleAdvancedBuilder, NewRoleSystem, 0, created),
		role(RoleBuilder, NewRoleSystem, 0, created),
		role(RoleProjectOperator, NewRoleSystem, 0, created),
		role(RoleRecipeReviewers, NewRoleCustom, 150, at(created, 30, 500)),
		role(RoleDeployers, NewRoleCustom, 250, at(created, 45, 17)),
	}
}

// RBACSizes sizes GenerateRBAC.
type RBACSizes struct {
	Members              int      // collaborators (not capped at 100)
	Groups               int      // groups, All collaborators included (at least 5)
	ProjectsPerEnv       int      // projects in each environment
	SubfoldersPerProject int      // folders under each root folder (every third one nested one deeper)
	Envs                 []string // dev first; default dev, test, prod
}

// MigratedEnvs returns a large RBAC 2.0 workspace (GenerateRBAC with 150
// members, 40 groups, 300 projects per environment of dev/test/prod, 3
// subfolders each). Workato caps a workspace at 100 collaborators; this
// dataset is not bound by that (NoMemberCap), so that groups of 100+
// members exist: "Engineering" (120) and "Everyone but contractors"
// (140), besides All collaborators. Two groups are IdP-managed ("Platform
// team", "Finance integrations"). Grants go to users and groups, with
// stacked group roles (Engineering: Advanced builder and Platform team:
// Project admin on every fifth project; Platform team's members are in
// Engineering), direct grants beside group grants, and grants to All
// collaborators. API clients: EnvTokenDev/Test/Prod (all folders) and
// EnvTokenDevScoped/ProdScoped (folder scope), two client roles; the
// audit log is on and holds sign-ins at SignInBase plus known offsets.
func MigratedEnvs() Workspace {
	return GenerateRBAC(RBACSizes{Members: 150, Groups: 40, ProjectsPerEnv: 300, SubfoldersPerProject: 3})
}

var (
	firstNames = []string{"Alex", "Blair", "Casey", "Devon", "Emery", "Finley", "Gray", "Harper", "Indy", "Jules", "Kit", "Logan", "Morgan", "Noel", "Oakley"}
	lastNames  = []string{"Abbott", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ito", "Jensen"}
)

// GenerateRBAC builds an RBAC 2.0 workspace of the given sizes,
// deterministically (see MigratedEnvs for its shape).
func GenerateRBAC(z RBACSizes) Workspace {
	envs := normaliseEnvs(z.Envs)
	if len(z.Envs) == 0 {
		envs = []string{EnvDev, EnvTest, EnvProd}
	}
	z.Groups = max(z.Groups, 5)
	created := at(datasetBase, 24*60*500, 0)
	ws := Workspace{
		ID: 3218, Name: "Umbrella Automation", CreatedAt: at(datasetBase, -24*60*900, 5), HomeFolderID: 1,
		Environments: envs, Migrated: true, AuditLog: true, NoMemberCap: z.Members > MaxMembers,
		SystemRoles:      SystemRoles(),
		EnvironmentRoles: rbacEnvironmentRoles(created),
		ProjectRoles:     rbacProjectRoles(created),
	}

	// Members: the owner is Environment admin everywhere; the others Member
	// or Environment manager in dev, and in test and prod for some.
	for i := range z.Members {
		id := 6001 + i
		name := fmt.Sprintf("%s %s", firstNames[i%len(firstNames)], lastNames[(i/len(firstNames))%len(lastNames)])
		if i >= len(firstNames)*len(lastNames) {
			name = fmt.Sprintf("%s %d", name, i)
		}
		m := member(id, name, fmt.Sprintf("user%03d@umbrella.example", i), "", GrantTeam, i%6 != 5)
		switch i {
		case 0:
			m.GrantType = GrantFederationManager
			for _, e := range envs {
				m.Roles = append(m.Roles, envRole(e, "Environment admin"))
			}
		default:
			devRole := "Member"
			if i%10 == 1 {
				devRole = "Environment manager"
			}
			m.Roles = append(m.Roles, envRole(EnvDev, devRole))
			for _, e := range envs[1:] {
				switch {
				case e == EnvProd && i%20 == 0:
					m.Roles = append(m.Roles, envRole(e, "Release managers"))
				case i%3 == 0 || (e == EnvTest && i%4 == 1):
					m.Roles = append(m.Roles, envRole(e, "Member"))
				}
			}
		}
		if i%25 == 7 {
			m.ExternalID = fmt.Sprintf("okta-%05d", id)
		}
		ws.Members = append(ws.Members, m)
	}
	memberID := func(k int) int { return 6001 + k%max(z.Members, 1) }

	// Groups.
	group := func(name, desc string, ids []int, idp bool, k int) Group {
		c := at(created, 24*60+k*17, 100+k)
		return Group{ID: GroupID(name), Name: name, Description: desc, MemberIDs: ids, IdPManaged: idp, CreatedAt: c, UpdatedAt: at(c, 90, 3)}
	}
	span := func(from, to int) []int {
		var ids []int
		for k := from; k < min(to, z.Members); k++ {
			ids = append(ids, 6001+k)
		}
		return ids
	}
	all := group(AllCollaborators, "", nil, false, 0)
	all.System, all.ID = true, opaqueID("am", "system/"+AllCollaborators)
	ws.Groups = []Group{
		all,
		group("Engineering", "Everyone who builds recipes", span(0, 120), false, 1),
		group("Everyone but contractors", "Employees", span(10, 150), false, 2),
		group("Platform team", "Managed in Okta (SAML role sync)", span(0, 30), true, 3),
		group("Finance integrations", "Managed in Okta (SAML role sync)", span(30, 45), true, 4),
	}
	for k := 5; k < z.Groups; k++ {
		var ids []int
		if k != z.Groups-1 { // the last squad is empty
			for j := range 5 {
				if id := memberID(k*7 + j*13); !slices.Contains(ids, id) && z.Members > 0 {
					ids = append(ids, id)
				}
			}
		}
		ws.Groups = append(ws.Groups, group(fmt.Sprintf("Squad %02d", k), "", ids, false, k))
	}
	squad := func(k int) string {
		if len(ws.Groups) <= 5 {
			return "" // no squads: no squad grants
		}
		return ws.Groups[5+k%(len(ws.Groups)-5)].ID
	}

	// Projects, folders and grants, per environment.
	nextFolder := 800_001
	for ei, env := range envs {
		t := &folderTree{ws: &ws, nextID: nextFolder}
		for i := range z.ProjectsPerEnv {
			pid := 700_001 + ei*10_000 + i
			name := fmt.Sprintf("%s project %03d", envNames[env], i)
			if envNames[env] == "" {
				name = fmt.Sprintf("%s project %03d", env, i)
			}
			root := t.project(pid, name, fmt.Sprintf("Integrations batch %d", i%17))
			ws.Projects[len(ws.Projects)-1].Env = env
			if env == EnvDev {
				ws.Projects[len(ws.Projects)-1].Env = ""
			}
			last := root
			for k := range z.SubfoldersPerProject {
				parent := root
				if k%3 == 2 {
					parent = last
				}
				last = t.folder(parent, fmt.Sprintf("Folder %d.%d", i, k))
			}
			ws.ProjectGrants = append(ws.ProjectGrants, rbacGrants(pid, i, z, memberID, squad, ws.Groups)...)
		}
		nextFolder = t.nextID
	}

	// API clients and their roles.
	ws.ClientRoles = []ClientRole{
		{ID: 26779, Name: "Connector sync (full access)", CreatedAt: at(created, 10, 1), UpdatedAt: at(created, 10, 1)},
		{ID: 26780, Name: "Deployer (read only)", CreatedAt: at(created, 20, 2), UpdatedAt: at(created, 25, 9)},
	}
	readOnly := []string{EndpointProjects, EndpointFolders, EndpointProjectGrants, EndpointProjectRoles, EndpointEnvironmentRoles}
	client := func(id int, token, env, name string, role int, all bool, folders []int, ip string) APIClient {
		c := at(created, 30+id%100, id%1000)
		return APIClient{
			ID: id, Token: token, DataCenter: "us", Env: env, Name: name, RoleID: role, AllFolders: all, FolderIDs: folders,
			IPAllowList: ip, CreatedAt: c, UpdatedAt: at(c, 60, 5), TokenUpdatedAt: at(c, 0, 688),
		}
	}
	rootOf := func(env string, i int) int {
		for _, p := range ws.Projects {
			if envOf(p.Env) == env && p.ID%10_000 == 1+i {
				return p.FolderID
			}
		}
		return 0
	}
	for ei, env := range envs {
		tok := map[string]string{EnvDev: EnvTokenDev, EnvTest: EnvTokenTest, EnvProd: EnvTokenProd}[env]
		if tok == "" {
			tok = env + "-token"
		}
		ip := ""
		if env == EnvProd {
			ip = "192.0.2.10,198.51.100.5"
		}
		ws.Clients = append(ws.Clients, client(40947+ei, tok, env, "Baton sync ("+env+")", 26779, true, nil, ip))
	}
	if z.ProjectsPerEnv >= 2 {
		ws.Clients = append(ws.Clients, client(40960, EnvTokenDevScoped, EnvDev, "Deployer (dev, two projects)", 26780, false,
			[]int{rootOf(EnvDev, 0), rootOf(EnvDev, 1)}, ""))
		ws.Clients[len(ws.Clients)-1].Endpoints = readOnly
		if slices.Contains(envs, EnvProd) && z.SubfoldersPerProject > 0 {
			prodRoot := rootOf(EnvProd, 0)
			sub := 0
			for _, f := range ws.Folders {
				if f.ParentID == prodRoot && sub == 0 {
					sub = f.ID
				}
			}
			ws.Clients = append(ws.Clients, client(40961, EnvTokenProdScoped, EnvProd, "Deployer (prod, one project)", 26780, false,
				[]int{prodRoot, sub}, "203.0.113.0/24"))
			ws.Clients[len(ws.Clients)-1].Endpoints = readOnly
		}
	}

	ws.Activity = rbacActivity(&ws)
	return ws
}

// rbacGrants returns project pid's grants (project i of its environment):
// a direct Builder grant; a squad as Project operator on every other
// project; Engineering (Advanced builder) stacked with Platform team
// (Project admin) on every fifth; on every seventh a direct Project
// operator grant to an Engineering member (their group grant wins); All
// collaborators as Project operator on every fiftieth; a squad as Recipe
// reviewers on every eleventh. One grant per assignee.
func rbacGrants(pid, i int, z RBACSizes, memberID func(int) int, squad func(int) string, groups []Group) []ProjectGrant {
	var out []ProjectGrant
	add := func(member int, group, role string) {
		if (z.Members == 0 && member != 0) || (member == 0 && group == "") {
			return
		}
		if slices.ContainsFunc(out, func(g ProjectGrant) bool { return g.MemberID == member && g.GroupID == group }) {
			return
		}
		assignee := group
		if member != 0 {
			assignee = fmt.Sprint(member)
		}
		out = append(out, ProjectGrant{ID: opaqueID("pg", fmt.Sprintf("%d/%s", pid, assignee)), ProjectID: pid, MemberID: member, GroupID: group, RoleID: ProjectRoleID(role)})
	}
	add(memberID(1+i*3), "", RoleBuilder)
	if i%2 == 0 {
		add(0, squad(i), RoleProjectOperator)
	}
	if i%5 == 0 {
		add(0, groups[1].ID, RoleAdvancedBuilder)
		add(0, groups[3].ID, RoleProjectAdmin)
	}
	if i%7 == 0 {
		add(memberID(i%30), "", RoleProjectOperator)
	}
	if i%50 == 0 {
		add(0, groups[0].ID, RoleProjectOperator)
	}
	if i%11 == 0 {
		add(0, squad(i+3), RoleRecipeReviewers)
	}
	if i%13 == 0 {
		add(memberID(40+i%20), "", RoleDeployers)
	}
	return out
}

// signIns are the sign-ins of the RBAC 2.0 activity log: member index,
// environment and minutes after SignInBase.
func signIns(members int, envs []string) []struct {
	member int
	env    string
	minute int
} {
	type si = struct {
		member int
		env    string
		minute int
	}
	var out []si
	for i := range min(members, 30) {
		out = append(out, si{i, EnvDev, i * 37})
		if i < 10 {
			out = append(out, si{i, EnvDev, i*37 - 2*24*60}) // an older one
		}
		if i%3 == 0 && slices.Contains(envs, EnvTest) {
			out = append(out, si{i, EnvTest, 300 + i*41})
		}
		if i%4 == 0 && slices.Contains(envs, EnvProd) {
			out = append(out, si{i, EnvProd, 540 + i*43})
		}
	}
	return out
}

// rbacActivity builds the activity log: the sign-ins of signIns (one of
// them a workspace switch, logged as user_login with activity
// switch_workspace), a role change, a group change and a token
// regeneration; ascending ids in time order. Members who signed in to
// dev get that sign-in as their last_activity_log; members 31 to 35 get
// a newer activity of another kind (not a sign-in).
func rbacActivity(ws *Workspace) []ActivityEntry {
	var out []ActivityEntry
	for _, s := range signIns(len(ws.Members), ws.Environments) {
		m := ws.Members[s.member]
		activity := "login"
		if s.member == 4 && s.env == EnvDev {
			activity = "switch_workspace"
		}
		e := memberEntry(s.env, EventUserLogin, ResourceUser, m.ID, m, activity)
		e.CreatedAt = SignInBase.Add(time.Duration(s.minute) * time.Minute).Add(time.Duration(s.member*7) * time.Millisecond)
		out = append(out, e)
	}
	if len(ws.Members) > 2 {
		owner := ws.Members[0]
		e := memberEntry(EnvDev, EventMemberRoleUpdated, ResourceMemberGrant, owner.ID, ws.Members[2], "ui: role set to Member")
		e.CreatedAt = SignInBase.Add(-90 * time.Minute)
		out = append(out, e)
		g := ws.Groups[1]
		out = append(out, ActivityEntry{
			Env: EnvDev, EventType: EventGroupMemberAdded, ResourceType: ResourceUserGroup, UserID: owner.ID,
			ResourceID: g.ID, ResourceName: g.Name, Activity: "ui: added members", CreatedAt: SignInBase.Add(-80 * time.Minute),
		})
	}
	for i := range ws.Clients {
		c := &ws.Clients[i]
		if c.Env == EnvProd && c.AllFolders && len(ws.Members) > 0 {
			c.TokenUpdatedAt = SignInBase.Add(-30 * time.Minute)
			out = append(out, ActivityEntry{
				Env: EnvProd, EventType: EventTokenRegenerated, ResourceType: ResourceAPIClient,
				UserID: ws.Members[0].ID, ResourceID: fmt.Sprint(c.ID), ResourceName: c.Name, Activity: "token regenerated", CreatedAt: c.TokenUpdatedAt,
			})
		}
	}
	slices.SortStableFunc(out, func(a, b ActivityEntry) int { return a.CreatedAt.Compare(b.CreatedAt) })
	for i := range out {
		out[i].ID = 90_001 + i
	}
	// last_activity_log: the newest dev entry each member made.
	for i := range ws.Members {
		m := &ws.Members[i]
		for _, e := range out {
			if e.UserID == m.ID && e.Env == EnvDev && e.CreatedAt.After(m.LastActivityAt) {
				m.LastActivityAt, m.LastActivityEvent = e.CreatedAt, ""
			}
		}
		if i >= 31 && i <= 35 {
			m.LastActivityAt = SignInBase.Add(time.Duration(i) * time.Hour)
			m.LastActivityEvent = "recipe_started" // UNCERTAIN: a guessed event string; any event that is not a sign-in
		}
	}
	return out
}

// MidMigration returns a dev/test/prod workspace half way through the
// RBAC 2.0 migration: dev still on legacy roles (Admin, Analyst and the
// legacy custom roles, served by /api/roles), test and prod on
// environment roles with project roles, grants and groups. Each
// environment has its own projects (dev: the three legacy projects; test
// and prod: two each). Clients: EnvTokenDev/Test/Prod.
func MidMigration() Workspace {
	created := at(datasetBase, 24*60*500, 0)
	ws := Workspace{
		ID: 1004, Name: "Hooli Integrations", CreatedAt: at(datasetBase, -24*60*800, 6), HomeFolderID: 1,
		Environments: []string{EnvDev, EnvTest, EnvProd},
		Migrated:     true, LegacyEnvs: []string{EnvDev}, AuditLog: true,
		SystemRoles:      SystemRoles(),
		EnvironmentRoles: rbacEnvironmentRoles(created),
		ProjectRoles:     rbacProjectRoles(created),
	}
	scope := legacyFolders(&ws)
	ws.CustomRoles = legacyRoles(scope)
	t := &folderTree{ws: &ws, nextID: 7101}
	for i, env := range []string{EnvTest, EnvTest, EnvProd, EnvProd} {
		root := t.project(649200+i, fmt.Sprintf("%s project %d", envNames[env], i%2+1), "")
		ws.Projects[len(ws.Projects)-1].Env = env
		t.folder(root, "Recipes")
	}
	ws.Members = []Member{
		member(5301, "Gavin Belson", "gavin@hooli.example", "", GrantFederationManager, true,
			legacy(EnvDev, RoleAdmin), envRole(EnvTest, "Environment admin"), envRole(EnvProd, "Environment admin")),
		member(5302, "Richard Hendricks", "richard@hooli.example", "okta-rh", GrantTeam, true,
			legacy(EnvDev, DeveloperRoleName), envRole(EnvTest, "Member"), envRole(EnvProd, "Release managers")),
		member(5303, "Monica Hall", "monica@hooli.example", "", GrantTeam, true,
			legacy(EnvDev, RoleAnalyst), envRole(EnvProd, "Member")),
		member(5304, "Dinesh Chugtai", "dinesh@hooli.example", "", GrantTeam, false,
			legacy(EnvDev, WidgetRoleName), envRole(EnvTest, "Environment manager")),
		member(5305, "Jared Dunn", "jared@hooli.example", "", GrantTeam, false, envRole(EnvTest, "Member")),
	}
	ws.Members[1].FolderIDs = map[string][]int{EnvDev: slices.Clone(scope)}
	all := Group{ID: opaqueID("am", "system/"+AllCollaborators), Name: AllCollaborators, System: true, CreatedAt: created, UpdatedAt: created}
	release := Group{ID: GroupID("Release team"), Name: "Release team", Description: "Ships to prod", MemberIDs: []int{5302, 5303}, CreatedAt: at(created, 5, 5), UpdatedAt: at(created, 6, 6)}
	ws.Groups = []Group{all, release}
	grant := func(project, memberID int, group, role string) ProjectGrant {
		assignee := group
		if memberID != 0 {
			assignee = fmt.Sprint(memberID)
		}
		return ProjectGrant{ID: opaqueID("pg", fmt.Sprintf("%d/%s", project, assignee)), ProjectID: project, MemberID: memberID, GroupID: group, RoleID: ProjectRoleID(role)}
	}
	ws.ProjectGrants = []ProjectGrant{
		grant(649200, 5302, "", RoleBuilder),
		grant(649200, 5304, "", RoleProjectAdmin),
		grant(649201, 0, release.ID, RoleAdvancedBuilder),
		grant(649202, 0, release.ID, RoleDeployers),
		grant(649202, 5303, "", RoleProjectOperator),
		grant(649203, 0, all.ID, RoleProjectOperator),
	}
	for i, env := range []string{EnvDev, EnvTest, EnvProd} {
		tok := []string{EnvTokenDev, EnvTokenTest, EnvTokenProd}[i]
		ws.Clients = append(ws.Clients, APIClient{
			ID: 41001 + i, Token: tok, DataCenter: "us", Env: env, Name: "Baton sync (" + env + ")", AllFolders: true,
			CreatedAt: at(created, 40, i), UpdatedAt: at(created, 41, i), TokenUpdatedAt: at(created, 40, 500+i),
		})
	}
	return ws
}
