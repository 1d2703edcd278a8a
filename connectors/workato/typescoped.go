package workato

// typescoped.go answers baton-sdk's type-scoped entitlement and grant
// calls: for each resource type with entitlements, one paged call over the
// type's resources in the sync's model instead of one call per resource.
// A large workspace (2,500 folders, 500 projects) then costs a few dozen
// calls after the load instead of about 6,500. Each page is answered by the
// per-resource Entitlements and Grants, so the answers are the same; those
// stay for any caller that names one resource. The pages after the first
// are spawned as sibling cursors, stored by baton-sdk's workers
// concurrently.

import (
	"context"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/resource"

	"github.com/accessgov/baton-connectors/internal/typescoped"
)

// scopedPageSize is how many resources one type-scoped page covers.
const scopedPageSize = 100

// perResource is a syncer's per-resource Entitlements or Grants.
type perResource[T any] func(context.Context, *v2.Resource, resource.SyncOpAttrs) ([]T, *resource.SyncOpResults, error)

// answerScoped answers one type-scoped call: the page of the type's
// resources the token names (the ones List returned), each answered by
// each.
func answerScoped[T any](ctx context.Context, ws *workspace, typeID string, attrs resource.SyncOpAttrs,
	all func(*model) ([]*v2.Resource, error), each perResource[T],
) ([]T, *resource.SyncOpResults, error) {
	rs, err := ws.resources(ctx, attrs.SyncID, typeID, all)
	if err != nil {
		return nil, nil, err
	}
	p, err := typescoped.Plan(attrs.PageToken.Token, len(rs), scopedPageSize)
	if err != nil {
		return nil, nil, err
	}
	var out []T
	for _, r := range rs[p.Start:p.End] {
		items, _, err := each(ctx, r, attrs)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, items...)
	}
	return out, p.Results, nil
}

// allFolders builds every folder's resource, for the folder List and the
// type-scoped calls alike.
func allFolders(m *model) ([]*v2.Resource, error) { return folderResources(m.Folders) }

func (s *roleSyncer) EntitlementsForResourceType(ctx context.Context, _ string, attrs resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	return answerScoped(ctx, s.ws, roleTypeID, attrs, roleResources, s.Entitlements)
}

func (s *roleSyncer) GrantsForResourceType(ctx context.Context, _ string, attrs resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	return answerScoped(ctx, s.ws, roleTypeID, attrs, roleResources, s.Grants)
}

func (s *privilegeSyncer) EntitlementsForResourceType(ctx context.Context, _ string, attrs resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	return answerScoped(ctx, s.ws, privilegeTypeID, attrs, privilegeResources, s.Entitlements)
}

func (s *privilegeSyncer) GrantsForResourceType(ctx context.Context, _ string, attrs resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	return answerScoped(ctx, s.ws, privilegeTypeID, attrs, privilegeResources, s.Grants)
}

func (s *projectSyncer) EntitlementsForResourceType(ctx context.Context, _ string, attrs resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	return answerScoped(ctx, s.ws, projectTypeID, attrs, projectResources, s.Entitlements)
}

func (s *projectSyncer) GrantsForResourceType(ctx context.Context, _ string, attrs resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	return answerScoped(ctx, s.ws, projectTypeID, attrs, projectResources, s.Grants)
}

func (s *groupSyncer) EntitlementsForResourceType(ctx context.Context, _ string, attrs resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	return answerScoped(ctx, s.ws, groupTypeID, attrs, groupResources, s.Entitlements)
}

func (s *groupSyncer) GrantsForResourceType(ctx context.Context, _ string, attrs resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	return answerScoped(ctx, s.ws, groupTypeID, attrs, groupResources, s.Grants)
}

func (s *clientRoleSyncer) EntitlementsForResourceType(ctx context.Context, _ string, attrs resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	return answerScoped(ctx, s.ws, clientRoleTypeID, attrs, clientRoleResources, s.Entitlements)
}

func (s *clientRoleSyncer) GrantsForResourceType(ctx context.Context, _ string, attrs resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	return answerScoped(ctx, s.ws, clientRoleTypeID, attrs, clientRoleResources, s.Grants)
}

func (s *folderSyncer) EntitlementsForResourceType(ctx context.Context, _ string, attrs resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	return answerScoped(ctx, s.ws, folderTypeID, attrs, allFolders, s.Entitlements)
}

func (s *folderSyncer) GrantsForResourceType(ctx context.Context, _ string, attrs resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	return answerScoped(ctx, s.ws, folderTypeID, attrs, allFolders, s.Grants)
}
