// This file holds the sliding-window rate counter, for vendors whose
// per-minute limits are best read as "at most N in any minute".
package fakeapi

import (
	"sync"
	"time"
)

// SlidingWindow allows at most limit calls per key in any span of window:
// a call is refused while limit calls were accepted in the window that ends
// now. Refused calls are not counted. (FixedWindow resets all at once; a
// sliding window is the stricter reading of a per-minute limit.) It is safe
// for concurrent use.
type SlidingWindow struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	hits map[string][]time.Time // accepted calls, oldest first, at most limit
}

// NewSlidingWindow allows limit calls per key in any window. now defaults
// to time.Now.
func NewSlidingWindow(limit int, window time.Duration, now func() time.Time) *SlidingWindow {
	if now == nil {
		now = time.Now
	}
	return &SlidingWindow{limit: limit, window: window, now: now, hits: make(map[string][]time.Time)}
}

// Allow counts a call for key when the window has room; otherwise it
// reports how long until the oldest counted call leaves the window.
func (l *SlidingWindow) Allow(key string) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	h := l.hits[key]
	cut := 0
	for cut < len(h) && !h[cut].After(now.Add(-l.window)) {
		cut++
	}
	h = h[cut:]
	if len(h) >= l.limit {
		l.hits[key] = h
		return false, h[0].Add(l.window).Sub(now)
	}
	if cap(h) == len(h) {
		// Re-allocate at the limit's size so the slice never grows past it.
		h = append(make([]time.Time, 0, l.limit), h...)
	}
	l.hits[key] = append(h, now)
	return true, 0
}
