package httpx

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// seen is what the test server saw of one request.
type seen struct {
	method, path, userAgent, auth, accept, tenant, body string
}

type testServer struct {
	*httptest.Server
	hits atomic.Int32
	mu   sync.Mutex
	reqs []seen
}

// newServer starts a loopback server whose handler gets the 1-based number
// of the request.
func newServer(t *testing.T, handle func(n int, w http.ResponseWriter, r *http.Request)) *testServer {
	t.Helper()
	s := &testServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		n := int(s.hits.Add(1))
		s.mu.Lock()
		s.reqs = append(s.reqs, seen{
			method: r.Method, path: r.URL.Path, userAgent: r.UserAgent(),
			auth: r.Header.Get("Authorization"), accept: r.Header.Get("Accept"),
			tenant: r.Header.Get("Xero-Tenant-Id"), body: string(body),
		})
		s.mu.Unlock()
		handle(n, w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *testServer) seen() []seen {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seen(nil), s.reqs...)
}

// hangUp closes the connection without a response; with reset it makes the
// kernel send a TCP RST instead of a FIN.
func hangUp(t *testing.T, w http.ResponseWriter, reset bool) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		t.Errorf("hijack: %v", err)
		return
	}
	if tcp, ok := conn.(*net.TCPConn); ok && reset {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

func reply(w http.ResponseWriter, code int, body string) {
	w.WriteHeader(code)
	_, _ = io.WriteString(w, body)
}

// fastRetry keeps backoffs in milliseconds.
var fastRetry = RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}

func newClient(opts Options) *Client {
	if opts.Service == "" {
		opts.Service = "xero"
	}
	if opts.Retry == (RetryPolicy{}) {
		opts.Retry = fastRetry
	}
	return New(opts)
}

func send(t *testing.T, c *Client, ctx context.Context, method, url, body string) (*http.Response, error) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		t.Fatalf("NewRequest: %v", err)
	}
	return c.Do(req)
}

func attemptsOf(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Attempts
	}
	var re *RequestError
	if errors.As(err, &re) {
		return re.Attempts
	}
	return -1
}
