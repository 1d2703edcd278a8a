package workatofake

// Admin mutations: what people do "in the UI" or at sign-in, for tests to
// stage between syncs. Each writes an activity-log entry, as every API
// write does. They panic on ids that do not exist (a bug in the test).

import (
	"fmt"
	"slices"
)

// SignIn records member memberID signing in to env: a user_login entry in
// that environment's log (and, for dev, their last_activity_log). Then,
// as SAML role sync does, every IdP-managed group is put back to the
// identity provider's membership for this member: API or UI changes to it
// are reverted (each revert logged).
func (s *Server) SignIn(memberID int, env string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.memberPosLocked(memberID)
	if i < 0 {
		panic(fmt.Sprintf("workatofake: SignIn: no member %d", memberID))
	}
	env = envOf(env)
	if _, ok := s.envIndex[env]; !ok {
		panic(fmt.Sprintf("workatofake: SignIn: no environment %q", env))
	}
	m := &s.ws.Members[i]
	s.logLocked(memberEntry(env, EventUserLogin, ResourceUser, m.ID, *m, "login"))
	if env == EnvDev {
		last := s.ws.Activity[len(s.ws.Activity)-1]
		m.LastActivityAt, m.LastActivityEvent = last.CreatedAt, ""
		if s.lastLog == nil {
			s.lastLog = map[int]int{}
		}
		s.lastLog[m.ID] = last.ID
	}
	for gi, g := range s.ws.Groups {
		truth, managed := s.idpMembers[g.ID]
		if !managed {
			continue
		}
		want, has := slices.Contains(truth, memberID), slices.Contains(g.MemberIDs, memberID)
		switch {
		case want && !has:
			s.addToGroupLocked(gi, memberID, EnvDev, memberID, "identity provider")
		case !want && has:
			s.removeFromGroupLocked(gi, memberID, EnvDev, memberID, "identity provider")
		}
	}
}

// SetMemberRole gives member memberID the role named role in env, as an
// administrator does in the UI: NoAccess removes the environment's role;
// the role type is environment where the workspace has migrated, else
// privilege_group.
func (s *Server) SetMemberRole(memberID int, env, role string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i := s.memberPosLocked(memberID)
	if _, ok := s.envIndex[env]; !ok || i < 0 {
		panic(fmt.Sprintf("workatofake: SetMemberRole: no member %d or environment %q", memberID, env))
	}
	rt := RoleTypeLegacy
	if s.ws.migratedIn(env) {
		rt = RoleTypeEnvironment
	}
	if role != NoAccess && !s.roleExists(role, rt) {
		panic(fmt.Sprintf("workatofake: SetMemberRole: no %s role %q", rt, role))
	}
	m := &s.ws.Members[i]
	s.applyRolesLocked(m, []EnvRole{{Env: env, Name: role, RoleType: rt}})
	s.logLocked(memberEntry(env, EventMemberRoleUpdated, ResourceMemberGrant, s.ownerIDLocked(), *m, "ui: role set to "+role))
}

// AddToGroup adds member memberID to group groupID, as in the UI.
func (s *Server) AddToGroup(groupID string, memberID int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	gi := s.adminGroupLocked("AddToGroup", groupID, memberID)
	s.addToGroupLocked(gi, memberID, EnvDev, s.ownerIDLocked(), "ui")
}

// RemoveFromGroup removes member memberID from group groupID, as in the
// UI.
func (s *Server) RemoveFromGroup(groupID string, memberID int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	gi := s.adminGroupLocked("RemoveFromGroup", groupID, memberID)
	s.removeFromGroupLocked(gi, memberID, EnvDev, s.ownerIDLocked(), "ui")
}

func (s *Server) adminGroupLocked(op, groupID string, memberID int) int {
	gi := slices.IndexFunc(s.ws.Groups, func(g Group) bool { return g.ID == groupID })
	if gi < 0 || s.ws.Groups[gi].System || s.memberPosLocked(memberID) < 0 {
		panic(fmt.Sprintf("workatofake: %s: no group %q (or it is the system group) or no member %d", op, groupID, memberID))
	}
	return gi
}

// memberActivityID is the id of member m's last_activity_log.
func (s *Server) memberActivityIDLocked(m Member) int {
	if id, ok := s.lastLog[m.ID]; ok {
		return id
	}
	return activityID(m.ID)
}
