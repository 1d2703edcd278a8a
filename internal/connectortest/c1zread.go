package connectortest

// c1zread.go: reading the latest finished sync of a c1z with baton-sdk's
// own reader (either storage engine), once, for both views of it: the
// stored protos (Protos) and the comparable summary (Snapshot).

import (
	"context"
	"fmt"
	"os"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/dotc1z"
)

// stored is everything of one sync, in the order the store lists it.
type stored struct {
	resourceTypes []*v2.ResourceType
	resources     []*v2.Resource
	entitlements  []*v2.Entitlement
	grants        []*v2.Grant
}

// readStored reads the latest finished sync of the c1z at path.
func readStored(ctx context.Context, path string) (*stored, error) {
	tmp, err := os.MkdirTemp("", "connectortest-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	store, err := dotc1z.NewStore(ctx, path, dotc1z.WithReadOnly(true), dotc1z.WithTmpDir(tmp))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer func() { _ = store.Close(ctx) }()
	run, err := store.SyncMeta().LatestFinishedSyncOfAnyType(ctx)
	if err != nil {
		return nil, fmt.Errorf("latest finished sync in %s: %w", path, err)
	}
	if run == nil {
		return nil, fmt.Errorf("%s holds no finished sync", path)
	}
	if err := store.SetCurrentSync(ctx, run.ID); err != nil {
		return nil, fmt.Errorf("select sync %s: %w", run.ID, err)
	}
	var s stored
	if s.resourceTypes, err = listAll("resource types", func(tok string) ([]*v2.ResourceType, string, error) {
		resp, err := store.ListResourceTypes(ctx, v2.ResourceTypesServiceListResourceTypesRequest_builder{PageToken: tok}.Build())
		return resp.GetList(), resp.GetNextPageToken(), err
	}); err != nil {
		return nil, err
	}
	if s.resources, err = listAll("resources", func(tok string) ([]*v2.Resource, string, error) {
		resp, err := store.ListResources(ctx, v2.ResourcesServiceListResourcesRequest_builder{PageToken: tok}.Build())
		return resp.GetList(), resp.GetNextPageToken(), err
	}); err != nil {
		return nil, err
	}
	if s.entitlements, err = listAll("entitlements", func(tok string) ([]*v2.Entitlement, string, error) {
		resp, err := store.ListEntitlements(ctx, v2.EntitlementsServiceListEntitlementsRequest_builder{PageToken: tok}.Build())
		return resp.GetList(), resp.GetNextPageToken(), err
	}); err != nil {
		return nil, err
	}
	if s.grants, err = listAll("grants", func(tok string) ([]*v2.Grant, string, error) {
		resp, err := store.ListGrants(ctx, v2.GrantsServiceListGrantsRequest_builder{PageToken: tok}.Build())
		return resp.GetList(), resp.GetNextPageToken(), err
	}); err != nil {
		return nil, err
	}
	return &s, nil
}

// listAll reads every page of one list of the store.
func listAll[T any](what string, page func(tok string) ([]T, string, error)) ([]T, error) {
	var out []T
	tok := ""
	for {
		list, next, err := page(tok)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", what, err)
		}
		out = append(out, list...)
		if next == "" || next == tok {
			return out, nil
		}
		tok = next
	}
}
