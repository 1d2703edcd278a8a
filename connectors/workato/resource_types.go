package workato

import (
	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
)

// Resource type IDs, as upstream baton-workato named them.
const (
	collaboratorTypeID = "collaborator"
	roleTypeID         = "role"
	privilegeTypeID    = "privilege"
	projectTypeID      = "project"
	folderTypeID       = "folder"
	groupTypeID        = "group"
	apiClientTypeID    = "api_client"
	clientRoleTypeID   = "client_role"
)

var (
	// collaboratorResourceType is a workspace collaborator.
	collaboratorResourceType = v2.ResourceType_builder{
		Id:          collaboratorTypeID,
		DisplayName: "Collaborator",
		Description: "A collaborator of the Workato workspace",
		Traits:      []v2.ResourceType_Trait{v2.ResourceType_TRAIT_USER},
		Annotations: annotations.New(&v2.SkipEntitlementsAndGrants{}),
	}.Build()

	// roleResourceType is a role: legacy system or custom, or RBAC 2.0
	// environment or project role.
	roleResourceType = v2.ResourceType_builder{
		Id:          roleTypeID,
		DisplayName: "Role",
		Description: "A Workato role; holding it is granted per environment",
		Traits:      []v2.ResourceType_Trait{v2.ResourceType_TRAIT_ROLE},
		Annotations: typeScoped(),
	}.Build()

	// privilegeResourceType is one action on one section ("Recipes:run").
	privilegeResourceType = v2.ResourceType_builder{
		Id:          privilegeTypeID,
		DisplayName: "Privilege",
		Description: "One action on one section of Workato, held per environment",
		Annotations: typeScoped(),
	}.Build()

	// projectResourceType is a project of one environment; its root
	// folder is its child.
	projectResourceType = v2.ResourceType_builder{
		Id:          projectTypeID,
		DisplayName: "Project",
		Description: "A Workato project of one environment (DEV projects keep their bare ID, others are <env>:<id>)",
		Annotations: typeScoped(),
	}.Build()

	// groupResourceType is a collaborator group (RBAC 2.0).
	groupResourceType = v2.ResourceType_builder{
		Id:          groupTypeID,
		DisplayName: "Collaborator group",
		Description: "A Workato collaborator group; project roles granted to it apply to every member",
		Traits:      []v2.ResourceType_Trait{v2.ResourceType_TRAIT_GROUP},
		Annotations: typeScoped(),
	}.Build()

	// apiClientResourceType is a developer API client: a machine identity
	// with a client role and a folder scope in one environment. A user
	// trait of account type service, as the SDK models machine accounts;
	// its token is never read.
	apiClientResourceType = v2.ResourceType_builder{
		Id:          apiClientTypeID,
		DisplayName: "API client",
		Description: "A Workato developer API client (a machine identity of one environment); read only",
		Traits:      []v2.ResourceType_Trait{v2.ResourceType_TRAIT_USER},
		Annotations: annotations.New(&v2.SkipEntitlementsAndGrants{}),
	}.Build()

	// clientRoleResourceType is an API client role.
	clientRoleResourceType = v2.ResourceType_builder{
		Id:          clientRoleTypeID,
		DisplayName: "API client role",
		Description: "A Workato API client role (the endpoints an API client may call); read only",
		Traits:      []v2.ResourceType_Trait{v2.ResourceType_TRAIT_ROLE},
		Annotations: typeScoped(),
	}.Build()

	// folderResourceType is a folder: a project's root folder or a nested one.
	folderResourceType = v2.ResourceType_builder{
		Id:          folderTypeID,
		DisplayName: "Folder",
		Description: "A Workato folder of one environment (a project's root folder or a folder inside it)",
		Annotations: typeScoped(),
	}.Build()
)

// typeScoped marks a resource type whose entitlements and grants baton-sdk
// asks for once per type (typescoped.go), not once per resource.
func typeScoped() annotations.Annotations {
	return annotations.New(&v2.TypeScopedEntitlements{}, &v2.TypeScopedGrants{})
}

// Resource IDs of principals.
func roleResourceID(rid string) *v2.ResourceId {
	return v2.ResourceId_builder{ResourceType: roleTypeID, Resource: rid}.Build()
}

func groupResourceID(rid string) *v2.ResourceId {
	return v2.ResourceId_builder{ResourceType: groupTypeID, Resource: rid}.Build()
}

func apiClientResourceID(rid string) *v2.ResourceId {
	return v2.ResourceId_builder{ResourceType: apiClientTypeID, Resource: rid}.Build()
}
