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
	}.Build()

	// privilegeResourceType is one action on one section ("Recipes:run").
	privilegeResourceType = v2.ResourceType_builder{
		Id:          privilegeTypeID,
		DisplayName: "Privilege",
		Description: "One action on one section of Workato, held per environment",
	}.Build()

	// projectResourceType is a project; its root folder is its child.
	projectResourceType = v2.ResourceType_builder{
		Id:          projectTypeID,
		DisplayName: "Project",
		Description: "A Workato project",
	}.Build()

	// folderResourceType is a folder: a project's root folder or a nested one.
	folderResourceType = v2.ResourceType_builder{
		Id:          folderTypeID,
		DisplayName: "Folder",
		Description: "A Workato folder (a project's root folder or a folder inside it)",
	}.Build()
)
