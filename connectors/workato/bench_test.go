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

// benchWindow scales Workato's minute down so the large workspace syncs in
// seconds while the rate limits still bind as they do in production.
const benchWindow = 250 * time.Millisecond

// BenchmarkSync_Large syncs 100 collaborators, 200 custom roles, 2,000
// folders and 500 projects in three environments at scaled-down limits and
// prints requests against the lower bound of the API doc, wall time against
// the rate-limit bound, and peak memory.
func BenchmarkSync_Large(b *testing.B) {
	ws := workatofake.Generate(100, 200, 2000, 500, []string{"dev", "test", "prod"}, 3)
	bound, perGroup := lowerBound(ws)
	for i := 0; i < b.N; i++ {
		fake := workatofake.New(ws, workatofake.Options{MinuteWindow: benchWindow})
		srv := httptest.NewServer(fake.Handler("us"))
		dir := b.TempDir()
		out := filepath.Join(dir, "bench.c1z")
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
		res, err := connectortest.Exec(ctx, marker, []string{"BATON_DISABLE_HTTP_CACHE=true"},
			"--workato-api-key", ws.Clients[0].Token, "--workato-base-url", srv.URL,
			"--workato-rate-limit-window", benchWindow.String(), "--file", out)
		cancel()
		srv.Close()
		if err != nil || res.ExitCode != 0 {
			b.Fatalf("sync: exit %d, err %v\n%s", res.ExitCode, err, tail(res.Stderr, 3000))
		}
		snap, err := connectortest.ReadC1Z(context.Background(), out)
		if err != nil {
			b.Fatal(err)
		}
		if diff := append(connectortest.Problems(snap), connectortest.Diff(expected(ws, expectOptions{}), snap)...); len(diff) > 0 {
			b.Fatalf("sync is not exact: %d problems, first: %s", len(diff), diff[0])
		}
		got := fake.Requests().Total()
		// Each group may start at most 60 requests per window; the busiest
		// group sets the bound.
		var rateBound time.Duration
		for _, n := range perGroup {
			if d := time.Duration(float64(n) / 60 * float64(benchWindow)); d > rateBound {
				rateBound = d
			}
		}
		b.ReportMetric(float64(got), "requests/sync")
		b.ReportMetric(res.Duration.Seconds(), "wall-s")
		b.ReportMetric(float64(res.MaxRSSKiB)/1024, "peak-MiB")
		fmt.Fprintf(os.Stderr, "\nworkato large sync: %s\n", snap.Counts())
		fmt.Fprintf(os.Stderr, "  requests: %d; lower bound of the API doc: %d (%v)\n", got, bound, perGroup)
		fmt.Fprintf(os.Stderr, "  wall time: %v; rate-limit bound at 60 per %v per group: %v (that is %v at Workato's real minute)\n",
			res.Duration.Round(time.Millisecond), benchWindow, rateBound.Round(time.Millisecond),
			(rateBound * (time.Minute / benchWindow)).Round(time.Second))
		fmt.Fprintf(os.Stderr, "  peak memory: connector process tree %.1f MiB (max RSS)\n", float64(res.MaxRSSKiB)/1024)
		if got != bound {
			b.Errorf("requests: got %d, want the lower bound %d\n%s", got, bound, fake.Requests())
		}
	}
}

// lowerBound is the API doc's N_wk_min for ws, by rate-limit group: one
// collaborator list, one privileges read per collaborator with access,
// every page of roles and projects, one folder list per folder plus one per
// further page of 100 children, and one environment-roles probe.
func lowerBound(ws workatofake.Workspace) (int, map[string]int) {
	pages := func(n int) int { return n/100 + 1 }
	g := map[string]int{}
	g["collaborators"] = 1
	for _, m := range ws.Members {
		if len(m.Roles) > 0 {
			g["collaborators"]++
		}
	}
	g["roles"] = pages(len(ws.CustomRoles))
	g["environment_roles"] = 1
	children := map[int]int{}
	for _, f := range ws.Folders {
		children[f.ParentID]++
	}
	g["folders"] = pages(len(ws.Projects))
	childIDs := map[int][]int{}
	for _, f := range ws.Folders {
		childIDs[f.ParentID] = append(childIDs[f.ParentID], f.ID)
	}
	var walk func(id int)
	walk = func(id int) {
		g["folders"] += pages(children[id])
		for _, c := range childIDs[id] {
			walk(c)
		}
	}
	for _, p := range ws.Projects {
		walk(p.FolderID)
	}
	total := 0
	for _, n := range g {
		total += n
	}
	return total, g
}
