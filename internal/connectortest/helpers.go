package connectortest

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
)

// Tail returns the last n bytes of s, for failure messages.
func Tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// MustContain fails t unless s contains every sub.
func MustContain(t testing.TB, what, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Fatalf("%s: got %q, want it to contain %q", what, Tail(s, 3000), sub)
		}
	}
}

// AssertNoFinishedSync fails t if path holds a finished sync: a failed run
// must never leave a result that looks complete.
func AssertNoFinishedSync(t testing.TB, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		return // nothing written at all
	}
	if snap, err := ReadC1Z(context.Background(), path); err == nil {
		t.Errorf("%s holds a finished sync (%s) although the run failed", path, snap.Counts())
	}
}

// StatusCounts counts a fake's answers by HTTP status. Status 0 counts
// connections dropped without an answer.
type StatusCounts struct {
	mu     sync.Mutex
	counts map[int]int
}

// Get returns how many answers had the status.
func (c *StatusCounts) Get(code int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[code]
}

func (c *StatusCounts) add(code int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.counts == nil {
		c.counts = map[int]int{}
	}
	c.counts[code]++
}

// CountStatuses wraps h so every answer's status is counted, letting a test
// assert, for example, that a healthy sync was never answered 429. before,
// if not nil, runs ahead of h on every request (a hook to change the fake
// mid-sync).
func CountStatuses(h http.Handler, before func(*http.Request)) (http.Handler, *StatusCounts) {
	c := &StatusCounts{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if before != nil {
			before(r)
		}
		rw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(rw, r)
		c.add(rw.code)
	}), c
}

type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	w.code = code
	w.ResponseWriter.WriteHeader(code)
}

// Hijack lets a fake's connection-reset faults through.
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.code = 0
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap gives http.ResponseController the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
