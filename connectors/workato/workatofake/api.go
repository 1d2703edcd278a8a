package workatofake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// Messages of the {"message": …} error bodies.
const (
	msgUnauthorized    = "Unauthorized"
	msgNotFound        = "Not found"
	msgTooMany         = "Too many requests"
	msgBadRequest      = "Bad request"
	msgLegacyRolesGone = "Legacy roles are no longer available: this workspace uses environment and project roles"
)

// maxPerPage is the largest page any list serves.
const maxPerPage = 100

// timeLayout is Workato's timestamp form: milliseconds and a local offset.
const timeLayout = "2006-01-02T15:04:05.000-07:00"

// workatoZone is the offset timestamps are shown in (Pacific daylight
// time, as in Workato's samples).
var workatoZone = time.FixedZone("PDT", -7*60*60)

func wtime(t time.Time) string { return t.In(workatoZone).Format(timeLayout) }

type messageBody struct {
	Message string `json:"message"`
}

func writeMessage(w http.ResponseWriter, status int, msg string) {
	fakeapi.WriteJSON(w, status, messageBody{Message: msg})
}

// apiError is an error answer a handler decided on.
type apiError struct {
	status int
	body   any
}

func errMessage(status int, msg string) *apiError {
	return &apiError{status: status, body: messageBody{Message: msg}}
}

// errValidation is the {"message":"Validation failed","errors":{…}} form.
func errValidation(field, problem string) *apiError {
	return &apiError{status: http.StatusBadRequest, body: struct {
		Message string              `json:"message"`
		Errors  map[string][]string `json:"errors"`
	}{"Validation failed", map[string][]string{field: {problem}}}}
}

func (e *apiError) write(w http.ResponseWriter) { fakeapi.WriteJSON(w, e.status, e.body) }

// JSON shapes.

type memberRoleJSON struct {
	EnvironmentType string `json:"environment_type"`
	RoleName        string `json:"role_name"`
	RoleType        string `json:"role_type"`
}

type activityJSON struct {
	ID        int    `json:"id"`
	EventType string `json:"event_type"`
	CreatedAt string `json:"created_at"`
}

type memberJSON struct {
	ID              int              `json:"id"`
	GrantType       string           `json:"grant_type"`
	Roles           []memberRoleJSON `json:"roles"`
	ExternalID      *string          `json:"external_id"`
	Name            string           `json:"name"`
	Email           string           `json:"email"`
	TimeZone        string           `json:"time_zone"`
	LastActivityLog *activityJSON    `json:"last_activity_log"`
	CreatedAt       string           `json:"created_at"`
}

type privilegesJSON struct {
	EnvironmentType string     `json:"environment_type"`
	Name            string     `json:"name"`
	Privileges      Privileges `json:"privileges"`
	FolderIDs       []int      `json:"folder_ids"`
}

type roleJSON struct {
	ID          int        `json:"id"`
	Name        string     `json:"name"`
	Inheritable bool       `json:"inheritable"`
	FolderIDs   []int      `json:"folder_ids"`
	CreatedAt   string     `json:"created_at"`
	UpdatedAt   string     `json:"updated_at"`
	Privileges  Privileges `json:"privileges"`
}

type newRoleJSON struct {
	ID           int    `json:"id"`
	Name         string `json:"name"`
	MembersCount int    `json:"members_count"`
	Type         string `json:"type"`
	CreatedAt    string `json:"created_at"`
	UpdatedAt    string `json:"updated_at"`
}

type pageJSON struct {
	Number int `json:"number"`
	Size   int `json:"size"`
}

type pagedJSON[T any] struct {
	Data  []T      `json:"data"`
	Total int      `json:"total"`
	Page  pageJSON `json:"page"`
}

type projectGrantJSON struct {
	ID        string `json:"id"`
	ProjectID int    `json:"project_id"`
	MemberID  int    `json:"member_id"`
	RoleID    int    `json:"role_id"`
	RoleName  string `json:"role_name"`
}

type folderJSON struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	ParentID  *int   `json:"parent_id"`
	IsProject bool   `json:"is_project"`
	ProjectID *int   `json:"project_id"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

type projectJSON struct {
	ID          int    `json:"id"`
	Description string `json:"description"`
	FolderID    int    `json:"folder_id"`
	Name        string `json:"name"`
}

type envRoleJSON struct {
	EnvironmentType string `json:"environment_type"`
	Name            string `json:"name"`
	RoleType        string `json:"role_type,omitempty"`
}

type invitationJSON struct {
	ID        int           `json:"id"`
	Email     string        `json:"email"`
	Name      string        `json:"name"`
	EnvRoles  []envRoleJSON `json:"env_roles"`
	Status    string        `json:"status"`
	CreatedAt string        `json:"created_at"`
}

// Members.

func (s *Server) memberJSONLocked(m Member) memberJSON {
	out := memberJSON{
		ID:        m.ID,
		GrantType: m.GrantType,
		Roles:     make([]memberRoleJSON, 0, len(m.Roles)),
		Name:      m.Name,
		Email:     m.Email,
		TimeZone:  m.TimeZone,
		CreatedAt: wtime(m.CreatedAt),
	}
	for _, r := range m.Roles {
		out.Roles = append(out.Roles, memberRoleJSON{EnvironmentType: r.Env, RoleName: r.RoleName, RoleType: r.RoleType})
	}
	if m.ExternalID != "" {
		ext := m.ExternalID
		out.ExternalID = &ext
	}
	if !m.LastActivityAt.IsZero() {
		out.LastActivityLog = &activityJSON{ID: activityID(m.ID), EventType: "user_login", CreatedAt: wtime(m.LastActivityAt)}
	}
	return out
}

// activityID is the id of a member's latest activity-log entry.
func activityID(memberID int) int { return 3_000_000 + memberID*7 }

// memberIndexLocked finds the member named by the {id} path value.
func (s *Server) memberIndexLocked(r *http.Request) (int, bool) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		return 0, false
	}
	i := slices.IndexFunc(s.ws.Members, func(m Member) bool { return m.ID == id })
	return i, i >= 0
}

func (s *Server) handleMembers(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	data := make([]memberJSON, 0, len(s.ws.Members))
	for _, m := range s.ws.Members {
		data = append(data, s.memberJSONLocked(m))
	}
	s.mu.Unlock()
	fakeapi.WriteJSON(w, http.StatusOK, map[string]any{"data": data, "total": len(data)})
}

func (s *Server) handleMember(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	i, ok := s.memberIndexLocked(r)
	var m memberJSON
	if ok {
		m = s.memberJSONLocked(s.ws.Members[i])
	}
	s.mu.Unlock()
	if !ok {
		writeMessage(w, http.StatusNotFound, msgNotFound)
		return
	}
	fakeapi.WriteJSON(w, http.StatusOK, map[string]any{"data": m})
}

func (s *Server) handlePrivileges(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.memberIndexLocked(r)
	if !ok {
		writeMessage(w, http.StatusNotFound, msgNotFound)
		return
	}
	m := s.ws.Members[i]
	data := make([]privilegesJSON, 0, len(m.Roles))
	for _, role := range m.Roles {
		folders := slices.Clone(m.FolderIDs[role.Env])
		if folders == nil {
			folders = []int{}
		}
		data = append(data, privilegesJSON{
			EnvironmentType: role.Env,
			Name:            role.RoleName,
			Privileges:      s.privilegesOf(role),
			FolderIDs:       folders,
		})
	}
	fakeapi.WriteJSON(w, http.StatusOK, map[string]any{"data": data, "total": len(data)})
}

// privilegesOf returns what role grants (never nil). Roles themselves
// never change, so no lock is needed.
func (s *Server) privilegesOf(role MemberRole) Privileges {
	var p Privileges
	if role.RoleType == RoleTypeEnvironment {
		if i, ok := s.envRoleByNm[role.RoleName]; ok {
			p = s.ws.EnvironmentRoles[i].Privileges
		}
	} else if i, ok := s.customByName[role.RoleName]; ok {
		p = s.ws.CustomRoles[i].Privileges
	} else {
		p = s.ws.SystemRoles[role.RoleName]
	}
	if p == nil {
		return Privileges{}
	}
	return p
}

type updateBody struct {
	EnvRoles []envRoleJSON `json:"env_roles"`
	RoleName *string       `json:"role_name"`
}

func (s *Server) handleUpdateMember(w http.ResponseWriter, r *http.Request) {
	var body updateBody
	bodyErr := decodeBody(r, &body)
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.memberIndexLocked(r)
	if !ok {
		writeMessage(w, http.StatusNotFound, msgNotFound)
		return
	}
	if bodyErr != nil {
		bodyErr.write(w)
		return
	}
	roles, err := s.resolveRequestRoles(body.EnvRoles, body.RoleName)
	if err != nil {
		err.write(w)
		return
	}
	m := &s.ws.Members[i]
	s.applyRolesLocked(m, roles)
	fakeapi.WriteJSON(w, http.StatusOK, map[string]any{"data": s.memberJSONLocked(*m)})
}

func (s *Server) handleDeleteMember(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.memberIndexLocked(r)
	if !ok {
		writeMessage(w, http.StatusNotFound, msgNotFound)
		return
	}
	id := s.ws.Members[i].ID
	s.ws.Members = slices.Delete(s.ws.Members, i, i+1)
	s.ws.ProjectGrants = slices.DeleteFunc(s.ws.ProjectGrants, func(g ProjectGrant) bool { return g.MemberID == id })
	fakeapi.WriteJSON(w, http.StatusOK, map[string]bool{"success": true})
}

type inviteBody struct {
	Name         string        `json:"name"`
	Email        string        `json:"email"`
	EnvRoles     []envRoleJSON `json:"env_roles"`
	RoleName     *string       `json:"role_name"`
	UserGroupIDs []int         `json:"user_group_ids"`
}

func (s *Server) handleInvite(w http.ResponseWriter, r *http.Request) {
	var body inviteBody
	if err := decodeBody(r, &body); err != nil {
		err.write(w)
		return
	}
	body.Name, body.Email = strings.TrimSpace(body.Name), strings.TrimSpace(body.Email)
	switch {
	case body.Email == "" || !strings.Contains(body.Email, "@"):
		errValidation("email", "is invalid").write(w)
		return
	case body.Name == "":
		errValidation("name", "can't be blank").write(w)
		return
	}
	key := lower(body.Email)

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	if last, ok := s.invitedAt[key]; ok && now.Before(last.Add(s.opts.InviteWindow)) {
		s.tooMany(w, last.Add(s.opts.InviteWindow).Sub(now))
		return
	}
	if slices.ContainsFunc(s.ws.Members, func(m Member) bool { return lower(m.Email) == key }) {
		writeMessage(w, http.StatusUnprocessableEntity, fmt.Sprintf("%s is already a collaborator in this workspace", body.Email))
		return
	}
	pending := slices.IndexFunc(s.invitations, func(in Invitation) bool { return lower(in.Email) == key })
	others := len(s.invitations)
	if pending >= 0 {
		others--
	}
	if len(s.ws.Members)+others >= MaxMembers {
		writeMessage(w, http.StatusBadRequest, fmt.Sprintf(
			"Collaborator limit reached: a workspace can have at most %d collaborators, pending invitations included", MaxMembers))
		return
	}
	roles, err := s.resolveRequestRoles(body.EnvRoles, body.RoleName)
	if err != nil {
		err.write(w)
		return
	}
	roles = slices.DeleteFunc(roles, func(e EnvRole) bool { return e.Name == NoAccess })
	if len(roles) == 0 {
		errValidation("env_roles", "must give access to at least one environment").write(w)
		return
	}
	slices.SortFunc(roles, func(a, b EnvRole) int { return s.envIndex[a.Env] - s.envIndex[b.Env] })
	in := Invitation{Name: body.Name, Email: body.Email, EnvRoles: roles, CreatedAt: now.Truncate(time.Millisecond)}
	if pending >= 0 {
		in.ID = s.invitations[pending].ID
		s.invitations[pending] = in
	} else {
		in.ID = s.nextInvite
		s.nextInvite++
		s.invitations = append(s.invitations, in)
	}
	s.invitedAt[key] = now
	out := invitationJSON{ID: in.ID, Email: in.Email, Name: in.Name, Status: "pending", CreatedAt: wtime(in.CreatedAt)}
	for _, e := range in.EnvRoles {
		out.EnvRoles = append(out.EnvRoles, envRoleJSON{EnvironmentType: e.Env, Name: e.Name, RoleType: e.RoleType})
	}
	fakeapi.WriteJSON(w, http.StatusOK, map[string]any{"data": out})
}

// resolveRequestRoles validates the env_roles of a PUT or an invitation
// (with the deprecated role_name as a fallback for dev) and returns them
// with their role types resolved. It reads only what never changes.
func (s *Server) resolveRequestRoles(in []envRoleJSON, roleName *string) ([]EnvRole, *apiError) {
	if roleName != nil && s.ws.Migrated {
		return nil, errMessage(http.StatusBadRequest,
			"role_name is no longer supported on this workspace: send env_roles with role_type environment")
	}
	if len(in) == 0 && roleName != nil {
		in = []envRoleJSON{{EnvironmentType: EnvDev, Name: *roleName}}
	}
	if len(in) == 0 {
		return nil, errValidation("env_roles", "can't be blank")
	}
	out := make([]EnvRole, 0, len(in))
	seen := map[string]bool{}
	for _, e := range in {
		if _, ok := s.envIndex[e.EnvironmentType]; !ok {
			return nil, errMessage(http.StatusBadRequest, fmt.Sprintf("Environment %s not found", e.EnvironmentType))
		}
		if seen[e.EnvironmentType] {
			return nil, errMessage(http.StatusBadRequest, fmt.Sprintf("Environment %s is listed more than once", e.EnvironmentType))
		}
		seen[e.EnvironmentType] = true
		if e.Name == NoAccess {
			out = append(out, EnvRole{Env: e.EnvironmentType, Name: NoAccess, RoleType: e.RoleType})
			continue
		}
		rt := e.RoleType
		if rt == "" {
			rt = RoleTypeLegacy
		}
		switch {
		case rt != RoleTypeLegacy && rt != RoleTypeEnvironment:
			return nil, errMessage(http.StatusBadRequest, fmt.Sprintf("Role type %s is not valid", rt))
		case s.ws.Migrated && rt == RoleTypeLegacy:
			return nil, errMessage(http.StatusBadRequest,
				"Role type privilege_group is no longer supported: this workspace uses environment roles; send role_type environment")
		case !s.ws.Migrated && rt == RoleTypeEnvironment:
			return nil, errMessage(http.StatusBadRequest,
				"Role type environment is not available: this workspace has not migrated to environment roles")
		}
		if !s.roleExists(e.Name, rt) {
			return nil, errMessage(http.StatusBadRequest, fmt.Sprintf("Role %s not found", e.Name))
		}
		out = append(out, EnvRole{Env: e.EnvironmentType, Name: e.Name, RoleType: rt})
	}
	return out, nil
}

func (s *Server) roleExists(name, roleType string) bool {
	if roleType == RoleTypeEnvironment {
		_, ok := s.envRoleByNm[name]
		return ok
	}
	if _, ok := s.customByName[name]; ok {
		return true
	}
	_, ok := s.ws.SystemRoles[name]
	return ok
}

// applyRolesLocked gives m each role in its environment (NoAccess removes
// the environment's role); environments not listed keep theirs. A new
// legacy custom role brings its folder scope; an unchanged role keeps the
// member's.
func (s *Server) applyRolesLocked(m *Member, roles []EnvRole) {
	for _, e := range roles {
		i := slices.IndexFunc(m.Roles, func(r MemberRole) bool { return r.Env == e.Env })
		if e.Name == NoAccess {
			if i >= 0 {
				m.Roles = slices.Delete(m.Roles, i, i+1)
			}
			delete(m.FolderIDs, e.Env)
			continue
		}
		next := MemberRole{Env: e.Env, RoleName: e.Name, RoleType: e.RoleType}
		if i >= 0 && m.Roles[i] == next {
			continue
		}
		if i >= 0 {
			m.Roles[i] = next
		} else {
			m.Roles = append(m.Roles, next)
		}
		delete(m.FolderIDs, e.Env)
		if ci, ok := s.customByName[e.Name]; ok && e.RoleType == RoleTypeLegacy && len(s.ws.CustomRoles[ci].FolderIDs) > 0 {
			if m.FolderIDs == nil {
				m.FolderIDs = map[string][]int{}
			}
			m.FolderIDs[e.Env] = slices.Clone(s.ws.CustomRoles[ci].FolderIDs)
		}
	}
	if len(m.FolderIDs) == 0 {
		m.FolderIDs = nil
	}
	s.sortRolesLocked(m)
}

// sortRolesLocked puts m's roles in the workspace's environment order.
func (s *Server) sortRolesLocked(m *Member) {
	slices.SortStableFunc(m.Roles, func(a, b MemberRole) int { return s.envIndex[a.Env] - s.envIndex[b.Env] })
}

// decodeBody reads a JSON request body into v.
func decodeBody(r *http.Request, v any) *apiError {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || json.Unmarshal(b, v) != nil {
		return errMessage(http.StatusBadRequest, msgBadRequest)
	}
	return nil
}

// Roles.

func (s *Server) handleRoles(w http.ResponseWriter, r *http.Request) {
	if s.ws.Migrated {
		writeMessage(w, http.StatusBadRequest, msgLegacyRolesGone)
		return
	}
	page := fakeapi.Paginate(s.ws.CustomRoles, queryInt(r, "page"), queryInt(r, "per_page"), maxPerPage)
	out := make([]roleJSON, 0, len(page))
	for _, role := range page {
		folders := slices.Clone(role.FolderIDs)
		if folders == nil {
			folders = []int{}
		}
		p := role.Privileges
		if p == nil {
			p = Privileges{}
		}
		out = append(out, roleJSON{
			ID: role.ID, Name: role.Name, Inheritable: role.Inheritable, FolderIDs: folders,
			CreatedAt: wtime(role.CreatedAt), UpdatedAt: wtime(role.UpdatedAt), Privileges: p,
		})
	}
	fakeapi.WriteJSON(w, http.StatusOK, out)
}

func (s *Server) handleEnvironmentRoles(w http.ResponseWriter, r *http.Request) {
	s.serveNewRoles(w, r, s.ws.EnvironmentRoles, func(role NewRole) int {
		n := 0
		for _, m := range s.ws.Members {
			if slices.ContainsFunc(m.Roles, func(mr MemberRole) bool {
				return mr.RoleType == RoleTypeEnvironment && mr.RoleName == role.Name
			}) {
				n++
			}
		}
		return n
	})
}

func (s *Server) handleProjectRoles(w http.ResponseWriter, r *http.Request) {
	s.serveNewRoles(w, r, s.ws.ProjectRoles, func(role NewRole) int {
		holders := map[int]bool{}
		for _, g := range s.ws.ProjectGrants {
			if g.RoleID == role.ID {
				holders[g.MemberID] = true
			}
		}
		return len(holders)
	})
}

// serveNewRoles answers an RBAC 2.0 role list: 401 before migration (as
// Workato does), otherwise {data,total,page} with page[number] and
// page[size] and an optional name filter. count runs under s.mu.
func (s *Server) serveNewRoles(w http.ResponseWriter, r *http.Request, roles []NewRole, count func(NewRole) int) {
	if !s.ws.Migrated {
		writeMessage(w, http.StatusUnauthorized, msgUnauthorized)
		return
	}
	if name := lower(r.URL.Query().Get("name")); name != "" {
		roles = slices.DeleteFunc(slices.Clone(roles), func(role NewRole) bool { return !strings.Contains(lower(role.Name), name) })
	}
	number, size := normPage(queryInt(r, "page[number]"), queryInt(r, "page[size]"))
	page := fakeapi.Paginate(roles, number, size, maxPerPage)
	out := pagedJSON[newRoleJSON]{Data: make([]newRoleJSON, 0, len(page)), Total: len(roles), Page: pageJSON{Number: number, Size: size}}
	s.mu.Lock()
	for _, role := range page {
		out.Data = append(out.Data, newRoleJSON{
			ID: role.ID, Name: role.Name, MembersCount: count(role), Type: role.Type,
			CreatedAt: wtime(role.CreatedAt), UpdatedAt: wtime(role.UpdatedAt),
		})
	}
	s.mu.Unlock()
	fakeapi.WriteJSON(w, http.StatusOK, out)
}

func (s *Server) handleProjectGrants(w http.ResponseWriter, r *http.Request) {
	if !s.ws.Migrated {
		writeMessage(w, http.StatusUnauthorized, msgUnauthorized)
		return
	}
	id, err := strconv.Atoi(r.PathValue("id"))
	if _, ok := s.projectByID[id]; err != nil || !ok {
		writeMessage(w, http.StatusNotFound, msgNotFound)
		return
	}
	roleNames := make(map[int]string, len(s.ws.ProjectRoles))
	for _, role := range s.ws.ProjectRoles {
		roleNames[role.ID] = role.Name
	}
	s.mu.Lock()
	var grants []projectGrantJSON
	for _, g := range s.ws.ProjectGrants {
		if g.ProjectID == id {
			grants = append(grants, projectGrantJSON{ID: g.ID, ProjectID: g.ProjectID, MemberID: g.MemberID, RoleID: g.RoleID, RoleName: roleNames[g.RoleID]})
		}
	}
	s.mu.Unlock()
	number, size := normPage(queryInt(r, "page[number]"), queryInt(r, "page[size]"))
	fakeapi.WriteJSON(w, http.StatusOK, pagedJSON[projectGrantJSON]{
		Data:  fakeapi.Paginate(grants, number, size, maxPerPage),
		Total: len(grants),
		Page:  pageJSON{Number: number, Size: size},
	})
}

// Folders and projects.

func (s *Server) handleFolders(w http.ResponseWriter, r *http.Request) {
	parent := 0
	if v := strings.TrimSpace(r.URL.Query().Get("parent_id")); v != "" {
		id, err := strconv.Atoi(v)
		_, known := s.folderByID[id]
		switch {
		case err == nil && id == s.ws.HomeFolderID:
		case err == nil && known:
			parent = id
		default:
			writeMessage(w, http.StatusNotFound, msgNotFound)
			return
		}
	}
	page := fakeapi.Paginate(s.children[parent], queryInt(r, "page"), queryInt(r, "per_page"), maxPerPage)
	out := make([]folderJSON, 0, len(page))
	for _, i := range page {
		f := s.ws.Folders[i]
		fj := folderJSON{ID: f.ID, Name: f.Name, IsProject: f.IsProject, CreatedAt: wtime(f.CreatedAt), UpdatedAt: wtime(f.UpdatedAt)}
		if f.ParentID != 0 {
			p := f.ParentID
			fj.ParentID = &p
		}
		if f.ProjectID != 0 {
			p := f.ProjectID
			fj.ProjectID = &p
		}
		out = append(out, fj)
	}
	fakeapi.WriteJSON(w, http.StatusOK, out)
}

func (s *Server) handleProjects(w http.ResponseWriter, r *http.Request) {
	page := fakeapi.Paginate(s.ws.Projects, queryInt(r, "page"), queryInt(r, "per_page"), maxPerPage)
	out := make([]projectJSON, 0, len(page))
	for _, p := range page {
		out = append(out, projectJSON{ID: p.ID, Description: p.Description, FolderID: p.FolderID, Name: p.Name})
	}
	fakeapi.WriteJSON(w, http.StatusOK, out)
}

func (s *Server) handleMe(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	owner := ""
	for _, m := range s.ws.Members {
		if m.GrantType == GrantFederationManager || owner == "" {
			owner = m.Email
			if m.GrantType == GrantFederationManager {
				break
			}
		}
	}
	s.mu.Unlock()
	periodStart := time.Date(s.clock.Now().Year(), 1, 1, 0, 0, 0, 0, workatoZone)
	fakeapi.WriteJSON(w, http.StatusOK, map[string]any{
		"id":                           s.ws.ID,
		"name":                         s.ws.Name,
		"company_name":                 s.ws.Name,
		"email":                        owner,
		"created_at":                   wtime(s.ws.CreatedAt),
		"plan_id":                      "enterprise",
		"current_billing_period_start": wtime(periodStart),
		"current_billing_period_end":   wtime(periodStart.AddDate(1, 0, 0).Add(-time.Millisecond)),
		"recipes_count":                0,
		"active_recipes_count":         0,
		"root_folder_id":               s.ws.HomeFolderID,
		"location":                     nil,
		"time_zone":                    "Pacific Time (US & Canada)",
	})
}

// queryInt reads an integer query parameter; absent or malformed is 0
// (which the paging helpers read as the default).
func queryInt(r *http.Request, key string) int {
	n, err := strconv.Atoi(strings.TrimSpace(r.URL.Query().Get(key)))
	if err != nil {
		return 0
	}
	return n
}

// normPage applies the paging rules to a page number and size: a number
// below 1 is 1, a size of 0 (absent) is 100, others are clamped to [1,100].
func normPage(number, size int) (int, int) {
	if number < 1 {
		number = 1
	}
	switch {
	case size == 0 || size > maxPerPage:
		size = maxPerPage
	case size < 1:
		size = 1
	}
	return number, size
}
