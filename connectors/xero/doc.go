// Package xero is the baton connector for Xero. It syncs every connected
// organisation (tenant of type ORGANISATION) with its users and the role
// each user holds there, so that an access review shows who can do what in
// each organisation. It is read-only: Xero's API cannot change users.
//
// Layout: connector.go wires configuration, auth and the API client;
// resource_types.go declares the three resource types; organization.go,
// user.go and role.go hold one syncer each; tenants.go caches what one sync
// has read so every endpoint is called once per organisation.
package xero
