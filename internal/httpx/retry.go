// This file holds the retry decision and the backoff: go-retryablehttp's
// CheckRetry hook decides, per attempt, whether and after how long the call
// is tried again, within RetryPolicy.
package httpx

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// checkRetry is retryablehttp's CheckRetry: it records its decision and the
// wait before the next attempt in the call's state, and never returns an
// error, so that the final response or transport error reaches the caller
// untouched. The Backoff hook hands st.nextWait to retryablehttp.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := stateFrom(ctx)
	if st == nil {
		return false, nil
	}
	st.retrying = false
	if !c.shouldRetry(ctx, st, resp, err) {
		return false, nil
	}
	st.retrying = true
	wait, fromRetryAfter := c.backoff(st, resp)
	left := time.Until(st.deadline)
	if wait < left {
		st.nextWait = wait
		return true, nil
	}
	// The sleep would cross the call's deadline: stop now rather than
	// sleep into it.
	if fromRetryAfter {
		now := time.Now()
		st.retrying = false
		st.retryAfterTooLong, st.retryAfterPastDeadline = true, true
		st.retryAfter, st.resetAt = wait, now.Add(wait)
		return false, nil
	}
	st.outOfTime = true
	return false, nil
}

// shouldRetry says whether the outcome of an attempt is worth another one.
func (c *Client) shouldRetry(ctx context.Context, st *reqState, resp *http.Response, err error) bool {
	if ctx.Err() != nil || st.outOfTime {
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
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		inv, ok := c.opts.TokenSource.(Invalidator)
		if !st.withToken || !ok || st.invalidated || st.lastToken == nil {
			return false
		}
		inv.Invalidate(st.lastToken)
		st.invalidated = true
		return true
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable:
		now := time.Now()
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), now); ok && d > c.retry.MaxRetryAfter {
			st.retryAfterTooLong, st.retryAfter, st.resetAt = true, d, now.Add(d)
			return false
		}
		return st.idempotent
	case isRetryableStatus(resp.StatusCode):
		return st.idempotent
	}
	return false
}

// isRetryableStatus reports whether a status is transient: 408, 429 and
// every 5xx but 501 Not Implemented (a CDN's 52x included).
func isRetryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusTooManyRequests:
		return true
	case http.StatusNotImplemented:
		return false
	}
	return code >= 500 && code < 600
}

// backoff returns the wait before the next attempt of st, and whether a
// Retry-After asked for it: a positive Retry-After on 429 and 503, no wait
// before the fresh-token retry of a 401, full jitter otherwise.
func (c *Client) backoff(st *reqState, resp *http.Response) (time.Duration, bool) {
	if resp != nil {
		switch resp.StatusCode {
		case http.StatusUnauthorized:
			return 0, false
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok && d > 0 {
				return d, true
			}
		}
	}
	return fullJitter(c.retry.MinBackoff, c.retry.MaxBackoff, st.attempts-1), false
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

// parseRetryAfter parses a Retry-After value, either integer seconds or an
// HTTP date (taken relative to now; a date in the past means 0).
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		const maxSecs = int64(1<<63-1) / int64(time.Second)
		return time.Duration(min(secs, maxSecs)) * time.Second, true
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0, false
	}
	return max(0, t.Sub(now)), true
}
