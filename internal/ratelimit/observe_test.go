package ratelimit

import (
	"context"
	"testing"
	"time"
)

func TestLimiter_Observe(t *testing.T) {
	const window = time.Minute
	tests := []struct {
		name      string
		remaining int
		// wantGap is the least time between consecutive starts after Observe.
		wantGap time.Duration
		// wantFirst is the least time before the first start after Observe.
		wantFirst time.Duration
	}{
		{name: "plenty left keeps the normal rate", remaining: 50, wantGap: 0, wantFirst: 0},
		{name: "low water spreads the rest", remaining: 5, wantGap: window / 5, wantFirst: window / 5},
		{name: "one left waits a window after the last start", remaining: 1, wantFirst: window},
		{name: "none left blocks a window", remaining: 0, wantFirst: window},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, clock := newFake(map[string]Policy{"tenant": {Limit: 100, Window: window}})
			key := Key{Class: "tenant", ID: "t1"}
			// One request first, so the bucket and a last start exist.
			r, err := l.Acquire(context.Background(), key)
			if err != nil {
				t.Fatalf("Acquire: got error %v, want nil", err)
			}
			r()
			observed := clock.now()
			l.Observe(key, tt.remaining)

			var starts []time.Time
			for range 3 {
				r, err := l.Acquire(context.Background(), key)
				if err != nil {
					t.Fatalf("Acquire: got error %v, want nil", err)
				}
				r()
				starts = append(starts, clock.now())
			}
			if got := starts[0].Sub(observed); got < tt.wantFirst {
				t.Errorf("first start after Observe: got %v, want at least %v", got, tt.wantFirst)
			}
			if tt.wantFirst == 0 && tt.wantGap == 0 && starts[2].Sub(observed) > time.Second {
				t.Errorf("starts after Observe(%d): got %v, want a burst", tt.remaining, starts[2].Sub(observed))
			}
			for i := 1; i < len(starts); i++ {
				if got := starts[i].Sub(starts[i-1]); got < tt.wantGap {
					t.Errorf("gap between starts %d and %d: got %v, want at least %v", i-1, i, got, tt.wantGap)
				}
			}
		})
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
