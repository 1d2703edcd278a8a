package workatoapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/internal/httpx"
)

// grantSample is the project grant of Workato's documentation.
const grantSample = `{"id":"pg-AQAEnmKC-Dtt9aD","project":{"id":178229,"name":"Development","environment":{"id":148425,"type":"dev"}},"project_role":{"id":"pr-AQBGCnMB-JoFtKL","name":"Developers"},"user_group":null,"user":{"id":1,"name":"Taylor","email":"t@x.com"}}`

// groupGrant is a grant to a collaborator group with numeric IDs where the
// sample has strings, and no environment type.
const groupGrant = `{"id":991,"project":{"id":"178229","name":"Development","environment":{"id":148425}},"project_role":{"id":31,"name":"Builder"},"user_group":{"id":"am-WxEKCibh-dTXBtz","name":"Finance"},"user":null}`

func TestClient_ListProjectGrants(t *testing.T) {
	tests := []struct {
		name          string
		body          string
		wantIDs       []ID
		wantTotal     int
		wantErr       string
		wantMalformed bool
	}{
		{
			name: "documented envelope", body: `{"data":[` + grantSample + `,` + groupGrant + `],"total":2,"page":{"number":1,"size":100}}`,
			wantIDs: []ID{"pg-AQAEnmKC-Dtt9aD", "991"}, wantTotal: 2,
		},
		{name: "no total", body: `{"data":[` + grantSample + `]}`, wantIDs: []ID{"pg-AQAEnmKC-Dtt9aD"}, wantTotal: NoTotal},
		{name: "bare array", body: `[` + groupGrant + `]`, wantIDs: []ID{"991"}, wantTotal: NoTotal},
		{name: "no data list", body: `{"grants":[]}`, wantErr: `no "data" list`, wantMalformed: true},
		{name: "project role ID is an object", body: `{"data":[{"id":"pg-1","project_role":{"id":{"x":1}}}]}`, wantErr: `"data.project_role.id"`, wantMalformed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s := newStub(t, answer{body: tt.body})
			got, total, err := c.ListProjectGrants(bg, "178229", 4)
			checkErr(t, err, tt.wantErr, tt.wantMalformed)
			r := s.only(t)
			if r.path != "/api/projects/178229/project_grants" || r.query.Get("page[number]") != "4" || r.query.Get("page[size]") != "100" {
				t.Fatalf("request: got %s?%s, want /api/projects/178229/project_grants?page[number]=4&page[size]=100", r.path, r.rawQuery)
			}
			if tt.wantErr != "" {
				return
			}
			if ids := grantIDs(got); !equalIDs(ids, tt.wantIDs) || total != tt.wantTotal {
				t.Fatalf("got %v total %d, want %v total %d", ids, total, tt.wantIDs, tt.wantTotal)
			}
		})
	}
}

// TestProjectGrant_Tolerance: numeric IDs everywhere, an absent
// environment type and a group assignee with its name all decode.
func TestProjectGrant_Tolerance(t *testing.T) {
	var g ProjectGrant
	if err := json.Unmarshal([]byte(groupGrant), &g); err != nil {
		t.Fatal(err)
	}
	if g.ID != "991" || g.Project.ID != "178229" || g.Project.Environment.ID != "148425" || g.Project.Environment.Type != "" ||
		g.ProjectRole.ID != "31" || g.User != nil || g.UserGroup == nil || g.UserGroup.ID != "am-WxEKCibh-dTXBtz" || g.UserGroup.Name != "Finance" {
		t.Fatalf("got %+v (group %+v), want grant 991 on project 178229 (no env type), role 31, group am-WxEKCibh-dTXBtz named Finance", g, g.UserGroup)
	}
}

func TestClient_PutProjectGrants(t *testing.T) {
	in := []ProjectGrantInput{
		{AssignmentType: AssignUser, AssignmentID: "5203", ProjectRoleID: "pr-AQBGCnMB-JoFtKL"},
		{AssignmentType: AssignUserGroup, AssignmentID: "am-WxEKCibh-dTXBtz", ProjectRoleID: "31"},
	}
	const wantBody = `{"project_grants":[{"assignment_type":"User","assignment_id":"5203","project_role_id":"pr-AQBGCnMB-JoFtKL"},{"assignment_type":"UserGroup","assignment_id":"am-WxEKCibh-dTXBtz","project_role_id":"31"}]}`
	tests := []struct {
		name          string
		a             answer
		wantIDs       []ID // nil: a nil slice
		wantErr       string
		wantMalformed bool
	}{
		{name: "documented data list", a: answer{body: `{"data":[` + grantSample + `,` + groupGrant + `]}`}, wantIDs: []ID{"pg-AQAEnmKC-Dtt9aD", "991"}},
		{name: "data object", a: answer{body: `{"data":` + grantSample + `}`}, wantIDs: []ID{"pg-AQAEnmKC-Dtt9aD"}},
		{name: "bare array", a: answer{body: `[` + groupGrant + `]`}, wantIDs: []ID{"991"}},
		{name: "empty 200", a: answer{}},
		{name: "204", a: answer{status: http.StatusNoContent}},
		{name: "success object", a: answer{body: `{"success":true}`}},
		{name: "data null", a: answer{body: `{"data":null}`}},
		{name: "data object without id", a: answer{body: `{"data":{}}`}},
		{name: "grant ID is an object", a: answer{body: `{"data":[{"id":{"x":1}}]}`}, wantErr: `"data.id"`, wantMalformed: true},
		{name: "a string", a: answer{body: `"Success"`}, wantErr: "neither", wantMalformed: true},
		{name: "400 too many", a: answer{status: http.StatusBadRequest, body: `{"message":"Too many grants"}`}, wantErr: "400"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s := newStub(t, tt.a)
			got, err := c.PutProjectGrants(bg, "178229", in)
			checkErr(t, err, tt.wantErr, tt.wantMalformed)
			r := s.only(t)
			if r.method != http.MethodPut || r.path != "/api/projects/178229/project_grants" || r.contentType != "application/json" || r.body != wantBody {
				t.Fatalf("request: got %s %s (%s) %s, want PUT /api/projects/178229/project_grants (application/json) %s", r.method, r.path, r.contentType, r.body, wantBody)
			}
			if tt.wantErr != "" {
				return
			}
			if tt.wantIDs == nil && got != nil {
				t.Fatalf("got %+v, want a nil slice", got)
			}
			if ids := grantIDs(got); !equalIDs(ids, tt.wantIDs) {
				t.Fatalf("got %v, want %v", ids, tt.wantIDs)
			}
		})
	}
}

// TestClient_PutProjectGrants_Refused: what Workato would refuse is
// refused before any request, as InvalidArgument; no grants sends nothing.
func TestClient_PutProjectGrants_Refused(t *testing.T) {
	many := make([]ProjectGrantInput, MaxGrantsPerPut+1)
	for i := range many {
		many[i] = ProjectGrantInput{AssignmentType: AssignUser, AssignmentID: ID(fmt.Sprint(i + 1)), ProjectRoleID: "pr-1"}
	}
	tests := []struct {
		name     string
		in       []ProjectGrantInput
		wantCode codes.Code // OK: no error
		wantErr  string
	}{
		{name: "101 grants", in: many, wantCode: codes.InvalidArgument, wantErr: "101 grants, at most 100"},
		{name: "unknown assignment type", in: []ProjectGrantInput{{AssignmentType: "Team", AssignmentID: "1", ProjectRoleID: "pr-1"}}, wantCode: codes.InvalidArgument, wantErr: `"Team"`},
		{name: "no assignee", in: []ProjectGrantInput{{AssignmentType: AssignUser, ProjectRoleID: "pr-1"}}, wantCode: codes.InvalidArgument, wantErr: "lacks"},
		{name: "no role", in: []ProjectGrantInput{{AssignmentType: AssignUserGroup, AssignmentID: "am-1"}}, wantCode: codes.InvalidArgument, wantErr: "lacks"},
		{name: "no grants", in: nil, wantCode: codes.OK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s := newStub(t)
			got, err := c.PutProjectGrants(bg, "178229", tt.in)
			checkErr(t, err, tt.wantErr, false)
			if code := status.Code(err); code != tt.wantCode {
				t.Fatalf("code: got %v, want %v", code, tt.wantCode)
			}
			if got != nil {
				t.Fatalf("grants: got %+v, want none", got)
			}
			if n := len(s.requests()); n != 0 {
				t.Fatalf("requests: got %d, want 0", n)
			}
		})
	}
}

// TestClient_PutProjectGrants_100: exactly 100 grants go in one request.
func TestClient_PutProjectGrants_100(t *testing.T) {
	in := make([]ProjectGrantInput, MaxGrantsPerPut)
	for i := range in {
		in[i] = ProjectGrantInput{AssignmentType: AssignUser, AssignmentID: ID(fmt.Sprint(i + 1)), ProjectRoleID: "pr-1"}
	}
	c, s := newStub(t, answer{status: http.StatusNoContent})
	if _, err := c.PutProjectGrants(bg, "7", in); err != nil {
		t.Fatal(err)
	}
	var sent struct {
		Grants []ProjectGrantInput `json:"project_grants"`
	}
	if err := json.Unmarshal([]byte(s.only(t).body), &sent); err != nil || !reflect.DeepEqual(sent.Grants, in) {
		t.Fatalf("sent: got %d grants (%v), want the 100 given", len(sent.Grants), err)
	}
}

func TestClient_GetProjectGrant(t *testing.T) {
	tests := []struct {
		name          string
		body          string
		wantRole      ID
		wantUser      ID
		wantGroup     ID
		wantErr       string
		wantMalformed bool
	}{
		{name: "documented data envelope", body: `{"data":` + grantSample + `}`, wantRole: "pr-AQBGCnMB-JoFtKL", wantUser: "1"},
		{name: "bare grant", body: grantSample, wantRole: "pr-AQBGCnMB-JoFtKL", wantUser: "1"},
		{name: "to a group, numeric IDs", body: `{"data":` + groupGrant + `}`, wantRole: "31", wantGroup: "am-WxEKCibh-dTXBtz"},
		{name: "empty object", body: `{}`, wantErr: "no project grant", wantMalformed: true},
		{name: "empty data", body: `{"data":{}}`, wantErr: "no project grant", wantMalformed: true},
		{name: "array", body: `[` + grantSample + `]`, wantErr: "no project grant", wantMalformed: true},
		{name: "user of the wrong type", body: `{"data":{"id":"pg-1","user":"Taylor"}}`, wantErr: `"data.user"`, wantMalformed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s := newStub(t, answer{body: tt.body})
			g, err := c.GetProjectGrant(bg, "pg-AQAEnmKC-Dtt9aD")
			checkErr(t, err, tt.wantErr, tt.wantMalformed)
			if r := s.only(t); r.method != http.MethodGet || r.path != "/api/project_grants/pg-AQAEnmKC-Dtt9aD" {
				t.Fatalf("request: got %s %s, want GET /api/project_grants/pg-AQAEnmKC-Dtt9aD", r.method, r.path)
			}
			if tt.wantErr != "" {
				return
			}
			var user, group ID
			if g.User != nil {
				user = g.User.ID
			}
			if g.UserGroup != nil {
				group = g.UserGroup.ID
			}
			if g.ProjectRole.ID != tt.wantRole || user != tt.wantUser || group != tt.wantGroup {
				t.Fatalf("got role %q user %q group %q, want role %q user %q group %q", g.ProjectRole.ID, user, group, tt.wantRole, tt.wantUser, tt.wantGroup)
			}
		})
	}
}

func TestClient_DeleteProjectGrant(t *testing.T) {
	tests := []struct {
		name         string
		a            answer
		wantErr      string
		wantNotFound bool
	}{
		{name: "200 body", a: answer{body: `{"success":true}`}},
		{name: "200 empty", a: answer{}},
		{name: "204", a: answer{status: http.StatusNoContent}},
		{name: "404", a: answer{status: http.StatusNotFound, body: `{"message":"Not found"}`}, wantErr: "404", wantNotFound: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s := newStub(t, tt.a)
			err := c.DeleteProjectGrant(bg, "pg-AQAEnmKC-Dtt9aD")
			checkErr(t, err, tt.wantErr, false)
			if got := httpx.IsNotFound(err); got != tt.wantNotFound {
				t.Fatalf("IsNotFound: got %v, want %v", got, tt.wantNotFound)
			}
			if r := s.only(t); r.method != http.MethodDelete || r.path != "/api/project_grants/pg-AQAEnmKC-Dtt9aD" {
				t.Fatalf("request: got %s %s, want DELETE /api/project_grants/pg-AQAEnmKC-Dtt9aD", r.method, r.path)
			}
		})
	}
}

func TestClient_InviteMember(t *testing.T) {
	roles := []EnvRole{{EnvironmentType: EnvDev, Name: "Member", RoleType: RoleTypeEnvironment}}
	tests := []struct {
		name      string
		groups    []ID
		wantGroup any // the user_group_ids sent; nil: none sent
	}{
		{name: "no groups", groups: nil, wantGroup: nil},
		{name: "empty groups", groups: []ID{}, wantGroup: nil},
		{name: "two groups", groups: []ID{"am-WxEKCibh-dTXBtz", "42"}, wantGroup: []any{"am-WxEKCibh-dTXBtz", "42"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s := newStub(t, answer{body: `{"data":{"id":77,"email":"a@x.com"}}`})
			inv, err := c.InviteMember(bg, "A", "a@x.com", roles, tt.groups)
			if err != nil || inv.ID != "77" {
				t.Fatalf("got %+v, %v; want invitation 77", inv, err)
			}
			var sent map[string]any
			if err := json.Unmarshal([]byte(s.only(t).body), &sent); err != nil {
				t.Fatal(err)
			}
			if got := sent["user_group_ids"]; !reflect.DeepEqual(got, tt.wantGroup) {
				t.Fatalf("user_group_ids: got %#v, want %#v", got, tt.wantGroup)
			}
			if sent["email"] != "a@x.com" || sent["env_roles"] == nil {
				t.Fatalf("body: got %v, want email and env_roles", sent)
			}
		})
	}
}

func grantIDs(gs []ProjectGrant) []ID {
	var out []ID
	for _, g := range gs {
		out = append(out, g.ID)
	}
	return out
}
