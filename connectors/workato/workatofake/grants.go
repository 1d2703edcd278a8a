package workatofake

// Project-grant endpoints of the fake: list, add-or-update and the single
// grant (get, change role, delete), a collaborator's direct grants and
// effective project access. A client reaches only its environment's
// projects; others answer 404.

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// Assignment types of PUT /api/projects/:id/project_grants.
const (
	AssignUser      = "User"
	AssignUserGroup = "UserGroup"
)

// maxGrantsPerPut is Workato's cap on grants per PUT.
const maxGrantsPerPut = 100

// envIDs are the ids the fake gives the environments in the answers
// that name one (environment.id, environment_id).
var envIDs = map[string]int{EnvDev: devEnvironmentID, EnvTest: devEnvironmentID + 1, EnvProd: devEnvironmentID + 2}

// envNames are the environment_name values of API clients.
var envNames = map[string]string{EnvDev: "Development", EnvTest: "Test", EnvProd: "Production"}

// projectEnv is a project's environment ("" for an unknown project).
// Projects never change, so no lock is needed.
func (s *Server) projectEnv(id int) string {
	i, ok := s.projectByID[id]
	if !ok {
		return ""
	}
	return envOf(s.ws.Projects[i].Env)
}

// projectRole returns the project role with id.
func (s *Server) projectRole(id string) (NewRole, bool) {
	i := slices.IndexFunc(s.ws.ProjectRoles, func(r NewRole) bool { return r.ID == id })
	if i < 0 {
		return NewRole{}, false
	}
	return s.ws.ProjectRoles[i], true
}

// roleRank orders project roles by access: Rank, else the system role's.
func roleRank(r NewRole) int {
	if r.Rank != 0 {
		return r.Rank
	}
	switch r.Name {
	case "Project admin":
		return 400
	case "Advanced builder":
		return 300
	case "Builder":
		return 200
	case "Project operator":
		return 100
	}
	return 0
}

func (s *Server) grantJSONLocked(g ProjectGrant) projectGrantJSON {
	p := s.ws.Projects[s.projectByID[g.ProjectID]]
	role, _ := s.projectRole(g.RoleID)
	env := envOf(p.Env)
	out := projectGrantJSON{
		ID:          g.ID,
		Project:     grantProjectJSON{ID: p.ID, Name: p.Name, Environment: grantEnvironmentJSON{ID: envIDs[env], Type: env}},
		ProjectRole: grantRoleJSON{ID: textID(role.ID), Name: role.Name},
	}
	if g.MemberID != 0 {
		u := grantUserJSON{ID: g.MemberID}
		if i := s.memberPosLocked(g.MemberID); i >= 0 {
			u.Name, u.Email = s.ws.Members[i].Name, s.ws.Members[i].Email
		}
		out.User = &u
	} else {
		gr := grantUserGroupJSON{ID: g.GroupID}
		if i := slices.IndexFunc(s.ws.Groups, func(x Group) bool { return x.ID == g.GroupID }); i >= 0 {
			gr.Name = s.ws.Groups[i].Name
		}
		out.UserGroup = &gr
	}
	return out
}

// serveGrantsLocked answers the grants keep selects, paged with
// page[number] and page[size], as {data,total,page}.
func (s *Server) serveGrantsLocked(w http.ResponseWriter, r *http.Request, keep func(ProjectGrant) bool) {
	var grants []projectGrantJSON
	for _, g := range s.ws.ProjectGrants {
		if keep(g) {
			grants = append(grants, s.grantJSONLocked(g))
		}
	}
	number, size := normPage(s.pageNumber(r, "page[number]"), queryInt(r, "page[size]"))
	fakeapi.WriteJSON(w, http.StatusOK, pagedJSON[projectGrantJSON]{
		Data:  fakeapi.Paginate(grants, number, size, maxPerPage),
		Total: len(grants),
		Page:  pageJSON{Number: number, Size: size},
	})
}

// reachableProject reads the {id} project of r: 401 before migration (as
// Workato is reported to answer), 404 when unknown or in another
// environment than the calling client's.
func (s *Server) reachableProject(r *http.Request) (int, *apiError) {
	if !s.ws.Migrated {
		return 0, errMessage(http.StatusUnauthorized, msgUnauthorized)
	}
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil || s.projectEnv(id) == "" {
		return 0, errMessage(http.StatusNotFound, msgNotFound)
	}
	if s.projectEnv(id) != clientOf(r).Env {
		return 0, s.otherEnv(r)
	}
	return id, nil
}

// otherEnv is the answer for another environment's project or grant:
// 404, or 403 under Options.OtherEnvForbidden (which Workato answers is
// UNCERTAIN).
func (s *Server) otherEnv(r *http.Request) *apiError {
	if s.opts.OtherEnvForbidden {
		return errMessage(http.StatusForbidden, fmt.Sprintf(
			"Forbidden: this API client belongs to the %s environment and cannot reach other environments' projects", strings.ToUpper(clientOf(r).Env)))
	}
	return errMessage(http.StatusNotFound, msgNotFound)
}

func (s *Server) handleProjectGrants(w http.ResponseWriter, r *http.Request) {
	id, bad := s.reachableProject(r)
	if bad != nil {
		bad.write(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.serveGrantsLocked(w, r, func(g ProjectGrant) bool { return g.ProjectID == id })
}

// grantInput is one entry of PUT /api/projects/:id/project_grants.
type grantInput struct {
	AssignmentType string `json:"assignment_type"`
	AssignmentID   textID `json:"assignment_id"`
	ProjectRoleID  textID `json:"project_role_id"`
}

// grantInputs reads the grants of a PUT: a JSON body
// {"project_grants":[…]}, or the query form (project_grants[][key]
// repeated, zipped in order, or a single assignment_type, assignment_id
// and project_role_id).
func grantInputs(r *http.Request) ([]grantInput, *apiError) {
	body, bad := jsonBody(r)
	if bad != nil {
		return nil, bad
	}
	if raw, ok := body["project_grants"]; ok {
		var in []grantInput
		if json.Unmarshal(raw, &in) != nil {
			return nil, errValidation("project_grants", "must be a list of grants")
		}
		return in, nil
	}
	q := r.URL.Query()
	types, ids, roles := q["project_grants[][assignment_type]"], q["project_grants[][assignment_id]"], q["project_grants[][project_role_id]"]
	if len(types) == 0 && q.Has("assignment_type") {
		types, ids, roles = q["assignment_type"], q["assignment_id"], q["project_role_id"]
	}
	if len(types) != len(ids) || len(types) != len(roles) {
		return nil, errValidation("project_grants", "every grant needs assignment_type, assignment_id and project_role_id")
	}
	in := make([]grantInput, len(types))
	for i := range types {
		in[i] = grantInput{AssignmentType: types[i], AssignmentID: textID(ids[i]), ProjectRoleID: textID(roles[i])}
	}
	return in, nil
}

func (s *Server) handlePutProjectGrants(w http.ResponseWriter, r *http.Request) {
	project, bad := s.reachableProject(r)
	if bad != nil {
		bad.write(w)
		return
	}
	in, bad := grantInputs(r)
	switch {
	case bad != nil:
		bad.write(w)
		return
	case len(in) == 0:
		errValidation("project_grants", "can't be blank").write(w)
		return
	case len(in) > maxGrantsPerPut:
		writeMessage(w, http.StatusBadRequest, fmt.Sprintf("Too many project grants: %d given, at most %d per request", len(in), maxGrantsPerPut))
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Validate everything before changing anything.
	type resolved struct {
		member int
		group  string
		role   string
	}
	todo := make([]resolved, 0, len(in))
	for _, g := range in {
		if _, ok := s.projectRole(string(g.ProjectRoleID)); !ok {
			writeMessage(w, http.StatusBadRequest, fmt.Sprintf("Project role %s not found", g.ProjectRoleID))
			return
		}
		switch g.AssignmentType {
		case AssignUser:
			id, err := strconv.Atoi(string(g.AssignmentID))
			if err != nil || s.memberPosLocked(id) < 0 {
				writeMessage(w, http.StatusNotFound, fmt.Sprintf("User %s not found", g.AssignmentID))
				return
			}
			todo = append(todo, resolved{member: id, role: string(g.ProjectRoleID)})
		case AssignUserGroup:
			if !slices.ContainsFunc(s.ws.Groups, func(x Group) bool { return x.ID == string(g.AssignmentID) }) {
				writeMessage(w, http.StatusNotFound, fmt.Sprintf("User group %s not found", g.AssignmentID))
				return
			}
			todo = append(todo, resolved{group: string(g.AssignmentID), role: string(g.ProjectRoleID)})
		default:
			writeMessage(w, http.StatusBadRequest, fmt.Sprintf("Assignment type %q is not valid: want %s or %s", g.AssignmentType, AssignUser, AssignUserGroup))
			return
		}
	}
	out := make([]projectGrantJSON, 0, len(todo))
	for _, t := range todo {
		i := slices.IndexFunc(s.ws.ProjectGrants, func(g ProjectGrant) bool {
			return g.ProjectID == project && g.MemberID == t.member && g.GroupID == t.group
		})
		if i < 0 {
			s.nextGrant++
			assignee := t.group
			if t.member != 0 {
				assignee = strconv.Itoa(t.member)
			}
			s.ws.ProjectGrants = append(s.ws.ProjectGrants, ProjectGrant{
				ID: newGrantID(project, assignee, s.nextGrant), ProjectID: project, MemberID: t.member, GroupID: t.group, RoleID: t.role,
			})
			i = len(s.ws.ProjectGrants) - 1
		} else {
			s.ws.ProjectGrants[i].RoleID = t.role
		}
		s.logGrantLocked(s.ws.ProjectGrants[i], EventProjectGrantPut)
		out = append(out, s.grantJSONLocked(s.ws.ProjectGrants[i]))
	}
	fakeapi.WriteJSON(w, http.StatusOK, map[string]any{"data": out})
}

// newGrantID makes a grant id shaped like Workato's for a grant created
// through the API.
func newGrantID(project int, assignee string, salt int) string {
	h := sha1.Sum([]byte(fmt.Sprintf("workatofake/new-grant/%d/%s/%d", project, assignee, salt)))
	s := base64.RawURLEncoding.EncodeToString(h[:])
	return "pg-" + s[:8] + "-" + s[8:14]
}

// logGrantLocked logs a change of grant g in its project's environment.
func (s *Server) logGrantLocked(g ProjectGrant, event string) {
	j := s.grantJSONLocked(g)
	who := ""
	if j.User != nil {
		who = j.User.Email
	} else {
		who = "group " + j.UserGroup.Name
	}
	s.logLocked(ActivityEntry{
		Env: s.projectEnv(g.ProjectID), EventType: event, ResourceType: ResourceProjectGrant,
		ResourceID: g.ID, ResourceName: fmt.Sprintf("%s on %s for %s", j.ProjectRole.Name, j.Project.Name, who),
		Activity: event,
	})
}

// grantIndexLocked finds the {id} grant of r in the client's
// environment.
func (s *Server) grantIndexLocked(r *http.Request) (int, *apiError) {
	if !s.ws.Migrated {
		return 0, errMessage(http.StatusUnauthorized, msgUnauthorized)
	}
	id := r.PathValue("id")
	i := slices.IndexFunc(s.ws.ProjectGrants, func(g ProjectGrant) bool { return g.ID == id })
	if i < 0 {
		return 0, errMessage(http.StatusNotFound, msgNotFound)
	}
	if s.projectEnv(s.ws.ProjectGrants[i].ProjectID) != clientOf(r).Env {
		return 0, s.otherEnv(r)
	}
	return i, nil
}

func (s *Server) handleProjectGrant(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, bad := s.grantIndexLocked(r)
	if bad != nil {
		bad.write(w)
		return
	}
	fakeapi.WriteJSON(w, http.StatusOK, map[string]any{"data": s.grantJSONLocked(s.ws.ProjectGrants[i])})
}

// handleUpdateProjectGrant changes a grant's role: project_role_id in a
// JSON body or the query (UNCERTAIN; the assignee cannot change).
func (s *Server) handleUpdateProjectGrant(w http.ResponseWriter, r *http.Request) {
	body, bad := jsonBody(r)
	if bad != nil {
		bad.write(w)
		return
	}
	role := strings.TrimSpace(r.URL.Query().Get("project_role_id"))
	if raw, ok := body["project_role_id"]; ok {
		var id textID
		if json.Unmarshal(raw, &id) != nil {
			errValidation("project_role_id", "is invalid").write(w)
			return
		}
		role = string(id)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i, bad := s.grantIndexLocked(r)
	if bad != nil {
		bad.write(w)
		return
	}
	if role == "" {
		errValidation("project_role_id", "can't be blank").write(w)
		return
	}
	if _, ok := s.projectRole(role); !ok {
		writeMessage(w, http.StatusBadRequest, fmt.Sprintf("Project role %s not found", role))
		return
	}
	s.ws.ProjectGrants[i].RoleID = role
	s.logGrantLocked(s.ws.ProjectGrants[i], EventProjectGrantPut)
	fakeapi.WriteJSON(w, http.StatusOK, map[string]any{"data": s.grantJSONLocked(s.ws.ProjectGrants[i])})
}

func (s *Server) handleDeleteProjectGrant(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, bad := s.grantIndexLocked(r)
	if bad != nil {
		bad.write(w)
		return
	}
	g := s.ws.ProjectGrants[i]
	s.logGrantLocked(g, EventProjectGrantDelete)
	s.ws.ProjectGrants = slices.Delete(s.ws.ProjectGrants, i, i+1)
	fakeapi.WriteJSON(w, http.StatusOK, map[string]bool{"success": true})
}

// handleMemberProjectGrants answers a collaborator's direct grants in
// every environment (UNCERTAIN: the reference says "probably direct
// grants only"), paged like the other grant lists.
func (s *Server) handleMemberProjectGrants(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.memberIndexLocked(r)
	if !ok || !s.ws.Migrated {
		writeMessage(w, http.StatusNotFound, msgNotFound)
		return
	}
	id := s.ws.Members[i].ID
	s.serveGrantsLocked(w, r, func(g ProjectGrant) bool { return g.MemberID == id })
}

// projectAccessJSON is one entry of /api/members/:id/projects_privileges.
// The reference gives no item shape (UNCERTAIN): the fake serves the
// project as in a grant, the effective (highest) project role and the
// grants it comes from.
type projectAccessJSON struct {
	Project     grantProjectJSON `json:"project"`
	ProjectRole grantRoleJSON    `json:"project_role"`
	GrantedVia  []grantViaJSON   `json:"granted_via"`
}

type grantViaJSON struct {
	GrantID       string `json:"grant_id"`
	Type          string `json:"type"` // User or UserGroup
	UserGroupID   string `json:"user_group_id,omitempty"`
	ProjectRoleID textID `json:"project_role_id"`
}

// EffectiveAccess returns, per project id, the project role member holds
// there: the highest-ranked of their direct grant and their groups'
// grants (the system group's included). The reference marks the
// direct-versus-group rule UNCERTAIN; the fake takes the maximum.
func (s *Server) EffectiveAccess(memberID int) map[int]NewRole {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int]NewRole{}
	for _, a := range s.effectiveLocked(memberID) {
		out[a.project] = a.role
	}
	return out
}

type access struct {
	project int
	role    NewRole
	via     []grantViaJSON
}

// effectiveLocked computes member's effective access, in the order of
// the grants.
func (s *Server) effectiveLocked(memberID int) []access {
	groups := map[string]bool{}
	for _, g := range s.ws.Groups {
		if g.System || slices.Contains(g.MemberIDs, memberID) {
			groups[g.ID] = true
		}
	}
	var out []access
	at := map[int]int{}
	for _, g := range s.ws.ProjectGrants {
		if g.MemberID != memberID && !groups[g.GroupID] {
			continue
		}
		role, _ := s.projectRole(g.RoleID)
		via := grantViaJSON{GrantID: g.ID, Type: AssignUser, ProjectRoleID: textID(g.RoleID)}
		if g.GroupID != "" {
			via.Type, via.UserGroupID = AssignUserGroup, g.GroupID
		}
		i, seen := at[g.ProjectID]
		if !seen {
			at[g.ProjectID] = len(out)
			out = append(out, access{project: g.ProjectID, role: role, via: []grantViaJSON{via}})
			continue
		}
		out[i].via = append(out[i].via, via)
		if roleRank(role) > roleRank(out[i].role) {
			out[i].role = role
		}
	}
	return out
}

func (s *Server) handleMemberProjectsPrivileges(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.memberIndexLocked(r)
	if !ok || !s.ws.Migrated {
		writeMessage(w, http.StatusNotFound, msgNotFound)
		return
	}
	data := []projectAccessJSON{}
	for _, a := range s.effectiveLocked(s.ws.Members[i].ID) {
		p := s.ws.Projects[s.projectByID[a.project]]
		env := envOf(p.Env)
		data = append(data, projectAccessJSON{
			Project:     grantProjectJSON{ID: p.ID, Name: p.Name, Environment: grantEnvironmentJSON{ID: envIDs[env], Type: env}},
			ProjectRole: grantRoleJSON{ID: textID(a.role.ID), Name: a.role.Name},
			GrantedVia:  a.via,
		})
	}
	fakeapi.WriteJSON(w, http.StatusOK, map[string]any{"data": data, "total": len(data)})
}
