package xeroauth

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/oauth2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/internal/creds"
)

// authError is an error with a gRPC code. Its message is built here from
// known-safe parts; the cause is kept for errors.Is/As but its text is only
// included where it cannot hold a secret.
type authError struct {
	code  codes.Code
	msg   string
	cause error
}

func newError(code codes.Code, cause error, format string, args ...any) error {
	return &authError{code: code, msg: fmt.Sprintf(format, args...), cause: cause}
}

func (e *authError) Error() string { return e.msg }

func (e *authError) Unwrap() error { return e.cause }

// GRPCStatus lets status.Code and status.FromError see the code, also
// through fmt.Errorf("...: %w", err).
func (e *authError) GRPCStatus() *status.Status { return status.New(e.code, e.msg) }

// grant names the token request that failed, for error messages.
type grant int

const (
	grantClientCredentials grant = iota
	grantRefreshToken
	grantAuthorizationCode
)

// tokenEndpointError turns a failed token request into an error with a
// gRPC code and advice. secrets are redacted from anything the server
// echoed. The SDK retries Unavailable without limit, so failures that
// persist after the HTTP client's own retries become Aborted instead.
func tokenEndpointError(g grant, tokenFile string, err error, secrets ...string) error {
	if errors.Is(err, context.Canceled) {
		return newError(codes.Canceled, err, "xero: token request cancelled")
	}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		// Transport failures (*url.Error) name the token URL and the
		// network error, never the form body.
		return newError(codes.Aborted, err, "xero: token request failed: %s", redact(err.Error(), secrets))
	}
	httpStatus := 0
	if re.Response != nil {
		httpStatus = re.Response.StatusCode
	}
	detail := fmt.Sprintf("HTTP %d", httpStatus)
	if re.ErrorCode != "" {
		detail += ", " + re.ErrorCode
	}
	if d := redact(re.ErrorDescription, secrets); d != "" {
		detail += ": " + d
	}

	switch re.ErrorCode {
	case "invalid_grant":
		switch g {
		case grantRefreshToken:
			return newError(codes.Unauthenticated, err,
				"xero: the refresh token was rejected by Xero (%s). It expired after 60 days unused, was revoked, "+
					"or was already rotated by another process (or a lost or restored-from-backup token file). "+
					"Get a new one: run `baton-xero login` (or re-authorise the Web app), then set %s to the file it wrote "+
					"or %s to the new refresh token; the token file in use is %q",
				detail, flagRef(flagTokenStore), flagRef(flagRefreshToken), tokenFile)
		case grantAuthorizationCode:
			return newError(codes.Unauthenticated, err,
				"xero: the authorisation code was rejected (%s): it expires quickly and works once; run `baton-xero login` again", detail)
		}
	case "invalid_client":
		return newError(codes.Unauthenticated, err,
			"xero: client id or secret rejected (%s), check --%s/--%s (%s/%s)",
			detail, flagClientID, flagClientSecret, creds.EnvName(flagClientID), creds.EnvName(flagClientSecret))
	case "unauthorized_client":
		if g == grantClientCredentials {
			return newError(codes.PermissionDenied, err,
				"xero: this app may not use client credentials (%s): only a Xero Custom Connection can; "+
					"for a Web app run `baton-xero login` and set %s", detail, flagRef(flagTokenStore))
		}
		return newError(codes.PermissionDenied, err, "xero: the app is not authorised for this grant (%s)", detail)
	case "invalid_scope":
		return newError(codes.InvalidArgument, err,
			"xero: scope rejected (%s); the connector needs only %s", detail, ScopeSettingsRead)
	}
	switch httpStatus {
	case http.StatusUnauthorized, http.StatusForbidden:
		return newError(codes.Unauthenticated, err, "xero: token request refused (%s)", detail)
	default:
		return newError(codes.Aborted, err, "xero: token request failed (%s); try again later", detail)
	}
}

// redact removes secrets from text the server sent back, flattens it to
// one line without control characters and bounds its length.
func redact(s string, secrets []string) string {
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "[redacted]")
		}
	}
	s = strings.Join(strings.Fields(Printable(s)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// fingerprint identifies a token in logs without revealing it: the last
// four hex digits of its SHA-256.
func fingerprint(tok string) string {
	if tok == "" {
		return "none"
	}
	sum := sha256.Sum256([]byte(tok))
	h := hex.EncodeToString(sum[:])
	return h[len(h)-4:]
}

// Printable returns s safe to print on a terminal: control characters
// (escape sequences, carriage returns, NUL) and invisible formatting runes
// (bidirectional overrides) become spaces, so text a vendor sent cannot
// rewrite what the user sees.
func Printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, s)
}
