// Package ratelimit keeps a connector inside its vendor's request quotas
// before the vendor has to say no. Requests are keyed by scope (a tenant, the
// whole app, ...); each key class has a Policy giving how many requests one key
// may start per window and how many may be in flight at once. A Limiter hands
// out permission to start a request for a set of keys at a time, and slows a
// key down when the vendor reports (through Observe) that little of its quota
// is left.
//
// A Limiter is safe for concurrent use; a nil *Limiter limits nothing.
package ratelimit

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// DefaultWindow is the window used for a Policy that sets a Limit but no
// Window.
const DefaultWindow = time.Minute

// BurstDivisor sets the burst of a key's token bucket: Limit/BurstDivisor
// requests (at least one) may start back to back; the rest of the quota is
// spread evenly over the window.
const BurstDivisor = 10

// LowWaterDivisor sets the low-water mark for Observe: when the vendor says
// at most Limit/LowWaterDivisor requests (at least one) remain, the key
// slows down.
const LowWaterDivisor = 10

// Policy says how many requests one key may make: at most Limit requests
// starting in any Window (a vendor's "60 a minute"), and at most MaxInFlight
// at once. Limit 0 means no rate limit; MaxInFlight 0 means no cap on
// concurrency. A zero Window with a non-zero Limit means DefaultWindow.
type Policy struct {
	Limit       int
	Window      time.Duration
	MaxInFlight int
}

// Key names one scope requests are counted against, e.g. {"tenant", "<uuid>"}
// or {"app", ""}. Class selects the Policy.
type Key struct {
	Class, ID string
}

// String renders the key for error messages.
func (k Key) String() string {
	if k.ID == "" {
		return k.Class
	}
	return k.Class + "/" + k.ID
}

// Limiter limits requests per Key according to the Policy of the key's class.
// Buckets are created lazily, one per key seen.
type Limiter struct {
	policies map[string]Policy

	// now and sleep are the clock; tests replace them.
	now   func() time.Time
	sleep func(ctx context.Context, d time.Duration) error
	// started, if set, is called (with mu held) for every key each time a
	// request is allowed to start. Tests use it to record start times.
	started func(Key, time.Time)

	mu      sync.Mutex
	buckets map[Key]*bucket
}

// New returns a Limiter applying policies by Key.Class. Keys of a class
// without a policy are unlimited.
func New(policies map[string]Policy) *Limiter {
	ps := make(map[string]Policy, len(policies))
	for class, p := range policies {
		if p.Limit > 0 && p.Window <= 0 {
			p.Window = DefaultWindow
		}
		ps[class] = p
	}
	return &Limiter{
		policies: ps,
		now:      time.Now,
		sleep:    sleepCtx,
		buckets:  make(map[Key]*bucket),
	}
}

// Acquire waits until every key has both a rate token and an in-flight slot,
// then returns a func that gives the in-flight slots back. The release func
// may be called more than once; only the first call counts. If ctx ends first,
// Acquire returns ctx.Err() wrapped and holds nothing.
//
// In-flight slots are taken first, one key at a time in a fixed order (by
// Class, then ID), so goroutines acquiring overlapping key sets cannot
// deadlock. Rate tokens are then taken for all keys at the same instant, and
// only when every key has one; while any key lacks a token none is taken and
// Acquire sleeps until the latest of them is due. Taking the tokens at the
// moment the request is allowed to start is what keeps the window guarantee
// (see newBucket) true for start times, not just for reservations.
func (l *Limiter) Acquire(ctx context.Context, keys ...Key) (release func(), err error) {
	if l == nil {
		return func() {}, nil
	}
	buckets := l.bucketsFor(keys)
	if len(buckets) == 0 {
		return func() {}, nil
	}

	var held []*bucket
	releaseHeld := func() {
		for i := len(held) - 1; i >= 0; i-- {
			<-held[i].slots
		}
		held = nil
	}
	for _, b := range buckets {
		if b.slots == nil {
			continue
		}
		select {
		case b.slots <- struct{}{}:
			held = append(held, b)
		case <-ctx.Done():
			releaseHeld()
			return nil, fmt.Errorf("ratelimit: waiting for an in-flight slot for %s: %w", b.key, ctx.Err())
		}
	}

	for {
		l.mu.Lock()
		now := l.now()
		var wait time.Duration
		var waitFor Key
		for _, b := range buckets {
			if d := b.delay(now); d > wait {
				wait, waitFor = d, b.key
			}
		}
		if wait == 0 {
			for _, b := range buckets {
				b.take(now)
				if l.started != nil {
					l.started(b.key, now)
				}
			}
			l.mu.Unlock()
			break
		}
		l.mu.Unlock()
		if err := l.sleep(ctx, wait); err != nil {
			releaseHeld()
			return nil, fmt.Errorf("ratelimit: waiting for a rate token for %s: %w", waitFor, err)
		}
	}

	var once sync.Once
	return func() { once.Do(releaseHeld) }, nil
}

// Observe feeds the vendor's report of how many requests key has left in
// the current window (a "remaining quota" response header).
//
//   - remaining 0 (or less): no new request for key starts until a full
//     Window has passed. Such a block is only ever extended by later calls,
//     never lifted early, because responses may arrive out of order.
//   - remaining at or below the low-water mark (Limit/LowWaterDivisor, at
//     least 1): for the next Window, requests for key start no more often
//     than one per Window/remaining, so what is left is spread over the
//     window instead of spent at once.
//   - above the low-water mark: the key goes back to its normal rate.
//
// Observe ignores keys whose class has no policy with a Limit.
func (l *Limiter) Observe(key Key, remaining int) {
	if l == nil {
		return
	}
	p, ok := l.policies[key.Class]
	if !ok || p.Limit <= 0 {
		return
	}
	b := l.bucketsFor([]Key{key})[0]

	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	switch {
	case remaining <= 0:
		until := now.Add(p.Window)
		if until.After(b.blockedUntil) {
			b.blockedUntil = until
		}
		b.tokens = 0
		b.last = now
	case remaining <= max(1, p.Limit/LowWaterDivisor):
		b.slowUntil = now.Add(p.Window)
		b.slowEvery = p.Window / time.Duration(remaining)
	default:
		b.slowUntil = time.Time{}
		b.slowEvery = 0
	}
}

// bucketsFor returns the buckets of the limited keys among keys, created if
// need be, deduplicated and sorted by Class, then ID.
func (l *Limiter) bucketsFor(keys []Key) []*bucket {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []*bucket
	for _, k := range keys {
		b, ok := l.buckets[k]
		if !ok {
			p, limited := l.policies[k.Class]
			if !limited || (p.Limit <= 0 && p.MaxInFlight <= 0) {
				continue
			}
			b = newBucket(k, p, l.now())
			l.buckets[k] = b
		}
		if !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	slices.SortFunc(out, func(a, b *bucket) int {
		return cmp.Or(cmp.Compare(a.key.Class, b.key.Class), cmp.Compare(a.key.ID, b.key.ID))
	})
	return out
}

// bucket is the state of one key. Every field but slots is guarded by
// Limiter.mu.
type bucket struct {
	key   Key
	slots chan struct{} // in-flight semaphore; nil when MaxInFlight is 0

	limited bool    // Limit > 0
	burst   float64 // B: tokens the bucket holds when full
	perSec  float64 // r: tokens added per second
	tokens  float64
	last    time.Time // when tokens was last brought up to date

	blockedUntil time.Time     // Observe(0): nothing starts before this
	slowUntil    time.Time     // Observe(low): slow mode lasts until this
	slowEvery    time.Duration // minimum gap between starts in slow mode
	lastStart    time.Time
}

// newBucket sizes the token bucket of a key so that no more than Limit
// requests start in ANY interval of length Window, not just in windows
// aligned to some clock: vendors may count with a rolling window.
//
// A bucket with burst B refilled at r tokens per second lets at most
// B + r·Window requests start in an interval of length Window (B saved up
// beforehand plus what trickles in during it). So we choose
//
//	B = max(1, Limit/BurstDivisor)
//	r = (Limit − B) / Window
//
// which makes B + r·Window = Limit. Limit+1 starts need at least
// (Limit+1−B)/r > Window, so the bound holds for closed intervals too.
// For Limit 1 this formula gives r = 0, which would stop the key for good;
// there we use r = 1/(1.01·Window) instead, so consecutive starts are more
// than a Window apart.
//
// golang.org/x/time/rate is not used because Acquire must check several
// buckets and take from all of them at the same instant, and Observe must be
// able to empty and block a bucket; a plain float bucket does both simply.
func newBucket(k Key, p Policy, now time.Time) *bucket {
	b := &bucket{key: k, last: now}
	if p.MaxInFlight > 0 {
		b.slots = make(chan struct{}, p.MaxInFlight)
	}
	if p.Limit > 0 {
		burst := max(1, p.Limit/BurstDivisor)
		b.limited = true
		b.burst = float64(burst)
		b.tokens = b.burst
		if p.Limit > burst {
			b.perSec = float64(p.Limit-burst) / p.Window.Seconds()
		} else {
			b.perSec = 1 / (1.01 * p.Window.Seconds())
		}
	}
	return b
}

// refill brings tokens up to date at now.
func (b *bucket) refill(now time.Time) {
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = min(b.burst, b.tokens+elapsed.Seconds()*b.perSec)
		b.last = now
	}
}

// delay returns how long from now until the key may start a request.
func (b *bucket) delay(now time.Time) time.Duration {
	var d time.Duration
	if now.Before(b.blockedUntil) {
		d = b.blockedUntil.Sub(now)
	}
	if now.Before(b.slowUntil) && !b.lastStart.IsZero() {
		if next := b.lastStart.Add(b.slowEvery); next.After(now) {
			d = max(d, next.Sub(now))
		}
	}
	if b.limited {
		b.refill(now)
		if b.tokens < 1 {
			need := (1 - b.tokens) / b.perSec
			// Round up so that waking after the delay always finds the token.
			d = max(d, time.Duration(need*float64(time.Second))+time.Microsecond)
		}
	}
	return d
}

// take records a start at now; delay(now) must have returned 0.
func (b *bucket) take(now time.Time) {
	if b.limited {
		b.refill(now)
		b.tokens--
	}
	b.lastStart = now
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
