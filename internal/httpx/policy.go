// This file holds the retry policy: how often, how patiently and for how
// long in all a request is retried, as a value with named defaults.
package httpx

import "time"

// DefaultTimeout bounds one attempt when Options.Timeout is zero.
const DefaultTimeout = 60 * time.Second

// DefaultMaxBodyBytes bounds a successful response body when
// Options.MaxBodyBytes is zero. Xero's /Users and Workato's /api/members are
// unpaginated; 64 MiB is far above any real workspace and far below an
// out-of-memory kill.
const DefaultMaxBodyBytes int64 = 64 << 20

// RetryPolicy says how often and how patiently a request is retried. Each
// zero field takes its value from DefaultRetryPolicy.
type RetryPolicy struct {
	MaxAttempts   int           // total attempts including the first
	MinBackoff    time.Duration // first backoff; doubles per attempt, with full jitter
	MaxBackoff    time.Duration // cap on the computed backoff
	MaxRetryAfter time.Duration // a longer Retry-After ends the request at once
	// MaxElapsed bounds one call: its attempts, the rate-limiter waits and
	// the sleeps between them (Retry-After included) never add up to more.
	// A retry whose sleep would cross it is not made: the call fails with
	// Aborted, or ResourceExhausted when a Retry-After asked for the wait.
	MaxElapsed time.Duration
}

// DefaultRetryPolicy is used for the zero fields of Options.Retry.
var DefaultRetryPolicy = RetryPolicy{
	MaxAttempts:   6,
	MinBackoff:    500 * time.Millisecond,
	MaxBackoff:    30 * time.Second,
	MaxRetryAfter: 5 * time.Minute,
	MaxElapsed:    5 * time.Minute,
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
	if p.MaxElapsed <= 0 {
		p.MaxElapsed = DefaultRetryPolicy.MaxElapsed
	}
	return p
}
