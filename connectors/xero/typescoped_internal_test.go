package xero

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"testing"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/pagination"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"go.uber.org/zap"

	"github.com/accessgov/baton-connectors/connectors/xero/internal/xeroapi"
	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
)

// chain lists every page of one top-level List.
func chain(t *testing.T, attrs resource.SyncOpAttrs, list func(context.Context, *v2.ResourceId, resource.SyncOpAttrs) ([]*v2.Resource, *resource.SyncOpResults, error)) []*v2.Resource {
	t.Helper()
	var out []*v2.Resource
	tok := ""
	for {
		a := attrs
		a.PageToken = pagination.Token{Token: tok}
		page, res, err := list(context.Background(), nil, a)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if tok = res.NextPageToken; tok == "" {
			return out
		}
	}
}

// listAll lists organisations, users and roles as baton-sdk does (three
// top-level chains), and returns the organisation and role resources.
func listAll(t *testing.T, tn *tenants, attrs resource.SyncOpAttrs) (orgs, roles []*v2.Resource) {
	t.Helper()
	orgs = chain(t, attrs, newOrgSyncer(tn).List)
	chain(t, attrs, newUserSyncer(tn).List)
	roles = chain(t, attrs, newRoleSyncer(tn).List)
	return orgs, roles
}

// follow answers a type-scoped call as baton-sdk does: the first page,
// every sibling it spawns and every next page.
func follow[T any](t *testing.T, attrs resource.SyncOpAttrs, call func(resource.SyncOpAttrs) ([]T, *resource.SyncOpResults, error)) []T {
	t.Helper()
	var out []T
	queue := []string{""}
	for len(queue) > 0 {
		a := attrs
		a.PageToken = pagination.Token{Token: queue[0]}
		queue = queue[1:]
		items, res, err := call(a)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, items...)
		spawn := &v2.EnqueuePageTokens{}
		annos := res.Annotations
		if ok, err := annos.Pick(spawn); err != nil {
			t.Fatal(err)
		} else if ok {
			queue = append(queue, spawn.GetPageTokens()...)
		}
		if res.NextPageToken != "" {
			queue = append(queue, res.NextPageToken)
		}
	}
	return out
}

func entitlementKeys(ents []*v2.Entitlement) []string {
	out := make([]string, len(ents))
	for i, e := range ents {
		out[i] = e.GetId() + " | " + e.GetDisplayName() + " | " + e.GetDescription()
	}
	sort.Strings(out)
	return out
}

func grantKeys(grants []*v2.Grant) []string {
	out := make([]string, len(grants))
	for i, g := range grants {
		out[i] = g.GetId()
	}
	sort.Strings(out)
	return out
}

func sameKeys(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: got %d, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s %d: got %q, want %q", what, i, got[i], want[i])
		}
	}
}

// TestTypeScoped_MatchesPerResource: the type-scoped answers over three
// pages of organisations are exactly the per-resource answers, each
// entitlement and grant once.
func TestTypeScoped_MatchesPerResource(t *testing.T) {
	ctx := context.Background()
	ds := xerofake.Generate(120, 15, 7)
	attrs := resource.SyncOpAttrs{SyncID: "sync-1"}

	per := newTenants(newFloorAPI(ds), nil, false, zap.NewNop())
	defer per.close()
	orgs, roles := listAll(t, per, attrs)
	var wantEnts []*v2.Entitlement
	var wantGrants []*v2.Grant
	for _, o := range orgs {
		e, _, err := newOrgSyncer(per).Entitlements(ctx, o, attrs)
		if err != nil {
			t.Fatal(err)
		}
		g, _, err := newOrgSyncer(per).Grants(ctx, o, attrs)
		if err != nil {
			t.Fatal(err)
		}
		wantEnts, wantGrants = append(wantEnts, e...), append(wantGrants, g...)
	}
	for _, r := range roles {
		e, _, err := newRoleSyncer(per).Entitlements(ctx, r, attrs)
		if err != nil {
			t.Fatal(err)
		}
		g, _, err := newRoleSyncer(per).Grants(ctx, r, attrs)
		if err != nil {
			t.Fatal(err)
		}
		wantEnts, wantGrants = append(wantEnts, e...), append(wantGrants, g...)
	}

	ts := newTenants(newFloorAPI(ds), nil, false, zap.NewNop())
	defer ts.close()
	listAll(t, ts, attrs)
	org, role := newOrgSyncer(ts), newRoleSyncer(ts)
	gotEnts := follow(t, attrs, func(a resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
		return org.EntitlementsForResourceType(ctx, orgTypeID, a)
	})
	gotEnts = append(gotEnts, follow(t, attrs, func(a resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
		return role.EntitlementsForResourceType(ctx, roleTypeID, a)
	})...)
	gotGrants := follow(t, attrs, func(a resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
		return org.GrantsForResourceType(ctx, orgTypeID, a)
	})
	gotGrants = append(gotGrants, follow(t, attrs, func(a resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
		return role.GrantsForResourceType(ctx, roleTypeID, a)
	})...)

	if len(wantGrants) == 0 {
		t.Fatal("the dataset has no grants")
	}
	sameKeys(t, "entitlements", entitlementKeys(gotEnts), entitlementKeys(wantEnts))
	sameKeys(t, "grants", grantKeys(gotGrants), grantKeys(wantGrants))
}

// TestTypeScoped_Resumed: a process that did not see the organisation
// listing (a sync resumed from a checkpoint) derives the organisations
// again and answers the same entitlements.
func TestTypeScoped_Resumed(t *testing.T) {
	ctx := context.Background()
	ds := xerofake.Generate(60, 5, 3)
	attrs := resource.SyncOpAttrs{SyncID: "sync-1"}
	seen := newTenants(newFloorAPI(ds), nil, false, zap.NewNop())
	defer seen.close()
	listAll(t, seen, attrs)
	fresh := newTenants(newFloorAPI(ds), nil, false, zap.NewNop())
	defer fresh.close()
	for _, tc := range []struct {
		name string
		tn   *tenants
	}{{"listed here", seen}, {"resumed", fresh}} {
		t.Run(tc.name, func(t *testing.T) {
			ents := follow(t, attrs, func(a resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
				return newRoleSyncer(tc.tn).EntitlementsForResourceType(ctx, roleTypeID, a)
			})
			if got, want := len(ents), 60*len(standardRoles); got < want {
				t.Errorf("role entitlements: got %d, want at least %d", got, want)
			}
		})
	}
	a := follow(t, attrs, func(x resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
		return newOrgSyncer(seen).EntitlementsForResourceType(ctx, orgTypeID, x)
	})
	b := follow(t, attrs, func(x resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
		return newOrgSyncer(fresh).EntitlementsForResourceType(ctx, orgTypeID, x)
	})
	sameKeys(t, "organisation entitlements", entitlementKeys(b), entitlementKeys(a))
}

// readCounter counts each tenant's profile and user reads, answering after
// a short random pause so concurrent chains interleave.
type readCounter struct {
	api
	mu          sync.Mutex
	orgs, users map[string]int
}

func (c *readCounter) pause() { time.Sleep(time.Duration(rand.IntN(300)) * time.Microsecond) }

func (c *readCounter) GetOrganisation(ctx context.Context, id string) (*xeroapi.Organisation, error) {
	c.pause()
	c.mu.Lock()
	c.orgs[id]++
	c.mu.Unlock()
	return c.api.GetOrganisation(ctx, id)
}

func (c *readCounter) ListUsers(ctx context.Context, id string) ([]xeroapi.User, error) {
	c.pause()
	c.mu.Lock()
	c.users[id]++
	c.mu.Unlock()
	return c.api.ListUsers(ctx, id)
}

// TestTenants_OneReadEachUnderConcurrentChains: baton-sdk's workers walk
// the organisation, user and role chains at once, in any interleaving,
// then the type-scoped grants; every organisation's profile and users are
// still read exactly once.
func TestTenants_OneReadEachUnderConcurrentChains(t *testing.T) {
	ds := xerofake.Generate(130, 3, 5)
	for round := range 15 {
		c := &readCounter{api: newFloorAPI(ds), orgs: map[string]int{}, users: map[string]int{}}
		tn := newTenants(c, nil, false, zap.NewNop())
		attrs := resource.SyncOpAttrs{SyncID: fmt.Sprintf("sync-%d", round)}
		var wg sync.WaitGroup
		for _, list := range []func(context.Context, *v2.ResourceId, resource.SyncOpAttrs) ([]*v2.Resource, *resource.SyncOpResults, error){
			newOrgSyncer(tn).List, newUserSyncer(tn).List, newRoleSyncer(tn).List,
		} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				chain(t, attrs, list)
			}()
		}
		wg.Wait()
		ctx := context.Background()
		follow(t, attrs, func(a resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
			return newOrgSyncer(tn).GrantsForResourceType(ctx, orgTypeID, a)
		})
		follow(t, attrs, func(a resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
			return newRoleSyncer(tn).GrantsForResourceType(ctx, roleTypeID, a)
		})
		tn.close()
		for _, o := range ds.Orgs {
			id := o.OrganisationID
			if c.orgs[id] != 1 || c.users[id] != 1 {
				t.Fatalf("round %d, organisation %s: got %d profile and %d user reads, want 1 and 1", round, id, c.orgs[id], c.users[id])
			}
		}
	}
}
