package workato

import (
	"context"
	"fmt"
	"strings"
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
		r, err := collaboratorResource(mem, m.LastLogins[mem.ID])
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

// collaboratorResource is a collaborator; logins are their newest sign-in
// per environment from the activity log (nil if none was read).
func collaboratorResource(m workatoapi.Member, logins map[string]time.Time) (*v2.Resource, error) {
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
		profile["last_activity_at"] = m.LastActivityLog.CreatedAt.UTC().Format(time.RFC3339)
	}
	for env, t := range logins {
		profile["last_login_"+env] = t.UTC().Format(time.RFC3339)
	}
	if t, ok := lastLogin(m, logins); ok {
		traits = append(traits, resource.WithLastLogin(t))
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

// lastLogin is a collaborator's last sign-in: the newest the activity log
// reports in any environment, else last_activity_log only when it is a
// sign-in (it is the latest activity of any kind; reference §2.8).
func lastLogin(m workatoapi.Member, logins map[string]time.Time) (time.Time, bool) {
	var newest time.Time
	for _, t := range logins {
		if t.After(newest) {
			newest = t
		}
	}
	if !newest.IsZero() {
		return newest, true
	}
	if a := m.LastActivityLog; a != nil && !a.CreatedAt.IsZero() && strings.EqualFold(a.EventType, loginEvent) {
		return a.CreatedAt.Time, true
	}
	return time.Time{}, false
}

// loginEvent is the activity-log event type of a sign-in.
const loginEvent = "user_login"
