package workato

import (
	"context"
	"fmt"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/resource"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
)

// collaboratorSyncer lists the workspace's collaborators.
type collaboratorSyncer struct {
	ws   *workspace
	prov *provisioner
}

func (s *collaboratorSyncer) ResourceType(context.Context) *v2.ResourceType {
	return collaboratorResourceType
}

func (s *collaboratorSyncer) List(ctx context.Context, parent *v2.ResourceId, attrs resource.SyncOpAttrs) ([]*v2.Resource, *resource.SyncOpResults, error) {
	if parent != nil {
		return nil, &resource.SyncOpResults{}, nil
	}
	m, err := s.ws.get(ctx, attrs.SyncID)
	if err != nil {
		return nil, nil, err
	}
	out := make([]*v2.Resource, 0, len(m.Members))
	for _, mem := range m.Members {
		r, err := collaboratorResource(mem)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, r)
	}
	return out, &resource.SyncOpResults{}, nil
}

func (s *collaboratorSyncer) Entitlements(context.Context, *v2.Resource, resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	return nil, &resource.SyncOpResults{}, nil
}

func (s *collaboratorSyncer) Grants(context.Context, *v2.Resource, resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	return nil, &resource.SyncOpResults{}, nil
}

func collaboratorID(id workatoapi.ID) *v2.ResourceId {
	return v2.ResourceId_builder{ResourceType: collaboratorTypeID, Resource: id.String()}.Build()
}

func collaboratorResource(m workatoapi.Member) (*v2.Resource, error) {
	name := m.Name
	if name == "" {
		name = m.Email
	}
	profile := map[string]interface{}{
		"id":         m.ID.String(),
		"name":       m.Name,
		"email":      m.Email,
		"grant_type": m.GrantType,
		"time_zone":  m.TimeZone,
	}
	if m.ExternalID != nil && *m.ExternalID != "" {
		profile["external_id"] = *m.ExternalID
	}
	for _, r := range m.Roles {
		profile["role_"+r.EnvironmentType] = r.RoleName
	}
	traits := []resource.UserTraitOption{resource.WithAccountType(v2.UserTrait_ACCOUNT_TYPE_HUMAN)}
	if m.Email != "" {
		traits = append(traits, resource.WithEmail(m.Email, true), resource.WithUserLogin(m.Email))
	}
	if m.ExternalID != nil && *m.ExternalID != "" {
		traits = append(traits, resource.WithEmployeeID(*m.ExternalID))
	}
	if m.LastActivityLog != nil && !m.LastActivityLog.CreatedAt.IsZero() {
		traits = append(traits, resource.WithLastLogin(m.LastActivityLog.CreatedAt.Time))
		profile["last_activity_at"] = m.LastActivityLog.CreatedAt.UTC().Format(time.RFC3339)
	}
	opts := []resource.ResourceOption{resource.WithResourceStatus(v2.Status_RESOURCE_STATUS_ENABLED, "")}
	if !m.CreatedAt.IsZero() {
		opts = append(opts, resource.WithResourceCreatedAt(m.CreatedAt.Time))
		profile["created_at"] = m.CreatedAt.UTC().Format(time.RFC3339)
	}
	opts = append(opts, resource.WithResourceProfile(profile))
	r, err := resource.NewUserResource(name, collaboratorResourceType, m.ID.String(), traits, opts...)
	if err != nil {
		return nil, fmt.Errorf("workato: collaborator %s: %w", m.ID, err)
	}
	return r, nil
}
