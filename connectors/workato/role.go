package workato

import (
	"context"
	"fmt"
	"strings"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/types/entitlement"
	"github.com/conductorone/baton-sdk/pkg/types/grant"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// includesEntitlement is granted to each privilege a role includes.
const includesEntitlement = "includes"

// Every role except project roles has one entitlement per environment,
// whose slug is the environment ("dev", "test", "prod"): holding the role
// there. Project roles are held per project: see project.go.

// roleSyncer lists roles and grants them per environment.
type roleSyncer struct {
	ws   *workspace
	prov *provisioner
}

func (s *roleSyncer) ResourceType(context.Context) *v2.ResourceType { return roleResourceType }

func (s *roleSyncer) List(ctx context.Context, parent *v2.ResourceId, attrs resource.SyncOpAttrs) ([]*v2.Resource, *resource.SyncOpResults, error) {
	if parent != nil {
		return nil, &resource.SyncOpResults{}, nil
	}
	out, err := s.ws.resources(ctx, attrs.SyncID, roleTypeID, roleResources)
	if err != nil {
		return nil, nil, err
	}
	return out, &resource.SyncOpResults{}, nil
}

// roleResources builds the resources List returns and the type-scoped calls
// page over, once per sync (workspace.resources).
func roleResources(m *model) ([]*v2.Resource, error) {
	out := make([]*v2.Resource, 0, len(m.Roles))
	for _, r := range m.Roles {
		res, err := roleResource(r)
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	return out, nil
}

func roleResource(r *role) (*v2.Resource, error) {
	profile := map[string]interface{}{"name": r.Name, "kind": r.Kind}
	if !r.WorkatoID.IsZero() {
		profile["id"] = r.WorkatoID.String()
	}
	if r.Type != "" {
		profile["type"] = r.Type
	}
	if r.Role != nil {
		profile["inheritable"] = r.Role.Inheritable
	}
	res, err := resource.NewRoleResource(r.Name, roleResourceType, r.RID, nil,
		resource.WithResourceProfile(profile),
		resource.WithDescription(roleDescription(r)))
	if err != nil {
		return nil, fmt.Errorf("workato: role %s: %w", r.RID, err)
	}
	return res, nil
}

func roleDescription(r *role) string {
	switch r.Kind {
	case kindSystem:
		return "Workato system role"
	case kindCustom:
		return "Workato custom role"
	case kindEnvironment:
		return "Workato environment role"
	case kindProject:
		return "Workato project role (held per project)"
	default:
		return "A role collaborators hold that Workato's role lists did not return"
	}
}

func (s *roleSyncer) Entitlements(ctx context.Context, res *v2.Resource, attrs resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	m, err := s.ws.get(ctx, attrs.SyncID)
	if err != nil {
		return nil, nil, err
	}
	r, ok := m.role(res.GetId().GetResource())
	if !ok {
		return nil, nil, missingRole(res)
	}
	var out []*v2.Entitlement
	if r.Kind != kindProject {
		for _, env := range m.Envs {
			out = append(out, entitlement.NewAssignmentEntitlement(res, env,
				entitlement.WithGrantableTo(collaboratorResourceType),
				entitlement.WithDisplayName(fmt.Sprintf("%s in %s", r.Name, env)),
				entitlement.WithDescription(fmt.Sprintf("Holds the %s role in the %s environment", r.Name, env))))
		}
	}
	out = append(out, entitlement.NewPermissionEntitlement(res, includesEntitlement,
		entitlement.WithGrantableTo(privilegeResourceType),
		entitlement.WithDisplayName(r.Name+" includes"),
		entitlement.WithDescription("Privileges the "+r.Name+" role includes")))
	return out, &resource.SyncOpResults{}, nil
}

func (s *roleSyncer) Grants(ctx context.Context, res *v2.Resource, attrs resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	m, err := s.ws.get(ctx, attrs.SyncID)
	if err != nil {
		return nil, nil, err
	}
	r, ok := m.role(res.GetId().GetResource())
	if !ok {
		return nil, nil, missingRole(res)
	}
	var out []*v2.Grant
	for _, h := range m.RoleHolders[r.RID] {
		out = append(out, grant.NewGrant(res, h.Env, collaboratorID(h.MemberID)))
	}
	for _, pid := range m.PrivilegeIDs {
		if r.Privileges[pid] {
			out = append(out, grant.NewGrant(res, includesEntitlement, privilegeResourceID(pid)))
		}
	}
	return out, &resource.SyncOpResults{}, nil
}

// splitEntitlementID splits "role:<rid>:<slug>"; role IDs may hold colons.
func splitEntitlementID(id, resourceType string) (rid, slug string, err error) {
	rest, ok := strings.CutPrefix(id, resourceType+":")
	i := strings.LastIndex(rest, ":")
	if !ok || i <= 0 || i == len(rest)-1 {
		return "", "", status.Errorf(codes.InvalidArgument, "workato: %q is not a %s entitlement ID", id, resourceType)
	}
	return rest[:i], rest[i+1:], nil
}

// Grant makes a collaborator hold the role in the entitlement's
// environment (provisioning; see provision.go).
func (s *roleSyncer) Grant(ctx context.Context, principal *v2.Resource, ent *v2.Entitlement) ([]*v2.Grant, annotations.Annotations, error) {
	return s.prov.Grant(ctx, principal, ent)
}

// Revoke removes the collaborator's access to the grant's environment.
func (s *roleSyncer) Revoke(ctx context.Context, g *v2.Grant) (annotations.Annotations, error) {
	return s.prov.Revoke(ctx, g)
}

// missingRole is a role this sync listed that its own model does not hold:
// never a quiet skip (NotFound would be a warning the SDK drops), since it
// means the sync's data is inconsistent.
func missingRole(res *v2.Resource) error {
	return status.Errorf(codes.Internal, "workato: role %s was listed by this sync but is not in its workspace model", res.GetId().GetResource())
}
