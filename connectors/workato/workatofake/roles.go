package workatofake

// Role endpoints of the fake: legacy custom roles and the RBAC 2.0
// environment and project roles.

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

func (s *Server) handleRoles(w http.ResponseWriter, r *http.Request) {
	if s.ws.Migrated && len(s.ws.LegacyEnvs) == 0 {
		writeMessage(w, http.StatusBadRequest, msgLegacyRolesGone)
		return
	}
	page := fakeapi.Paginate(s.ws.CustomRoles, s.pageNumber(r, "page"), queryInt(r, "per_page"), maxPerPage)
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
	// members_count: the distinct assignees (members and groups) holding
	// the role on some project (UNCERTAIN which Workato counts).
	s.serveNewRoles(w, r, s.ws.ProjectRoles, func(role NewRole) int {
		holders := map[string]bool{}
		for _, g := range s.ws.ProjectGrants {
			if g.RoleID == role.ID {
				holders[fmt.Sprintf("%d/%s", g.MemberID, g.GroupID)] = true
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
	number, size := normPage(s.pageNumber(r, "page[number]"), queryInt(r, "page[size]"))
	page := fakeapi.Paginate(roles, number, size, maxPerPage)
	out := pagedJSON[newRoleJSON]{Data: make([]newRoleJSON, 0, len(page)), Total: len(roles), Page: pageJSON{Number: number, Size: size}}
	s.mu.Lock()
	for _, role := range page {
		out.Data = append(out.Data, newRoleJSON{
			ID: textID(role.ID), Name: role.Name, MembersCount: count(role), Type: role.Type,
			CreatedAt: wtime(role.CreatedAt), UpdatedAt: wtime(role.UpdatedAt),
		})
	}
	s.mu.Unlock()
	fakeapi.WriteJSON(w, http.StatusOK, out)
}

// devEnvironmentID is the ID the fake gives the DEV environment in the
// answers that name one.
const devEnvironmentID = 148425
