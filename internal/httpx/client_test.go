package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	"golang.org/x/oauth2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/internal/accounting"
	"github.com/accessgov/baton-connectors/internal/ratelimit"
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

func TestClient_Do(t *testing.T) {
	const route = "/things/{id}"
	tests := []struct {
		name       string
		method     string
		body       string
		idempotent bool
		retry      RetryPolicy
		timeout    time.Duration
		handle     func(t *testing.T, n int, w http.ResponseWriter, r *http.Request)
		// wantStatus is the status of a successful response; 0 means an
		// error with wantCode is expected.
		wantStatus   int
		wantCode     codes.Code
		wantAttempts int
		wantMsg      string
		wantRequest  bool // the error must be a *RequestError (no response)
	}{
		{
			name: "503 then success",
			handle: func(t *testing.T, n int, w http.ResponseWriter, r *http.Request) {
				if n < 3 {
					reply(w, http.StatusServiceUnavailable, "busy")
					return
				}
				reply(w, http.StatusOK, "ok")
			},
			wantStatus: http.StatusOK, wantAttempts: 3,
		},
		{
			name: "429 then success",
			handle: func(t *testing.T, n int, w http.ResponseWriter, r *http.Request) {
				if n == 1 {
					reply(w, http.StatusTooManyRequests, "slow down")
					return
				}
				reply(w, http.StatusOK, "ok")
			},
			wantStatus: http.StatusOK, wantAttempts: 2,
		},
		{
			name:  "500, 502 and 504 then success",
			retry: RetryPolicy{MaxAttempts: 4, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond},
			handle: func(t *testing.T, n int, w http.ResponseWriter, r *http.Request) {
				codes := []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout}
				if n <= len(codes) {
					reply(w, codes[n-1], "")
					return
				}
				reply(w, http.StatusOK, "ok")
			},
			wantStatus: http.StatusOK, wantAttempts: 4,
		},
		{
			name: "connection closed then success",
			handle: func(t *testing.T, n int, w http.ResponseWriter, r *http.Request) {
				if n == 1 {
					hangUp(t, w, false)
					return
				}
				reply(w, http.StatusOK, "ok")
			},
			wantStatus: http.StatusOK, wantAttempts: 2,
		},
		{
			name: "connection reset then success",
			handle: func(t *testing.T, n int, w http.ResponseWriter, r *http.Request) {
				if n == 1 {
					hangUp(t, w, true)
					return
				}
				reply(w, http.StatusOK, "ok")
			},
			wantStatus: http.StatusOK, wantAttempts: 2,
		},
		{
			name:    "attempt timeout then success",
			timeout: 50 * time.Millisecond,
			handle: func(t *testing.T, n int, w http.ResponseWriter, r *http.Request) {
				if n == 1 {
					select {
					case <-r.Context().Done():
					case <-time.After(2 * time.Second):
					}
					return
				}
				reply(w, http.StatusOK, "ok")
			},
			wantStatus: http.StatusOK, wantAttempts: 2,
		},
		{
			name:   "PUT is retried",
			method: http.MethodPut, body: "payload",
			handle: func(t *testing.T, n int, w http.ResponseWriter, r *http.Request) {
				if n == 1 {
					reply(w, http.StatusBadGateway, "")
					return
				}
				reply(w, http.StatusOK, "ok")
			},
			wantStatus: http.StatusOK, wantAttempts: 2,
		},
		{
			name:   "POST with WithIdempotent is retried",
			method: http.MethodPost, body: "payload", idempotent: true,
			handle: func(t *testing.T, n int, w http.ResponseWriter, r *http.Request) {
				if n == 1 {
					reply(w, http.StatusServiceUnavailable, "")
					return
				}
				reply(w, http.StatusCreated, "made")
			},
			wantStatus: http.StatusCreated, wantAttempts: 2,
		},
		{
			name: "400 is not retried",
			handle: func(t *testing.T, n int, w http.ResponseWriter, r *http.Request) {
				reply(w, http.StatusBadRequest, `{"Message":"bad filter"}`)
			},
			wantCode: codes.InvalidArgument, wantAttempts: 1, wantMsg: "400 Bad Request: {\"Message\":\"bad filter\"}",
		},
		{
			name: "403 is not retried",
			handle: func(t *testing.T, n int, w http.ResponseWriter, r *http.Request) {
				reply(w, http.StatusForbidden, `{"Title":"Forbidden"}`)
			},
			wantCode: codes.PermissionDenied, wantAttempts: 1, wantMsg: `xero: GET /things/{id}: 403 Forbidden: {"Title":"Forbidden"}`,
		},
		{
			name: "404 is not retried",
			handle: func(t *testing.T, n int, w http.ResponseWriter, r *http.Request) {
				reply(w, http.StatusNotFound, "")
			},
			wantCode: codes.FailedPrecondition, wantAttempts: 1, wantMsg: "404 Not Found",
		},
		{
			name: "501 is not retried",
			handle: func(t *testing.T, n int, w http.ResponseWriter, r *http.Request) {
				reply(w, http.StatusNotImplemented, "")
			},
			wantCode: codes.Unimplemented, wantAttempts: 1,
		},
		{
			name: "5xx with retries spent is Aborted",
			handle: func(t *testing.T, n int, w http.ResponseWriter, r *http.Request) {
				reply(w, http.StatusInternalServerError, "oops")
			},
			wantCode: codes.Aborted, wantAttempts: 3, wantMsg: "500 Internal Server Error: gave up after 3 attempts over",
		},
		{
			name: "429 with retries spent is ResourceExhausted",
			handle: func(t *testing.T, n int, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Rate-Limit-Problem", "minute")
				reply(w, http.StatusTooManyRequests, "")
			},
			wantCode: codes.ResourceExhausted, wantAttempts: 3, wantMsg: `gave up after 3 attempts over`,
		},
		{
			name: "resets with retries spent are Aborted",
			handle: func(t *testing.T, n int, w http.ResponseWriter, r *http.Request) {
				hangUp(t, w, true)
			},
			wantCode: codes.Aborted, wantAttempts: 3, wantMsg: "gave up after 3 attempts over", wantRequest: true,
		},
		{
			name:   "POST 503 is not retried",
			method: http.MethodPost, body: "payload",
			handle: func(t *testing.T, n int, w http.ResponseWriter, r *http.Request) {
				reply(w, http.StatusServiceUnavailable, "")
			},
			wantCode: codes.Unavailable, wantAttempts: 1,
		},
		{
			name:   "POST reset is not retried",
			method: http.MethodPost, body: "payload",
			handle: func(t *testing.T, n int, w http.ResponseWriter, r *http.Request) {
				hangUp(t, w, true)
			},
			wantCode: codes.Unavailable, wantAttempts: 1, wantRequest: true,
		},
		{
			name:   "POST 429 names the limit",
			method: http.MethodPost, body: "payload",
			handle: func(t *testing.T, n int, w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Rate-Limit-Problem", "minute")
				reply(w, http.StatusTooManyRequests, "")
			},
			wantCode: codes.ResourceExhausted, wantAttempts: 1, wantMsg: `429 Too Many Requests: rate limit "minute" exceeded`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { tt.handle(t, n, w, r) })
			rec := &accounting.Recorder{}
			c := newClient(Options{Retry: tt.retry, Timeout: tt.timeout, Recorder: rec, LimitHeader: "X-Rate-Limit-Problem"})
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			ctx := WithRoute(context.Background(), route)
			if tt.idempotent {
				ctx = WithIdempotent(ctx)
			}

			resp, err := send(t, c, ctx, method, srv.URL+"/things/42", tt.body)
			if got := rec.Count(method, route); got != tt.wantAttempts {
				t.Errorf("recorded attempts: got %d, want %d", got, tt.wantAttempts)
			}
			if got := int(srv.hits.Load()); got != tt.wantAttempts {
				t.Errorf("requests served: got %d, want %d", got, tt.wantAttempts)
			}
			if tt.body != "" {
				for i, s := range srv.seen() {
					if s.body != tt.body {
						t.Errorf("body of attempt %d: got %q, want %q", i+1, s.body, tt.body)
					}
				}
			}
			if tt.wantStatus != 0 {
				if err != nil {
					t.Fatalf("Do: got error %v, want status %d", err, tt.wantStatus)
				}
				defer resp.Body.Close()
				if resp.StatusCode != tt.wantStatus {
					t.Errorf("status: got %d, want %d", resp.StatusCode, tt.wantStatus)
				}
				return
			}
			if err == nil {
				resp.Body.Close()
				t.Fatalf("Do: got status %d, want an error with code %v", resp.StatusCode, tt.wantCode)
			}
			wrapped := fmt.Errorf("list things: %w", err)
			if got := status.Code(wrapped); got != tt.wantCode {
				t.Errorf("status.Code(wrapped error): got %v, want %v (error: %v)", got, tt.wantCode, err)
			}
			if got := attemptsOf(err); got != tt.wantAttempts {
				t.Errorf("error attempts: got %d, want %d", got, tt.wantAttempts)
			}
			if !strings.HasPrefix(err.Error(), "xero: "+method+" "+route+": ") {
				t.Errorf("error message: got %q, want prefix %q", err, "xero: "+method+" "+route+": ")
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error message: got %q, want it to contain %q", err, tt.wantMsg)
			}
			var re *RequestError
			if got := errors.As(err, &re); got != tt.wantRequest {
				t.Errorf("error is *RequestError: got %v, want %v (error %T)", got, tt.wantRequest, err)
			}
		})
	}
}

func TestClient_Do_RetryAfter(t *testing.T) {
	rfc3339 := regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)
	tests := []struct {
		name          string
		status        int
		retryAfter    func() string
		limit         string
		maxRetryAfter time.Duration
		// wantWait is the least time the request must take; 0 with
		// wantCode set means it must fail at once.
		wantWait   time.Duration
		wantCode   codes.Code
		wantReset  time.Duration // Retry-After the error must report
		wantInMsg  []string
		wantStatus int
	}{
		{
			name: "seconds are honoured instead of the backoff", status: http.StatusTooManyRequests,
			retryAfter: func() string { return "1" },
			wantWait:   time.Second, wantStatus: http.StatusOK,
		},
		{
			name: "HTTP date in the past retries at once", status: http.StatusServiceUnavailable,
			retryAfter: func() string { return time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat) },
			wantStatus: http.StatusOK,
		},
		{
			name: "seconds over the cap stop at once", status: http.StatusTooManyRequests,
			retryAfter: func() string { return "3600" }, limit: "day",
			wantCode: codes.ResourceExhausted, wantReset: time.Hour,
			wantInMsg: []string{`rate limit "day" is exhausted until `, "(1h0m0s from now)", "run again after that time"},
		},
		{
			name: "HTTP date over the cap stops at once", status: http.StatusServiceUnavailable,
			retryAfter: func() string { return time.Now().Add(2 * time.Hour).UTC().Format(http.TimeFormat) },
			wantCode:   codes.ResourceExhausted, wantReset: 2 * time.Hour,
			wantInMsg: []string{"the service asked to retry after", "run again after that time"},
		},
		{
			name: "MaxRetryAfter is configurable", status: http.StatusTooManyRequests,
			retryAfter: func() string { return "2" }, maxRetryAfter: time.Second,
			wantCode: codes.ResourceExhausted, wantReset: 2 * time.Second,
			wantInMsg: []string{"the rate limit is exhausted", "longer than the 1s this client waits"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if n == 1 {
					w.Header().Set("Retry-After", tt.retryAfter())
					if tt.limit != "" {
						w.Header().Set("X-Rate-Limit-Problem", tt.limit)
					}
					reply(w, tt.status, "")
					return
				}
				reply(w, http.StatusOK, "ok")
			})
			retry := fastRetry
			retry.MaxRetryAfter = tt.maxRetryAfter
			c := newClient(Options{Retry: retry, LimitHeader: "X-Rate-Limit-Problem"})

			start := time.Now()
			resp, err := send(t, c, context.Background(), http.MethodGet, srv.URL+"/Users", "")
			elapsed := time.Since(start)

			if tt.wantStatus != 0 {
				if err != nil {
					t.Fatalf("Do: got error %v, want status %d", err, tt.wantStatus)
				}
				resp.Body.Close()
				if elapsed < tt.wantWait-20*time.Millisecond || elapsed > tt.wantWait+2*time.Second {
					t.Errorf("elapsed: got %v, want about %v", elapsed, tt.wantWait)
				}
				return
			}
			if err == nil {
				resp.Body.Close()
				t.Fatalf("Do: got status %d, want error", resp.StatusCode)
			}
			if got := status.Code(err); got != tt.wantCode {
				t.Errorf("code: got %v, want %v", got, tt.wantCode)
			}
			if elapsed > 500*time.Millisecond {
				t.Errorf("elapsed: got %v, want no sleep", elapsed)
			}
			if got := srv.hits.Load(); got != 1 {
				t.Errorf("requests served: got %d, want 1", got)
			}
			for _, want := range tt.wantInMsg {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("message: got %q, want it to contain %q", err, want)
				}
			}
			var se *StatusError
			if !errors.As(err, &se) {
				t.Fatalf("error: got %T, want *StatusError", err)
			}
			if d := se.RetryAfter - tt.wantReset; d < -2*time.Second || d > time.Second {
				t.Errorf("RetryAfter: got %v, want about %v", se.RetryAfter, tt.wantReset)
			}
			stamp := rfc3339.FindString(se.Msg)
			reset, perr := time.Parse(time.RFC3339, stamp)
			if perr != nil {
				t.Fatalf("Msg %q: got no RFC 3339 reset time (%v)", se.Msg, perr)
			}
			wantReset := start.Add(tt.wantReset)
			if d := reset.Sub(wantReset); d < -3*time.Second || d > 3*time.Second {
				t.Errorf("reset time: got %v, want about %v", reset, wantReset.UTC())
			}
		})
	}
}

func TestClient_Do_ContextCancelDuringBackoff(t *testing.T) {
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "30")
		reply(w, http.StatusServiceUnavailable, "")
	})
	c := newClient(Options{})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := send(t, c, ctx, http.MethodGet, srv.URL+"/Users", "")
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("elapsed: got %v, want prompt return after cancel", elapsed)
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error: got %v, want context.Canceled", err)
	}
	if got := status.Code(err); got != codes.Canceled {
		t.Errorf("code: got %v, want %v", got, codes.Canceled)
	}
}

// tokens hands out its tokens in turn, moving on when one is invalidated.
type tokens struct {
	mu          sync.Mutex
	values      []string
	next        int
	invalidated []string
}

func (s *tokens) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &oauth2.Token{AccessToken: s.values[min(s.next, len(s.values)-1)], TokenType: "Bearer"}, nil
}

func (s *tokens) Invalidate(tok *oauth2.Token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.invalidated = append(s.invalidated, tok.AccessToken)
	s.next++
}

func TestClient_Do_Unauthorized(t *testing.T) {
	tests := []struct {
		name            string
		method          string
		invalidator     bool
		accept          string // the token the server accepts
		wantCode        codes.Code
		wantAttempts    int
		wantInvalidated []string
		wantAuth        []string
	}{
		{
			name: "fresh token is accepted", invalidator: true, accept: "new",
			wantCode: codes.OK, wantAttempts: 2, wantInvalidated: []string{"old"},
			wantAuth: []string{"Bearer old", "Bearer new"},
		},
		{
			name: "second 401 is the error", invalidator: true, accept: "none",
			wantCode: codes.Unauthenticated, wantAttempts: 2, wantInvalidated: []string{"old"},
			wantAuth: []string{"Bearer old", "Bearer new"},
		},
		{
			name: "POST is retried once too", method: http.MethodPost, invalidator: true, accept: "new",
			wantCode: codes.OK, wantAttempts: 2, wantInvalidated: []string{"old"},
			wantAuth: []string{"Bearer old", "Bearer new"},
		},
		{
			name: "no retry without an Invalidator", invalidator: false, accept: "new",
			wantCode: codes.Unauthenticated, wantAttempts: 1,
			wantAuth: []string{"Bearer old"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") != "Bearer "+tt.accept {
					reply(w, http.StatusUnauthorized, `{"Title":"Unauthorized","Detail":"TokenExpired"}`)
					return
				}
				reply(w, http.StatusOK, "ok")
			})
			src := &tokens{values: []string{"old", "new"}}
			var ts oauth2.TokenSource = src
			if !tt.invalidator {
				ts = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "old"})
			}
			c := newClient(Options{TokenSource: ts, Retry: RetryPolicy{MaxAttempts: 6, MinBackoff: time.Millisecond}})
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			resp, err := send(t, c, context.Background(), method, srv.URL+"/Users", "")
			if err == nil {
				resp.Body.Close()
			}
			if got := status.Code(err); got != tt.wantCode {
				t.Errorf("code: got %v, want %v (error %v)", got, tt.wantCode, err)
			}
			if got := int(srv.hits.Load()); got != tt.wantAttempts {
				t.Errorf("requests served: got %d, want %d", got, tt.wantAttempts)
			}
			if !reflect.DeepEqual(src.invalidated, tt.wantInvalidated) {
				t.Errorf("invalidated: got %q, want %q", src.invalidated, tt.wantInvalidated)
			}
			var auth []string
			for _, s := range srv.seen() {
				auth = append(auth, s.auth)
			}
			if !reflect.DeepEqual(auth, tt.wantAuth) {
				t.Errorf("Authorization headers: got %q, want %q", auth, tt.wantAuth)
			}
		})
	}
}

type failingTokens struct{ err error }

func (f failingTokens) Token() (*oauth2.Token, error) { return nil, f.err }

func TestClient_Do_TokenSourceError(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		wantCode codes.Code
	}{
		{name: "plain error is Unauthenticated", err: errors.New("refresh token expired"), wantCode: codes.Unauthenticated},
		{name: "gRPC code is kept", err: status.Error(codes.PermissionDenied, "refresh token expired"), wantCode: codes.PermissionDenied},
		{name: "wrapped gRPC code is kept", err: fmt.Errorf("token store: %w", status.Error(codes.FailedPrecondition, "refresh token expired")), wantCode: codes.FailedPrecondition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { reply(w, http.StatusOK, "ok") })
			rec := &accounting.Recorder{}
			c := newClient(Options{TokenSource: failingTokens{tt.err}, Recorder: rec})
			_, err := send(t, c, context.Background(), http.MethodGet, srv.URL+"/Users", "")
			if got := status.Code(fmt.Errorf("sync: %w", err)); got != tt.wantCode {
				t.Errorf("code: got %v, want %v (error %v)", got, tt.wantCode, err)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("errors.Is(err, token error): got false, want true (error %v)", err)
			}
			if !strings.HasPrefix(err.Error(), "xero: GET /Users: get access token: ") || !strings.Contains(err.Error(), "refresh token expired") {
				t.Errorf("message: got %q, want the service prefix and the token error", err)
			}
			if got := srv.hits.Load(); got != 0 {
				t.Errorf("requests served: got %d, want 0", got)
			}
			if got := rec.Total(); got != 0 {
				t.Errorf("recorded attempts: got %d, want 0", got)
			}
		})
	}
}

func TestClient_Do_Headers(t *testing.T) {
	other := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { reply(w, http.StatusOK, "there") })
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/away" {
			http.Redirect(w, r, other.URL+"/landing", http.StatusFound)
			return
		}
		reply(w, http.StatusOK, "ok")
	})
	c := newClient(Options{
		UserAgent:   "baton-xero/v1.2.3",
		TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok-123"}),
	})

	tests := []struct {
		name     string
		path     string
		server   *testServer
		wantUA   string
		wantAuth string
	}{
		{name: "same host gets UA and token", path: "/Users", server: srv, wantUA: "baton-xero/v1.2.3", wantAuth: "Bearer tok-123"},
		{name: "redirect to another host gets no token", path: "/away", server: other, wantUA: "baton-xero/v1.2.3", wantAuth: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := send(t, c, context.Background(), http.MethodGet, srv.URL+tt.path, "")
			if err != nil {
				t.Fatalf("Do: got error %v, want nil", err)
			}
			resp.Body.Close()
			reqs := tt.server.seen()
			last := reqs[len(reqs)-1]
			if last.userAgent != tt.wantUA {
				t.Errorf("User-Agent: got %q, want %q", last.userAgent, tt.wantUA)
			}
			if last.auth != tt.wantAuth {
				t.Errorf("Authorization: got %q, want %q", last.auth, tt.wantAuth)
			}
		})
	}
}

func TestClient_Do_RedactsBody(t *testing.T) {
	body := `{"error":"invalid_grant","refresh_token":"rt-secret-123",` + "\n\n   " +
		`"detail":"sent header Authorization: Bearer abc.def-ghi"}`
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { reply(w, http.StatusBadRequest, body) })
	c := newClient(Options{})
	_, err := send(t, c, context.Background(), http.MethodGet, srv.URL+"/token", "")
	var se *StatusError
	if !errors.As(err, &se) {
		t.Fatalf("error: got %v, want *StatusError", err)
	}
	want := `{"error":"invalid_grant","refresh_token":"[REDACTED]", "detail":"sent header Authorization: Bearer [REDACTED]"}`
	if se.Body != want {
		t.Errorf("Body: got %q, want %q", se.Body, want)
	}
	for _, secret := range []string{"rt-secret-123", "abc.def-ghi"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("message %q: got secret %q, want it redacted", err, secret)
		}
	}
}

func TestClient_Do_LongBody(t *testing.T) {
	long := strings.Repeat("word \n\t ", 5000)
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { reply(w, http.StatusConflict, long) })
	c := newClient(Options{})
	_, err := send(t, c, context.Background(), http.MethodGet, srv.URL+"/x", "")
	var se *StatusError
	if !errors.As(err, &se) {
		t.Fatalf("error: got %v, want *StatusError", err)
	}
	if len(se.Body) > BodyExcerptBytes {
		t.Errorf("Body length: got %d, want at most %d", len(se.Body), BodyExcerptBytes)
	}
	if !strings.HasPrefix(se.Body, "word word word") || !strings.HasSuffix(se.Body, "...") {
		t.Errorf("Body: got %q, want collapsed words ending in ...", se.Body)
	}
	if got := status.Code(err); got != codes.AlreadyExists {
		t.Errorf("code: got %v, want %v", got, codes.AlreadyExists)
	}
}

func TestClient_Do_Limiter(t *testing.T) {
	tenantA := ratelimit.Key{Class: "tenant", ID: "a"}
	tenantB := ratelimit.Key{Class: "tenant", ID: "b"}
	app := ratelimit.Key{Class: "app"}

	t.Run("quota header 0 blocks the key", func(t *testing.T) {
		srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-MinLimit-Remaining", "0")
			reply(w, http.StatusOK, "ok")
		})
		lim := ratelimit.New(map[string]ratelimit.Policy{"tenant": {Limit: 60, Window: time.Hour}})
		c := newClient(Options{Limiter: lim, QuotaHeaders: []QuotaHeader{{Header: "X-MinLimit-Remaining", Class: "tenant"}}})

		resp, err := send(t, c, WithLimitKeys(context.Background(), tenantA, app), http.MethodGet, srv.URL+"/Users", "")
		if err != nil {
			t.Fatalf("first Do: got error %v, want nil", err)
		}
		resp.Body.Close()

		ctx, cancel := context.WithTimeout(WithLimitKeys(context.Background(), tenantA, app), 50*time.Millisecond)
		defer cancel()
		_, err = send(t, c, ctx, http.MethodGet, srv.URL+"/Users", "")
		if got := status.Code(err); got != codes.DeadlineExceeded {
			t.Errorf("second Do on the spent key: got code %v (error %v), want %v", got, err, codes.DeadlineExceeded)
		}
		if got := srv.hits.Load(); got != 1 {
			t.Errorf("requests served: got %d, want 1", got)
		}

		resp, err = send(t, c, WithLimitKeys(context.Background(), tenantB, app), http.MethodGet, srv.URL+"/Users", "")
		if err != nil {
			t.Fatalf("Do on another key: got error %v, want nil", err)
		}
		resp.Body.Close()
	})

	t.Run("in-flight slot is held until the body is closed", func(t *testing.T) {
		srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/missing" {
				reply(w, http.StatusNotFound, "")
				return
			}
			reply(w, http.StatusOK, "ok")
		})
		lim := ratelimit.New(map[string]ratelimit.Policy{"tenant": {MaxInFlight: 1}})
		c := newClient(Options{Limiter: lim})
		ctx := WithLimitKeys(context.Background(), tenantA)

		// A non-2xx response gives its slot back by itself.
		if _, err := send(t, c, ctx, http.MethodGet, srv.URL+"/missing", ""); !IsNotFound(err) || status.Code(err) != codes.FailedPrecondition {
			t.Fatalf("Do: got error %v, want a 404 with FailedPrecondition", err)
		}
		resp, err := send(t, c, ctx, http.MethodGet, srv.URL+"/Users", "")
		if err != nil {
			t.Fatalf("Do: got error %v, want nil", err)
		}
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		if _, err := send(t, c, short, http.MethodGet, srv.URL+"/Users", ""); status.Code(err) != codes.DeadlineExceeded {
			t.Errorf("Do while the body is open: got error %v, want DeadlineExceeded", err)
		}
		resp.Body.Close()
		resp, err = send(t, c, ctx, http.MethodGet, srv.URL+"/Users", "")
		if err != nil {
			t.Fatalf("Do after the body was closed: got error %v, want nil", err)
		}
		resp.Body.Close()
	})
}

func TestClient_Do_Logging(t *testing.T) {
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			reply(w, http.StatusServiceUnavailable, `{"access_token":"body-secret"}`)
			return
		}
		reply(w, http.StatusOK, "ok")
	})
	core, logs := observer.New(zapcore.DebugLevel)
	c := newClient(Options{
		Logger:      zap.New(core),
		TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok-secret"}),
	})
	ctx := WithRoute(context.Background(), "/Users")
	resp, err := send(t, c, ctx, http.MethodGet, srv.URL+"/Users?api_key=query-secret", "")
	if err != nil {
		t.Fatalf("Do: got error %v, want nil", err)
	}
	resp.Body.Close()

	entries := logs.All()
	if len(entries) != 2 {
		t.Fatalf("log entries: got %d, want 2 (one per attempt)", len(entries))
	}
	for i, e := range entries {
		fields := e.ContextMap()
		want := map[string]any{"method": "GET", "route": "/Users", "attempt": int64(i + 1), "status": int64([]int{503, 200}[i])}
		for k, v := range want {
			if fields[k] != v {
				t.Errorf("entry %d field %s: got %v, want %v", i, k, fields[k], v)
			}
		}
		if _, ok := fields["duration"]; !ok {
			t.Errorf("entry %d: got no duration field, want one", i)
		}
		line := fmt.Sprint(e.Message, fields)
		for _, secret := range []string{"tok-secret", "query-secret", "body-secret"} {
			if strings.Contains(line, secret) {
				t.Errorf("entry %d: got %q in %q, want no secrets logged", i, secret, line)
			}
		}
	}
}

func TestClient_GetJSON(t *testing.T) {
	type thing struct {
		Name string `json:"name"`
	}
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		wantName    string
		wantCode    codes.Code
		wantInMsg   string
	}{
		{name: "valid JSON", status: 200, body: `{"name":"widget"}` + "\n", wantName: "widget"},
		{name: "malformed JSON", status: 200, body: `{"name":`, wantCode: codes.Internal, wantInMsg: "response body was not valid JSON"},
		{name: "HTML page", status: 200, contentType: "text/html", body: "<html>maintenance</html>", wantCode: codes.Internal, wantInMsg: `not valid JSON (Content-Type "text/html")`},
		{name: "empty body", status: 200, body: "", wantCode: codes.Internal, wantInMsg: "empty body"},
		{name: "trailing data", status: 200, body: `{"name":"a"}{"name":"b"}`, wantCode: codes.Internal, wantInMsg: "unexpected data after the JSON value"},
		{name: "wrong shape", status: 200, body: `[1,2]`, wantCode: codes.Internal, wantInMsg: "does not have the expected shape"},
		{name: "status error passes through", status: 404, body: `{"Message":"no such thing"}`, wantCode: codes.FailedPrecondition, wantInMsg: "404 Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				}
				reply(w, tt.status, tt.body)
			})
			c := newClient(Options{})
			h := http.Header{}
			h.Set("xero-tenant-id", "t-1")
			var out thing
			err := c.GetJSON(context.Background(), srv.URL+"/api/things?token=query-secret", h, &out)

			s := srv.seen()[0]
			if s.accept != "application/json" {
				t.Errorf("Accept: got %q, want %q", s.accept, "application/json")
			}
			if s.tenant != "t-1" {
				t.Errorf("xero-tenant-id: got %q, want %q", s.tenant, "t-1")
			}
			if tt.wantCode == codes.OK {
				if err != nil {
					t.Fatalf("GetJSON: got error %v, want nil", err)
				}
				if out.Name != tt.wantName {
					t.Errorf("name: got %q, want %q", out.Name, tt.wantName)
				}
				return
			}
			if got := status.Code(fmt.Errorf("wrap: %w", err)); got != tt.wantCode {
				t.Errorf("code: got %v, want %v (error %v)", got, tt.wantCode, err)
			}
			msg := fmt.Sprint(err)
			if !strings.HasPrefix(msg, "xero: GET /api/things: ") {
				t.Errorf("message: got %q, want prefix %q", msg, "xero: GET /api/things: ")
			}
			if !strings.Contains(msg, tt.wantInMsg) {
				t.Errorf("message: got %q, want it to contain %q", msg, tt.wantInMsg)
			}
			if strings.Contains(msg, "query-secret") {
				t.Errorf("message: got %q, want no query string", msg)
			}
		})
	}
}

func TestClient_StandardClient(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		retryPOST  bool
		statuses   []int // by request number; the last one repeats
		wantStatus int
		wantHits   int
	}{
		{name: "final 400 is returned with its body", method: http.MethodPost, statuses: []int{400}, wantStatus: 400, wantHits: 1},
		{name: "GET 503 is retried", method: http.MethodGet, statuses: []int{503, 200}, wantStatus: 200, wantHits: 2},
		{name: "POST 503 is retried with retryPOST", method: http.MethodPost, retryPOST: true, statuses: []int{503, 200}, wantStatus: 200, wantHits: 2},
		{name: "POST 503 is not retried without retryPOST", method: http.MethodPost, statuses: []int{503, 200}, wantStatus: 503, wantHits: 1},
		{name: "spent retries return the last response", method: http.MethodGet, statuses: []int{502}, wantStatus: 502, wantHits: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				code := tt.statuses[min(n, len(tt.statuses))-1]
				reply(w, code, fmt.Sprintf(`{"error":"e%d"}`, code))
			})
			rec := &accounting.Recorder{}
			c := newClient(Options{
				UserAgent:   "baton-xero/test",
				Recorder:    rec,
				TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "must-not-be-sent"}),
			})
			req, err := http.NewRequest(tt.method, srv.URL+"/connect/token", strings.NewReader("grant_type=refresh_token"))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.StandardClient(tt.retryPOST).Do(req)
			if err != nil {
				t.Fatalf("Do: got error %v, want a response", err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status: got %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if want := fmt.Sprintf(`{"error":"e%d"}`, tt.wantStatus); string(body) != want {
				t.Errorf("body: got %q, want %q", body, want)
			}
			if got := int(srv.hits.Load()); got != tt.wantHits {
				t.Errorf("requests served: got %d, want %d", got, tt.wantHits)
			}
			if got := rec.Count(tt.method, "/connect/token"); got != tt.wantHits {
				t.Errorf("recorded attempts: got %d, want %d", got, tt.wantHits)
			}
			for _, s := range srv.seen() {
				if s.auth != "" || s.userAgent != "baton-xero/test" || s.body != "grant_type=refresh_token" {
					t.Errorf("request seen: got auth %q, UA %q, body %q; want no auth, UA %q and the form body",
						s.auth, s.userAgent, s.body, "baton-xero/test")
				}
			}
		})
	}
}

func TestClient_StandardClient_OAuth2(t *testing.T) {
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		reply(w, http.StatusBadRequest, `{"error":"invalid_grant","error_description":"refresh token expired"}`)
	})
	c := newClient(Options{})
	cfg := oauth2.Config{ClientID: "id", ClientSecret: "secret", Endpoint: oauth2.Endpoint{TokenURL: srv.URL + "/token"}}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, c.StandardClient(true))
	_, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: "rt"}).Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("error: got %v, want *oauth2.RetrieveError", err)
	}
	if re.ErrorCode != "invalid_grant" {
		t.Errorf("ErrorCode: got %q, want %q", re.ErrorCode, "invalid_grant")
	}
}

func TestNew(t *testing.T) {
	tests := []struct {
		name         string
		opts         Options
		wantTimeout  time.Duration
		wantRetry    RetryPolicy
		wantProxyEnv bool
	}{
		{
			name: "defaults", opts: Options{},
			wantTimeout: DefaultTimeout, wantRetry: DefaultRetryPolicy, wantProxyEnv: true,
		},
		{
			name:        "partial retry policy keeps the other defaults",
			opts:        Options{Timeout: time.Second, Retry: RetryPolicy{MaxAttempts: 2}, Transport: &http.Transport{}},
			wantTimeout: time.Second,
			wantRetry:   RetryPolicy{MaxAttempts: 2, MinBackoff: 500 * time.Millisecond, MaxBackoff: 30 * time.Second, MaxRetryAfter: 5 * time.Minute},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(tt.opts)
			if c.opts.Timeout != tt.wantTimeout {
				t.Errorf("Timeout: got %v, want %v", c.opts.Timeout, tt.wantTimeout)
			}
			if c.retry != tt.wantRetry {
				t.Errorf("Retry: got %+v, want %+v", c.retry, tt.wantRetry)
			}
			if !tt.wantProxyEnv {
				if c.base != tt.opts.Transport {
					t.Errorf("Transport: got %p, want the one given", c.base)
				}
				return
			}
			tr, ok := c.base.(*http.Transport)
			if !ok {
				t.Fatalf("default transport: got %T, want *http.Transport", c.base)
			}
			if tr == http.DefaultTransport {
				t.Errorf("default transport: got http.DefaultTransport itself, want a clone")
			}
			got := reflect.ValueOf(tr.Proxy).Pointer()
			if want := reflect.ValueOf(http.ProxyFromEnvironment).Pointer(); got != want {
				t.Errorf("Proxy: got func %#x, want http.ProxyFromEnvironment %#x (HTTPS_PROXY would be ignored)", got, want)
			}
		})
	}
}

func TestFullJitter(t *testing.T) {
	tests := []struct {
		name        string
		attempt     int
		wantCeiling time.Duration
	}{
		{name: "first retry", attempt: 0, wantCeiling: 10 * time.Millisecond},
		{name: "doubles", attempt: 2, wantCeiling: 40 * time.Millisecond},
		{name: "capped", attempt: 10, wantCeiling: 100 * time.Millisecond},
		{name: "no overflow", attempt: 200, wantCeiling: 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var biggest time.Duration
			for range 200 {
				d := fullJitter(10*time.Millisecond, 100*time.Millisecond, tt.attempt)
				if d < 0 || d > tt.wantCeiling {
					t.Fatalf("backoff: got %v, want within [0, %v]", d, tt.wantCeiling)
				}
				biggest = max(biggest, d)
			}
			if biggest < tt.wantCeiling/2 {
				t.Errorf("largest of 200 backoffs: got %v, want above %v (jitter spans the whole range)", biggest, tt.wantCeiling/2)
			}
		})
	}
}

func TestClient_backoff(t *testing.T) {
	const minWait, maxWait = 10 * time.Millisecond, 80 * time.Millisecond
	c := New(Options{})
	tests := []struct {
		name       string
		status     int
		retryAfter func() string
		wantMin    time.Duration
		wantMax    time.Duration
	}{
		{name: "429 Retry-After seconds", status: 429, retryAfter: func() string { return "42" }, wantMin: 42 * time.Second, wantMax: 42 * time.Second},
		{
			name: "503 Retry-After HTTP date", status: 503,
			retryAfter: func() string { return time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat) },
			wantMin:    88 * time.Second, wantMax: 90 * time.Second,
		},
		{name: "Retry-After 0 falls back to the backoff", status: 429, retryAfter: func() string { return "0" }, wantMin: 0, wantMax: minWait},
		{name: "Retry-After ignored on 500", status: 500, retryAfter: func() string { return "42" }, wantMin: 0, wantMax: minWait},
		{name: "401 retries at once", status: 401, retryAfter: func() string { return "" }, wantMin: 0, wantMax: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tt.status, Header: http.Header{}}
			if v := tt.retryAfter(); v != "" {
				resp.Header.Set("Retry-After", v)
			}
			got := c.backoff(minWait, maxWait, 0, resp)
			if got < tt.wantMin || got > tt.wantMax {
				t.Errorf("got %v, want within [%v, %v]", got, tt.wantMin, tt.wantMax)
			}
		})
	}
}
