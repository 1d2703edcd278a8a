package xero_test

// benchfake_test.go serves the benchmark's fake Xero from a process of its
// own (the test binary again, under fakeMarker), so the fake's CPU and
// memory are not in the connector's process tree, over TLS as Xero is.

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
	"github.com/accessgov/baton-connectors/internal/connectortest"
	"github.com/accessgov/baton-connectors/internal/fakeapi"
	"github.com/accessgov/baton-connectors/internal/loopbackcert"
)

// Markers of the benchmark's other two roles of the test binary (see
// TestMain): the no-I/O floor connector and the fake's server process.
const (
	floorMarker = "BATON_XERO_BENCH_FLOOR"
	fakeMarker  = "BATON_XERO_BENCH_FAKE"
)

// Environment of both roles: the dataset's size (xerofake.Generate with
// seed 1) and, for the fake, the directory of its ready and stats files.
const (
	envOrgs     = "XERO_BENCH_ORGS"
	envUsers    = "XERO_BENCH_USERS"
	envFakeDir  = "XERO_BENCH_FAKE_DIR"
	benchSeed   = 1
	readyName   = "ready.json"
	statsName   = "stats.json"
	caName      = "ca.pem"
	fakeTimeout = 30 * time.Second
)

// benchLatency is how long the fake takes to answer each call: a round
// trip to Xero from a cluster and Xero's own time, roughly. With none the
// benchmark would measure only local CPU and hide a connector that keeps
// too few calls in flight to use the app limit.
const benchLatency = 100 * time.Millisecond

// benchDataset is the dataset the environment names.
func benchDataset() xerofake.Dataset {
	orgs, _ := strconv.Atoi(os.Getenv(envOrgs))
	users, _ := strconv.Atoi(os.Getenv(envUsers))
	return xerofake.Generate(orgs, users, benchSeed)
}

func sizeEnv(orgs, users int) []string {
	return []string{envOrgs + "=" + strconv.Itoa(orgs), envUsers + "=" + strconv.Itoa(users)}
}

// fakeReady is what the fake process writes once it listens.
type fakeReady struct {
	URL          string `json:"url"`
	RefreshToken string `json:"refresh_token"`
}

// fakeStats is what it writes when it is stopped.
type fakeStats struct {
	Requests map[string]int `json:"requests"` // accounting.Key(method, route) → count
	Total    int            `json:"total"`
	TooMany  int            `json:"too_many"` // answers 429
	// Timeline counts the requests that arrived in each 10 s since the
	// first: where the listing spent its time.
	Timeline []int `json:"timeline"`
}

// timelineStep is the width of one Timeline bucket.
const timelineStep = 10 * time.Second

// timeline counts requests by arrival, in timelineStep buckets from the
// first.
type timeline struct {
	mu      sync.Mutex
	first   time.Time
	buckets []int
}

func (tl *timeline) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		tl.mu.Lock()
		if tl.first.IsZero() {
			tl.first = now
		}
		i := int(now.Sub(tl.first) / timelineStep)
		for len(tl.buckets) <= i {
			tl.buckets = append(tl.buckets, 0)
		}
		tl.buckets[i]++
		tl.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (tl *timeline) counts() []int {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	return append([]int(nil), tl.buckets...)
}

// serveBenchFake is the fake process's main: Xero's documented limits, a
// throwaway CA (written for the connector's SSL_CERT_FILE), until SIGTERM.
func serveBenchFake() error {
	dir := os.Getenv(envFakeDir)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	fake := xerofake.New(benchDataset(), xerofake.Options{Latency: benchLatency})
	var tl timeline
	counted, status := connectortest.CountStatuses(tl.wrap(fake), nil)
	ca, err := loopbackcert.NewCA("xero bench fake CA")
	if err != nil {
		return err
	}
	cert, err := ca.Issue("xero bench fake", "127.0.0.1")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, caName), ca.PEM(), 0o600); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler: counted, ReadHeaderTimeout: 10 * time.Second,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
	}
	done := make(chan error, 1)
	go func() { done <- srv.ServeTLS(ln, "", "") }()
	ready, _ := json.Marshal(fakeReady{
		URL:          "https://" + ln.Addr().String(),
		RefreshToken: fake.IssueRefreshToken(xerofake.BenchClientID, "offline_access", "accounting.settings.read"),
	})
	if err := fakeapi.WriteFileAtomic(filepath.Join(dir, readyName), ready); err != nil {
		return err
	}
	<-ctx.Done()
	_ = srv.Close()
	<-done
	stats, _ := json.Marshal(fakeStats{Requests: fake.Requests().Snapshot(), Total: fake.Requests().Total(), TooMany: status.Get(http.StatusTooManyRequests), Timeline: tl.counts()})
	return fakeapi.WriteFileAtomic(filepath.Join(dir, statsName), stats)
}

// benchFake is a running fake process, from the benchmark's side.
type benchFake struct {
	cmd   *exec.Cmd
	dir   string
	ready fakeReady
}

// startBenchFake starts the fake process serving the dataset of that size
// and waits until it listens.
func startBenchFake(b *testing.B, orgs, users int) *benchFake {
	b.Helper()
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	f := &benchFake{dir: b.TempDir()}
	f.cmd = exec.Command(self)
	f.cmd.Env = append(append(os.Environ(), fakeMarker+"=1", envFakeDir+"="+f.dir), sizeEnv(orgs, users)...)
	f.cmd.Stderr = os.Stderr
	if err := f.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	deadline := time.Now().Add(fakeTimeout)
	for {
		raw, err := os.ReadFile(filepath.Join(f.dir, readyName))
		if err == nil {
			if err := json.Unmarshal(raw, &f.ready); err != nil {
				b.Fatal(err)
			}
			return f
		}
		if time.Now().After(deadline) {
			_ = f.cmd.Process.Kill()
			_ = f.cmd.Wait()
			b.Fatalf("bench fake: not ready after %v", fakeTimeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// env is what points the connector's TLS at the fake's CA.
func (f *benchFake) env() []string {
	return []string{"SSL_CERT_FILE=" + filepath.Join(f.dir, caName)}
}

// stop ends the fake process and returns what it served.
func (f *benchFake) stop(b *testing.B) fakeStats {
	b.Helper()
	_ = f.cmd.Process.Signal(syscall.SIGTERM)
	if err := f.cmd.Wait(); err != nil {
		b.Fatalf("bench fake: %v", err)
	}
	var st fakeStats
	raw, err := os.ReadFile(filepath.Join(f.dir, statsName))
	if err == nil {
		err = json.Unmarshal(raw, &st)
	}
	if err != nil {
		b.Fatalf("bench fake stats: %v", err)
	}
	return st
}
