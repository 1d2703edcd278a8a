package xeroapi

// errors.go turns what went wrong into one error per call: the operation
// and tenant, the service prefix exactly once, advice for setup problems,
// and a gRPC code the SDK acts on correctly.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/internal/httpx"
)

// servicePrefix starts every error of this package, once.
const servicePrefix = "xero: "

// problem is Xero's problem-JSON error body (401, 403).
type problem struct {
	Title  string `json:"Title"`
	Detail string `json:"Detail"`
}

// explain adds what the user should do to the errors Xero gives for setup
// problems. The gRPC code of err is kept.
func explain(err error, op, tenantID string) error {
	where := op
	if tenantID != "" {
		where = fmt.Sprintf("%s for tenant %s", op, tenantID)
	}
	err = httpx.Explain(err, func(se *httpx.StatusError) string {
		var p problem
		_ = json.Unmarshal([]byte(se.Body), &p) // error bodies may be plain text or XML
		switch {
		case se.StatusCode == http.StatusUnauthorized && strings.HasPrefix(p.Detail, "TokenExpired"):
			return "the access token expired and could not be renewed; check the credentials"
		case se.StatusCode == http.StatusUnauthorized:
			return "Xero refused the access token (AuthorizationUnsuccessful): it lacks the accounting.settings.read scope, " +
				"the organisation was disconnected, or the token was revoked; re-authorise the app (baton-xero login) or check --xero-scopes"
		case se.StatusCode == http.StatusForbidden:
			return "the organisation is not connected to this app (AuthenticationUnsuccessful); reconnect it in Xero, " +
				"or leave it out with --xero-tenant-ids"
		}
		return ""
	})
	return &OpError{Where: where, Err: err}
}

// malformed reports a 2xx answer to GET route that did not have the shape
// Xero documents, as httpx's MalformedError (code Internal: never retried,
// never read as an empty result) inside the OpError naming the operation
// and tenant.
func malformed(op, route, tenantID string, err error) error {
	where := op
	if tenantID != "" {
		where = fmt.Sprintf("%s for tenant %s", op, tenantID)
	}
	return &OpError{Where: where, Err: &httpx.MalformedError{Service: "xero", Method: http.MethodGet, Route: route, Err: err}}
}

// OpError is a failed call: Where names the operation and the tenant
// ("list users for tenant T"), Err is what httpx (or the token source)
// reported. Its message carries the service prefix once, however many
// layers below added their own; its gRPC code is Err's.
type OpError struct {
	Where string
	Err   error
}

func (e *OpError) Error() string { return servicePrefix + e.Where + ": " + withoutPrefix(e.Err) }

func (e *OpError) Unwrap() error { return e.Err }

// GRPCStatus keeps the code of the underlying error with this message.
func (e *OpError) GRPCStatus() *status.Status { return status.New(status.Code(e.Err), e.Error()) }

// withoutPrefix is err's message without the service prefixes the layers
// below put in front of their parts ("xero: GET …: get access token: xero: …").
func withoutPrefix(err error) string {
	if err == nil {
		return ""
	}
	msg := strings.TrimPrefix(err.Error(), servicePrefix)
	return strings.ReplaceAll(msg, ": "+servicePrefix, ": ")
}
