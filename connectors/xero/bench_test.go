package xero_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
	"github.com/accessgov/baton-connectors/internal/connectortest"
)

// BenchmarkSync_Large syncs 500 organisations of 100 users each from the
// fake and prints the request count against the lower bound 1 + 2T (plus
// token calls), the wall time, and the peak memory of the connector's
// process tree.
func BenchmarkSync_Large(b *testing.B) {
	const orgs, users = 500, 100
	ds := xerofake.Generate(orgs, users, 1)
	tenants := organisations(ds)
	for i := 0; i < b.N; i++ {
		fake := xerofake.New(ds, xerofake.Options{})
		srv := httptest.NewServer(fake)
		dir := b.TempDir()
		rt := fake.IssueRefreshToken("bench-client", "offline_access", "accounting.settings.read")
		out := filepath.Join(dir, "bench.c1z")
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
		res, err := connectortest.Exec(ctx, marker, []string{"BATON_DISABLE_HTTP_CACHE=true"},
			"--xero-api-url", srv.URL, "--xero-identity-url", srv.URL, "--file", out,
			"--xero-client-id", "bench-client", "--xero-client-secret", "bench-secret",
			"--refresh-token", rt, "--xero-token-store", filepath.Join(dir, "token.json"))
		cancel()
		if err != nil || res.ExitCode != 0 {
			b.Fatalf("sync: exit %d, err %v\n%s", res.ExitCode, err, tail(res.Stderr, 3000))
		}
		snap, err := connectortest.ReadC1Z(context.Background(), out)
		if err != nil {
			b.Fatal(err)
		}
		if problems := connectortest.Problems(snap); len(problems) > 0 {
			b.Fatalf("unsound sync: %v", problems[:min(5, len(problems))])
		}
		if diff := connectortest.Diff(expected(ds, tenants), snap); len(diff) > 0 {
			b.Fatalf("sync differs from the dataset: %d differences, first: %s", len(diff), diff[0])
		}
		req := fake.Requests()
		api := req.Count("GET", "/connections") + req.Count("GET", "/api.xro/2.0/Organisation") + req.Count("GET", "/api.xro/2.0/Users")
		token := req.Count("POST", "/connect/token")
		bound := 1 + 2*len(tenants)
		// Xero's app-wide limit of 10,000 calls a minute is the binding
		// rate limit for a sync this size; per organisation it is 2 calls.
		rateBound := time.Duration(float64(bound) / 10000 * float64(time.Minute))
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.ReportMetric(float64(api+token), "requests/sync")
		b.ReportMetric(float64(res.MaxRSSKiB)/1024, "peak-MiB")
		b.ReportMetric(res.Duration.Seconds(), "wall-s")
		fmt.Fprintf(os.Stderr, "\nxero large sync: %d organisations x %d users: %s\n", orgs, users, snap.Counts())
		fmt.Fprintf(os.Stderr, "  requests: %d API + %d token = %d; lower bound 1 + 2T = %d (+ %d token)\n", api, token, api+token, bound, 1)
		fmt.Fprintf(os.Stderr, "  wall time: %v (rate-limit bound at 10,000 calls/min per app: %v)\n", res.Duration.Round(time.Millisecond), rateBound.Round(time.Millisecond))
		fmt.Fprintf(os.Stderr, "  peak memory: connector process tree %.1f MiB (max RSS); fake and test process heap %.1f MiB\n",
			float64(res.MaxRSSKiB)/1024, float64(ms.HeapAlloc)/(1<<20))
		srv.Close()
		if api != bound {
			b.Errorf("API requests: got %d, want exactly the lower bound %d", api, bound)
		}
		if got := fake.Requests().Total() - api - token; got != 0 {
			b.Errorf("other requests: got %d, want 0", got)
		}
	}
}
