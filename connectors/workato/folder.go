package workato

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/entitlement"
	"github.com/conductorone/baton-sdk/pkg/types/grant"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
)

// accessEntitlement is access to a folder, held by roles scoped to it and
// by collaborators whose privileges list it.
const accessEntitlement = "access"

// folderSyncer lists the folder tree: under a project, its root folder;
// under a folder, its children, read a page of 100 at a time until a short
// page. Every folder, leaves included, is asked for its children once.
type folderSyncer struct{ ws *workspace }

func (s *folderSyncer) ResourceType(context.Context) *v2.ResourceType { return folderResourceType }

func (s *folderSyncer) List(ctx context.Context, parent *v2.ResourceId, attrs resource.SyncOpAttrs) ([]*v2.Resource, *resource.SyncOpResults, error) {
	if parent == nil {
		return nil, &resource.SyncOpResults{}, nil
	}
	m, err := s.ws.get(ctx, attrs.SyncID)
	if err != nil {
		return nil, nil, err
	}
	id, err := workatoapi.ParseID(parent.GetResource())
	if err != nil {
		return nil, nil, status.Errorf(codes.InvalidArgument, "workato: parent ID %q: %v", parent.GetResource(), err)
	}
	switch parent.GetResourceType() {
	case projectTypeID:
		for _, p := range m.Projects {
			if p.ID == id && !p.FolderID.IsZero() {
				r, err := folderResource(workatoapi.Folder{ID: p.FolderID, Name: p.Name, ProjectID: p.ID, IsProject: true}, parent)
				if err != nil {
					return nil, nil, err
				}
				return []*v2.Resource{r}, &resource.SyncOpResults{}, nil
			}
		}
		return nil, &resource.SyncOpResults{}, nil
	case folderTypeID:
	default:
		return nil, &resource.SyncOpResults{}, nil
	}

	// The page token is "<page>:<first folder ID of the page before>", so
	// a page that repeats the one before is caught.
	page, prevFirst := 1, ""
	if tok := attrs.PageToken.Token; tok != "" {
		n, first, _ := strings.Cut(tok, ":")
		if page, err = strconv.Atoi(n); err != nil || page < 1 {
			return nil, nil, status.Errorf(codes.InvalidArgument, "workato: bad folder page token %q", tok)
		}
		prevFirst = first
	}
	if page > maxPages {
		return nil, nil, wrap(fmt.Sprintf("list folders in folder %s", id), tooManyPages(workatoapi.RouteFolders))
	}
	folders, err := s.ws.api.ListFolders(ctx, id, page)
	if err != nil {
		return nil, nil, wrap(fmt.Sprintf("list folders in folder %s", id), err)
	}
	if page > 1 && len(folders) > 0 && folders[0].ID.String() == prevFirst {
		return nil, nil, wrap(fmt.Sprintf("list folders in folder %s", id), repeatedPage(workatoapi.RouteFolders, page))
	}
	out := make([]*v2.Resource, 0, len(folders))
	for _, f := range folders {
		r, err := folderResource(f, parent)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, r)
	}
	next := ""
	if len(folders) >= workatoapi.PageSize {
		next = strconv.Itoa(page+1) + ":" + folders[0].ID.String()
	}
	return out, &resource.SyncOpResults{NextPageToken: next}, nil
}

func folderResource(f workatoapi.Folder, parent *v2.ResourceId) (*v2.Resource, error) {
	profile := map[string]interface{}{"id": f.ID.String(), "name": f.Name, "is_project_root": f.IsProject}
	if !f.ProjectID.IsZero() {
		profile["project_id"] = f.ProjectID.String()
	}
	r, err := resource.NewResource(f.Name, folderResourceType, f.ID.String(),
		resource.WithParentResourceID(parent),
		resource.WithResourceProfile(profile),
		resource.WithAnnotation(&v2.ChildResourceType{ResourceTypeId: folderTypeID}))
	if err != nil {
		return nil, fmt.Errorf("workato: folder %s: %w", f.ID, err)
	}
	return r, nil
}

func (s *folderSyncer) Entitlements(_ context.Context, res *v2.Resource, _ resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	return []*v2.Entitlement{
		entitlement.NewPermissionEntitlement(res, accessEntitlement,
			entitlement.WithGrantableTo(roleResourceType, collaboratorResourceType),
			entitlement.WithDisplayName(res.GetDisplayName()+" access"),
			entitlement.WithDescription("Access to the folder "+res.GetDisplayName())),
	}, &resource.SyncOpResults{}, nil
}

func (s *folderSyncer) Grants(ctx context.Context, res *v2.Resource, attrs resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	m, err := s.ws.get(ctx, attrs.SyncID)
	if err != nil {
		return nil, nil, err
	}
	id, err := workatoapi.ParseID(res.GetId().GetResource())
	if err != nil {
		return nil, nil, status.Errorf(codes.InvalidArgument, "workato: folder ID %q: %v", res.GetId().GetResource(), err)
	}
	var out []*v2.Grant
	for _, rid := range m.FolderRoles[id] {
		out = append(out, grant.NewGrant(res, accessEntitlement, v2.ResourceId_builder{ResourceType: roleTypeID, Resource: rid}.Build()))
	}
	for _, member := range m.FolderMembers[id] {
		out = append(out, grant.NewGrant(res, accessEntitlement, collaboratorID(member)))
	}
	return out, &resource.SyncOpResults{}, nil
}
