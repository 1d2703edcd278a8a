package workato

import (
	"context"
	"fmt"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/entitlement"
	"github.com/conductorone/baton-sdk/pkg/types/grant"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
)

// assignedEntitlement is an API client holding a client role.
const assignedEntitlement = "assigned"

// clientRoleSyncer lists API client roles and grants each to the API
// clients that hold it. A role an API client names but no list returned
// (the client role may not list roles) is synced by its ID. Read only.
type clientRoleSyncer struct{ ws *workspace }

func (s *clientRoleSyncer) ResourceType(context.Context) *v2.ResourceType {
	return clientRoleResourceType
}

func (s *clientRoleSyncer) List(ctx context.Context, parent *v2.ResourceId, attrs resource.SyncOpAttrs) ([]*v2.Resource, *resource.SyncOpResults, error) {
	if parent != nil {
		return nil, &resource.SyncOpResults{}, nil
	}
	out, err := s.ws.resources(ctx, attrs.SyncID, clientRoleTypeID, clientRoleResources)
	if err != nil {
		return nil, nil, err
	}
	return out, &resource.SyncOpResults{}, nil
}

// clientRoleResources builds the resources List returns and the type-scoped calls
// page over, once per sync (workspace.resources).
func clientRoleResources(m *model) ([]*v2.Resource, error) {
	out := make([]*v2.Resource, 0, len(m.ClientRoles))
	for _, cr := range m.ClientRoles {
		name := cr.R.Name
		if name == "" {
			name = "API client role " + cr.R.ID.String()
		}
		profile := map[string]interface{}{"id": cr.R.ID.String(), "name": cr.R.Name, "listed": cr.Listed}
		opts := []resource.ResourceOption{}
		if !cr.R.CreatedAt.IsZero() {
			profile["created_at"] = cr.R.CreatedAt.UTC().Format(time.RFC3339)
			opts = append(opts, resource.WithResourceCreatedAt(cr.R.CreatedAt.Time))
		}
		opts = append(opts, resource.WithResourceProfile(profile))
		r, err := resource.NewRoleResource(name, clientRoleResourceType, cr.RID, nil, opts...)
		if err != nil {
			return nil, fmt.Errorf("workato: API client role %s: %w", cr.RID, err)
		}
		out = append(out, r)
	}
	return out, nil
}

func (s *clientRoleSyncer) Entitlements(_ context.Context, res *v2.Resource, _ resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	return []*v2.Entitlement{
		entitlement.NewAssignmentEntitlement(res, assignedEntitlement,
			entitlement.WithGrantableTo(apiClientResourceType),
			entitlement.WithDisplayName(res.GetDisplayName()+" assigned"),
			entitlement.WithDescription("API clients whose client role is "+res.GetDisplayName())),
	}, &resource.SyncOpResults{}, nil
}

func (s *clientRoleSyncer) Grants(ctx context.Context, res *v2.Resource, attrs resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	m, err := s.ws.get(ctx, attrs.SyncID)
	if err != nil {
		return nil, nil, err
	}
	cr, ok := m.clientRole(res.GetId().GetResource())
	if !ok {
		return nil, nil, errUnknown("API client role", res.GetId().GetResource())
	}
	var out []*v2.Grant
	for _, rid := range m.ClientRoleHolders[cr.RID] {
		out = append(out, grant.NewGrant(res, assignedEntitlement, apiClientResourceID(rid)))
	}
	return out, &resource.SyncOpResults{}, nil
}
