// This file holds the per-attempt transport: it waits for the limiter, sets
// the User-Agent and token, bounds the attempt in time, counts and logs it,
// and feeds quota headers back to the limiter.
package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"go.uber.org/zap"
)

// attemptTransport sends one attempt of a call whose state is in the
// request's context.
type attemptTransport struct {
	c         *Client
	withToken bool
}

// tokenError marks an error from the TokenSource, which is never retried.
type tokenError struct{ err error }

func (e *tokenError) Error() string { return "get access token: " + e.err.Error() }
func (e *tokenError) Unwrap() error { return e.err }

// attemptTimeoutError is an attempt that ran past Options.Timeout (or into
// the call's MaxElapsed deadline).
type attemptTimeoutError struct {
	timeout time.Duration
	err     error
}

func (e *attemptTimeoutError) Error() string {
	return fmt.Sprintf("attempt timed out after %s: %v", e.timeout, e.err)
}
func (e *attemptTimeoutError) Unwrap() error { return e.err }
func (e *attemptTimeoutError) Timeout() bool { return true }

// errOutOfTime is the cause of an attempt context that reached the call's
// MaxElapsed deadline.
var errOutOfTime = errors.New("the call's time limit was reached")

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

	// The limiter wait and the attempt both end at the call's deadline.
	dctx, dcancel := context.WithDeadlineCause(ctx, st.deadline, errOutOfTime)
	release, err := c.opts.Limiter.Acquire(dctx, st.keys...)
	if err != nil {
		dcancel()
		closeRequestBody(req)
		if ctx.Err() == nil && errors.Is(context.Cause(dctx), errOutOfTime) {
			st.outOfTime = true
		}
		return nil, err
	}
	timeout := min(c.opts.Timeout, time.Until(st.deadline))
	actx, cancel := context.WithTimeout(dctx, timeout)
	done := func() {
		cancel()
		dcancel()
		release()
	}

	out := req.Clone(actx)
	if c.opts.UserAgent != "" {
		out.Header.Set("User-Agent", c.opts.UserAgent)
	}
	// A redirected request (req.Response set) never carries the token,
	// whatever its host: see checkRedirect.
	if t.withToken && c.opts.TokenSource != nil && out.URL.Host == st.host && req.Response == nil {
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
		if timedOut && errors.Is(context.Cause(dctx), errOutOfTime) {
			st.outOfTime = true
		}
		done()
		if timedOut {
			err = &attemptTimeoutError{timeout: timeout, err: err}
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

// limitedBody fails a read past Options.MaxBodyBytes with a
// *BodyTooLargeError instead of reading on.
type limitedBody struct {
	io.ReadCloser
	left int64
	c    *Client
	st   *reqState
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		// One byte more tells a body of exactly the limit from a longer one.
		var one [1]byte
		n, err := b.ReadCloser.Read(one[:])
		if n > 0 {
			return 0, b.c.tooLarge(b.st)
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.ReadCloser.Read(p)
	b.left -= int64(n)
	return n, err
}
