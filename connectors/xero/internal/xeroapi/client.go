package xeroapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/accessgov/baton-connectors/internal/httpx"
	"github.com/accessgov/baton-connectors/internal/ratelimit"
)

// DefaultBaseURL serves both /connections and the accounting API.
const DefaultBaseURL = "https://api.xero.com"

// Routes, as the request accounting names them.
const (
	RouteConnections  = "/connections"
	RouteOrganisation = "/api.xro/2.0/Organisation"
	RouteUsers        = "/api.xro/2.0/Users"
)

// Rate-limit classes the client keys its requests by. Xero limits each
// (app, tenant) pair and each app as a whole.
const (
	LimitTenant = "tenant"
	LimitApp    = "app"
)

// TenantHeader carries the organisation a request is for.
const TenantHeader = "xero-tenant-id"

// Client reads Xero. It is safe for concurrent use.
type Client struct {
	http *httpx.Client
	base string
}

// New returns a client for the API at baseURL (DefaultBaseURL when empty).
func New(h *httpx.Client, baseURL string) *Client {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	return &Client{http: h, base: strings.TrimRight(baseURL, "/")}
}

// ListConnections returns every tenant the access token may call.
func (c *Client) ListConnections(ctx context.Context) ([]Connection, error) {
	ctx = httpx.WithRoute(ctx, RouteConnections)
	ctx = httpx.WithLimitKeys(ctx, ratelimit.Key{Class: LimitApp})
	var conns []Connection
	var raw json.RawMessage
	if err := c.http.GetJSON(ctx, c.base+RouteConnections, nil, &raw); err != nil {
		return nil, explain(err, "list connections", "")
	}
	if err := decode(raw, &conns); err != nil {
		return nil, malformed("list connections", RouteConnections, "", err)
	}
	if conns == nil {
		return nil, malformed("list connections", RouteConnections, "", errors.New("body is not a JSON array"))
	}
	for i, conn := range conns {
		if conn.TenantID == "" {
			return nil, malformed("list connections", RouteConnections, "", fmt.Errorf("connection %d has no tenantId", i))
		}
	}
	return conns, nil
}

type organisationsEnvelope struct {
	Organisations *[]Organisation `json:"Organisations"`
}

// GetOrganisation returns the profile of the tenant.
func (c *Client) GetOrganisation(ctx context.Context, tenantID string) (*Organisation, error) {
	var env organisationsEnvelope
	if err := c.get(ctx, RouteOrganisation, tenantID, &env); err != nil {
		return nil, malformedOr(explain(err, "get organisation", tenantID), "get organisation", RouteOrganisation, tenantID)
	}
	if env.Organisations == nil {
		return nil, malformed("get organisation", RouteOrganisation, tenantID, errors.New("response has no Organisations array"))
	}
	orgs := *env.Organisations
	if len(orgs) != 1 {
		return nil, malformed("get organisation", RouteOrganisation, tenantID, fmt.Errorf("got %d organisations, want 1", len(orgs)))
	}
	org := orgs[0]
	if org.OrganisationID == "" {
		org.OrganisationID = tenantID
	}
	return &org, nil
}

type usersEnvelope struct {
	Users *[]User `json:"Users"`
}

// ListUsers returns every user of the tenant, removed ones included. The
// endpoint is not paginated: one call returns them all.
func (c *Client) ListUsers(ctx context.Context, tenantID string) ([]User, error) {
	var env usersEnvelope
	if err := c.get(ctx, RouteUsers, tenantID, &env); err != nil {
		return nil, malformedOr(explain(err, "list users", tenantID), "list users", RouteUsers, tenantID)
	}
	if env.Users == nil {
		return nil, malformed("list users", RouteUsers, tenantID, errors.New("response has no Users array"))
	}
	for i, u := range *env.Users {
		if u.UserID == "" {
			return nil, malformed("list users", RouteUsers, tenantID, fmt.Errorf("user %d has no UserID", i))
		}
	}
	return *env.Users, nil
}

func (c *Client) get(ctx context.Context, route, tenantID string, out any) error {
	ctx = httpx.WithRoute(ctx, route)
	ctx = httpx.WithLimitKeys(ctx,
		ratelimit.Key{Class: LimitTenant, ID: tenantID},
		ratelimit.Key{Class: LimitApp},
	)
	h := http.Header{}
	h.Set(TenantHeader, tenantID)
	var raw json.RawMessage
	if err := c.http.GetJSON(ctx, c.base+route, h, &raw); err != nil {
		return err
	}
	if err := decode(raw, out); err != nil {
		return &decodeError{err: err}
	}
	return nil
}

// decodeError is a body that was read whole but does not fit the shape
// Xero documents; malformedOr turns it into an httpx.MalformedError.
type decodeError struct{ err error }

func (e *decodeError) Error() string { return e.err.Error() }

func (e *decodeError) Unwrap() error { return e.err }

// malformedOr returns an httpx.MalformedError for op when err is a decodeError,
// err otherwise.
func malformedOr(err error, op, route, tenantID string) error {
	var de *decodeError
	if errors.As(err, &de) {
		return malformed(op, route, tenantID, de.err)
	}
	return err
}
