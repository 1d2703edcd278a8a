package workatofake

// Collaborator endpoints of the fake: list, get, privileges, update roles
// and delete, with the env_roles checks that invitations share.

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

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
		event := m.LastActivityEvent
		if event == "" {
			event = EventUserLogin
		}
		out.LastActivityLog = &activityJSON{ID: s.memberActivityIDLocked(m), EventType: event, CreatedAt: wtime(m.LastActivityAt)}
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

func (s *Server) handleMembers(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	data := make([]memberJSON, 0, len(s.ws.Members))
	for _, m := range s.ws.Members {
		data = append(data, s.memberJSONLocked(m))
	}
	total := len(data) + s.opts.MembersTotalExtra
	if n := s.opts.MembersPerPage; n > 0 {
		data = fakeapi.Paginate(data, s.pageNumber(r, "page"), queryInt(r, "per_page"), n)
	}
	if len(s.opts.VanishAfterList) > 0 {
		s.vanishAfterListLocked()
	}
	s.mu.Unlock()
	fakeapi.WriteJSON(w, http.StatusOK, map[string]any{"data": data, "total": total})
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
	if rc := s.raceLocked(m.ID); rc != nil {
		if !rc.After {
			s.applyRaceLocked(m, rc)
		}
		if rc.Status != 0 {
			writeMessage(w, rc.Status, "Server error")
			return
		}
		s.applyRolesLocked(m, roles)
		s.logRolesLocked(*m, roles)
		if rc.After {
			s.applyRaceLocked(m, rc)
		}
		fakeapi.WriteJSON(w, http.StatusOK, map[string]any{"data": s.memberJSONLocked(*m)})
		return
	}
	s.applyRolesLocked(m, roles)
	s.logRolesLocked(*m, roles)
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
	s.logLocked(memberEntry(EnvDev, EventMemberRemoved, ResourceMemberGrant, 0, s.ws.Members[i], "api: collaborator removed"))
	s.deleteMemberLocked(i)
	fakeapi.WriteJSON(w, http.StatusOK, map[string]bool{"success": true})
}

// logRolesLocked logs a PUT's role changes to m: one entry per env_roles
// entry, in that environment's log (which log Workato writes is
// UNCERTAIN).
func (s *Server) logRolesLocked(m Member, roles []EnvRole) {
	for _, e := range roles {
		s.logLocked(memberEntry(e.Env, EventMemberRoleUpdated, ResourceMemberGrant, 0, m, "api: role set to "+e.Name))
	}
}

// deleteMemberLocked removes the member at index i with their project
// grants and group memberships.
func (s *Server) deleteMemberLocked(i int) {
	id := s.ws.Members[i].ID
	s.ws.Members = slices.Delete(s.ws.Members, i, i+1)
	s.ws.ProjectGrants = slices.DeleteFunc(s.ws.ProjectGrants, func(g ProjectGrant) bool { return g.MemberID == id })
	for gi := range s.ws.Groups {
		g := &s.ws.Groups[gi]
		g.MemberIDs = slices.DeleteFunc(g.MemberIDs, func(m int) bool { return m == id })
	}
}

// (with the deprecated role_name as a fallback for dev) and returns them
// with their role types resolved. It reads only what never changes.
func (s *Server) resolveRequestRoles(in []envRoleJSON, roleName *string) ([]EnvRole, *apiError) {
	if roleName != nil && s.ws.migratedIn(EnvDev) {
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
		case s.ws.migratedIn(e.EnvironmentType) && rt == RoleTypeLegacy:
			return nil, errMessage(http.StatusBadRequest,
				"Role type privilege_group is no longer supported: this workspace uses environment roles; send role_type environment")
		case !s.ws.migratedIn(e.EnvironmentType) && rt == RoleTypeEnvironment:
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
