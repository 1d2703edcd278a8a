package workatofake

// Wire format of the fake: Workato's JSON shapes, its error bodies and
// timestamps, and the parsing of request bodies and paging parameters.

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"time"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// Messages of the {"message": …} error bodies.
const (
	msgUnauthorized    = "Unauthorized"
	msgNotFound        = "Not found"
	msgTooMany         = "Too many requests"
	msgBadRequest      = "Bad request"
	msgLegacyRolesGone = "Legacy roles are no longer available: this workspace uses environment and project roles"
)

// maxPerPage is the largest page any list serves.
const maxPerPage = 100

// timeLayout is Workato's timestamp form: milliseconds and a local offset.
const timeLayout = "2006-01-02T15:04:05.000-07:00"

// workatoZone is the offset timestamps are shown in (Pacific daylight
// time, as in Workato's samples).
var workatoZone = time.FixedZone("PDT", -7*60*60)

func wtime(t time.Time) string { return t.In(workatoZone).Format(timeLayout) }

type messageBody struct {
	Message string `json:"message"`
}

func writeMessage(w http.ResponseWriter, status int, msg string) {
	fakeapi.WriteJSON(w, status, messageBody{Message: msg})
}

// apiError is an error answer a handler decided on.
type apiError struct {
	status int
	body   any
}

func errMessage(status int, msg string) *apiError {
	return &apiError{status: status, body: messageBody{Message: msg}}
}

// errValidation is the {"message":"Validation failed","errors":{…}} form.
func errValidation(field, problem string) *apiError {
	return &apiError{status: http.StatusBadRequest, body: struct {
		Message string              `json:"message"`
		Errors  map[string][]string `json:"errors"`
	}{"Validation failed", map[string][]string{field: {problem}}}}
}

func (e *apiError) write(w http.ResponseWriter) { fakeapi.WriteJSON(w, e.status, e.body) }

// JSON shapes.

type memberRoleJSON struct {
	EnvironmentType string `json:"environment_type"`
	RoleName        string `json:"role_name"`
	RoleType        string `json:"role_type"`
}

type activityJSON struct {
	ID        int    `json:"id"`
	EventType string `json:"event_type"`
	CreatedAt string `json:"created_at"`
}

type memberJSON struct {
	ID              int              `json:"id"`
	GrantType       string           `json:"grant_type"`
	Roles           []memberRoleJSON `json:"roles"`
	ExternalID      *string          `json:"external_id"`
	Name            string           `json:"name"`
	Email           string           `json:"email"`
	TimeZone        string           `json:"time_zone"`
	LastActivityLog *activityJSON    `json:"last_activity_log"`
	CreatedAt       string           `json:"created_at"`
}

type privilegesJSON struct {
	EnvironmentType string     `json:"environment_type"`
	Name            string     `json:"name"`
	Privileges      Privileges `json:"privileges"`
	FolderIDs       []int      `json:"folder_ids"`
}

type roleJSON struct {
	ID          int        `json:"id"`
	Name        string     `json:"name"`
	Inheritable bool       `json:"inheritable"`
	FolderIDs   []int      `json:"folder_ids"`
	CreatedAt   string     `json:"created_at"`
	UpdatedAt   string     `json:"updated_at"`
	Privileges  Privileges `json:"privileges"`
}

// textID is an opaque id as text: served as a JSON number when it is all
// digits (as Workato's numeric ids are), else as a string.
type textID string

func (id textID) MarshalJSON() ([]byte, error) {
	if id != "" && strings.Trim(string(id), "0123456789") == "" && (len(id) == 1 || id[0] != '0') {
		return []byte(id), nil
	}
	return json.Marshal(string(id))
}

// UnmarshalJSON reads a number or a string (the tests decode answers).
func (id *textID) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*id = textID(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*id = textID(n)
	return nil
}

type newRoleJSON struct {
	ID           textID `json:"id"`
	Name         string `json:"name"`
	MembersCount int    `json:"members_count"`
	Type         string `json:"type"`
	CreatedAt    string `json:"created_at"`
	UpdatedAt    string `json:"updated_at"`
}

type pageJSON struct {
	Number int `json:"number"`
	Size   int `json:"size"`
}

type pagedJSON[T any] struct {
	Data  []T      `json:"data"`
	Total int      `json:"total"`
	Page  pageJSON `json:"page"`
}

// projectGrantJSON is a project grant as Workato documents it
// (workato-api.md §2.6); exactly one of User and UserGroup is set.
type projectGrantJSON struct {
	ID          string              `json:"id"`
	Project     grantProjectJSON    `json:"project"`
	ProjectRole grantRoleJSON       `json:"project_role"`
	UserGroup   *grantUserGroupJSON `json:"user_group"`
	User        *grantUserJSON      `json:"user"`
}

type grantProjectJSON struct {
	ID          int                  `json:"id"`
	Name        string               `json:"name"`
	Environment grantEnvironmentJSON `json:"environment"`
}

type grantEnvironmentJSON struct {
	ID   int    `json:"id"`
	Type string `json:"type"`
}

type grantRoleJSON struct {
	ID   textID `json:"id"`
	Name string `json:"name"`
}

type grantUserGroupJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type grantUserJSON struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

type folderJSON struct {
	ID        int    `json:"id"`
	Name      string `json:"name"`
	ParentID  *int   `json:"parent_id"`
	IsProject bool   `json:"is_project"`
	ProjectID *int   `json:"project_id"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

type projectJSON struct {
	ID          int    `json:"id"`
	Description string `json:"description"`
	FolderID    int    `json:"folder_id"`
	Name        string `json:"name"`
}

type envRoleJSON struct {
	EnvironmentType string `json:"environment_type"`
	Name            string `json:"name"`
	RoleType        string `json:"role_type,omitempty"`
}

type invitationJSON struct {
	ID        int           `json:"id"`
	Email     string        `json:"email"`
	Name      string        `json:"name"`
	EnvRoles  []envRoleJSON `json:"env_roles"`
	Status    string        `json:"status"`
	CreatedAt string        `json:"created_at"`
}

// decodeBody reads a JSON request body into v.
func decodeBody(r *http.Request, v any) *apiError {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || json.Unmarshal(b, v) != nil {
		return errMessage(http.StatusBadRequest, msgBadRequest)
	}
	return nil
}

// queryInt reads an integer query parameter; absent or malformed is 0
// (which the paging helpers read as the default).
func queryInt(r *http.Request, key string) int {
	n, err := strconv.Atoi(strings.TrimSpace(r.URL.Query().Get(key)))
	if err != nil {
		return 0
	}
	return n
}

// normPage applies the paging rules to a page number and size: a number
// below 1 is 1, a size of 0 (absent) is 100, others are clamped to [1,100].
func normPage(number, size int) (int, int) {
	if number < 1 {
		number = 1
	}
	switch {
	case size == 0 || size > maxPerPage:
		size = maxPerPage
	case size < 1:
		size = 1
	}
	return number, size
}

// rbacGroups are the endpoint groups whose errors Options.RBACErrorsForm
// rewrites.
var rbacGroups = map[string]bool{GroupUserGroups: true, GroupProjectGrants: true, GroupAPIClients: true, GroupActivityLogs: true}

// errorsForm rewrites h's {"message":m} error answers as
// {"errors":[{"title":m}]}, the form newer RBAC endpoints may use.
func errorsForm(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		body := rec.Body.Bytes()
		var m messageBody
		if rec.Code >= 400 && json.Unmarshal(body, &m) == nil && m.Message != "" {
			type title struct {
				Title string `json:"title"`
			}
			fakeapi.WriteJSON(w, rec.Code, map[string][]title{"errors": {{Title: m.Message}}})
			return
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}
}
