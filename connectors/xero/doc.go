// Package xero is the baton connector for Xero. It syncs every connected
// organisation (tenant of type ORGANISATION) with its users and the role
// each user holds there, so that an access review shows who can do what in
// each organisation. It is read-only: Xero's API cannot change users.
//
// Layout: command.go is the command line (baton-sdk's, plus `login`);
// connector.go wires configuration, auth and the API client;
// resource_types.go declares the three resource types; organization.go,
// user.go and role.go hold one syncer each; tenants.go reads what one sync
// needs once per organisation (internal/syncload); unreachable.go decides
// what happens to an organisation Xero will not serve.
package xero
