package workatofake

// Role endpoints of the fake: legacy custom roles, the RBAC 2.0
// environment and project roles, and project grants.

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

func (s *Server) handleRoles(w http.ResponseWriter, r *http.Request) {
	if s.ws.Migrated {
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
	roleNames := make(map[string]string, len(s.ws.ProjectRoles))
	for _, role := range s.ws.ProjectRoles {
		roleNames[role.ID] = role.Name
	}
	s.mu.Lock()
	project := s.ws.Projects[s.projectByID[id]]
	members := make(map[int]Member, len(s.ws.Members))
	for _, m := range s.ws.Members {
		members[m.ID] = m
	}
	var grants []projectGrantJSON
	for _, g := range s.ws.ProjectGrants {
		if g.ProjectID != id {
			continue
		}
		m := members[g.MemberID]
		grants = append(grants, projectGrantJSON{
			ID: g.ID,
			// The fake's projects all live in DEV, the environment of the
			// API client that may call the collaborator endpoints.
			Project:     grantProjectJSON{ID: project.ID, Name: project.Name, Environment: grantEnvironmentJSON{ID: devEnvironmentID, Type: EnvDev}},
			ProjectRole: grantRoleJSON{ID: textID(g.RoleID), Name: roleNames[g.RoleID]},
			User:        &grantUserJSON{ID: m.ID, Name: m.Name, Email: m.Email},
		})
	}
	s.mu.Unlock()
	number, size := normPage(s.pageNumber(r, "page[number]"), queryInt(r, "page[size]"))
	fakeapi.WriteJSON(w, http.StatusOK, pagedJSON[projectGrantJSON]{
		Data:  fakeapi.Paginate(grants, number, size, maxPerPage),
		Total: len(grants),
		Page:  pageJSON{Number: number, Size: size},
	})
}
