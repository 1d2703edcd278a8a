package fakeapi

import (
	"context"
	"regexp"
	"strconv"
	"testing"
	"time"
)

func TestSleepCtx(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		d    time.Duration
		want bool
	}{
		{name: "zero waits fully", ctx: cancelled, d: 0, want: true},
		{name: "short wait completes", ctx: context.Background(), d: time.Millisecond, want: true},
		{name: "ended context stops it", ctx: cancelled, d: time.Hour, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SleepCtx(tt.ctx, tt.d); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRetrySeconds(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want int
	}{
		{d: 0, want: 1},
		{d: -time.Second, want: 1},
		{d: time.Millisecond, want: 1},
		{d: time.Second, want: 1},
		{d: 1001 * time.Millisecond, want: 2},
		{d: time.Minute, want: 60},
	}
	for _, tt := range tests {
		t.Run(tt.d.String(), func(t *testing.T) {
			if got := RetrySeconds(tt.d); got != tt.want {
				t.Errorf("RetrySeconds: got %d, want %d", got, tt.want)
			}
			if got, want := RetryAfter(tt.d), RetrySeconds(tt.d); got != itoa(want) {
				t.Errorf("RetryAfter: got %q, want %q", got, itoa(want))
			}
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestNewUUID(t *testing.T) {
	v4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 100 {
		u := NewUUID()
		if !v4.MatchString(u) {
			t.Fatalf("got %q, want a canonical version-4 UUID", u)
		}
		if seen[u] {
			t.Fatalf("got %q twice, want distinct UUIDs", u)
		}
		seen[u] = true
	}
}

func TestSlidingWindow_Allow(t *testing.T) {
	clock := NewManualClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	l := NewSlidingWindow(2, time.Minute, clock.Now)
	steps := []struct {
		advance   time.Duration
		key       string
		wantOK    bool
		wantRetry time.Duration
	}{
		{key: "a", wantOK: true},
		{advance: 20 * time.Second, key: "a", wantOK: true},
		{advance: 10 * time.Second, key: "a", wantOK: false, wantRetry: 30 * time.Second},
		{key: "b", wantOK: true},                            // keys are counted apart
		{advance: 30 * time.Second, key: "a", wantOK: true}, // the first call left the window
		{advance: time.Second, key: "a", wantOK: false, wantRetry: 19 * time.Second},
	}
	for i, s := range steps {
		clock.Advance(s.advance)
		ok, retry := l.Allow(s.key)
		if ok != s.wantOK || retry != s.wantRetry {
			t.Fatalf("step %d: got (%v, %v), want (%v, %v)", i, ok, retry, s.wantOK, s.wantRetry)
		}
	}
}
