// This file holds the Client's options and New, which builds a Client from
// them.
package httpx

import (
	"net/http"
	"time"

	"go.uber.org/zap"
	"golang.org/x/oauth2"

	"github.com/accessgov/baton-connectors/internal/accounting"
	"github.com/accessgov/baton-connectors/internal/ratelimit"
)

// Options configure a Client. Only Service is needed; everything else has a
// default or is off when unset.
type Options struct {
	// Service names the vendor; every error message starts "<Service>: ".
	Service string
	// UserAgent is sent on every attempt, e.g. "baton-xero/v1.2.3".
	UserAgent string
	// Timeout bounds each attempt, from sending the request until the
	// response body is closed. Zero means DefaultTimeout.
	Timeout time.Duration
	// Retry is the retry policy; zero fields take DefaultRetryPolicy's.
	Retry RetryPolicy
	// MaxBodyBytes bounds a 2xx response body: GetJSON and DoJSON fail
	// with FailedPrecondition on a longer one, and the body Do returns
	// fails to read past it. Zero means DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// Transport sends each attempt. Nil means a clone of
	// http.DefaultTransport, so HTTPS_PROXY/NO_PROXY, the system CA pool
	// and HTTP/2 over TLS work as they do in Go's default client.
	Transport http.RoundTripper
	// TokenSource, if set, supplies "Authorization: Bearer <token>" for
	// every attempt of Do, GetJSON and DoJSON (not StandardClient). If it
	// also implements Invalidator, a 401 is retried once with a fresh
	// token. Redirects never carry it (see the package documentation).
	TokenSource oauth2.TokenSource
	// Limiter, if set, is asked before every attempt for the request's keys
	// (WithLimitKeys).
	Limiter *ratelimit.Limiter
	// Recorder, if set, counts every attempt sent, by method and route.
	Recorder *accounting.Recorder
	// Logger gets one debug line per attempt: method, route, status or
	// error, attempt number, duration. Nil means zap.NewNop().
	Logger *zap.Logger
	// QuotaHeaders are response headers carrying the remaining quota of
	// one of the request's limit keys; their values are fed to
	// Limiter.Observe.
	QuotaHeaders []QuotaHeader
	// LimitHeader is a response header naming which limit a 429 hit (Xero:
	// "X-Rate-Limit-Problem"); its value is quoted in error messages.
	LimitHeader string
}

// QuotaHeader names a response header that carries how many requests remain
// for the request's limit key of class Class, e.g.
// {"X-MinLimit-Remaining", "tenant"}.
type QuotaHeader struct {
	Header string
	Class  string
}

// Invalidator is implemented by token sources that can drop a token the
// server refused, so the next Token call fetches a fresh one.
type Invalidator interface {
	Invalidate(*oauth2.Token)
}

// Client sends HTTP requests with retries, rate limiting and accounting. It
// is safe for concurrent use.
type Client struct {
	opts  Options
	retry RetryPolicy
	base  http.RoundTripper
	log   *zap.Logger

	withToken *http.Client // Do, GetJSON, DoJSON: attempts carry the token
	noToken   *http.Client // StandardClient: attempts do not
}

// New returns a Client for opts.
func New(opts Options) *Client {
	c := &Client{opts: opts, retry: opts.Retry.withDefaults(), base: opts.Transport, log: opts.Logger}
	if c.opts.Timeout <= 0 {
		c.opts.Timeout = DefaultTimeout
	}
	if c.opts.MaxBodyBytes <= 0 {
		c.opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.base == nil {
		c.base = defaultTransport()
	}
	if c.log == nil {
		c.log = zap.NewNop()
	}
	c.withToken = &http.Client{Transport: &attemptTransport{c: c, withToken: true}, CheckRedirect: checkRedirect}
	c.noToken = &http.Client{Transport: &attemptTransport{c: c}, CheckRedirect: checkRedirect}
	return c
}

// defaultTransport clones http.DefaultTransport, keeping its proxy
// (http.ProxyFromEnvironment), dialer and TLS defaults, and makes sure it
// offers HTTP/2 over TLS (ALPN "h2"), as both vendors serve it.
func defaultTransport() http.RoundTripper {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		t = t.Clone()
		t.ForceAttemptHTTP2 = true
		return t
	}
	return http.DefaultTransport
}
