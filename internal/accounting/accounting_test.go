package accounting

import (
	"sync"
	"testing"
)

func TestRecorder_Add(t *testing.T) {
	var r Recorder
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.Add("get", "/Users")
		}()
	}
	wg.Wait()
	r.Add("POST", "/connect/token")

	tests := []struct {
		name   string
		method string
		route  string
		want   int
	}{
		{name: "concurrent adds", method: "GET", route: "/Users", want: 50},
		{name: "method is case-insensitive", method: "get", route: "/Users", want: 50},
		{name: "other route", method: "POST", route: "/connect/token", want: 1},
		{name: "unknown route", method: "GET", route: "/nothing", want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Count(tt.method, tt.route); got != tt.want {
				t.Fatalf("Count(%s, %s): got %d, want %d", tt.method, tt.route, got, tt.want)
			}
		})
	}
	if got := r.Total(); got != 51 {
		t.Fatalf("Total: got %d, want 51", got)
	}
	if got, want := r.String(), "    50 GET /Users\n     1 POST /connect/token\n"; got != want {
		t.Fatalf("String: got %q, want %q", got, want)
	}
	r.Reset()
	if got := r.Total(); got != 0 {
		t.Fatalf("Total after Reset: got %d, want 0", got)
	}
}

func TestRecorder_Nil(t *testing.T) {
	var r *Recorder
	r.Add("GET", "/x")
	if got := r.Total(); got != 0 {
		t.Fatalf("Total on nil: got %d, want 0", got)
	}
}
