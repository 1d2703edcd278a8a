package xero

import (
	"context"
	"fmt"
	"sort"
	"strings"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/entitlement"
	"github.com/conductorone/baton-sdk/pkg/types/grant"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/xero/internal/xeroapi"
)

// assignedEntitlement is the one entitlement of a role: holding it.
const assignedEntitlement = "assigned"

// standardRoles are the organisation roles Xero documents, with the names
// its web app shows. Every organisation gets all six role resources, held
// or not, so a review sees the empty ones too.
var standardRoles = []struct{ value, name string }{
	{xeroapi.RoleReadOnly, "Read only"},
	{xeroapi.RoleInvoiceOnly, "Invoice only"},
	{xeroapi.RoleStandard, "Standard"},
	{xeroapi.RoleFinancialAdviser, "Adviser"},
	{xeroapi.RoleManagedClient, "Managed client"},
	{xeroapi.RoleCashbookClient, "Cashbook client"},
}

// roleSyncer lists the roles of one organisation and grants each to the
// users who hold it.
type roleSyncer struct{ tenants *tenants }

func newRoleSyncer(t *tenants) *roleSyncer { return &roleSyncer{tenants: t} }

func (s *roleSyncer) ResourceType(context.Context) *v2.ResourceType { return roleResourceType }

// List lists a page of organisations' roles (pages.go): the documented
// ones and any other an active user holds.
func (s *roleSyncer) List(ctx context.Context, parent *v2.ResourceId, attrs resource.SyncOpAttrs) ([]*v2.Resource, *resource.SyncOpResults, error) {
	return s.tenants.perOrganisation(ctx, parent, attrs, func(tenantID string, org *v2.ResourceId, users []xeroapi.User) ([]*v2.Resource, error) {
		roles := rolesOf(users)
		out := make([]*v2.Resource, 0, len(roles))
		for _, role := range roles {
			r, err := roleResource(tenantID, org, role)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		return out, nil
	})
}

// rolesOf returns the six documented roles plus any other role an active
// user holds (a legacy or newly added value), so no access is hidden.
// UNKNOWN and REMOVED are states, not roles.
func rolesOf(users []xeroapi.User) []string {
	out := make([]string, 0, len(standardRoles))
	known := map[string]bool{xeroapi.RoleUnknown: true, xeroapi.RoleRemoved: true, "": true}
	for _, r := range standardRoles {
		out = append(out, r.value)
		known[r.value] = true
	}
	var extra []string
	for _, u := range users {
		role := strings.ToUpper(u.OrganisationRole)
		if !known[role] {
			known[role] = true
			extra = append(extra, role)
		}
	}
	sort.Strings(extra)
	return append(out, extra...)
}

// roleDisplayName is the name Xero's web app shows for a role value.
func roleDisplayName(value string) string {
	for _, r := range standardRoles {
		if r.value == value {
			return r.name
		}
	}
	return strings.ToUpper(value[:1]) + strings.ToLower(value[1:])
}

func roleResource(tenantID string, parent *v2.ResourceId, role string) (*v2.Resource, error) {
	r, err := resource.NewRoleResource(roleDisplayName(role), roleResourceType, tenantID+"/"+role, nil,
		resource.WithParentResourceID(parent),
		resource.WithResourceProfile(map[string]interface{}{
			"organisation_role": role,
			"organisation_id":   tenantID,
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("xero: role %s of tenant %s: %w", role, tenantID, err)
	}
	return r, nil
}

// splitRoleID returns the tenant and the role value of a role resource ID.
func splitRoleID(id string) (tenantID, role string, err error) {
	tenantID, role, ok := strings.Cut(id, "/")
	if !ok || tenantID == "" || role == "" {
		return "", "", status.Errorf(codes.InvalidArgument, "xero: %q is not a role ID (want <tenant ID>/<ROLE>)", id)
	}
	return tenantID, role, nil
}

func (s *roleSyncer) Entitlements(_ context.Context, r *v2.Resource, _ resource.SyncOpAttrs) ([]*v2.Entitlement, *resource.SyncOpResults, error) {
	name := r.GetDisplayName()
	return []*v2.Entitlement{
		entitlement.NewAssignmentEntitlement(r, assignedEntitlement,
			entitlement.WithGrantableTo(userResourceType),
			entitlement.WithDisplayName(name+" role"),
			entitlement.WithDescription("Holds the "+name+" role in the Xero organisation"),
		),
	}, &resource.SyncOpResults{}, nil
}

func (s *roleSyncer) Grants(ctx context.Context, r *v2.Resource, attrs resource.SyncOpAttrs) ([]*v2.Grant, *resource.SyncOpResults, error) {
	tenantID, role, err := splitRoleID(r.GetId().GetResource())
	if err != nil {
		return nil, nil, err
	}
	users, err := s.tenants.usersOf(ctx, attrs.SyncID, tenantID)
	if err != nil {
		return nil, nil, err
	}
	out := roleGrants(r, tenantID, role, users)
	s.tenants.usedUsers(attrs.SyncID, tenantID, users)
	return out, &resource.SyncOpResults{}, nil
}

// roleGrants grants the role resource r to the active users holding role.
func roleGrants(r *v2.Resource, tenantID, role string, users []xeroapi.User) []*v2.Grant {
	var out []*v2.Grant
	for _, u := range users {
		if u.Active() && strings.EqualFold(u.OrganisationRole, role) {
			out = append(out, grant.NewGrant(r, assignedEntitlement, userResourceID(tenantID, u.UserID)))
		}
	}
	return out
}

// roleStub is a role resource as the type-scoped calls name it: its ID,
// display name and organisation, which is all its entitlement and grants
// use.
func roleStub(tenantID, role string) *v2.Resource {
	return v2.Resource_builder{
		Id:               v2.ResourceId_builder{ResourceType: roleTypeID, Resource: tenantID + "/" + role}.Build(),
		DisplayName:      roleDisplayName(role),
		ParentResourceId: v2.ResourceId_builder{ResourceType: orgTypeID, Resource: tenantID}.Build(),
	}.Build()
}
