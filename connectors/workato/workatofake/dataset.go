package workatofake

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"math/rand"
	"slices"
	"time"
)

// API client tokens of the datasets.
const (
	TestToken  = "workato-test-token" // LegacyOneEnv, ThreeEnvs, MigratedWorkspace: us, dev, every endpoint
	DemoToken  = "demo-token"         // Demo: us, dev, every endpoint
	BenchToken = "bench-token"        // Generate: us, dev, every endpoint
)

// The privilege every dataset has exactly one role grant: a section and
// action found in no other role and in no catalogue (a connector must sync
// it rather than fail on it).
const (
	UnlistedSection = "Quantum Widgets"
	UnlistedAction  = "teleport"
)

// Custom roles every legacy dataset has: one holding the unlisted
// privilege, and one whose name is nothing like its id (the id is what
// the upstream connector wrongly sends as the role name).
const (
	WidgetRoleName    = "Widget wranglers"
	DeveloperRoleID   = 478
	DeveloperRoleName = "Developer role"
)

// privilegeCatalog is a Workato-like catalogue of collaborator privileges
// (docs.workato.com/privileges.html), in a fixed order.
var privilegeCatalog = []struct {
	section string
	actions []string
}{
	{"Recipes", []string{"read", "create", "update", "delete", "run", "read_run_history"}},
	{"Connections", []string{"read", "create", "update", "delete"}},
	{"Folders", []string{"read", "create", "update", "delete"}},
	{"Projects", []string{"read", "create", "update", "delete"}},
	{"Lookup tables", []string{"read", "create", "update", "delete"}},
	{"Message templates", []string{"read", "create", "update", "delete"}},
	{"Recipe lifecycle management", []string{"export", "import"}},
	{"Workspace collaborators", []string{"read", "create", "update", "delete"}},
	{"API platform", []string{"read", "create", "update", "delete"}},
	{"Custom connectors", []string{"read", "create", "update", "delete"}},
	{"Event streams", []string{"read", "create", "update", "delete"}},
	{"Activity audit log", []string{"read"}},
	{"Environment properties", []string{"read", "update"}},
	{"Dashboard", []string{"read"}},
	{"Test automation", []string{"read", "create", "run"}},
}

// fullPrivileges returns the whole catalogue, minus the sections and
// actions in drop ("Section" drops the section, "Section/action" one
// action).
func fullPrivileges(drop ...string) Privileges {
	p := Privileges{}
	for _, c := range privilegeCatalog {
		if slices.Contains(drop, c.section) {
			continue
		}
		for _, a := range c.actions {
			if !slices.Contains(drop, c.section+"/"+a) {
				p[c.section] = append(p[c.section], a)
			}
		}
	}
	return p
}

// SystemRoles returns the legacy system roles and their privileges: Admin
// holds the whole catalogue, Analyst all but collaborator management, the
// audit log and deletion of API platform and environment settings, and
// Operator seven read-and-run privileges.
func SystemRoles() map[string]Privileges {
	return map[string]Privileges{
		RoleAdmin: fullPrivileges(),
		RoleAnalyst: fullPrivileges("Workspace collaborators/create", "Workspace collaborators/update",
			"Workspace collaborators/delete", "Activity audit log", "API platform/delete", "Environment properties/update"),
		RoleOperator: {
			"Recipes":     {"read", "run", "read_run_history"},
			"Connections": {"read"},
			"Folders":     {"read"},
			"Projects":    {"read"},
			"Dashboard":   {"read"},
		},
	}
}

// at returns base plus minutes and a few milliseconds, so timestamps have
// Workato's millisecond precision and differ from one another.
func at(base time.Time, minutes, millis int) time.Time {
	return base.Add(time.Duration(minutes)*time.Minute + time.Duration(millis)*time.Millisecond)
}

var datasetBase = time.Date(2023, 3, 14, 16, 5, 27, 318_000_000, time.UTC)

func legacy(env, role string) MemberRole {
	return MemberRole{Env: env, RoleName: role, RoleType: RoleTypeLegacy}
}

func envRole(env, role string) MemberRole {
	return MemberRole{Env: env, RoleName: role, RoleType: RoleTypeEnvironment}
}

// folderTree builds projects and their folders from a compact description.
type folderTree struct {
	ws     *Workspace
	nextID int
}

// project adds a project and its root folder and returns the root folder's id.
func (t *folderTree) project(id int, name, desc string) int {
	fid := t.nextID
	t.nextID++
	created := at(datasetBase, 60*len(t.ws.Projects), 17*fid%1000)
	t.ws.Projects = append(t.ws.Projects, Project{ID: id, Name: name, Description: desc, FolderID: fid})
	t.ws.Folders = append(t.ws.Folders, Folder{ID: fid, Name: name, ProjectID: id, IsProject: true, CreatedAt: created, UpdatedAt: at(created, 3, 7)})
	return fid
}

// folder adds a folder under parent and returns its id.
func (t *folderTree) folder(parent int, name string) int {
	var projectID int
	for _, f := range t.ws.Folders {
		if f.ID == parent {
			projectID = f.ProjectID
		}
	}
	fid := t.nextID
	t.nextID++
	created := at(datasetBase, 5*len(t.ws.Folders), 31*fid%1000)
	t.ws.Folders = append(t.ws.Folders, Folder{ID: fid, Name: name, ParentID: parent, ProjectID: projectID, CreatedAt: created, UpdatedAt: at(created, 90, 486)})
	return fid
}

func testClient(token string) []APIClient {
	return []APIClient{{Token: token, DataCenter: "us", Env: EnvDev}}
}

// member builds a member with fixed, distinct timestamps.
func member(id int, name, email, external, grant string, active bool, roles ...MemberRole) Member {
	m := Member{
		ID: id, Name: name, Email: email, ExternalID: external, GrantType: grant,
		TimeZone:  "Pacific Time (US & Canada)",
		CreatedAt: at(datasetBase, -24*60*30+id%97*61, id%1000),
		Roles:     roles,
	}
	if active {
		m.LastActivityAt = at(datasetBase, 24*60*200+id%89*7, (id*13)%1000)
	}
	return m
}

// legacyRoles returns the custom roles every legacy dataset shares:
// Developer role (id 478, scoped to scope), Widget wranglers (the
// unlisted privilege) and an inheritable read-only role.
func legacyRoles(scope []int) []Role {
	return []Role{
		{
			ID: DeveloperRoleID, Name: DeveloperRoleName, FolderIDs: scope,
			Privileges: Privileges{
				"Recipes":     {"read", "create", "update", "delete", "run", "read_run_history"},
				"Connections": {"read", "create", "update"},
				"Folders":     {"read", "create"},
				"Projects":    {"read"},
			},
			CreatedAt: at(datasetBase, 0, 388), UpdatedAt: at(datasetBase, 0, 388),
		},
		{
			ID: 479, Name: WidgetRoleName,
			Privileges: Privileges{UnlistedSection: {UnlistedAction}, "Recipes": {"read"}, "Folders": {"read"}},
			CreatedAt:  at(datasetBase, 120, 706), UpdatedAt: at(datasetBase, 4000, 12),
		},
		{
			ID: 480, Name: "Support readers", Inheritable: true,
			Privileges: Privileges{"Recipes": {"read", "read_run_history"}, "Dashboard": {"read"}, "Connections": {"read"}},
			CreatedAt:  at(datasetBase, 240, 5), UpdatedAt: at(datasetBase, 240, 5),
		},
	}
}

// legacyFolders adds three projects with nested folders (depth 4 under
// the first project's root) and returns the folders Developer role is
// scoped to.
func legacyFolders(ws *Workspace) []int {
	t := &folderTree{ws: ws, nextID: 7001}
	p2p := t.project(649122, "Procure to Pay", "Purchase orders, invoices and payments")
	hr := t.project(649123, "HR Onboarding", "New-hire accounts and equipment")
	t.project(649124, "Sales Ops", "")
	ns := t.folder(p2p, "Netsuite production")
	inv := t.folder(ns, "Invoices")
	t.folder(inv, "Archive")
	t.folder(p2p, "Coupa")
	t.folder(hr, "Workday sync")
	return []int{p2p, ns}
}

// LegacyOneEnv returns a one-environment (dev) workspace on the legacy
// role model: six members holding Admin, Analyst, Operator and the three
// custom roles of legacyRoles; three projects with nested folders.
func LegacyOneEnv() Workspace {
	ws := Workspace{
		ID: 1001, Name: "Acme Integrations", CreatedAt: at(datasetBase, -24*60*400, 1), HomeFolderID: 1,
		Environments: []string{EnvDev},
		SystemRoles:  SystemRoles(),
		Clients:      testClient(TestToken),
	}
	scope := legacyFolders(&ws)
	ws.CustomRoles = legacyRoles(scope)
	ws.Members = []Member{
		member(5001, "Ada Lovelace", "ada@acme.example", "", GrantFederationManager, true, legacy(EnvDev, RoleAdmin)),
		member(5002, "Grace Hopper", "grace@acme.example", "okta-00u1grace", GrantTeam, true, legacy(EnvDev, RoleAnalyst)),
		member(5003, "Linus Ops", "linus@acme.example", "", GrantTeam, false, legacy(EnvDev, RoleOperator)),
		member(5004, "Margaret Hamilton", "margaret@acme.example", "okta-00u1marg", GrantTeam, true, legacy(EnvDev, DeveloperRoleName)),
		member(5005, "Katherine Johnson", "katherine@acme.example", "", GrantTeam, true, legacy(EnvDev, WidgetRoleName)),
		member(5006, "Dorothy Vaughan", "dorothy@acme.example", "", GrantTeam, false, legacy(EnvDev, "Support readers")),
	}
	ws.Members[3].FolderIDs = map[string][]int{EnvDev: slices.Clone(scope)}
	return ws
}

// ThreeEnvs returns a dev/test/prod workspace on the legacy role model.
// Sam Rivera is Admin in dev and Analyst in prod with no access in test;
// Lee Park holds Developer role in dev (folder-scoped) and Operator in
// test; Noor Haddad is only in prod; Kai Moana only in test (holding the
// unlisted privilege); Pat Quinn has no access anywhere.
func ThreeEnvs() Workspace {
	ws := Workspace{
		ID: 1002, Name: "Globex Automation", CreatedAt: at(datasetBase, -24*60*700, 2), HomeFolderID: 1,
		Environments: []string{EnvDev, EnvTest, EnvProd},
		SystemRoles:  SystemRoles(),
		Clients:      testClient(TestToken),
	}
	scope := legacyFolders(&ws)
	ws.CustomRoles = append(legacyRoles(scope), Role{
		ID: 481, Name: "Release approvers",
		Privileges: Privileges{"Recipes": {"read", "run"}, "Recipe lifecycle management": {"export", "import"}, "Projects": {"read"}},
		CreatedAt:  at(datasetBase, 600, 250), UpdatedAt: at(datasetBase, 9000, 999),
	})
	ws.Members = []Member{
		member(5101, "Priya Natarajan", "priya@globex.example", "", GrantFederationManager, true,
			legacy(EnvDev, RoleAdmin), legacy(EnvTest, RoleAdmin), legacy(EnvProd, RoleAdmin)),
		member(5102, "Sam Rivera", "sam@globex.example", "azure-7f3c", GrantTeam, true,
			legacy(EnvDev, RoleAdmin), legacy(EnvProd, RoleAnalyst)),
		member(5103, "Lee Park", "lee@globex.example", "", GrantTeam, true,
			legacy(EnvDev, DeveloperRoleName), legacy(EnvTest, RoleOperator)),
		member(5104, "Noor Haddad", "noor@globex.example", "", GrantTeam, false,
			legacy(EnvProd, "Release approvers")),
		member(5105, "Kai Moana", "kai@globex.example", "azure-9a01", GrantTeam, true,
			legacy(EnvTest, WidgetRoleName)),
		member(5106, "Jo Brennan", "jo@globex.example", "", GrantTeam, true,
			legacy(EnvDev, RoleAnalyst), legacy(EnvTest, "Support readers"), legacy(EnvProd, RoleOperator)),
		member(5107, "Pat Quinn", "pat@globex.example", "", GrantTeam, false),
	}
	ws.Members[2].FolderIDs = map[string][]int{EnvDev: slices.Clone(scope)}
	return ws
}

// MigratedWorkspace returns an RBAC 2.0 workspace (dev/test/prod): the
// system environment roles and a custom one holding the unlisted
// privilege, the system project roles and a custom one, project grants,
// and members whose roles have role_type "environment".
func MigratedWorkspace() Workspace {
	created := at(datasetBase, 24*60*500, 0)
	ws := Workspace{
		ID: 1003, Name: "Initech Platform", CreatedAt: at(datasetBase, -24*60*900, 3), HomeFolderID: 1,
		Environments: []string{EnvDev, EnvTest, EnvProd},
		Migrated:     true,
		SystemRoles:  SystemRoles(),
		Clients:      testClient(TestToken),
	}
	legacyFolders(&ws)
	ws.EnvironmentRoles = []NewRole{
		{ID: "11", Name: "Environment admin", Type: NewRoleSystem, Privileges: fullPrivileges(), CreatedAt: created, UpdatedAt: created},
		{ID: "12", Name: "Environment manager", Type: NewRoleSystem, Privileges: fullPrivileges("Workspace collaborators", "Activity audit log"), CreatedAt: created, UpdatedAt: created},
		{ID: "13", Name: "Member", Type: NewRoleSystem, Privileges: Privileges{"Projects": {"read"}, "Dashboard": {"read"}}, CreatedAt: created, UpdatedAt: created},
		{ID: "21", Name: "Release managers", Type: NewRoleCustom, Privileges: Privileges{UnlistedSection: {UnlistedAction}, "Recipe lifecycle management": {"export", "import"}}, CreatedAt: at(created, 60, 120), UpdatedAt: at(created, 600, 45)},
		{ID: "22", Name: "Auditors", Type: NewRoleCustom, Privileges: Privileges{"Activity audit log": {"read"}, "Dashboard": {"read"}}, CreatedAt: at(created, 90, 3), UpdatedAt: at(created, 90, 3)},
	}
	ws.ProjectRoles = []NewRole{
		{ID: "31", Name: "Project admin", Type: NewRoleSystem, CreatedAt: created, UpdatedAt: created},
		{ID: "32", Name: "Advanced builder", Type: NewRoleSystem, CreatedAt: created, UpdatedAt: created},
		{ID: "33", Name: "Builder", Type: NewRoleSystem, CreatedAt: created, UpdatedAt: created},
		{ID: "34", Name: "Project operator", Type: NewRoleSystem, CreatedAt: created, UpdatedAt: created},
		{ID: "41", Name: "Recipe reviewers", Type: NewRoleCustom, CreatedAt: at(created, 30, 500), UpdatedAt: at(created, 31, 0)},
	}
	ws.Members = []Member{
		member(5201, "Bill Lumbergh", "bill@initech.example", "", GrantFederationManager, true,
			envRole(EnvDev, "Environment admin"), envRole(EnvTest, "Environment admin"), envRole(EnvProd, "Environment admin")),
		member(5202, "Peter Gibbons", "peter@initech.example", "okta-peter", GrantTeam, true,
			envRole(EnvDev, "Member"), envRole(EnvProd, "Release managers")),
		member(5203, "Samir Nagheenanajar", "samir@initech.example", "", GrantTeam, true,
			envRole(EnvDev, "Environment manager"), envRole(EnvTest, "Member")),
		member(5204, "Joanna Smith", "joanna@initech.example", "", GrantTeam, false,
			envRole(EnvProd, "Auditors")),
		member(5205, "Milton Waddams", "milton@initech.example", "", GrantTeam, false),
	}
	grant := func(project, memberID int, role string) ProjectGrant {
		return ProjectGrant{ID: grantID(project, memberID, role), ProjectID: project, MemberID: memberID, RoleID: role}
	}
	ws.ProjectGrants = []ProjectGrant{
		grant(649122, 5202, "32"),
		grant(649122, 5203, "31"),
		grant(649123, 5202, "33"),
		grant(649123, 5204, "41"),
		grant(649124, 5203, "34"),
	}
	return ws
}

// grantID derives a project-grant id shaped like Workato's
// ("pg-AQAEnmKC-Dtt9aD") from its parts.
func grantID(project, memberID int, role string) string {
	h := sha1.Sum([]byte(fmt.Sprintf("workatofake/grant/%d/%d/%s", project, memberID, role)))
	s := base64.RawURLEncoding.EncodeToString(h[:])
	return "pg-" + s[:8] + "-" + s[8:14]
}

// Demo returns the workspace `make demo` syncs: dev/test/prod on the
// legacy model; twelve members covering the system and custom roles,
// folder-scoped roles, members without access in some environments and
// one with none; six projects, folders nested four deep and 130 folders
// under one parent (so paging shows); the API client DemoToken (us, dev,
// every endpoint) and two more: "demo-prod-token" (a PROD client) and
// "demo-readonly-token" (a DEV client whose role may only read).
func Demo() Workspace {
	ws := Workspace{
		ID: 1100, Name: "Demo Corp", CreatedAt: at(datasetBase, -24*60*1000, 4), HomeFolderID: 1,
		Environments: []string{EnvDev, EnvTest, EnvProd},
		SystemRoles:  SystemRoles(),
		Clients: []APIClient{
			{Token: DemoToken, DataCenter: "us", Env: EnvDev},
			{Token: "demo-prod-token", DataCenter: "us", Env: EnvProd},
			{Token: "demo-readonly-token", DataCenter: "us", Env: EnvDev, Endpoints: []string{
				EndpointMembers, EndpointMember, EndpointMemberPrivileges, EndpointRoles, EndpointEnvironmentRoles,
				EndpointProjectRoles, EndpointFolders, EndpointProjects, EndpointMe,
			}},
		},
	}
	t := &folderTree{ws: &ws, nextID: 7001}
	fin := t.project(650001, "Finance Automation", "Invoices, payments and the month-end close")
	hr := t.project(650002, "People Ops", "Joiners, movers and leavers")
	it := t.project(650003, "IT Service Desk", "Tickets and access requests")
	t.project(650004, "Marketing Sync", "")
	sales := t.project(650005, "Sales Ops", "CRM hygiene")
	t.project(650006, "Data Platform", "Warehouse loads")
	ap := t.folder(fin, "Accounts payable")
	inv := t.folder(ap, "Invoices")
	arch := t.folder(inv, "Archive")
	for y := 2019; y <= 2025; y++ {
		t.folder(arch, fmt.Sprintf("FY%d", y))
	}
	t.folder(fin, "Accounts receivable")
	onb := t.folder(hr, "Onboarding")
	t.folder(onb, "Laptops")
	t.folder(hr, "Offboarding")
	t.folder(it, "Okta")
	vendors := t.folder(sales, "Vendor integrations")
	for i := 1; i <= 130; i++ {
		t.folder(vendors, fmt.Sprintf("Vendor %03d", i))
	}
	scope := []int{fin, ap}
	ws.CustomRoles = append(legacyRoles(scope),
		Role{
			ID: 481, Name: "Release approvers",
			Privileges: Privileges{"Recipes": {"read", "run"}, "Recipe lifecycle management": {"export", "import"}, "Projects": {"read"}},
			CreatedAt:  at(datasetBase, 600, 250), UpdatedAt: at(datasetBase, 9000, 999),
		},
		Role{
			ID: 482, Name: "HR builders", FolderIDs: []int{hr},
			Privileges: Privileges{"Recipes": {"read", "create", "update", "run"}, "Connections": {"read"}, "Folders": {"read"}},
			CreatedAt:  at(datasetBase, 700, 1), UpdatedAt: at(datasetBase, 700, 1),
		},
		Role{
			ID: 483, Name: "Security reviewers",
			Privileges: Privileges{"Activity audit log": {"read"}, "Workspace collaborators": {"read"}, "Connections": {"read"}},
			CreatedAt:  at(datasetBase, 800, 77), UpdatedAt: at(datasetBase, 1800, 78),
		},
	)
	ws.Members = []Member{
		member(6001, "Avery Owner", "avery@demo.example", "", GrantFederationManager, true,
			legacy(EnvDev, RoleAdmin), legacy(EnvTest, RoleAdmin), legacy(EnvProd, RoleAdmin)),
		member(6002, "Sam Rivera", "sam@demo.example", "okta-sam", GrantTeam, true,
			legacy(EnvDev, RoleAdmin), legacy(EnvProd, RoleAnalyst)),
		member(6003, "Lee Park", "lee@demo.example", "okta-lee", GrantTeam, true,
			legacy(EnvDev, DeveloperRoleName), legacy(EnvTest, DeveloperRoleName), legacy(EnvProd, RoleOperator)),
		member(6004, "Noor Haddad", "noor@demo.example", "", GrantTeam, true, legacy(EnvProd, "Release approvers")),
		member(6005, "Kai Moana", "kai@demo.example", "", GrantTeam, true, legacy(EnvDev, WidgetRoleName)),
		member(6006, "Jo Brennan", "jo@demo.example", "okta-jo", GrantTeam, false,
			legacy(EnvDev, RoleAnalyst), legacy(EnvTest, "Support readers")),
		member(6007, "Mina Sato", "mina@demo.example", "", GrantTeam, true, legacy(EnvDev, "HR builders"), legacy(EnvProd, "HR builders")),
		member(6008, "Omar Farouk", "omar@demo.example", "", GrantTeam, true, legacy(EnvDev, "Security reviewers"), legacy(EnvProd, "Security reviewers")),
		member(6009, "Rosa Diaz", "rosa@demo.example", "", GrantTeam, true, legacy(EnvTest, RoleOperator)),
		member(6010, "Tariq Aziz", "tariq@demo.example", "okta-tariq", GrantTeam, true, legacy(EnvDev, RoleOperator), legacy(EnvTest, RoleAnalyst)),
		member(6011, "Uma Iyer", "uma@demo.example", "", GrantTeam, false, legacy(EnvDev, "Support readers")),
		member(6012, "Pat Quinn", "pat@demo.example", "", GrantTeam, false),
	}
	ws.Members[2].FolderIDs = map[string][]int{EnvDev: slices.Clone(scope), EnvTest: slices.Clone(scope)}
	ws.Members[6].FolderIDs = map[string][]int{EnvDev: {hr}, EnvProd: {hr}}
	return ws
}

// Generate returns a large deterministic legacy workspace for benchmarks:
// members (at most 100, Workato's cap), customRoles custom roles, projects
// projects each with a root folder, folders further folders, in envs
// (dev is put first; none means just dev). Equal arguments give equal
// workspaces.
//
// Shape: the first min(folders, 150) folders sit directly under the first
// project's root folder (more than 100 under one parent); the next four
// form a chain under the second project's root (depth 5 counting the
// root); the rest go under a random earlier folder. Custom role 0 is
// Widget wranglers (the unlisted privilege), held in dev by member 1;
// role 1 is Developer role; a quarter of the others are scoped to a few
// folders. Member 0 is the workspace's federation manager and Admin
// everywhere; the others hold, per environment, no role (15%), a system
// role (25%) or a custom role. The API client is BenchToken (us, dev,
// every endpoint). folders > 0 with projects < 1 makes one project.
func Generate(members, customRoles, folders, projects int, envs []string, seed int64) Workspace {
	rng := rand.New(rand.NewSource(seed))
	members = min(max(members, 0), MaxMembers)
	customRoles, folders, projects = max(customRoles, 0), max(folders, 0), max(projects, 0)
	if folders > 0 && projects < 1 {
		projects = 1
	}
	ws := Workspace{
		ID: 1200, Name: "Bench Workspace", CreatedAt: at(datasetBase, -24*60*1500, 5), HomeFolderID: 1,
		Environments: normaliseEnvs(envs),
		SystemRoles:  SystemRoles(),
		Clients:      testClient(BenchToken),
	}
	ms := func(n int) int { return rng.Intn(n) }
	stamp := func() (time.Time, time.Time) {
		c := at(datasetBase, ms(24*60*365), ms(1000))
		return c, at(c, ms(24*60*30), ms(1000))
	}

	// Projects and folders.
	ws.Projects = make([]Project, 0, projects)
	ws.Folders = make([]Folder, 0, projects+folders)
	nextFolder := 100_001
	for i := range projects {
		c, u := stamp()
		id := 600_001 + i
		ws.Projects = append(ws.Projects, Project{ID: id, Name: fmt.Sprintf("Bench project %04d", i), Description: fmt.Sprintf("Generated project %d", i), FolderID: nextFolder})
		ws.Folders = append(ws.Folders, Folder{ID: nextFolder, Name: fmt.Sprintf("Bench project %04d", i), ProjectID: id, IsProject: true, CreatedAt: c, UpdatedAt: u})
		nextFolder++
	}
	addFolder := func(parent int) {
		p := ws.Folders[parent]
		c, u := stamp()
		ws.Folders = append(ws.Folders, Folder{ID: nextFolder, Name: fmt.Sprintf("Folder %05d", nextFolder-100_000), ParentID: p.ID, ProjectID: p.ProjectID, CreatedAt: c, UpdatedAt: u})
		nextFolder++
	}
	wide := min(folders, 150)
	for range wide {
		addFolder(0)
	}
	chain := min(folders-wide, 4)
	for i := range chain {
		parent := len(ws.Folders) - 1
		if i == 0 {
			parent = min(1, projects-1)
		}
		addFolder(parent)
	}
	for range folders - wide - chain {
		addFolder(ms(len(ws.Folders)))
	}

	// Custom roles.
	ws.CustomRoles = make([]Role, 0, customRoles)
	for i := range customRoles {
		c, u := stamp()
		r := Role{ID: 10_001 + i, Name: fmt.Sprintf("Bench role %04d", i), Inheritable: i%7 == 3, CreatedAt: c, UpdatedAt: u, Privileges: Privileges{}}
		switch i {
		case 0:
			r.Name = WidgetRoleName
			r.Privileges[UnlistedSection] = []string{UnlistedAction}
		case 1:
			r.ID, r.Name = DeveloperRoleID, DeveloperRoleName
		}
		for _, sec := range privilegeCatalog {
			if ms(3) != 0 {
				continue
			}
			for _, a := range sec.actions {
				if ms(2) == 0 {
					r.Privileges[sec.section] = append(r.Privileges[sec.section], a)
				}
			}
		}
		if i%4 == 2 && len(ws.Folders) > 0 {
			for range 1 + ms(3) {
				if id := ws.Folders[ms(len(ws.Folders))].ID; !slices.Contains(r.FolderIDs, id) {
					r.FolderIDs = append(r.FolderIDs, id)
				}
			}
		}
		ws.CustomRoles = append(ws.CustomRoles, r)
	}

	// Members.
	system := []string{RoleAdmin, RoleAnalyst, RoleOperator}
	ws.Members = make([]Member, 0, members)
	for i := range members {
		m := Member{
			ID: 200_001 + i, Name: fmt.Sprintf("Bench User %03d", i), Email: fmt.Sprintf("user%03d@bench.example", i),
			GrantType: GrantTeam, TimeZone: "Pacific Time (US & Canada)",
		}
		m.CreatedAt, m.LastActivityAt = stamp()
		if i%5 == 4 {
			m.LastActivityAt = time.Time{}
		}
		if i%3 == 0 {
			m.ExternalID = fmt.Sprintf("ext-%06d", 200_001+i)
		}
		for _, env := range ws.Environments {
			var role string
			switch roll := ms(100); {
			case i == 0:
				m.GrantType, role = GrantFederationManager, RoleAdmin
			case i == 1 && env == EnvDev && customRoles > 0:
				role = WidgetRoleName
			case roll < 15:
				continue
			case roll < 40 || customRoles == 0:
				role = system[ms(len(system))]
			default:
				role = ws.CustomRoles[ms(customRoles)].Name
			}
			m.Roles = append(m.Roles, legacy(env, role))
			if ci := slices.IndexFunc(ws.CustomRoles, func(r Role) bool { return r.Name == role }); ci >= 0 && len(ws.CustomRoles[ci].FolderIDs) > 0 {
				if m.FolderIDs == nil {
					m.FolderIDs = map[string][]int{}
				}
				m.FolderIDs[env] = slices.Clone(ws.CustomRoles[ci].FolderIDs)
			}
		}
		ws.Members = append(ws.Members, m)
	}
	return ws
}

// normaliseEnvs returns envs without duplicates and with dev first.
func normaliseEnvs(envs []string) []string {
	out := []string{EnvDev}
	for _, e := range envs {
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}
