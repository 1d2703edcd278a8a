package workatofake

// Activity audit log of the fake: GET /api/activity_logs, and the entries
// every write and admin mutation appends.

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// Event and resource types the fake writes. user_login, token_regenerated
// and the resource types User, ApiClient, ManagedUserGrant and
// MemberInvitation are in the reference; the other event strings, and
// the resource types UserGroup and ProjectGrant, are GUESSES (the
// reference could not read them): consumers must keep event_type opaque.
const (
	EventUserLogin          = "user_login"
	EventTokenRegenerated   = "token_regenerated"
	EventMemberRoleUpdated  = "collaborator_role_updated"        // UNCERTAIN: guessed
	EventMemberRemoved      = "collaborator_removed"             // UNCERTAIN: guessed
	EventMemberInvited      = "collaborator_invited"             // UNCERTAIN: guessed
	EventGroupMemberAdded   = "user_group_member_added"          // UNCERTAIN: guessed
	EventGroupMemberRemoved = "user_group_member_removed"        // UNCERTAIN: guessed
	EventProjectGrantPut    = "project_grant_created_or_updated" // UNCERTAIN: guessed
	EventProjectGrantDelete = "project_grant_deleted"            // UNCERTAIN: guessed

	ResourceUser         = "User"
	ResourceAPIClient    = "ApiClient"
	ResourceMemberGrant  = "ManagedUserGrant"
	ResourceInvitation   = "MemberInvitation"
	ResourceUserGroup    = "UserGroup"    // UNCERTAIN: guessed
	ResourceProjectGrant = "ProjectGrant" // UNCERTAIN: guessed
)

// logLocked appends e to the activity log with the next id and the fake
// clock's time (millisecond precision).
func (s *Server) logLocked(e ActivityEntry) {
	e.ID = s.nextLog
	s.nextLog++
	e.Env = envOf(e.Env)
	e.CreatedAt = s.clock.Now().Truncate(time.Millisecond)
	s.ws.Activity = append(s.ws.Activity, e)
}

// memberEntry is an entry, by actor in env, of an activity on member m.
func memberEntry(env, event, resourceType string, actor int, m Member, activity string) ActivityEntry {
	return ActivityEntry{
		Env: env, EventType: event, ResourceType: resourceType, UserID: actor,
		ResourceID: strconv.Itoa(m.ID), ResourceName: m.Name, Activity: activity,
	}
}

type activityEntryJSON struct {
	ID           int                   `json:"id"`
	EventType    string                `json:"event_type"`
	ResourceType string                `json:"resource_type"`
	CreatedAt    string                `json:"created_at"`
	Workspace    activityWorkspaceJSON `json:"workspace"`
	User         *activityUserJSON     `json:"user"`
	Details      activityDetailsJSON   `json:"details"`
	Resource     *activityResourceJSON `json:"resource"`
}

type activityWorkspaceJSON struct {
	ID          int    `json:"id"`
	Name        string `json:"name"`
	Email       string `json:"email"`
	Environment string `json:"environment"`
}

type activityUserJSON struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

type activityDetailsJSON struct {
	Request  activityRequestJSON `json:"request"`
	Activity string              `json:"activity"`
}

type activityRequestJSON struct {
	IP        string `json:"ip"`
	UserAgent string `json:"user_agent"`
}

type activityResourceJSON struct {
	ID    textID `json:"id"`
	Name  string `json:"name"`
	Type  string `json:"type"`
	Email string `json:"email,omitempty"`
}

// activityQuery is a parsed /api/activity_logs query.
type activityQuery struct {
	after, size                  int
	from, to                     time.Time
	users                        map[int]bool
	inRes, exRes, inEvent, exEvt []string
}

// parseActivityQuery reads the query; a malformed from, to, page[after]
// or users_ids[] is a 400.
func parseActivityQuery(r *http.Request) (activityQuery, *apiError) {
	q := r.URL.Query()
	var out activityQuery
	if v := strings.TrimSpace(q.Get("page[after]")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return out, errMessage(http.StatusBadRequest, fmt.Sprintf("page[after] %q is not an integer", v))
		}
		out.after = n
	}
	_, out.size = normPage(1, queryInt(r, "page[size]"))
	for _, k := range []struct {
		key string
		t   *time.Time
	}{{"from", &out.from}, {"to", &out.to}} {
		v := strings.TrimSpace(q.Get(k.key))
		if v == "" {
			continue
		}
		t, err := parseInstant(v)
		if err != nil {
			return out, errMessage(http.StatusBadRequest, fmt.Sprintf("%s %q is not an ISO 8601 time (YYYY-MM-DDTHH:mm:ss.SSSZ)", k.key, v))
		}
		*k.t = t
	}
	for _, v := range append(q["users_ids[]"], q["users_ids"]...) {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part == "" {
				continue
			}
			n, err := strconv.Atoi(part)
			if err != nil {
				return out, errMessage(http.StatusBadRequest, fmt.Sprintf("users_ids[] %q is not an integer", part))
			}
			if out.users == nil {
				out.users = map[int]bool{}
			}
			out.users[n] = true
		}
	}
	list := func(key string) []string {
		var vs []string
		for _, v := range append(q[key+"[]"], q[key]...) {
			for _, part := range strings.Split(v, ",") {
				if part = lower(part); part != "" {
					vs = append(vs, part)
				}
			}
		}
		return vs
	}
	out.inRes, out.exRes = list("include_resource_types"), list("exclude_resource_types")
	out.inEvent, out.exEvt = list("include_event_types"), list("exclude_event_types")
	return out, nil
}

// parseInstant reads an ISO 8601 time with any offset ("Z", "-07:00" or
// "-0700"), with or without fractions.
func parseInstant(v string) (time.Time, error) {
	var err error
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700"} {
		var t time.Time
		if t, err = time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// matches reports whether e passes every filter but page[after].
func (q activityQuery) matches(e ActivityEntry) bool {
	switch {
	case !q.from.IsZero() && e.CreatedAt.Before(q.from):
		return false
	case !q.to.IsZero() && e.CreatedAt.After(q.to):
		return false
	case q.users != nil && !q.users[e.UserID]:
		return false
	case len(q.inRes) > 0 && !slices.Contains(q.inRes, lower(e.ResourceType)):
		return false
	case slices.Contains(q.exRes, lower(e.ResourceType)):
		return false
	case len(q.inEvent) > 0 && !slices.Contains(q.inEvent, lower(e.EventType)):
		return false
	case slices.Contains(q.exEvt, lower(e.EventType)):
		return false
	}
	return true
}

// handleActivityLogs answers the calling client's environment's log:
// entries with id > page[after], ascending by id, page[size] ≤ 100 of
// them; total counts every entry matching the filters, page[after] aside
// (UNCERTAIN). 403 without the audit-log add-on.
func (s *Server) handleActivityLogs(w http.ResponseWriter, r *http.Request) {
	if !s.ws.AuditLog {
		writeMessage(w, http.StatusForbidden, "Forbidden: the Activity audit log add-on is not enabled for this workspace")
		return
	}
	q, bad := parseActivityQuery(r)
	if bad != nil {
		bad.write(w)
		return
	}
	env := clientOf(r).Env
	s.mu.Lock()
	defer s.mu.Unlock()
	members := make(map[int]Member, len(s.ws.Members))
	for _, m := range s.ws.Members {
		members[m.ID] = m
	}
	var matched []ActivityEntry
	for _, e := range s.ws.Activity {
		if e.Env == env && q.matches(e) {
			matched = append(matched, e)
		}
	}
	slices.SortFunc(matched, func(a, b ActivityEntry) int { return a.ID - b.ID })
	out := struct {
		Data  []activityEntryJSON `json:"data"`
		Total int                 `json:"total"`
	}{Data: []activityEntryJSON{}, Total: len(matched)}
	for _, e := range matched {
		if e.ID <= q.after {
			continue
		}
		if len(out.Data) == q.size {
			break
		}
		out.Data = append(out.Data, s.activityJSONLocked(e, members))
	}
	if s.opts.ActivityKeys == ActivityKeysAlternate {
		alt := make([]activityAltJSON, 0, len(out.Data))
		for _, e := range out.Data {
			alt = append(alt, e.alternate())
		}
		fakeapi.WriteJSON(w, http.StatusOK, map[string]any{"data": alt, "total": out.Total})
		return
	}
	fakeapi.WriteJSON(w, http.StatusOK, out)
}

// activityAltJSON is an entry under Options.ActivityKeysAlternate: "type"
// and "timestamp" at the top, the resource type only in "resource".
type activityAltJSON struct {
	ID        int                   `json:"id"`
	Type      string                `json:"type"`
	Timestamp string                `json:"timestamp"`
	Workspace activityWorkspaceJSON `json:"workspace"`
	User      *activityUserJSON     `json:"user"`
	Details   activityDetailsJSON   `json:"details"`
	Resource  activityResourceJSON  `json:"resource"`
}

func (e activityEntryJSON) alternate() activityAltJSON {
	out := activityAltJSON{ID: e.ID, Type: e.EventType, Timestamp: e.CreatedAt, Workspace: e.Workspace, User: e.User, Details: e.Details}
	if e.Resource != nil {
		out.Resource = *e.Resource
	}
	out.Resource.Type = e.ResourceType
	return out
}

func (s *Server) activityJSONLocked(e ActivityEntry, members map[int]Member) activityEntryJSON {
	out := activityEntryJSON{
		ID: e.ID, EventType: e.EventType, ResourceType: e.ResourceType, CreatedAt: wtime(e.CreatedAt),
		Workspace: activityWorkspaceJSON{ID: s.ws.ID, Name: s.ws.Name, Email: s.ownerEmailLocked(), Environment: e.Env},
		Details: activityDetailsJSON{
			Request:  activityRequestJSON{IP: fmt.Sprintf("198.51.100.%d", 1+e.ID%250), UserAgent: "Mozilla/5.0"},
			Activity: e.Activity,
		},
	}
	if e.UserID != 0 {
		u := activityUserJSON{ID: e.UserID}
		if m, ok := members[e.UserID]; ok {
			u.Name, u.Email = m.Name, m.Email
		}
		out.User = &u
	} else {
		// An API client's write: the reference shows no shape for it, so
		// the fake names no user (UNCERTAIN).
		out.User = nil
	}
	if e.ResourceID != "" || e.ResourceName != "" {
		res := &activityResourceJSON{ID: textID(e.ResourceID), Name: e.ResourceName, Type: e.ResourceType}
		if e.ResourceType == ResourceUser {
			if id, err := strconv.Atoi(e.ResourceID); err == nil {
				res.Email = members[id].Email
			}
		}
		out.Resource = res
	}
	return out
}

// ownerEmailLocked is the workspace owner's email (the federation
// manager, else the first member).
func (s *Server) ownerEmailLocked() string {
	owner := ""
	for _, m := range s.ws.Members {
		if m.GrantType == GrantFederationManager {
			return m.Email
		}
		if owner == "" {
			owner = m.Email
		}
	}
	return owner
}

// ownerIDLocked is the id of the member who acts in admin mutations
// made "in the UI" (the owner; 0 when there are no members).
func (s *Server) ownerIDLocked() int {
	for _, m := range s.ws.Members {
		if m.GrantType == GrantFederationManager {
			return m.ID
		}
	}
	if len(s.ws.Members) > 0 {
		return s.ws.Members[0].ID
	}
	return 0
}
