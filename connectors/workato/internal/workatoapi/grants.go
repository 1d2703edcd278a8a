package workatoapi

// Project grants (RBAC 2.0): listing a project's grants, adding or
// updating them in batches, reading and deleting one.

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
)

// Assignment types of a project grant.
const (
	AssignUser      = "User"      // the assignee is a collaborator
	AssignUserGroup = "UserGroup" // the assignee is a collaborator group
)

// MaxGrantsPerPut is the most grants Workato takes in one PUT
// /api/projects/:id/project_grants.
const MaxGrantsPerPut = 100

// ProjectGrantInput is one grant to add or update: a project role for a
// collaborator (AssignUser) or a collaborator group (AssignUserGroup). IDs
// are sent as JSON strings, as Workato's samples show ("123", "am-…").
type ProjectGrantInput struct {
	AssignmentType string `json:"assignment_type"`
	AssignmentID   ID     `json:"assignment_id"`
	ProjectRoleID  ID     `json:"project_role_id"`
}

// ListProjectGrants returns one page (1-based) of a project's grants and
// the total (NoTotal if absent); a bare array is tolerated.
func (c *Client) ListProjectGrants(ctx context.Context, projectID ID, page int) ([]ProjectGrant, int, error) {
	var raw json.RawMessage
	if err := c.get(ctx, RouteProjectGrants, GroupProjectGrants, projectGrantsPath(projectID), rbacPage(page), &raw); err != nil {
		return nil, 0, err
	}
	return dataList[ProjectGrant]("GET", RouteProjectGrants, raw)
}

// PutProjectGrants adds or updates grants on a project (Workato keeps one
// grant per project and assignee: a grant to an assignee that has one
// changes its role). More than MaxGrantsPerPut grants, or an input that is
// not a grant, is InvalidArgument before any request; no grants sends
// nothing.
//
// The body is sent as JSON (UNCERTAIN: the reference renders the fields as
// query parameters too). The answer is documented as {"data":[grant…]};
// {"data":grant}, a bare array and an answer without grants (an empty 2xx,
// {"success":true}) are tolerated, the last as a nil slice: callers that
// need the grants read them again. The PUT is replayed on a lost connection
// or a 5xx: it carries only the caller's grants, and sending it twice
// leaves the same grants.
func (c *Client) PutProjectGrants(ctx context.Context, project ID, grants []ProjectGrantInput) ([]ProjectGrant, error) {
	if len(grants) > MaxGrantsPerPut {
		return nil, invalid("put project grants on project %s: %d grants, at most %d per request", project, len(grants), MaxGrantsPerPut)
	}
	for i, g := range grants {
		if g.AssignmentType != AssignUser && g.AssignmentType != AssignUserGroup {
			return nil, invalid("put project grants on project %s: grant %d has assignment type %q, want %q or %q", project, i, g.AssignmentType, AssignUser, AssignUserGroup)
		}
		if g.AssignmentID.IsZero() || g.ProjectRoleID.IsZero() {
			return nil, invalid("put project grants on project %s: grant %d lacks an assignee or a project role", project, i)
		}
	}
	if len(grants) == 0 {
		return nil, nil
	}
	body, err := json.Marshal(map[string]any{"project_grants": grants})
	if err != nil {
		return nil, err
	}
	var raw json.RawMessage
	if err := c.send(ctx, http.MethodPut, RouteProjectGrants, GroupProjectGrants, projectGrantsPath(project), body, &raw); err != nil {
		return nil, err
	}
	return decodeGrantsAnswer(raw)
}

// decodeGrantsAnswer reads the answer to a grants PUT (see
// PutProjectGrants for the shapes).
func decodeGrantsAnswer(raw json.RawMessage) ([]ProjectGrant, error) {
	const method, route = "PUT", RouteProjectGrants
	if len(raw) == 0 {
		return nil, nil
	}
	if isArray(raw) {
		var out []ProjectGrant
		if err := decode(method, route, raw, &out); err != nil {
			return nil, err
		}
		return out, nil
	}
	if !isObject(raw) {
		return nil, malformed(method, route, errors.New("response is neither a JSON object nor an array"))
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if err := decode(method, route, raw, &env); err != nil {
		return nil, err
	}
	switch {
	case isArray(env.Data):
		var v struct {
			Data []ProjectGrant `json:"data"`
		}
		if err := decode(method, route, raw, &v); err != nil {
			return nil, err
		}
		return v.Data, nil
	case isObject(env.Data):
		var v struct {
			Data ProjectGrant `json:"data"`
		}
		if err := decode(method, route, raw, &v); err != nil {
			return nil, err
		}
		if v.Data.ID.IsZero() {
			return nil, nil
		}
		return []ProjectGrant{v.Data}, nil
	}
	return nil, nil // no grants in the answer ({"success":true}, "data":null)
}

// GetProjectGrant returns one grant, answered as {"data":grant} or bare.
// An answer without a grant ID is a MalformedError.
func (c *Client) GetProjectGrant(ctx context.Context, id ID) (*ProjectGrant, error) {
	var raw json.RawMessage
	if err := c.get(ctx, RouteProjectGrant, GroupProjectGrants, projectGrantPath(id), nil, &raw); err != nil {
		return nil, err
	}
	g, ok, err := dataOne("GET", RouteProjectGrant, raw, func(g *ProjectGrant) ID { return g.ID })
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, malformed("GET", RouteProjectGrant, errors.New("no project grant in the response"))
	}
	return g, nil
}

// DeleteProjectGrant deletes one grant; any 2xx is success, whatever its
// body (UNCERTAIN: undocumented).
func (c *Client) DeleteProjectGrant(ctx context.Context, id ID) error {
	return c.send(ctx, http.MethodDelete, RouteProjectGrant, GroupProjectGrants, projectGrantPath(id), nil, nil)
}

func projectGrantsPath(project ID) string {
	return "/api/projects/" + url.PathEscape(project.String()) + "/project_grants"
}

func projectGrantPath(id ID) string {
	return "/api/project_grants/" + url.PathEscape(id.String())
}
