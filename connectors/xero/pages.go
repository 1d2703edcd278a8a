package xero

// pages.go pages the organisation, user and role Lists over the same
// connection list. Users and roles are listed at the top level, each with
// its organisation as parent, rather than as the organisation's children:
// baton-sdk v0.25.0 lists a type's child resources only after the whole
// chain of its pages, and the organisation pages wait for Xero's app limit
// (two minutes at 10,000 organisations), so the 200,000 users would be
// stored only after that. As three top-level chains, baton-sdk's workers
// store users and roles while the organisation pages still wait. The
// resources and their parents are the same.

import (
	"context"
	"strconv"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/xero/internal/xeroapi"
)

// memberPageSize is how many organisations one page of users or roles (and
// of the type-scoped entitlements and grants) covers: their users, not the
// organisations, make the page's size, and baton-sdk holds a whole page at
// once (1,000 users at 100 an organisation).
const memberPageSize = 10

// connectionPage returns the sync's connections and the page [offset, end)
// of them the call's token names.
func (t *tenants) connectionPage(ctx context.Context, attrs resource.SyncOpAttrs, size int) (conns []xeroapi.Connection, offset, end int, err error) {
	conns, err = t.connections(ctx, attrs.SyncID)
	if err != nil {
		return nil, 0, 0, err
	}
	if tok := attrs.PageToken.Token; tok != "" {
		offset, err = strconv.Atoi(tok)
		if err != nil || offset < 0 || offset > len(conns) {
			return nil, 0, 0, status.Errorf(codes.InvalidArgument, "xero: bad organisation page token %q", tok)
		}
	}
	return conns, offset, min(offset+size, len(conns)), nil
}

// nextPage is the token of the page after one that ends at end, or "".
func nextPage(end, n int) string {
	if end < n {
		return strconv.Itoa(end)
	}
	return ""
}

// perOrganisation lists a page of organisations' resources of one type:
// each organisation the sync keeps contributes build(its ID as parent, its
// users). Whichever of the organisation, user and role Lists reaches an
// organisation first decides it (whole); the others find both reads
// loaded: profiles stay loaded for the whole sync (a few MB at 10,000
// organisations), and users until their last reader (release.go), which
// these Lists precede. Releasing a profile once the organisation List had
// written it let a List still deciding it read it a second time
// (TestTenants_OneReadEachUnderConcurrentChains).
func (t *tenants) perOrganisation(ctx context.Context, parent *v2.ResourceId, attrs resource.SyncOpAttrs,
	build func(tenantID string, org *v2.ResourceId, users []xeroapi.User) ([]*v2.Resource, error),
) ([]*v2.Resource, *resource.SyncOpResults, error) {
	if parent != nil {
		return nil, &resource.SyncOpResults{}, nil
	}
	conns, offset, end, err := t.connectionPage(ctx, attrs, memberPageSize)
	if err != nil {
		return nil, nil, err
	}
	// The same read-ahead as the organisation List, for whichever chain
	// reaches a page first.
	t.prefetch(attrs.SyncID, tenantIDs(conns[offset:min(offset+(1+readAheadPages)*orgPageSize, len(conns))]))
	var out []*v2.Resource
	for _, c := range conns[offset:end] {
		_, ok, err := t.whole(ctx, attrs.SyncID, c)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			continue // skipped as a whole, and logged
		}
		users, err := t.usersOf(ctx, attrs.SyncID, c.TenantID)
		if err != nil {
			return nil, nil, err
		}
		org := v2.ResourceId_builder{ResourceType: orgTypeID, Resource: c.TenantID}.Build()
		rs, err := build(c.TenantID, org, users)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, rs...)
		t.usedUsers(attrs.SyncID, c.TenantID, users)
	}
	return out, &resource.SyncOpResults{NextPageToken: nextPage(end, len(conns))}, nil
}
