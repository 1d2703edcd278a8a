package fakeapi

import (
	"sync"
	"time"
)

// Clock tells a fake what time it is, so that token lifetimes and rate
// windows can run on real, manual or scaled time.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// RealClock is the wall clock.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// ManualClock only moves when told to. It is safe for concurrent use.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a ManualClock showing start.
func NewManualClock(start time.Time) *ManualClock {
	return &ManualClock{now: start}
}

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d (backwards if d is negative).
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// ScaledClock runs factor times faster than the wall clock from the moment
// it is created, so a demo can live through a 30-minute token lifetime in
// seconds. It is safe for concurrent use.
type ScaledClock struct {
	origin time.Time
	start  time.Time
	factor float64
	since  func(time.Time) time.Duration
}

// NewScaledClock returns a clock that starts at the current wall time and
// advances factor times faster than it. factor <= 0 is treated as 1.
func NewScaledClock(factor float64) *ScaledClock {
	if factor <= 0 {
		factor = 1
	}
	now := time.Now()
	return &ScaledClock{origin: now, start: now, factor: factor, since: time.Since}
}

// Now returns the scaled time.
func (c *ScaledClock) Now() time.Time {
	elapsed := c.since(c.start)
	return c.origin.Add(time.Duration(float64(elapsed) * c.factor))
}
