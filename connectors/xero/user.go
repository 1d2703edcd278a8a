package xero

import (
	"context"
	"fmt"
	"strings"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/resource"

	"github.com/accessgov/baton-connectors/connectors/xero/internal/xeroapi"
)

// userSyncer lists the users of one organisation. A user is an account in
// one organisation: Xero gives the same person a separate UserID, role,
// status and subscriber flag in each organisation, so the account ID is
// "<tenant ID>/<user ID>" and accounts of one person share their email.
type userSyncer struct{ tenants *tenants }

func newUserSyncer(t *tenants) *userSyncer { return &userSyncer{tenants: t} }

func (s *userSyncer) ResourceType(context.Context) *v2.ResourceType { return userResourceType }

// List lists a page of organisations' users (pages.go).
func (s *userSyncer) List(ctx context.Context, parent *v2.ResourceId, attrs resource.SyncOpAttrs) ([]*v2.Resource, *resource.SyncOpResults, error) {
	return s.tenants.perOrganisation(ctx, parent, attrs, func(tenantID string, org *v2.ResourceId, users []xeroapi.User) ([]*v2.Resource, error) {
		out := make([]*v2.Resource, 0, len(users))
		for _, u := range users {
			r, err := userResource(tenantID, org, u)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, nil
	})
}

func (s *userSyncer) Entitlements(context.Context, *v2.Resource, resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	return nil, &resource.SyncOpResults{}, nil
}

func (s *userSyncer) Grants(context.Context, *v2.Resource, resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	return nil, &resource.SyncOpResults{}, nil
}

// userResourceID is the ID of a user's account in one organisation.
func userResourceID(tenantID, userID string) *v2.ResourceId {
	return v2.ResourceId_builder{ResourceType: userTypeID, Resource: tenantID + "/" + userID}.Build()
}

func userResource(tenantID string, parent *v2.ResourceId, u xeroapi.User) (*v2.Resource, error) {
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if name == "" {
		name = u.EmailAddress
	}
	if name == "" {
		name = u.UserID
	}
	profile := map[string]interface{}{
		"user_id":           u.UserID,
		"organisation_id":   tenantID,
		"email":             u.EmailAddress,
		"first_name":        u.FirstName,
		"last_name":         u.LastName,
		"organisation_role": u.OrganisationRole,
		"is_subscriber":     u.IsSubscriber,
	}
	if !u.UpdatedDateUTC.IsZero() {
		profile["updated_date_utc"] = u.UpdatedDateUTC.UTC().Format(time.RFC3339)
	}
	traits := []resource.UserTraitOption{
		resource.WithAccountType(v2.UserTrait_ACCOUNT_TYPE_HUMAN),
		resource.WithStructuredName(v2.UserTrait_StructuredName_builder{GivenName: u.FirstName, FamilyName: u.LastName}.Build()),
	}
	if u.EmailAddress != "" {
		traits = append(traits, resource.WithEmail(u.EmailAddress, true), resource.WithUserLogin(u.EmailAddress))
	}
	st, detail := v2.Status_RESOURCE_STATUS_ENABLED, "active user"
	if !u.Active() {
		st, detail = v2.Status_RESOURCE_STATUS_DISABLED, "removed from the organisation"
	}
	r, err := resource.NewUserResource(name, userResourceType, tenantID+"/"+u.UserID, traits,
		resource.WithParentResourceID(parent),
		resource.WithResourceProfile(profile),
		resource.WithResourceStatus(st, detail),
	)
	if err != nil {
		return nil, fmt.Errorf("xero: user %s of tenant %s: %w", u.UserID, tenantID, err)
	}
	return r, nil
}
