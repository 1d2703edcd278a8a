package fakeapi

import (
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Fault is one scripted misbehaviour. A request whose route matches takes
// one use of the first pending Fault that matches it; Router applies it
// before the real handler runs.
//
// What the fault does, in order:
//   - Delay: wait this long first (the wait ends early when the client goes
//     away). A Fault with only a Delay then lets the real handler answer, so
//     it models a slow response.
//   - Reset: hijack the connection and close it without answering. Go's
//     http.Transport retries an idempotent request once, silently, when a
//     reused keep-alive connection dies before any answer; use Times >= 2
//     when a client must see the reset whatever its connection state.
//   - StreamReset: under HTTP/2, reset the request's stream (RST_STREAM
//     INTERNAL_ERROR, what a client sees as "stream error: stream ID N;
//     INTERNAL_ERROR; received from peer"); under HTTP/1.1, like Reset.
//   - GoAway: under HTTP/2 (ServeTLS), send GOAWAY on the request's
//     connection and close it with the request unanswered ("server sent
//     GOAWAY and closed the connection"); under HTTP/1.1, like Reset.
//   - Malformed: answer 200 with a truncated JSON body (Body cut in half
//     when set, a built-in truncated object otherwise).
//   - Status: answer Status with Header and Body.
type Fault struct {
	// Route is "METHOD /path/pattern" exactly as registered with the
	// Router ("GET /api.xro/2.0/Users/{id}"), a bare pattern path that
	// matches any method, or "" for every route.
	Route string
	// Times is how many requests the fault affects; values below 1 mean 1.
	Times       int
	Status      int
	Header      http.Header
	Body        string
	Reset       bool
	StreamReset bool
	GoAway      bool
	Malformed   bool
	Delay       time.Duration
}

// matches reports whether the fault applies to a request for method and
// pattern path.
func (f Fault) matches(method, path string) bool {
	if f.Route == "" {
		return true
	}
	m, p, hasMethod := strings.Cut(f.Route, " ")
	if !hasMethod {
		return f.Route == path
	}
	return strings.EqualFold(m, method) && strings.TrimSpace(p) == path
}

// Faults is a concurrency-safe script of faults, consumed in the order they
// were added. The zero value is an empty script.
type Faults struct {
	mu      sync.Mutex
	pending []*pendingFault
}

type pendingFault struct {
	f    Fault
	left int
}

// Add appends f to the script.
func (s *Faults) Add(f Fault) {
	n := f.Times
	if n < 1 {
		n = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending = append(s.pending, &pendingFault{f: f, left: n})
}

// Pending returns how many fault uses are left in the script.
func (s *Faults) Pending() int {
	if s == nil {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, p := range s.pending {
		n += p.left
	}
	return n
}

// Clear drops every pending fault.
func (s *Faults) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending = nil
}

// Take consumes one use of the first pending fault matching a request for
// method and the route's pattern path.
func (s *Faults) Take(method, path string) (Fault, bool) {
	if s == nil {
		return Fault{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, p := range s.pending {
		if !p.f.matches(method, path) {
			continue
		}
		p.left--
		if p.left == 0 {
			s.pending = append(s.pending[:i:i], s.pending[i+1:]...)
		}
		return p.f, true
	}
	return Fault{}, false
}

// truncatedJSON is what a Malformed fault without a Body sends: a JSON
// document cut off in the middle of a value.
const truncatedJSON = `{"Id":"00000000-0000-0000-0000-000000000000","Status":"OK","Items":[{"ID":"0000`

// Serve applies the fault to the request. It returns true when the fault
// answered (or dropped) the request, false when the real handler should
// still run (a pure Delay).
func (f Fault) Serve(w http.ResponseWriter, r *http.Request) bool {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	switch {
	case f.Reset:
		resetConnection(w)
		return true
	case f.StreamReset:
		if r.ProtoMajor == 2 {
			// net/http and x/net/http2 answer a handler that panics with
			// ErrAbortHandler by resetting its stream.
			panic(http.ErrAbortHandler)
		}
		resetConnection(w)
		return true
	case f.GoAway:
		goAway, ok := r.Context().Value(goAwayKey{}).(func())
		if !ok {
			resetConnection(w)
			return true
		}
		goAway()
		<-r.Context().Done()
		return true
	case f.Malformed:
		body := truncatedJSON
		if f.Body != "" {
			body = f.Body[:len(f.Body)/2]
		}
		copyHeader(w.Header(), f.Header)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(body))
		return true
	case f.Status != 0:
		copyHeader(w.Header(), f.Header)
		if f.Body != "" && w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		}
		w.WriteHeader(f.Status)
		_, _ = w.Write([]byte(f.Body))
		return true
	}
	return false
}

func copyHeader(dst, src http.Header) {
	for k, vs := range src {
		for _, v := range vs {
			dst.Add(k, v)
		}
	}
}

// resetConnection closes the client's connection without an answer. On TCP
// it sets SO_LINGER to 0 so the peer sees a reset rather than a clean EOF.
// When the connection cannot be hijacked (HTTP/2, a recorder) it panics
// with http.ErrAbortHandler, which makes the server drop the stream.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}
