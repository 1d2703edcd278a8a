package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"go.uber.org/zap"
	"golang.org/x/oauth2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/internal/accounting"
	"github.com/accessgov/baton-connectors/internal/ratelimit"
)

// DefaultTimeout bounds one attempt when Options.Timeout is zero.
const DefaultTimeout = 60 * time.Second

// RetryPolicy says how often and how patiently a request is retried. Each
// zero field takes its value from DefaultRetryPolicy.
type RetryPolicy struct {
	MaxAttempts   int           // total attempts including the first
	MinBackoff    time.Duration // first backoff; doubles per attempt, with full jitter
	MaxBackoff    time.Duration // cap on the computed backoff
	MaxRetryAfter time.Duration // a longer Retry-After ends the request at once
}

// DefaultRetryPolicy is used for the zero fields of Options.Retry.
var DefaultRetryPolicy = RetryPolicy{
	MaxAttempts:   6,
	MinBackoff:    500 * time.Millisecond,
	MaxBackoff:    30 * time.Second,
	MaxRetryAfter: 5 * time.Minute,
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultRetryPolicy.MaxAttempts
	}
	if p.MinBackoff <= 0 {
		p.MinBackoff = DefaultRetryPolicy.MinBackoff
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = DefaultRetryPolicy.MaxBackoff
	}
	if p.MaxBackoff < p.MinBackoff {
		p.MaxBackoff = p.MinBackoff
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = DefaultRetryPolicy.MaxRetryAfter
	}
	return p
}

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
	// Transport sends each attempt. Nil means a clone of
	// http.DefaultTransport, so HTTPS_PROXY/NO_PROXY and the system CA pool
	// work as they do in Go's default client.
	Transport http.RoundTripper
	// TokenSource, if set, supplies "Authorization: Bearer <token>" for
	// every attempt of Do and GetJSON (not StandardClient). The header is
	// only sent to the host of the original request, never to a redirect
	// target elsewhere. If it also implements Invalidator, a 401 is retried
	// once with a fresh token.
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

	rc  *retryablehttp.Client // Do and GetJSON: with the token source
	std *retryablehttp.Client // StandardClient: without it
}

// New returns a Client for opts.
func New(opts Options) *Client {
	c := &Client{opts: opts, retry: opts.Retry.withDefaults(), base: opts.Transport, log: opts.Logger}
	if c.opts.Timeout <= 0 {
		c.opts.Timeout = DefaultTimeout
	}
	if c.base == nil {
		c.base = defaultTransport()
	}
	if c.log == nil {
		c.log = zap.NewNop()
	}
	c.rc = c.newRetryClient(true)
	c.std = c.newRetryClient(false)
	return c
}

// defaultTransport clones http.DefaultTransport, keeping its proxy
// (http.ProxyFromEnvironment), dialer and TLS defaults.
func defaultTransport() http.RoundTripper {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		return t.Clone()
	}
	return http.DefaultTransport
}

func (c *Client) newRetryClient(withToken bool) *retryablehttp.Client {
	return &retryablehttp.Client{
		HTTPClient: &http.Client{Transport: &attemptTransport{c: c, withToken: withToken}},
		// retryablehttp's own logging would print full URLs, query strings
		// included; the attempt transport logs instead.
		Logger:       nil,
		RetryWaitMin: c.retry.MinBackoff,
		RetryWaitMax: c.retry.MaxBackoff,
		RetryMax:     c.retry.MaxAttempts - 1,
		CheckRetry:   c.checkRetry,
		Backoff:      c.backoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
}

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

	attempts    int
	lastToken   *oauth2.Token
	invalidated bool
	// retrying is the latest retry decision; if Do returns while it is
	// true, the retries were spent.
	retrying bool
	// retryAfterTooLong is set when a Retry-After beyond MaxRetryAfter
	// stopped the request.
	retryAfterTooLong bool
	retryAfter        time.Duration
	resetAt           time.Time
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
	return &reqState{
		method:     req.Method,
		route:      route,
		host:       req.URL.Host,
		keys:       keys,
		idempotent: idempotent || marked || isIdempotentMethod(req.Method),
		noReplay:   noReplay,
		withToken:  withToken,
		start:      time.Now(),
	}
}

func stateFrom(ctx context.Context) *reqState {
	st, _ := ctx.Value(stateKey{}).(*reqState)
	return st
}

// Do sends req with retries. A 2xx response is returned as is and the
// caller must close its body; the request's in-flight rate-limit slots and
// its per-attempt timeout last until then. Any other status is read (at most
// 64 KiB), closed and returned as a *StatusError. Failures without a
// response are *RequestError. Every error carries a gRPC code.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	st := c.newState(req, true, false)
	resp, err := c.roundTrip(c.rc, st, req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp, nil
	}
	return nil, c.statusError(st, resp)
}

// roundTrip runs req through rc and returns the final response whatever its
// status, or a *RequestError.
func (c *Client) roundTrip(rc *retryablehttp.Client, st *reqState, req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		body, err = io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, c.requestError(st, codes.InvalidArgument, "read request body", err)
		}
	}
	hreq := req.WithContext(context.WithValue(req.Context(), stateKey{}, st))
	rreq := &retryablehttp.Request{Request: hreq}
	if len(body) > 0 {
		if err := rreq.SetBody(body); err != nil {
			return nil, c.requestError(st, codes.InvalidArgument, "set request body", err)
		}
	} else if req.Body != nil {
		hreq.Body, hreq.GetBody, hreq.ContentLength = http.NoBody, nil, 0
	}

	resp, err := rc.Do(rreq)
	if err != nil {
		if resp != nil {
			_ = resp.Body.Close()
		}
		return nil, c.transportError(req.Context(), st, err)
	}
	return resp, nil
}

// StandardClient returns an *http.Client for libraries that want one (such
// as golang.org/x/oauth2's token exchange). Its transport applies the
// User-Agent, per-attempt timeout, limiter, quota headers, accounting and
// retries of c, but not the TokenSource. POST is retried only if retryPOST.
// Unlike Do, it returns the final response whatever its status, so the
// library can parse error bodies such as {"error":"invalid_grant"}. Failures
// without a response are *RequestError (wrapped by http.Client in a
// *url.Error).
func (c *Client) StandardClient(retryPOST bool) *http.Client {
	return &http.Client{Transport: &standardTransport{c: c, retryPOST: retryPOST}}
}

type standardTransport struct {
	c         *Client
	retryPOST bool
}

func (t *standardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	st := t.c.newState(req, false, t.retryPOST && req.Method == http.MethodPost)
	return t.c.roundTrip(t.c.std, st, req)
}

// GetJSON GETs url with Accept: application/json and the extra header, and
// decodes the 2xx body into out. A body that is empty, not JSON, followed by
// more data, or of a shape out cannot hold is an error with code Internal
// (asking again would not fix it) naming the URL path; it is never read as
// an empty result.
func (c *Client) GetJSON(ctx context.Context, url string, header http.Header, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		route, _ := ctx.Value(routeKey{}).(string)
		return &RequestError{
			Service: c.opts.Service, Method: http.MethodGet, Route: route,
			Code: codes.InvalidArgument, Msg: "bad URL", Err: withoutURL(err),
		}
	}
	for name, values := range header {
		for _, v := range values {
			req.Header.Add(name, v)
		}
	}
	req.Header.Set("Accept", "application/json")

	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()

	dec := json.NewDecoder(resp.Body)
	err = dec.Decode(out)
	if err == nil {
		if _, terr := dec.Token(); !errors.Is(terr, io.EOF) {
			err = errTrailingData
			if terr != nil {
				err = terr
			}
		}
	}
	if err == nil {
		return nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return &RequestError{
			Service: c.opts.Service, Method: req.Method, Route: req.URL.Path,
			Code: status.FromContextError(ctxErr).Code(), Msg: "reading response body", Err: ctxErr,
		}
	}
	var (
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		invalid   *json.InvalidUnmarshalError
	)
	msg := fmt.Sprintf("response body was not valid JSON (Content-Type %q)", resp.Header.Get("Content-Type"))
	switch {
	case errors.As(err, &typeErr):
		msg = "response JSON does not have the expected shape"
	case errors.As(err, &invalid):
		msg = "cannot decode into the given value"
	case errors.As(err, &syntaxErr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, errTrailingData):
	default:
		// The body could not be read: a network failure, not bad JSON.
		return &RequestError{
			Service: c.opts.Service, Method: req.Method, Route: req.URL.Path,
			Code: codes.Unavailable, Msg: "reading response body", Err: err,
		}
	}
	if errors.Is(err, io.EOF) {
		err = errEmptyBody
	}
	return &RequestError{
		Service: c.opts.Service, Method: req.Method, Route: req.URL.Path,
		Code: codes.Internal, Msg: msg, Err: err,
	}
}

var (
	errTrailingData = errors.New("unexpected data after the JSON value")
	errEmptyBody    = errors.New("empty body")
)

// withoutURL drops the URL a *url.Error quotes: it may hold secrets in its
// query string.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// statusError reads and closes a non-2xx (or retries-spent) response.
func (c *Client) statusError(st *reqState, resp *http.Response) *StatusError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, errorBodyReadLimit))
	_ = resp.Body.Close()

	e := &StatusError{
		Service:    c.opts.Service,
		Method:     st.method,
		Route:      st.route,
		StatusCode: resp.StatusCode,
		Code:       CodeForStatus(resp.StatusCode),
		Body:       excerpt(body),
		Header:     resp.Header,
		Attempts:   st.attempts,
	}
	if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter = d
	}
	limit := ""
	if c.opts.LimitHeader != "" {
		limit = resp.Header.Get(c.opts.LimitHeader)
	}
	limitName := "the rate limit"
	if limit != "" {
		limitName = fmt.Sprintf("rate limit %q", limit)
	}

	switch {
	case st.retryAfterTooLong:
		e.Code = codes.ResourceExhausted
		e.RetryAfter = st.retryAfter
		wait := st.retryAfter.Round(time.Second)
		reset := st.resetAt.UTC().Format(time.RFC3339)
		if resp.StatusCode == http.StatusServiceUnavailable && limit == "" {
			e.Msg = fmt.Sprintf("the service asked to retry after %s (at %s), longer than the %s this client waits; run again after that time",
				wait, reset, c.retry.MaxRetryAfter)
		} else {
			e.Msg = fmt.Sprintf("%s is exhausted until %s (%s from now), longer than the %s this client waits; run again after that time",
				limitName, reset, wait, c.retry.MaxRetryAfter)
		}
	case st.retrying && resp.StatusCode == http.StatusTooManyRequests:
		e.Code = codes.ResourceExhausted
		e.Msg = fmt.Sprintf("%s; %s still exceeded", c.gaveUp(st), limitName)
	case st.retrying && resp.StatusCode >= 500:
		e.Code = codes.Aborted
		e.Msg = c.gaveUp(st)
	case resp.StatusCode == http.StatusTooManyRequests && limit != "":
		e.Msg = limitName + " exceeded"
	}
	return e
}

func (c *Client) gaveUp(st *reqState) string {
	unit := "attempts"
	if st.attempts == 1 {
		unit = "attempt"
	}
	return fmt.Sprintf("gave up after %d %s over %s", st.attempts, unit, time.Since(st.start).Round(time.Millisecond))
}

func (c *Client) requestError(st *reqState, code codes.Code, msg string, err error) *RequestError {
	return &RequestError{
		Service: c.opts.Service, Method: st.method, Route: st.route,
		Code: code, Attempts: st.attempts, Msg: msg, Err: err,
	}
}

// transportError codes a failure that left no response.
func (c *Client) transportError(ctx context.Context, st *reqState, err error) error {
	err = withoutURL(err)
	if ctxErr := ctx.Err(); ctxErr != nil {
		if !errors.Is(err, ctxErr) {
			err = ctxErr
		}
		return c.requestError(st, status.FromContextError(ctxErr).Code(), "", err)
	}
	var te *tokenError
	if errors.As(err, &te) {
		code := codes.Unauthenticated
		var coded interface{ GRPCStatus() *status.Status }
		if errors.As(te.err, &coded) {
			if s := coded.GRPCStatus(); s != nil && s.Code() != codes.OK {
				code = s.Code()
			}
		}
		return c.requestError(st, code, "get access token", te.err)
	}
	if st.retrying {
		return c.requestError(st, codes.Aborted, c.gaveUp(st), err)
	}
	if isRetryableError(err) {
		return c.requestError(st, codes.Unavailable, "", err)
	}
	return c.requestError(st, codes.Unknown, "", err)
}

// attemptTransport sends one attempt: it waits for the limiter, sets the
// User-Agent and token, applies the per-attempt timeout, counts and logs the
// attempt and feeds quota headers back to the limiter.
type attemptTransport struct {
	c         *Client
	withToken bool
}

// tokenError marks an error from the TokenSource, which is never retried.
type tokenError struct{ err error }

func (e *tokenError) Error() string { return "get access token: " + e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }

// attemptTimeoutError is an attempt that ran past Options.Timeout.
type attemptTimeoutError struct {
	timeout time.Duration
	err     error
}

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("attempt timed out after %s: %v", e.timeout, e.err)
}
func (e *attemptTimeoutError) Unwrap() error { return e.err }
func (e *attemptTimeoutError) Timeout() bool { return true }

func closeRequestBody(req *http.Request) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
}

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := t.c
	ctx := req.Context()
	st := stateFrom(ctx)
	if st == nil {
		closeRequestBody(req)
		return nil, errors.New("httpx: request was not sent through a Client")
	}

	release, err := c.opts.Limiter.Acquire(ctx, st.keys...)
	if err != nil {
		closeRequestBody(req)
		return nil, err
	}
	actx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	done := func() {
		cancel()
		release()
	}

	out := req.Clone(actx)
	if c.opts.UserAgent != "" {
		out.Header.Set("User-Agent", c.opts.UserAgent)
	}
	if t.withToken && c.opts.TokenSource != nil && out.URL.Host == st.host {
		tok, err := c.opts.TokenSource.Token()
		if err != nil {
			done()
			closeRequestBody(req)
			return nil, &tokenError{err: err}
		}
		out.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		st.lastToken = tok
	}

	st.attempts++
	c.opts.Recorder.Add(st.method, st.route)
	start := time.Now()
	resp, err := c.base.RoundTrip(out)
	fields := []zap.Field{
		zap.String("service", c.opts.Service),
		zap.String("method", st.method),
		zap.String("route", st.route),
		zap.Int("attempt", st.attempts),
	}
	if err != nil {
		timedOut := errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
		done()
		if timedOut {
			err = &attemptTimeoutError{timeout: c.opts.Timeout, err: err}
		}
		c.log.Debug("http attempt failed", append(fields,
			zap.Duration("duration", time.Since(start)), zap.String("error", err.Error()))...)
		return nil, err
	}
	c.log.Debug("http attempt", append(fields,
		zap.Int("status", resp.StatusCode), zap.Duration("duration", time.Since(start)))...)
	c.observeQuota(st, resp.Header)
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: done}
	return resp, nil
}

// observeQuota feeds the quota headers of a response to the limiter.
func (c *Client) observeQuota(st *reqState, h http.Header) {
	if c.opts.Limiter == nil {
		return
	}
	for _, qh := range c.opts.QuotaHeaders {
		remaining, ok := parseRemaining(h.Get(qh.Header))
		if !ok {
			continue
		}
		for _, k := range st.keys {
			if k.Class == qh.Class {
				c.opts.Limiter.Observe(k, remaining)
			}
		}
	}
}

// releasingBody gives back the attempt's limiter slots and timeout when
// the body is closed.
type releasingBody struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}

// checkRetry is retryablehttp's CheckRetry: it records its decision in the
// request state and never returns an error, so that the final response or
// transport error reaches Do untouched.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := stateFrom(ctx)
	if st == nil {
		return false, nil
	}
	st.retrying = c.shouldRetry(ctx, st, resp, err)
	return st.retrying, nil
}

func (c *Client) shouldRetry(ctx context.Context, st *reqState, resp *http.Response, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if err != nil {
		var te *tokenError
		if errors.As(err, &te) {
			return false
		}
		if st.noReplay {
			return st.idempotent && isNotSentError(err)
		}
		return st.idempotent && isRetryableError(err)
	}
	if st.noReplay && resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusTooManyRequests {
		return false
	}
	switch resp.StatusCode {
	case http.StatusUnauthorized:
		inv, ok := c.opts.TokenSource.(Invalidator)
		if !st.withToken || !ok || st.invalidated || st.lastToken == nil {
			return false
		}
		inv.Invalidate(st.lastToken)
		st.invalidated = true
		return true
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		now := time.Now()
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok && d > c.retry.MaxRetryAfter {
			st.retryAfterTooLong, st.retryAfter, st.resetAt = true, d, now.Add(d)
			return false
		}
		return st.idempotent
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return st.idempotent
	}
	return false
}

// backoff is retryablehttp's Backoff: full jitter over a capped exponential,
// a positive Retry-After on 429 and 503 instead, and no wait before the
// fresh-token retry of a 401.
func (c *Client) backoff(minWait, maxWait time.Duration, attemptNum int, resp *http.Response) time.Duration {
	if resp != nil {
		switch resp.StatusCode {
		case http.StatusUnauthorized:
			return 0
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok && d > 0 {
				return d
			}
		}
	}
	return fullJitter(minWait, maxWait, attemptNum)
}

// fullJitter returns a random duration in [0, min(maxWait, minWait·2^attemptNum)].
func fullJitter(minWait, maxWait time.Duration, attemptNum int) time.Duration {
	ceiling := minWait
	for i := 0; i < attemptNum && ceiling < maxWait; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, maxWait)
	if ceiling <= 0 {
		return 0
	}
	return rand.N(ceiling + 1) //nolint:gosec // jitter needs no cryptographic randomness
}
