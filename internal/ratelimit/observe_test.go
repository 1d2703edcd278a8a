package ratelimit

import (
	"context"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// TestLimiter_Observe: after ours requests released, the vendor reports
// remaining for the next one (in flight while it reports). Requests the
// log does not account for are someone else's and keep their places until
// the next report or for a Window; a report that matches the log changes
// nothing, so a key alone keeps its full rate.
func TestLimiter_Observe(t *testing.T) {
	const window = time.Minute
	const limit = 100
	tests := []struct {
		name      string
		ours      int // requests released before the reported one
		remaining int
		// wantNow is how many more requests start at once after Observe;
		// the next one waits wantWait.
		wantNow  int
		wantWait time.Duration
	}{
		{name: "alone: the report matches the log", ours: 10, remaining: limit - 11, wantNow: limit - 11, wantWait: window},
		{name: "a neighbour used 50", ours: 10, remaining: limit - 61, wantNow: limit - 61, wantWait: window},
		{name: "a neighbour used all but one", ours: 10, remaining: 1, wantNow: 1, wantWait: window},
		{name: "none left blocks a window", ours: 10, remaining: 0, wantNow: 0, wantWait: window},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, clock := newFake(map[string]Policy{"app": {Limit: limit, Window: window}})
			key := Key{Class: "app"}
			acquire := func() func() {
				t.Helper()
				r, err := l.Acquire(context.Background(), key)
				if err != nil {
					t.Fatalf("Acquire: got error %v, want nil", err)
				}
				return r
			}
			for range tt.ours {
				acquire()()
			}
			reported := acquire()
			l.Observe(key, tt.remaining)
			reported()
			observed := clock.now()
			for i := range tt.wantNow {
				acquire()
				if got := clock.now().Sub(observed); got != 0 {
					t.Fatalf("start %d after Observe(%d): got a wait of %v, want none (quota remains)", i+1, tt.remaining, got)
				}
			}
			acquire()
			if got := clock.now().Sub(observed); got < tt.wantWait {
				t.Errorf("start %d after Observe(%d): got a wait of %v, want at least %v", tt.wantNow+1, tt.remaining, got, tt.wantWait)
			}
		})
	}
}

// TestLimiter_Observe_OthersLapse: the places a report gave to others are
// free again a Window later, even with no new report.
func TestLimiter_Observe_OthersLapse(t *testing.T) {
	l, clock := newFake(map[string]Policy{"app": {Limit: 10, Window: time.Minute}})
	key := Key{Class: "app"}
	r, err := l.Acquire(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	l.Observe(key, 1) // 8 of the 9 used are someone else's
	r()
	clock.sleep(context.Background(), time.Minute+time.Second)
	start := clock.now()
	for i := range 10 {
		r, err := l.Acquire(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		r()
		if got := clock.now().Sub(start); got != 0 {
			t.Fatalf("start %d a window after the report: got a wait of %v, want none", i+1, got)
		}
	}
}

// TestLimiter_Observe_FixedWindowVendor: a vendor that counts fixed
// windows opened by their first request (as Xero's app minute and the fakes
// do) reports 0 left after the key's own 100th request. The key resumes as
// soon as its own log frees a place, a Window after its first request, not
// a Window after the report of 0, and nothing is refused.
func TestLimiter_Observe_FixedWindowVendor(t *testing.T) {
	const limit = 100
	window := time.Minute
	l, clock := newFake(map[string]Policy{"app": {Limit: limit, Window: window}})
	vendor := fakeapi.NewFixedWindow(limit, window, clock.now)
	key := Key{Class: "app"}
	begin := clock.now()
	var starts []time.Duration
	for i := range 2*limit + 1 {
		r, err := l.Acquire(context.Background(), key)
		if err != nil {
			t.Fatal(err)
		}
		starts = append(starts, clock.now().Sub(begin))
		ok, remaining, _ := vendor.Allow("app")
		if !ok {
			t.Fatalf("request %d (at %v): refused by the vendor", i+1, starts[i])
		}
		l.Observe(key, remaining)
		r()
		// The caller paces itself: the first window's requests take 10 s.
		clock.sleep(context.Background(), 100*time.Millisecond)
	}
	for _, c := range []struct {
		n        int // 1-based request
		at, upTo time.Duration
	}{{limit + 1, window, window + time.Second}, {2*limit + 1, 2 * window, 2*window + 2*time.Second}} {
		if got := starts[c.n-1]; got < c.at || got > c.upTo {
			t.Errorf("request %d: got its start at %v, want between %v and %v", c.n, got, c.at, c.upTo)
		}
	}
}

func TestLimiter_Observe_BlockIsNotLiftedEarly(t *testing.T) {
	l, clock := newFake(map[string]Policy{"tenant": {Limit: 100, Window: time.Minute}})
	key := Key{Class: "tenant", ID: "t1"}
	l.Observe(key, 0)
	blocked := clock.now()
	l.Observe(key, 90) // a response that was in flight arrives late
	r, err := l.Acquire(context.Background(), key)
	if err != nil {
		t.Fatalf("Acquire: got error %v, want nil", err)
	}
	r()
	if got := clock.now().Sub(blocked); got < time.Minute {
		t.Errorf("start after Observe(0): got %v later, want at least %v", got, time.Minute)
	}
}

func TestLimiter_Observe_BlocksRealTime(t *testing.T) {
	l := New(map[string]Policy{"tenant": {Limit: 10, Window: 150 * time.Millisecond}})
	key := Key{Class: "tenant", ID: "t1"}
	l.Observe(key, 0)
	start := time.Now()
	r, err := l.Acquire(context.Background(), key)
	if err != nil {
		t.Fatalf("Acquire: got error %v, want nil", err)
	}
	r()
	if got := time.Since(start); got < 150*time.Millisecond {
		t.Errorf("Acquire after Observe(0) returned after %v, want at least %v", got, 150*time.Millisecond)
	}
}
