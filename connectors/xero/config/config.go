// Package config declares baton-xero's configuration fields. Every field is
// a flag and a BATON_* environment variable; the names of the upstream
// connector are kept so existing Kubernetes Secrets keep working.
// conf.gen.go is generated from these fields by `go generate`.
package config

import (
	"github.com/conductorone/baton-sdk/pkg/field"
)

//go:generate go run ./gen

var (
	// ClientIDField is the client ID of the Xero app (Web app or Custom Connection).
	ClientIDField = field.StringField("xero-client-id",
		field.WithDisplayName("Client ID"),
		field.WithDescription("Client ID of the Xero app: a Web app (with --refresh-token or a token store) or a Custom Connection"))
	// ClientSecretField is the app's client secret.
	ClientSecretField = field.StringField("xero-client-secret",
		field.WithDisplayName("Client secret"),
		field.WithDescription("Client secret of the Xero app"),
		field.WithIsSecret(true))
	// ClientSecretFileField reads the client secret from a file (a mounted Kubernetes Secret).
	ClientSecretFileField = field.StringField("xero-client-secret-file",
		field.WithDisplayName("Client secret file"),
		field.WithDescription("File holding the client secret, instead of --xero-client-secret"),
		field.WithExportTarget(field.ExportTargetCLIOnly))
	// RefreshTokenField seeds the Web-app refresh-token flow.
	RefreshTokenField = field.StringField("refresh-token",
		field.WithDisplayName("Refresh token"),
		field.WithDescription("Refresh token of a Web app authorisation (first run only: Xero rotates it on every use and the newest one is kept in --xero-token-store)"),
		field.WithIsSecret(true))
	// RefreshTokenFileField reads the initial refresh token from a file.
	RefreshTokenFileField = field.StringField("refresh-token-file",
		field.WithDisplayName("Refresh token file"),
		field.WithDescription("File holding the initial refresh token, instead of --refresh-token"),
		field.WithExportTarget(field.ExportTargetCLIOnly))
	// TokenField is a static access token, for quick tries (it expires after 30 minutes).
	TokenField = field.StringField("token",
		field.WithDisplayName("Access token"),
		field.WithDescription("A Xero access token used as is, for quick tries: it expires after 30 minutes and is never renewed"),
		field.WithIsSecret(true))
	// TokenFileField reads the static access token from a file.
	TokenFileField = field.StringField("token-file",
		field.WithDisplayName("Access token file"),
		field.WithDescription("File holding a static access token, instead of --token"),
		field.WithExportTarget(field.ExportTargetCLIOnly))
	// TokenStoreField is where the rotating refresh token is kept.
	TokenStoreField = field.StringField("xero-token-store",
		field.WithDisplayName("Token store"),
		field.WithDescription("File where the newest refresh token is kept between runs (mode 0600; put it on a persistent volume). "+
			"Default: baton-xero/token.json in the user's config directory"),
		field.WithExportTarget(field.ExportTargetCLIOnly))
	// TenantIDsField limits the sync to some organisations.
	TenantIDsField = field.StringSliceField("xero-tenant-ids",
		field.WithDisplayName("Tenant IDs"),
		field.WithDescription("Only sync these organisations (tenant IDs from /connections); default: every connected organisation"))
	// RequireAllOrganisationsField makes an unreachable organisation fail
	// the sync instead of being skipped with a warning.
	RequireAllOrganisationsField = field.BoolField("xero-require-all-organisations",
		field.WithDisplayName("Require all organisations"),
		field.WithDescription("Fail the sync when a connected organisation cannot be read (403 or 404: disconnected, subscription ended) "+
			"instead of skipping it with a warning"))
	// ScopesField overrides the OAuth2 scopes requested.
	ScopesField = field.StringSliceField("xero-scopes",
		field.WithDisplayName("Scopes"),
		field.WithDescription("OAuth2 scopes to request instead of the default accounting.settings.read (plus offline_access for login)"),
		field.WithExportTarget(field.ExportTargetCLIOnly))
	// APIURLField points the connector at another API host (tests, demo).
	APIURLField = field.StringField("xero-api-url",
		field.WithDescription("Base URL of the Xero API (tests and demo only; plain http only to loopback)"),
		field.WithHidden(true),
		field.WithExportTarget(field.ExportTargetCLIOnly))
	// IdentityURLField points the connector at another identity host (tests, demo).
	IdentityURLField = field.StringField("xero-identity-url",
		field.WithDescription("Base URL of the Xero identity service (tests and demo only; plain http only to loopback)"),
		field.WithHidden(true),
		field.WithExportTarget(field.ExportTargetCLIOnly))
)

// Fields lists every field of the connector.
var Fields = []field.SchemaField{
	ClientIDField,
	ClientSecretField,
	ClientSecretFileField,
	RefreshTokenField,
	RefreshTokenFileField,
	TokenField,
	TokenFileField,
	TokenStoreField,
	TenantIDsField,
	RequireAllOrganisationsField,
	ScopesField,
	APIURLField,
	IdentityURLField,
}

// Config is the connector's configuration schema. Which combinations of
// credentials are valid is checked by the connector before any network
// call, with messages that say what to set.
var Config = field.NewConfiguration(
	Fields,
	field.WithConnectorDisplayName("Xero"),
	field.WithHelpUrl("/docs/baton/xero"),
	field.WithConstraints(
		field.FieldsMutuallyExclusive(ClientSecretField, ClientSecretFileField),
		field.FieldsMutuallyExclusive(RefreshTokenField, RefreshTokenFileField),
		field.FieldsMutuallyExclusive(TokenField, TokenFileField),
	),
)
