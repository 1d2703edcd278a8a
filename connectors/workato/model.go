package workato

// The workspace model: pure derivation of roles, environments and every
// grant from what the load read (loaded). Groups, projects and folders, and
// API clients are derived in model_group.go, model_project.go and
// model_apiclient.go.

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"go.uber.org/zap"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
)

// Legacy system roles: fixed, not returned by GET /api/roles.
var systemRoles = []string{"Admin", "Analyst", "Operator"}

// envOrder sorts environments the way Workato shows them.
var envOrder = map[string]int{workatoapi.EnvDev: 0, workatoapi.EnvTest: 1, workatoapi.EnvProd: 2}

// Role kinds.
const (
	kindSystem      = "system"      // legacy Admin, Analyst, Operator
	kindCustom      = "custom"      // legacy custom role (GET /api/roles)
	kindEnvironment = "environment" // RBAC 2.0 environment role
	kindProject     = "project"     // RBAC 2.0 project role
	kindUnlisted    = "unlisted"    // a role a collaborator holds that no list returned
)

// role is one role resource and everything known about it.
type role struct {
	RID        string // resource ID
	Name       string
	Kind       string
	Type       string               // RBAC 2.0 type (system, custom, ...) or ""
	WorkatoID  workatoapi.ID        // 0 for system and unlisted roles
	Privileges map[string]bool      // privilege resource IDs it includes
	FolderIDs  []workatoapi.ID      // folders a legacy custom role is scoped to
	Role       *workatoapi.Role     // the legacy custom role, if any
	RBACRole   *workatoapi.RBACRole // the RBAC 2.0 role, if any
}

// holding is a collaborator holding something in one environment.
type holding struct {
	Env      string
	MemberID workatoapi.ID
}

// loaded is everything one sync's load read, as the API answered it.
type loaded struct {
	DisableCustom bool
	TokenEnvs     []string // environments with a token, the main one first

	Members    []workatoapi.Member
	Vanished   []workatoapi.ID // collaborators removed during the sync
	Privileges map[workatoapi.ID][]workatoapi.EnvPrivileges

	Migrated     bool
	CustomRoles  []workatoapi.Role
	EnvRoles     []workatoapi.RBACRole
	ProjectRoles []workatoapi.RBACRole

	GroupsListed bool // false: the workspace (legacy) serves no groups
	Groups       []workatoapi.Group
	GroupMembers map[workatoapi.ID][]workatoapi.GroupMember

	Envs []*envLoaded // one per token, in TokenEnvs' order

	LastLogins map[workatoapi.ID]map[string]time.Time
}

// envLoaded is what one environment's client read.
type envLoaded struct {
	Env      string
	Projects []workatoapi.Project
	// Folders: project ID → every folder of its tree below the root
	// folder, as listed (duplicates possible; ParentID links them).
	Folders     map[workatoapi.ID][]workatoapi.Folder
	Nested      bool            // the nested-folders flag was honoured
	GoneFolders []workatoapi.ID // folders deleted during the sync
	// Grants: project ID → its project grants (RBAC 2.0 only).
	Grants map[workatoapi.ID][]workatoapi.ProjectGrant

	APIClientsListed bool
	APIClients       []workatoapi.APIClient
	ClientRoles      []workatoapi.ClientRole

	mu       sync.Mutex
	Vanished map[workatoapi.ID]bool // projects deleted during the sync
}

// vanish records that project id was deleted during the sync, saying so
// once.
func (e *envLoaded) vanish(log *zap.Logger, id workatoapi.ID) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.Vanished[id] {
		return
	}
	e.Vanished[id] = true
	log.Info("workato: project deleted during the sync; leaving it out", zap.String("environment", e.Env), zap.String("project", id.String()))
}

// note is an info line the model asks the load to log: something it left
// out on purpose, with its IDs.
type note struct {
	Msg    string
	Fields []zap.Field
}

// model is everything one sync reads from Workato, with every resource and
// grant derived from it.
type model struct {
	Migrated   bool
	Envs       []string // environments roles and privileges are held in
	Members    []workatoapi.Member
	Privileges map[workatoapi.ID][]workatoapi.EnvPrivileges
	Roles      []*role
	LastLogins map[workatoapi.ID]map[string]time.Time

	rolesByRID    map[string]*role
	RoleHolders   map[string][]holding // role RID → who holds it where
	PrivilegeIDs  []string             // sorted
	PrivHolders   map[string][]holding // privilege ID → who holds it where
	legacyFolders []legacyFolderScope  // folder scopes of legacy roles and privileges
	memberSet     map[workatoapi.ID]bool

	groupModel
	projectModel
	apiClientModel

	Notes []note
}

// newModel derives the model from what the load read.
func newModel(in *loaded) (*model, error) {
	m := &model{Migrated: in.Migrated, Members: in.Members, Privileges: in.Privileges, LastLogins: in.LastLogins}
	if len(in.Vanished) > 0 {
		gone := map[workatoapi.ID]bool{}
		for _, id := range in.Vanished {
			gone[id] = true
		}
		m.Members = slices.DeleteFunc(slices.Clone(m.Members), func(mem workatoapi.Member) bool { return gone[mem.ID] })
	}
	m.memberSet = map[workatoapi.ID]bool{}
	for _, mem := range m.Members {
		m.memberSet[mem.ID] = true
	}
	m.build(in.CustomRoles, in.EnvRoles, in.ProjectRoles, in.DisableCustom)
	m.buildGroups(in)
	if err := m.buildProjects(in); err != nil {
		return nil, err
	}
	m.buildAPIClients(in)
	m.buildFolderAccess()
	return m, nil
}

// isMember reports whether id is a synced collaborator.
func (m *model) isMember(id workatoapi.ID) bool { return m.memberSet[id] }

// legacyFolderScope is a folder list of a legacy role or of a
// collaborator's privileges in one environment.
type legacyFolderScope struct {
	Env       string // "" for a custom role: its folders may be in any environment
	FolderIDs []workatoapi.ID
	Principal *v2.ResourceId
}

// Role resource IDs.
func customRoleRID(id workatoapi.ID) string  { return id.String() }
func envRoleRID(id workatoapi.ID) string     { return "env:" + id.String() }
func projectRoleRID(id workatoapi.ID) string { return "project:" + id.String() }
func unlistedRoleRID(name string) string     { return "name:" + name }

// privilegeID is the resource ID of one section/action pair.
func privilegeID(section, action string) string { return section + ":" + action }

// build derives the roles, environments and every grant.
func (m *model) build(custom []workatoapi.Role, envRoles, projectRoles []workatoapi.RBACRole, disableCustom bool) {
	m.rolesByRID = map[string]*role{}
	add := func(r *role) *role {
		if r.Privileges == nil {
			r.Privileges = map[string]bool{}
		}
		m.Roles = append(m.Roles, r)
		m.rolesByRID[r.RID] = r
		return r
	}
	legacyByName := map[string]*role{}
	envByName := map[string]*role{}
	if m.Migrated {
		for i := range envRoles {
			nr := envRoles[i]
			envByName[strings.ToLower(nr.Name)] = add(&role{RID: envRoleRID(nr.ID), Name: nr.Name, Kind: kindEnvironment, Type: nr.Type, WorkatoID: nr.ID, RBACRole: &nr})
		}
		for i := range projectRoles {
			nr := projectRoles[i]
			add(&role{RID: projectRoleRID(nr.ID), Name: nr.Name, Kind: kindProject, Type: nr.Type, WorkatoID: nr.ID, RBACRole: &nr})
		}
	}
	// A workspace part-way through migration still has collaborators
	// holding legacy roles (role_type privilege_group) in some
	// environment: the legacy roles are synced there too.
	if !m.Migrated || holdsLegacyRole(m.Members) {
		for _, name := range systemRoles {
			legacyByName[strings.ToLower(name)] = add(&role{RID: name, Name: name, Kind: kindSystem})
		}
		for i := range custom {
			cr := custom[i]
			r := add(&role{RID: customRoleRID(cr.ID), Name: cr.Name, Kind: kindCustom, WorkatoID: cr.ID, FolderIDs: cr.FolderIDs, Role: &cr})
			for section, actions := range cr.Privileges {
				for _, a := range actions {
					r.Privileges[privilegeID(section, a)] = true
				}
			}
			legacyByName[strings.ToLower(cr.Name)] = r
		}
	}

	// resolve maps a role a collaborator holds to its resource; nil means
	// no grant (NoAccess, or a custom role whose sync is disabled). The
	// role_type says which model the role is of; without one, the
	// workspace's model decides.
	resolve := func(name, roleType string) *role {
		if name == "" || strings.EqualFold(name, workatoapi.NoAccess) {
			return nil
		}
		key := strings.ToLower(name)
		isEnv := strings.EqualFold(roleType, workatoapi.RoleTypeEnvironment) || (roleType == "" && m.Migrated)
		if isEnv {
			if r, ok := envByName[key]; ok {
				return r
			}
			if r, ok := legacyByName[key]; ok && roleType == "" {
				return r // untyped, and a legacy role's name only
			}
		} else if r, ok := legacyByName[key]; ok {
			return r
		} else if disableCustom {
			return nil
		}
		rid := unlistedRoleRID(name)
		if r, ok := m.rolesByRID[rid]; ok {
			return r
		}
		return add(&role{RID: rid, Name: name, Kind: kindUnlisted})
	}

	envs := map[string]bool{workatoapi.EnvDev: true}
	m.RoleHolders = map[string][]holding{}
	for _, mem := range m.Members {
		for _, mr := range mem.Roles {
			env := strings.ToLower(mr.EnvironmentType)
			if r := resolve(mr.RoleName, mr.RoleType); r != nil {
				envs[env] = true
				m.RoleHolders[r.RID] = append(m.RoleHolders[r.RID], holding{Env: env, MemberID: mem.ID})
			}
		}
	}

	m.PrivHolders = map[string][]holding{}
	privs := map[string]bool{}
	held := map[string]bool{}
	for _, mem := range m.Members {
		for _, ep := range m.Privileges[mem.ID] {
			env := strings.ToLower(ep.EnvironmentType)
			envs[env] = true
			var r *role
			for _, mr := range mem.Roles {
				if strings.EqualFold(mr.EnvironmentType, env) {
					r = resolve(mr.RoleName, mr.RoleType)
				}
			}
			for section, actions := range ep.Privileges {
				for _, a := range actions {
					id := privilegeID(section, a)
					privs[id] = true
					if key := id + "|" + env + "|" + mem.ID.String(); !held[key] {
						held[key] = true
						m.PrivHolders[id] = append(m.PrivHolders[id], holding{Env: env, MemberID: mem.ID})
					}
					if r != nil {
						r.Privileges[id] = true
					}
				}
			}
			if len(ep.FolderIDs) > 0 {
				m.legacyFolders = append(m.legacyFolders, legacyFolderScope{Env: env, FolderIDs: ep.FolderIDs, Principal: collaboratorID(mem.ID)})
			}
		}
	}
	for _, r := range m.Roles {
		for id := range r.Privileges {
			privs[id] = true
		}
		if len(r.FolderIDs) > 0 {
			m.legacyFolders = append(m.legacyFolders, legacyFolderScope{FolderIDs: r.FolderIDs, Principal: roleResourceID(r.RID)})
		}
	}
	for id := range privs {
		m.PrivilegeIDs = append(m.PrivilegeIDs, id)
	}
	sort.Strings(m.PrivilegeIDs)
	for e := range envs {
		m.Envs = append(m.Envs, e)
	}
	sortEnvs(m.Envs)
}

// holdsLegacyRole reports whether a collaborator holds a role whose
// role_type says it is a legacy one.
func holdsLegacyRole(members []workatoapi.Member) bool {
	for _, mem := range members {
		for _, r := range mem.Roles {
			if strings.EqualFold(r.RoleType, workatoapi.RoleTypeLegacy) && !strings.EqualFold(r.RoleName, workatoapi.NoAccess) {
				return true
			}
		}
	}
	return false
}

// role returns the role with the resource ID rid.
func (m *model) role(rid string) (*role, bool) {
	r, ok := m.rolesByRID[rid]
	return r, ok
}

// missingEnvsLine names the environments collaborators hold roles in that
// have no token, so their projects are not synced, and the flag to set; ""
// when there is none.
func missingEnvsLine(members []workatoapi.Member, tokenEnvs []string) string {
	have := map[string]bool{}
	for _, e := range tokenEnvs {
		have[e] = true
	}
	seen := map[string]bool{}
	var missing []string
	for _, mem := range members {
		for _, r := range mem.Roles {
			env := strings.ToLower(r.EnvironmentType)
			if env == "" || have[env] || seen[env] || strings.EqualFold(r.RoleName, workatoapi.NoAccess) {
				continue
			}
			seen[env] = true
			missing = append(missing, env)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	sortEnvs(missing)
	flags := make([]string, len(missing))
	for i, e := range missing {
		switch e {
		case workatoapi.EnvTest, workatoapi.EnvProd:
			flags[i] = "--workato-" + e + "-api-key"
		default:
			flags[i] = "--workato-env-api-keys " + e + "=<token>"
		}
	}
	return "projects of " + strings.Join(missing, ", ") + " not synced (no API token for that environment): set " + strings.Join(flags, ", ")
}

// sortEnvs sorts environments the way Workato shows them: dev, test, prod,
// then the rest by name.
func sortEnvs(envs []string) {
	sort.Slice(envs, func(i, j int) bool {
		oi, iok := envOrder[envs[i]]
		oj, jok := envOrder[envs[j]]
		if iok != jok {
			return iok
		}
		if oi != oj {
			return oi < oj
		}
		return envs[i] < envs[j]
	})
}
