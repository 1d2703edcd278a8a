package ratelimit

import (
	"context"
	"errors"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a virtual clock: sleeping advances it instantly. It is only
// meaningful with one goroutine acquiring at a time.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
	return nil
}

func newFake(policies map[string]Policy) (*Limiter, *fakeClock) {
	l := New(policies)
	c := &fakeClock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	l.now, l.sleep = c.now, c.sleep
	return l, c
}

// maxInWindow returns the largest number of times that fall in any closed
// interval of length window.
func maxInWindow(times []time.Time, window time.Duration) int {
	sorted := append([]time.Time(nil), times...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Before(sorted[j]) })
	best, j := 0, 0
	for i := range sorted {
		for j < len(sorted) && !sorted[j].After(sorted[i].Add(window)) {
			j++
		}
		best = max(best, j-i)
	}
	return best
}

func TestLimiter_Acquire_WindowBound(t *testing.T) {
	tests := []struct {
		name     string
		policy   Policy
		requests int
	}{
		{name: "limit 10 per minute", policy: Policy{Limit: 10, Window: time.Minute}, requests: 50},
		{name: "limit 60 per minute", policy: Policy{Limit: 60, Window: time.Minute}, requests: 300},
		{name: "limit 5000 per day", policy: Policy{Limit: 5000, Window: 24 * time.Hour}, requests: 12000},
		{name: "limit 1 per second", policy: Policy{Limit: 1, Window: time.Second}, requests: 10},
		{name: "limit 3 per second", policy: Policy{Limit: 3, Window: time.Second}, requests: 20},
		{name: "default window", policy: Policy{Limit: 10}, requests: 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, clock := newFake(map[string]Policy{"tenant": tt.policy})
			key := Key{Class: "tenant", ID: "t1"}
			var starts []time.Time
			for range tt.requests {
				release, err := l.Acquire(context.Background(), key)
				if err != nil {
					t.Fatalf("Acquire: got error %v, want nil", err)
				}
				starts = append(starts, clock.now())
				release()
			}
			window := tt.policy.Window
			if window == 0 {
				window = DefaultWindow
			}
			if got := maxInWindow(starts, window); got > tt.policy.Limit {
				t.Errorf("starts in one window: got %d, want at most %d", got, tt.policy.Limit)
			}
			// Never idle while quota remains: request i starts as soon as
			// the i-Limit-th has left the window, and no later.
			for i, got := range starts {
				want := starts[0].Add(time.Duration(i/tt.policy.Limit) * (window + time.Nanosecond))
				if !got.Equal(want) {
					t.Fatalf("start %d: got %v after the first, want %v", i, got.Sub(starts[0]), want.Sub(starts[0]))
				}
			}
		})
	}
}

func TestLimiter_Acquire_WindowBoundConcurrent(t *testing.T) {
	const limit, window, requests = 10, 200 * time.Millisecond, 22
	l := New(map[string]Policy{"app": {Limit: limit, Window: window}})
	var starts []time.Time
	l.started = func(_ Key, now time.Time) {
		starts = append(starts, now) // called with l.mu held
	}
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < requests; i += 6 {
				release, err := l.Acquire(context.Background(), Key{Class: "app"})
				if err != nil {
					t.Errorf("Acquire: got error %v, want nil", err)
					return
				}
				release()
			}
		}()
	}
	wg.Wait()
	if len(starts) != requests {
		t.Fatalf("starts: got %d, want %d", len(starts), requests)
	}
	if got := maxInWindow(starts, window); got > limit {
		t.Errorf("starts in one window: got %d, want at most %d", got, limit)
	}
}

func TestLimiter_Acquire_MaxInFlight(t *testing.T) {
	const capacity = 3
	l := New(map[string]Policy{"tenant": {MaxInFlight: capacity}})
	key := Key{Class: "tenant", ID: "t1"}

	var cur, peak atomic.Int32
	var wg sync.WaitGroup
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release, err := l.Acquire(context.Background(), key)
			if err != nil {
				t.Errorf("Acquire: got error %v, want nil", err)
				return
			}
			n := cur.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			time.Sleep(5 * time.Millisecond)
			cur.Add(-1)
			release()
		}()
	}
	wg.Wait()
	if got := peak.Load(); got > capacity {
		t.Errorf("peak concurrent holders: got %d, want at most %d", got, capacity)
	}

	// Deterministically: with every slot held, one more Acquire waits.
	var releases []func()
	for range capacity {
		r, err := l.Acquire(context.Background(), key)
		if err != nil {
			t.Fatalf("Acquire: got error %v, want nil", err)
		}
		releases = append(releases, r)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := l.Acquire(ctx, key); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Acquire beyond MaxInFlight: got error %v, want context.DeadlineExceeded", err)
	}
	releases[0]()
	r, err := l.Acquire(context.Background(), key)
	if err != nil {
		t.Fatalf("Acquire after a release: got error %v, want nil", err)
	}
	r()
	for _, r := range releases[1:] {
		r()
	}
}

func TestLimiter_Acquire_ReleaseTwice(t *testing.T) {
	l := New(map[string]Policy{"tenant": {MaxInFlight: 1}})
	key := Key{Class: "tenant", ID: "t1"}
	release, err := l.Acquire(context.Background(), key)
	if err != nil {
		t.Fatalf("Acquire: got error %v, want nil", err)
	}
	release()
	release() // must not free a slot someone else holds

	held, err := l.Acquire(context.Background(), key)
	if err != nil {
		t.Fatalf("Acquire: got error %v, want nil", err)
	}
	defer held()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := l.Acquire(ctx, key); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("second holder with MaxInFlight 1: got error %v, want context.DeadlineExceeded", err)
	}
}

func TestLimiter_Acquire_KeysIndependent(t *testing.T) {
	tests := []struct {
		name  string
		block func(l *Limiter, k Key) (cleanup func())
	}{
		{
			name: "in-flight slot held",
			block: func(l *Limiter, k Key) func() {
				r, err := l.Acquire(context.Background(), k)
				if err != nil {
					t.Fatalf("Acquire: got error %v, want nil", err)
				}
				return r
			},
		},
		{
			name: "quota observed as spent",
			block: func(l *Limiter, k Key) func() {
				l.Observe(k, 0)
				return func() {}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := New(map[string]Policy{"tenant": {Limit: 100, Window: time.Hour, MaxInFlight: 1}})
			a, b := Key{Class: "tenant", ID: "a"}, Key{Class: "tenant", ID: "b"}
			cleanup := tt.block(l, a)
			defer cleanup()

			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			start := time.Now()
			release, err := l.Acquire(ctx, b)
			if err != nil {
				t.Fatalf("Acquire other key: got error %v, want nil", err)
			}
			release()
			if d := time.Since(start); d > 200*time.Millisecond {
				t.Errorf("Acquire other key took %v, want immediate", d)
			}

			short, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
			defer cancel2()
			if _, err := l.Acquire(short, a); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Acquire blocked key: got error %v, want context.DeadlineExceeded", err)
			}
			// Acquiring both keys waits for the blocked one.
			if _, err := l.Acquire(short, b, a); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("Acquire both keys: got error %v, want context.DeadlineExceeded", err)
			}
		})
	}
}

func TestLimiter_Acquire_OverlappingKeysNoDeadlock(t *testing.T) {
	l := New(map[string]Policy{
		"tenant": {MaxInFlight: 1},
		"app":    {MaxInFlight: 1},
	})
	a, b, app := Key{Class: "tenant", ID: "a"}, Key{Class: "tenant", ID: "b"}, Key{Class: "app"}
	sets := [][]Key{{a, b}, {b, a}, {app, a}, {b, app}, {a, app, b}, {a, a}}

	done := make(chan struct{})
	var wg sync.WaitGroup
	var holders atomic.Int32
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys := sets[g%len(sets)]
			for range 50 {
				release, err := l.Acquire(context.Background(), keys...)
				if err != nil {
					t.Errorf("Acquire: got error %v, want nil", err)
					return
				}
				if n := holders.Add(1); n > 3 {
					t.Errorf("holders: got %d, want at most 3 (one per key)", n)
				}
				holders.Add(-1)
				release()
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("goroutines acquiring overlapping keys did not finish: deadlock")
	}
}

func TestLimiter_Acquire_ContextCancel(t *testing.T) {
	tests := []struct {
		name  string
		setup func(l *Limiter, k Key)
	}{
		{name: "waiting for rate token", setup: func(l *Limiter, k Key) { l.Observe(k, 0) }},
		{name: "waiting for in-flight slot", setup: func(l *Limiter, k Key) {
			if _, err := l.Acquire(context.Background(), k); err != nil {
				t.Fatalf("Acquire: got error %v, want nil", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := New(map[string]Policy{"tenant": {Limit: 10, Window: time.Hour, MaxInFlight: 1}})
			key := Key{Class: "tenant", ID: "t1"}
			tt.setup(l, key)

			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(20*time.Millisecond, cancel)
			start := time.Now()
			_, err := l.Acquire(ctx, key)
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Acquire: got error %v, want context.Canceled", err)
			}
			if d := time.Since(start); d > 500*time.Millisecond {
				t.Errorf("Acquire returned after %v, want promptly after cancel", d)
			}
		})
	}
}

func TestLimiter_Acquire_Unlimited(t *testing.T) {
	tests := []struct {
		name string
		l    *Limiter
	}{
		{name: "nil limiter", l: nil},
		{name: "class without policy", l: New(map[string]Policy{"tenant": {Limit: 1, Window: time.Hour}})},
		{name: "zero policy", l: New(map[string]Policy{"app": {}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			key := Key{Class: "app"}
			tt.l.Observe(key, 0)
			for i := range 100 {
				release, err := tt.l.Acquire(ctx, key)
				if err != nil {
					t.Fatalf("Acquire %d: got error %v, want nil", i, err)
				}
				release()
				release()
			}
		})
	}
}

func TestKey_String(t *testing.T) {
	tests := []struct {
		name string
		key  Key
		want string
	}{
		{name: "with id", key: Key{Class: "tenant", ID: "abc"}, want: "tenant/abc"},
		{name: "class only", key: Key{Class: "app"}, want: "app"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.key.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
