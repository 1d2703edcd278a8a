package workatoapi

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/internal/httpx"
)

func TestID_UnmarshalJSON(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    ID
		wantErr string // part of the error, "" for none
	}{
		{name: "number", in: `123`, want: "123"},
		{name: "negative number", in: `-4`, want: "-4"},
		{name: "string holding a number", in: `"123"`, want: "123"},
		{name: "opaque project role ID", in: `"pr-AQM9-3rydr"`, want: "pr-AQM9-3rydr"},
		{name: "opaque group ID", in: `"am-WxEKCibh-dTXBtz"`, want: "am-WxEKCibh-dTXBtz"},
		{name: "null", in: `null`, want: ""},
		{name: "empty string", in: `""`, want: ""},
		{name: "object", in: `{"id":1}`, wantErr: "object"},
		{name: "array", in: `[1]`, wantErr: "array"},
		{name: "bool", in: `true`, wantErr: "bool"},
		{name: "fraction", in: `1.5`, wantErr: "1.5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got ID
			err := json.Unmarshal([]byte(tt.in), &got)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("Unmarshal(%s): got error %v, want none", tt.in, err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Unmarshal(%s): got error %v, want one mentioning %q", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Fatalf("Unmarshal(%s): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestID_FieldNamedInErrors: a wrongly typed ID or field inside a list is
// reported with the field's path, so the message can name it.
func TestID_FieldNamedInErrors(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{name: "role id is an object", body: `{"data":[{"id":{"x":1},"name":"r"}]}`, want: `"data.id"`},
		{name: "email is an object", body: `{"data":[{"id":1,"email":{"x":1}}]}`, want: `"data.email"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var env struct {
				Data []Member `json:"data"`
			}
			err := decode("GET", RouteMembers, json.RawMessage(tt.body), &env)
			var me *httpx.MalformedError
			if !errors.As(err, &me) {
				t.Fatalf("decode: got %v, want a *httpx.MalformedError", err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), RouteMembers) {
				t.Fatalf("decode: got %q, want it to name %s and the field %s", err, RouteMembers, tt.want)
			}
		})
	}
}

func TestParseID(t *testing.T) {
	tests := []struct {
		in      string
		want    ID
		wantErr bool
	}{
		{in: "123", want: "123"},
		{in: "pr-AQM9-3rydr", want: "pr-AQM9-3rydr"},
		{in: "", wantErr: true},
		{in: "1/../2", wantErr: true},
		{in: "a b", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseID(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseID(%q): got %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestTime_UnmarshalJSON(t *testing.T) {
	var got Time
	if err := json.Unmarshal([]byte(`"2020-05-20T11:54:31.706-07:00"`), &got); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2020, 5, 20, 18, 54, 31, 706000000, time.UTC); !got.Equal(want) {
		t.Fatalf("got %v, want %v", got.Time, want)
	}
	if err := json.Unmarshal([]byte(`"yesterday"`), &got); err == nil {
		t.Fatal("got no error for a malformed timestamp, want one")
	}
}

func TestMessage(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{name: "message", body: `{"message":"Unauthorized"}`, want: "Unauthorized"},
		{name: "errors", body: `{"errors":[{"title":"a"},{"title":"b"}]}`, want: "a; b"},
		{name: "plain text", body: `Service Unavailable`, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Message(tt.body); got != tt.want {
				t.Fatalf("Message(%q): got %q, want %q", tt.body, got, tt.want)
			}
		})
	}
}

func TestBaseURL(t *testing.T) {
	for dc, want := range map[string]string{"us": "https://www.workato.com", "EU": "https://app.eu.workato.com", " cn ": "https://app.workatoapp.cn"} {
		if got, err := BaseURL(dc); err != nil || got != want {
			t.Errorf("BaseURL(%q): got %q, %v; want %q", dc, got, err, want)
		}
	}
	_, err := BaseURL("mars")
	if err == nil || !strings.Contains(err.Error(), "us") {
		t.Fatalf("BaseURL(mars): got %v, want an error listing the data centers", err)
	}
}

// TestProjectGrant_UnmarshalJSON decodes project grants in the shape
// Workato documents (workato-api.md §2.6), to a collaborator and to a
// collaborator group.
func TestProjectGrant_UnmarshalJSON(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantRole  ID
		wantUser  ID // "" when the grant is to a group
		wantGroup ID
	}{
		{
			name:     "documented sample, to a collaborator",
			in:       `{"id":"pg-AQAEnmKC-Dtt9aD","project":{"id":178229,"name":"Development","environment":{"id":148425,"type":"dev"}},"project_role":{"id":"pr-AQBGCnMB-JoFtKL","name":"Developers"},"user_group":null,"user":{"id":1,"name":"Taylor","email":"t@x.com"}}`,
			wantRole: "pr-AQBGCnMB-JoFtKL", wantUser: "1",
		},
		{
			name:     "to a collaborator group",
			in:       `{"id":"pg-AQAEnmKC-Dtt9aE","project":{"id":178229,"name":"Development","environment":{"id":148425,"type":"dev"}},"project_role":{"id":"pr-AQBGCnMB-JoFtKL","name":"Developers"},"user_group":{"id":"am-WxEKCibh-dTXBtz","name":"Finance"},"user":null}`,
			wantRole: "pr-AQBGCnMB-JoFtKL", wantGroup: "am-WxEKCibh-dTXBtz",
		},
		{
			name:     "numeric project role ID, as some samples show",
			in:       `{"id":"pg-1","project":{"id":7,"name":"P","environment":{"id":1,"type":"prod"}},"project_role":{"id":31,"name":"Project admin"},"user_group":null,"user":{"id":5203,"name":"A","email":"a@x"}}`,
			wantRole: "31", wantUser: "5203",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g ProjectGrant
			if err := json.Unmarshal([]byte(tt.in), &g); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if g.ProjectRole.ID != tt.wantRole {
				t.Errorf("project role: got %q, want %q", g.ProjectRole.ID, tt.wantRole)
			}
			var user, group ID
			if g.User != nil {
				user = g.User.ID
			}
			if g.UserGroup != nil {
				group = g.UserGroup.ID
			}
			if user != tt.wantUser || group != tt.wantGroup {
				t.Errorf("assignee: got user %q group %q, want user %q group %q", user, group, tt.wantUser, tt.wantGroup)
			}
		})
	}
}
