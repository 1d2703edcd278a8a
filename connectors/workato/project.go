package workato

import (
	"context"
	"fmt"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/entitlement"
	"github.com/conductorone/baton-sdk/pkg/types/grant"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
)

// projectSyncer lists the projects of every environment with a token
// (resource ID "<id>" for DEV, "<env>:<id>" otherwise). On an RBAC 2.0
// workspace each project has one entitlement per project role
// ("role-<id>"), granted from the project's grants to collaborators and to
// groups; a grant to a group is expanded by the SDK through the group's
// member entitlement. Provisioning (Grant/Revoke) is in
// provision_project.go.
type projectSyncer struct {
	ws   *workspace
	prov *provisioner
}

func (s *projectSyncer) ResourceType(context.Context) *v2.ResourceType { return projectResourceType }

func (s *projectSyncer) List(ctx context.Context, parent *v2.ResourceId, attrs resource.SyncOpAttrs) ([]*v2.Resource, *resource.SyncOpResults, error) {
	if parent != nil {
		return nil, &resource.SyncOpResults{}, nil
	}
	out, err := s.ws.resources(ctx, attrs.SyncID, projectTypeID, projectResources)
	if err != nil {
		return nil, nil, err
	}
	return out, &resource.SyncOpResults{}, nil
}

// projectResources builds the resources List returns and the type-scoped calls
// page over, once per sync (workspace.resources).
func projectResources(m *model) ([]*v2.Resource, error) {
	out := make([]*v2.Resource, 0, len(m.Projects))
	for _, ep := range m.Projects {
		p := ep.P
		r, err := resource.NewResource(p.Name, projectResourceType, ep.RID,
			resource.WithDescription(p.Description),
			resource.WithResourceProfile(map[string]interface{}{
				"id": p.ID.String(), "name": p.Name, "description": p.Description, "folder_id": p.FolderID.String(),
				"environment": ep.Env,
			}))
		if err != nil {
			return nil, fmt.Errorf("workato: project %s: %w", ep.RID, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// projectRoleSlug is the entitlement of holding project role r.
func projectRoleSlug(r *role) string { return "role-" + r.WorkatoID.String() }

func (s *projectSyncer) Entitlements(ctx context.Context, res *v2.Resource, attrs resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	m, err := s.ws.get(ctx, attrs.SyncID)
	if err != nil {
		return nil, nil, err
	}
	var out []*v2.Entitlement
	for _, r := range m.projectRoles() {
		out = append(out, entitlement.NewAssignmentEntitlement(res, projectRoleSlug(r),
			entitlement.WithGrantableTo(collaboratorResourceType, groupResourceType),
			entitlement.WithDisplayName(fmt.Sprintf("%s on %s", r.Name, res.GetDisplayName())),
			entitlement.WithDescription(fmt.Sprintf("Holds the %s project role on the project %s", r.Name, res.GetDisplayName()))))
	}
	return out, &resource.SyncOpResults{}, nil
}

func (s *projectSyncer) Grants(ctx context.Context, res *v2.Resource, attrs resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	m, err := s.ws.get(ctx, attrs.SyncID)
	if err != nil {
		return nil, nil, err
	}
	ep, ok := m.project(res.GetId().GetResource())
	if !ok {
		return nil, nil, errUnknown("project", res.GetId().GetResource())
	}
	grants := m.ProjectGrants[ep.RID]
	out := make([]*v2.Grant, 0, len(grants))
	for _, g := range grants {
		out = append(out, projectGrantOf(res, g))
	}
	return out, &resource.SyncOpResults{}, nil
}

// projectGrantOf is the grant of g on the project res. A grant to a group
// carries GrantExpandable on the group's member entitlement (shallow: the
// group's direct members), so the SDK gives each member the project role
// too, with the group as its source.
func projectGrantOf(res *v2.Resource, g projectGrant) *v2.Grant {
	if g.Principal.GetResourceType() != groupTypeID {
		return grant.NewGrant(res, g.Slug, g.Principal)
	}
	return grant.NewGrant(res, g.Slug, g.Principal, grant.WithAnnotation(v2.GrantExpandable_builder{
		EntitlementIds: []string{groupMemberEntitlementID(g.Principal.GetResource())},
		Shallow:        true,
	}.Build()))
}
