package connectortest

import (
	"os"
	"strings"
	"testing"
)

// TestLeakCheck_Judge: before the baseline sync nothing is judged; after
// it, growth within the bounds passes and growth beyond either bound is
// named.
func TestLeakCheck_Judge(t *testing.T) {
	base := []ProbeSample{{Role: RoleRunner, Goroutines: 20, HeapAlloc: 8 << 20}, {Role: RoleService, Goroutines: 15, HeapAlloc: 4 << 20}}
	with := func(role string, goroutines int, heap uint64) []ProbeSample {
		out := append([]ProbeSample(nil), base...)
		for i := range out {
			if out[i].Role == role {
				out[i].Goroutines, out[i].HeapAlloc = goroutines, heap
			}
		}
		return out
	}
	tests := []struct {
		name    string
		samples []ProbeSample
		want    string // substring of the complaint; "" for none
	}{
		{"same as baseline", base, ""},
		{"goroutines at the bound", with(RoleService, 15+LeakSlack, 4<<20), ""},
		{"goroutines beyond the bound", with(RoleService, 16+LeakSlack, 4<<20), "goroutines of the service: got 26"},
		{"heap at the bound", with(RoleRunner, 20, 2*(8<<20)+LeakHeapSlack), ""},
		{"heap beyond the bound", with(RoleRunner, 20, 2*(8<<20)+LeakHeapSlack+1), "heap of the runner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &LeakCheck{}
			if got := c.judge(1, with(RoleRunner, 1000, 1<<30)); got != "" {
				t.Fatalf("judge before the baseline: got %q, want nothing", got)
			}
			if got := c.judge(LeakBaselineSync, base); got != "" {
				t.Fatalf("judge at the baseline: got %q, want nothing", got)
			}
			got := c.judge(LeakBaselineSync+1, tt.samples)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Fatalf("judge: got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestReadProbes: a probe served in this process answers with its PID,
// its role and a goroutine count; a stale address file is skipped.
func TestReadProbes(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(ProbeDirEnv, dir)
	if err := os.WriteFile(dir+"/1.addr", []byte("127.0.0.1:1"), 0o600); err != nil {
		t.Fatal(err)
	}
	ServeProbe()
	got, err := ReadProbes(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].PID != os.Getpid() || got[0].Role != RoleRunner || got[0].Goroutines < 1 || got[0].HeapAlloc == 0 {
		t.Fatalf("probes: got %+v, want one runner sample of pid %d", got, os.Getpid())
	}
}
