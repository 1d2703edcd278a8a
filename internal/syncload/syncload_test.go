package syncload

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestGet_SharesOneLoadPerSync(t *testing.T) {
	l := New(2)
	defer l.Close()
	var n atomic.Int32
	load := func(context.Context) (int, error) { n.Add(1); return 7, nil }
	for range 5 {
		v, err := Get(context.Background(), l, "s1", "k", load)
		if err != nil || v != 7 {
			t.Fatalf("Get: got %d, %v; want 7, nil", v, err)
		}
	}
	if got := n.Load(); got != 1 {
		t.Fatalf("loads in one sync: got %d, want 1", got)
	}
	if _, err := Get(context.Background(), l, "s2", "k", load); err != nil {
		t.Fatal(err)
	}
	if got := n.Load(); got != 2 {
		t.Fatalf("loads after a new sync ID: got %d, want 2", got)
	}
}

func TestGet_FailedLoadIsForgotten(t *testing.T) {
	l := New(0)
	defer l.Close()
	boom := errors.New("boom")
	var n atomic.Int32
	load := func(context.Context) (int, error) {
		if n.Add(1) == 1 {
			return 0, boom
		}
		return 1, nil
	}
	if _, err := Get(context.Background(), l, "s", "k", load); !errors.Is(err, boom) {
		t.Fatalf("first Get: got %v, want %v", err, boom)
	}
	if v, err := Get(context.Background(), l, "s", "k", load); err != nil || v != 1 {
		t.Fatalf("second Get: got %d, %v; want 1, nil", v, err)
	}
}

func TestStart_NewSyncCancelsOldLoads(t *testing.T) {
	l := New(1)
	defer l.Close()
	started := make(chan struct{})
	cause := make(chan error, 1)
	Start(l, "old", "k", func(ctx context.Context) (int, error) {
		close(started)
		<-ctx.Done()
		cause <- context.Cause(ctx)
		return 0, ctx.Err()
	})
	<-started
	// The limit is 1: the new sync's load can only run once the old one let go.
	v, err := Get(context.Background(), l, "new", "k", func(context.Context) (int, error) { return 2, nil })
	if err != nil || v != 2 {
		t.Fatalf("Get in the new sync: got %d, %v; want 2, nil", v, err)
	}
	select {
	case got := <-cause:
		if !errors.Is(got, ErrSuperseded) {
			t.Fatalf("old load's cause: got %v, want %v", got, ErrSuperseded)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the old sync's load was not cancelled")
	}
}

func TestGet_CallerContextDoesNotCancelSharedLoad(t *testing.T) {
	l := New(0)
	defer l.Close()
	release := make(chan struct{})
	load := func(ctx context.Context) (int, error) {
		select {
		case <-release:
			return 3, nil
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Get(ctx, l, "s", "k", load); !errors.Is(err, context.Canceled) {
		t.Fatalf("Get with a cancelled context: got %v, want context.Canceled", err)
	}
	close(release)
	if v, err := Get(context.Background(), l, "s", "k", load); err != nil || v != 3 {
		t.Fatalf("Get by another caller: got %d, %v; want 3, nil", v, err)
	}
}

func TestLoader_ForgetAndClose(t *testing.T) {
	l := New(0)
	var n atomic.Int32
	load := func(context.Context) (int, error) { return int(n.Add(1)), nil }
	if v, _ := Get(context.Background(), l, "s", "k", load); v != 1 {
		t.Fatalf("first load: got %d, want 1", v)
	}
	l.Forget("s", "k")
	if v, _ := Get(context.Background(), l, "s", "k", load); v != 2 {
		t.Fatalf("after Forget: got %d, want 2", v)
	}
	l.Close()
	if _, err := Get(context.Background(), l, "s", "k", load); !errors.Is(err, ErrClosed) {
		t.Fatalf("Get after Close: got %v, want %v", err, ErrClosed)
	}
}

func TestGet_WrongTypeIsAnError(t *testing.T) {
	l := New(0)
	defer l.Close()
	if _, err := Get(context.Background(), l, "s", "k", func(context.Context) (int, error) { return 1, nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := Get(context.Background(), l, "s", "k", func(context.Context) (string, error) { return "", nil }); err == nil {
		t.Fatal("Get with another type: got nil error, want one")
	}
}

func TestReuse_Take(t *testing.T) {
	tests := []struct {
		name   string
		put    bool
		maxAge time.Duration
		want   bool
	}{
		{name: "fresh value is taken once", put: true, maxAge: time.Minute, want: true},
		{name: "stale value is not taken", put: true, maxAge: -time.Second, want: false},
		{name: "nothing put", put: false, maxAge: time.Minute, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Reuse[string]
			if tt.put {
				r.Put("v")
			}
			if _, got := r.Take(tt.maxAge); got != tt.want {
				t.Fatalf("first Take: got %v, want %v", got, tt.want)
			}
			if _, got := r.Take(time.Hour); got {
				t.Fatal("second Take: got a value, want none")
			}
		})
	}
}
