package workatofake

// Collaborator-group endpoints of the fake: /api/user_groups, one group,
// its members (list, add, remove) and its project grants.

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

type groupJSON struct {
	ID           string  `json:"id"`
	Name         string  `json:"name"`
	Description  *string `json:"description"`
	MembersCount int     `json:"members_count"`
	System       bool    `json:"system"`
	CreatedAt    string  `json:"created_at"`
	UpdatedAt    string  `json:"updated_at"`
}

// groupMemberJSON is a group member; the reference documents no item, so
// the fake serves only id, name and email (UNCERTAIN).
type groupMemberJSON struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// groupIndexLocked finds the group named by the {id} path value.
func (s *Server) groupIndexLocked(r *http.Request) (int, bool) {
	id := r.PathValue("id")
	i := slices.IndexFunc(s.ws.Groups, func(g Group) bool { return g.ID == id })
	return i, i >= 0
}

// groupMembersLocked returns the ids of g's members, in the workspace's
// member order: every member for the system group.
func (s *Server) groupMembersLocked(g Group) []int {
	out := make([]int, 0, len(s.ws.Members))
	for _, m := range s.ws.Members {
		if g.System || slices.Contains(g.MemberIDs, m.ID) {
			out = append(out, m.ID)
		}
	}
	return out
}

func (s *Server) groupJSONLocked(g Group) groupJSON {
	out := groupJSON{
		ID: g.ID, Name: g.Name, MembersCount: len(s.groupMembersLocked(g)), System: g.System,
		CreatedAt: wtime(g.CreatedAt), UpdatedAt: wtime(g.UpdatedAt),
	}
	if g.Description != "" {
		d := g.Description
		out.Description = &d
	}
	return out
}

func (s *Server) handleGroups(w http.ResponseWriter, r *http.Request) {
	name := lower(r.URL.Query().Get("name"))
	number, size := normPage(s.pageNumber(r, "page[number]"), queryInt(r, "page[size]"))
	s.mu.Lock()
	defer s.mu.Unlock()
	var groups []Group
	for _, g := range s.ws.Groups {
		if name == "" || strings.Contains(lower(g.Name), name) {
			groups = append(groups, g)
		}
	}
	out := pagedJSON[groupJSON]{Data: []groupJSON{}, Total: len(groups), Page: pageJSON{Number: number, Size: size}}
	for _, g := range fakeapi.Paginate(groups, number, size, maxPerPage) {
		out.Data = append(out.Data, s.groupJSONLocked(g))
	}
	fakeapi.WriteJSON(w, http.StatusOK, out)
}

func (s *Server) handleGroup(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.groupIndexLocked(r)
	if !ok {
		writeMessage(w, http.StatusNotFound, msgNotFound)
		return
	}
	fakeapi.WriteJSON(w, http.StatusOK, map[string]any{"data": s.groupJSONLocked(s.ws.Groups[i])})
}

func (s *Server) handleGroupMembers(w http.ResponseWriter, r *http.Request) {
	text := lower(r.URL.Query().Get("text"))
	number, size := normPage(s.pageNumber(r, "page[number]"), queryInt(r, "page[size]"))
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.groupIndexLocked(r)
	if !ok {
		writeMessage(w, http.StatusNotFound, msgNotFound)
		return
	}
	ids := s.groupMembersLocked(s.ws.Groups[i])
	var list []groupMemberJSON
	for _, id := range ids {
		m := s.ws.Members[s.memberPosLocked(id)]
		if text == "" || strings.Contains(lower(m.Name), text) || strings.Contains(lower(m.Email), text) {
			list = append(list, groupMemberJSON{ID: m.ID, Name: m.Name, Email: m.Email})
		}
	}
	page := fakeapi.Paginate(list, number, size, maxPerPage)
	fakeapi.WriteJSON(w, http.StatusOK, pagedJSON[groupMemberJSON]{Data: page, Total: len(list), Page: pageJSON{Number: number, Size: size}})
}

// memberPosLocked is the index of member id in ws.Members, or -1.
func (s *Server) memberPosLocked(id int) int {
	return slices.IndexFunc(s.ws.Members, func(m Member) bool { return m.ID == id })
}

// idList reads the ids of key from the query (repeated key, key[], or
// comma-separated) and from a JSON body {"key": [1, "2"]} or {"key": 1}.
func idList(r *http.Request, body map[string]json.RawMessage, key string) ([]int, *apiError) {
	var raw []string
	q := r.URL.Query()
	for _, v := range append(q[key], q[key+"[]"]...) {
		raw = append(raw, strings.Split(v, ",")...)
	}
	if b, ok := body[key]; ok {
		var many []json.RawMessage
		if json.Unmarshal(b, &many) != nil {
			many = []json.RawMessage{b}
		}
		for _, item := range many {
			var id textID
			if json.Unmarshal(item, &id) != nil {
				return nil, errValidation(key, "must be a list of ids")
			}
			raw = append(raw, string(id))
		}
	}
	var out []int
	for _, v := range raw {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, errValidation(key, fmt.Sprintf("%q is not an integer", v))
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out, nil
}

// jsonBody reads an optional JSON object body (empty is none).
func jsonBody(r *http.Request) (map[string]json.RawMessage, *apiError) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return nil, errMessage(http.StatusBadRequest, msgBadRequest)
	}
	if strings.TrimSpace(string(b)) == "" {
		return nil, nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(b, &m) != nil {
		return nil, errMessage(http.StatusBadRequest, msgBadRequest)
	}
	return m, nil
}

// groupForWriteLocked finds the group a member change names: 404 when
// unknown, 422 for the system group.
func (s *Server) groupForWriteLocked(r *http.Request) (int, *apiError) {
	i, ok := s.groupIndexLocked(r)
	if !ok {
		return 0, errMessage(http.StatusNotFound, msgNotFound)
	}
	if g := s.ws.Groups[i]; g.System {
		return 0, errMessage(http.StatusUnprocessableEntity,
			fmt.Sprintf("%s is a system group: it always holds every collaborator, so its members cannot be changed", g.Name))
	}
	return i, nil
}

func (s *Server) handleAddGroupMembers(w http.ResponseWriter, r *http.Request) {
	body, bad := jsonBody(r)
	if bad != nil {
		bad.write(w)
		return
	}
	ids, bad := idList(r, body, "user_ids")
	if bad == nil && len(ids) == 0 {
		bad = errValidation("user_ids", "can't be blank")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	gi, gerr := s.groupForWriteLocked(r)
	switch {
	case gerr != nil:
		gerr.write(w)
		return
	case bad != nil:
		bad.write(w)
		return
	}
	if s.missingMemberLocked(w, ids) {
		return
	}
	env := clientOf(r).Env
	for _, id := range ids {
		s.addToGroupLocked(gi, id, env, 0, "api")
	}
	fakeapi.WriteJSON(w, http.StatusOK, map[string]bool{"success": true})
}

func (s *Server) handleRemoveGroupMembers(w http.ResponseWriter, r *http.Request) {
	body, bad := jsonBody(r)
	if bad != nil {
		bad.write(w)
		return
	}
	ids, bad := idList(r, body, "user_ids")
	var invites []int
	if bad == nil {
		invites, bad = idList(r, body, "member_invitation_ids")
	}
	if bad == nil && len(ids) == 0 && len(invites) == 0 {
		bad = errValidation("user_ids", "user_ids or member_invitation_ids is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	gi, gerr := s.groupForWriteLocked(r)
	switch {
	case gerr != nil:
		gerr.write(w)
		return
	case bad != nil:
		bad.write(w)
		return
	}
	if s.missingMemberLocked(w, ids) {
		return
	}
	for _, id := range invites {
		if !slices.ContainsFunc(s.invitations, func(in Invitation) bool { return in.ID == id }) {
			writeMessage(w, http.StatusNotFound, fmt.Sprintf("Member invitation %d not found", id))
			return
		}
	}
	env := clientOf(r).Env
	for _, id := range ids {
		s.removeFromGroupLocked(gi, id, env, 0, "api")
	}
	gid := s.ws.Groups[gi].ID
	for _, id := range invites {
		i := slices.IndexFunc(s.invitations, func(in Invitation) bool { return in.ID == id })
		in := &s.invitations[i]
		if j := slices.Index(in.GroupIDs, gid); j >= 0 {
			in.GroupIDs = slices.Delete(in.GroupIDs, j, j+1)
			s.logLocked(ActivityEntry{
				Env: env, EventType: EventGroupMemberRemoved, ResourceType: ResourceUserGroup,
				ResourceID: gid, ResourceName: s.ws.Groups[gi].Name, Activity: "invitation " + strconv.Itoa(id) + " removed",
			})
		}
	}
	fakeapi.WriteJSON(w, http.StatusOK, map[string]bool{"success": true})
}

// addToGroupLocked makes member id a member of group gi (no change if it
// is one) and logs it as done by actor in env.
func (s *Server) addToGroupLocked(gi, id int, env string, actor int, how string) {
	g := &s.ws.Groups[gi]
	if slices.Contains(g.MemberIDs, id) {
		return
	}
	g.MemberIDs = append(g.MemberIDs, id)
	g.UpdatedAt = s.clock.Now().Truncate(time.Millisecond)
	m := s.ws.Members[s.memberPosLocked(id)]
	s.logLocked(ActivityEntry{
		Env: env, EventType: EventGroupMemberAdded, ResourceType: ResourceUserGroup, UserID: actor,
		ResourceID: g.ID, ResourceName: g.Name, Activity: fmt.Sprintf("%s: added %s (%d)", how, m.Email, m.ID),
	})
}

// removeFromGroupLocked is addToGroupLocked's inverse.
func (s *Server) removeFromGroupLocked(gi, id int, env string, actor int, how string) {
	g := &s.ws.Groups[gi]
	j := slices.Index(g.MemberIDs, id)
	if j < 0 {
		return
	}
	g.MemberIDs = slices.Delete(g.MemberIDs, j, j+1)
	g.UpdatedAt = s.clock.Now().Truncate(time.Millisecond)
	m := s.ws.Members[s.memberPosLocked(id)]
	s.logLocked(ActivityEntry{
		Env: env, EventType: EventGroupMemberRemoved, ResourceType: ResourceUserGroup, UserID: actor,
		ResourceID: g.ID, ResourceName: g.Name, Activity: fmt.Sprintf("%s: removed %s (%d)", how, m.Email, m.ID),
	})
}

func (s *Server) handleGroupProjectGrants(w http.ResponseWriter, r *http.Request) {
	env := clientOf(r).Env
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.groupIndexLocked(r)
	if !ok {
		writeMessage(w, http.StatusNotFound, msgNotFound)
		return
	}
	id := s.ws.Groups[i].ID
	s.serveGrantsLocked(w, r, func(g ProjectGrant) bool { return g.GroupID == id && s.projectEnv(g.ProjectID) == env })
}

// missingMemberLocked answers 404 naming the first of ids that is no
// collaborator, and reports whether it did.
func (s *Server) missingMemberLocked(w http.ResponseWriter, ids []int) bool {
	for _, id := range ids {
		if s.memberPosLocked(id) < 0 {
			writeMessage(w, http.StatusNotFound, fmt.Sprintf("Collaborator %d not found", id))
			return true
		}
	}
	return false
}
