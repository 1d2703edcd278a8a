package xero

import (
	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
)

// Resource type IDs. "org", "user" and "role" are the upstream connector's
// IDs, so existing ConductorOne apps keep their history.
const (
	orgTypeID  = "org"
	userTypeID = "user"
	roleTypeID = "role"
)

var (
	// orgResourceType is a Xero organisation (a tenant of type ORGANISATION).
	// It is a group: every active user is a member.
	orgResourceType = v2.ResourceType_builder{
		Id:          orgTypeID,
		DisplayName: "Organization",
		Description: "A Xero organisation connected to the app",
		Traits:      []v2.ResourceType_Trait{v2.ResourceType_TRAIT_GROUP},
		Annotations: typeScoped(),
	}.Build()

	// userResourceType is one user of one organisation. The same person in
	// three organisations is three accounts, joined by email.
	userResourceType = v2.ResourceType_builder{
		Id:          userTypeID,
		DisplayName: "User",
		Description: "A user of one Xero organisation",
		Traits:      []v2.ResourceType_Trait{v2.ResourceType_TRAIT_USER},
		Annotations: annotations.New(&v2.SkipEntitlementsAndGrants{}),
	}.Build()

	// roleResourceType is an organisation role (Standard, Adviser, ...) in
	// one organisation.
	roleResourceType = v2.ResourceType_builder{
		Id:          roleTypeID,
		DisplayName: "Role",
		Description: "A user role in one Xero organisation",
		Traits:      []v2.ResourceType_Trait{v2.ResourceType_TRAIT_ROLE},
		Annotations: typeScoped(),
	}.Build()
)

// typeScoped marks a resource type whose entitlements and grants baton-sdk
// asks for once per type (typescoped.go), not once per resource.
func typeScoped() annotations.Annotations {
	return annotations.New(&v2.TypeScopedEntitlements{}, &v2.TypeScopedGrants{})
}
