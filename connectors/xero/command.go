package xero

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/conductorone/baton-sdk/pkg/cli"
	sdkconfig "github.com/conductorone/baton-sdk/pkg/config"
	"github.com/conductorone/baton-sdk/pkg/connectorbuilder"
	"github.com/conductorone/baton-sdk/pkg/connectorrunner"
	"github.com/conductorone/baton-sdk/pkg/exit"
	"github.com/conductorone/baton-sdk/pkg/types"
	"github.com/spf13/cobra"
	"github.com/spf13/viper"
	"golang.org/x/oauth2"

	"github.com/accessgov/baton-connectors/connectors/xero/config"
	"github.com/accessgov/baton-connectors/connectors/xero/internal/xeroapi"
	"github.com/accessgov/baton-connectors/connectors/xero/internal/xeroauth"
	"github.com/accessgov/baton-connectors/internal/baseurl"
	"github.com/accessgov/baton-connectors/internal/creds"
	"github.com/accessgov/baton-connectors/internal/httpx"
)

// Main runs baton-xero with the process arguments: baton-sdk's command line
// (sync, service mode, capabilities, config) with `login` added as one of
// its subcommands.
func Main(ctx context.Context, version string) {
	run(ctx, version, runConnector(NewConnector(version)))
}

// DefaultWorkers is the sync worker count baton-xero uses when --workers
// is not given (baton-sdk's own default is 1, sequential). baton-sdk
// v0.25.0 lets a connector set it (connectorrunner.WithWorkerCount, which
// a non-zero --workers overrides); `--workers 1` syncs sequentially. Four
// workers let the SDK store one organisation's objects while others are
// read; make bench measures both settings against the SDK floor.
const DefaultWorkers = 4

// run is Main with the connector's constructor given, so the benchmark's
// no-I/O floor runs through the very same command line and defaults.
func run(ctx context.Context, version string, get cli.GetConnectorFunc2[*config.Xero]) {
	v, root, err := sdkconfig.DefineConfigurationV2(ctx, Name, get, config.Config,
		connectorrunner.WithDefaultCapabilitiesConnectorBuilderV2(&Connector{}),
		connectorrunner.WithWorkerCount(DefaultWorkers))
	if err != nil {
		exit.LogExit(err)
		return
	}
	root.Version = version
	login := LoginCommand(v, version)
	root.AddCommand(login)
	ran, err := root.ExecuteC()
	if err != nil && ran == login {
		// Printed once, here (login silences cobra's own printing).
		fmt.Fprintln(os.Stderr, "baton-xero login:", err)
		os.Exit(1)
	}
	if err != nil {
		exit.LogExit(err)
	}
}

// runConnector is what baton-sdk's RunConnector does with a NewConnector:
// build the connector server with the session store the runner provides.
func runConnector(cf cli.NewConnector[*config.Xero]) cli.GetConnectorFunc2[*config.Xero] {
	return func(ctx context.Context, cfg *config.Xero, rt cli.RunTimeOpts) (types.ConnectorServer, error) {
		c, opts, err := cf(ctx, cfg, &cli.ConnectorOpts{
			TokenSource:         rt.TokenSource,
			SelectedAuthMethod:  rt.SelectedAuthMethod,
			SyncResourceTypeIDs: rt.SyncResourceTypeIDs,
			EgressPolicy:        rt.EgressPolicy,
		})
		if err != nil {
			return nil, err
		}
		opts = append(opts, connectorbuilder.WithSessionStore(rt.SessionStore))
		return connectorbuilder.NewConnector(ctx, c, opts...)
	}
}

// Login flag names.
const (
	flagRedirectURI  = "redirect-uri"
	flagListen       = "listen"
	flagTimeout      = "timeout"
	flagAuthorizeURL = "xero-authorize-url"
)

// LoginCommand is `baton-xero login`: it authorises the Web app in a
// browser (authorization code with PKCE), saves the token to the token
// store and lists the organisations now connected. Its values come through
// v, the connector's configuration (flag, then BATON_* variable, then
// config file), so the flags themselves have no defaults from the
// environment and no secret ever appears in usage text.
func LoginCommand(v *viper.Viper, version string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Authorise the Xero Web app in a browser and save the refresh token to the token store",
		Long: `login starts Xero's authorisation-code flow (with PKCE) for a Web app whose redirect URI is
https://localhost:8080. Open the printed URL, consent, choose the organisations to connect, and
the browser is sent back to https://localhost:8080, which this command serves with a throw-away
self-signed certificate (the browser warns about it: proceed). If the browser cannot reach this
machine, paste the full URL it was sent to (the address bar) here instead.
The token is saved to --xero-token-store (BATON_XERO_TOKEN_STORE, mode 0600); every later sync
reads and rotates it there. Every flag can also be set as BATON_<FLAG> (upper case, - as _).`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := v.BindPFlags(cmd.Flags()); err != nil {
				return err
			}
			return runLogin(cmd, v, version)
		},
	}
	f := cmd.Flags()
	f.String(config.ClientIDField.FieldName, "", "client ID of the Xero Web app (BATON_XERO_CLIENT_ID)")
	f.String(config.ClientSecretField.FieldName, "", "client secret of the Xero Web app (BATON_XERO_CLIENT_SECRET)")
	f.String(config.ClientSecretFileField.FieldName, "", "file holding the client secret (BATON_XERO_CLIENT_SECRET_FILE)")
	f.String(config.TokenStoreField.FieldName, "", "where to save the token (BATON_XERO_TOKEN_STORE; default baton-xero/token.json in the user config directory)")
	f.StringSlice(config.ScopesField.FieldName, nil, "scopes to request (BATON_XERO_SCOPES; default offline_access accounting.settings.read)")
	f.String(flagRedirectURI, xeroauth.DefaultRedirectURI, "redirect URI registered for the Web app (loopback only)")
	f.String(flagListen, "", "loopback address to serve the redirect on (default: the redirect URI's host and port)")
	f.Duration(flagTimeout, 10*time.Minute, "how long to wait for the browser")
	f.String(config.APIURLField.FieldName, "", "base URL of the Xero API (tests and demo)")
	f.String(config.IdentityURLField.FieldName, "", "base URL of the Xero identity service (tests and demo)")
	f.String(flagAuthorizeURL, "", "authorize endpoint URL (tests and demo)")
	for _, name := range []string{config.APIURLField.FieldName, config.IdentityURLField.FieldName, flagAuthorizeURL} {
		_ = f.MarkHidden(name)
	}
	return cmd
}

// runLogin runs the login with the values v resolved.
func runLogin(cmd *cobra.Command, v *viper.Viper, version string) error {
	secret, err := creds.Secret(creds.Source{
		Name: config.ClientSecretField.FieldName, Value: v.GetString(config.ClientSecretField.FieldName),
		File: v.GetString(config.ClientSecretFileField.FieldName), Required: true,
	})
	if err != nil {
		return err
	}
	clientID := v.GetString(config.ClientIDField.FieldName)
	if clientID == "" {
		return errors.New("xero-client-id is required: set --xero-client-id (BATON_XERO_CLIENT_ID)")
	}
	store := v.GetString(config.TokenStoreField.FieldName)
	if store == "" {
		if store, err = DefaultTokenStore(); err != nil {
			return err
		}
	}
	lc := xeroauth.LoginConfig{
		ClientID:     clientID,
		ClientSecret: secret,
		RedirectURI:  v.GetString(flagRedirectURI),
		ListenAddr:   v.GetString(flagListen),
		Scopes:       v.GetStringSlice(config.ScopesField.FieldName),
		TokenFile:    store,
		Stdin:        cmd.InOrStdin(),
		Out:          cmd.OutOrStdout(),
	}
	if len(lc.Scopes) == 0 {
		lc.Scopes = nil
	}
	if identityURL := v.GetString(config.IdentityURLField.FieldName); identityURL != "" {
		base, err := baseurl.Parse(config.IdentityURLField.FieldName, identityURL)
		if err != nil {
			return err
		}
		lc.TokenURL = base + "/connect/token"
		lc.AuthorizeURL = base + "/identity/connect/authorize"
	}
	if authorizeURL := v.GetString(flagAuthorizeURL); authorizeURL != "" {
		if lc.AuthorizeURL, err = baseurl.Parse(flagAuthorizeURL, authorizeURL); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), v.GetDuration(flagTimeout))
	defer cancel()
	tok, err := xeroauth.Login(ctx, lc)
	if err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "Saved the token to %s.\n", store)
	return listConnected(ctx, cmd.OutOrStdout(), version, v.GetString(config.APIURLField.FieldName), tok)
}

// listConnected prints the tenants the new token may call.
func listConnected(ctx context.Context, out io.Writer, version, apiURL string, tok *oauth2.Token) error {
	base := xeroapi.DefaultBaseURL
	if apiURL != "" {
		var err error
		if base, err = baseurl.Parse("xero-api-url", apiURL); err != nil {
			return err
		}
	}
	h := httpx.New(httpx.Options{Service: "xero", UserAgent: Name + "/" + version, TokenSource: oauth2.StaticTokenSource(tok)})
	conns, err := xeroapi.New(h, base).ListConnections(ctx)
	if err != nil {
		return fmt.Errorf("the token was saved, but listing the connected organisations failed: %w", err)
	}
	fmt.Fprintf(out, "Connected tenants (%d):\n", len(conns))
	for _, c := range conns {
		note := ""
		if !strings.EqualFold(c.TenantType, xeroapi.TenantTypeOrganisation) {
			note = "  (not synced: only organisations have users)"
		}
		fmt.Fprintf(out, "  %s  %-12s  %s%s\n", xeroauth.Printable(c.TenantID), xeroauth.Printable(c.TenantType), xeroauth.Printable(c.TenantName), note)
	}
	return nil
}
