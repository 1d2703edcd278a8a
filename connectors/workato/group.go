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

// memberEntitlement is membership of a collaborator group.
const memberEntitlement = "member"

// groupSyncer lists collaborator groups ("All collaborators", the system
// group, like the others) and grants membership to their members.
// Provisioning (Grant/Revoke) is in provision_group.go.
type groupSyncer struct {
	ws   *workspace
	prov *provisioner
}

func (s *groupSyncer) ResourceType(context.Context) *v2.ResourceType { return groupResourceType }

func (s *groupSyncer) List(ctx context.Context, parent *v2.ResourceId, attrs resource.SyncOpAttrs) ([]*v2.Resource, *resource.SyncOpResults, error) {
	if parent != nil {
		return nil, &resource.SyncOpResults{}, nil
	}
	out, err := s.ws.resources(ctx, attrs.SyncID, groupTypeID, groupResources)
	if err != nil {
		return nil, nil, err
	}
	return out, &resource.SyncOpResults{}, nil
}

// groupResources builds the resources List returns and the type-scoped calls
// page over, once per sync (workspace.resources).
func groupResources(m *model) ([]*v2.Resource, error) {
	out := make([]*v2.Resource, 0, len(m.Groups))
	for _, g := range m.Groups {
		// members_count is the number of members this sync read (and
		// grants): the list's own count may be older than the member
		// list read after it.
		profile := map[string]interface{}{
			"id": g.ID.String(), "name": g.Name, "description": g.Description,
			"members_count": len(m.GroupMembers[g.ID]), "system": g.System,
		}
		opts := []resource.ResourceOption{resource.WithDescription(g.Description)}
		if !g.CreatedAt.IsZero() {
			profile["created_at"] = g.CreatedAt.UTC().Format(time.RFC3339)
			opts = append(opts, resource.WithResourceCreatedAt(g.CreatedAt.Time))
		}
		opts = append(opts, resource.WithResourceProfile(profile))
		r, err := resource.NewGroupResource(g.Name, groupResourceType, groupRID(g.ID), nil, opts...)
		if err != nil {
			return nil, fmt.Errorf("workato: collaborator group %s: %w", g.ID, err)
		}
		out = append(out, r)
	}
	return out, nil
}

func (s *groupSyncer) Entitlements(_ context.Context, res *v2.Resource, _ resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	return []*v2.Entitlement{
		entitlement.NewAssignmentEntitlement(res, memberEntitlement,
			entitlement.WithGrantableTo(collaboratorResourceType),
			entitlement.WithDisplayName(res.GetDisplayName()+" member"),
			entitlement.WithDescription("Member of the collaborator group "+res.GetDisplayName())),
	}, &resource.SyncOpResults{}, nil
}

func (s *groupSyncer) Grants(ctx context.Context, res *v2.Resource, attrs resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	m, err := s.ws.get(ctx, attrs.SyncID)
	if err != nil {
		return nil, nil, err
	}
	g, ok := m.group(res.GetId().GetResource())
	if !ok {
		return nil, nil, errUnknown("collaborator group", res.GetId().GetResource())
	}
	members := m.GroupMembers[g.ID]
	out := make([]*v2.Grant, 0, len(members))
	for _, id := range members {
		out = append(out, grant.NewGrant(res, memberEntitlement, collaboratorID(id)))
	}
	return out, &resource.SyncOpResults{}, nil
}
