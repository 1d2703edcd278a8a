package typescoped

import (
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// spawned returns the sibling tokens a page spawns.
func spawned(t *testing.T, p Page) []string {
	t.Helper()
	e := &v2.EnqueuePageTokens{}
	annos := p.Results.Annotations
	ok, err := annos.Pick(e)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		return nil
	}
	return e.GetPageTokens()
}

func TestPlan(t *testing.T) {
	tests := []struct {
		name               string
		token              string
		n, size            int
		wantStart, wantEnd int
		wantSpawn          int
		wantNext           string
	}{
		{name: "empty list", n: 0, size: 10},
		{name: "one page", n: 7, size: 10, wantEnd: 7},
		{name: "exact pages", n: 30, size: 10, wantEnd: 10, wantSpawn: 2},
		{name: "ragged last page", n: 31, size: 10, wantEnd: 10, wantSpawn: 3},
		{name: "single page token", token: "p20", n: 31, size: 10, wantStart: 20, wantEnd: 30},
		{name: "single last page", token: "p30", n: 31, size: 10, wantStart: 30, wantEnd: 31},
		{name: "offset past a shrunk list", token: "p40", n: 31, size: 10, wantStart: 31, wantEnd: 31},
		{name: "past the spawn cap", n: 2000, size: 1, wantEnd: 1, wantSpawn: MaxSpawn},
		{name: "head token", token: "h1024", n: 2000, size: 1, wantStart: 1024, wantEnd: 1025, wantSpawn: 975},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Plan(tt.token, tt.n, tt.size)
			if err != nil {
				t.Fatalf("Plan: %v", err)
			}
			if p.Start != tt.wantStart || p.End != tt.wantEnd {
				t.Errorf("page: got [%d,%d), want [%d,%d)", p.Start, p.End, tt.wantStart, tt.wantEnd)
			}
			if got := len(spawned(t, p)); got != tt.wantSpawn {
				t.Errorf("spawned: got %d, want %d", got, tt.wantSpawn)
			}
			if got := p.Results.NextPageToken; got != tt.wantNext {
				t.Errorf("next token: got %q, want %q", got, tt.wantNext)
			}
		})
	}
}

// TestPlan_CoversEveryItemOnce follows every token as baton-sdk does
// (spawned siblings and next pages alike) and checks each item is answered
// by exactly one page.
func TestPlan_CoversEveryItemOnce(t *testing.T) {
	for _, c := range []struct{ n, size int }{{0, 5}, {1, 5}, {5, 5}, {6, 5}, {1023, 1}, {1024, 1}, {1025, 1}, {5000, 2}, {10000, 50}} {
		seen := make([]int, c.n)
		queue := []string{""}
		calls := 0
		for len(queue) > 0 {
			tok := queue[0]
			queue = queue[1:]
			calls++
			p, err := Plan(tok, c.n, c.size)
			if err != nil {
				t.Fatalf("n=%d size=%d token %q: %v", c.n, c.size, tok, err)
			}
			for i := p.Start; i < p.End; i++ {
				seen[i]++
			}
			queue = append(queue, spawned(t, p)...)
			if p.Results.NextPageToken != "" {
				queue = append(queue, p.Results.NextPageToken)
			}
		}
		for i, k := range seen {
			if k != 1 {
				t.Fatalf("n=%d size=%d: item %d answered %d times, want 1", c.n, c.size, i, k)
			}
		}
		wantCalls := max(1, (c.n+c.size-1)/c.size)
		if calls != wantCalls {
			t.Errorf("n=%d size=%d: got %d calls, want %d (one per page)", c.n, c.size, calls, wantCalls)
		}
	}
}

func TestPlan_BadToken(t *testing.T) {
	for _, tok := range []string{"x5", "h", "p-1", "p05", "h1e3", "12"} {
		if _, err := Plan(tok, 10, 5); status.Code(err) != codes.InvalidArgument {
			t.Errorf("token %q: got %v, want InvalidArgument", tok, err)
		}
	}
	if _, err := Plan("", 10, 0); err == nil {
		t.Error("size 0: got no error, want one")
	}
}
