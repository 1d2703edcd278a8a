package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/internal/accounting"
)

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
			wantCode: codes.Aborted, wantAttempts: 1,
		},
		{
			name:   "POST reset is not retried",
			method: http.MethodPost, body: "payload",
			handle: func(t *testing.T, n int, w http.ResponseWriter, r *http.Request) {
				hangUp(t, w, true)
			},
			wantCode: codes.Aborted, wantAttempts: 1, wantMsg: "not retried: a POST may have reached the server", wantRequest: true,
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
