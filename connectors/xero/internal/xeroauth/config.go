// Package xeroauth gets access tokens for the Xero API. It offers the three
// ways the connector can authenticate, each as an oauth2.TokenSource:
//
//   - client credentials, for a Xero Custom Connection (one organisation);
//   - refresh token, for a Xero Web app: the refresh token rotates on every
//     use, so the new one is saved to a token file (see internal/tokenstore)
//     under a cross-process lock before the new access token is used;
//   - a static access token (--token), used as is.
//
// Login bootstraps the refresh-token mode: it runs the authorisation-code
// flow with PKCE through the user's browser and saves the first token.
//
// Errors carry gRPC codes (status.Code works through wrapping) and never
// contain a secret, token or refresh token; logs show at most a short
// SHA-256 fingerprint. Only the Xero connector and its cmd use this package.
package xeroauth

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"go.uber.org/zap"
	"google.golang.org/grpc/codes"

	"github.com/accessgov/baton-connectors/internal/creds"
	"github.com/accessgov/baton-connectors/internal/tokenstore"
)

// Xero's identity endpoints, the redirect URI the setup guide registers for
// the Web app, and the scopes the connector uses.
const (
	DefaultTokenURL     = "https://identity.xero.com/connect/token" //nolint:gosec // G101: a URL, not a credential
	DefaultAuthorizeURL = "https://login.xero.com/identity/connect/authorize"
	DefaultRedirectURI  = "https://localhost:8080"
	ScopeSettingsRead   = "accounting.settings.read"
	ScopeOfflineAccess  = "offline_access"
)

// Flag names, as the connector's configuration spells them.
const (
	flagClientID     = "xero-client-id"
	flagClientSecret = "xero-client-secret" //nolint:gosec // G101: a flag name, not a credential
	flagRefreshToken = "refresh-token"
	flagToken        = "token"
	flagTokenStore   = "xero-token-store" //nolint:gosec // G101: a flag name, not a credential
)

// Timings.
const (
	// earlyExpiry is how long before its expiry a token is renewed, so a
	// request never leaves with a token that dies in flight.
	earlyExpiry = 60 * time.Second
	// defaultLifetime is assumed when the token endpoint omits expires_in;
	// Xero documents 30 minutes for every grant.
	defaultLifetime = 30 * time.Minute
	// defaultLockTimeout bounds the wait for another process's refresh.
	defaultLockTimeout = 30 * time.Second
	// defaultHTTPTimeout applies when Config.HTTPClient is nil.
	defaultHTTPTimeout = 30 * time.Second
)

// Config holds the connector's authentication settings.
type Config struct {
	ClientID, ClientSecret string
	// RefreshToken comes from --refresh-token / BATON_REFRESH_TOKEN. It may
	// be empty when TokenFile already holds one; the file's wins, being newer.
	RefreshToken string
	// AccessToken is a static token from --token / BATON_TOKEN.
	AccessToken string
	// TokenFile is where rotated refresh tokens are kept. Required in
	// refresh-token mode.
	TokenFile string
	// Scopes requested with client credentials; nil means
	// [accounting.settings.read], an empty non-nil slice sends no scope.
	// A refresh keeps the scopes granted at login, so none are sent then.
	Scopes []string
	// TokenURL defaults to DefaultTokenURL.
	TokenURL string
	// HTTPClient is used for token-endpoint calls; nil means a client with
	// a 30s timeout.
	HTTPClient *http.Client
	// Logger defaults to a no-op logger.
	Logger *zap.Logger
	// Now defaults to time.Now.
	Now func() time.Time

	// lockTimeout overrides defaultLockTimeout in tests.
	lockTimeout time.Duration
}

// Mode is how the connector authenticates to Xero.
type Mode int

// The authentication modes.
const (
	ModeClientCredentials Mode = iota + 1 // Custom Connection
	ModeRefreshToken                      // Web app with a rotating refresh token
	ModeStatic                            // --token, used as is
)

// String returns the mode's name.
func (m Mode) String() string {
	switch m {
	case ModeClientCredentials:
		return "client-credentials"
	case ModeRefreshToken:
		return "refresh-token"
	case ModeStatic:
		return "static-token"
	default:
		return fmt.Sprintf("Mode(%d)", int(m))
	}
}

// Mode decides how to authenticate from the fields that are set, reading
// TokenFile (no network). A combination that cannot work is an
// InvalidArgument error saying what to set.
func (c Config) Mode() (Mode, error) {
	hasID, hasSecret := c.ClientID != "", c.ClientSecret != ""
	hasRT := c.RefreshToken != ""

	if c.AccessToken != "" {
		var extra []string
		if hasID {
			extra = append(extra, "--"+flagClientID)
		}
		if hasSecret {
			extra = append(extra, "--"+flagClientSecret)
		}
		if hasRT {
			extra = append(extra, "--"+flagRefreshToken)
		}
		if len(extra) > 0 {
			return 0, newError(codes.InvalidArgument, nil,
				"xero: %s is used alone, but %s %s also set: unset %s to use the static access token, or unset --%s to let the connector get tokens itself",
				flagRef(flagToken), strings.Join(extra, ", "), isAre(len(extra)), itThem(len(extra)), flagToken)
		}
		return ModeStatic, nil
	}

	switch {
	case hasID && !hasSecret:
		return 0, newError(codes.InvalidArgument, nil,
			"xero: %s is missing: --%s is set and Xero needs both; set %s or --%s-file",
			flagRef(flagClientSecret), flagClientID, flagRef(flagClientSecret), flagClientSecret)
	case !hasID && hasSecret:
		return 0, newError(codes.InvalidArgument, nil,
			"xero: %s is missing: --%s is set and Xero needs both", flagRef(flagClientID), flagClientSecret)
	case !hasID && !hasSecret && hasRT:
		return 0, newError(codes.InvalidArgument, nil,
			"xero: %s needs %s and %s of the Xero Web app that issued it",
			flagRef(flagRefreshToken), flagRef(flagClientID), flagRef(flagClientSecret))
	case !hasID && !hasSecret:
		return 0, newError(codes.InvalidArgument, nil,
			"xero: no credentials; set one of: "+
				"(1) %s and %s of a Xero Custom Connection (client credentials); "+
				"(2) those of a Xero Web app plus %s, or a %s written by `baton-xero login`; "+
				"(3) %s with an access token (valid for 30 minutes)",
			flagRef(flagClientID), flagRef(flagClientSecret), flagRef(flagRefreshToken), flagRef(flagTokenStore), flagRef(flagToken))
	}

	if hasRT {
		if c.TokenFile == "" {
			return 0, errNoTokenFile()
		}
		return ModeRefreshToken, nil
	}
	if c.TokenFile != "" {
		tok, err := (&tokenstore.Store{Path: c.TokenFile}).Load()
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return 0, newError(codes.FailedPrecondition, err,
				"xero: read %s: %v", flagRef(flagTokenStore), err)
		case tok.RefreshToken != "":
			return ModeRefreshToken, nil
		}
	}
	return ModeClientCredentials, nil
}

func errNoTokenFile() error {
	return newError(codes.InvalidArgument, nil,
		"xero: %s is required with a refresh token: Xero rotates the refresh token on every use, "+
			"so the new one must be saved or the next run fails with invalid_grant",
		flagRef(flagTokenStore))
}

// flagRef names a flag with its environment variable.
func flagRef(flag string) string {
	return fmt.Sprintf("--%s (%s)", flag, creds.EnvName(flag))
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func itThem(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// withDefaults fills the optional fields.
func (c Config) withDefaults() Config {
	if c.TokenURL == "" {
		c.TokenURL = DefaultTokenURL
	}
	if c.HTTPClient == nil {
		c.HTTPClient = &http.Client{Timeout: defaultHTTPTimeout}
	}
	if c.Logger == nil {
		c.Logger = zap.NewNop()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.lockTimeout == 0 {
		c.lockTimeout = defaultLockTimeout
	}
	return c
}
