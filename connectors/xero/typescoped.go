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

// perListed answers one type-scoped call: each listed organisation of the
// page the call names contributes answer(it).
func perListed[T any](ctx context.Context, t *tenants, attrs resource.SyncOpAttrs, answer func(*listedOrg) ([]T, error)) ([]T, *resource.SyncOpResults, error) {
	orgs, err := t.listedOrgs(ctx, attrs.SyncID)
	if err != nil {
		return nil, nil, err
	}
	p, err := typescoped.Plan(attrs.PageToken.Token, len(orgs), typeScopedPageSize)
	if err != nil {
		return nil, nil, err
	}
	var out []T
	for _, o := range orgs[p.Start:p.End] {
		items, err := answer(o)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, items...)
	}
	return out, p.Results, nil
}

// EntitlementsForResourceType returns the member and subscriber
// entitlements of a page of organisations.
func (s *orgSyncer) EntitlementsForResourceType(ctx context.Context, _ string, attrs resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	return perListed(ctx, s.tenants, attrs, func(o *listedOrg) ([]*v2.Entitlement, error) {
		ents, _, err := s.Entitlements(ctx, o.resource(), attrs)
		return ents, err
	})
}

// GrantsForResourceType returns the member and subscriber grants of a page
// of organisations.
func (s *orgSyncer) GrantsForResourceType(ctx context.Context, _ string, attrs resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	return perListed(ctx, s.tenants, attrs, func(o *listedOrg) ([]*v2.Grant, error) {
		users, err := s.tenants.usersOf(ctx, attrs.SyncID, o.id)
		if err != nil {
			return nil, err
		}
		defer s.tenants.usedUsers(attrs.SyncID, o.id, users)
		return orgGrants(o.resource(), o.id, users), nil
	})
}

// EntitlementsForResourceType returns the entitlement of every role of a
// page of organisations.
func (s *roleSyncer) EntitlementsForResourceType(ctx context.Context, _ string, attrs resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	return perListed(ctx, s.tenants, attrs, func(o *listedOrg) ([]*v2.Entitlement, error) {
		users, err := s.tenants.usersOf(ctx, attrs.SyncID, o.id)
		if err != nil {
			return nil, err
		}
		var out []*v2.Entitlement
		for _, role := range rolesOf(users) {
			ents, _, err := s.Entitlements(ctx, roleStub(o.id, role), attrs)
			if err != nil {
				return nil, err
			}
			out = append(out, ents...)
		}
		return out, nil
	})
}

// GrantsForResourceType returns the grants of every role of a page of
// organisations.
func (s *roleSyncer) GrantsForResourceType(ctx context.Context, _ string, attrs resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	return perListed(ctx, s.tenants, attrs, func(o *listedOrg) ([]*v2.Grant, error) {
		users, err := s.tenants.usersOf(ctx, attrs.SyncID, o.id)
		if err != nil {
			return nil, err
		}
		defer s.tenants.usedUsers(attrs.SyncID, o.id, users)
		var out []*v2.Grant
		for _, role := range rolesOf(users) {
			out = append(out, roleGrants(roleStub(o.id, role), o.id, role, users)...)
		}
		return out, nil
	})
}
