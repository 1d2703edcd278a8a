package workato_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
	"github.com/accessgov/baton-connectors/internal/connectortest"
)

// smallWallTarget is issue 12's target for a workspace whose every
// rate-limit group fits in one window: the vendor admits it all at once, so
// the sync must not wait for the limiter at all.
const smallWallTarget = 3 * time.Second

// realLimitsSlack is issue 12's target for a workspace larger than one
// window at the real limits: at most this factor over the rolling-window
// bound.
const realLimitsSlack = 1.1

// BenchmarkSync_RealLimits80 syncs 80 collaborators at Workato's real
// limits. The collaborators group needs 81 requests: 60 may start at once,
// the rest once the first have been a minute in the window, so the bound is
// one minute; the wall time must be within realLimitsSlack of it.
func BenchmarkSync_RealLimits80(b *testing.B) {
	ws := workatofake.Generate(80, 5, 30, 3, []string{"dev"}, 3)
	bound, perRoute := lowerBound(ws, boundOptions{})
	perGroup := byGroup(perRoute)
	var rateBound time.Duration
	for _, n := range perGroup {
		rateBound = max(rateBound, time.Duration((n-1)/60)*time.Minute)
	}
	if rateBound == 0 {
		b.Fatalf("dataset fits one window (%v): want a larger one", perGroup)
	}
	for i := 0; i < b.N; i++ {
		res, got := syncAtRealLimits(b, ws)
		ratio := res.Duration.Seconds() / rateBound.Seconds()
		b.ReportMetric(float64(got), "requests/sync")
		b.ReportMetric(res.Duration.Seconds(), "wall-s")
		b.ReportMetric(ratio, "x-window-bound")
		fmt.Fprintf(os.Stderr, "\nworkato 80 collaborators at the real minute: %d requests (lower bound %d, %v), wall %v = %.3f x the rolling-window bound %v\n",
			got, bound, perGroup, res.Duration.Round(time.Millisecond), ratio, rateBound)
		if got != bound {
			b.Errorf("requests: got %d, want the lower bound %d", got, bound)
		}
		if ratio > realLimitsSlack {
			b.Errorf("wall time: got %.3f x the bound, want at most %.2f x", ratio, realLimitsSlack)
		}
	}
}

// BenchmarkSync_SmallRealMinute syncs 50 collaborators and 30 folders at
// Workato's real limits (60 per rolling minute per endpoint group) and
// reports the wall time against smallWallTarget.
func BenchmarkSync_SmallRealMinute(b *testing.B) {
	ws := workatofake.Generate(50, 5, 30, 3, []string{"dev"}, 3)
	bound, perRoute := lowerBound(ws, boundOptions{})
	perGroup := byGroup(perRoute)
	for _, n := range perGroup {
		if n > 60 {
			b.Fatalf("dataset: a group needs %d requests, want at most 60 (one window)", n)
		}
	}
	for i := 0; i < b.N; i++ {
		res, got := syncAtRealLimits(b, ws)
		b.ReportMetric(float64(got), "requests/sync")
		b.ReportMetric(res.Duration.Seconds(), "wall-s")
		fmt.Fprintf(os.Stderr, "\nworkato small sync at the real minute: %d requests (lower bound %d), wall %v = %.2f x the %v target\n",
			got, bound, res.Duration.Round(time.Millisecond), res.Duration.Seconds()/smallWallTarget.Seconds(), smallWallTarget)
		if got != bound {
			b.Errorf("requests: got %d, want the lower bound %d", got, bound)
		}
		if res.Duration > smallWallTarget {
			b.Errorf("wall time: got %v, want at most %v", res.Duration, smallWallTarget)
		}
	}
}

// syncAtRealLimits syncs ws from a fresh fake at Workato's real limits and
// returns the run and the number of requests the fake served, the
// activity log's aside.
func syncAtRealLimits(b *testing.B, ws workatofake.Workspace) (connectortest.Result, int) {
	b.Helper()
	fake := workatofake.New(ws, workatofake.Options{})
	srv := httptest.NewServer(fake.Handler("us"))
	defer srv.Close()
	out := filepath.Join(b.TempDir(), "sync.c1z")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	res, err := connectortest.Exec(ctx, marker, []string{"BATON_DISABLE_HTTP_CACHE=true"},
		"--workato-api-key", ws.Clients[0].Token, "--workato-base-url", srv.URL, "--file", out)
	if err != nil || res.ExitCode != 0 {
		b.Fatalf("sync: exit %d, err %v\n%s", res.ExitCode, err, tail(res.Stderr, 3000))
	}
	// The last-login reader's activity-log reads are outside the formula
	// (as in BenchmarkSync_Large): counted apart.
	activity := fake.Requests().Count("GET", "/api/activity_logs")
	fmt.Fprintf(os.Stderr, "  (+%d activity-log request(s), the last-login reader's)\n", activity)
	return res, fake.Requests().Total() - activity
}
