// This file holds what a request's context tells the Client (route, limit
// keys, idempotency, no-replay) and the state one call keeps across its
// attempts.
package httpx

import (
	"context"
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"github.com/accessgov/baton-connectors/internal/ratelimit"
)

type (
	routeKey      struct{}
	limitKeysKey  struct{}
	idempotentKey struct{}
	noReplayKey   struct{}
	stateKey      struct{}
)

// WithRoute sets the route template ("/api.xro/2.0/Users") that accounting,
// logs and errors name the request by. Without it they use the URL path.
func WithRoute(ctx context.Context, route string) context.Context {
	return context.WithValue(ctx, routeKey{}, route)
}

// WithLimitKeys sets the keys Options.Limiter is asked for before each
// attempt of the request, replacing any set earlier.
func WithLimitKeys(ctx context.Context, keys ...ratelimit.Key) context.Context {
	return context.WithValue(ctx, limitKeysKey{}, append([]ratelimit.Key(nil), keys...))
}

// WithIdempotent marks the request safe to retry whatever its method (a
// POST that only reads, say).
func WithIdempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, idempotentKey{}, true)
}

// WithNoReplay marks a request that must never be sent twice with the same
// body once the server may have acted on it: a PUT built from an earlier
// read (read-modify-write), whose replay after a concurrent change would put
// back what someone else changed. Such a request is retried only when the
// server certainly did not act on it: a connection that was refused before
// anything was sent, a 429, or the fresh-token retry of a 401. Every other
// failure is returned at once, so the caller can re-read and rebuild.
func WithNoReplay(ctx context.Context) context.Context {
	return context.WithValue(ctx, noReplayKey{}, true)
}

// reqState follows one logical request across its attempts. The attempt
// transport and the retry hooks run on the goroutine that called Do, one
// after another, so it needs no lock.
type reqState struct {
	method, route string
	host          string // the original host: the only one given the token
	keys          []ratelimit.Key
	idempotent    bool
	noReplay      bool // see WithNoReplay
	withToken     bool
	start         time.Time
	deadline      time.Time // start + RetryPolicy.MaxElapsed

	attempts    int
	lastToken   *oauth2.Token
	invalidated bool
	// nextWait is the sleep before the next attempt, decided by checkRetry
	// and handed to retryablehttp by the Backoff hook.
	nextWait time.Duration
	// retrying is the latest retry decision; if the call ends while it is
	// true, the retries were spent.
	retrying bool
	// outOfTime is set when the next retry would have crossed the
	// MaxElapsed deadline.
	outOfTime bool
	// retryAfterTooLong is set when a Retry-After beyond MaxRetryAfter, or
	// beyond the time left before the deadline, stopped the request;
	// retryAfterPastDeadline says it was the latter.
	retryAfterTooLong      bool
	retryAfterPastDeadline bool
	retryAfter             time.Duration
	resetAt                time.Time
}

func isIdempotentMethod(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete, http.MethodOptions:
		return true
	}
	return false
}

func (c *Client) newState(req *http.Request, withToken, idempotent bool) *reqState {
	ctx := req.Context()
	route, _ := ctx.Value(routeKey{}).(string)
	if route == "" {
		route = req.URL.Path
	}
	if route == "" {
		route = "/"
	}
	keys, _ := ctx.Value(limitKeysKey{}).([]ratelimit.Key)
	marked, _ := ctx.Value(idempotentKey{}).(bool)
	noReplay, _ := ctx.Value(noReplayKey{}).(bool)
	now := time.Now()
	return &reqState{
		method:     req.Method,
		route:      route,
		host:       req.URL.Host,
		keys:       keys,
		idempotent: idempotent || marked || isIdempotentMethod(req.Method),
		noReplay:   noReplay,
		withToken:  withToken,
		start:      now,
		deadline:   now.Add(c.retry.MaxElapsed),
	}
}

func stateFrom(ctx context.Context) *reqState {
	st, _ := ctx.Value(stateKey{}).(*reqState)
	return st
}
