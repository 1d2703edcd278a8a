package workatofake

import (
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
	Projects         []Project             // every environment's projects (Project.Env)
	Folders          []Folder              // every folder, project root folders included; listed in this order
	ProjectGrants    []ProjectGrant        // migrated only: who (member or group) holds which project role on which project
	Clients          []APIClient
	ClientRoles      []ClientRole // GET /api/developer_api_client_roles

	// Groups are the collaborator groups (/api/user_groups), the system
	// group "All collaborators" included: its members are always every
	// member (its MemberIDs are ignored).
	Groups []Group
	// Activity is the activity audit log, oldest first; every write the
	// fake serves and every admin mutation (SignIn, SetMemberRole, …)
	// appends to it.
	Activity []ActivityEntry
	// AuditLog is the activity-audit-log add-on: without it
	// /api/activity_logs answers 403.
	AuditLog bool
	// LegacyEnvs, on a migrated workspace, lists the environments still on
	// legacy roles (mid-migration): members' roles there are legacy ones
	// and PUT accepts role_type privilege_group there only.
	LegacyEnvs []string
	// NoMemberCap lifts Workato's 100-collaborator cap (large datasets).
	NoMemberCap bool
}

// Privileges maps a section to its actions, e.g. "Recipes": ["read","run"].
type Privileges map[string][]string

// Member is one collaborator.
type Member struct {
	ID                                           int
	Name, Email, ExternalID, GrantType, TimeZone string // GrantType: GrantTeam or GrantFederationManager
	CreatedAt                                    time.Time
	LastActivityAt                               time.Time // zero: no last_activity_log
	LastActivityEvent                            string    // its event_type; "" is user_login

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
	ID         string // environment roles: numeric text; project roles "pr-…" (numeric text tolerated)
	Name, Type string
	// Rank orders project roles by access for effective access (higher
	// wins); 0 takes the system role's rank (Project admin 400, Advanced
	// builder 300, Builder 200, Project operator 100), else 0.
	Rank                 int
	Privileges           Privileges
	CreatedAt, UpdatedAt time.Time
}

// Project is a project; FolderID is its root folder. Env is its
// environment ("" is dev): each environment has its own projects and
// folder trees, and a client sees only its environment's.
type Project struct {
	ID                int
	Name, Description string
	FolderID          int
	Env               string
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

// ProjectGrant is an RBAC 2.0 project role a member or a group holds on
// a project: exactly one of MemberID and GroupID is set, and there is at
// most one grant per (project, assignee). ID looks like
// "pg-AQAEnmKC-Dtt9aD".
type ProjectGrant struct {
	ID        string
	ProjectID int
	MemberID  int
	GroupID   string
	RoleID    string
}

// APIClient is a developer API client: its token, the data center whose
// host accepts it, its environment and its client role's allow-list of
// endpoints ("GET /api/members", "PUT /api/members/:id", …; nil allows
// every endpoint; see the Endpoint constants), and what
// GET /api/developer_api_clients shows of it. An ID of 0 takes a number
// from the client's position.
type APIClient struct {
	Token, DataCenter, Env string
	Endpoints              []string

	ID             int
	Name           string
	RoleID         int   // its client role (ClientRole.ID): api_privilege_group_id
	AllFolders     bool  // project scope: every project
	FolderIDs      []int // project scope when not AllFolders
	IPAllowList    string
	TokenUpdatedAt time.Time // token.updated_at; RegenerateToken sets it
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// ClientRole is an API client role (GET /api/developer_api_client_roles).
type ClientRole struct {
	ID                   int
	Name                 string
	CreatedAt, UpdatedAt time.Time
}

// Group is a collaborator group. ID is opaque ("am-WxEKCibh-dTXBtz").
// System marks "All collaborators" (every member; read-only). An
// IdPManaged group's membership is the identity provider's: changes made
// through the API or the UI are reverted for a member when they sign in
// (Server.SignIn), back to the MemberIDs the workspace was created with.
type Group struct {
	ID                   string
	Name, Description    string
	System               bool
	MemberIDs            []int
	IdPManaged           bool
	CreatedAt, UpdatedAt time.Time
}

// ActivityEntry is one activity-audit-log entry. Env is the environment
// whose log holds it; UserID is who acted (0: an API client);
// ResourceID/ResourceName name what it acted on (for a User resource, the
// member's id as text).
type ActivityEntry struct {
	ID                           int
	Env, EventType, ResourceType string
	CreatedAt                    time.Time
	UserID                       int
	ResourceID, ResourceName     string
	Activity                     string
}

// Invitation is a pending collaborator invitation (POST
// /api/member_invitations). It is not a member until accepted
// (Server.AcceptInvitation), who then joins GroupIDs.
type Invitation struct {
	ID          int
	Name, Email string
	EnvRoles    []EnvRole
	GroupIDs    []string
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
		c.FolderIDs = slices.Clone(c.FolderIDs)
		return c
	})
	out.ClientRoles = slices.Clone(ws.ClientRoles)
	out.Groups = cloneEach(ws.Groups, func(g Group) Group {
		g.MemberIDs = slices.Clone(g.MemberIDs)
		return g
	})
	out.Activity = slices.Clone(ws.Activity)
	out.LegacyEnvs = slices.Clone(ws.LegacyEnvs)
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
