package demo

// read.go: one sync of a c1z, read with the SDK's store, with the joins
// (by ID: a Pebble c1z keeps only IDs inside grants) that plain words need.

import (
	"context"
	"fmt"
	"os"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/dotc1z"
)

// Sync is the latest finished sync of a c1z.
type Sync struct {
	ResourceTypes []*v2.ResourceType
	Resources     map[string]*v2.Resource // by Key(resource ID)
	Entitlements  map[string]*v2.Entitlement
	Grants        []*v2.Grant
}

// Key is "type/id", the join key of a resource.
func Key(id *v2.ResourceId) string { return id.GetResourceType() + "/" + id.GetResource() }

// Read reads the latest finished sync of the c1z at path.
func Read(ctx context.Context, path string) (*Sync, error) {
	tmp, err := os.MkdirTemp("", "demo-c1z-")
	if err != nil {
		return nil, fmt.Errorf("demo: temp dir: %w", err)
	}
	defer func() { _ = os.RemoveAll(tmp) }()
	store, err := dotc1z.NewStore(ctx, path, dotc1z.WithReadOnly(true), dotc1z.WithTmpDir(tmp))
	if err != nil {
		return nil, fmt.Errorf("demo: open %s: %w", path, err)
	}
	defer func() { _ = store.Close(ctx) }()
	run, err := store.SyncMeta().LatestFinishedSyncOfAnyType(ctx)
	if err != nil {
		return nil, fmt.Errorf("demo: latest finished sync in %s: %w", path, err)
	}
	if run == nil {
		return nil, fmt.Errorf("demo: %s holds no finished sync", path)
	}
	if err := store.SetCurrentSync(ctx, run.ID); err != nil {
		return nil, fmt.Errorf("demo: select sync %s: %w", run.ID, err)
	}
	s := &Sync{Resources: map[string]*v2.Resource{}, Entitlements: map[string]*v2.Entitlement{}}
	for tok := ""; ; {
		resp, err := store.ListResourceTypes(ctx, v2.ResourceTypesServiceListResourceTypesRequest_builder{PageToken: tok}.Build())
		if err != nil {
			return nil, fmt.Errorf("demo: list resource types: %w", err)
		}
		s.ResourceTypes = append(s.ResourceTypes, resp.GetList()...)
		if tok = resp.GetNextPageToken(); tok == "" {
			break
		}
	}
	for tok := ""; ; {
		resp, err := store.ListResources(ctx, v2.ResourcesServiceListResourcesRequest_builder{PageToken: tok}.Build())
		if err != nil {
			return nil, fmt.Errorf("demo: list resources: %w", err)
		}
		for _, r := range resp.GetList() {
			s.Resources[Key(r.GetId())] = r
		}
		if tok = resp.GetNextPageToken(); tok == "" {
			break
		}
	}
	for tok := ""; ; {
		resp, err := store.ListEntitlements(ctx, v2.EntitlementsServiceListEntitlementsRequest_builder{PageToken: tok}.Build())
		if err != nil {
			return nil, fmt.Errorf("demo: list entitlements: %w", err)
		}
		for _, e := range resp.GetList() {
			s.Entitlements[e.GetId()] = e
		}
		if tok = resp.GetNextPageToken(); tok == "" {
			break
		}
	}
	for tok := ""; ; {
		resp, err := store.ListGrants(ctx, v2.GrantsServiceListGrantsRequest_builder{PageToken: tok}.Build())
		if err != nil {
			return nil, fmt.Errorf("demo: list grants: %w", err)
		}
		s.Grants = append(s.Grants, resp.GetList()...)
		if tok = resp.GetNextPageToken(); tok == "" {
			break
		}
	}
	return s, nil
}
