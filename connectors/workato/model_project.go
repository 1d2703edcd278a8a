package workato

// Projects, their grants and their folder trees, per environment, and
// every folder "access" grant: pure derivation from what the load read.

import (
	"sort"
	"strings"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"go.uber.org/zap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
)

// envProject is one project of one environment.
type envProject struct {
	Env string
	P   workatoapi.Project
	RID string
}

// envFolder is one folder of one environment's project tree.
type envFolder struct {
	Env        string
	F          workatoapi.Folder
	RID        string
	Name       string
	Root       bool // the project's root folder
	ProjectRID string
	Parent     *v2.ResourceId // the project (root folder) or the parent folder
}

// projectGrant is one project grant as a grant of a project entitlement.
type projectGrant struct {
	Slug      string         // "role-<project role id>"
	Principal *v2.ResourceId // a collaborator or a group
}

// projectModel holds projects, their grants and folders.
type projectModel struct {
	Projects     []*envProject
	projectByRID map[string]*envProject
	// ProjectGrants: project RID → its grants.
	ProjectGrants map[string][]projectGrant
	folderByRID   map[string]*envFolder
	// Folders: every folder of every tree, in the order placed.
	Folders        []*envFolder
	folderRIDsByID map[workatoapi.ID][]string // Workato folder ID → RIDs (any environment)
	// rootsByEnv: environment → the root folders of its projects.
	rootsByEnv map[string][]*envFolder
	// FolderAccess: folder RID → who has access.
	FolderAccess map[string][]*v2.ResourceId
	// envByWorkatoID maps Workato's environment IDs (from grants) to
	// their type.
	envByWorkatoID map[workatoapi.ID]string
}

// buildProjects derives projects, folder trees and project grants of every
// environment with a token. A project deleted during the sync is left out
// as a whole (the load said so).
func (m *model) buildProjects(in *loaded) error {
	m.projectByRID = map[string]*envProject{}
	m.ProjectGrants = map[string][]projectGrant{}
	m.folderByRID = map[string]*envFolder{}
	m.folderRIDsByID = map[workatoapi.ID][]string{}
	m.rootsByEnv = map[string][]*envFolder{}
	m.envByWorkatoID = map[workatoapi.ID]string{}
	for _, el := range in.Envs {
		for _, p := range el.Projects {
			rid := envResourceID(el.Env, p.ID)
			if el.Vanished[p.ID] {
				continue
			}
			if _, dup := m.projectByRID[rid]; dup {
				continue // listed twice (the list shifted between pages)
			}
			ep := &envProject{Env: el.Env, P: p, RID: rid}
			m.Projects = append(m.Projects, ep)
			m.projectByRID[rid] = ep
			if err := m.buildTree(el, ep); err != nil {
				return err
			}
			if err := m.buildProjectGrants(el, ep); err != nil {
				return err
			}
		}
	}
	return nil
}

// addFolder records f under parent.
func (m *model) addFolder(f *envFolder) {
	m.folderByRID[f.RID] = f
	m.Folders = append(m.Folders, f)
	m.folderRIDsByID[f.F.ID] = append(m.folderRIDsByID[f.F.ID], f.RID)
}

// buildTree builds a project's folder tree from the folders' parent_id:
// the root folder under the project, every other folder under its parent.
// Folders are deduplicated by ID. A folder whose parent is not in the tree
// cannot be placed: the sync fails rather than leave it out.
func (m *model) buildTree(el *envLoaded, ep *envProject) error {
	p := ep.P
	if p.FolderID.IsZero() {
		return nil
	}
	root := &envFolder{
		Env: el.Env, F: workatoapi.Folder{ID: p.FolderID, Name: p.Name, ProjectID: p.ID, IsProject: true},
		RID: envResourceID(el.Env, p.FolderID), Name: p.Name, Root: true, ProjectRID: ep.RID,
		Parent: v2.ResourceId_builder{ResourceType: projectTypeID, Resource: ep.RID}.Build(),
	}
	m.addFolder(root)
	m.rootsByEnv[el.Env] = append(m.rootsByEnv[el.Env], root)

	gone := map[workatoapi.ID]bool{}
	for _, id := range el.GoneFolders {
		gone[id] = true
	}
	byParent := map[workatoapi.ID][]workatoapi.Folder{}
	seen := map[workatoapi.ID]bool{p.FolderID: true}
	n := 0
	for _, f := range el.Folders[p.ID] {
		if seen[f.ID] || gone[f.ID] {
			continue
		}
		seen[f.ID] = true
		byParent[f.ParentID] = append(byParent[f.ParentID], f)
		n++
	}
	placed := 0
	var walk func(parent *envFolder)
	walk = func(parent *envFolder) {
		for _, f := range byParent[parent.F.ID] {
			ef := &envFolder{
				Env: el.Env, F: f, RID: envResourceID(el.Env, f.ID), Name: f.Name, Root: f.IsProject, ProjectRID: ep.RID,
				Parent: v2.ResourceId_builder{ResourceType: folderTypeID, Resource: parent.RID}.Build(),
			}
			m.addFolder(ef)
			placed++
			walk(ef)
		}
	}
	walk(root)
	if placed != n {
		for parent, fs := range byParent {
			if parent != p.FolderID && !seen[parent] {
				return inconsistent("%s: folder %s of project %s has parent %s, which is not in the project's folder tree: refusing a partial tree",
					envWhat(el.Env, "GET "+workatoapi.RouteFolders), fs[0].ID, p.ID, parent)
			}
		}
		return inconsistent("%s: %d folders of project %s are not connected to its root folder %s: refusing a partial tree",
			envWhat(el.Env, "GET "+workatoapi.RouteFolders), n-placed, p.ID, p.FolderID)
	}
	return nil
}

// groupMemberEntitlementID is the ID of a group's "member" entitlement.
func groupMemberEntitlementID(groupRID string) string {
	return groupTypeID + ":" + groupRID + ":" + memberEntitlement
}

// checkTokenEnv refuses a token given for one standard environment that
// belongs to another's API client, as a grant's project environment shows
// (a PROD token given as --workato-test-api-key would otherwise label
// PROD's projects as TEST's, with nothing to say so). Custom environment
// names are ours and need not match Workato's type, so only dev, test and
// prod are compared.
func checkTokenEnv(tokenEnv, projectEnv string, project workatoapi.ID) error {
	standard := func(e string) bool {
		return e == workatoapi.EnvDev || e == workatoapi.EnvTest || e == workatoapi.EnvProd
	}
	pe := strings.ToLower(strings.TrimSpace(projectEnv))
	if !standard(tokenEnv) || !standard(pe) || pe == tokenEnv {
		return nil
	}
	return status.Errorf(codes.InvalidArgument,
		"workato: the token given for the %s environment belongs to an API client of %s (project %s's grants say environment %q): give it with %s instead",
		tokenEnv, pe, project, projectEnv, tokenFlag(pe))
}

// buildProjectGrants keeps every grant of a project as the API states it:
// to a collaborator, or to a group (expanded through the group's members
// by the SDK). A grant to a collaborator or group that is not synced (gone
// during the sync) is left out, said so; a grant naming a project role
// that GET /api/project_roles did not list fails the sync.
func (m *model) buildProjectGrants(el *envLoaded, ep *envProject) error {
	byID := map[workatoapi.ID]*role{}
	byName := map[string]*role{}
	for _, r := range m.Roles {
		if r.Kind == kindProject {
			byID[r.WorkatoID] = r
			byName[strings.ToLower(r.Name)] = r
		}
	}
	seen := map[string]bool{}
	for _, g := range el.Grants[ep.P.ID] {
		if t := g.Project.Environment.Type; !g.Project.Environment.ID.IsZero() && t != "" {
			m.envByWorkatoID[g.Project.Environment.ID] = strings.ToLower(t)
		}
		if err := checkTokenEnv(el.Env, g.Project.Environment.Type, ep.P.ID); err != nil {
			return err
		}
		r, ok := byID[g.ProjectRole.ID]
		if !ok {
			r, ok = byName[strings.ToLower(g.ProjectRole.Name)]
		}
		if !ok {
			return status.Errorf(codes.Internal, "workato: %s grant %s names project role %s (%q) that GET /api/project_roles did not list",
				envWhat(el.Env, "project "+ep.P.ID.String()), g.ID, g.ProjectRole.ID, g.ProjectRole.Name)
		}
		var principal *v2.ResourceId
		switch {
		case g.User != nil && g.UserGroup == nil:
			if !m.isMember(g.User.ID) {
				m.Notes = append(m.Notes, note{
					Msg:    "project grant to a collaborator who is not among the synced collaborators (removed during the sync?); leaving it out",
					Fields: []zap.Field{zap.String("environment", el.Env), zap.String("project", ep.P.ID.String()), zap.String("grant", g.ID.String()), zap.String("collaborator", g.User.ID.String())},
				})
				continue
			}
			principal = collaboratorID(g.User.ID)
		case g.UserGroup != nil && g.User == nil:
			if !m.GroupsListed {
				return status.Errorf(codes.FailedPrecondition, "workato: %s grant %s is to collaborator group %s, but the groups could not be listed",
					envWhat(el.Env, "project "+ep.P.ID.String()), g.ID, g.UserGroup.ID)
			}
			if _, ok := m.group(groupRID(g.UserGroup.ID)); !ok {
				m.Notes = append(m.Notes, note{
					Msg:    "project grant to a collaborator group that GET /api/user_groups did not list (created or deleted during the sync?); leaving it out",
					Fields: []zap.Field{zap.String("environment", el.Env), zap.String("project", ep.P.ID.String()), zap.String("grant", g.ID.String()), zap.String("group", g.UserGroup.ID.String())},
				})
				continue
			}
			principal = groupResourceID(groupRID(g.UserGroup.ID))
		default:
			return inconsistent("%s: grant %s of project %s names %s: want exactly one of user and user_group",
				envWhat(el.Env, "GET "+workatoapi.RouteProjectGrants), g.ID, ep.P.ID, grantHolders(g))
		}
		pg := projectGrant{Slug: projectRoleSlug(r), Principal: principal}
		key := pg.Slug + "|" + principal.GetResourceType() + "/" + principal.GetResource()
		if seen[key] {
			continue
		}
		seen[key] = true
		m.ProjectGrants[ep.RID] = append(m.ProjectGrants[ep.RID], pg)
	}
	return nil
}

func grantHolders(g workatoapi.ProjectGrant) string {
	if g.User == nil && g.UserGroup == nil {
		return "neither"
	}
	return "both"
}

// project returns the project with resource ID rid.
func (m *model) project(rid string) (*envProject, bool) {
	p, ok := m.projectByRID[rid]
	return p, ok
}

// projectRoles returns the RBAC 2.0 project roles, each an entitlement of
// every project.
func (m *model) projectRoles() []*role {
	var out []*role
	for _, r := range m.Roles {
		if r.Kind == kindProject {
			out = append(out, r)
		}
	}
	return out
}

// buildFolderAccess derives every folder "access" grant: legacy custom
// roles' folder_ids (folders of any environment: the role is workspace-
// wide), collaborators' privileges folder_ids (folders of that
// environment), and API clients' scope (see model_apiclient.go). Scopes
// naming folders outside the synced trees (the Home folder, an environment
// without a token) have no folder resource to be granted on.
func (m *model) buildFolderAccess() {
	m.FolderAccess = map[string][]*v2.ResourceId{}
	seen := map[string]bool{}
	grantOn := func(rid string, principal *v2.ResourceId) {
		key := rid + "|" + principal.GetResourceType() + "/" + principal.GetResource()
		if seen[key] {
			return
		}
		seen[key] = true
		m.FolderAccess[rid] = append(m.FolderAccess[rid], principal)
	}
	for _, s := range m.legacyFolders {
		for _, id := range s.FolderIDs {
			if s.Env == "" {
				for _, rid := range m.folderRIDsByID[id] {
					grantOn(rid, s.Principal)
				}
				continue
			}
			if rid := envResourceID(s.Env, id); m.folderByRID[rid] != nil {
				grantOn(rid, s.Principal)
			}
		}
	}
	for _, c := range m.APIClients {
		for _, rid := range c.FolderRIDs {
			grantOn(rid, apiClientResourceID(c.RID))
		}
	}
	for rid := range m.FolderAccess {
		sort.SliceStable(m.FolderAccess[rid], func(i, j int) bool {
			a, b := m.FolderAccess[rid][i], m.FolderAccess[rid][j]
			return a.GetResourceType() < b.GetResourceType()
		})
	}
}

// folder returns the folder with resource ID rid.
func (m *model) folder(rid string) (*envFolder, bool) {
	f, ok := m.folderByRID[rid]
	return f, ok
}

// errUnknown is a resource this sync listed that its own model does not
// hold: never a quiet skip (NotFound would be a warning the SDK drops).
func errUnknown(kind, rid string) error {
	return status.Errorf(codes.Internal, "workato: %s %s was listed by this sync but is not in its workspace model", kind, rid)
}
