package workato

import (
	"context"
	"fmt"
	"strings"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
)

// apiClientSyncer lists developer API clients of every environment with a
// token: read only. Their client role and folder scope are grants on the
// client_role and folder resources; the token is never read.
type apiClientSyncer struct{ ws *workspace }

func (s *apiClientSyncer) ResourceType(context.Context) *v2.ResourceType {
	return apiClientResourceType
}

func (s *apiClientSyncer) List(ctx context.Context, parent *v2.ResourceId, attrs resource.SyncOpAttrs) ([]*v2.Resource, *resource.SyncOpResults, error) {
	if parent != nil {
		return nil, &resource.SyncOpResults{}, nil
	}
	m, err := s.ws.get(ctx, attrs.SyncID)
	if err != nil {
		return nil, nil, err
	}
	out := make([]*v2.Resource, 0, len(m.APIClients))
	for _, c := range m.APIClients {
		r, err := apiClientResource(c)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, r)
	}
	return out, &resource.SyncOpResults{}, nil
}

func apiClientResource(c *apiClient) (*v2.Resource, error) {
	ids := make([]string, len(c.C.FolderIDs))
	for i, id := range c.C.FolderIDs {
		ids[i] = id.String()
	}
	profile := map[string]interface{}{
		"id":            c.C.ID.String(),
		"name":          c.C.Name,
		"environment":   c.Env,
		"all_folders":   c.C.AllFolders,
		"folder_ids":    strings.Join(ids, ","),
		"ip_allow_list": strings.Join(c.C.IPAllowList, ","),
	}
	if hasClientRole(c.C) {
		profile["client_role_id"] = c.C.RoleID.String()
	}
	if !c.C.TokenUpdatedAt.IsZero() {
		profile["token_updated_at"] = c.C.TokenUpdatedAt.UTC().Format(time.RFC3339)
	}
	opts := []resource.ResourceOption{resource.WithResourceStatus(v2.Status_RESOURCE_STATUS_ENABLED, "")}
	if !c.C.CreatedAt.IsZero() {
		profile["created_at"] = c.C.CreatedAt.UTC().Format(time.RFC3339)
		opts = append(opts, resource.WithResourceCreatedAt(c.C.CreatedAt.Time))
	}
	opts = append(opts, resource.WithResourceProfile(profile))
	name := c.C.Name
	if name == "" {
		name = "API client " + c.C.ID.String()
	}
	r, err := resource.NewUserResource(name, apiClientResourceType, c.RID,
		[]resource.UserTraitOption{resource.WithAccountType(v2.UserTrait_ACCOUNT_TYPE_SERVICE)}, opts...)
	if err != nil {
		return nil, fmt.Errorf("workato: API client %s: %w", c.RID, err)
	}
	return r, nil
}

func (s *apiClientSyncer) Entitlements(context.Context, *v2.Resource, resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	return nil, &resource.SyncOpResults{}, nil
}

func (s *apiClientSyncer) Grants(context.Context, *v2.Resource, resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	return nil, &resource.SyncOpResults{}, nil
}
