package workato

// TEMPORARY (wk-prov): the group syncer wk-sync defines; deleted when
// wk-sync is merged.

import (
	"context"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
)

const groupTypeID = "group"

type groupSyncer struct {
	ws   *workspace
	prov *provisioner
}

func (s *groupSyncer) ResourceType(context.Context) *v2.ResourceType { return nil }
func (s *groupSyncer) List(context.Context, *v2.ResourceId, resource.SyncOpAttrs) ([]*v2.Resource, *resource.SyncOpResults, error) {
	return nil, nil, nil
}
func (s *groupSyncer) Entitlements(context.Context, *v2.Resource, resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	return nil, nil, nil
}
func (s *groupSyncer) Grants(context.Context, *v2.Resource, resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	return nil, nil, nil
}
