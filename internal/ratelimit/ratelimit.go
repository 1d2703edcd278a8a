// Package ratelimit keeps a connector inside its vendor's request quotas
// before the vendor has to say no. Requests are keyed by scope (a tenant, the
// whole app, ...); each key class has a Policy giving how many requests one key
// may start per rolling window and how many may be in flight at once. A
// Limiter hands out permission to start a request for a set of keys at a
// time, and leaves room for the requests of others sharing the quota when
// the vendor reports (through Observe) less left than its own log accounts
// for.
//
// The rate rule is the vendor's own, exactly, with no smoothing: a sliding
// log admits a request whenever fewer than Limit requests of the key were
// counted in the last Window, so a sync that fits in one window runs at full
// speed and a larger one at the window bound. A request is counted from the
// moment it starts until Window after its answer arrived (the release), not
// after its start: the vendor counts it when it arrives, which is somewhere
// in between, so the log never admits one more than the vendor allows.
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

	mu       sync.Mutex
	buckets  map[Key]*bucket
	released chan struct{} // closed and replaced on every release
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
		released: make(chan struct{}),
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
// only when every key has a place in its window; while any key lacks one
// none is taken and Acquire sleeps until the latest of them is due (or, when
// every counted request is still in flight, until one is released). Calling
// release stamps the request's place in each key's log with the time of the
// answer: see the package comment.
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

	var entries []*entry
	for {
		l.mu.Lock()
		now := l.now()
		var wait time.Duration
		var waitFor Key
		needRelease := false
		for _, b := range buckets {
			d, full := b.delay(now)
			if d > wait {
				wait, waitFor = d, b.key
			}
			if full && d == 0 {
				needRelease, waitFor = true, b.key
			}
		}
		if wait == 0 && !needRelease {
			for _, b := range buckets {
				if e := b.take(now); e != nil {
					entries = append(entries, e)
				}
				if l.started != nil {
					l.started(b.key, now)
				}
			}
			l.mu.Unlock()
			break
		}
		released := l.released
		l.mu.Unlock()
		var err error
		if needRelease && wait == 0 {
			// Every counted request is still in flight: only a release
			// can free a place.
			select {
			case <-released:
			case <-ctx.Done():
				err = ctx.Err()
			}
		} else {
			err = l.sleep(ctx, wait)
		}
		if err != nil {
			releaseHeld()
			return nil, fmt.Errorf("ratelimit: waiting for a place in the rate window of %s: %w", waitFor, err)
		}
	}

	var once sync.Once
	return func() {
		once.Do(func() {
			l.finish(entries)
			releaseHeld()
		})
	}, nil
}

// finish stamps the log entries of a request with the time its answer
// arrived and wakes the Acquires waiting for a release.
func (l *Limiter) finish(entries []*entry) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	for _, e := range entries {
		e.b.finish(e, now)
	}
	close(l.released)
	l.released = make(chan struct{})
}

// Observe feeds the vendor's report of how many requests key has left in
// the current window (a "remaining quota" response header), given while
// the request it answers is still in flight.
//
// The vendor has counted Limit - remaining requests; the key's own log
// accounts for its released requests and the one being answered. The rest
// are someone else's (another job on the same app, or this app before the
// process started), and they hold places in the key's window for a Window
// from the report that counted the most of them: a later report that
// counts fewer lowers the estimate only once that lapses, since reports may
// arrive out of order. Alone, the estimate is at most the requests in
// flight, so the key keeps its full rate: a report of 0 left after the
// key's own requests does not stop it beyond its own log, which already
// waits for its oldest requests to leave the window (a vendor counting
// fixed windows resets no later). Beside a neighbour the key leaves the
// neighbour's share instead of running into 429s.
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
	b.prune(now)
	ours := len(b.done)
	if b.pending > 0 {
		ours++ // the request this report answers
	}
	others := max(0, p.Limit-max(0, remaining)-ours)
	if now.Before(b.othersUntil) && others < b.others {
		return
	}
	b.others, b.othersUntil = others, now.Add(p.Window)
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
			b = newBucket(k, p)
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

	limit  int           // 0: no rate limit
	window time.Duration // the rolling window
	// pending counts requests started and not yet released: each holds a
	// place in every window until its answer arrives.
	pending int
	// done holds the release times of finished requests still inside the
	// window, sorted; older ones are pruned.
	done []time.Time

	// others is how many places in the window the vendor's reports give
	// to requests not in the log, until othersUntil (Observe).
	others      int
	othersUntil time.Time
}

// entry is one request's place in a bucket's log.
type entry struct {
	b        *bucket
	finished bool
}

func newBucket(k Key, p Policy) *bucket {
	b := &bucket{key: k, limit: max(0, p.Limit), window: p.Window}
	if p.MaxInFlight > 0 {
		b.slots = make(chan struct{}, p.MaxInFlight)
	}
	return b
}

// prune drops the releases that left the window at now. A release at t
// counts for the closed interval [t, t+window].
func (b *bucket) prune(now time.Time) {
	cut := 0
	for cut < len(b.done) && now.Sub(b.done[cut]) > b.window {
		cut++
	}
	if cut > 0 {
		b.done = slices.Delete(b.done, 0, cut)
	}
}

// delay returns how long from now until the key may start a request. full
// with a zero delay means the window is taken up by requests in flight: the
// key may start once one of them is released.
func (b *bucket) delay(now time.Time) (d time.Duration, full bool) {
	if b.limit == 0 {
		return 0, false
	}
	b.prune(now)
	others := 0
	if now.Before(b.othersUntil) {
		others = b.others
	}
	over := b.pending + len(b.done) + others - b.limit
	if over < 0 {
		return 0, false
	}
	if over < len(b.done) {
		// The over+1 oldest releases must leave the window first.
		d = b.done[over].Add(b.window).Add(time.Nanosecond).Sub(now)
	}
	if others > 0 {
		// Or the others' places lapse, whichever comes first.
		if lapse := b.othersUntil.Sub(now); d == 0 || lapse < d {
			d = lapse
		}
		return d, false
	}
	return d, over >= len(b.done)
}

// take records a start at now; delay(now) must have returned 0, not full.
func (b *bucket) take(now time.Time) *entry {
	if b.limit == 0 {
		return nil
	}
	b.pending++
	return &entry{b: b}
}

// finish moves e from in flight to the log of releases, stamped at now.
func (b *bucket) finish(e *entry, now time.Time) {
	if e.finished {
		return
	}
	e.finished = true
	b.pending--
	i, _ := slices.BinarySearchFunc(b.done, now, func(a, t time.Time) int { return a.Compare(t) })
	b.done = slices.Insert(b.done, i, now)
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
