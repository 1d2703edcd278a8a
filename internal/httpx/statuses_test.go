package httpx

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/internal/ratelimit"
)

// TestClient_Do_GivesUp checks that every transient failure is retried and,
// retries spent, never comes out as Unavailable or DeadlineExceeded, which
// baton-sdk would retry forever.
func TestClient_Do_GivesUp(t *testing.T) {
	tests := []struct {
		name     string
		method   string
		timeout  time.Duration
		handle   func(t *testing.T, w http.ResponseWriter, r *http.Request)
		wantCode codes.Code
		wantHits int32
	}{
		{name: "408", handle: func(_ *testing.T, w http.ResponseWriter, _ *http.Request) { reply(w, 408, "") }, wantCode: codes.Aborted, wantHits: 3},
		{name: "505", handle: func(_ *testing.T, w http.ResponseWriter, _ *http.Request) { reply(w, 505, "") }, wantCode: codes.Aborted, wantHits: 3},
		{name: "507", handle: func(_ *testing.T, w http.ResponseWriter, _ *http.Request) { reply(w, 507, "") }, wantCode: codes.Aborted, wantHits: 3},
		{name: "511", handle: func(_ *testing.T, w http.ResponseWriter, _ *http.Request) { reply(w, 511, "") }, wantCode: codes.Aborted, wantHits: 3},
		{name: "CDN 520", handle: func(_ *testing.T, w http.ResponseWriter, _ *http.Request) { reply(w, 520, "") }, wantCode: codes.Aborted, wantHits: 3},
		{name: "CDN 524", handle: func(_ *testing.T, w http.ResponseWriter, _ *http.Request) { reply(w, 524, "") }, wantCode: codes.Aborted, wantHits: 3},
		{name: "503", handle: func(_ *testing.T, w http.ResponseWriter, _ *http.Request) { reply(w, 503, "") }, wantCode: codes.Aborted, wantHits: 3},
		{name: "429", handle: func(_ *testing.T, w http.ResponseWriter, _ *http.Request) { reply(w, 429, "") }, wantCode: codes.ResourceExhausted, wantHits: 3},
		{name: "resets", handle: func(t *testing.T, w http.ResponseWriter, _ *http.Request) { hangUp(t, w, true) }, wantCode: codes.Aborted, wantHits: 3},
		{
			name: "attempt timeouts", timeout: 30 * time.Millisecond,
			handle: func(_ *testing.T, _ http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(2 * time.Second):
				}
			},
			wantCode: codes.Aborted, wantHits: 3,
		},
		{name: "POST 505 not retried", method: http.MethodPost, handle: func(_ *testing.T, w http.ResponseWriter, _ *http.Request) { reply(w, 505, "") }, wantCode: codes.Aborted, wantHits: 1},
		{name: "POST 408 not retried", method: http.MethodPost, handle: func(_ *testing.T, w http.ResponseWriter, _ *http.Request) { reply(w, 408, "") }, wantCode: codes.Aborted, wantHits: 1},
		{name: "501 not retried", handle: func(_ *testing.T, w http.ResponseWriter, _ *http.Request) { reply(w, 501, "") }, wantCode: codes.Unimplemented, wantHits: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(_ int, w http.ResponseWriter, r *http.Request) { tt.handle(t, w, r) })
			c := newClient(Options{Timeout: tt.timeout})
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			_, err := send(t, c, context.Background(), method, srv.URL+"/x", "")
			got := status.Code(fmt.Errorf("sync: %w", err))
			if got != tt.wantCode {
				t.Errorf("code: got %v, want %v (error %v)", got, tt.wantCode, err)
			}
			if got == codes.Unavailable || got == codes.DeadlineExceeded {
				t.Errorf("code: got %v, which baton-sdk retries forever", got)
			}
			if hits := srv.hits.Load(); hits != tt.wantHits {
				t.Errorf("requests served: got %d, want %d", hits, tt.wantHits)
			}
			if a := attemptsOf(err); a != int(tt.wantHits) {
				t.Errorf("error attempts: got %d, want %d", a, tt.wantHits)
			}
		})
	}
}

func TestClient_Do_MaxElapsed(t *testing.T) {
	tests := []struct {
		name       string
		retry      RetryPolicy
		timeout    time.Duration
		handle     func(w http.ResponseWriter, r *http.Request)
		wantCode   codes.Code
		wantInMsg  []string
		wantBefore time.Duration
	}{
		{
			name:  "backoff that would cross the limit is not slept",
			retry: RetryPolicy{MaxAttempts: 10, MinBackoff: 400 * time.Millisecond, MaxBackoff: 400 * time.Millisecond, MaxElapsed: 300 * time.Millisecond},
			handle: func(w http.ResponseWriter, _ *http.Request) {
				time.Sleep(50 * time.Millisecond)
				reply(w, 500, "")
			},
			// The jitter may pick a short first wait, so a second attempt
			// may run; the call still ends by the limit.
			wantCode: codes.Aborted, wantInMsg: []string{"gave up after", "time limit of 300ms (RetryPolicy.MaxElapsed)"},
			wantBefore: 450 * time.Millisecond,
		},
		{
			name:  "Retry-After that would cross the limit fails at once",
			retry: RetryPolicy{MaxAttempts: 10, MinBackoff: time.Millisecond, MaxRetryAfter: time.Hour, MaxElapsed: 500 * time.Millisecond},
			handle: func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Retry-After", "2")
				reply(w, 429, "")
			},
			wantCode:   codes.ResourceExhausted,
			wantInMsg:  []string{"is exhausted until ", "past this call's time limit of 500ms (RetryPolicy.MaxElapsed)", "run again after that time"},
			wantBefore: 300 * time.Millisecond,
		},
		{
			name:    "a hanging attempt ends at the limit",
			retry:   RetryPolicy{MaxAttempts: 10, MinBackoff: time.Millisecond, MaxElapsed: 200 * time.Millisecond},
			timeout: time.Minute,
			handle: func(_ http.ResponseWriter, r *http.Request) {
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
			},
			wantCode: codes.Aborted, wantInMsg: []string{"gave up after 1 attempt", "time limit of 200ms"},
			wantBefore: time.Second,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(_ int, w http.ResponseWriter, r *http.Request) { tt.handle(w, r) })
			c := newClient(Options{Retry: tt.retry, Timeout: tt.timeout})
			start := time.Now()
			_, err := send(t, c, context.Background(), http.MethodGet, srv.URL+"/x", "")
			if elapsed := time.Since(start); elapsed > tt.wantBefore {
				t.Errorf("elapsed: got %v, want under %v", elapsed, tt.wantBefore)
			}
			if got := status.Code(err); got != tt.wantCode {
				t.Errorf("code: got %v, want %v (error %v)", got, tt.wantCode, err)
			}
			for _, want := range tt.wantInMsg {
				if !strings.Contains(fmt.Sprint(err), want) {
					t.Errorf("message: got %q, want it to contain %q", err, want)
				}
			}
		})
	}
}

// TestClient_Do_LostDeleteAnswer shows a caller can tell a DELETE whose
// first answer was lost: the retry's 404 carries Attempts 2.
func TestClient_Do_LostDeleteAnswer(t *testing.T) {
	srv := newServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
		if n == 1 {
			hangUp(t, w, true)
			return
		}
		reply(w, http.StatusNotFound, `{"message":"Not found"}`)
	})
	_, err := send(t, newClient(Options{}), context.Background(), http.MethodDelete, srv.URL+"/api/members/7", "")
	if !IsNotFound(err) {
		t.Fatalf("error: got %v, want a 404", err)
	}
	if got := attemptsOf(err); got != 2 {
		t.Errorf("Attempts: got %d, want 2", got)
	}
}

// TestClient_Do_LimiterWaitPastMaxElapsed checks a client-side rate-limit
// wait counts against the call's time limit and ends Aborted, not with the
// DeadlineExceeded baton-sdk would retry forever.
func TestClient_Do_LimiterWaitPastMaxElapsed(t *testing.T) {
	srv := newServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { reply(w, http.StatusOK, "ok") })
	lim := ratelimit.New(map[string]ratelimit.Policy{"app": {Limit: 1, Window: time.Hour}})
	c := newClient(Options{Limiter: lim, Retry: RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxElapsed: 100 * time.Millisecond}})
	ctx := WithLimitKeys(context.Background(), ratelimit.Key{Class: "app"})
	resp, err := send(t, c, ctx, http.MethodGet, srv.URL+"/x", "")
	if err != nil {
		t.Fatalf("first Do: got error %v, want nil", err)
	}
	resp.Body.Close()

	start := time.Now()
	_, err = send(t, c, ctx, http.MethodGet, srv.URL+"/x", "")
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("elapsed: got %v, want about the 100ms limit", elapsed)
	}
	if got := status.Code(err); got != codes.Aborted {
		t.Errorf("code: got %v, want Aborted (error %v)", got, err)
	}
	if got := srv.hits.Load(); got != 1 {
		t.Errorf("requests served: got %d, want 1", got)
	}
}
