package workatoapi

// API clients and client roles: who else calls this workspace's API, with
// which role, environment and project scope. Read only; a token value is
// never decoded or kept.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strconv"
	"strings"
)

// APIClient is one developer API client, in the shape Workato documents
// (api-client-apis):
//
//	{"id":40947,"name":"Test","api_privilege_group_id":26779,"all_folders":false,"folder_ids":[26138,26136],
//	 "environment_name":"Development","environment_id":3218,"ip_allow_list":"192.0.2.10,198.51.100.5",
//	 "token":{"updated_at":"2023-02-22T09:55:36.427Z"},"created_at":"…","updated_at":"…"}
//
// RoleID is its client role. AllFolders and FolderIDs are its project
// scope. IPAllowList is read from a comma-separated string (the docs
// preview) or an array (UNCERTAIN). TokenUpdatedAt is token.updated_at,
// roughly when the token was last (re)generated (UNCERTAIN); the token
// itself is never read, whatever shape it comes in.
type APIClient struct {
	ID              ID       `json:"id"`
	Name            string   `json:"name"`
	RoleID          ID       `json:"api_privilege_group_id"`
	AllFolders      bool     `json:"all_folders"`
	FolderIDs       []ID     `json:"folder_ids"`
	EnvironmentName string   `json:"environment_name"`
	EnvironmentID   ID       `json:"environment_id"`
	IPAllowList     []string `json:"ip_allow_list"`
	TokenUpdatedAt  Time     `json:"-"`
	CreatedAt       Time     `json:"created_at"`
	UpdatedAt       Time     `json:"updated_at"`
}

// UnmarshalJSON reads the documented fields, ip_allow_list in either shape
// and only updated_at of token: a token object's other keys, and a token
// that is a bare string, are skipped unread.
func (a *APIClient) UnmarshalJSON(b []byte) error {
	var w struct {
		ID              ID              `json:"id"`
		Name            string          `json:"name"`
		RoleID          ID              `json:"api_privilege_group_id"`
		AllFolders      bool            `json:"all_folders"`
		FolderIDs       []ID            `json:"folder_ids"`
		EnvironmentName string          `json:"environment_name"`
		EnvironmentID   ID              `json:"environment_id"`
		IPAllowList     ipAllowList     `json:"ip_allow_list"`
		Token           json.RawMessage `json:"token"`
		CreatedAt       Time            `json:"created_at"`
		UpdatedAt       Time            `json:"updated_at"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*a = APIClient{
		ID: w.ID, Name: w.Name, RoleID: w.RoleID, AllFolders: w.AllFolders, FolderIDs: w.FolderIDs,
		EnvironmentName: w.EnvironmentName, EnvironmentID: w.EnvironmentID, IPAllowList: w.IPAllowList,
		CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt,
	}
	if isObject(w.Token) {
		var tok struct {
			UpdatedAt Time `json:"updated_at"`
		}
		if err := json.Unmarshal(w.Token, &tok); err != nil {
			return prefixField("token", err)
		}
		a.TokenUpdatedAt = tok.UpdatedAt
	}
	return nil
}

// prefixField puts parent before the field a decoding error names, for a
// value decoded on its own.
func prefixField(parent string, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			te.Field = parent
		} else {
			te.Field = parent + "." + te.Field
		}
	}
	return err
}

// ipAllowList is an IP allow list sent as "a,b" or ["a","b"]; null and ""
// are none. Entries are trimmed; empty ones dropped.
type ipAllowList []string

func (l *ipAllowList) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	var parts []string
	switch {
	case bytes.Equal(b, []byte("null")):
		*l = nil
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		parts = strings.Split(s, ",")
	case len(b) > 0 && b[0] == '[':
		if err := json.Unmarshal(b, &parts); err != nil {
			return err
		}
	default:
		return &json.UnmarshalTypeError{Value: "non-string", Type: reflect.TypeOf("")}
	}
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	*l = out
	return nil
}

// ClientRole is an API client role: the endpoints a client may call.
// UNCERTAIN: Workato documents no item for this list; only these keys are
// read (the role's privileges, if listed, are not).
type ClientRole struct {
	ID        ID     `json:"id"`
	Name      string `json:"name"`
	CreatedAt Time   `json:"created_at"`
	UpdatedAt Time   `json:"updated_at"`
}

// ListAPIClients returns one page (1-based) of API clients and
// result.count (NoTotal if absent). The documented answer is
// {"result":{"count":N,"items":[…]}}; {"data":[…],"total":N} and a bare
// array are tolerated.
func (c *Client) ListAPIClients(ctx context.Context, page int) ([]APIClient, int, error) {
	var raw json.RawMessage
	if err := c.get(ctx, RouteAPIClients, GroupAPIClients, RouteAPIClients, perPage(page), &raw); err != nil {
		return nil, 0, err
	}
	return resultList[APIClient]("GET", RouteAPIClients, raw)
}

// ListClientRoles returns one page (1-based) of API client roles, with the
// same paging and envelope tolerance as ListAPIClients (UNCERTAIN: the
// shape is undocumented; a third-party script reads result.items).
func (c *Client) ListClientRoles(ctx context.Context, page int) ([]ClientRole, int, error) {
	var raw json.RawMessage
	if err := c.get(ctx, RouteClientRoles, GroupAPIClients, RouteClientRoles, perPage(page), &raw); err != nil {
		return nil, 0, err
	}
	return resultList[ClientRole]("GET", RouteClientRoles, raw)
}

// perPage is the paging of the older lists: page (1-based) and per_page at
// its maximum.
func perPage(page int) url.Values {
	return url.Values{"page": {strconv.Itoa(page)}, "per_page": {strconv.Itoa(PageSize)}}
}
