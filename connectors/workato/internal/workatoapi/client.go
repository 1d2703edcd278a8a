package workatoapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/accessgov/baton-connectors/internal/httpx"
	"github.com/accessgov/baton-connectors/internal/ratelimit"
)

// Routes, as request accounting names them.
const (
	RouteMembers          = "/api/members"
	RouteMember           = "/api/members/:id"
	RouteMemberPrivileges = "/api/members/:id/privileges"
	RouteInvitations      = "/api/member_invitations"
	RouteRoles            = "/api/roles"
	RouteEnvironmentRoles = "/api/environment_roles"
	RouteProjectRoles     = "/api/project_roles"
	RouteProjectGrants    = "/api/projects/:id/project_grants"
	RouteProjects         = "/api/projects"
	RouteFolders          = "/api/folders"
	RouteMe               = "/api/users/me"
	RouteGroups           = "/api/user_groups"
	RouteGroupMembers     = "/api/user_groups/:id/members"
	RouteProjectGrant     = "/api/project_grants/:id"
	RouteAPIClients       = "/api/developer_api_clients"
	RouteClientRoles      = "/api/developer_api_client_roles"
	RouteActivityLogs     = "/api/activity_logs"
)

// Rate-limit groups: Workato allows 60 requests a minute per group.
const (
	GroupCollaborators    = "collaborators"
	GroupRoles            = "roles"
	GroupEnvironmentRoles = "environment_roles"
	GroupProjectRoles     = "project_roles"
	GroupProjectGrants    = "project_grants"
	GroupFolders          = "folders" // folders and projects
	GroupWorkspace        = "workspace"
	GroupUserGroups       = "user_groups"   // collaborator groups and their members
	GroupAPIClients       = "api_clients"   // API clients and client roles
	GroupActivityLogs     = "activity_logs" // the activity audit log
)

// Groups lists every rate-limit group.
var Groups = []string{
	GroupCollaborators, GroupRoles, GroupEnvironmentRoles, GroupProjectRoles, GroupProjectGrants, GroupFolders, GroupWorkspace,
	GroupUserGroups, GroupAPIClients, GroupActivityLogs,
}

// privilegeNames are the client-role privileges as Workato's API client
// screen names them, for 403 messages. The collaborator, role, folder and
// workspace names and those of the API clients and the audit log are the
// ones Workato's own platform CLI documents (docs/PERMISSIONS.md of
// workato-devs/workato-platform-cli). UNCERTAIN: the names for collaborator
// groups, project roles and project grants are guesses, taken from the
// descriptions in those endpoints' quick-reference tables.
var privilegeNames = map[string]string{
	"GET " + RouteMembers:          "Get collaborators",
	"GET " + RouteMember:           "Get collaborator",
	"PUT " + RouteMember:           "Update collaborators' roles",
	"DELETE " + RouteMember:        "Delete collaborator",
	"GET " + RouteMemberPrivileges: "Get collaborator privileges",
	"POST " + RouteInvitations:     "Invite collaborator",
	"GET " + RouteRoles:            "List non-system roles",
	"GET " + RouteEnvironmentRoles: "List environment roles",
	"GET " + RouteProjectRoles:     "List project roles",
	"GET " + RouteProjectGrants:    "List project grants",
	"GET " + RouteProjects:         "List projects",
	"GET " + RouteFolders:          "List folders",
	"GET " + RouteMe:               "Get details",
	"GET " + RouteGroups:           "List collaborator groups",
	"GET " + RouteGroupMembers:     "List collaborator group members",
	"POST " + RouteGroupMembers:    "Add members to a collaborator group",
	"DELETE " + RouteGroupMembers:  "Remove members from a collaborator group",
	"PUT " + RouteProjectGrants:    "Add or update project grants",
	"GET " + RouteProjectGrant:     "Get a project grant",
	"DELETE " + RouteProjectGrant:  "Delete a project grant",
	"GET " + RouteAPIClients:       "List API clients",
	"GET " + RouteClientRoles:      "List API client roles",
	"GET " + RouteActivityLogs:     "Get audit log",
}

// Client calls one Workato workspace. It is safe for concurrent use.
type Client struct {
	http      *httpx.Client
	base      string
	tokenFlag string // the flag that gave the token, for a 401's message
}

// DefaultTokenFlag is the flag a 401's message names when New is given no
// TokenFlag.
const DefaultTokenFlag = "--workato-api-key" //nolint:gosec // a flag name, not a credential

// Option configures a Client.
type Option func(*Client)

// TokenFlag names the flag the client's token came from (for example
// --workato-prod-api-key), so a rejected token says which one to fix.
func TokenFlag(flag string) Option { return func(c *Client) { c.tokenFlag = flag } }

// New returns a client for the API at baseURL.
func New(h *httpx.Client, baseURL string, opts ...Option) *Client {
	c := &Client{http: h, base: strings.TrimRight(baseURL, "/"), tokenFlag: DefaultTokenFlag}
	for _, o := range opts {
		o(c)
	}
	return c
}

// NoTotal is the total of a list answer that carries none.
const NoTotal = -1

// ListMembers returns collaborators and the answer's "total" (NoTotal if
// absent). Workato documents no paging here: page 0 sends none (the normal
// call); page > 0 asks for that page of perPage, for a workspace whose
// total says the first answer was not all.
func (c *Client) ListMembers(ctx context.Context, page, perPage int) ([]Member, int, error) {
	var env struct {
		Data  *[]Member `json:"data"`
		Total *int      `json:"total"`
	}
	var q url.Values
	if page > 0 {
		q = url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(perPage)}}
	}
	if err := c.get(ctx, RouteMembers, GroupCollaborators, "/api/members", q, &env); err != nil {
		return nil, 0, err
	}
	if env.Data == nil {
		return nil, 0, malformed("GET", RouteMembers, errors.New(`response has no "data" list`))
	}
	return *env.Data, totalOf(env.Total), nil
}

func totalOf(t *int) int {
	if t == nil {
		return NoTotal
	}
	return *t
}

// GetMember returns one collaborator. The envelope is {"data":{...}}, or a
// bare object.
func (c *Client) GetMember(ctx context.Context, id ID) (*Member, error) {
	var raw json.RawMessage
	if err := c.get(ctx, RouteMember, GroupCollaborators, "/api/members/"+id.String(), nil, &raw); err != nil {
		return nil, err
	}
	m, err := decodeMember(raw)
	if err != nil {
		return nil, malformed("GET", RouteMember, err)
	}
	return m, nil
}

func decodeMember(raw json.RawMessage) (*Member, error) {
	var env struct {
		Data *Member `json:"data"`
	}
	if err := json.Unmarshal(raw, &env); err == nil && env.Data != nil && !env.Data.ID.IsZero() {
		return env.Data, nil
	}
	var m Member
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if m.ID.IsZero() {
		return nil, errors.New("no collaborator in the response")
	}
	return &m, nil
}

// MemberPrivileges returns a collaborator's role, privileges and folders in
// each environment where they have access.
func (c *Client) MemberPrivileges(ctx context.Context, id ID) ([]EnvPrivileges, error) {
	var env struct {
		Data  *[]EnvPrivileges `json:"data"`
		Total *int             `json:"total"`
	}
	if err := c.get(ctx, RouteMemberPrivileges, GroupCollaborators, "/api/members/"+id.String()+"/privileges", nil, &env); err != nil {
		return nil, err
	}
	if env.Data == nil {
		return nil, malformed("GET", RouteMemberPrivileges, errors.New(`response has no "data" list`))
	}
	if env.Total != nil && *env.Total > len(*env.Data) {
		return nil, malformed("GET", RouteMemberPrivileges, fmt.Errorf("the answer says total %d but holds %d entries (the endpoint is not paged)", *env.Total, len(*env.Data)))
	}
	return *env.Data, nil
}

// ListRoles returns one page (1-based) of legacy custom roles.
func (c *Client) ListRoles(ctx context.Context, page int) ([]Role, error) {
	var out []Role
	q := url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(PageSize)}}
	if err := c.list(ctx, RouteRoles, GroupRoles, "/api/roles", q, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// ListEnvironmentRoles returns one page (1-based) of RBAC 2.0 environment
// roles and the total (NoTotal if absent).
func (c *Client) ListEnvironmentRoles(ctx context.Context, page int) ([]RBACRole, int, error) {
	return c.listRBACRoles(ctx, RouteEnvironmentRoles, GroupEnvironmentRoles, page)
}

// ListProjectRoles returns one page (1-based) of RBAC 2.0 project roles and
// the total.
func (c *Client) ListProjectRoles(ctx context.Context, page int) ([]RBACRole, int, error) {
	return c.listRBACRoles(ctx, RouteProjectRoles, GroupProjectRoles, page)
}

func (c *Client) listRBACRoles(ctx context.Context, route, group string, page int) ([]RBACRole, int, error) {
	var env struct {
		Data  *[]RBACRole `json:"data"`
		Total *int        `json:"total"`
	}
	q := url.Values{"page[number]": {strconv.Itoa(page)}, "page[size]": {strconv.Itoa(PageSize)}}
	if err := c.get(ctx, route, group, route, q, &env); err != nil {
		return nil, 0, err
	}
	if env.Data == nil {
		return nil, 0, malformed("GET", route, errors.New(`response has no "data" list`))
	}
	return *env.Data, totalOf(env.Total), nil
}

// ListProjects returns one page (1-based) of projects.
func (c *Client) ListProjects(ctx context.Context, page int) ([]Project, error) {
	var out []Project
	q := url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(PageSize)}}
	if err := c.list(ctx, RouteProjects, GroupFolders, "/api/projects", q, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// UpdateMemberRoles sets the collaborator's role in each listed environment
// (NoAccess removes access) and returns the collaborator as Workato
// answered, or nil if the answer did not carry one.
func (c *Client) UpdateMemberRoles(ctx context.Context, id ID, roles []EnvRole) (*Member, error) {
	body, err := json.Marshal(map[string]any{"env_roles": roles})
	if err != nil {
		return nil, err
	}
	// Built from an earlier read: never replayed once Workato may have
	// acted on it (the caller re-reads and rebuilds instead).
	var raw json.RawMessage
	if err := c.send(httpx.WithNoReplay(ctx), http.MethodPut, RouteMember, GroupCollaborators, "/api/members/"+id.String(), body, &raw); err != nil {
		return nil, err
	}
	if len(raw) == 0 {
		return nil, nil // an empty 2xx: callers read the collaborator again
	}
	m, err := decodeMember(raw)
	if err != nil {
		return nil, nil //nolint:nilerr // the PUT answer's shape is undocumented; callers read the collaborator again
	}
	return m, nil
}

// DeleteMember removes a collaborator from the workspace.
func (c *Client) DeleteMember(ctx context.Context, id ID) error {
	return c.send(ctx, http.MethodDelete, RouteMember, GroupCollaborators, "/api/members/"+id.String(), nil, nil)
}

// InviteMember sends an invitation; the person becomes a collaborator only
// when they accept it. groupIDs, when not empty, are the collaborator
// groups the invitee joins, sent as user_group_ids (strings, as Workato
// documents them); nil invites into no group.
func (c *Client) InviteMember(ctx context.Context, name, email string, roles []EnvRole, groupIDs []ID) (*Invitation, error) {
	req := map[string]any{"name": name, "email": email, "env_roles": roles}
	if len(groupIDs) > 0 {
		ids := make([]string, len(groupIDs))
		for i, g := range groupIDs {
			ids[i] = g.String()
		}
		req["user_group_ids"] = ids
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	var raw json.RawMessage
	if err := c.send(ctx, http.MethodPost, RouteInvitations, GroupCollaborators, "/api/member_invitations", body, &raw); err != nil {
		return nil, err
	}
	if len(raw) == 0 {
		return &Invitation{Email: email, Name: name, EnvRoles: roles}, nil // an empty 2xx: sent, no ID known
	}
	var env struct {
		Data *Invitation `json:"data"`
	}
	if err := json.Unmarshal(raw, &env); err == nil && env.Data != nil {
		return env.Data, nil
	}
	var inv Invitation
	if err := json.Unmarshal(raw, &inv); err != nil {
		return nil, malformed("POST", RouteInvitations, err)
	}
	return &inv, nil
}

// get reads a JSON answer into out. The body is read whole first and
// decoded here, so every decoding failure (a field of the wrong type, an
// ID that is an object) is an httpx.MalformedError naming the route and the
// field: code Internal, which ends the run at once instead of being
// retried.
func (c *Client) get(ctx context.Context, route, group, path string, q url.Values, out any) error {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	ctx = httpx.WithRoute(ctx, route)
	ctx = httpx.WithLimitKeys(ctx, ratelimit.Key{Class: group})
	var raw json.RawMessage
	if err := c.http.GetJSON(ctx, u, nil, &raw); err != nil {
		return c.explain("GET", route, err)
	}
	return decode("GET", route, raw, out)
}

// decode unmarshals a 2xx body into out, as an httpx.MalformedError on failure.
func decode(method, route string, raw json.RawMessage, out any) error {
	if r, ok := out.(*json.RawMessage); ok {
		*r = raw
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return malformed(method, route, decodeProblem(err))
	}
	return nil
}

// decodeProblem says which field could not be decoded, and why.
func decodeProblem(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return &fieldError{field: te.Field, err: fmt.Errorf("cannot read a JSON %s as %s", te.Value, te.Type)}
	}
	return err
}

// list reads a bare JSON array into out, refusing anything else.
func (c *Client) list(ctx context.Context, route, group, path string, q url.Values, out any) error {
	var raw json.RawMessage
	if err := c.get(ctx, route, group, path, q, &raw); err != nil {
		return err
	}
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '[' {
		return malformed("GET", route, errors.New("response is not a JSON array"))
	}
	return decode("GET", route, raw, out)
}

// send makes a write request. The transport retries it as its method
// allows: PUT and DELETE are idempotent and retried on 5xx and lost
// connections, unless ctx carries httpx.WithNoReplay (a read-modify-write
// PUT); POST is retried only when the server certainly did not act on it
// (a refused connection, a 429). An empty 2xx answer (204, or 200 with no
// body) is success and leaves out untouched.
func (c *Client) send(ctx context.Context, method, route, group, path string, body []byte, out any) error {
	ctx = httpx.WithRoute(ctx, route)
	ctx = httpx.WithLimitKeys(ctx, ratelimit.Key{Class: group})
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return c.explain(method, route, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if out == nil {
		return nil
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxWriteAnswer))
	if err != nil {
		return malformed(method, route, fmt.Errorf("reading the answer: %w", err))
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil
	}
	return decode(method, route, raw, out)
}

// maxWriteAnswer bounds the answer to a write that is read.
const maxWriteAnswer = 1 << 20
