package workato

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/cli"
	sdkconfig "github.com/conductorone/baton-sdk/pkg/config"
	"github.com/conductorone/baton-sdk/pkg/connectorbuilder"
	"github.com/conductorone/baton-sdk/pkg/connectorrunner"
	"github.com/grpc-ecosystem/go-grpc-middleware/logging/zap/ctxzap"
	"go.uber.org/zap"
	"golang.org/x/oauth2"

	"github.com/accessgov/baton-connectors/connectors/workato/config"
	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
	"github.com/accessgov/baton-connectors/internal/baseurl"
	"github.com/accessgov/baton-connectors/internal/connector"
	"github.com/accessgov/baton-connectors/internal/creds"
	"github.com/accessgov/baton-connectors/internal/httpx"
	"github.com/accessgov/baton-connectors/internal/ratelimit"
)

// Name is the connector's binary and service name.
const Name = "baton-workato"

// Environments an API client can belong to.
var environments = []string{workatoapi.EnvDev, workatoapi.EnvTest, workatoapi.EnvProd}

// DefaultRequestsPerMinute is Workato's documented limit per endpoint group.
const DefaultRequestsPerMinute = 60

// Limits returns the client-side rate limits: perMinute requests per window
// for each endpoint group, so a healthy sync is never answered 429.
func Limits(perMinute int, window time.Duration) map[string]ratelimit.Policy {
	out := make(map[string]ratelimit.Policy, len(workatoapi.Groups))
	for _, g := range workatoapi.Groups {
		out[g] = ratelimit.Policy{Limit: perMinute, Window: window}
	}
	return out
}

// Main runs baton-workato with the process arguments.
func Main(ctx context.Context, version string) {
	sdkconfig.RunConnector(ctx, Name, version, config.Config, NewConnector(version),
		connectorrunner.WithDefaultCapabilitiesConnectorBuilderV2(&Connector{}))
}

// Connector is the Workato connector. The zero value serves `capabilities`.
type Connector struct {
	envs []envClient // dev (or the main token's environment) first
	ws   *workspace
	prov *provisioner
	log  *zap.Logger
}

var _ connectorbuilder.ConnectorBuilderV2 = (*Connector)(nil)

// NewConnector returns the constructor baton-sdk calls with the parsed
// configuration. version goes into the User-Agent.
func NewConnector(version string) cli.NewConnector[*config.Workato] {
	return connector.Constructor(version, New)
}

// Settings is the checked configuration.
type Settings struct {
	Token             string // the main (collaborator) token, of environment Env
	BaseURL           string
	DataCenter        string
	Env               string
	DisableCustom     bool
	RequestsPerMinute int
	RateWindow        time.Duration
	// Tokens lists every environment's token, the main one first, then
	// test, prod and custom environments in the order given.
	Tokens []EnvToken
}

// EnvToken is the token of one environment's API client and the flag it
// came from (for messages; never the token itself).
type EnvToken struct {
	Env, Token, Flag string
}

// Resolve reads the tokens and checks every value, without a network call.
func Resolve(cfg *config.Workato) (*Settings, error) {
	token, err := creds.Secret(creds.Source{Name: "workato-api-key", Value: cfg.WorkatoApiKey, File: cfg.WorkatoApiKeyFile, Required: true})
	if err != nil {
		return nil, invalid(err)
	}
	s := &Settings{Token: token, DisableCustom: cfg.DisableCustomRolesSync, RequestsPerMinute: cfg.WorkatoRequestsPerMinute, RateWindow: time.Minute}
	s.DataCenter = strings.ToLower(strings.TrimSpace(cfg.WorkatoDataCenter))
	if s.DataCenter == "" {
		s.DataCenter = "us"
	}
	if s.BaseURL, err = workatoapi.BaseURL(s.DataCenter); err != nil {
		return nil, invalid(fmt.Errorf("--workato-data-center: %w", err))
	}
	if cfg.WorkatoBaseUrl != "" {
		if s.BaseURL, err = baseurl.Parse("workato-base-url", cfg.WorkatoBaseUrl); err != nil {
			return nil, invalid(err)
		}
	}
	s.Env = strings.ToLower(strings.TrimSpace(cfg.WorkatoEnv))
	if s.Env == "" {
		s.Env = workatoapi.EnvDev
	}
	if !slices.Contains(environments, s.Env) {
		return nil, invalid(fmt.Errorf("--workato-env: unknown environment %q: use one of %s", cfg.WorkatoEnv, strings.Join(environments, ", ")))
	}
	if s.Tokens, err = resolveEnvTokens(cfg, EnvToken{Env: s.Env, Token: token, Flag: "--workato-api-key (environment " + s.Env + " from --workato-env)"}); err != nil {
		return nil, invalid(err)
	}
	if s.RequestsPerMinute == 0 {
		s.RequestsPerMinute = DefaultRequestsPerMinute
	}
	if s.RequestsPerMinute < 1 || s.RequestsPerMinute > 10000 {
		return nil, invalid(fmt.Errorf("--workato-requests-per-minute: %d is out of range 1..10000", s.RequestsPerMinute))
	}
	if w := cfg.WorkatoRateLimitWindow; w != "" {
		if s.RateWindow, err = time.ParseDuration(w); err != nil || s.RateWindow <= 0 {
			return nil, invalid(fmt.Errorf("--workato-rate-limit-window: %q is not a positive duration", w))
		}
	}
	return s, nil
}

func invalid(err error) error { return connector.Invalid("workato", err) }

// New builds the connector. It makes no network call.
func New(ctx context.Context, cfg *config.Workato, version string) (*Connector, error) {
	log := ctxzap.Extract(ctx)
	s, err := Resolve(cfg)
	if err != nil {
		return nil, err
	}
	if s.Env != workatoapi.EnvDev {
		log.Warn("workato: collaborator endpoints answer only API clients with DEV access; a sync with a " + s.Env + " client will be refused (403)")
	}
	// Workato's limits are per workspace (reference §2.2): every
	// environment's client counts against the same quotas, so they share
	// one limiter.
	limiter := ratelimit.New(Limits(s.RequestsPerMinute, s.RateWindow))
	envs := make([]envClient, 0, len(s.Tokens))
	names := make([]string, 0, len(s.Tokens))
	for i, t := range s.Tokens {
		h := httpx.New(httpx.Options{
			Service:     "workato",
			UserAgent:   Name + "/" + version,
			Timeout:     45 * time.Second, // Workato ends every request at 40 s
			TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: t.Token, TokenType: "Bearer"}),
			Limiter:     limiter,
			Logger:      log,
		})
		flag := t.Flag
		if i == 0 {
			flag = workatoapi.DefaultTokenFlag // the main token, whichever environment it is for
		}
		envs = append(envs, envClient{Env: t.Env, API: workatoapi.New(h, s.BaseURL, workatoapi.TokenFlag(flag))})
		names = append(names, t.Env)
	}
	log.Info("workato: connector configured", zap.String("data_center", s.DataCenter), zap.Strings("environments", names),
		zap.Bool("custom_roles", !s.DisableCustom))
	ws := newWorkspace(envs, log, s.DisableCustom)
	return &Connector{envs: envs, ws: ws, prov: newProvisioner(envs, log), log: log}, nil
}

// ResourceSyncers returns one syncer per resource type.
func (c *Connector) ResourceSyncers(context.Context) []connectorbuilder.ResourceSyncerV2 {
	return []connectorbuilder.ResourceSyncerV2{
		&collaboratorSyncer{ws: c.ws, prov: c.prov},
		&roleSyncer{ws: c.ws, prov: c.prov},
		&privilegeSyncer{ws: c.ws},
		&groupSyncer{ws: c.ws, prov: c.prov},
		&projectSyncer{ws: c.ws, prov: c.prov},
		&folderSyncer{ws: c.ws},
		&apiClientSyncer{ws: c.ws},
		&clientRoleSyncer{ws: c.ws},
	}
}

// Metadata describes the connector.
func (c *Connector) Metadata(context.Context) (*v2.ConnectorMetadata, error) {
	return v2.ConnectorMetadata_builder{
		DisplayName: "Workato",
		Description: "Syncs a Workato workspace's collaborators, collaborator groups, roles per environment, privileges, " +
			"projects and folders of every environment with a token, API clients and client roles.",
	}.Build(), nil
}

// Validate checks the token with one call to GET /api/members, whose answer
// the sync then reuses.
func (c *Connector) Validate(ctx context.Context) (annotations.Annotations, error) {
	if c.ws == nil {
		return nil, errors.New("workato: connector is not configured")
	}
	return nil, c.ws.validate(ctx)
}
