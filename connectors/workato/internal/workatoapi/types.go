package workatoapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Environment types.
const (
	EnvDev  = "dev"
	EnvTest = "test"
	EnvProd = "prod"
)

// Role types in a collaborator's roles and in env_roles.
const (
	RoleTypeLegacy      = "privilege_group" // a legacy system or custom role
	RoleTypeEnvironment = "environment"     // an RBAC 2.0 environment role
)

// NoAccess is the role name that removes a collaborator from an environment.
const NoAccess = "NoAccess"

// PageSize is the largest page Workato serves; lists end on a shorter page.
const PageSize = 100

// ID is a Workato ID, kept as the text Workato sent. Collaborator,
// folder, project and legacy role IDs are numbers; RBAC 2.0 project roles,
// collaborator groups and grants have opaque string IDs ("pr-AQM9-3rydr",
// "am-…", "pg-…"), and some samples show those as numbers too. So an ID
// accepts a JSON number (kept in its decimal form, so the resource IDs of
// numeric IDs are what they always were) or a JSON string (kept
// unchanged); null and "" are the zero ID "". It is comparable and prints
// as itself.
type ID string

// UnmarshalJSON accepts 123, "123", "pr-AQM9-3rydr" and null. Anything
// else (an object, an array, a boolean, a fraction) is a
// *json.UnmarshalTypeError, so the decoder names the field.
func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*id = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ID(strings.TrimSpace(s))
		return nil
	case isInteger(b):
		*id = ID(b)
		return nil
	}
	kind := "value"
	switch {
	case len(b) == 0:
	case b[0] == '{':
		kind = "object"
	case b[0] == '[':
		kind = "array"
	case b[0] == 't' || b[0] == 'f':
		kind = "bool"
	default:
		kind = "number " + string(b)
	}
	return &json.UnmarshalTypeError{Value: kind, Type: reflect.TypeOf(ID(""))}
}

// isInteger reports whether b is a JSON integer ("123", "-4").
func isInteger(b []byte) bool {
	if len(b) > 0 && b[0] == '-' {
		b = b[1:]
	}
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (id ID) String() string { return string(id) }

// IsZero reports whether the ID is absent.
func (id ID) IsZero() bool { return id == "" }

// ParseID reads an ID from a resource ID. IDs are opaque, so any non-empty
// text of letters, digits, "-" and "_" is one (nothing that could change
// the path it is put in).
func ParseID(s string) (ID, error) {
	if s == "" {
		return "", errors.New("empty id")
	}
	for _, c := range s {
		if !isIDRune(c) {
			return "", fmt.Errorf("id %q holds %q: not a Workato ID", s, c)
		}
	}
	return ID(s), nil
}

// ParseNumericID reads an ID that Workato documents as a number (a
// collaborator's).
func ParseNumericID(s string) (ID, error) {
	if !isInteger([]byte(s)) {
		return "", fmt.Errorf("id %q is not a number", s)
	}
	return ID(s), nil
}

// Time is a Workato timestamp ("2020-05-20T11:54:31.706-07:00"); null and
// "" are the zero time.
type Time struct{ time.Time }

// UnmarshalJSON parses RFC 3339 with or without fractions. A value that is
// not a string, or a string that is not such a time, is a
// *json.UnmarshalTypeError, so the decoder names the field.
func (t *Time) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if bytes.Equal(b, []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if len(b) == 0 || b[0] != '"' || json.Unmarshal(b, &s) != nil {
		return &json.UnmarshalTypeError{Value: "non-string", Type: reflect.TypeOf(Time{})}
	}
	if s == "" {
		t.Time = time.Time{}
		return nil
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: fmt.Sprintf("string %q (not an RFC 3339 timestamp)", s), Type: reflect.TypeOf(Time{})}
	}
	t.Time = v
	return nil
}

// MemberRole is the role a collaborator holds in one environment.
type MemberRole struct {
	EnvironmentType string `json:"environment_type"`
	RoleName        string `json:"role_name"`
	RoleType        string `json:"role_type"`
}

// Activity is a collaborator's latest activity.
type Activity struct {
	ID        ID     `json:"id"`
	EventType string `json:"event_type"`
	CreatedAt Time   `json:"created_at"`
}

// Member is a workspace collaborator.
type Member struct {
	ID              ID           `json:"id"`
	GrantType       string       `json:"grant_type"`
	Roles           []MemberRole `json:"roles"`
	ExternalID      *string      `json:"external_id"`
	Name            string       `json:"name"`
	Email           string       `json:"email"`
	TimeZone        string       `json:"time_zone"`
	LastActivityLog *Activity    `json:"last_activity_log"`
	CreatedAt       Time         `json:"created_at"`
}

// Privileges maps a section ("Recipes") to its actions ("read", "run").
type Privileges map[string][]string

// EnvPrivileges is one entry of a collaborator's privileges: the role held
// in one environment, what it allows, and the folders it is scoped to.
type EnvPrivileges struct {
	EnvironmentType string     `json:"environment_type"`
	Name            string     `json:"name"`
	Privileges      Privileges `json:"privileges"`
	FolderIDs       []ID       `json:"folder_ids"`
}

// Role is a legacy custom role.
type Role struct {
	ID          ID         `json:"id"`
	Name        string     `json:"name"`
	Inheritable bool       `json:"inheritable"`
	FolderIDs   []ID       `json:"folder_ids"`
	Privileges  Privileges `json:"privileges"`
	CreatedAt   Time       `json:"created_at"`
	UpdatedAt   Time       `json:"updated_at"`
}

// RBACRole is an RBAC 2.0 environment or project role (GET
// /api/environment_roles, GET /api/project_roles).
type RBACRole struct {
	ID           ID     `json:"id"`
	Name         string `json:"name"`
	MembersCount int    `json:"members_count"`
	Type         string `json:"type"`
	CreatedAt    Time   `json:"created_at"`
	UpdatedAt    Time   `json:"updated_at"`
}

// ProjectGrant is one RBAC 2.0 project grant, in the shape Workato
// documents (workato-api.md §2.6):
//
//	{"id":"pg-AQAEnmKC-Dtt9aD",
//	 "project":{"id":178229,"name":"Development","environment":{"id":148425,"type":"dev"}},
//	 "project_role":{"id":"pr-AQBGCnMB-JoFtKL","name":"Developers"},
//	 "user_group":null,"user":{"id":1,"name":"Taylor","email":"t@x.com"}}
//
// Exactly one of User and UserGroup is set. Every ID may come as a JSON
// number or string; environment.type may be absent ("").
type ProjectGrant struct {
	ID          ID               `json:"id"`
	Project     GrantProject     `json:"project"`
	ProjectRole GrantProjectRole `json:"project_role"`
	User        *GrantUser       `json:"user"`
	UserGroup   *GrantUserGroup  `json:"user_group"`
}

// GrantProject is the project a grant is on.
type GrantProject struct {
	ID          ID     `json:"id"`
	Name        string `json:"name"`
	Environment struct {
		ID   ID     `json:"id"`
		Type string `json:"type"`
	} `json:"environment"`
}

// GrantProjectRole is the project role a grant gives.
type GrantProjectRole struct {
	ID   ID     `json:"id"`
	Name string `json:"name"`
}

// GrantUser is the collaborator a grant is to.
type GrantUser struct {
	ID    ID     `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// GrantUserGroup is the collaborator group a grant is to.
type GrantUserGroup struct {
	ID   ID     `json:"id"`
	Name string `json:"name"`
}

// Project is a project; FolderID is its root folder.
type Project struct {
	ID          ID     `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	FolderID    ID     `json:"folder_id"`
}

// Folder is one folder; ParentID is "" for a project's root folder.
type Folder struct {
	ID        ID     `json:"id"`
	Name      string `json:"name"`
	ParentID  ID     `json:"parent_id"`
	IsProject bool   `json:"is_project"`
	ProjectID ID     `json:"project_id"`
	CreatedAt Time   `json:"created_at"`
	UpdatedAt Time   `json:"updated_at"`
}

// EnvRole is one entry of env_roles in PUT /api/members/:id and invitations.
type EnvRole struct {
	EnvironmentType string `json:"environment_type"`
	Name            string `json:"name"`
	RoleType        string `json:"role_type,omitempty"`
}

// Invitation is a pending invitation: the person becomes a collaborator
// only when they accept it.
type Invitation struct {
	ID       ID        `json:"id"`
	Email    string    `json:"email"`
	Name     string    `json:"name"`
	EnvRoles []EnvRole `json:"env_roles"`
	Status   string    `json:"status"`
}

// isIDRune reports whether c may appear in a Workato ID: ASCII letters,
// digits, '-' and '_' ("pr-AQM9-3rydr", "42").
func isIDRune(c rune) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_'
}
