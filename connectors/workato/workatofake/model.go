package workatofake

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"
)

// Workspace is everything the fake serves: one Workato workspace. The
// connector's conformance tests compute their expected output from it, and
// Server.Workspace returns the current state in the same shape.
type Workspace struct {
	ID           int       // the workspace's id (GET /api/users/me); 0 takes 1000
	Name         string    // workspace (and company) name
	CreatedAt    time.Time // GET /api/users/me created_at
	HomeFolderID int       // the Home folder (GET /api/users/me root_folder_id); 0 takes 1

	Environments []string // "dev" always first; e.g. ["dev"] or ["dev","test","prod"]
	// Migrated marks an RBAC 2.0 workspace: the legacy /api/roles answers
	// as after migration, and environment and project roles are served.
	Migrated bool

	Members          []Member              // at most 100 (Workato's cap)
	CustomRoles      []Role                // legacy custom roles (GET /api/roles); empty on a migrated workspace
	SystemRoles      map[string]Privileges // "Admin", "Analyst", "Operator" → their privileges (what /privileges answers for holders)
	EnvironmentRoles []NewRole             // migrated only: system (Environment admin, Environment manager, Member) and custom
	ProjectRoles     []NewRole             // migrated only: Project admin, Advanced builder, Builder, Project operator, custom
	Projects         []Project
	Folders          []Folder       // every folder, project root folders included; listed in this order
	ProjectGrants    []ProjectGrant // migrated only: who holds which project role on which project
	Clients          []APIClient
}

// Privileges maps a section to its actions, e.g. "Recipes": ["read","run"].
type Privileges map[string][]string

// Member is one collaborator.
type Member struct {
	ID                                           int
	Name, Email, ExternalID, GrantType, TimeZone string // GrantType: GrantTeam or GrantFederationManager
	CreatedAt                                    time.Time
	LastActivityAt                               time.Time // zero: no last_activity_log

	// Roles holds at most one role per environment; an environment
	// without an entry means no access there.
	Roles []MemberRole
	// FolderIDs holds, per environment, the folders the member's role
	// there is scoped to: the folder_ids of GET /api/members/:id/privileges
	// ([] when absent). May be nil.
	FolderIDs map[string][]int
}

// MemberRole is the role a member holds in one environment. RoleType is
// RoleTypeLegacy (a legacy system or custom role) or RoleTypeEnvironment
// (an RBAC 2.0 environment role).
type MemberRole struct {
	Env, RoleName, RoleType string
}

// Role is a legacy custom role (GET /api/roles).
type Role struct {
	ID                   int
	Name                 string
	Inheritable          bool
	FolderIDs            []int
	Privileges           Privileges
	CreatedAt, UpdatedAt time.Time
}

// NewRole is an RBAC 2.0 environment or project role. Type is
// NewRoleSystem or NewRoleCustom. Privileges of an environment role are
// what /privileges answers for its holders.
type NewRole struct {
	ID                   int
	Name, Type           string
	Privileges           Privileges
	CreatedAt, UpdatedAt time.Time
}

// Project is a project; FolderID is its root folder.
type Project struct {
	ID                int
	Name, Description string
	FolderID          int
}

// Folder is one folder. ParentID 0 means none: the folder is a project's
// root folder, listed under the Home folder.
type Folder struct {
	ID                   int
	Name                 string
	ParentID             int
	ProjectID            int
	IsProject            bool
	CreatedAt, UpdatedAt time.Time
}

// ProjectGrant is an RBAC 2.0 project role a member holds on a project.
// ID looks like "pg-AQAEnmKC-Dtt9aD".
type ProjectGrant struct {
	ID                          string
	ProjectID, MemberID, RoleID int
}

// APIClient is a developer API client: its token, the data center whose
// host accepts it, its environment and its client role's allow-list of
// endpoints ("GET /api/members", "PUT /api/members/:id", …; nil allows
// every endpoint). See the Endpoint constants.
type APIClient struct {
	Token, DataCenter, Env string
	Endpoints              []string
}

// Invitation is a pending collaborator invitation (POST
// /api/member_invitations). It is not a member until accepted
// (Server.AcceptInvitation).
type Invitation struct {
	ID          int
	Name, Email string
	EnvRoles    []EnvRole
	CreatedAt   time.Time
}

// EnvRole is one env_roles entry of an invitation, with RoleType resolved
// (the default filled in).
type EnvRole struct {
	Env, Name, RoleType string
}

// Environment types.
const (
	EnvDev  = "dev"
	EnvTest = "test"
	EnvProd = "prod"
)

// Role types of MemberRole.RoleType and env_roles[].role_type.
const (
	RoleTypeLegacy      = "privilege_group"
	RoleTypeEnvironment = "environment"
)

// NoAccess is the env_roles name that removes a member from an environment.
const NoAccess = "NoAccess"

// Grant types.
const (
	GrantTeam              = "team"
	GrantFederationManager = "federation_manager"
)

// NewRole types.
const (
	NewRoleSystem = "system"
	NewRoleCustom = "custom"
)

// Legacy system roles.
const (
	RoleAdmin    = "Admin"
	RoleAnalyst  = "Analyst"
	RoleOperator = "Operator"
)

// MaxMembers is Workato's cap on collaborators per workspace.
const MaxMembers = 100

// DataCenters returns the data centers the fake can serve, as the
// connector names them.
func DataCenters() []string {
	return []string{"us", "eu", "jp", "sg", "au", "il", "kr", "cn", "uk", "trial"}
}

// Validate reports the first way ws breaks the invariants the fake relies
// on: "dev" first and no duplicate environment; at most 100 members with
// unique ids and emails; at most one role per environment, each naming an
// environment and a role that exist and with the role type the workspace
// model allows; unique role, folder and project ids; folder parents,
// project root folders, grants and clients that refer to what exists.
func (ws Workspace) Validate() error {
	if len(ws.Environments) == 0 || ws.Environments[0] != EnvDev {
		return fmt.Errorf("environments %q: want \"dev\" first", ws.Environments)
	}
	envs := map[string]bool{}
	for _, e := range ws.Environments {
		if envs[e] {
			return fmt.Errorf("environment %q listed twice", e)
		}
		envs[e] = true
	}
	if len(ws.Members) > MaxMembers {
		return fmt.Errorf("%d members: Workato allows at most %d", len(ws.Members), MaxMembers)
	}
	if ws.Migrated && len(ws.CustomRoles) > 0 {
		return errors.New("a migrated workspace has no legacy custom roles")
	}
	if !ws.Migrated && (len(ws.EnvironmentRoles) > 0 || len(ws.ProjectRoles) > 0 || len(ws.ProjectGrants) > 0) {
		return errors.New("environment roles, project roles and project grants need a migrated workspace")
	}
	custom := map[string]bool{}
	roleIDs := map[int]bool{}
	for _, r := range ws.CustomRoles {
		if roleIDs[r.ID] || custom[r.Name] {
			return fmt.Errorf("custom role %d %q: duplicate id or name", r.ID, r.Name)
		}
		if _, clash := ws.SystemRoles[r.Name]; clash || r.Name == NoAccess {
			return fmt.Errorf("custom role %d: name %q is reserved", r.ID, r.Name)
		}
		roleIDs[r.ID], custom[r.Name] = true, true
	}
	envRoles := map[string]bool{}
	for _, r := range ws.EnvironmentRoles {
		if envRoles[r.Name] {
			return fmt.Errorf("environment role %q listed twice", r.Name)
		}
		envRoles[r.Name] = true
	}
	projectRoles := map[int]bool{}
	for _, r := range ws.ProjectRoles {
		if projectRoles[r.ID] {
			return fmt.Errorf("project role %d listed twice", r.ID)
		}
		projectRoles[r.ID] = true
	}
	folders := map[int]Folder{}
	for _, f := range ws.Folders {
		if _, dup := folders[f.ID]; dup || f.ID == ws.homeFolderID() {
			return fmt.Errorf("folder %d: duplicate id", f.ID)
		}
		folders[f.ID] = f
	}
	for _, f := range ws.Folders {
		if _, ok := folders[f.ParentID]; f.ParentID != 0 && !ok {
			return fmt.Errorf("folder %d: parent %d does not exist", f.ID, f.ParentID)
		}
		if f.ParentID == 0 && !f.IsProject {
			return fmt.Errorf("folder %d: a folder without a parent must be a project's root folder", f.ID)
		}
	}
	projects := map[int]bool{}
	for _, p := range ws.Projects {
		if projects[p.ID] {
			return fmt.Errorf("project %d listed twice", p.ID)
		}
		projects[p.ID] = true
		if f, ok := folders[p.FolderID]; !ok || !f.IsProject || f.ParentID != 0 || f.ProjectID != p.ID {
			return fmt.Errorf("project %d: folder %d is not its root folder", p.ID, p.FolderID)
		}
	}
	memberIDs := map[int]bool{}
	emails := map[string]bool{}
	for _, m := range ws.Members {
		if memberIDs[m.ID] || emails[lower(m.Email)] {
			return fmt.Errorf("member %d %q: duplicate id or email", m.ID, m.Email)
		}
		memberIDs[m.ID], emails[lower(m.Email)] = true, true
		if m.GrantType != GrantTeam && m.GrantType != GrantFederationManager {
			return fmt.Errorf("member %d: grant type %q", m.ID, m.GrantType)
		}
		seen := map[string]bool{}
		for _, r := range m.Roles {
			if !envs[r.Env] || seen[r.Env] {
				return fmt.Errorf("member %d: role in unknown or repeated environment %q", m.ID, r.Env)
			}
			seen[r.Env] = true
			switch {
			case ws.Migrated && (r.RoleType != RoleTypeEnvironment || !envRoles[r.RoleName]):
				return fmt.Errorf("member %d: %s role %q is not an environment role", m.ID, r.Env, r.RoleName)
			case !ws.Migrated && r.RoleType != RoleTypeLegacy:
				return fmt.Errorf("member %d: %s role %q: want role type %s", m.ID, r.Env, r.RoleName, RoleTypeLegacy)
			case !ws.Migrated && !custom[r.RoleName]:
				if _, ok := ws.SystemRoles[r.RoleName]; !ok {
					return fmt.Errorf("member %d: %s role %q does not exist", m.ID, r.Env, r.RoleName)
				}
			}
		}
		for env := range m.FolderIDs {
			if !envs[env] {
				return fmt.Errorf("member %d: folder scope for unknown environment %q", m.ID, env)
			}
		}
	}
	grants := map[string]bool{}
	for _, g := range ws.ProjectGrants {
		if grants[g.ID] || !projects[g.ProjectID] || !memberIDs[g.MemberID] || !projectRoles[g.RoleID] {
			return fmt.Errorf("project grant %q: duplicate, or unknown project, member or role", g.ID)
		}
		grants[g.ID] = true
	}
	tokens := map[string]bool{}
	for _, c := range ws.Clients {
		if c.Token == "" || tokens[c.Token] {
			return fmt.Errorf("API client token %q: empty or duplicate", c.Token)
		}
		tokens[c.Token] = true
		if !slices.Contains(DataCenters(), c.DataCenter) {
			return fmt.Errorf("API client %q: unknown data center %q", c.Token, c.DataCenter)
		}
		if c.Env != EnvDev && c.Env != EnvTest && c.Env != EnvProd {
			return fmt.Errorf("API client %q: environment %q", c.Token, c.Env)
		}
	}
	return nil
}

func (ws Workspace) homeFolderID() int {
	if ws.HomeFolderID == 0 {
		return 1
	}
	return ws.HomeFolderID
}

// Clone returns a deep copy of ws.
func (ws Workspace) Clone() Workspace {
	out := ws
	out.Environments = slices.Clone(ws.Environments)
	out.Members = make([]Member, len(ws.Members))
	for i, m := range ws.Members {
		out.Members[i] = m.clone()
	}
	if ws.Members == nil {
		out.Members = nil
	}
	out.CustomRoles = cloneEach(ws.CustomRoles, func(r Role) Role {
		r.FolderIDs = slices.Clone(r.FolderIDs)
		r.Privileges = r.Privileges.Clone()
		return r
	})
	if ws.SystemRoles != nil {
		out.SystemRoles = make(map[string]Privileges, len(ws.SystemRoles))
		for k, v := range ws.SystemRoles {
			out.SystemRoles[k] = v.Clone()
		}
	}
	cloneNew := func(r NewRole) NewRole {
		r.Privileges = r.Privileges.Clone()
		return r
	}
	out.EnvironmentRoles = cloneEach(ws.EnvironmentRoles, cloneNew)
	out.ProjectRoles = cloneEach(ws.ProjectRoles, cloneNew)
	out.Projects = slices.Clone(ws.Projects)
	out.Folders = slices.Clone(ws.Folders)
	out.ProjectGrants = slices.Clone(ws.ProjectGrants)
	out.Clients = cloneEach(ws.Clients, func(c APIClient) APIClient {
		c.Endpoints = slices.Clone(c.Endpoints)
		return c
	})
	return out
}

func (m Member) clone() Member {
	m.Roles = slices.Clone(m.Roles)
	if m.FolderIDs != nil {
		f := make(map[string][]int, len(m.FolderIDs))
		for k, v := range m.FolderIDs {
			f[k] = slices.Clone(v)
		}
		m.FolderIDs = f
	}
	return m
}

// Clone returns a deep copy of p.
func (p Privileges) Clone() Privileges {
	if p == nil {
		return nil
	}
	out := make(Privileges, len(p))
	for k, v := range p {
		out[k] = slices.Clone(v)
	}
	return out
}

// Sections returns p's sections, sorted.
func (p Privileges) Sections() []string {
	return slices.Sorted(maps.Keys(p))
}

func cloneEach[T any](in []T, f func(T) T) []T {
	if in == nil {
		return nil
	}
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}
