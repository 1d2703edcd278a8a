// Package syncload runs the background reads of one sync: each keyed load
// runs once per sync ID, every syncer call of that sync shares its result,
// and a new sync ID cancels whatever the old sync still had in flight, so
// in service mode (many syncs in one process) no load outlives its sync or
// spends the rate limit of the next one.
//
// Connectors use one Loader each. A failed load is forgotten, so a retried
// call reads again; a successful one is kept until the sync ends or the
// caller Forgets it (to release memory once its data has been emitted).
package syncload

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrClosed is returned by Get after Close.
var ErrClosed = errors.New("syncload: loader closed")

// Loader holds the loads of the current sync.
type Loader struct {
	limit chan struct{} // bounds loads running at once; nil: unbounded

	mu     sync.Mutex
	syncID string
	ctx    context.Context // the current sync's loads run under it
	cancel context.CancelCauseFunc
	calls  map[string]*call
	closed bool
	wg     sync.WaitGroup
}

type call struct {
	done chan struct{}
	val  any
	err  error
}

// ErrSuperseded is the cause of a load's context when a new sync began.
var ErrSuperseded = errors.New("syncload: a newer sync began")

// New returns a Loader that runs at most limit loads at once (0: no bound).
func New(limit int) *Loader {
	l := &Loader{}
	if limit > 0 {
		l.limit = make(chan struct{}, limit)
	}
	l.ctx, l.cancel = context.WithCancelCause(context.Background())
	l.calls = map[string]*call{}
	return l
}

// beginLocked switches to syncID, cancelling the loads of an older sync.
func (l *Loader) beginLocked(syncID string) {
	if syncID == l.syncID {
		return
	}
	l.cancel(ErrSuperseded)
	l.syncID = syncID
	l.ctx, l.cancel = context.WithCancelCause(context.Background())
	l.calls = map[string]*call{}
}

// start returns the call for key in syncID, starting load if none is
// running or done.
func start[T any](l *Loader, syncID, key string, load func(context.Context) (T, error)) (*call, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, ErrClosed
	}
	l.beginLocked(syncID)
	if c, ok := l.calls[key]; ok {
		return c, nil
	}
	c := &call{done: make(chan struct{})}
	l.calls[key] = c
	ctx, calls := l.ctx, l.calls
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		defer close(c.done)
		if l.limit != nil {
			select {
			case l.limit <- struct{}{}:
				defer func() { <-l.limit }()
			case <-ctx.Done():
				c.err = context.Cause(ctx)
				l.forgetFailed(calls, key, c)
				return
			}
		}
		c.val, c.err = load(ctx)
		if c.err == nil && ctx.Err() != nil {
			c.err = context.Cause(ctx)
		}
		if c.err != nil {
			l.forgetFailed(calls, key, c)
		}
	}()
	return c, nil
}

// forgetFailed drops a failed call, so the next Get loads again.
func (l *Loader) forgetFailed(calls map[string]*call, key string, c *call) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if calls[key] == c {
		delete(calls, key)
	}
}

// Start begins loading key for syncID in the background, if it is not
// loading or loaded already. It never waits.
func Start[T any](l *Loader, syncID, key string, load func(context.Context) (T, error)) {
	_, _ = start(l, syncID, key, load)
}

// Get returns key's value for syncID, loading it (once, shared by every
// caller of the same sync) if needed. It waits for the load or for ctx.
// The load itself runs under the sync's context, not ctx: one caller
// giving up does not cancel what others wait for; a new sync ID or Close
// does.
func Get[T any](ctx context.Context, l *Loader, syncID, key string, load func(context.Context) (T, error)) (T, error) {
	var zero T
	c, err := start(l, syncID, key, load)
	if err != nil {
		return zero, err
	}
	select {
	case <-c.done:
	case <-ctx.Done():
		return zero, ctx.Err()
	}
	if c.err != nil {
		return zero, c.err
	}
	v, ok := c.val.(T)
	if !ok {
		return zero, errors.New("syncload: key " + key + " was loaded with another type")
	}
	return v, nil
}

// Forget drops key's result from the current sync (if syncID is still the
// current one), releasing its memory; a later Get loads it again.
func (l *Loader) Forget(syncID, key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if syncID == l.syncID {
		delete(l.calls, key)
	}
}

// Close cancels every load and waits for them to return. Get fails with
// ErrClosed afterwards.
func (l *Loader) Close() {
	l.mu.Lock()
	l.closed = true
	l.cancel(ErrClosed)
	l.mu.Unlock()
	l.wg.Wait()
}

// Reuse holds one value read outside a sync (by Validate, typically) for
// the sync that follows: the first Take within the maximum age gets it, and
// no one after that, so a sync costs no second read while later syncs see
// fresh data.
type Reuse[T any] struct {
	mu    sync.Mutex
	val   T
	ok    bool
	putAt time.Time
}

// Put keeps v for one Take.
func (r *Reuse[T]) Put(v T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.val, r.ok, r.putAt = v, true, time.Now()
}

// Take returns the kept value if it was put no longer than maxAge ago, and
// forgets it either way.
func (r *Reuse[T]) Take(maxAge time.Duration) (T, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.val, r.ok && time.Since(r.putAt) <= maxAge
	var zero T
	r.val, r.ok = zero, false
	return v, ok
}
