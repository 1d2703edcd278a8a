package workatofake

// Tests of the fake's wire format.

import (
	"testing"
	"time"
)

func TestWtime(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{in: time.Date(2020, 5, 20, 18, 54, 31, 706_000_000, time.UTC), want: "2020-05-20T11:54:31.706-07:00"},
		{in: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), want: "2019-12-31T17:00:00.000-07:00"},
	}
	for _, tt := range tests {
		if got := wtime(tt.in); got != tt.want {
			t.Fatalf("wtime(%v): got %q, want %q", tt.in, got, tt.want)
		}
	}
}
