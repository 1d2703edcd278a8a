// This file holds the calls a connector makes (Do, StandardClient) and the
// round trip both run through go-retryablehttp.
package httpx

import (
	"context"
	"io"
	"net/http"
	"time"

	"github.com/hashicorp/go-retryablehttp"
	"google.golang.org/grpc/codes"
)

// Do sends req with retries. A 2xx response is returned as is and the
// caller must close its body; the request's in-flight rate-limit slots and
// its per-attempt timeout last until then, and reading more than
// Options.MaxBodyBytes of it fails. Any other status is read (at most
// 64 KiB), closed and returned as a *StatusError. Failures without a
// response are *RequestError. Every error carries a gRPC code and Attempts.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	resp, _, err := c.do(req, nil)
	return resp, err
}

// do is Do with an optional handler that reads a 2xx body within the
// attempt, so that a read failure is retried like any other (see
// retryablehttp.ResponseHandlerFunc). It also returns the call's state.
func (c *Client) do(req *http.Request, handle retryablehttp.ResponseHandlerFunc) (*http.Response, *reqState, error) {
	st := c.newState(req, true, false)
	resp, err := c.roundTrip(c.withToken, st, req, handle)
	if err != nil {
		return nil, st, err
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		resp.Body = &limitedBody{ReadCloser: resp.Body, left: c.opts.MaxBodyBytes, c: c, st: st}
		return resp, st, nil
	}
	return nil, st, c.statusError(st, resp)
}

// roundTrip runs req through retryablehttp with hooks bound to st and
// returns the final response whatever its status, or a *RequestError.
// retryablehttp replays the request body on every attempt.
func (c *Client) roundTrip(hc *http.Client, st *reqState, req *http.Request, handle retryablehttp.ResponseHandlerFunc) (*http.Response, error) {
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
	if handle != nil {
		rreq.SetResponseHandler(handle)
	}

	rc := &retryablehttp.Client{
		HTTPClient: hc,
		// retryablehttp's own logging would print full URLs, query strings
		// included; the attempt transport logs instead.
		Logger:       nil,
		RetryWaitMin: c.retry.MinBackoff,
		RetryWaitMax: c.retry.MaxBackoff,
		RetryMax:     c.retry.MaxAttempts - 1,
		CheckRetry:   c.checkRetry,
		Backoff:      func(_, _ time.Duration, _ int, _ *http.Response) time.Duration { return st.nextWait },
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
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

// StandardOption changes what StandardClient's transport does.
type StandardOption int

// RetryPOST makes StandardClient retry POST like an idempotent request: for
// token endpoints that accept a repeated exchange (Xero honours a lost
// refresh for 30 minutes).
const RetryPOST StandardOption = 1

// StandardClient returns an *http.Client for libraries that want one (such
// as golang.org/x/oauth2's token exchange). Its transport applies the
// User-Agent, per-attempt timeout, limiter, quota headers, accounting,
// redirect rules and retries of c, but not the TokenSource. POST is retried
// only with RetryPOST. Unlike Do, it returns the final response whatever
// its status, so the library can parse error bodies such as
// {"error":"invalid_grant"}. Failures without a response are *RequestError
// (wrapped by http.Client in a *url.Error).
func (c *Client) StandardClient(opts ...StandardOption) *http.Client {
	t := &standardTransport{c: c}
	for _, o := range opts {
		if o == RetryPOST {
			t.retryPOST = true
		}
	}
	return &http.Client{Transport: t, CheckRedirect: refuseAllRedirects}
}

type standardTransport struct {
	c         *Client
	retryPOST bool
}

func (t *standardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	st := t.c.newState(req, false, t.retryPOST && req.Method == http.MethodPost)
	return t.c.roundTrip(t.c.noToken, st, req, nil)
}
