package xero

// typescoped.go answers baton-sdk's type-scoped entitlement and grant
// calls for organisations and roles: one paged call per resource type over
// the organisations the sync listed (listed.go), instead of one call per
// organisation and one per role. At 10,000 organisations that is 4,000
// calls instead of 140,000, and the pages after the first are spawned as
// sibling cursors so baton-sdk's workers store them concurrently. The
// answers are the ones the per-resource calls give; those stay for any
// caller that names one resource.

import (
	"context"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/resource"

	"github.com/accessgov/baton-connectors/internal/typescoped"
)

// typeScopedPageSize is how many organisations one type-scoped page covers.
const typeScopedPageSize = memberPageSize

// listedPage returns the listed organisations of the page the call names.
func (t *tenants) listedPage(ctx context.Context, attrs resource.SyncOpAttrs) ([]*listedOrg, typescoped.Page, error) {
	orgs, err := t.listedOrgs(ctx, attrs.SyncID)
	if err != nil {
		return nil, typescoped.Page{}, err
	}
	p, err := typescoped.Plan(attrs.PageToken.Token, len(orgs), typeScopedPageSize)
	if err != nil {
		return nil, typescoped.Page{}, err
	}
	return orgs[p.Start:p.End], p, nil
}

// EntitlementsForResourceType returns the member and subscriber
// entitlements of a page of organisations.
func (s *orgSyncer) EntitlementsForResourceType(ctx context.Context, _ string, attrs resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	orgs, p, err := s.tenants.listedPage(ctx, attrs)
	if err != nil {
		return nil, nil, err
	}
	out := make([]*v2.Entitlement, 0, 2*len(orgs))
	for _, o := range orgs {
		ents, _, err := s.Entitlements(ctx, o.resource(), attrs)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, ents...)
	}
	return out, p.Results, nil
}

// GrantsForResourceType returns the member and subscriber grants of a page
// of organisations.
func (s *orgSyncer) GrantsForResourceType(ctx context.Context, _ string, attrs resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	orgs, p, err := s.tenants.listedPage(ctx, attrs)
	if err != nil {
		return nil, nil, err
	}
	var out []*v2.Grant
	for _, o := range orgs {
		users, err := s.tenants.usersOf(ctx, attrs.SyncID, o.id)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, orgGrants(o.resource(), o.id, users)...)
		s.tenants.usedUsers(attrs.SyncID, o.id, users)
	}
	return out, p.Results, nil
}

// EntitlementsForResourceType returns the entitlement of every role of a
// page of organisations.
func (s *roleSyncer) EntitlementsForResourceType(ctx context.Context, _ string, attrs resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	orgs, p, err := s.tenants.listedPage(ctx, attrs)
	if err != nil {
		return nil, nil, err
	}
	out := make([]*v2.Entitlement, 0, len(standardRoles)*len(orgs))
	for _, o := range orgs {
		roles, err := s.tenants.rolesOfListed(ctx, attrs.SyncID, o)
		if err != nil {
			return nil, nil, err
		}
		for _, role := range roles {
			ents, _, err := s.Entitlements(ctx, roleStub(o.id, role), attrs)
			if err != nil {
				return nil, nil, err
			}
			out = append(out, ents...)
		}
	}
	return out, p.Results, nil
}

// GrantsForResourceType returns the grants of every role of a page of
// organisations.
func (s *roleSyncer) GrantsForResourceType(ctx context.Context, _ string, attrs resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	orgs, p, err := s.tenants.listedPage(ctx, attrs)
	if err != nil {
		return nil, nil, err
	}
	var out []*v2.Grant
	for _, o := range orgs {
		roles, err := s.tenants.rolesOfListed(ctx, attrs.SyncID, o)
		if err != nil {
			return nil, nil, err
		}
		users, err := s.tenants.usersOf(ctx, attrs.SyncID, o.id)
		if err != nil {
			return nil, nil, err
		}
		for _, role := range roles {
			out = append(out, roleGrants(roleStub(o.id, role), o.id, role, users)...)
		}
		s.tenants.usedUsers(attrs.SyncID, o.id, users)
	}
	return out, p.Results, nil
}
