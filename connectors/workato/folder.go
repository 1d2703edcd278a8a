package workato

import (
	"context"
	"fmt"
	"strconv"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/entitlement"
	"github.com/conductorone/baton-sdk/pkg/types/grant"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// accessEntitlement is access to a folder, held by roles scoped to it, by
// collaborators whose privileges list it and by API clients whose scope
// covers it.
const accessEntitlement = "access"

// folderSyncer lists the folder trees the load prefetched. It makes no API
// call.
//
// Every folder of every tree is listed at the top level, a page at a time,
// each with its parent (the project for a root folder, else the parent
// folder) set: the tree is the same as if baton-sdk walked it, but without
// one List call per project and per folder, which in a large workspace
// (500 projects, 2,500 folders) was most of baton-sdk's work after the
// load. Projects and folders therefore declare no child resource type.
type folderSyncer struct{ ws *workspace }

// folderPageSize is how many folders one List page returns.
const folderPageSize = 500

func (s *folderSyncer) ResourceType(context.Context) *v2.ResourceType { return folderResourceType }

func (s *folderSyncer) List(ctx context.Context, parent *v2.ResourceId, attrs resource.SyncOpAttrs) ([]*v2.Resource, *resource.SyncOpResults, error) {
	if parent != nil {
		return nil, &resource.SyncOpResults{}, nil
	}
	all, err := s.ws.resources(ctx, attrs.SyncID, folderTypeID, allFolders)
	if err != nil {
		return nil, nil, err
	}
	start, err := offsetToken(attrs.PageToken.Token, len(all))
	if err != nil {
		return nil, nil, err
	}
	end := min(start+folderPageSize, len(all))
	out := all[start:end]
	next := ""
	if end < len(all) {
		next = strconv.Itoa(end)
	}
	return out, &resource.SyncOpResults{NextPageToken: next}, nil
}

// offsetToken reads a List page token: an offset into a list of n.
func offsetToken(tok string, n int) (int, error) {
	if tok == "" {
		return 0, nil
	}
	off, err := strconv.Atoi(tok)
	if err != nil || off < 0 || off > n {
		return 0, status.Errorf(codes.InvalidArgument, "workato: bad page token %q", tok)
	}
	return off, nil
}

// folderResources builds the resources of folders.
func folderResources(folders []*envFolder) ([]*v2.Resource, error) {
	out := make([]*v2.Resource, 0, len(folders))
	for _, f := range folders {
		r, err := folderResource(f)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func folderResource(f *envFolder) (*v2.Resource, error) {
	profile := map[string]interface{}{"id": f.F.ID.String(), "name": f.Name, "is_project_root": f.Root || f.F.IsProject, "environment": f.Env}
	if !f.F.ProjectID.IsZero() {
		profile["project_id"] = f.F.ProjectID.String()
	}
	r, err := resource.NewResource(f.Name, folderResourceType, f.RID,
		resource.WithParentResourceID(f.Parent), resource.WithResourceProfile(profile))
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
