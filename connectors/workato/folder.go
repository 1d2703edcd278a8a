package workato

import (
	"context"
	"fmt"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/entitlement"
	"github.com/conductorone/baton-sdk/pkg/types/grant"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
)

// accessEntitlement is access to a folder, held by roles scoped to it, by
// collaborators whose privileges list it and by API clients whose scope
// covers it.
const accessEntitlement = "access"

// folderSyncer lists the folder trees the load prefetched: under a project,
// its root folder; under a folder, its children. It makes no API call.
type folderSyncer struct{ ws *workspace }

func (s *folderSyncer) ResourceType(context.Context) *v2.ResourceType { return folderResourceType }

func (s *folderSyncer) List(ctx context.Context, parent *v2.ResourceId, attrs resource.SyncOpAttrs) ([]*v2.Resource, *resource.SyncOpResults, error) {
	if parent == nil {
		return nil, &resource.SyncOpResults{}, nil
	}
	switch parent.GetResourceType() {
	case projectTypeID, folderTypeID:
	default:
		return nil, &resource.SyncOpResults{}, nil
	}
	m, err := s.ws.get(ctx, attrs.SyncID)
	if err != nil {
		return nil, nil, err
	}
	kids := m.folderChildrenOf(parent)
	out := make([]*v2.Resource, 0, len(kids))
	for _, f := range kids {
		r, err := folderResource(f)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, r)
	}
	return out, &resource.SyncOpResults{}, nil
}

func folderResource(f *envFolder) (*v2.Resource, error) {
	profile := map[string]interface{}{"id": f.F.ID.String(), "name": f.Name, "is_project_root": f.Root || f.F.IsProject, "environment": f.Env}
	if !f.F.ProjectID.IsZero() {
		profile["project_id"] = f.F.ProjectID.String()
	}
	r, err := resource.NewResource(f.Name, folderResourceType, f.RID,
		resource.WithParentResourceID(f.Parent),
		resource.WithResourceProfile(profile),
		resource.WithAnnotation(&v2.ChildResourceType{ResourceTypeId: folderTypeID}))
	if err != nil {
		return nil, fmt.Errorf("workato: folder %s: %w", f.RID, err)
	}
	return r, nil
}

func (s *folderSyncer) Entitlements(_ context.Context, res *v2.Resource, _ resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	return []*v2.Entitlement{
		entitlement.NewPermissionEntitlement(res, accessEntitlement,
			entitlement.WithGrantableTo(roleResourceType, collaboratorResourceType, apiClientResourceType),
			entitlement.WithDisplayName(res.GetDisplayName()+" access"),
			entitlement.WithDescription("Access to the folder "+res.GetDisplayName())),
	}, &resource.SyncOpResults{}, nil
}

func (s *folderSyncer) Grants(ctx context.Context, res *v2.Resource, attrs resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	m, err := s.ws.get(ctx, attrs.SyncID)
	if err != nil {
		return nil, nil, err
	}
	f, ok := m.folder(res.GetId().GetResource())
	if !ok {
		return nil, nil, errUnknown("folder", res.GetId().GetResource())
	}
	holders := m.FolderAccess[f.RID]
	out := make([]*v2.Grant, 0, len(holders))
	for _, p := range holders {
		out = append(out, grant.NewGrant(res, accessEntitlement, p))
	}
	return out, &resource.SyncOpResults{}, nil
}
