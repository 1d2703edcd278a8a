package workato

// API clients and client roles of the model: each API client with its
// environment, its client role and its folder scope. Read only; the token
// is never read into the model.

import (
	"strings"

	"go.uber.org/zap"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
)

// apiClient is one API client and what it holds.
type apiClient struct {
	C          workatoapi.APIClient
	Env        string // its environment, as this connector names them
	RID        string
	RoleRID    string   // its client role's resource ID, "" if none
	FolderRIDs []string // folders its scope gives access to
}

// clientRole is one client role: listed, or only named by an API client.
type clientRole struct {
	R      workatoapi.ClientRole
	RID    string
	Listed bool
}

// apiClientModel holds API clients and client roles.
type apiClientModel struct {
	APIClientsListed  bool
	APIClients        []*apiClient
	apiClientByRID    map[string]*apiClient
	ClientRoles       []*clientRole
	clientRoleByRID   map[string]*clientRole
	ClientRoleHolders map[string][]string // client role RID → API client RIDs
}

func apiClientRID(id workatoapi.ID) string  { return id.String() }
func clientRoleRID(id workatoapi.ID) string { return id.String() }

// buildAPIClients keeps every API client of every environment's list
// (deduplicated by ID: a token may see other environments' clients too),
// its client role (a role no list returned is kept by its ID, so the grant
// is never lost) and its scope as folder grants in its own environment.
func (m *model) buildAPIClients(in *loaded) {
	m.apiClientByRID = map[string]*apiClient{}
	m.clientRoleByRID = map[string]*clientRole{}
	m.ClientRoleHolders = map[string][]string{}
	known := map[string]bool{}
	for _, e := range in.TokenEnvs {
		known[e] = true
	}
	for _, el := range in.Envs {
		for _, r := range el.ClientRoles {
			rid := clientRoleRID(r.ID)
			if _, ok := m.clientRoleByRID[rid]; ok || r.ID.IsZero() {
				continue
			}
			cr := &clientRole{R: r, RID: rid, Listed: true}
			m.ClientRoles = append(m.ClientRoles, cr)
			m.clientRoleByRID[rid] = cr
		}
	}
	for _, el := range in.Envs {
		if el.APIClientsListed {
			m.APIClientsListed = true
		}
		for _, c := range el.APIClients {
			rid := apiClientRID(c.ID)
			if _, ok := m.apiClientByRID[rid]; ok || c.ID.IsZero() {
				continue
			}
			ac := &apiClient{C: c, RID: rid, Env: apiClientEnv(c, el.Env, m.envByWorkatoID, known)}
			m.APIClients = append(m.APIClients, ac)
			m.apiClientByRID[rid] = ac
			if hasClientRole(c) {
				ac.RoleRID = clientRoleRID(c.RoleID)
				if _, ok := m.clientRoleByRID[ac.RoleRID]; !ok {
					cr := &clientRole{R: workatoapi.ClientRole{ID: c.RoleID}, RID: ac.RoleRID}
					m.ClientRoles = append(m.ClientRoles, cr)
					m.clientRoleByRID[ac.RoleRID] = cr
				}
				m.ClientRoleHolders[ac.RoleRID] = append(m.ClientRoleHolders[ac.RoleRID], rid)
			}
			ac.FolderRIDs = m.apiClientScope(ac)
		}
	}
}

// hasClientRole reports whether c names a client role (0 is none: Workato
// IDs start at 1).
func hasClientRole(c workatoapi.APIClient) bool { return !c.RoleID.IsZero() && c.RoleID != "0" }

// apiClientScope maps an API client's scope to folders of its environment.
// UNCERTAIN (reference §2.9): whether folder_ids are project root folders,
// any folders or project IDs is not documented. A folder_id is taken as a
// folder of the environment's trees; failing that, as a project ID (its
// root folder). all_folders gives every project's root folder.
func (m *model) apiClientScope(ac *apiClient) []string {
	if ac.C.AllFolders {
		var out []string
		for _, f := range m.rootsByEnv[ac.Env] {
			out = append(out, f.RID)
		}
		return out
	}
	var out []string
	for _, id := range ac.C.FolderIDs {
		if rid := envResourceID(ac.Env, id); m.folderByRID[rid] != nil {
			out = append(out, rid)
			continue
		}
		if p, ok := m.project(envResourceID(ac.Env, id)); ok && !p.P.FolderID.IsZero() {
			out = append(out, envResourceID(ac.Env, p.P.FolderID))
			continue
		}
		m.Notes = append(m.Notes, note{
			Msg:    "API client scope names a folder that is in no synced folder tree of its environment; that scope entry is not synced",
			Fields: []zap.Field{zap.String("api_client", ac.RID), zap.String("environment", ac.Env), zap.String("folder", id.String())},
		})
	}
	return out
}

// apiClientEnv is the environment an API client belongs to. UNCERTAIN
// (reference §2.9): the list gives environment_name ("Development" in the
// sample) and environment_id. The ID is matched against the environment
// IDs project grants carry; then the name, in its long or short form;
// then the environment whose token listed the client.
func apiClientEnv(c workatoapi.APIClient, listedBy string, byWorkatoID map[workatoapi.ID]string, known map[string]bool) string {
	if e, ok := byWorkatoID[c.EnvironmentID]; ok && !c.EnvironmentID.IsZero() {
		return e
	}
	name := strings.ToLower(strings.TrimSpace(c.EnvironmentName))
	switch name {
	case "":
		return listedBy
	case "development", "develop":
		return workatoapi.EnvDev
	case "testing":
		return workatoapi.EnvTest
	case "production":
		return workatoapi.EnvProd
	}
	if known[name] || validEnvName(name) {
		return name
	}
	if n := strings.ReplaceAll(name, " ", "-"); validEnvName(n) {
		return n
	}
	return listedBy
}

// apiClient returns the API client with resource ID rid.
func (m *model) apiClient(rid string) (*apiClient, bool) {
	c, ok := m.apiClientByRID[rid]
	return c, ok
}

// clientRole returns the client role with resource ID rid.
func (m *model) clientRole(rid string) (*clientRole, bool) {
	r, ok := m.clientRoleByRID[rid]
	return r, ok
}
