package workatofake

// Invitation endpoint of the fake: POST /api/member_invitations.

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

type inviteBody struct {
	Name         string        `json:"name"`
	Email        string        `json:"email"`
	EnvRoles     []envRoleJSON `json:"env_roles"`
	RoleName     *string       `json:"role_name"`
	UserGroupIDs []textID      `json:"user_group_ids"` // strings; numbers tolerated
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
	if !s.ws.NoMemberCap && len(s.ws.Members)+others >= MaxMembers {
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
	var groups []string
	for _, id := range body.UserGroupIDs {
		if !slices.ContainsFunc(s.ws.Groups, func(g Group) bool { return g.ID == string(id) }) {
			writeMessage(w, http.StatusBadRequest, fmt.Sprintf("User group %s not found", id))
			return
		}
		if !slices.Contains(groups, string(id)) {
			groups = append(groups, string(id))
		}
	}
	slices.SortFunc(roles, func(a, b EnvRole) int { return s.envIndex[a.Env] - s.envIndex[b.Env] })
	in := Invitation{Name: body.Name, Email: body.Email, EnvRoles: roles, GroupIDs: groups, CreatedAt: now.Truncate(time.Millisecond)}
	if pending >= 0 {
		in.ID = s.invitations[pending].ID
		s.invitations[pending] = in
	} else {
		in.ID = s.nextInvite
		s.nextInvite++
		s.invitations = append(s.invitations, in)
	}
	s.invitedAt[key] = now
	s.logLocked(ActivityEntry{
		Env: EnvDev, EventType: EventMemberInvited, ResourceType: ResourceInvitation,
		ResourceID: strconv.Itoa(in.ID), ResourceName: in.Email, Activity: "api: invited " + in.Email,
	})
	out := invitationJSON{ID: in.ID, Email: in.Email, Name: in.Name, Status: "pending", CreatedAt: wtime(in.CreatedAt)}
	for _, e := range in.EnvRoles {
		out.EnvRoles = append(out.EnvRoles, envRoleJSON{EnvironmentType: e.Env, Name: e.Name, RoleType: e.RoleType})
	}
	fakeapi.WriteJSON(w, http.StatusOK, map[string]any{"data": out})
}
