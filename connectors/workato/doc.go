// Package workato is the baton connector for Workato. It syncs a
// workspace's complete access graph: collaborators, roles (legacy system and
// custom roles, or RBAC 2.0 environment and project roles), the privileges
// each role includes and each collaborator holds per environment, and the
// project and folder hierarchy with the access roles and collaborators hold
// on it.
//
// Layout: connector.go wires configuration and the API client;
// resource_types.go declares the resource types; collaborator.go, role.go,
// privilege.go, project.go and folder.go hold one syncer each; model.go
// reads the workspace once per sync and derives every grant from it.
package workato
