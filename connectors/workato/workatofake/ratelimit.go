package workatofake

import (
	"sync"
	"time"
)

// slidingWindow allows at most limit calls per key in any span of window:
// a call is refused while limit calls were accepted in the window that ends
// now. Refused calls are not counted. (fakeapi's FixedWindow resets all at
// once; Workato's per-minute limits are modelled as a sliding minute, the
// stricter reading.) It is safe for concurrent use.
type slidingWindow struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu   sync.Mutex
	hits map[string][]time.Time // accepted calls, oldest first, at most limit
}

func newSlidingWindow(limit int, window time.Duration, now func() time.Time) *slidingWindow {
	return &slidingWindow{limit: limit, window: window, now: now, hits: make(map[string][]time.Time)}
}

// Allow counts a call for key when the window has room; otherwise it
// reports how long until the oldest counted call leaves the window.
func (l *slidingWindow) Allow(key string) (ok bool, retryAfter time.Duration) {
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

// retrySeconds renders d as a Retry-After value: whole seconds, rounded up,
// at least 1.
func retrySeconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	if s < 1 {
		s = 1
	}
	return s
}
