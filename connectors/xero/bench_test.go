package xero_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/connectors/xero"
	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
	"github.com/accessgov/baton-connectors/internal/accounting"
	"github.com/accessgov/baton-connectors/internal/connectortest"
)

// The benchmarks compare baton-xero with its "SDK floor", measured in the
// same run with the same SDK settings (command line, worker count, storage
// engine, c1z path):
//
//   - The floor is the test binary run under floorMarker (xero.MainFloor):
//     baton-xero's command line and syncers over the benchmark's dataset
//     held in memory. It includes baton-sdk's whole sync (the connector
//     subprocess, gRPC, the syncer, the Pebble store, the c1z), our
//     syncers and resource building, and the dataset itself (generated in
//     the connector process). It excludes HTTP, TLS, JSON decoding, OAuth,
//     the rate limiter and the per-sync loader's waiting.
//   - The real connector runs against the fake served from a separate
//     process over TLS (benchfake_test.go), so only the connector's own
//     process tree is timed and its memory measured (max RSS).
//
// Each sync is checked exact against the dataset, the request count
// against the lower bound 1 + 2T, and the fake's 429s against zero.

// Targets (issue 12).
const (
	wallTarget   = 1.2 // wall ≤ 1.2 × max(floor, rate-limit bound)
	memoryTarget = 1.1 // peak memory ≤ 1.1 × the floor's
	appPerMinute = 10000
)

// benchSync is one measured sync.
type benchSync struct {
	res  connectortest.Result
	snap *connectortest.Snapshot
}

func (s benchSync) mib() float64 { return float64(s.res.MaxRSSKiB) / 1024 }

// syncArgs are the SDK settings both the floor and the connector get.
func syncArgs(out string, workers int) []string {
	return []string{"--file", out, "--workers", strconv.Itoa(workers)}
}

// runSync runs the test binary as marker with args, and reads and checks
// the c1z it wrote against the dataset.
// stderrDirEnv names a directory where the benchmarks keep each sync's
// log, to read where its time went.
const stderrDirEnv = "XERO_BENCH_LOG_DIR"

func runSync(b *testing.B, what, marker string, env []string, want *connectortest.Snapshot, out string, args ...string) benchSync {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	rss := filepath.Join(b.TempDir(), "maxrss")
	res, err := connectortest.Exec(ctx, marker, append([]string{"BATON_DISABLE_HTTP_CACHE=true", rssMarker + "=" + rss}, env...), args...)
	if dir := os.Getenv(stderrDirEnv); dir != "" {
		// Kept for reading where the time went (baton-sdk's logs).
		name := strings.NewReplacer(" ", "_", "(", "", ")", "").Replace(what) + ".log"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(res.Stderr), 0o600); err != nil {
			b.Logf("keeping the log: %v", err)
		}
	}
	if err != nil || res.ExitCode != 0 {
		b.Fatalf("%s: exit %d, err %v\n%s", what, res.ExitCode, err, connectortest.Tail(res.Stderr, 3000))
	}
	// The max RSS as the wrapper measured it (benchrss_test.go).
	raw, err := os.ReadFile(rss)
	if err == nil {
		res.MaxRSSKiB, err = strconv.ParseInt(string(raw), 10, 64)
	}
	if err != nil {
		b.Fatalf("%s: max RSS: %v", what, err)
	}
	snap, err := connectortest.ReadC1Z(context.Background(), out)
	if err != nil {
		b.Fatalf("%s: %v", what, err)
	}
	if problems := connectortest.Problems(snap); len(problems) > 0 {
		b.Fatalf("%s: unsound sync: %v", what, problems[:min(5, len(problems))])
	}
	if diff := connectortest.Diff(want, snap); len(diff) > 0 {
		b.Fatalf("%s: sync differs from the dataset: %d differences, first: %s", what, len(diff), diff[0])
	}
	return benchSync{res: res, snap: snap}
}

// floorSync runs the no-I/O floor at the size and worker count.
func floorSync(b *testing.B, orgs, users, workers int, want *connectortest.Snapshot) benchSync {
	out := filepath.Join(b.TempDir(), "floor.c1z")
	return runSync(b, fmt.Sprintf("floor (%d workers)", workers), floorMarker, sizeEnv(orgs, users), want, out, syncArgs(out, workers)...)
}

// realSync runs baton-xero against a fresh fake process, and returns the
// sync with the fake's request counts.
func realSync(b *testing.B, orgs, users, workers int, want *connectortest.Snapshot) (benchSync, fakeStats) {
	fake := startBenchFake(b, orgs, users)
	dir := b.TempDir()
	out := filepath.Join(dir, "xero.c1z")
	args := append(syncArgs(out, workers),
		"--xero-api-url", fake.ready.URL, "--xero-identity-url", fake.ready.URL,
		"--xero-client-id", xerofake.BenchClientID, "--xero-client-secret", xerofake.BenchClientSecret,
		"--refresh-token", fake.ready.RefreshToken, "--xero-token-store", filepath.Join(dir, "token.json"))
	s := runSync(b, fmt.Sprintf("baton-xero (%d workers)", workers), marker, fake.env(), want, out, args...)
	return s, fake.stop(b)
}

// checkRequests fails b unless the sync made exactly the lower bound of
// API calls (1 + 2T), one token call and no 429; it returns the API count.
func checkRequests(b *testing.B, what string, st fakeStats, tenants int) int {
	b.Helper()
	api := st.Requests[accounting.Key("GET", "/connections")] + st.Requests[accounting.Key("GET", "/api.xro/2.0/Organisation")] +
		st.Requests[accounting.Key("GET", "/api.xro/2.0/Users")]
	token := st.Requests[accounting.Key("POST", "/connect/token")]
	if want := 1 + 2*tenants; api != want {
		b.Errorf("%s: API requests: got %d, want exactly the lower bound 1 + 2T = %d (by route: %v)", what, api, want, st.Requests)
	}
	if token != 1 {
		b.Errorf("%s: token requests: got %d, want 1", what, token)
	}
	if other := st.Total - api - token; other != 0 {
		b.Errorf("%s: other requests: got %d, want 0", what, other)
	}
	if st.TooMany != 0 {
		b.Errorf("%s: 429 answers: got %d, want 0", what, st.TooMany)
	}
	return api
}

// rateBound is how long Xero's app limit lets n calls take: the n-th call
// may start once ⌈n/limit⌉-1 whole minutes have passed (0 when n fits in
// one minute).
func rateBound(n int) time.Duration {
	return time.Duration((n-1)/appPerMinute) * time.Minute
}

// compare prints one setting's figures and fails b when a target is missed.
func compare(b *testing.B, label string, workers int, floor, ours benchSync, st fakeStats, tenants int, checkMemory bool) {
	b.Helper()
	api := checkRequests(b, label, st, tenants)
	bound := rateBound(api)
	ref := max(floor.res.Duration, bound)
	wallRatio := ours.res.Duration.Seconds() / floor.res.Duration.Seconds()
	memRatio := ours.mib() / floor.mib()
	fmt.Fprintf(os.Stderr, "  %s:\n", label)
	fmt.Fprintf(os.Stderr, "    floor:      wall %8v  peak %6.1f MiB\n", floor.res.Duration.Round(time.Millisecond), floor.mib())
	fmt.Fprintf(os.Stderr, "    baton-xero: wall %8v  peak %6.1f MiB  requests %d API + 1 token (lower bound %d), 429s %d\n",
		ours.res.Duration.Round(time.Millisecond), ours.mib(), api, 1+2*tenants, st.TooMany)
	fmt.Fprintf(os.Stderr, "    ratios:     wall/floor %.2f  wall/rate-bound(%v) %s  wall/max(floor,bound) %.2f (target ≤ %.2f)  peak/floor %.2f (target ≤ %.2f)\n",
		wallRatio, bound, ratioOf(ours.res.Duration, bound), ours.res.Duration.Seconds()/ref.Seconds(), wallTarget, memRatio, memoryTarget)
	fmt.Fprintf(os.Stderr, "    baton-sdk steps (ms), floor:      %s\n    baton-sdk steps (ms), baton-xero: %s\n", stepDurations(floor.res.Stderr), stepDurations(ours.res.Stderr))
	fmt.Fprintf(os.Stderr, "    requests per %v from the first: %v\n", timelineStep, st.Timeline)
	if limit := time.Duration(wallTarget * float64(ref)); ours.res.Duration > limit {
		b.Errorf("%s: wall time: got %v, want ≤ %.1f × max(floor %v, rate bound %v) = %v", label,
			ours.res.Duration.Round(time.Millisecond), wallTarget, floor.res.Duration.Round(time.Millisecond), bound, limit.Round(time.Millisecond))
	}
	if checkMemory && memRatio > memoryTarget {
		b.Errorf("%s: peak memory: got %.1f MiB, want ≤ %.1f × the floor's %.1f MiB = %.1f MiB", label, ours.mib(), memoryTarget, floor.mib(), memoryTarget*floor.mib())
	}
	b.ReportMetric(ours.res.Duration.Seconds()/ref.Seconds(), fmt.Sprintf("w%d-wall/max(floor,bound)", workers))
	b.ReportMetric(memRatio, fmt.Sprintf("w%d-peak/floor", workers))
}

// stepDurations is the sync_step_durations_ms baton-sdk logs at the end
// of a sync: where the wall time went, phase by phase.
func stepDurations(stderr string) string {
	const key = `"sync_step_durations_ms":`
	i := strings.LastIndex(stderr, key)
	if i < 0 {
		return "(not logged)"
	}
	rest := strings.TrimLeft(stderr[i+len(key):], " ")
	if j := strings.IndexByte(rest, '}'); j >= 0 {
		return rest[:j+1]
	}
	return "(not logged)"
}

func ratioOf(d, bound time.Duration) string {
	if bound == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", d.Seconds()/bound.Seconds())
}

// median returns runs[0] with the median wall time and the median peak
// memory of runs (each taken apart), and the runs' figures for printing.
func median(runs []benchSync) (benchSync, string) {
	walls := make([]time.Duration, len(runs))
	peaks := make([]int64, len(runs))
	var all []string
	for i, r := range runs {
		walls[i], peaks[i] = r.res.Duration, r.res.MaxRSSKiB
		all = append(all, fmt.Sprintf("%v/%.0fMiB", r.res.Duration.Round(100*time.Millisecond), r.mib()))
	}
	slices.Sort(walls)
	slices.Sort(peaks)
	m := runs[0]
	m.res.Duration, m.res.MaxRSSKiB = walls[len(walls)/2], peaks[len(peaks)/2]
	return m, strings.Join(all, " ")
}

// benchSize runs the floor and baton-xero at each worker count, repeats
// times each, alternating, and compares their medians: on a shared machine
// one run's peak memory varies by half between identical runs (Go's
// collector and baton-sdk's Pebble store flush at different moments).
func benchSize(b *testing.B, orgs, users int, workers []int, checkMemory bool, repeats int) {
	ds := xerofake.Generate(orgs, users, benchSeed)
	tenants := organisations(ds)
	want := expected(ds, tenants)
	for i := 0; i < b.N; i++ {
		fmt.Fprintf(os.Stderr, "\nxero sync: %d organisations x %d users (app limit %d/min; per organisation 60/min, 5 at once)\n", orgs, users, appPerMinute)
		for _, w := range workers {
			var floors, ourRuns []benchSync
			var st fakeStats
			for range repeats {
				floors = append(floors, floorSync(b, orgs, users, w, want))
				var run benchSync
				run, st = realSync(b, orgs, users, w, want)
				checkRequests(b, fmt.Sprintf("workers=%d", w), st, len(tenants))
				ourRuns = append(ourRuns, run)
			}
			floor, floorRuns := median(floors)
			ours, oursRuns := median(ourRuns)
			if i == 0 && w == workers[0] {
				fmt.Fprintf(os.Stderr, "  objects: %s\n", ours.snap.Counts())
			}
			if repeats > 1 {
				fmt.Fprintf(os.Stderr, "  workers=%d, %d runs each (medians below): floor %s; baton-xero %s\n", w, repeats, floorRuns, oursRuns)
			}
			label := fmt.Sprintf("workers=%d", w)
			switch w {
			case xero.DefaultWorkers:
				label += " (baton-xero's default)"
			case 1:
				label += " (baton-sdk's default)"
			}
			compare(b, label, w, floor, ours, st, len(tenants), checkMemory)
		}
	}
}

// BenchmarkSync_Large: 500 organisations × 100 users at baton-sdk's
// default (sequential) and at baton-xero's default worker count.
func BenchmarkSync_Large(b *testing.B) {
	benchSize(b, 500, 100, []int{1, xero.DefaultWorkers}, true, 3)
}

// BenchmarkSync_Tier: Xero's largest tier, 10,000 organisations × 20
// users, at baton-xero's default worker count, at the real app limit (the
// 20,001 calls need at least two whole minutes).
func BenchmarkSync_Tier(b *testing.B) {
	benchSize(b, 10000, 20, []int{xero.DefaultWorkers}, true, 1)
}
