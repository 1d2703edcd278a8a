package ratelimit

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// TestLimiter_Acquire_InFlightHoldsItsPlace: a request counts against the
// window from its start until Window after its release, because the vendor
// counts it when it arrives, somewhere in between.
func TestLimiter_Acquire_InFlightHoldsItsPlace(t *testing.T) {
	const window = 150 * time.Millisecond
	l := New(map[string]Policy{"app": {Limit: 1, Window: window}})
	key := Key{Class: "app"}
	release, err := l.Acquire(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan time.Time, 1)
	go func() {
		r, err := l.Acquire(context.Background(), key)
		if err != nil {
			t.Errorf("second Acquire: %v", err)
			got <- time.Time{}
			return
		}
		got <- time.Now()
		r()
	}()
	time.Sleep(2 * window) // far past the first start's window: still in flight
	select {
	case at := <-got:
		t.Fatalf("second Acquire returned at %v while the first was in flight", at)
	default:
	}
	releasedAt := time.Now()
	release()
	at := <-got
	if d := at.Sub(releasedAt); d < window {
		t.Fatalf("second start after the first's release: got %v, want at least %v", d, window)
	}
}

// TestLimiter_Acquire_VendorNeverSeesMoreThanLimit simulates a vendor that
// counts each request at a random instant between its start and its answer,
// with a rolling window, and checks it never counts more than Limit.
func TestLimiter_Acquire_VendorNeverSeesMoreThanLimit(t *testing.T) {
	const limit, window, requests, workers = 8, 120 * time.Millisecond, 60, 6
	l := New(map[string]Policy{"app": {Limit: limit, Window: window}})
	var (
		mu       sync.Mutex
		arrivals []time.Time
		wg       sync.WaitGroup
	)
	work := make(chan struct{}, requests)
	for range requests {
		work <- struct{}{}
	}
	close(work)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range work {
				release, err := l.Acquire(context.Background(), Key{Class: "app"})
				if err != nil {
					t.Errorf("Acquire: %v", err)
					return
				}
				time.Sleep(time.Duration(rand.IntN(10)) * time.Millisecond) // on the way
				mu.Lock()
				arrivals = append(arrivals, time.Now())
				mu.Unlock()
				time.Sleep(time.Duration(rand.IntN(10)) * time.Millisecond) // the answer
				release()
			}
		}()
	}
	wg.Wait()
	if got := maxInWindow(arrivals, window); got > limit {
		t.Fatalf("arrivals in one rolling window: got %d, want at most %d", got, limit)
	}
}

// TestLimiter_Acquire_FitsOneWindowAtOnce: a burst no larger than Limit
// starts without any wait (the vendor's rule allows it).
func TestLimiter_Acquire_FitsOneWindowAtOnce(t *testing.T) {
	l, clock := newFake(map[string]Policy{"group": {Limit: 60, Window: time.Minute}})
	start := clock.now()
	var releases []func()
	for i := range 60 {
		r, err := l.Acquire(context.Background(), Key{Class: "group", ID: "members"})
		if err != nil {
			t.Fatalf("Acquire %d: %v", i, err)
		}
		releases = append(releases, r)
	}
	if got := clock.now().Sub(start); got != 0 {
		t.Fatalf("time to start 60 requests under 60/min: got %v, want 0", got)
	}
	for _, r := range releases {
		r()
	}
}
