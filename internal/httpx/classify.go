// This file turns the end of a call (a final response, a failure without
// one) into the error the caller gets, with its gRPC code, message and
// attempt count.
package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

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
		bound := fmt.Sprintf("longer than the %s this client waits", c.retry.MaxRetryAfter)
		if st.retryAfterPastDeadline {
			bound = fmt.Sprintf("past this call's time limit of %s (RetryPolicy.MaxElapsed)", c.retry.MaxElapsed)
		}
		if resp.StatusCode == http.StatusServiceUnavailable && limit == "" {
			e.Msg = fmt.Sprintf("the service asked to retry after %s (at %s), %s; run again after that time", wait, reset, bound)
		} else {
			e.Msg = fmt.Sprintf("%s is exhausted until %s (%s from now), %s; run again after that time", limitName, reset, wait, bound)
		}
	case st.retrying && resp.StatusCode == http.StatusTooManyRequests:
		e.Code = codes.ResourceExhausted
		e.Msg = fmt.Sprintf("%s; %s still exceeded", c.gaveUp(st), limitName)
	case st.retrying && isRetryableStatus(resp.StatusCode):
		e.Code = codes.Aborted
		e.Msg = c.gaveUp(st)
	case resp.StatusCode == http.StatusTooManyRequests && limit != "":
		e.Msg = limitName + " exceeded"
	}
	return e
}

// gaveUp says how long the call tried, and why it stopped when it was the
// time limit.
func (c *Client) gaveUp(st *reqState) string {
	unit := "attempts"
	if st.attempts == 1 {
		unit = "attempt"
	}
	msg := fmt.Sprintf("gave up after %d %s over %s", st.attempts, unit, time.Since(st.start).Round(time.Millisecond))
	if st.outOfTime {
		msg += fmt.Sprintf(", the call's time limit of %s (RetryPolicy.MaxElapsed)", c.retry.MaxElapsed)
	}
	return msg
}

func (c *Client) requestError(st *reqState, code codes.Code, msg string, err error) *RequestError {
	return &RequestError{
		Service: c.opts.Service, Method: st.method, Route: st.route,
		Code: code, Attempts: st.attempts, Msg: msg, Err: err,
	}
}

// tooLarge is the error of a 2xx body past Options.MaxBodyBytes: not
// retried, asking again gets the same body.
func (c *Client) tooLarge(st *reqState) *RequestError {
	return c.requestError(st, codes.FailedPrecondition, "", &BodyTooLargeError{Limit: c.opts.MaxBodyBytes})
}

// transportError codes a failure that left no usable response. Once httpx
// has given up it is never Unavailable or DeadlineExceeded (baton-sdk would
// retry those forever); only the caller's own ended context keeps its code.
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
	var redirect *RedirectError
	if errors.As(err, &redirect) {
		return c.requestError(st, codes.FailedPrecondition, "", err)
	}
	var re *RequestError
	if errors.As(err, &re) {
		// Already coded and named: a body that was too large.
		re.Attempts = st.attempts
		return re
	}
	switch {
	case st.retrying || st.outOfTime:
		return c.requestError(st, codes.Aborted, c.gaveUp(st), err)
	case isRetryableError(err) && !st.idempotent:
		return c.requestError(st, codes.Aborted, "not retried: a "+st.method+" may have reached the server", err)
	case isRetryableError(err):
		return c.requestError(st, codes.Aborted, "not retried", err)
	}
	return c.requestError(st, codes.Unknown, "", err)
}

// withoutURL drops the URL a *url.Error quotes: it may hold secrets in its
// query string.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
