package workato

// The target of a role grant or revoke: the entitlement checked and
// resolved to the role name and type PUT /api/members/:id needs, against
// role lists read fresh.

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
	"github.com/accessgov/baton-connectors/internal/httpx"
)

// target is "role R in environment E", resolved to what PUT needs.
type target struct {
	Env      string
	Name     string // the role's name, which Workato expects (never its ID)
	RoleType string // privilege_group or environment
}

// resolveTarget turns a role entitlement into a role name, checked against
// role lists read fresh. Nothing is written when it fails.
func (p *provisioner) resolveTarget(ctx context.Context, ent *v2.Entitlement) (target, error) {
	rid, env, err := splitEntitlementID(ent.GetId(), roleTypeID)
	if err != nil {
		return target{}, err
	}
	if res := ent.GetResource().GetId(); res.GetResource() != "" && (res.GetResource() != rid || res.GetResourceType() != roleTypeID) {
		return target{}, status.Errorf(codes.InvalidArgument,
			"workato: the entitlement %q names the role %q but its resource is %s %q: nothing was changed", ent.GetId(), rid, res.GetResourceType(), res.GetResource())
	}
	if ok, err := p.knownEnv(ctx, env); err != nil || !ok {
		if err == nil {
			err = status.Errorf(codes.InvalidArgument,
				"workato: %q is not a role-in-environment entitlement: the environment %q is not one of %s, has no token and no collaborator holds a role there; nothing was changed",
				ent.GetId(), env, strings.Join(environments, ", "))
		}
		return target{}, err
	}
	t := target{Env: env, RoleType: workatoapi.RoleTypeLegacy}
	switch {
	case slices.Contains(systemRoles, rid):
		if err = p.checkLegacy(ctx, env, rid); err == nil {
			t.Name = rid
		}
	case strings.HasPrefix(rid, "env:"):
		t.RoleType = workatoapi.RoleTypeEnvironment
		t.Name, err = p.findEnvironmentRole(ctx, strings.TrimPrefix(rid, "env:"))
	case strings.HasPrefix(rid, "project:"):
		return target{}, status.Errorf(codes.InvalidArgument,
			"workato: %s is a project role: it is held per project, not per environment, and cannot be granted here", rid)
	case strings.HasPrefix(rid, "name:"):
		t, err = p.findByName(ctx, env, strings.TrimPrefix(rid, "name:"))
	default:
		t.Name, err = p.findCustomRole(ctx, rid)
	}
	if err != nil {
		return target{}, err
	}
	return t, nil
}

// knownEnv reports whether the workspace has env: dev, test or prod, one
// the connector has a token for, or a custom one a collaborator holds a
// role in now (the collaborators are read only for such a name).
func (p *provisioner) knownEnv(ctx context.Context, env string) (bool, error) {
	if slices.Contains(environments, env) {
		return true, nil
	}
	for _, e := range p.envs {
		if strings.EqualFold(e.Env, env) {
			return true, nil
		}
	}
	members, err := listMembers(ctx, p.dev(), nil)
	if err != nil {
		return false, wrap("list collaborators", err)
	}
	for _, m := range members {
		if _, ok := current(&m, env); ok {
			return true, nil
		}
	}
	return false, nil
}

// environmentRoles reads the RBAC 2.0 environment roles; migrated is false
// when the workspace answers as one still on the legacy model.
func (p *provisioner) environmentRoles(ctx context.Context) (roles []workatoapi.RBACRole, migrated bool, err error) {
	roles, err = readPages(ctx, workatoapi.RouteEnvironmentRoles, rbacRoleID, p.dev().ListEnvironmentRoles)
	if err == nil {
		return roles, true, nil
	}
	var se *httpx.StatusError
	if errors.As(err, &se) {
		switch {
		case legacyStatus(se.StatusCode):
			return nil, false, nil // the legacy model (see detectMigrated)
		case se.StatusCode == http.StatusForbidden:
			// A legacy client role need not list environment roles (the
			// sync does without it too): checked as legacy, and Workato
			// refuses the PUT itself if that is wrong.
			p.log.Info("workato: the API client may not list environment roles; checking the role against the legacy model")
			return nil, false, nil
		}
	}
	return nil, false, wrap("list environment roles", err)
}

// checkLegacy refuses a legacy system role in an environment that uses
// RBAC 2.0 environment roles, where Workato would reject it. A workspace
// part-way through migration keeps legacy roles in the environments not
// yet migrated: an environment counts as migrated when the collaborators
// who hold a role there hold environment roles; when nobody holds one
// there the model is unknown and Workato decides.
func (p *provisioner) checkLegacy(ctx context.Context, env, name string) error {
	_, migrated, err := p.environmentRoles(ctx)
	if err != nil || !migrated {
		return err
	}
	model, err := p.envModel(ctx, env)
	if err != nil {
		return err
	}
	if model == workatoapi.RoleTypeEnvironment {
		return status.Errorf(codes.InvalidArgument,
			"workato: %s is a legacy system role, but the %s environment uses RBAC 2.0 environment roles: grant an environment role (env:<id>) instead; nothing was changed", name, env)
	}
	return nil
}

// envModel says which role model env uses, from the roles collaborators
// hold there now: RoleTypeEnvironment, RoleTypeLegacy, or "" when nobody
// holds a role there or both kinds are held (unknown).
func (p *provisioner) envModel(ctx context.Context, env string) (string, error) {
	members, err := listMembers(ctx, p.dev(), nil)
	if err != nil {
		return "", wrap("list collaborators", err)
	}
	seen := map[string]bool{}
	for _, m := range members {
		if r, ok := current(&m, env); ok {
			seen[roleTypeOf(r)] = true
		}
	}
	if len(seen) != 1 {
		return "", nil
	}
	for k := range seen {
		return strings.ToLower(k), nil
	}
	return "", nil
}

// findByName resolves a "name:" role (one a collaborator held that no list
// returned) against the role lists read now: it must exist by that name.
// In an environment that uses environment roles (or, on a migrated
// workspace, whose model is unknown) the environment roles are searched;
// in one still on legacy roles, the system and custom roles.
func (p *provisioner) findByName(ctx context.Context, env, name string) (target, error) {
	envRoles, migrated, err := p.environmentRoles(ctx)
	if err != nil {
		return target{}, err
	}
	model := workatoapi.RoleTypeLegacy
	if migrated {
		if model, err = p.envModel(ctx, env); err != nil {
			return target{}, err
		}
		if model != workatoapi.RoleTypeLegacy {
			for _, r := range envRoles {
				if strings.EqualFold(r.Name, name) {
					return target{Env: env, Name: r.Name, RoleType: workatoapi.RoleTypeEnvironment}, nil
				}
			}
		}
	}
	if model == workatoapi.RoleTypeLegacy {
		for _, r := range systemRoles {
			if strings.EqualFold(r, name) {
				return target{Env: env, Name: r, RoleType: workatoapi.RoleTypeLegacy}, nil
			}
		}
		roles, err := allPages(ctx, workatoapi.RouteRoles, customRoleID, p.dev().ListRoles)
		if err != nil {
			return target{}, wrap("list custom roles", err)
		}
		for _, r := range roles {
			if strings.EqualFold(r.Name, name) {
				return target{Env: env, Name: r.Name, RoleType: workatoapi.RoleTypeLegacy}, nil
			}
		}
	}
	return target{}, status.Errorf(codes.InvalidArgument,
		"workato: no role named %q is in the workspace's role lists for the %s environment: nothing was changed (sync again to refresh the roles)", name, env)
}

// findCustomRole returns the name of the legacy custom role with the ID.
func (p *provisioner) findCustomRole(ctx context.Context, rid string) (string, error) {
	id, err := workatoapi.ParseID(rid)
	if err != nil {
		return "", status.Errorf(codes.InvalidArgument, "workato: unknown role %q", rid)
	}
	roles, err := allPages(ctx, workatoapi.RouteRoles, customRoleID, p.dev().ListRoles)
	if err != nil {
		return "", wrap("list custom roles", err)
	}
	for _, r := range roles {
		if r.ID == id {
			return r.Name, nil
		}
	}
	return "", status.Errorf(codes.NotFound, "workato: custom role %s does not exist (any more): sync again to refresh the roles", rid)
}

// findEnvironmentRole returns the name of the RBAC 2.0 environment role with the ID.
func (p *provisioner) findEnvironmentRole(ctx context.Context, rid string) (string, error) {
	roles, err := readPages(ctx, workatoapi.RouteEnvironmentRoles, rbacRoleID, p.dev().ListEnvironmentRoles)
	if err != nil {
		return "", wrap("list environment roles", err)
	}
	for _, r := range roles {
		if r.ID.String() == rid {
			return r.Name, nil
		}
	}
	return "", status.Errorf(codes.NotFound, "workato: environment role %s does not exist (any more): sync again to refresh the roles", rid)
}
