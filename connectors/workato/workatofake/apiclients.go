package workatofake

// API-client endpoints of the fake: GET /api/developer_api_clients and
// GET /api/developer_api_client_roles, in the {"result":{count,items}}
// envelope, paged with page and per_page (≤ 100). No token value is ever
// served.

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

type apiClientJSON struct {
	ID                  int           `json:"id"`
	Name                string        `json:"name"`
	APIPrivilegeGroupID int           `json:"api_privilege_group_id"`
	CreatedAt           string        `json:"created_at"`
	UpdatedAt           string        `json:"updated_at"`
	AllFolders          bool          `json:"all_folders"`
	FolderIDs           []int         `json:"folder_ids"`
	EnvironmentName     string        `json:"environment_name"`
	EnvironmentID       int           `json:"environment_id"`
	IPAllowList         string        `json:"ip_allow_list"`
	Token               tokenInfoJSON `json:"token"`
}

// tokenInfoJSON is what the list shows of a token: only when it was last
// (re)generated, in UTC as in Workato's sample.
type tokenInfoJSON struct {
	UpdatedAt string `json:"updated_at"`
}

type clientRoleJSON struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

type resultJSON[T any] struct {
	Result struct {
		Count int `json:"count"`
		Items []T `json:"items"`
	} `json:"result"`
}

// writeList answers a list in the envelope Options.APIClientsEnvelope
// names.
func writeList[T any](w http.ResponseWriter, env Envelope, out resultJSON[T]) {
	switch env {
	case EnvelopeData:
		fakeapi.WriteJSON(w, http.StatusOK, map[string]any{"data": out.Result.Items, "total": out.Result.Count})
	case EnvelopeBare:
		fakeapi.WriteJSON(w, http.StatusOK, out.Result.Items)
	default:
		fakeapi.WriteJSON(w, http.StatusOK, out)
	}
}

// forbidAPIClients answers 403 when Options.APIClientsForbidden stages a
// client role without the API-client privileges.
func (s *Server) forbidAPIClients(w http.ResponseWriter) bool {
	if !s.opts.APIClientsForbidden {
		return false
	}
	writeMessage(w, http.StatusForbidden, "Forbidden: the API client's role does not allow managing API clients")
	return true
}

func (s *Server) handleAPIClients(w http.ResponseWriter, r *http.Request) {
	if s.forbidAPIClients(w) {
		return
	}
	s.mu.Lock()
	clients := cloneEach(s.ws.Clients, func(c APIClient) APIClient { c.FolderIDs = slices.Clone(c.FolderIDs); return c })
	s.mu.Unlock()
	if s.opts.APIClientsOwnEnv {
		env := clientOf(r).Env
		clients = slices.DeleteFunc(clients, func(c APIClient) bool { return envOf(c.Env) != env })
	}
	var out resultJSON[apiClientJSON]
	out.Result.Count = len(clients)
	out.Result.Items = []apiClientJSON{}
	for _, c := range fakeapi.Paginate(clients, s.pageNumber(r, "page"), queryInt(r, "per_page"), maxPerPage) {
		folders := c.FolderIDs
		if folders == nil || c.AllFolders {
			folders = []int{}
		}
		name := c.Name
		if name == "" {
			name = "API client " + strconv.Itoa(c.ID)
		}
		out.Result.Items = append(out.Result.Items, apiClientJSON{
			ID: c.ID, Name: name, APIPrivilegeGroupID: c.RoleID,
			CreatedAt: wtime(c.CreatedAt), UpdatedAt: wtime(c.UpdatedAt),
			AllFolders: c.AllFolders, FolderIDs: folders,
			EnvironmentName: envNames[c.Env], EnvironmentID: envIDs[c.Env],
			IPAllowList: c.IPAllowList,
			Token:       tokenInfoJSON{UpdatedAt: c.TokenUpdatedAt.UTC().Format("2006-01-02T15:04:05.000Z")},
		})
	}
	writeList(w, s.opts.APIClientsEnvelope, out)
}

// handleClientRoles answers the client roles; their endpoint lists are
// not served (UNCERTAIN whether Workato does).
func (s *Server) handleClientRoles(w http.ResponseWriter, r *http.Request) {
	if s.forbidAPIClients(w) {
		return
	}
	var out resultJSON[clientRoleJSON]
	out.Result.Count = len(s.ws.ClientRoles)
	out.Result.Items = []clientRoleJSON{}
	for _, c := range fakeapi.Paginate(s.ws.ClientRoles, s.pageNumber(r, "page"), queryInt(r, "per_page"), maxPerPage) {
		out.Result.Items = append(out.Result.Items, clientRoleJSON{ID: c.ID, Name: c.Name, CreatedAt: wtime(c.CreatedAt), UpdatedAt: wtime(c.UpdatedAt)})
	}
	writeList(w, s.opts.APIClientsEnvelope, out)
}

// RegenerateToken records that client clientID's token was regenerated
// "in the UI": token.updated_at becomes now and a token_regenerated entry
// (resource type ApiClient) is logged in the client's environment. The
// token value stays the same, so tests can keep calling with it. It
// panics on an unknown client (a bug in the test).
func (s *Server) RegenerateToken(clientID int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.ws.Clients, func(c APIClient) bool { return c.ID == clientID })
	if i < 0 {
		panic("workatofake: RegenerateToken: no API client " + strconv.Itoa(clientID))
	}
	c := &s.ws.Clients[i]
	now := s.clock.Now().Truncate(time.Millisecond)
	c.TokenUpdatedAt, c.UpdatedAt = now, now
	s.logLocked(ActivityEntry{
		Env: c.Env, EventType: EventTokenRegenerated, ResourceType: ResourceAPIClient, UserID: s.ownerIDLocked(),
		ResourceID: strconv.Itoa(c.ID), ResourceName: c.Name, Activity: "token regenerated",
	})
}
