package httpx

import (
	"net/http"
	"reflect"
	"testing"
	"time"
)

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
			wantRetry:   RetryPolicy{MaxAttempts: 2, MinBackoff: 500 * time.Millisecond, MaxBackoff: 30 * time.Second, MaxRetryAfter: 5 * time.Minute, MaxElapsed: 5 * time.Minute},
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
	c := New(Options{Retry: RetryPolicy{MinBackoff: minWait, MaxBackoff: maxWait}})
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
			got, _ := c.backoff(&reqState{attempts: 1}, resp)
			if got < tt.wantMin || got > tt.wantMax {
				t.Errorf("got %v, want within [%v, %v]", got, tt.wantMin, tt.wantMax)
			}
		})
	}
}
