package workato

// The workspace model: pure derivation of roles, environments and every
// grant from what the load read.

import (
	"sort"
	"strings"

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

// model is everything one sync reads from Workato, apart from folders,
// with every grant derived from it.
type model struct {
	Migrated   bool
	Envs       []string
	Members    []workatoapi.Member
	Privileges map[workatoapi.ID][]workatoapi.EnvPrivileges
	Roles      []*role
	Projects   []workatoapi.Project
	// ProjectRoleGrants: project ID → project role RID → collaborators.
	ProjectRoleGrants map[workatoapi.ID]map[string][]workatoapi.ID

	rolesByRID    map[string]*role
	RoleHolders   map[string][]holding // role RID → who holds it where
	PrivilegeIDs  []string             // sorted
	PrivHolders   map[string][]holding // privilege ID → who holds it where
	FolderRoles   map[workatoapi.ID][]string
	FolderMembers map[workatoapi.ID][]workatoapi.ID
}

// workspace loads the model once per sync. A failed load is forgotten so a

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
	} else {
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
	// no grant (NoAccess, or a custom role whose sync is disabled).
	resolve := func(name, roleType string) *role {
		if name == "" || strings.EqualFold(name, workatoapi.NoAccess) {
			return nil
		}
		key := strings.ToLower(name)
		if strings.EqualFold(roleType, workatoapi.RoleTypeEnvironment) || m.Migrated {
			if r, ok := envByName[key]; ok {
				return r
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
	m.FolderMembers = map[workatoapi.ID][]workatoapi.ID{}
	privs := map[string]bool{}
	held := map[string]bool{}
	for _, mem := range m.Members {
		seenFolder := map[workatoapi.ID]bool{}
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
			for _, f := range ep.FolderIDs {
				if !seenFolder[f] {
					seenFolder[f] = true
					m.FolderMembers[f] = append(m.FolderMembers[f], mem.ID)
				}
			}
		}
	}
	m.FolderRoles = map[workatoapi.ID][]string{}
	for _, r := range m.Roles {
		for id := range r.Privileges {
			privs[id] = true
		}
		for _, f := range r.FolderIDs {
			m.FolderRoles[f] = append(m.FolderRoles[f], r.RID)
		}
	}
	for id := range privs {
		m.PrivilegeIDs = append(m.PrivilegeIDs, id)
	}
	sort.Strings(m.PrivilegeIDs)
	for e := range envs {
		m.Envs = append(m.Envs, e)
	}
	sort.Slice(m.Envs, func(i, j int) bool {
		oi, iok := envOrder[m.Envs[i]]
		oj, jok := envOrder[m.Envs[j]]
		if iok != jok {
			return iok
		}
		if oi != oj {
			return oi < oj
		}
		return m.Envs[i] < m.Envs[j]
	})
}

// role returns the role with the resource ID rid.
func (m *model) role(rid string) (*role, bool) {
	r, ok := m.rolesByRID[rid]
	return r, ok
}
