package workatofake

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/accessgov/baton-connectors/internal/accounting"
	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// Routes as the fake registers them. They are the keys for Faults
// (fakeapi.Fault.Route); Requests() counts under the method and the path
// part, for example Requests().Count("GET", "/api/members/{id}/privileges").
const (
	RouteMembers          = "GET /api/members"
	RouteMember           = "GET /api/members/{id}"
	RouteMemberPrivileges = "GET /api/members/{id}/privileges"
	RouteUpdateMember     = "PUT /api/members/{id}"
	RouteDeleteMember     = "DELETE /api/members/{id}"
	RouteInvitations      = "POST /api/member_invitations"
	RouteRoles            = "GET /api/roles"
	RouteEnvironmentRoles = "GET /api/environment_roles"
	RouteProjectRoles     = "GET /api/project_roles"
	RouteProjectGrants    = "GET /api/projects/{id}/project_grants"
	RouteFolders          = "GET /api/folders"
	RouteProjects         = "GET /api/projects"
	RouteMe               = "GET /api/users/me"

	RouteGroups               = "GET /api/user_groups"
	RouteGroup                = "GET /api/user_groups/{id}"
	RouteGroupMembers         = "GET /api/user_groups/{id}/members"
	RouteAddGroupMembers      = "POST /api/user_groups/{id}/members"
	RouteRemoveGroupMembers   = "DELETE /api/user_groups/{id}/members"
	RouteGroupProjectGrants   = "GET /api/user_groups/{id}/project_grants"
	RoutePutProjectGrants     = "PUT /api/projects/{id}/project_grants"
	RouteProjectGrant         = "GET /api/project_grants/{id}"
	RouteUpdateProjectGrant   = "PUT /api/project_grants/{id}"
	RouteDeleteProjectGrant   = "DELETE /api/project_grants/{id}"
	RouteMemberProjectGrants  = "GET /api/members/{id}/project_grants"
	RouteMemberProjectsAccess = "GET /api/members/{id}/projects_privileges"
	RouteAPIClients           = "GET /api/developer_api_clients"
	RouteClientRoles          = "GET /api/developer_api_client_roles"
	RouteActivityLogs         = "GET /api/activity_logs"
)

// Endpoints as an API client's role lists them (APIClient.Endpoints).
const (
	EndpointMembers          = "GET /api/members"
	EndpointMember           = "GET /api/members/:id"
	EndpointMemberPrivileges = "GET /api/members/:id/privileges"
	EndpointUpdateMember     = "PUT /api/members/:id"
	EndpointDeleteMember     = "DELETE /api/members/:id"
	EndpointInvitations      = "POST /api/member_invitations"
	EndpointRoles            = "GET /api/roles"
	EndpointEnvironmentRoles = "GET /api/environment_roles"
	EndpointProjectRoles     = "GET /api/project_roles"
	EndpointProjectGrants    = "GET /api/projects/:id/project_grants"
	EndpointFolders          = "GET /api/folders"
	EndpointProjects         = "GET /api/projects"
	EndpointMe               = "GET /api/users/me"

	EndpointGroups               = "GET /api/user_groups"
	EndpointGroup                = "GET /api/user_groups/:id"
	EndpointGroupMembers         = "GET /api/user_groups/:id/members"
	EndpointAddGroupMembers      = "POST /api/user_groups/:id/members"
	EndpointRemoveGroupMembers   = "DELETE /api/user_groups/:id/members"
	EndpointGroupProjectGrants   = "GET /api/user_groups/:id/project_grants"
	EndpointPutProjectGrants     = "PUT /api/projects/:id/project_grants"
	EndpointProjectGrant         = "GET /api/project_grants/:id"
	EndpointUpdateProjectGrant   = "PUT /api/project_grants/:id"
	EndpointDeleteProjectGrant   = "DELETE /api/project_grants/:id"
	EndpointMemberProjectGrants  = "GET /api/members/:id/project_grants"
	EndpointMemberProjectsAccess = "GET /api/members/:id/projects_privileges"
	EndpointAPIClients           = "GET /api/developer_api_clients"
	EndpointClientRoles          = "GET /api/developer_api_client_roles"
	EndpointActivityLogs         = "GET /api/activity_logs"
)

// Rate-limit groups: each allows Options.PerMinute requests per
// Options.MinuteWindow, whatever the token.
const (
	GroupCollaborators    = "collaborators"     // /api/members* and /api/member_invitations
	GroupRoles            = "roles"             // /api/roles
	GroupEnvironmentRoles = "environment_roles" // /api/environment_roles
	GroupProjectRoles     = "project_roles"     // /api/project_roles
	GroupProjectGrants    = "project_grants"    // /api/projects/:id/project_grants and /api/project_grants/:id
	GroupFolders          = "folders"           // /api/folders and /api/projects together
	GroupWorkspace        = "users_me"          // /api/users/me
	GroupUserGroups       = "user_groups"       // /api/user_groups*
	GroupAPIClients       = "api_clients"       // /api/developer_api_clients and /api/developer_api_client_roles
	GroupActivityLogs     = "activity_logs"     // /api/activity_logs
)

// Server is the fake. It is safe for concurrent use.
type Server struct {
	opts    Options
	clock   fakeapi.Clock
	rec     *accounting.Recorder
	faults  *fakeapi.Faults
	limiter *fakeapi.SlidingWindow

	// Read-only after New: API clients and indexes over the parts of the
	// workspace no endpoint changes (roles, projects, folders).
	clients      map[string]APIClient
	envIndex     map[string]int
	customByName map[string]int // → index in ws.CustomRoles
	envRoleByNm  map[string]int // → index in ws.EnvironmentRoles
	folderByID   map[int]int    // → index in ws.Folders
	children     map[int][]int  // parent id (0 = Home) → indexes in ws.Folders
	projectByID  map[int]int    // → index in ws.Projects

	hostsMu sync.Mutex
	hosts   map[string]*fakeapi.Router

	mu          sync.Mutex
	ws          Workspace
	invitations []Invitation
	invitedAt   map[string]time.Time // lower-cased email → last accepted invitation
	nextMember  int
	nextInvite  int
	nextGrant   int              // salt for new grant ids
	nextLog     int              // id of the next activity entry
	idpMembers  map[string][]int // IdP-managed group id → its members as the IdP has them
	lastLog     map[int]int      // member id → id of their last_activity_log, once SignIn set it

	staged staging
}

// New returns a Server serving ws. It copies ws, so the caller may keep
// using it. It panics when ws breaks Workspace.Validate: a broken dataset
// is a bug in the test.
func New(ws Workspace, opts Options) *Server {
	if err := ws.Validate(); err != nil {
		panic("workatofake: invalid workspace: " + err.Error())
	}
	opts = opts.withDefaults()
	ws = ws.Clone()
	if ws.ID == 0 {
		ws.ID = 1000
	}
	ws.HomeFolderID = ws.homeFolderID()
	s := &Server{
		opts:         opts,
		clock:        opts.Clock,
		rec:          &accounting.Recorder{},
		faults:       &fakeapi.Faults{},
		clients:      make(map[string]APIClient, len(ws.Clients)),
		envIndex:     make(map[string]int, len(ws.Environments)),
		customByName: make(map[string]int, len(ws.CustomRoles)),
		envRoleByNm:  make(map[string]int, len(ws.EnvironmentRoles)),
		folderByID:   make(map[int]int, len(ws.Folders)),
		children:     make(map[int][]int),
		projectByID:  make(map[int]int, len(ws.Projects)),
		hosts:        make(map[string]*fakeapi.Router),
		ws:           ws,
		invitedAt:    make(map[string]time.Time),
		nextInvite:   70001,
	}
	s.limiter = fakeapi.NewSlidingWindow(opts.PerMinute, opts.MinuteWindow, s.clock.Now)
	for i := range s.ws.Clients {
		if s.ws.Clients[i].ID == 0 {
			s.ws.Clients[i].ID = 40001 + i
		}
		c := s.ws.Clients[i]
		s.clients[c.Token] = c
	}
	s.nextLog = 90001
	for _, a := range ws.Activity {
		s.nextLog = max(s.nextLog, a.ID+1)
	}
	// A member whose last_activity_log is in the DEV log shows that
	// entry's id.
	s.lastLog = map[int]int{}
	for _, m := range ws.Members {
		for _, a := range ws.Activity {
			if a.UserID == m.ID && envOf(a.Env) == EnvDev && a.CreatedAt.Equal(m.LastActivityAt) {
				s.lastLog[m.ID] = a.ID
			}
		}
	}
	s.idpMembers = map[string][]int{}
	for _, g := range ws.Groups {
		if g.IdPManaged && !g.System {
			s.idpMembers[g.ID] = slices.Clone(g.MemberIDs)
		}
	}
	for i, e := range ws.Environments {
		s.envIndex[e] = i
	}
	for i, r := range ws.CustomRoles {
		s.customByName[r.Name] = i
	}
	for i, r := range ws.EnvironmentRoles {
		s.envRoleByNm[r.Name] = i
	}
	for i, f := range ws.Folders {
		s.folderByID[f.ID] = i
		s.children[f.ParentID] = append(s.children[f.ParentID], i)
	}
	for i, p := range ws.Projects {
		s.projectByID[p.ID] = i
	}
	for _, m := range ws.Members {
		s.nextMember = max(s.nextMember, m.ID)
	}
	s.nextMember++
	for i := range s.ws.Members {
		s.sortRolesLocked(&s.ws.Members[i])
	}
	return s
}

// Handler returns the host of one data center ("us", "eu", …; see
// DataCenters): a token works only on the host of its own data center,
// elsewhere it answers 401. Every host shares the workspace, the request
// counts, the fault script and the rate limits. It panics on an unknown
// data center.
func (s *Server) Handler(dataCenter string) http.Handler {
	dc := strings.ToLower(dataCenter)
	if !slices.Contains(DataCenters(), dc) {
		panic(fmt.Sprintf("workatofake: unknown data center %q (want one of %s)", dataCenter, strings.Join(DataCenters(), ", ")))
	}
	s.hostsMu.Lock()
	defer s.hostsMu.Unlock()
	if rt, ok := s.hosts[dc]; ok {
		return rt
	}
	rt := fakeapi.NewRouter(
		fakeapi.WithRecorder(s.rec),
		fakeapi.WithFaults(s.faults),
		fakeapi.WithNotFound(func(w http.ResponseWriter, _ *http.Request) {
			writeMessage(w, http.StatusNotFound, msgNotFound)
		}),
	)
	for _, ep := range s.endpoints() {
		h := s.guard(dc, ep)
		if s.opts.RBACErrorsForm && rbacGroups[ep.group] {
			h = errorsForm(h)
		}
		rt.Handle(ep.route, s.stage(ep.route, h))
	}
	s.hosts[dc] = rt
	return rt
}

// Start serves the host of dataCenter on 127.0.0.1 at a random port (see
// fakeapi.Start). It returns the base URL ("http://127.0.0.1:PORT", no
// trailing slash; the paths start with /api) and a stop function that
// closes the listener and every connection.
func (s *Server) Start(dataCenter string) (baseURL string, stop func()) {
	return fakeapi.Start(s.Handler(dataCenter))
}

// TB is the part of testing.TB that NewTestServer needs (so the package
// does not link the testing package into the workato-fake command).
type TB = fakeapi.TB

// NewTestServer starts a Server serving ws on the host of dataCenter for
// the length of a test (t is usually a *testing.T) and returns it with the
// base URL.
func NewTestServer(t TB, ws Workspace, opts Options, dataCenter string) (*Server, string) {
	t.Helper()
	s := New(ws, opts)
	return s, fakeapi.StartForTest(t, s.Handler(dataCenter))
}

// Faults returns the fault script applied before every handler, on every
// host.
func (s *Server) Faults() *fakeapi.Faults { return s.faults }

// Requests returns the per-route request counts of every host.
func (s *Server) Requests() *accounting.Recorder { return s.rec }

// Workspace returns a deep copy of the current state: members, groups,
// project grants, API clients' token times and the activity log as the
// API writes and the admin mutations (SignIn, SetMemberRole, …) changed
// them, everything else as given; API clients' IDs filled in.
func (s *Server) Workspace() Workspace {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ws.Clone()
}

// Invitations returns the pending invitations, oldest first.
func (s *Server) Invitations() []Invitation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneEach(s.invitations, func(in Invitation) Invitation {
		in.EnvRoles = slices.Clone(in.EnvRoles)
		in.GroupIDs = slices.Clone(in.GroupIDs)
		return in
	})
}

// AcceptInvitation turns the pending invitation of email into a member, as
// when the person accepts it, and returns the member. It reports false
// when there is no such invitation or the workspace is full.
func (s *Server) AcceptInvitation(email string) (Member, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.invitations, func(in Invitation) bool { return strings.EqualFold(in.Email, email) })
	if i < 0 || (!s.ws.NoMemberCap && len(s.ws.Members) >= MaxMembers) {
		return Member{}, false
	}
	in := s.invitations[i]
	s.invitations = slices.Delete(s.invitations, i, i+1)
	m := Member{
		ID:        s.nextMember,
		Name:      in.Name,
		Email:     in.Email,
		GrantType: GrantTeam,
		TimeZone:  "Pacific Time (US & Canada)",
		CreatedAt: s.clock.Now().Truncate(time.Millisecond),
	}
	s.nextMember++
	s.applyRolesLocked(&m, in.EnvRoles)
	s.ws.Members = append(s.ws.Members, m)
	for _, gid := range in.GroupIDs {
		if gi := slices.IndexFunc(s.ws.Groups, func(g Group) bool { return g.ID == gid }); gi >= 0 && !s.ws.Groups[gi].System {
			s.addToGroupLocked(gi, m.ID, EnvDev, m.ID, "invitation accepted")
		}
	}
	return m.clone(), true
}

// endpoint is one route with what guards it.
type endpoint struct {
	route     string // mux pattern
	name      string // allow-list spelling
	privilege string // the client-role privilege's name in Workato's UI
	group     string // rate-limit group
	devOnly   bool   // needs a DEV API client
	h         func(w http.ResponseWriter, r *http.Request)
}

func (s *Server) endpoints() []endpoint {
	return []endpoint{
		{RouteMembers, EndpointMembers, "Get collaborators", GroupCollaborators, true, s.handleMembers},
		{RouteMember, EndpointMember, "Get collaborator", GroupCollaborators, true, s.handleMember},
		{RouteMemberPrivileges, EndpointMemberPrivileges, "Get collaborator privileges", GroupCollaborators, true, s.handlePrivileges},
		{RouteUpdateMember, EndpointUpdateMember, "Update collaborators' roles", GroupCollaborators, true, s.handleUpdateMember},
		{RouteDeleteMember, EndpointDeleteMember, "Delete collaborator", GroupCollaborators, true, s.handleDeleteMember},
		{RouteInvitations, EndpointInvitations, "Invite collaborator", GroupCollaborators, true, s.handleInvite},
		{RouteRoles, EndpointRoles, "List non-system roles", GroupRoles, false, s.handleRoles},
		{RouteEnvironmentRoles, EndpointEnvironmentRoles, "List environment roles", GroupEnvironmentRoles, false, s.handleEnvironmentRoles},
		{RouteProjectRoles, EndpointProjectRoles, "List project roles", GroupProjectRoles, false, s.handleProjectRoles},
		{RouteProjectGrants, EndpointProjectGrants, "List project grants", GroupProjectGrants, false, s.handleProjectGrants},
		{RouteFolders, EndpointFolders, "List folders", GroupFolders, false, s.handleFolders},
		{RouteProjects, EndpointProjects, "List projects", GroupFolders, false, s.handleProjects},
		{RouteMe, EndpointMe, "Get details", GroupWorkspace, true, s.handleMe},

		{RouteGroups, EndpointGroups, "List collaborator groups", GroupUserGroups, s.opts.GroupsDevOnly, s.handleGroups},
		{RouteGroup, EndpointGroup, "Get collaborator group", GroupUserGroups, s.opts.GroupsDevOnly, s.handleGroup},
		{RouteGroupMembers, EndpointGroupMembers, "List collaborator group members", GroupUserGroups, s.opts.GroupsDevOnly, s.handleGroupMembers},
		{RouteAddGroupMembers, EndpointAddGroupMembers, "Add collaborator group members", GroupUserGroups, s.opts.GroupsDevOnly, s.handleAddGroupMembers},
		{RouteRemoveGroupMembers, EndpointRemoveGroupMembers, "Remove collaborator group members", GroupUserGroups, s.opts.GroupsDevOnly, s.handleRemoveGroupMembers},
		{RouteGroupProjectGrants, EndpointGroupProjectGrants, "List collaborator group project grants", GroupUserGroups, s.opts.GroupsDevOnly, s.handleGroupProjectGrants},
		{RoutePutProjectGrants, EndpointPutProjectGrants, "Add or update project grants", GroupProjectGrants, false, s.handlePutProjectGrants},
		{RouteProjectGrant, EndpointProjectGrant, "Get project grant", GroupProjectGrants, false, s.handleProjectGrant},
		{RouteUpdateProjectGrant, EndpointUpdateProjectGrant, "Update project grant", GroupProjectGrants, false, s.handleUpdateProjectGrant},
		{RouteDeleteProjectGrant, EndpointDeleteProjectGrant, "Delete project grant", GroupProjectGrants, false, s.handleDeleteProjectGrant},
		{RouteMemberProjectGrants, EndpointMemberProjectGrants, "Get collaborator project grants", GroupCollaborators, true, s.handleMemberProjectGrants},
		{RouteMemberProjectsAccess, EndpointMemberProjectsAccess, "Get collaborator projects privileges", GroupCollaborators, true, s.handleMemberProjectsPrivileges},
		{RouteAPIClients, EndpointAPIClients, "List API clients", GroupAPIClients, s.opts.APIClientsDevOnly, s.handleAPIClients},
		{RouteClientRoles, EndpointClientRoles, "List API client roles", GroupAPIClients, s.opts.APIClientsDevOnly, s.handleClientRoles},
		{RouteActivityLogs, EndpointActivityLogs, "List activity logs", GroupActivityLogs, false, s.handleActivityLogs},
	}
}

// clientKey is the request-context key of the calling API client.
type clientKey struct{}

// clientOf returns the API client that made r (set by guard).
func clientOf(r *http.Request) APIClient {
	c, _ := r.Context().Value(clientKey{}).(APIClient)
	return c
}

// guard checks, in order: the bearer token and its data center (401), the
// client role's allow-list (403), DEV access where needed (403) and the
// endpoint group's rate limit (429); then waits Options.Latency and runs
// the handler.
func (s *Server) guard(dc string, ep endpoint) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := fakeapi.BearerToken(r)
		c, known := s.clients[tok]
		if !ok || !known || c.DataCenter != dc {
			writeMessage(w, http.StatusUnauthorized, msgUnauthorized)
			return
		}
		if c.Endpoints != nil && !slices.Contains(c.Endpoints, ep.name) {
			writeMessage(w, http.StatusForbidden, fmt.Sprintf(
				"Forbidden: the API client's role does not allow %q (%s); add this privilege to the client role", ep.privilege, ep.name))
			return
		}
		if ep.devOnly && c.Env != EnvDev {
			what := "Collaborator endpoints"
			switch ep.group {
			case GroupWorkspace:
				what = "Workspace details (GET /api/users/me)"
			case GroupUserGroups:
				what = "Collaborator group endpoints"
			case GroupAPIClients:
				what = "API client endpoints"
			}
			writeMessage(w, http.StatusForbidden, fmt.Sprintf(
				"Forbidden: %s need a DEV API client; this API client belongs to the %s environment", what, strings.ToUpper(c.Env)))
			return
		}
		if allowed, wait := s.limiter.Allow(ep.group); !allowed {
			s.tooMany(w, wait)
			return
		}
		if !sleepCtx(r.Context(), s.opts.Latency) {
			return
		}
		ep.h(w, r.WithContext(context.WithValue(r.Context(), clientKey{}, c)))
	}
}

// tooMany answers 429, with Retry-After unless the options leave it out.
func (s *Server) tooMany(w http.ResponseWriter, wait time.Duration) {
	if !s.opts.OmitRetryAfter {
		w.Header().Set("Retry-After", fmt.Sprint(retrySeconds(wait)))
	}
	writeMessage(w, http.StatusTooManyRequests, msgTooMany)
}

// sleepCtx and retrySeconds are fakeapi's, under the names the handlers
// use.
var (
	sleepCtx     = fakeapi.SleepCtx
	retrySeconds = fakeapi.RetrySeconds
)

func lower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
