package workato_test

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
	"github.com/accessgov/baton-connectors/internal/connectortest"
)

// expectOptions are the connector settings that change the expected content.
type expectOptions struct {
	DisableCustomRoles bool
	// TokenEnvs are the environments the sync has a token for; nil means
	// DEV only.
	TokenEnvs []string
	// NoAPIClients: the API-client lists were refused (403).
	NoAPIClients bool
	// LastLogins: the newest user_login per collaborator and environment
	// in the fake's activity log, as the activity-log reader reports it.
	LastLogins bool
}

// expected is what a sync of ws must write, written out here from the
// fake's data independently of the connector's code.
func expected(ws workatofake.Workspace, o expectOptions) *connectortest.Snapshot {
	s := connectortest.NewSnapshot()
	s.ResourceTypes = []string{"api_client", "client_role", "collaborator", "folder", "group", "privilege", "project", "role"}
	id := strconv.Itoa
	tokenEnvs := o.TokenEnvs
	if tokenEnvs == nil {
		tokenEnvs = []string{"dev"}
	}
	synced := map[string]bool{}
	for _, e := range tokenEnvs {
		synced[e] = true
	}
	envOf := func(e string) string {
		if e == "" {
			return "dev"
		}
		return e
	}
	envRID := func(env string, n int) string {
		if envOf(env) == "dev" {
			return id(n)
		}
		return env + ":" + id(n)
	}

	// Environments: dev plus every environment a collaborator has a role in.
	envSet := map[string]bool{"dev": true}
	for _, m := range ws.Members {
		for _, r := range m.Roles {
			envSet[r.Env] = true
		}
	}
	var envs []string
	for _, e := range []string{"dev", "test", "prod"} {
		if envSet[e] {
			envs = append(envs, e)
		}
	}

	// Roles. A migrated workspace whose collaborators still hold legacy
	// roles somewhere (mid-migration) has both kinds.
	legacyHeld := false
	for _, m := range ws.Members {
		for _, r := range m.Roles {
			if r.RoleType == workatofake.RoleTypeLegacy {
				legacyHeld = true
			}
		}
	}
	type roleX struct {
		rid, name, kind, typ string
		wid                  string
		inheritable          *bool
		privs                workatofake.Privileges
		folders              []int
	}
	var roles []*roleX
	envByName := map[string]*roleX{}
	legacyByName := map[string]*roleX{}
	if ws.Migrated {
		for _, r := range ws.EnvironmentRoles {
			x := &roleX{rid: "env:" + r.ID, name: r.Name, kind: "environment", typ: r.Type, wid: r.ID}
			roles = append(roles, x)
			envByName[strings.ToLower(r.Name)] = x
		}
		for _, r := range ws.ProjectRoles {
			roles = append(roles, &roleX{rid: "project:" + r.ID, name: r.Name, kind: "project", typ: r.Type, wid: r.ID})
		}
	}
	if !ws.Migrated || legacyHeld {
		for _, n := range []string{"Admin", "Analyst", "Operator"} {
			x := &roleX{rid: n, name: n, kind: "system"}
			roles = append(roles, x)
			legacyByName[strings.ToLower(n)] = x
		}
		if !o.DisableCustomRoles {
			for _, r := range ws.CustomRoles {
				inh := r.Inheritable
				x := &roleX{rid: id(r.ID), name: r.Name, kind: "custom", wid: id(r.ID), inheritable: &inh, privs: r.Privileges, folders: r.FolderIDs}
				roles = append(roles, x)
				legacyByName[strings.ToLower(r.Name)] = x
			}
		}
	}
	heldPrivs := func(mr workatofake.MemberRole) workatofake.Privileges {
		if mr.RoleType == workatofake.RoleTypeEnvironment {
			for _, r := range ws.EnvironmentRoles {
				if r.Name == mr.RoleName {
					return r.Privileges
				}
			}
			return nil
		}
		for _, r := range ws.CustomRoles {
			if r.Name == mr.RoleName {
				return r.Privileges
			}
		}
		return ws.SystemRoles[mr.RoleName]
	}
	unlisted := map[string]*roleX{}
	resolve := func(mr workatofake.MemberRole) *roleX {
		byName := legacyByName
		if mr.RoleType == workatofake.RoleTypeEnvironment {
			byName = envByName
		}
		if x, ok := byName[strings.ToLower(mr.RoleName)]; ok {
			return x
		}
		if o.DisableCustomRoles && mr.RoleType == workatofake.RoleTypeLegacy {
			return nil
		}
		if x, ok := unlisted[mr.RoleName]; ok {
			return x
		}
		x := &roleX{rid: "name:" + mr.RoleName, name: mr.RoleName, kind: "unlisted"}
		roles = append(roles, x)
		unlisted[mr.RoleName] = x
		return x
	}
	type held struct {
		rid, env string
		member   int
	}
	var roleGrants []held
	rolePrivs := map[string]map[string]bool{}
	addPrivs := func(rid string, p workatofake.Privileges) {
		if rolePrivs[rid] == nil {
			rolePrivs[rid] = map[string]bool{}
		}
		for sec, acts := range p {
			for _, a := range acts {
				rolePrivs[rid][sec+":"+a] = true
			}
		}
	}
	for _, x := range roles {
		addPrivs(x.rid, x.privs)
	}
	privs := map[string]bool{}
	var privGrants []held
	type scope struct {
		env       string // "" for a custom role: any environment
		folders   []int
		principal string
	}
	var scopes []scope
	for _, x := range roles {
		if len(x.folders) > 0 {
			scopes = append(scopes, scope{folders: x.folders, principal: "role/" + x.rid})
		}
	}
	for _, m := range ws.Members {
		for _, mr := range m.Roles {
			p := heldPrivs(mr)
			if x := resolve(mr); x != nil {
				roleGrants = append(roleGrants, held{x.rid, mr.Env, m.ID})
				addPrivs(x.rid, p)
			}
			seen := map[string]bool{}
			for sec, acts := range p {
				for _, a := range acts {
					pid := sec + ":" + a
					privs[pid] = true
					if !seen[pid] {
						seen[pid] = true
						privGrants = append(privGrants, held{pid, mr.Env, m.ID})
					}
				}
			}
			if f := m.FolderIDs[mr.Env]; len(f) > 0 {
				scopes = append(scopes, scope{env: mr.Env, folders: f, principal: "collaborator/" + id(m.ID)})
			}
		}
	}
	for _, ps := range rolePrivs {
		for p := range ps {
			privs[p] = true
		}
	}

	// Last sign-ins per collaborator and environment.
	logins := map[int]map[string]time.Time{}
	if o.LastLogins {
		// The reader looks back 90 days from now, in each environment
		// with a token.
		since := time.Now().Add(-90 * 24 * time.Hour)
		for _, a := range ws.Activity {
			if a.EventType != workatofake.EventUserLogin || a.UserID == 0 || !synced[envOf(a.Env)] || a.CreatedAt.Before(since) {
				continue
			}
			if logins[a.UserID] == nil {
				logins[a.UserID] = map[string]time.Time{}
			}
			if e := envOf(a.Env); a.CreatedAt.After(logins[a.UserID][e]) {
				logins[a.UserID][e] = a.CreatedAt
			}
		}
	}

	// Collaborators.
	for _, m := range ws.Members {
		name := m.Name
		if name == "" {
			name = m.Email
		}
		p := map[string]string{"id": id(m.ID), "name": m.Name, "email": m.Email, "grant_type": m.GrantType, "time_zone": m.TimeZone}
		if m.ExternalID != "" {
			p["external_id"] = m.ExternalID
		}
		for _, r := range m.Roles {
			p["role_"+r.Env] = r.RoleName
		}
		if !m.LastActivityAt.IsZero() {
			p["last_activity_at"] = m.LastActivityAt.UTC().Format(time.RFC3339)
		}
		if !m.CreatedAt.IsZero() {
			p["created_at"] = m.CreatedAt.UTC().Format(time.RFC3339)
		}
		for e, t := range logins[m.ID] {
			p["last_login_"+e] = t.UTC().Format(time.RFC3339)
		}
		s.AddResource(connectortest.Resource{Type: "collaborator", ID: id(m.ID), DisplayName: name, Status: "enabled", Profile: p})
	}

	// Roles, their entitlements and grants.
	for _, x := range roles {
		p := map[string]string{"name": x.name, "kind": x.kind}
		if x.wid != "" {
			p["id"] = x.wid
		}
		if x.typ != "" {
			p["type"] = x.typ
		}
		if x.inheritable != nil {
			p["inheritable"] = strconv.FormatBool(*x.inheritable)
		}
		s.AddResource(connectortest.Resource{Type: "role", ID: x.rid, DisplayName: x.name, Profile: p})
		if x.kind != "project" {
			for _, e := range envs {
				s.AddEntitlement(connectortest.Entitlement{
					ID: "role:" + x.rid + ":" + e, Resource: "role/" + x.rid,
					DisplayName: x.name + " in " + e, GrantableTo: []string{"collaborator"},
				})
			}
		}
		s.AddEntitlement(connectortest.Entitlement{
			ID: "role:" + x.rid + ":includes", Resource: "role/" + x.rid,
			DisplayName: x.name + " includes", GrantableTo: []string{"privilege"},
		})
		for p := range rolePrivs[x.rid] {
			s.AddGrant(connectortest.Grant{Entitlement: "role:" + x.rid + ":includes", Principal: "privilege/" + p})
		}
	}
	for _, g := range roleGrants {
		s.AddGrant(connectortest.Grant{Entitlement: "role:" + g.rid + ":" + g.env, Principal: "collaborator/" + id(g.member)})
	}

	// Privileges.
	for p := range privs {
		sec, act, _ := strings.Cut(p, ":")
		s.AddResource(connectortest.Resource{
			Type: "privilege", ID: p, DisplayName: sec + ": " + act,
			Profile: map[string]string{"section": sec, "action": act},
		})
		for _, e := range envs {
			s.AddEntitlement(connectortest.Entitlement{
				ID: "privilege:" + p + ":" + e, Resource: "privilege/" + p,
				DisplayName: sec + ": " + act + " in " + e, GrantableTo: []string{"collaborator"},
			})
		}
	}
	for _, g := range privGrants {
		s.AddGrant(connectortest.Grant{Entitlement: "privilege:" + g.rid + ":" + g.env, Principal: "collaborator/" + id(g.member)})
	}

	// Collaborator groups: the system group holds every collaborator.
	groupMembers := map[string][]int{}
	for _, g := range ws.Groups {
		var members []int
		for _, m := range ws.Members {
			if g.System || slices.Contains(g.MemberIDs, m.ID) {
				members = append(members, m.ID)
			}
		}
		groupMembers[g.ID] = members
		p := map[string]string{
			"id": g.ID, "name": g.Name, "description": g.Description,
			"members_count": id(len(members)), "system": strconv.FormatBool(g.System),
		}
		if !g.CreatedAt.IsZero() {
			p["created_at"] = g.CreatedAt.UTC().Format(time.RFC3339)
		}
		s.AddResource(connectortest.Resource{Type: "group", ID: g.ID, DisplayName: g.Name, Profile: p})
		s.AddEntitlement(connectortest.Entitlement{
			ID: "group:" + g.ID + ":member", Resource: "group/" + g.ID,
			DisplayName: g.Name + " member", GrantableTo: []string{"collaborator"},
		})
		for _, m := range members {
			s.AddGrant(connectortest.Grant{Entitlement: "group:" + g.ID + ":member", Principal: "collaborator/" + id(m)})
		}
	}

	// Projects of every environment with a token.
	projectRID := map[int]string{}
	type rootX struct {
		env  string
		rid  string
		proj int
	}
	var roots []rootX
	for _, p := range ws.Projects {
		env := envOf(p.Env)
		if !synced[env] {
			continue
		}
		rid := envRID(env, p.ID)
		projectRID[p.ID] = rid
		s.AddResource(connectortest.Resource{
			Type: "project", ID: rid, DisplayName: p.Name,
			Profile: map[string]string{"id": id(p.ID), "name": p.Name, "description": p.Description, "folder_id": id(p.FolderID), "environment": env},
		})
		if p.FolderID != 0 {
			roots = append(roots, rootX{env: env, rid: envRID(env, p.FolderID), proj: p.ID})
		}
		if !ws.Migrated {
			continue
		}
		for _, r := range ws.ProjectRoles {
			s.AddEntitlement(connectortest.Entitlement{
				ID: "project:" + rid + ":role-" + r.ID, Resource: "project/" + rid,
				DisplayName: r.Name + " on " + p.Name, GrantableTo: []string{"collaborator", "group"},
			})
		}
	}
	if ws.Migrated {
		for _, g := range ws.ProjectGrants {
			rid, ok := projectRID[g.ProjectID]
			if !ok {
				continue
			}
			ent := "project:" + rid + ":role-" + g.RoleID
			if g.GroupID != "" {
				s.AddGrant(connectortest.Grant{Entitlement: ent, Principal: "group/" + g.GroupID})
				continue
			}
			s.AddGrant(connectortest.Grant{Entitlement: ent, Principal: "collaborator/" + id(g.MemberID)})
		}
		// The SDK expands a group's grant to each of its members.
		for _, g := range ws.ProjectGrants {
			rid, ok := projectRID[g.ProjectID]
			if !ok || g.GroupID == "" {
				continue
			}
			ent := "project:" + rid + ":role-" + g.RoleID
			for _, m := range groupMembers[g.GroupID] {
				k := connectortest.Grant{Entitlement: ent, Principal: "collaborator/" + id(m)}
				if _, dup := s.Grants[k.Key()]; !dup {
					s.AddGrant(k)
				}
			}
		}
	}

	// Folders: each project's root folder under the project, and every
	// folder below it under its parent, in the project's environment.
	children := map[int][]workatofake.Folder{}
	for _, f := range ws.Folders {
		children[f.ParentID] = append(children[f.ParentID], f)
	}
	folderRIDs := map[int][]string{}  // folder ID → RIDs
	folderExists := map[string]bool{} // RID
	type folderX struct {
		rid, parent, name string
		f                 workatofake.Folder
		root              bool
		env               string
	}
	var folders []folderX
	var walk func(env, parentKey string, f workatofake.Folder, name string, root bool)
	walk = func(env, parentKey string, f workatofake.Folder, name string, root bool) {
		rid := envRID(env, f.ID)
		folders = append(folders, folderX{rid: rid, parent: parentKey, name: name, f: f, root: root, env: env})
		folderRIDs[f.ID] = append(folderRIDs[f.ID], rid)
		folderExists[rid] = true
		for _, c := range children[f.ID] {
			walk(env, "folder/"+rid, c, c.Name, false)
		}
	}
	for _, p := range ws.Projects {
		env := envOf(p.Env)
		if !synced[env] || p.FolderID == 0 {
			continue
		}
		walk(env, "project/"+projectRID[p.ID], workatofake.Folder{ID: p.FolderID, ProjectID: p.ID, IsProject: true}, p.Name, true)
	}
	access := map[string]map[string]bool{}
	grantAccess := func(rid, principal string) {
		if access[rid] == nil {
			access[rid] = map[string]bool{}
		}
		access[rid][principal] = true
	}
	for _, sc := range scopes {
		for _, f := range sc.folders {
			if sc.env == "" {
				for _, rid := range folderRIDs[f] {
					grantAccess(rid, sc.principal)
				}
			} else if rid := envRID(sc.env, f); folderExists[rid] {
				grantAccess(rid, sc.principal)
			}
		}
	}

	// API clients, their client roles and their scope.
	if !o.NoAPIClients {
		listedRoles := map[int]bool{}
		for _, r := range ws.ClientRoles {
			listedRoles[r.ID] = true
			p := map[string]string{"id": id(r.ID), "name": r.Name, "listed": "true"}
			if !r.CreatedAt.IsZero() {
				p["created_at"] = r.CreatedAt.UTC().Format(time.RFC3339)
			}
			s.AddResource(connectortest.Resource{Type: "client_role", ID: id(r.ID), DisplayName: r.Name, Profile: p})
		}
		for _, c := range ws.Clients {
			env := envOf(c.Env)
			name := c.Name
			if name == "" {
				name = "API client " + id(c.ID)
			}
			folderIDs := make([]string, 0, len(c.FolderIDs))
			if !c.AllFolders {
				for _, f := range c.FolderIDs {
					folderIDs = append(folderIDs, id(f))
				}
			}
			p := map[string]string{
				"id": id(c.ID), "name": name, "environment": env,
				"all_folders": strconv.FormatBool(c.AllFolders), "folder_ids": strings.Join(folderIDs, ","),
				"ip_allow_list": c.IPAllowList,
			}
			if c.RoleID != 0 {
				p["client_role_id"] = id(c.RoleID)
			}
			if !c.TokenUpdatedAt.IsZero() {
				p["token_updated_at"] = c.TokenUpdatedAt.UTC().Format(time.RFC3339)
			}
			if !c.CreatedAt.IsZero() {
				p["created_at"] = c.CreatedAt.UTC().Format(time.RFC3339)
			}
			s.AddResource(connectortest.Resource{Type: "api_client", ID: id(c.ID), DisplayName: name, Status: "enabled", Profile: p})
			if c.RoleID != 0 {
				if !listedRoles[c.RoleID] {
					listedRoles[c.RoleID] = true
					rn := "API client role " + id(c.RoleID)
					s.AddResource(connectortest.Resource{
						Type: "client_role", ID: id(c.RoleID), DisplayName: rn,
						Profile: map[string]string{"id": id(c.RoleID), "name": "", "listed": "false"},
					})
				}
				s.AddGrant(connectortest.Grant{Entitlement: "client_role:" + id(c.RoleID) + ":assigned", Principal: "api_client/" + id(c.ID)})
			}
			if c.AllFolders {
				for _, r := range roots {
					if r.env == env {
						grantAccess(r.rid, "api_client/"+id(c.ID))
					}
				}
				continue
			}
			for _, f := range c.FolderIDs {
				if rid := envRID(env, f); folderExists[rid] {
					grantAccess(rid, "api_client/"+id(c.ID))
				} else if prid, ok := projectRID[f]; ok {
					for _, r := range roots {
						if r.proj == f && projectRID[r.proj] == prid {
							grantAccess(r.rid, "api_client/"+id(c.ID))
						}
					}
				}
			}
		}
		for key, r := range s.Resources {
			if r.Type == "client_role" {
				s.AddEntitlement(connectortest.Entitlement{
					ID: "client_role:" + r.ID + ":assigned", Resource: key,
					DisplayName: r.DisplayName + " assigned", GrantableTo: []string{"api_client"},
				})
			}
		}
	}

	for _, f := range folders {
		p := map[string]string{"id": id(f.f.ID), "name": f.name, "is_project_root": strconv.FormatBool(f.root || f.f.IsProject), "environment": f.env}
		if f.f.ProjectID != 0 {
			p["project_id"] = id(f.f.ProjectID)
		}
		s.AddResource(connectortest.Resource{Type: "folder", ID: f.rid, Parent: f.parent, DisplayName: f.name, Profile: p})
		s.AddEntitlement(connectortest.Entitlement{
			ID: "folder:" + f.rid + ":access", Resource: "folder/" + f.rid,
			DisplayName: f.name + " access", GrantableTo: []string{"api_client", "collaborator", "role"},
		})
		for principal := range access[f.rid] {
			s.AddGrant(connectortest.Grant{Entitlement: "folder:" + f.rid + ":access", Principal: principal})
		}
	}
	return s
}
