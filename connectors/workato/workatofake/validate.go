package workatofake

// Validate: the invariants a Workspace must hold for the fake to serve it.

import (
	"errors"
	"fmt"
	"slices"
)

// Validate reports the first way ws breaks the invariants the fake relies
// on: "dev" first and no duplicate environment; at most 100 members (unless
// NoMemberCap) with unique ids and emails; at most one role per
// environment, each naming an environment and a role that exist and with
// the role type the environment's model allows; unique role, folder,
// project, group, client and activity ids; projects in known environments;
// folder parents in the same environment; project root folders, grants
// (one assignee each, one grant per project and assignee), groups and
// clients that refer to what exists.
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
	if !ws.NoMemberCap && len(ws.Members) > MaxMembers {
		return fmt.Errorf("%d members: Workato allows at most %d", len(ws.Members), MaxMembers)
	}
	if len(ws.LegacyEnvs) > 0 && !ws.Migrated {
		return errors.New("LegacyEnvs needs a migrated workspace")
	}
	for _, e := range ws.LegacyEnvs {
		if !envs[e] {
			return fmt.Errorf("legacy environment %q is not an environment", e)
		}
	}
	if ws.Migrated && len(ws.LegacyEnvs) == 0 && len(ws.CustomRoles) > 0 {
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
		if envRoles[r.Name] || r.ID == "" {
			return fmt.Errorf("environment role %q listed twice or without an id", r.Name)
		}
		envRoles[r.Name] = true
	}
	projectRoles := map[string]bool{}
	for _, r := range ws.ProjectRoles {
		if projectRoles[r.ID] || r.ID == "" {
			return fmt.Errorf("project role %q listed twice or without an id", r.ID)
		}
		projectRoles[r.ID] = true
	}
	projects := map[int]Project{}
	for _, p := range ws.Projects {
		if _, dup := projects[p.ID]; dup {
			return fmt.Errorf("project %d listed twice", p.ID)
		}
		if p.Env != "" && !envs[p.Env] {
			return fmt.Errorf("project %d: unknown environment %q", p.ID, p.Env)
		}
		projects[p.ID] = p
	}
	folders := map[int]Folder{}
	for _, f := range ws.Folders {
		if _, dup := folders[f.ID]; dup || f.ID == ws.homeFolderID() {
			return fmt.Errorf("folder %d: duplicate id", f.ID)
		}
		folders[f.ID] = f
	}
	for _, f := range ws.Folders {
		parent, ok := folders[f.ParentID]
		if f.ParentID != 0 && !ok {
			return fmt.Errorf("folder %d: parent %d does not exist", f.ID, f.ParentID)
		}
		if f.ParentID == 0 && !f.IsProject {
			return fmt.Errorf("folder %d: a folder without a parent must be a project's root folder", f.ID)
		}
		if f.ParentID != 0 && envOf(projects[f.ProjectID].Env) != envOf(projects[parent.ProjectID].Env) {
			return fmt.Errorf("folder %d: parent %d is in another environment", f.ID, f.ParentID)
		}
	}
	for _, p := range ws.Projects {
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
			newModel := ws.migratedIn(r.Env)
			switch {
			case newModel && (r.RoleType != RoleTypeEnvironment || !envRoles[r.RoleName]):
				return fmt.Errorf("member %d: %s role %q is not an environment role", m.ID, r.Env, r.RoleName)
			case !newModel && r.RoleType != RoleTypeLegacy:
				return fmt.Errorf("member %d: %s role %q: want role type %s", m.ID, r.Env, r.RoleName, RoleTypeLegacy)
			case !newModel && !custom[r.RoleName]:
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
	groups := map[string]bool{}
	system := 0
	for _, g := range ws.Groups {
		if g.ID == "" || groups[g.ID] {
			return fmt.Errorf("group %q: empty or duplicate id", g.ID)
		}
		groups[g.ID] = true
		if g.System {
			system++
		}
		for _, id := range g.MemberIDs {
			if !memberIDs[id] && !g.System {
				return fmt.Errorf("group %q: member %d does not exist", g.ID, id)
			}
		}
	}
	if system > 1 {
		return errors.New("more than one system group")
	}
	grants := map[string]bool{}
	assignees := map[string]bool{}
	for _, g := range ws.ProjectGrants {
		_, knownProject := projects[g.ProjectID]
		if grants[g.ID] || !knownProject || !projectRoles[g.RoleID] {
			return fmt.Errorf("project grant %q: duplicate, or unknown project or role", g.ID)
		}
		if (g.MemberID == 0) == (g.GroupID == "") {
			return fmt.Errorf("project grant %q: want exactly one of member and group", g.ID)
		}
		if (g.MemberID != 0 && !memberIDs[g.MemberID]) || (g.GroupID != "" && !groups[g.GroupID]) {
			return fmt.Errorf("project grant %q: unknown member %d or group %q", g.ID, g.MemberID, g.GroupID)
		}
		key := fmt.Sprintf("%d/%d/%s", g.ProjectID, g.MemberID, g.GroupID)
		if assignees[key] {
			return fmt.Errorf("project grant %q: a second grant on project %d to the same assignee", g.ID, g.ProjectID)
		}
		grants[g.ID], assignees[key] = true, true
	}
	clientRoles := map[int]bool{}
	for _, r := range ws.ClientRoles {
		if clientRoles[r.ID] {
			return fmt.Errorf("client role %d listed twice", r.ID)
		}
		clientRoles[r.ID] = true
	}
	tokens := map[string]bool{}
	clientIDs := map[int]bool{}
	for _, c := range ws.Clients {
		if c.Token == "" || tokens[c.Token] {
			return fmt.Errorf("API client token %q: empty or duplicate", c.Token)
		}
		tokens[c.Token] = true
		if c.ID != 0 && clientIDs[c.ID] {
			return fmt.Errorf("API client %d listed twice", c.ID)
		}
		clientIDs[c.ID] = true
		if !slices.Contains(DataCenters(), c.DataCenter) {
			return fmt.Errorf("API client %q: unknown data center %q", c.Token, c.DataCenter)
		}
		if c.Env != EnvDev && c.Env != EnvTest && c.Env != EnvProd {
			return fmt.Errorf("API client %q: environment %q", c.Token, c.Env)
		}
		if c.RoleID != 0 && !clientRoles[c.RoleID] {
			return fmt.Errorf("API client %q: unknown client role %d", c.Token, c.RoleID)
		}
		for _, f := range c.FolderIDs {
			if _, ok := folders[f]; !ok {
				return fmt.Errorf("API client %q: folder %d does not exist", c.Token, f)
			}
		}
	}
	activity := map[int]bool{}
	for _, a := range ws.Activity {
		if a.ID <= 0 || activity[a.ID] {
			return fmt.Errorf("activity entry %d: not positive or duplicate", a.ID)
		}
		if !envs[envOf(a.Env)] {
			return fmt.Errorf("activity entry %d: unknown environment %q", a.ID, a.Env)
		}
		activity[a.ID] = true
	}
	return nil
}

// migratedIn reports whether env uses RBAC 2.0 environment roles.
func (ws Workspace) migratedIn(env string) bool {
	return ws.Migrated && !slices.Contains(ws.LegacyEnvs, env)
}

// envOf reads "" as dev.
func envOf(env string) string {
	if env == "" {
		return EnvDev
	}
	return env
}
