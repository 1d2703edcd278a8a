package workatoapi

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/internal/httpx"
)

// groupSample is the collaborator group of Workato's documentation.
const groupSample = `{"id":"am-WxEKCibh-dTXBtz","name":"All collaborators","description":null,"members_count":5,"system":true,"created_at":"2024-08-01T13:35:11.691-07:00","updated_at":"2024-08-01T13:35:11.691-07:00"}`

func TestClient_ListGroups(t *testing.T) {
	tests := []struct {
		name          string
		body          string
		wantIDs       []ID
		wantTotal     int
		wantErr       string
		wantMalformed bool
	}{
		{
			name: "documented envelope", body: `{"data":[` + groupSample + `,{"id":"pf-APHDLgAD-cTXBtz","name":"Finance","description":"ledger","members_count":2,"system":false}],"total":2,"page":{"number":1,"size":100}}`,
			wantIDs: []ID{"am-WxEKCibh-dTXBtz", "pf-APHDLgAD-cTXBtz"}, wantTotal: 2,
		},
		{name: "no total", body: `{"data":[` + groupSample + `]}`, wantIDs: []ID{"am-WxEKCibh-dTXBtz"}, wantTotal: NoTotal},
		{name: "bare array", body: `[` + groupSample + `]`, wantIDs: []ID{"am-WxEKCibh-dTXBtz"}, wantTotal: NoTotal},
		{name: "empty page", body: `{"data":[],"total":0}`, wantIDs: nil, wantTotal: 0},
		{name: "numeric group ID", body: `{"data":[{"id":42,"name":"N"}],"total":1}`, wantIDs: []ID{"42"}, wantTotal: 1},
		{name: "no data list", body: `{"items":[]}`, wantErr: `no "data" list`, wantMalformed: true},
		{name: "data is null", body: `{"data":null,"total":0}`, wantErr: `no "data" list`, wantMalformed: true},
		{name: "members_count of the wrong type", body: `{"data":[{"id":"am-1","members_count":"five"}]}`, wantErr: `"data.members_count"`, wantMalformed: true},
		{name: "system of the wrong type", body: `{"data":[{"id":"am-1","system":"yes"}]}`, wantErr: `"data.system"`, wantMalformed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s := newStub(t, answer{body: tt.body})
			got, total, err := c.ListGroups(bg, 3)
			checkErr(t, err, tt.wantErr, tt.wantMalformed)
			r := s.only(t)
			if r.method != http.MethodGet || r.path != "/api/user_groups" || r.query.Get("page[number]") != "3" || r.query.Get("page[size]") != "100" {
				t.Fatalf("request: got %s %s?%s, want GET /api/user_groups?page[number]=3&page[size]=100", r.method, r.path, r.rawQuery)
			}
			if tt.wantErr != "" {
				return
			}
			if ids := groupIDs(got); !equalIDs(ids, tt.wantIDs) || total != tt.wantTotal {
				t.Fatalf("got %v total %d, want %v total %d", ids, total, tt.wantIDs, tt.wantTotal)
			}
		})
	}
}

// TestClient_ListGroups_Fields: every field of the documented sample is
// read, a null description as "".
func TestClient_ListGroups_Fields(t *testing.T) {
	c, _ := newStub(t, answer{body: `{"data":[` + groupSample + `],"total":1}`})
	got, _, err := c.ListGroups(bg, 1)
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2024, 8, 1, 20, 35, 11, 691000000, time.UTC)
	want := Group{ID: "am-WxEKCibh-dTXBtz", Name: "All collaborators", Description: "", MembersCount: 5, System: true}
	g := got[0]
	if g.ID != want.ID || g.Name != want.Name || g.Description != want.Description || g.MembersCount != want.MembersCount || g.System != want.System ||
		!g.CreatedAt.Equal(created) || !g.UpdatedAt.Equal(created) {
		t.Fatalf("got %+v, want %+v created and updated %v", g, want, created)
	}
}

func TestClient_ListGroupMembers(t *testing.T) {
	tests := []struct {
		name          string
		body          string
		wantIDs       []ID
		wantTotal     int
		wantErr       string
		wantMalformed bool
	}{
		{
			name: "documented envelope", body: `{"data":[{"id":1,"name":"Taylor","email":"t@x.com"},{"id":"2","name":"Sam","email":"s@x.com"}],"total":2,"page":{"number":2,"size":100}}`,
			wantIDs: []ID{"1", "2"}, wantTotal: 2,
		},
		{name: "no total", body: `{"data":[{"id":1}]}`, wantIDs: []ID{"1"}, wantTotal: NoTotal},
		{name: "bare array", body: `[{"id":1},{"id":7}]`, wantIDs: []ID{"1", "7"}, wantTotal: NoTotal},
		{name: "unknown fields ignored", body: `{"data":[{"id":1,"grant_type":"team","roles":[{"x":1}]}],"total":1}`, wantIDs: []ID{"1"}, wantTotal: 1},
		{name: "email of the wrong type", body: `{"data":[{"id":1,"email":["a"]}]}`, wantErr: `"data.email"`, wantMalformed: true},
		{name: "not JSON", body: `<html>`, wantErr: "invalid character", wantMalformed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s := newStub(t, answer{body: tt.body})
			got, total, err := c.ListGroupMembers(bg, "am-WxEKCibh-dTXBtz", 2)
			checkErr(t, err, tt.wantErr, tt.wantMalformed)
			r := s.only(t)
			if r.path != "/api/user_groups/am-WxEKCibh-dTXBtz/members" || r.query.Get("page[number]") != "2" || r.query.Get("page[size]") != "100" {
				t.Fatalf("request: got %s?%s, want /api/user_groups/am-WxEKCibh-dTXBtz/members?page[number]=2&page[size]=100", r.path, r.rawQuery)
			}
			if tt.wantErr != "" {
				return
			}
			checkList(t, got, func(x GroupMember) ID { return x.ID }, total, tt.wantIDs, tt.wantTotal)
		})
	}
}

// TestClient_GroupMemberWrites: add and remove send one collaborator as
// ?user_ids=<id>, no body, and take any 2xx with any or no body.
func TestClient_GroupMemberWrites(t *testing.T) {
	answers := []struct {
		name string
		a    answer
	}{
		{"200 success object", answer{body: `{"success":true}`}},
		{"200 string", answer{body: `"Success"`}},
		{"200 data", answer{body: `{"data":{"id":"am-1"}}`}},
		{"200 empty", answer{}},
		{"201 empty", answer{status: http.StatusCreated}},
		{"204", answer{status: http.StatusNoContent}},
		{"200 not JSON", answer{body: `ok`}},
	}
	calls := []struct {
		method string
		call   func(*Client) error
	}{
		{http.MethodPost, func(c *Client) error { return c.AddGroupMember(bg, "am-WxEKCibh-dTXBtz", "5203") }},
		{http.MethodDelete, func(c *Client) error { return c.RemoveGroupMember(bg, "am-WxEKCibh-dTXBtz", "5203") }},
	}
	for _, call := range calls {
		for _, tt := range answers {
			t.Run(call.method+" "+tt.name, func(t *testing.T) {
				c, s := newStub(t, tt.a)
				if err := call.call(c); err != nil {
					t.Fatalf("error: got %v, want none", err)
				}
				r := s.only(t)
				if r.method != call.method || r.path != "/api/user_groups/am-WxEKCibh-dTXBtz/members" || r.rawQuery != "user_ids=5203" || r.body != "" {
					t.Fatalf("request: got %s %s?%s body %q, want %s /api/user_groups/am-WxEKCibh-dTXBtz/members?user_ids=5203 and no body",
						r.method, r.path, r.rawQuery, r.body, call.method)
				}
			})
		}
	}
}

// TestClient_AddGroupMember_Replay: adding a member is idempotent in
// effect, so a 5xx is retried like a PUT; a 422 (the system group) is not.
func TestClient_AddGroupMember_Replay(t *testing.T) {
	tests := []struct {
		name      string
		answers   []answer
		wantCalls int
		wantErr   string
	}{
		{name: "502 then 200", answers: []answer{{status: http.StatusBadGateway}, {body: `{"success":true}`}}, wantCalls: 2},
		{name: "422 system group", answers: []answer{{status: http.StatusUnprocessableEntity, body: `{"message":"System group cannot be changed"}`}}, wantCalls: 1, wantErr: "422"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s := newStub(t, tt.answers...)
			err := c.AddGroupMember(bg, "am-1", "7")
			checkErr(t, err, tt.wantErr, false)
			if got := len(s.requests()); got != tt.wantCalls {
				t.Fatalf("requests: got %d, want %d", got, tt.wantCalls)
			}
		})
	}
}

// TestClient_PrivilegeHints: a 403 names the client-role privilege the
// endpoint needs.
func TestClient_PrivilegeHints(t *testing.T) {
	tests := []struct {
		name string
		call func(*Client) error
		want string
	}{
		{"list groups", func(c *Client) error { _, _, err := c.ListGroups(bg, 1); return err }, "List collaborator groups"},
		{"list group members", func(c *Client) error { _, _, err := c.ListGroupMembers(bg, "am-1", 1); return err }, "List collaborator group members"},
		{"add group member", func(c *Client) error { return c.AddGroupMember(bg, "am-1", "1") }, "Add members to a collaborator group"},
		{"remove group member", func(c *Client) error { return c.RemoveGroupMember(bg, "am-1", "1") }, "Remove members from a collaborator group"},
		{"put grants", func(c *Client) error {
			_, err := c.PutProjectGrants(bg, "1", []ProjectGrantInput{{AssignmentType: AssignUser, AssignmentID: "1", ProjectRoleID: "pr-1"}})
			return err
		}, "Add or update project grants"},
		{"get grant", func(c *Client) error { _, err := c.GetProjectGrant(bg, "pg-1"); return err }, "Get a project grant"},
		{"delete grant", func(c *Client) error { return c.DeleteProjectGrant(bg, "pg-1") }, "Delete a project grant"},
		{"list API clients", func(c *Client) error { _, _, err := c.ListAPIClients(bg, 1); return err }, "List API clients"},
		{"list client roles", func(c *Client) error { _, _, err := c.ListClientRoles(bg, 1); return err }, "List API client roles"},
		{"activity log", func(c *Client) error { _, _, err := c.ListActivityLogs(bg, ActivityQuery{}); return err }, "Get audit log"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newStub(t, answer{status: http.StatusForbidden, body: `{"message":"Forbidden"}`})
			err := tt.call(c)
			var se *httpx.StatusError
			if err == nil || !errors.As(err, &se) || se.StatusCode != http.StatusForbidden {
				t.Fatalf("error: got %v, want a 403 StatusError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error: got %q, want it to name the privilege %q", err, tt.want)
			}
		})
	}
}

func groupIDs(gs []Group) []ID {
	var out []ID
	for _, g := range gs {
		out = append(out, g.ID)
	}
	return out
}

func equalIDs(a, b []ID) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
