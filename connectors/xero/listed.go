package xero

// listed.go records the organisations the current sync wrote, in listing
// order, so that the type-scoped entitlement and grant calls
// (typescoped.go) page over exactly those. Their roles need no record: they
// follow from the users, which are read once per sync and held until the
// type-scoped grants (release.go).

import (
	"context"
	"sync"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"

	"github.com/accessgov/baton-connectors/internal/syncload"
)

// keyRelisted is the loader key of the organisations re-derived after a
// sync resumed in a new process (see listedOrgs).
const keyRelisted = "relisted"

// listedOrg is one organisation written to the sync.
type listedOrg struct{ id, name string }

// resource is the organisation as the type-scoped calls name it: its ID
// and display name, which is all its entitlements and grants use.
func (o *listedOrg) resource() *v2.Resource {
	return v2.Resource_builder{
		Id:          v2.ResourceId_builder{ResourceType: orgTypeID, Resource: o.id}.Build(),
		DisplayName: o.name,
	}.Build()
}

// listing is what the organisation List of one sync wrote. It is complete
// when the pages came in order from the first to the last; a sync resumed
// from a checkpoint in a new process starts mid-way and is not.
type listing struct {
	mu       sync.Mutex
	syncID   string
	orgs     []*listedOrg
	next     int  // connection offset the next page must start at to be contiguous
	broken   bool // a page came out of order
	complete bool
}

func (l *listing) reset(syncID string) {
	if l.syncID != syncID {
		l.syncID, l.orgs, l.next, l.broken, l.complete = syncID, nil, 0, false, false
	}
}

// add records the organisations of the page [offset, end) of the
// connection list, in order.
func (l *listing) add(syncID string, offset, end int, orgs []*listedOrg) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reset(syncID)
	if offset != l.next {
		l.broken = true
		return
	}
	l.orgs = append(l.orgs, orgs...)
	l.next = end
}

// finish marks the listing of syncID done after its last page.
func (l *listing) finish(syncID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.reset(syncID)
	l.complete = !l.broken
}

// get returns the complete listing of syncID, or false.
func (l *listing) get(syncID string) ([]*listedOrg, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.syncID != syncID || !l.complete {
		return nil, false
	}
	return l.orgs, true
}

// listedOrgs returns the organisations the sync wrote, in listing order.
// When this process did not see the whole listing (the sync resumed from a
// checkpoint), they are derived again as the organisation List would:
// every connected organisation whose profile and users can be read, with
// the unreachable ones skipped and logged. That costs the organisations'
// reads once more, never a hole.
func (t *tenants) listedOrgs(ctx context.Context, syncID string) ([]*listedOrg, error) {
	if orgs, ok := t.listed.get(syncID); ok {
		return orgs, nil
	}
	return syncload.Get(ctx, t.loads, syncID, keyRelisted, func(ctx context.Context) ([]*listedOrg, error) {
		conns, err := t.connections(ctx, syncID)
		if err != nil {
			return nil, err
		}
		t.prefetch(syncID, tenantIDs(conns))
		out := make([]*listedOrg, 0, len(conns))
		for _, c := range conns {
			org, ok, err := t.whole(ctx, syncID, c)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			name := org.Name
			if name == "" {
				name = c.TenantName
			}
			out = append(out, &listedOrg{id: c.TenantID, name: name})
		}
		return out, nil
	})
}
