package workato

import (
	"context"
	"fmt"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/entitlement"
	"github.com/conductorone/baton-sdk/pkg/types/grant"
	"github.com/conductorone/baton-sdk/pkg/types/resource"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
)

// projectSyncer lists projects. On an RBAC 2.0 workspace each project has
// one entitlement per project role ("role-<id>"), granted from the
// project's grants.
type projectSyncer struct {
	ws   *workspace
	prov *provisioner
}

func (s *projectSyncer) ResourceType(context.Context) *v2.ResourceType { return projectResourceType }

func (s *projectSyncer) List(ctx context.Context, parent *v2.ResourceId, attrs resource.SyncOpAttrs) ([]*v2.Resource, *resource.SyncOpResults, error) {
	if parent != nil {
		return nil, &resource.SyncOpResults{}, nil
	}
	m, err := s.ws.get(ctx, attrs.SyncID)
	if err != nil {
		return nil, nil, err
	}
	out := make([]*v2.Resource, 0, len(m.Projects))
	for _, p := range m.Projects {
		r, err := resource.NewResource(p.Name, projectResourceType, p.ID.String(),
			resource.WithDescription(p.Description),
			resource.WithResourceProfile(map[string]interface{}{
				"id": p.ID.String(), "name": p.Name, "description": p.Description, "folder_id": p.FolderID.String(),
			}),
			resource.WithAnnotation(&v2.ChildResourceType{ResourceTypeId: folderTypeID}))
		if err != nil {
			return nil, nil, fmt.Errorf("workato: project %s: %w", p.ID, err)
		}
		out = append(out, r)
	}
	return out, &resource.SyncOpResults{}, nil
}

// projectRoleSlug is the entitlement of holding project role rid.
func projectRoleSlug(r *role) string { return "role-" + r.WorkatoID.String() }

func (s *projectSyncer) Entitlements(ctx context.Context, res *v2.Resource, attrs resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	m, err := s.ws.get(ctx, attrs.SyncID)
	if err != nil {
		return nil, nil, err
	}
	var out []*v2.Entitlement
	for _, r := range m.Roles {
		if r.Kind != kindProject {
			continue
		}
		out = append(out, entitlement.NewAssignmentEntitlement(res, projectRoleSlug(r),
			entitlement.WithGrantableTo(collaboratorResourceType),
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
	pid, err := workatoapi.ParseID(res.GetId().GetResource())
	if err != nil {
		return nil, nil, fmt.Errorf("workato: project ID %q: %w", res.GetId().GetResource(), err)
	}
	var out []*v2.Grant
	for _, r := range m.Roles {
		for _, member := range m.ProjectRoleGrants[pid][r.RID] {
			out = append(out, grant.NewGrant(res, projectRoleSlug(r), collaboratorID(member)))
		}
	}
	return out, &resource.SyncOpResults{}, nil
}
