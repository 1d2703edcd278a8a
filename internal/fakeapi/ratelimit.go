package fakeapi

import (
	"sync"
	"time"
)

// FixedWindow counts calls per key in fixed windows. A key's window opens
// with its first call and lasts window; when it has passed, the next call
// opens a new one. Keys therefore reset at different times, like a vendor
// whose daily window starts when a tenant is first used. It is safe for
// concurrent use.
type FixedWindow struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	keys map[string]*windowState
}

type windowState struct {
	start time.Time
	count int
}

// NewFixedWindow allows limit calls per key per window. now defaults to
// time.Now.
func NewFixedWindow(limit int, window time.Duration, now func() time.Time) *FixedWindow {
	if now == nil {
		now = time.Now
	}
	return &FixedWindow{limit: limit, window: window, now: now, keys: make(map[string]*windowState)}
}

// Limit returns the number of calls allowed per window.
func (f *FixedWindow) Limit() int { return f.limit }

// current returns key's live window, opening a new one when the last has
// passed. f.mu must be held.
func (f *FixedWindow) current(key string, now time.Time) *windowState {
	st := f.keys[key]
	if st == nil || !now.Before(st.start.Add(f.window)) {
		st = &windowState{start: now}
		f.keys[key] = st
	}
	return st
}

// Allow counts one call for key when the window has room. It returns
// whether the call is allowed, how many calls remain in the window after
// it, and, when refused, how long until the window resets.
func (f *FixedWindow) Allow(key string) (ok bool, remaining int, retryAfter time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	st := f.current(key, now)
	if st.count >= f.limit {
		return false, 0, st.start.Add(f.window).Sub(now)
	}
	st.count++
	return true, f.limit - st.count, 0
}

// Peek reports, without counting a call, how many calls key has left in
// its window and how long until that window resets (the full window when
// key has no live window).
func (f *FixedWindow) Peek(key string) (remaining int, resetIn time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	st := f.keys[key]
	if st == nil || !now.Before(st.start.Add(f.window)) {
		return f.limit, f.window
	}
	rem := f.limit - st.count
	if rem < 0 {
		rem = 0
	}
	return rem, st.start.Add(f.window).Sub(now)
}

// InFlight limits how many calls per key run at once. The zero value with
// Max set is ready to use; Max <= 0 means unlimited. It is safe for
// concurrent use.
type InFlight struct {
	Max int

	mu sync.Mutex
	n  map[string]int
}

// Enter claims a slot for key. When ok is false the call must be refused
// and leave is a no-op; otherwise the caller must call leave (once is
// enough; further calls do nothing) when the call ends.
func (f *InFlight) Enter(key string) (leave func(), ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n == nil {
		f.n = make(map[string]int)
	}
	if f.Max > 0 && f.n[key] >= f.Max {
		return func() {}, false
	}
	f.n[key]++
	var once sync.Once
	return func() {
		once.Do(func() {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.n[key]--
			if f.n[key] <= 0 {
				delete(f.n, key)
			}
		})
	}, true
}

// Current returns how many calls for key are in flight.
func (f *InFlight) Current(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.n[key]
}
