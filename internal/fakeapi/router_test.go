package fakeapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

func TestFaults_Take(t *testing.T) {
	var f Faults
	f.Add(Fault{Route: "GET /a", Times: 2, Status: 503})
	f.Add(Fault{Route: "/b", Status: 500})
	f.Add(Fault{Status: 502})
	if got := f.Pending(); got != 4 {
		t.Fatalf("Pending: got %d, want 4", got)
	}
	tests := []struct {
		method, path string
		wantStatus   int
		wantOK       bool
	}{
		{"POST", "/a", 502, true}, // "GET /a" wants GET and "/b" another path: the any-route fault
		{"GET", "/a", 503, true},
		{"GET", "/a", 503, true},
		{"GET", "/a", 0, false}, // "GET /a" used up; "/b" does not match
		{"DELETE", "/b", 500, true},
		{"GET", "/b", 0, false},
	}
	for i, tt := range tests {
		got, ok := f.Take(tt.method, tt.path)
		if ok != tt.wantOK || got.Status != tt.wantStatus {
			t.Fatalf("take %d (%s %s): got (%d, %v), want (%d, %v)", i, tt.method, tt.path, got.Status, ok, tt.wantStatus, tt.wantOK)
		}
	}
	if got := f.Pending(); got != 0 {
		t.Fatalf("Pending at end: got %d, want 0", got)
	}
	f.Add(Fault{Times: 5})
	f.Clear()
	if got := f.Pending(); got != 0 {
		t.Fatalf("Pending after Clear: got %d, want 0", got)
	}
}

func TestFaults_Concurrent(t *testing.T) {
	var f Faults
	f.Add(Fault{Times: 50, Status: 500})
	var wg sync.WaitGroup
	var mu sync.Mutex
	taken := 0
	for i := 0; i < 80; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, ok := f.Take("GET", "/x"); ok {
				mu.Lock()
				taken++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if taken != 50 {
		t.Fatalf("taken: got %d, want 50", taken)
	}
}

func newTestRouter(t *testing.T) (*Router, string) {
	t.Helper()
	rt := NewRouter(WithNotFound(func(w http.ResponseWriter, r *http.Request) {
		WriteText(w, http.StatusNotFound, "custom not found")
	}))
	rt.Handle("GET /api/items/{id}", func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]string{"id": r.PathValue("id")})
	})
	rt.Handle("GET /api/items", func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, []int{1, 2})
	})
	rt.HandleFold("GET /connections", func(w http.ResponseWriter, r *http.Request) {
		WriteText(w, http.StatusOK, "conns")
	})
	srv := httptest.NewServer(rt)
	t.Cleanup(srv.Close)
	return rt, srv.URL
}

func get(t *testing.T, url string) (int, string, error) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func TestRouter_ServeHTTP(t *testing.T) {
	rt, base := newTestRouter(t)
	tests := []struct {
		name       string
		method     string
		path       string
		wantStatus int
		wantBody   string
		wantKey    string
	}{
		{name: "wildcard route", method: "GET", path: "/api/items/AbC", wantStatus: 200, wantBody: `{"id":"AbC"}`, wantKey: "GET /api/items/{id}"},
		{name: "exact route", method: "GET", path: "/api/items", wantStatus: 200, wantBody: `[1,2]`, wantKey: "GET /api/items"},
		{name: "exact route is case-sensitive", method: "GET", path: "/API/items", wantStatus: 404, wantBody: "custom not found", wantKey: "GET /API/items"},
		{name: "fold route lower", method: "GET", path: "/connections", wantStatus: 200, wantBody: "conns", wantKey: "GET /connections"},
		{name: "fold route capitalised", method: "GET", path: "/Connections", wantStatus: 200, wantBody: "conns", wantKey: "GET /connections"},
		{name: "fold route upper", method: "GET", path: "/CONNECTIONS", wantStatus: 200, wantBody: "conns", wantKey: "GET /connections"},
		{name: "wrong method", method: "POST", path: "/api/items", wantStatus: 405, wantKey: "POST /api/items"},
		{name: "wrong method on fold route", method: "DELETE", path: "/Connections", wantStatus: 405, wantKey: "DELETE /Connections"},
		{name: "unknown path", method: "GET", path: "/nope", wantStatus: 404, wantBody: "custom not found", wantKey: "GET /nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt.Recorder().Reset()
			req, _ := http.NewRequest(tt.method, base+tt.path, nil)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status: got %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if tt.wantBody != "" && string(b) != tt.wantBody {
				t.Errorf("body: got %q, want %q", b, tt.wantBody)
			}
			snap := rt.Recorder().Snapshot()
			if snap[tt.wantKey] != 1 || len(snap) != 1 {
				t.Errorf("recorded: got %v, want {%q: 1}", snap, tt.wantKey)
			}
		})
	}
}

func TestRouter_Faults(t *testing.T) {
	rt, base := newTestRouter(t)

	t.Run("status fault then handler", func(t *testing.T) {
		rt.Faults().Add(Fault{Route: "GET /api/items/{id}", Status: 503, Body: "offline", Header: http.Header{"Retry-After": {"7"}}})
		resp, err := http.Get(base + "/api/items/1")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 503 || string(b) != "offline" || resp.Header.Get("Retry-After") != "7" {
			t.Fatalf("got (%d, %q, Retry-After %q), want (503, offline, 7)", resp.StatusCode, b, resp.Header.Get("Retry-After"))
		}
		if ct := resp.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Fatalf("Content-Type: got %q, want text/plain; charset=utf-8", ct)
		}
		if code, body, _ := get(t, base+"/api/items/1"); code != 200 || body != `{"id":"1"}` {
			t.Fatalf("after fault: got (%d, %q), want (200, {\"id\":\"1\"})", code, body)
		}
		if got := rt.Recorder().Count("GET", "/api/items/{id}"); got != 2 {
			t.Fatalf("faulted request must be counted: got %d, want 2", got)
		}
	})

	t.Run("other route unaffected", func(t *testing.T) {
		rt.Faults().Add(Fault{Route: "GET /api/items", Status: 500})
		if code, _, _ := get(t, base+"/api/items/9"); code != 200 {
			t.Fatalf("got %d, want 200", code)
		}
		if got := rt.Faults().Pending(); got != 1 {
			t.Fatalf("Pending: got %d, want 1", got)
		}
		rt.Faults().Clear()
	})

	t.Run("reset", func(t *testing.T) {
		rt.Faults().Add(Fault{Route: "GET /api/items", Reset: true})
		// A fresh connection: on a reused keep-alive connection Go's
		// Transport silently retries an idempotent request once.
		c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		_, err := c.Get(base + "/api/items")
		if err == nil {
			t.Fatalf("got no error, want a connection error")
		}
		if code, _, err := get(t, base+"/api/items"); err != nil || code != 200 {
			t.Fatalf("after reset: got (%d, %v), want (200, nil)", code, err)
		}
	})

	t.Run("malformed", func(t *testing.T) {
		rt.Faults().Add(Fault{Route: "GET /api/items", Malformed: true})
		code, body, err := get(t, base+"/api/items")
		if err != nil || code != 200 {
			t.Fatalf("got (%d, %v), want (200, nil)", code, err)
		}
		var v any
		if err := json.Unmarshal([]byte(body), &v); err == nil {
			t.Fatalf("body %q parsed as JSON, want a decoding error", body)
		}
	})

	t.Run("malformed with body", func(t *testing.T) {
		rt.Faults().Add(Fault{Route: "GET /api/items", Malformed: true, Body: `{"a":"bcdefgh"}`})
		_, body, _ := get(t, base+"/api/items")
		if body != `{"a":"b` {
			t.Fatalf("got %q, want %q", body, `{"a":"b`)
		}
	})

	t.Run("delay only lets the handler answer", func(t *testing.T) {
		rt.Faults().Add(Fault{Route: "/api/items", Delay: 150 * time.Millisecond})
		start := time.Now()
		code, body, err := get(t, base+"/api/items")
		if err != nil || code != 200 || body != "[1,2]" {
			t.Fatalf("got (%d, %q, %v), want (200, [1,2], nil)", code, body, err)
		}
		if d := time.Since(start); d < 150*time.Millisecond {
			t.Fatalf("took %v, want at least 150ms", d)
		}
	})

	t.Run("delay ends when the client gives up", func(t *testing.T) {
		rt.Faults().Add(Fault{Route: "/api/items", Delay: 10 * time.Second, Status: 500})
		c := &http.Client{Timeout: 100 * time.Millisecond}
		start := time.Now()
		_, err := c.Get(base + "/api/items")
		var ne interface{ Timeout() bool }
		if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
			t.Fatalf("got %v, want a client timeout", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("took %v, want the timeout to end it quickly", d)
		}
	})
}
