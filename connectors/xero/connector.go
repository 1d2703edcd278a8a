package xero

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/cli"
	"github.com/conductorone/baton-sdk/pkg/connectorbuilder"
	"github.com/grpc-ecosystem/go-grpc-middleware/logging/zap/ctxzap"
	"go.uber.org/zap"

	"github.com/accessgov/baton-connectors/connectors/xero/config"
	"github.com/accessgov/baton-connectors/connectors/xero/internal/xeroapi"
	"github.com/accessgov/baton-connectors/connectors/xero/internal/xeroauth"
	"github.com/accessgov/baton-connectors/internal/baseurl"
	"github.com/accessgov/baton-connectors/internal/connector"
	"github.com/accessgov/baton-connectors/internal/creds"
	"github.com/accessgov/baton-connectors/internal/httpx"
	"github.com/accessgov/baton-connectors/internal/ratelimit"
)

// Name is the connector's binary and service name.
const Name = "baton-xero"

// Limits are Xero's published API limits, kept client-side so a healthy
// sync is never answered 429: per organisation (app + tenant) 60 calls a
// minute and 5 at once; per app 10,000 a minute. The daily limit (5,000, or
// 1,000 on the Starter tier) is not paced: a sync costs 2 calls per
// organisation, and a daily-limit 429 stops the run with a clear message.
var Limits = map[string]ratelimit.Policy{
	xeroapi.LimitTenant: {Limit: 60, Window: time.Minute, MaxInFlight: 5},
	xeroapi.LimitApp:    {Limit: 10000, Window: time.Minute},
}

// quotaHeaders are the remaining-quota headers Xero sends on every answer.
var quotaHeaders = []httpx.QuotaHeader{
	{Header: "X-MinLimit-Remaining", Class: xeroapi.LimitTenant},
	{Header: "X-AppMinLimit-Remaining", Class: xeroapi.LimitApp},
}

// Connector is the Xero connector. The zero value serves `capabilities`.
type Connector struct {
	tenants *tenants
	log     *zap.Logger
}

var _ connectorbuilder.ConnectorBuilderV2 = (*Connector)(nil)

// NewConnector returns the constructor baton-sdk calls with the parsed
// configuration. version goes into the User-Agent.
func NewConnector(version string) cli.NewConnector[*config.Xero] {
	return connector.Constructor(version, New)
}

// Settings is the configuration after secrets were read and checked: what
// the connector and `baton-xero login` need.
type Settings struct {
	Auth        xeroauth.Config
	Mode        xeroauth.Mode
	APIURL      string
	IdentityURL string
	TenantIDs   []string
	// RequireAll makes an unreachable organisation fail the sync.
	RequireAll bool
}

// Resolve reads the secrets (flag, BATON_* variable or file) and checks the
// combination, without any network call.
func Resolve(cfg *config.Xero) (*Settings, error) {
	secret, err := creds.Secret(creds.Source{Name: "xero-client-secret", Value: cfg.XeroClientSecret, File: cfg.XeroClientSecretFile})
	if err != nil {
		return nil, invalid(err)
	}
	refresh, err := creds.Secret(creds.Source{Name: "refresh-token", Value: cfg.RefreshToken, File: cfg.RefreshTokenFile})
	if err != nil {
		return nil, invalid(err)
	}
	token, err := creds.Secret(creds.Source{Name: "token", Value: cfg.Token, File: cfg.TokenFile})
	if err != nil {
		return nil, invalid(err)
	}
	s := &Settings{APIURL: xeroapi.DefaultBaseURL, TenantIDs: cfg.XeroTenantIds, RequireAll: cfg.XeroRequireAllOrganisations}
	if cfg.XeroApiUrl != "" {
		if s.APIURL, err = baseurl.Parse("xero-api-url", cfg.XeroApiUrl); err != nil {
			return nil, invalid(err)
		}
	}
	tokenURL := xeroauth.DefaultTokenURL
	if cfg.XeroIdentityUrl != "" {
		if s.IdentityURL, err = baseurl.Parse("xero-identity-url", cfg.XeroIdentityUrl); err != nil {
			return nil, invalid(err)
		}
		tokenURL = s.IdentityURL + "/connect/token"
	}
	store := cfg.XeroTokenStore
	if store == "" {
		store, err = DefaultTokenStore()
		if err != nil && token == "" {
			return nil, invalid(err)
		}
	}
	s.Auth = xeroauth.Config{
		ClientID:     cfg.XeroClientId,
		ClientSecret: secret,
		RefreshToken: refresh,
		AccessToken:  token,
		TokenFile:    store,
		Scopes:       cfg.XeroScopes,
		TokenURL:     tokenURL,
	}
	if s.Mode, err = s.Auth.Mode(); err != nil {
		return nil, invalid(err)
	}
	return s, nil
}

// DefaultTokenStore is where rotated refresh tokens are kept when
// --xero-token-store is not set.
func DefaultTokenStore() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no default token store (%w): set --xero-token-store (BATON_XERO_TOKEN_STORE)", err)
	}
	return filepath.Join(dir, "baton-xero", "token.json"), nil
}

func invalid(err error) error { return connector.Invalid("xero", err) }

// New builds the connector. It makes no network call: tokens are fetched
// when the first request needs one.
func New(ctx context.Context, cfg *config.Xero, version string) (*Connector, error) {
	log := ctxzap.Extract(ctx)
	s, err := Resolve(cfg)
	if err != nil {
		return nil, err
	}
	userAgent := Name + "/" + version
	tokenHTTP := httpx.New(httpx.Options{Service: "xero", UserAgent: userAgent, Logger: log})
	s.Auth.HTTPClient = tokenHTTP.StandardClient(httpx.RetryPOST) // Xero accepts a lost refresh for 30 minutes
	s.Auth.Logger = log
	ts, err := xeroauth.NewTokenSource(ctx, s.Auth)
	if err != nil {
		return nil, invalid(err)
	}
	apiHTTP := httpx.New(httpx.Options{
		Service:      "xero",
		UserAgent:    userAgent,
		TokenSource:  ts,
		Limiter:      ratelimit.New(Limits),
		QuotaHeaders: quotaHeaders,
		LimitHeader:  "X-Rate-Limit-Problem",
		Logger:       log,
	})
	log.Info("xero: connector configured", zap.Stringer("auth_mode", s.Mode), zap.Int("tenant_allow_list", len(s.TenantIDs)), zap.Bool("require_all_organisations", s.RequireAll))
	return &Connector{tenants: newTenants(xeroapi.New(apiHTTP, s.APIURL), s.TenantIDs, s.RequireAll, log), log: log}, nil
}

// ResourceSyncers returns one syncer per resource type.
func (c *Connector) ResourceSyncers(context.Context) []connectorbuilder.ResourceSyncerV2 {
	return []connectorbuilder.ResourceSyncerV2{
		newOrgSyncer(c.tenants),
		newUserSyncer(c.tenants),
		newRoleSyncer(c.tenants),
	}
}

// Metadata describes the connector.
func (c *Connector) Metadata(context.Context) (*v2.ConnectorMetadata, error) {
	return v2.ConnectorMetadata_builder{
		DisplayName: "Xero",
		Description: "Syncs every connected Xero organisation with its users and their roles (read-only).",
	}.Build(), nil
}

// Validate checks the credentials with one call to /connections, whose
// answer the sync then reuses.
func (c *Connector) Validate(ctx context.Context) (annotations.Annotations, error) {
	if c.tenants == nil {
		return nil, errors.New("xero: connector is not configured")
	}
	if err := c.tenants.validate(ctx); err != nil {
		return nil, err
	}
	return nil, nil
}

// Close cancels the reads of the sync in progress and waits for them, so
// nothing outlives the connector (baton-sdk calls it on shutdown).
func (c *Connector) Close(context.Context) error {
	if c.tenants != nil {
		c.tenants.close()
	}
	return nil
}
