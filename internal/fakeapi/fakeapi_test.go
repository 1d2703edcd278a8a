package fakeapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestBearerToken(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   string
		wantOK bool
	}{
		{name: "bearer", header: "Bearer abc", want: "abc", wantOK: true},
		{name: "lower-case scheme", header: "bearer abc", want: "abc", wantOK: true},
		{name: "extra spaces", header: "  Bearer   abc  ", want: "abc", wantOK: true},
		{name: "missing", header: "", wantOK: false},
		{name: "basic", header: "Basic Zm9vOmJhcg==", wantOK: false},
		{name: "empty token", header: "Bearer ", wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			if tt.header != "" {
				r.Header.Set("Authorization", tt.header)
			}
			got, ok := BearerToken(r)
			if got != tt.want || ok != tt.wantOK {
				t.Fatalf("got (%q, %v), want (%q, %v)", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestWriteJSON(t *testing.T) {
	tests := []struct {
		name       string
		v          any
		wantStatus int
		wantType   string
		wantBody   string
	}{
		{name: "object", v: map[string]int{"a": 1}, wantStatus: 201, wantType: "application/json; charset=utf-8", wantBody: `{"a":1}`},
		{name: "unencodable", v: func() {}, wantStatus: 500, wantType: "text/plain; charset=utf-8", wantBody: "fakeapi: encoding response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			WriteJSON(w, 201, tt.v)
			if w.Code != tt.wantStatus {
				t.Errorf("status: got %d, want %d", w.Code, tt.wantStatus)
			}
			if got := w.Header().Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type: got %q, want %q", got, tt.wantType)
			}
			if got := w.Body.String(); !strings.HasPrefix(got, tt.wantBody) {
				t.Errorf("body: got %q, want prefix %q", got, tt.wantBody)
			}
		})
	}
}

func TestWriteText(t *testing.T) {
	w := httptest.NewRecorder()
	WriteText(w, http.StatusNotFound, "nope")
	if w.Code != 404 {
		t.Errorf("status: got %d, want 404", w.Code)
	}
	if got := w.Header().Get("Content-Type"); got != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type: got %q, want text/plain; charset=utf-8", got)
	}
	if got := w.Body.String(); got != "nope" {
		t.Errorf("body: got %q, want %q", got, "nope")
	}
}

func TestPaginate(t *testing.T) {
	items := []int{1, 2, 3, 4, 5, 6, 7}
	tests := []struct {
		name                   string
		page, perPage, maxPage int
		want                   []int
	}{
		{name: "first page", page: 1, perPage: 3, maxPage: 10, want: []int{1, 2, 3}},
		{name: "last partial page", page: 3, perPage: 3, maxPage: 10, want: []int{7}},
		{name: "past the end", page: 4, perPage: 3, maxPage: 10, want: []int{}},
		{name: "page zero is page one", page: 0, perPage: 2, maxPage: 10, want: []int{1, 2}},
		{name: "negative page is page one", page: -5, perPage: 2, maxPage: 10, want: []int{1, 2}},
		{name: "perPage clamped to max", page: 1, perPage: 100, maxPage: 4, want: []int{1, 2, 3, 4}},
		{name: "perPage zero uses max", page: 2, perPage: 0, maxPage: 5, want: []int{6, 7}},
		{name: "negative perPage is one", page: 2, perPage: -1, maxPage: 5, want: []int{2}},
		{name: "max below one is one", page: 3, perPage: 0, maxPage: 0, want: []int{3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Paginate(items, tt.page, tt.perPage, tt.maxPage)
			if got == nil {
				t.Fatalf("got nil, want %v", tt.want)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
		})
	}
	// Appending to a page must not clobber the next page's items.
	p := Paginate(items, 1, 2, 10)
	_ = append(p, 99)
	if items[2] != 3 {
		t.Fatalf("items[2] after append to page: got %d, want 3", items[2])
	}
}

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func TestManualClock_Advance(t *testing.T) {
	c := NewManualClock(t0)
	var clk Clock = c
	c.Advance(90 * time.Second)
	if got, want := clk.Now(), t0.Add(90*time.Second); !got.Equal(want) {
		t.Fatalf("after Advance: got %v, want %v", got, want)
	}
	c.Set(t0)
	if got := clk.Now(); !got.Equal(t0) {
		t.Fatalf("after Set: got %v, want %v", got, t0)
	}
}

func TestScaledClock_Now(t *testing.T) {
	tests := []struct {
		name    string
		factor  float64
		elapsed time.Duration
		want    time.Duration
	}{
		{name: "60x", factor: 60, elapsed: time.Second, want: time.Minute},
		{name: "non-positive factor is 1x", factor: 0, elapsed: time.Second, want: time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewScaledClock(tt.factor)
			c.since = func(time.Time) time.Duration { return tt.elapsed }
			if got := c.Now().Sub(c.origin); got != tt.want {
				t.Fatalf("got %v after %v, want %v", got, tt.elapsed, tt.want)
			}
		})
	}
}

func TestClockFunc_Now(t *testing.T) {
	var c Clock = ClockFunc(func() time.Time { return t0 })
	if got := c.Now(); !got.Equal(t0) {
		t.Fatalf("got %v, want %v", got, t0)
	}
	if got := (RealClock{}).Now(); time.Since(got) > time.Minute || time.Since(got) < 0 {
		t.Fatalf("RealClock: got %v, want about now", got)
	}
}

func TestFixedWindow_Allow(t *testing.T) {
	clk := NewManualClock(t0)
	fw := NewFixedWindow(2, time.Minute, clk.Now)
	type step struct {
		advance       time.Duration
		key           string
		wantOK        bool
		wantRemaining int
		wantRetry     time.Duration
	}
	steps := []step{
		{key: "a", wantOK: true, wantRemaining: 1},
		{advance: 10 * time.Second, key: "a", wantOK: true, wantRemaining: 0},
		{advance: 5 * time.Second, key: "a", wantOK: false, wantRemaining: 0, wantRetry: 45 * time.Second},
		{key: "b", wantOK: true, wantRemaining: 1}, // keys are independent
		{advance: 45 * time.Second, key: "a", wantOK: true, wantRemaining: 1},
	}
	for i, s := range steps {
		clk.Advance(s.advance)
		ok, rem, retry := fw.Allow(s.key)
		if ok != s.wantOK || rem != s.wantRemaining || retry != s.wantRetry {
			t.Fatalf("step %d: got (%v, %d, %v), want (%v, %d, %v)", i, ok, rem, retry, s.wantOK, s.wantRemaining, s.wantRetry)
		}
	}
}

func TestFixedWindow_Peek(t *testing.T) {
	clk := NewManualClock(t0)
	fw := NewFixedWindow(3, time.Hour, clk.Now)
	if rem, reset := fw.Peek("k"); rem != 3 || reset != time.Hour {
		t.Fatalf("fresh key: got (%d, %v), want (3, 1h)", rem, reset)
	}
	fw.Allow("k")
	clk.Advance(time.Minute)
	if rem, reset := fw.Peek("k"); rem != 2 || reset != 59*time.Minute {
		t.Fatalf("after one call: got (%d, %v), want (2, 59m)", rem, reset)
	}
	if rem, _ := fw.Peek("k"); rem != 2 {
		t.Fatalf("Peek must not count: got %d, want 2", rem)
	}
	if got := fw.Limit(); got != 3 {
		t.Fatalf("Limit: got %d, want 3", got)
	}
}

func TestInFlight_Enter(t *testing.T) {
	f := &InFlight{Max: 2}
	l1, ok1 := f.Enter("t")
	_, ok2 := f.Enter("t")
	_, ok3 := f.Enter("t")
	_, okOther := f.Enter("u")
	if !ok1 || !ok2 || ok3 || !okOther {
		t.Fatalf("got %v %v %v %v, want true true false true", ok1, ok2, ok3, okOther)
	}
	l1()
	l1() // a second leave must not free another slot
	if got := f.Current("t"); got != 1 {
		t.Fatalf("Current after leave: got %d, want 1", got)
	}
	if _, ok := f.Enter("t"); !ok {
		t.Fatalf("Enter after leave: got false, want true")
	}
	if _, ok := f.Enter("t"); ok {
		t.Fatalf("Enter when full again: got true, want false")
	}

	unlimited := &InFlight{}
	for i := 0; i < 100; i++ {
		if _, ok := unlimited.Enter("x"); !ok {
			t.Fatalf("Max 0 call %d: got refused, want unlimited", i)
		}
	}
}
