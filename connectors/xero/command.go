package xero

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	sdkconfig "github.com/conductorone/baton-sdk/pkg/config"
	"github.com/conductorone/baton-sdk/pkg/connectorrunner"
	"github.com/spf13/cobra"
	"golang.org/x/oauth2"

	"github.com/accessgov/baton-connectors/connectors/xero/config"
	"github.com/accessgov/baton-connectors/connectors/xero/internal/xeroapi"
	"github.com/accessgov/baton-connectors/connectors/xero/internal/xeroauth"
	"github.com/accessgov/baton-connectors/internal/baseurl"
	"github.com/accessgov/baton-connectors/internal/creds"
	"github.com/accessgov/baton-connectors/internal/httpx"
)

// Main runs baton-xero with the process arguments: `login` bootstraps the
// Web-app flow, anything else is baton-sdk's command line (sync, service
// mode, capabilities, config).
func Main(ctx context.Context, version string) {
	if len(os.Args) > 1 && os.Args[1] == "login" {
		cmd := LoginCommand(version)
		cmd.SetArgs(os.Args[2:])
		if err := cmd.ExecuteContext(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "baton-xero login:", err)
			os.Exit(1)
		}
		return
	}
	sdkconfig.RunConnector(ctx, Name, version, config.Config, NewConnector(version),
		connectorrunner.WithDefaultCapabilitiesConnectorBuilderV2(&Connector{}))
}

// LoginCommand is `baton-xero login`: it authorises the Web app in a
// browser (authorization code with PKCE), saves the token to the token
// store and lists the organisations now connected.
func LoginCommand(version string) *cobra.Command {
	var (
		clientID, clientSecret, secretFile, store, redirect, listen, apiURL, identityURL, authorizeURL string
		scopes                                                                                         []string
		timeout                                                                                        time.Duration
	)
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Authorise the Xero Web app in a browser and save the refresh token to the token store",
		Long: `login starts Xero's authorisation-code flow (with PKCE) for a Web app whose redirect URI is
https://localhost:8080. Open the printed URL, consent, choose the organisations to connect, and
the browser is sent back to https://localhost:8080, which this command serves with a throw-away
self-signed certificate (the browser warns about it: proceed). If the browser cannot reach this
machine, paste the full URL it was sent to (the address bar) here instead.
The token is saved to --xero-token-store (mode 0600); every later sync reads and rotates it there.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			secret, err := creds.Secret(creds.Source{Name: "xero-client-secret", Value: clientSecret, File: secretFile, Required: true})
			if err != nil {
				return err
			}
			if clientID == "" {
				return errors.New("xero-client-id is required: set --xero-client-id (BATON_XERO_CLIENT_ID)")
			}
			if store == "" {
				if store, err = DefaultTokenStore(); err != nil {
					return err
				}
			}
			lc := xeroauth.LoginConfig{
				ClientID:     clientID,
				ClientSecret: secret,
				RedirectURI:  redirect,
				ListenAddr:   listen,
				Scopes:       scopes,
				TokenFile:    store,
				Stdin:        cmd.InOrStdin(),
				Out:          cmd.OutOrStdout(),
			}
			if identityURL != "" {
				base, err := baseurl.Parse("xero-identity-url", identityURL)
				if err != nil {
					return err
				}
				lc.TokenURL = base + "/connect/token"
				lc.AuthorizeURL = base + "/identity/connect/authorize"
			}
			if authorizeURL != "" {
				if lc.AuthorizeURL, err = baseurl.Parse("xero-authorize-url", authorizeURL); err != nil {
					return err
				}
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			tok, err := xeroauth.Login(ctx, lc)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Saved the token to %s.\n", store)
			return listConnected(ctx, cmd.OutOrStdout(), version, apiURL, tok)
		},
	}
	f := cmd.Flags()
	f.StringVar(&clientID, "xero-client-id", os.Getenv("BATON_XERO_CLIENT_ID"), "client ID of the Xero Web app ($BATON_XERO_CLIENT_ID)")
	f.StringVar(&clientSecret, "xero-client-secret", os.Getenv("BATON_XERO_CLIENT_SECRET"), "client secret of the Xero Web app ($BATON_XERO_CLIENT_SECRET)")
	f.StringVar(&secretFile, "xero-client-secret-file", os.Getenv("BATON_XERO_CLIENT_SECRET_FILE"), "file holding the client secret ($BATON_XERO_CLIENT_SECRET_FILE)")
	f.StringVar(&store, "xero-token-store", os.Getenv("BATON_XERO_TOKEN_STORE"), "where to save the token ($BATON_XERO_TOKEN_STORE; default baton-xero/token.json in the user config directory)")
	f.StringSliceVar(&scopes, "xero-scopes", splitEnv("BATON_XERO_SCOPES"), "scopes to request (default offline_access accounting.settings.read)")
	f.StringVar(&redirect, "redirect-uri", xeroauth.DefaultRedirectURI, "redirect URI registered for the Web app")
	f.StringVar(&listen, "listen", "", "address to serve the redirect on (default: the redirect URI's host and port)")
	f.DurationVar(&timeout, "timeout", 10*time.Minute, "how long to wait for the browser")
	f.StringVar(&apiURL, "xero-api-url", os.Getenv("BATON_XERO_API_URL"), "base URL of the Xero API (tests and demo)")
	f.StringVar(&identityURL, "xero-identity-url", os.Getenv("BATON_XERO_IDENTITY_URL"), "base URL of the Xero identity service (tests and demo)")
	f.StringVar(&authorizeURL, "xero-authorize-url", "", "authorize endpoint URL (tests and demo)")
	for _, name := range []string{"xero-api-url", "xero-identity-url", "xero-authorize-url"} {
		_ = f.MarkHidden(name)
	}
	return cmd
}

func splitEnv(name string) []string {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return nil
	}
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' })
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
		fmt.Fprintf(out, "  %s  %-12s  %s%s\n", c.TenantID, c.TenantType, c.TenantName, note)
	}
	return nil
}
