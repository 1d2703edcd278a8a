package connectortest

// c1zprotos.go: the objects of a c1z as baton-sdk stored them (the protos
// themselves, not the comparable summary of Snapshot), for tests that hand
// them back to the connector, such as a service-mode grant task built from
// a real entitlement and principal.

import (
	"context"
	"fmt"
	"os"
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/dotc1z"
)

// Protos are the resources, entitlements and grants of one sync, keyed
// like a Snapshot's (Resource.Key, entitlement ID, Grant.Key).
type Protos struct {
	Resources    map[string]*v2.Resource
	Entitlements map[string]*v2.Entitlement
	Grants       map[string]*v2.Grant
}

// ReadProtos reads the latest finished sync of the c1z at path.
func ReadProtos(ctx context.Context, path string) (*Protos, error) {
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
	p := &Protos{Resources: map[string]*v2.Resource{}, Entitlements: map[string]*v2.Entitlement{}, Grants: map[string]*v2.Grant{}}
	tok := ""
	for {
		resp, err := store.ListResources(ctx, v2.ResourcesServiceListResourcesRequest_builder{PageToken: tok}.Build())
		if err != nil {
			return nil, fmt.Errorf("list resources: %w", err)
		}
		for _, r := range resp.GetList() {
			p.Resources[idKey(r.GetId())] = r
		}
		if tok = resp.GetNextPageToken(); tok == "" {
			break
		}
	}
	for {
		resp, err := store.ListEntitlements(ctx, v2.EntitlementsServiceListEntitlementsRequest_builder{PageToken: tok}.Build())
		if err != nil {
			return nil, fmt.Errorf("list entitlements: %w", err)
		}
		for _, e := range resp.GetList() {
			p.Entitlements[e.GetId()] = e
		}
		if tok = resp.GetNextPageToken(); tok == "" {
			break
		}
	}
	for {
		resp, err := store.ListGrants(ctx, v2.GrantsServiceListGrantsRequest_builder{PageToken: tok}.Build())
		if err != nil {
			return nil, fmt.Errorf("list grants: %w", err)
		}
		for _, g := range resp.GetList() {
			p.Grants[Grant{Entitlement: g.GetEntitlement().GetId(), Principal: idKey(g.GetPrincipal().GetId())}.Key()] = g
		}
		if tok = resp.GetNextPageToken(); tok == "" {
			break
		}
	}
	return p, nil
}

// MustReadProtos is ReadProtos failing t on error.
func MustReadProtos(t testing.TB, path string) *Protos {
	t.Helper()
	p, err := ReadProtos(context.Background(), path)
	if err != nil {
		t.Fatalf("read c1z: %v", err)
	}
	return p
}
