package workato

// Project roles (RBAC 2.0): granting and revoking a project's
// "role-<project role ID>" entitlement to a collaborator or a collaborator
// group. A grant is PUT /api/projects/:id/project_grants with
// assignment_type User or UserGroup, a revoke DELETE
// /api/project_grants/:id of the holder's grant, each through the API
// client of the project's environment (a client sees only its own
// environment's projects). The project's grants are read fresh before the
// write (already held, not held: no write) and again after it, to confirm.
// Workato keeps one grant per project and holder, so granting a holder a
// second role replaces the first: the result says so with the SDK's
// GrantReplaced annotation, naming the grant the next sync no longer lists.

import (
	"context"
	"fmt"
	"strings"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/connectorbuilder"
	"github.com/conductorone/baton-sdk/pkg/types/grant"
	"go.uber.org/zap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
	"github.com/accessgov/baton-connectors/internal/httpx"
)

var _ connectorbuilder.ResourceProvisionerV2 = (*projectSyncer)(nil)

// Grant gives a collaborator or a group a project role on the project.
func (s *projectSyncer) Grant(ctx context.Context, principal *v2.Resource, ent *v2.Entitlement) ([]*v2.Grant, annotations.Annotations, error) {
	return s.prov.grantProjectRole(ctx, principal, ent)
}

// Revoke deletes the holder's grant of the project role.
func (s *projectSyncer) Revoke(ctx context.Context, g *v2.Grant) (annotations.Annotations, error) {
	return s.prov.revokeProjectRole(ctx, g)
}

// projectRoleSlugPrefix starts a project's role entitlement slugs.
const projectRoleSlugPrefix = "role-"

// projectTarget is a project role entitlement, resolved.
type projectTarget struct {
	Env     string
	Project workatoapi.ID // the project's Workato ID in Env
	Role    workatoapi.ID // the project role's ID
	Slug    string        // "role-<Role>"
}

// holder is who a project role is granted to: a collaborator or a group.
type holder struct {
	Type      string // workatoapi.AssignUser or workatoapi.AssignUserGroup
	ID        workatoapi.ID
	Principal *v2.ResourceId
}

// parseProjectEntitlement reads "project:<rid>:role-<prid>", the
// project's resource ID being "<id>" (DEV) or "<env>:<id>".
func parseProjectEntitlement(ent *v2.Entitlement) (projectTarget, error) {
	rid, slug, err := splitEntitlementID(ent.GetId(), projectTypeID)
	if err != nil {
		return projectTarget{}, err
	}
	if res := ent.GetResource().GetId(); res.GetResource() != "" && (res.GetResource() != rid || res.GetResourceType() != projectTypeID) {
		return projectTarget{}, status.Errorf(codes.InvalidArgument,
			"workato: the entitlement %q names the project %q but its resource is %s %q: nothing was changed", ent.GetId(), rid, res.GetResourceType(), res.GetResource())
	}
	env, pid, err := splitEnvID(rid)
	if err != nil {
		return projectTarget{}, status.Errorf(codes.InvalidArgument, "workato: entitlement %q: %v", ent.GetId(), err)
	}
	raw, ok := strings.CutPrefix(slug, projectRoleSlugPrefix)
	if !ok {
		return projectTarget{}, status.Errorf(codes.InvalidArgument,
			"workato: %q is not a project role entitlement (want project:<project>:role-<project role ID>)", ent.GetId())
	}
	role, err := workatoapi.ParseID(raw)
	if err != nil {
		return projectTarget{}, status.Errorf(codes.InvalidArgument, "workato: entitlement %q: project role %v", ent.GetId(), err)
	}
	return projectTarget{Env: env, Project: pid, Role: role, Slug: slug}, nil
}

// holderOf checks that a project role can be granted to id.
func holderOf(id *v2.ResourceId) (holder, error) {
	switch id.GetResourceType() {
	case collaboratorTypeID:
		n, err := workatoapi.ParseNumericID(id.GetResource())
		if err != nil {
			return holder{}, status.Errorf(codes.InvalidArgument, "workato: collaborator ID %q is not a number", id.GetResource())
		}
		return holder{Type: workatoapi.AssignUser, ID: n, Principal: id}, nil
	case groupTypeID:
		g, err := workatoapi.ParseID(id.GetResource())
		if err != nil {
			return holder{}, status.Errorf(codes.InvalidArgument, "workato: group ID %q: %v", id.GetResource(), err)
		}
		return holder{Type: workatoapi.AssignUserGroup, ID: g, Principal: id}, nil
	}
	return holder{}, status.Errorf(codes.InvalidArgument,
		"workato: project roles can be granted only to collaborators and collaborator groups, not a %s (%s)", id.GetResourceType(), id.GetResource())
}

// what names the holder in messages.
func (h holder) what() string {
	if h.Type == workatoapi.AssignUserGroup {
		return "group " + h.ID.String()
	}
	return "collaborator " + h.ID.String()
}

// holds reports whether g is a grant to h.
func (h holder) holds(g workatoapi.ProjectGrant) bool {
	if h.Type == workatoapi.AssignUserGroup {
		return g.UserGroup != nil && g.UserGroup.ID == h.ID
	}
	return g.User != nil && g.User.ID == h.ID
}

// projectLock is the lock key of one holder's grant on one project.
func projectLock(t projectTarget, h holder) string {
	return "project:" + t.Env + ":" + t.Project.String() + ":" + h.Type + ":" + h.ID.String()
}

// projectRoleGrant is a project role grant exactly as the sync lists it
// (projectGrantOf): a grant to a group expands to the group's members.
func projectRoleGrant(project *v2.Resource, slug string, h holder) *v2.Grant {
	return projectGrantOf(project, projectGrant{Slug: slug, Principal: h.Principal})
}

// projectRoles reads the workspace's project roles with a.
func projectRoles(ctx context.Context, a api) ([]workatoapi.RBACRole, error) {
	roles, err := readPages(ctx, workatoapi.RouteProjectRoles, rbacRoleID, a.ListProjectRoles)
	if err != nil {
		return nil, wrap("list project roles", err)
	}
	return roles, nil
}

// grantRoleID is the project role a grant gives, matched to the role
// list by name when the grant carries no ID.
func grantRoleID(g workatoapi.ProjectGrant, roles []workatoapi.RBACRole) workatoapi.ID {
	if !g.ProjectRole.ID.IsZero() {
		return g.ProjectRole.ID
	}
	for _, r := range roles {
		if strings.EqualFold(r.Name, g.ProjectRole.Name) {
			return r.ID
		}
	}
	return ""
}

// projectGrants reads the project's grants fresh. A project that is gone
// is NotFound.
func (p *provisioner) projectGrants(ctx context.Context, a api, t projectTarget) ([]workatoapi.ProjectGrant, error) {
	grants, err := readPages(ctx, workatoapi.RouteProjectGrants, grantID, func(ctx context.Context, page int) ([]workatoapi.ProjectGrant, int, error) {
		return a.ListProjectGrants(ctx, t.Project, page)
	})
	if httpx.IsNotFound(err) {
		return nil, status.Errorf(codes.NotFound, "workato: project %s is no longer in the %s environment (deleted?)", t.Project, t.Env)
	}
	if err != nil {
		return nil, wrap(fmt.Sprintf("list the grants of project %s in %s", t.Project, t.Env), err)
	}
	return grants, nil
}

// grantProjectRole makes the holder hold the project role on the project.
func (p *provisioner) grantProjectRole(ctx context.Context, principal *v2.Resource, ent *v2.Entitlement) ([]*v2.Grant, annotations.Annotations, error) {
	t, err := parseProjectEntitlement(ent)
	if err != nil {
		return nil, nil, err
	}
	h, err := holderOf(principal.GetId())
	if err != nil {
		return nil, nil, err
	}
	a, err := p.envAPI(t.Env)
	if err != nil {
		return nil, nil, err
	}
	defer p.lock(projectLock(t, h))()

	roles, err := projectRoles(ctx, a)
	if err != nil {
		return nil, nil, err
	}
	known := false
	for _, r := range roles {
		known = known || r.ID == t.Role
	}
	if !known {
		return nil, nil, status.Errorf(codes.InvalidArgument,
			"workato: project role %s is not one of the workspace's project roles (GET /api/project_roles): nothing was changed (sync again to refresh the roles)", t.Role)
	}
	before, err := p.projectGrants(ctx, a, t)
	if err != nil {
		return nil, nil, err
	}
	g := projectRoleGrant(ent.GetResource(), t.Slug, h)
	var others []workatoapi.ProjectGrant // the holder's grants of another role
	for _, x := range before {
		if !h.holds(x) {
			continue
		}
		if grantRoleID(x, roles) == t.Role {
			return []*v2.Grant{g}, annotations.New(&v2.GrantAlreadyExists{}), nil
		}
		others = append(others, x)
	}

	in := []workatoapi.ProjectGrantInput{{AssignmentType: h.Type, AssignmentID: h.ID, ProjectRoleID: t.Role}}
	_, werr := a.PutProjectGrants(ctx, t.Project, in)
	if werr != nil && !outcomeUnknown(ctx, werr) {
		return nil, nil, projectWriteError("grant", t, h, werr)
	}
	after, err := p.projectGrants(ctx, a, t)
	if err != nil {
		if werr != nil {
			return nil, nil, projectWriteError("grant", t, h, werr)
		}
		return nil, nil, wrap(fmt.Sprintf("confirm the grant of project role %s to %s on project %s", t.Role, h.what(), t.Project), err)
	}
	held := false
	remaining := map[workatoapi.ID]bool{}
	for _, x := range after {
		if !h.holds(x) {
			continue
		}
		if grantRoleID(x, roles) == t.Role {
			held = true
		} else {
			remaining[x.ID] = true
		}
	}
	if !held {
		if werr != nil {
			return nil, nil, projectWriteError("grant", t, h, werr)
		}
		return nil, nil, status.Errorf(codes.Aborted,
			"workato: Workato accepted the grant of project role %s to %s on project %s in %s, but the project's grants read right after do not show it (a concurrent change?): sync again to see the current grants",
			t.Role, h.what(), t.Project, t.Env)
	}
	var annos annotations.Annotations
	for _, old := range others {
		oldSlug := projectRoleSlugPrefix + grantRoleID(old, roles).String()
		if remaining[old.ID] {
			// UNCERTAIN (workato-api.md §2.6): Workato is assumed to keep
			// one grant per project and holder; if it kept the earlier
			// one, both are held and the next sync lists both.
			p.log.Info("workato: the holder keeps their earlier project role alongside the new one",
				zap.String("project", t.Project.String()), zap.String("env", t.Env), zap.String("holder", h.what()),
				zap.String("kept_role", oldSlug), zap.String("granted_role", t.Slug))
			continue
		}
		replaced := projectRoleGrant(ent.GetResource(), oldSlug, h)
		annos.Append(grant.NewGrantReplaced(replaced.GetId()))
		p.log.Info("workato: project role replaced: Workato keeps one role per project and holder",
			zap.String("project", t.Project.String()), zap.String("env", t.Env), zap.String("holder", h.what()),
			zap.String("replaced_grant", replaced.GetId()), zap.String("granted_role", t.Slug))
	}
	p.log.Info("workato: granted project role", zap.String("project", t.Project.String()), zap.String("env", t.Env),
		zap.String("holder", h.what()), zap.String("role", t.Role.String()))
	return []*v2.Grant{g}, annos, nil
}

// revokeProjectRole deletes the holder's grant of the project role, if
// they hold it.
func (p *provisioner) revokeProjectRole(ctx context.Context, g *v2.Grant) (annotations.Annotations, error) {
	t, err := parseProjectEntitlement(g.GetEntitlement())
	if err != nil {
		return nil, err
	}
	h, err := holderOf(g.GetPrincipal().GetId())
	if err != nil {
		return nil, err
	}
	a, err := p.envAPI(t.Env)
	if err != nil {
		return nil, err
	}
	defer p.lock(projectLock(t, h))()

	before, err := p.projectGrants(ctx, a, t)
	if status.Code(err) == codes.NotFound {
		p.log.Info("workato: project gone: the grant is revoked already", zap.String("project", t.Project.String()), zap.String("env", t.Env))
		return annotations.New(&v2.GrantAlreadyRevoked{}), nil
	}
	if err != nil {
		return nil, err
	}
	var roles []workatoapi.RBACRole // read only if a grant names its role by name alone
	find := func(grants []workatoapi.ProjectGrant) (*workatoapi.ProjectGrant, error) {
		for i, x := range grants {
			if !h.holds(x) {
				continue
			}
			if x.ProjectRole.ID.IsZero() && roles == nil {
				if roles, err = projectRoles(ctx, a); err != nil {
					return nil, err
				}
			}
			if grantRoleID(x, roles) == t.Role {
				return &grants[i], nil
			}
		}
		return nil, nil
	}
	x, err := find(before)
	if err != nil {
		return nil, err
	}
	if x == nil {
		return annotations.New(&v2.GrantAlreadyRevoked{}), nil
	}
	werr := a.DeleteProjectGrant(ctx, x.ID)
	if werr != nil && !httpx.IsNotFound(werr) && !outcomeUnknown(ctx, werr) {
		return nil, projectWriteError("revoke", t, h, werr)
	}
	after, err := p.projectGrants(ctx, a, t)
	if status.Code(err) == codes.NotFound {
		return nil, nil // the project went with its grants
	}
	if err != nil {
		if werr != nil && !httpx.IsNotFound(werr) {
			return nil, projectWriteError("revoke", t, h, werr)
		}
		return nil, wrap(fmt.Sprintf("confirm the revocation of project role %s from %s on project %s", t.Role, h.what(), t.Project), err)
	}
	still, err := find(after)
	if err != nil {
		return nil, err
	}
	if still != nil {
		if werr != nil {
			return nil, projectWriteError("revoke", t, h, werr)
		}
		return nil, status.Errorf(codes.Aborted,
			"workato: Workato accepted the deletion of grant %s, but project %s in %s still lists %s holding project role %s (a concurrent change?): sync again to see the current grants",
			x.ID, t.Project, t.Env, h.what(), t.Role)
	}
	p.log.Info("workato: revoked project role", zap.String("project", t.Project.String()), zap.String("env", t.Env),
		zap.String("holder", h.what()), zap.String("role", t.Role.String()), zap.String("grant_id", x.ID.String()))
	return nil, nil
}

// projectWriteError explains a failed grant write. A refusal (4xx) changed
// nothing and says why (a 403 names the client-role privilege); after a
// server error or a lost connection the outcome is unknown.
func projectWriteError(what string, t projectTarget, h holder, err error) error {
	op := fmt.Sprintf("%s project role %s for %s on project %s in %s", what, t.Role, h.what(), t.Project, t.Env)
	return writeError(op, "the project or the grant is gone", "sync again to see the current grants", err)
}
