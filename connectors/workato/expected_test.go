package workato_test

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
	"github.com/accessgov/baton-connectors/internal/connectortest"
)

// expectOptions are the connector settings that change the expected content.
type expectOptions struct {
	DisableCustomRoles bool
}

// expected is what a sync of ws must write, written out here from the
// fake's data independently of the connector's code.
func expected(ws workatofake.Workspace, o expectOptions) *connectortest.Snapshot {
	s := connectortest.NewSnapshot()
	s.ResourceTypes = []string{"collaborator", "folder", "privilege", "project", "role"}
	id := strconv.Itoa

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

	// Roles.
	type roleX struct {
		rid, name, kind, typ string
		wid                  string
		inheritable          *bool
		privs                workatofake.Privileges
		folders              []int
	}
	var roles []*roleX
	byName := map[string]*roleX{}
	if ws.Migrated {
		for _, r := range ws.EnvironmentRoles {
			x := &roleX{rid: "env:" + r.ID, name: r.Name, kind: "environment", typ: r.Type, wid: r.ID}
			roles = append(roles, x)
			byName[strings.ToLower(r.Name)] = x
		}
		for _, r := range ws.ProjectRoles {
			roles = append(roles, &roleX{rid: "project:" + r.ID, name: r.Name, kind: "project", typ: r.Type, wid: r.ID})
		}
	} else {
		for _, n := range []string{"Admin", "Analyst", "Operator"} {
			x := &roleX{rid: n, name: n, kind: "system"}
			roles = append(roles, x)
			byName[strings.ToLower(n)] = x
		}
		if !o.DisableCustomRoles {
			for _, r := range ws.CustomRoles {
				inh := r.Inheritable
				x := &roleX{rid: id(r.ID), name: r.Name, kind: "custom", wid: id(r.ID), inheritable: &inh, privs: r.Privileges, folders: r.FolderIDs}
				roles = append(roles, x)
				byName[strings.ToLower(r.Name)] = x
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
	resolve := func(mr workatofake.MemberRole) *roleX {
		if x, ok := byName[strings.ToLower(mr.RoleName)]; ok {
			return x
		}
		if o.DisableCustomRoles && !ws.Migrated {
			return nil
		}
		x := &roleX{rid: "name:" + mr.RoleName, name: mr.RoleName, kind: "unlisted"}
		roles = append(roles, x)
		byName[strings.ToLower(mr.RoleName)] = x
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
	folderMembers := map[int]map[int]bool{}
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
			for _, f := range m.FolderIDs[mr.Env] {
				if folderMembers[f] == nil {
					folderMembers[f] = map[int]bool{}
				}
				folderMembers[f][m.ID] = true
			}
		}
	}
	for _, ps := range rolePrivs {
		for p := range ps {
			privs[p] = true
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

	// Projects.
	projectOf := map[int]workatofake.Project{}
	for _, p := range ws.Projects {
		projectOf[p.FolderID] = p
		s.AddResource(connectortest.Resource{
			Type: "project", ID: id(p.ID), DisplayName: p.Name,
			Profile: map[string]string{"id": id(p.ID), "name": p.Name, "description": p.Description, "folder_id": id(p.FolderID)},
		})
		for _, r := range ws.ProjectRoles {
			if !ws.Migrated {
				break
			}
			s.AddEntitlement(connectortest.Entitlement{
				ID: fmt.Sprintf("project:%d:role-%s", p.ID, r.ID), Resource: "project/" + id(p.ID),
				DisplayName: r.Name + " on " + p.Name, GrantableTo: []string{"collaborator"},
			})
		}
	}
	if ws.Migrated {
		for _, g := range ws.ProjectGrants {
			s.AddGrant(connectortest.Grant{Entitlement: fmt.Sprintf("project:%d:role-%s", g.ProjectID, g.RoleID), Principal: "collaborator/" + id(g.MemberID)})
		}
	}

	// Folders: each project's root folder under the project, and every
	// folder below it under its parent.
	children := map[int][]workatofake.Folder{}
	for _, f := range ws.Folders {
		children[f.ParentID] = append(children[f.ParentID], f)
	}
	var walk func(parentKey string, f workatofake.Folder, name string, root bool)
	walk = func(parentKey string, f workatofake.Folder, name string, root bool) {
		p := map[string]string{"id": id(f.ID), "name": name, "is_project_root": strconv.FormatBool(root || f.IsProject)}
		if f.ProjectID != 0 {
			p["project_id"] = id(f.ProjectID)
		}
		s.AddResource(connectortest.Resource{Type: "folder", ID: id(f.ID), Parent: parentKey, DisplayName: name, Profile: p})
		s.AddEntitlement(connectortest.Entitlement{
			ID: "folder:" + id(f.ID) + ":access", Resource: "folder/" + id(f.ID),
			DisplayName: name + " access", GrantableTo: []string{"collaborator", "role"},
		})
		for _, x := range roles {
			for _, fid := range x.folders {
				if fid == f.ID {
					s.AddGrant(connectortest.Grant{Entitlement: "folder:" + id(f.ID) + ":access", Principal: "role/" + x.rid})
				}
			}
		}
		for mid := range folderMembers[f.ID] {
			s.AddGrant(connectortest.Grant{Entitlement: "folder:" + id(f.ID) + ":access", Principal: "collaborator/" + id(mid)})
		}
		for _, c := range children[f.ID] {
			walk("folder/"+id(f.ID), c, c.Name, false)
		}
	}
	for _, p := range ws.Projects {
		if p.FolderID == 0 {
			continue
		}
		root := workatofake.Folder{ID: p.FolderID, ProjectID: p.ID, IsProject: true}
		walk("project/"+id(p.ID), root, p.Name, true)
	}
	return s
}
