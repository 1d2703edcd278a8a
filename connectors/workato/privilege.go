package workato

import (
	"context"
	"fmt"
	"strings"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/entitlement"
	"github.com/conductorone/baton-sdk/pkg/types/grant"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
)

// privilegeSyncer lists every privilege the API returned, in roles or in
// collaborators' privileges, including ones nobody has seen before, and
// grants each collaborator the privileges they hold, per environment.
type privilegeSyncer struct{ ws *workspace }

func (s *privilegeSyncer) ResourceType(context.Context) *v2.ResourceType {
	return privilegeResourceType
}

func privilegeResourceID(id string) *v2.ResourceId {
	return v2.ResourceId_builder{ResourceType: privilegeTypeID, Resource: id}.Build()
}

func (s *privilegeSyncer) List(ctx context.Context, parent *v2.ResourceId, attrs resource.SyncOpAttrs) ([]*v2.Resource, *resource.SyncOpResults, error) {
	if parent != nil {
		return nil, &resource.SyncOpResults{}, nil
	}
	out, err := s.ws.resources(ctx, attrs.SyncID, privilegeTypeID, privilegeResources)
	if err != nil {
		return nil, nil, err
	}
	return out, &resource.SyncOpResults{}, nil
}

// privilegeResources builds the resources List returns and the type-scoped calls
// page over, once per sync (workspace.resources).
func privilegeResources(m *model) ([]*v2.Resource, error) {
	out := make([]*v2.Resource, 0, len(m.PrivilegeIDs))
	for _, id := range m.PrivilegeIDs {
		section, action, _ := strings.Cut(id, ":")
		r, err := resource.NewResource(section+": "+action, privilegeResourceType, id,
			resource.WithResourceProfile(map[string]interface{}{"section": section, "action": action}))
		if err != nil {
			return nil, fmt.Errorf("workato: privilege %s: %w", id, err)
		}
		out = append(out, r)
	}
	return out, nil
}

func (s *privilegeSyncer) Entitlements(ctx context.Context, res *v2.Resource, attrs resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	m, err := s.ws.get(ctx, attrs.SyncID)
	if err != nil {
		return nil, nil, err
	}
	out := make([]*v2.Entitlement, 0, len(m.Envs))
	for _, env := range m.Envs {
		out = append(out, entitlement.NewPermissionEntitlement(res, env,
			entitlement.WithGrantableTo(collaboratorResourceType),
			entitlement.WithDisplayName(fmt.Sprintf("%s in %s", res.GetDisplayName(), env)),
			entitlement.WithDescription(fmt.Sprintf("Holds %s in the %s environment", res.GetDisplayName(), env))))
	}
	return out, &resource.SyncOpResults{}, nil
}

func (s *privilegeSyncer) Grants(ctx context.Context, res *v2.Resource, attrs resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	m, err := s.ws.get(ctx, attrs.SyncID)
	if err != nil {
		return nil, nil, err
	}
	var out []*v2.Grant
	for _, h := range m.PrivHolders[res.GetId().GetResource()] {
		out = append(out, grant.NewGrant(res, h.Env, collaboratorID(h.MemberID)))
	}
	return out, &resource.SyncOpResults{}, nil
}
