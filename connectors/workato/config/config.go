// Package config declares baton-workato's configuration fields. Every field
// is a flag and a BATON_* environment variable; the names of the upstream
// connector are kept so existing Kubernetes Secrets keep working.
// conf.gen.go is generated from these fields by `go generate`.
package config

import (
	"github.com/conductorone/baton-sdk/pkg/field"
)

//go:generate go run ./gen

var (
	// APIKeyField is the token of a Workato API client.
	APIKeyField = field.StringField("workato-api-key",
		field.WithDisplayName("API token"),
		field.WithDescription("Token of a Workato API client (Workspace admin > API clients)"),
		field.WithIsSecret(true))
	// APIKeyFileField reads the token from a file (a mounted Kubernetes Secret).
	APIKeyFileField = field.StringField("workato-api-key-file",
		field.WithDisplayName("API token file"),
		field.WithDescription("File holding the API token, instead of --workato-api-key"),
		field.WithExportTarget(field.ExportTargetCLIOnly))
	// TestAPIKeyField is the token of an API client of the TEST environment:
	// its projects, folder trees, project grants and API clients are synced.
	TestAPIKeyField = field.StringField("workato-test-api-key",
		field.WithDisplayName("TEST API token"),
		field.WithDescription("Token of an API client of the TEST environment (optional): that environment's projects, folders, project grants and API clients are synced too"),
		field.WithIsSecret(true))
	// TestAPIKeyFileField reads the TEST token from a file.
	TestAPIKeyFileField = field.StringField("workato-test-api-key-file",
		field.WithDisplayName("TEST API token file"),
		field.WithDescription("File holding the TEST API token, instead of --workato-test-api-key"),
		field.WithExportTarget(field.ExportTargetCLIOnly))
	// ProdAPIKeyField is the token of an API client of the PROD environment.
	ProdAPIKeyField = field.StringField("workato-prod-api-key",
		field.WithDisplayName("PROD API token"),
		field.WithDescription("Token of an API client of the PROD environment (optional): that environment's projects, folders, project grants and API clients are synced too"),
		field.WithIsSecret(true))
	// ProdAPIKeyFileField reads the PROD token from a file.
	ProdAPIKeyFileField = field.StringField("workato-prod-api-key-file",
		field.WithDisplayName("PROD API token file"),
		field.WithDescription("File holding the PROD API token, instead of --workato-prod-api-key"),
		field.WithExportTarget(field.ExportTargetCLIOnly))
	// EnvAPIKeysField gives tokens of environments with custom names.
	EnvAPIKeysField = field.StringField("workato-env-api-keys",
		field.WithDisplayName("Tokens of other environments"),
		field.WithDescription("Tokens of API clients of environments with custom names, as env=token,env=token (names: lower-case letters, digits and -)"),
		field.WithIsSecret(true))
	// EnvAPIKeyFilesField reads tokens of custom environments from files.
	EnvAPIKeyFilesField = field.StringField("workato-env-api-key-files",
		field.WithDisplayName("Token files of other environments"),
		field.WithDescription("Files holding tokens of API clients of environments with custom names, as env=path,env=path"),
		field.WithExportTarget(field.ExportTargetCLIOnly))
	// DataCenterField selects the API host.
	DataCenterField = field.StringField("workato-data-center",
		field.WithDisplayName("Data center"),
		field.WithDescription("Workato data center of the workspace: us, eu, jp, sg, au, il, kr, cn, uk or trial (the host of your Workato URL)"),
		field.WithDefaultValue("us"))
	// EnvField names the environment the API client belongs to.
	EnvField = field.StringField("workato-env",
		field.WithDisplayName("Environment"),
		field.WithDescription("Environment of the API client (dev, test or prod): the folders and projects synced are those this client can see; "+
			"role assignments are synced for every environment. Collaborator endpoints answer only DEV clients. Workspaces without environments use dev"),
		field.WithDefaultValue("dev"))
	// DisableCustomRolesField skips legacy custom roles.
	DisableCustomRolesField = field.BoolField("disable-custom-roles-sync",
		field.WithDisplayName("Disable custom roles sync"),
		field.WithDescription("Do not sync legacy custom roles (GET /api/roles) or their assignments"))
	// RequestsPerMinuteField is Workato's per-endpoint-group limit.
	RequestsPerMinuteField = field.IntField("workato-requests-per-minute",
		field.WithDisplayName("Requests per minute"),
		field.WithDescription("Requests a minute the connector allows itself per endpoint group (Workato's default limit is 60; raise it only if Workato raised yours)"),
		field.WithDefaultValue(60),
		field.WithExportTarget(field.ExportTargetCLIOnly))
	// BaseURLField points the connector at another API host (tests, demo).
	BaseURLField = field.StringField("workato-base-url",
		field.WithDescription("Base URL of the Workato API instead of the data center's (tests and demo only; plain http only to loopback)"),
		field.WithHidden(true),
		field.WithExportTarget(field.ExportTargetCLIOnly))
	// RateWindowField shortens the rate-limit minute (tests and benchmarks).
	RateWindowField = field.StringField("workato-rate-limit-window",
		field.WithDescription("Length of the rate-limit minute, as a Go duration (tests and benchmarks against a scaled-down fake only)"),
		field.WithHidden(true),
		field.WithExportTarget(field.ExportTargetCLIOnly))
)

// Fields lists every field of the connector.
var Fields = []field.SchemaField{
	APIKeyField,
	APIKeyFileField,
	TestAPIKeyField,
	TestAPIKeyFileField,
	ProdAPIKeyField,
	ProdAPIKeyFileField,
	EnvAPIKeysField,
	EnvAPIKeyFilesField,
	DataCenterField,
	EnvField,
	DisableCustomRolesField,
	RequestsPerMinuteField,
	BaseURLField,
	RateWindowField,
}

// Config is the connector's configuration schema.
var Config = field.NewConfiguration(
	Fields,
	field.WithConnectorDisplayName("Workato"),
	field.WithHelpUrl("/docs/baton/workato"),
	field.WithConstraints(
		field.FieldsMutuallyExclusive(APIKeyField, APIKeyFileField),
		field.FieldsMutuallyExclusive(TestAPIKeyField, TestAPIKeyFileField),
		field.FieldsMutuallyExclusive(ProdAPIKeyField, ProdAPIKeyFileField),
	),
)
