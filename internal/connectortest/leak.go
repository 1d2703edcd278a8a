package connectortest

// leak.go: the long-run tests' check that goroutines and heap return to a
// baseline after every sync, per process role, read through the probes.

import (
	"strconv"
	"testing"
	"time"
)

// Bounds of a LeakCheck. The baseline is taken after LeakBaselineSync
// syncs, when connection pools, caches and the SDK's lazily started
// workers exist. The SDK dials anew per RPC and tears gRPC connections
// down in the background, so a few goroutines come and go: LeakSlack
// goroutines absorb that, while a leak of one goroutine per sync exceeds
// it within the run's 20 syncs. The heap may double (the c1z and sync
// state of one sync live briefly) plus LeakHeapSlack, but not grow
// without bound.
const (
	LeakBaselineSync = 3
	LeakSlack        = 10
	LeakHeapSlack    = 16 << 20
	// LeakSettle is how long Check waits for goroutines of a just
	// finished task to end before it judges.
	LeakSettle = 3 * time.Second
)

// LeakCheck holds the baseline per role.
type LeakCheck struct {
	Dir      string
	baseline map[string]ProbeSample
}

// Check samples the probes after sync n (1-based), logs every sample,
// takes the baseline at LeakBaselineSync and, after it, fails t on growth
// beyond the bounds (after waiting up to LeakSettle for it to go).
func (c *LeakCheck) Check(t testing.TB, n int) []ProbeSample {
	t.Helper()
	deadline := time.Now().Add(LeakSettle)
	for {
		samples, err := ReadProbes(c.Dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(samples) == 0 {
			t.Fatalf("sync %d: no probe answered in %s (is ServeProbe called in the connector?)", n, c.Dir)
		}
		bad := c.judge(n, samples)
		if bad == "" || time.Now().After(deadline) {
			for _, s := range samples {
				t.Logf("sync %d: %s", n, s)
			}
			if bad != "" {
				t.Errorf("sync %d: %s", n, bad)
			}
			return samples
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (c *LeakCheck) judge(n int, samples []ProbeSample) string {
	if n < LeakBaselineSync {
		return ""
	}
	if n == LeakBaselineSync || c.baseline == nil {
		c.baseline = map[string]ProbeSample{}
		for _, s := range samples {
			c.baseline[s.Role] = s
		}
		return ""
	}
	for _, s := range samples {
		b, ok := c.baseline[s.Role]
		if !ok {
			continue
		}
		if s.Goroutines > b.Goroutines+LeakSlack {
			return "goroutines of the " + s.Role + ": got " + itoa(s.Goroutines) + ", want at most baseline " + itoa(b.Goroutines) + " + " + itoa(LeakSlack)
		}
		if s.HeapAlloc > 2*b.HeapAlloc+LeakHeapSlack {
			return "heap of the " + s.Role + ": got " + itoa(int(s.HeapAlloc>>10)) + " KiB, want at most 2 x baseline " + itoa(int(b.HeapAlloc>>10)) + " KiB + 16 MiB"
		}
	}
	return ""
}

func itoa(n int) string { return strconv.Itoa(n) }
