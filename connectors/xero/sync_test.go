package xero_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/accessgov/baton-connectors/connectors/xero"
	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
	"github.com/accessgov/baton-connectors/internal/connectortest"
)

// marker makes the test binary run as baton-xero (see connectortest.MainAs).
const marker = "BATON_XERO_TEST_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(rssMarker) != "" {
		rssMain()
	}
	connectortest.MainAs(marker, func() { xero.Main(context.Background(), "test") })
	connectortest.MainAs(floorMarker, func() { xero.MainFloor(context.Background(), benchDataset) })
	connectortest.MainAs(fakeMarker, func() {
		if err := serveBenchFake(); err != nil {
			fmt.Fprintln(os.Stderr, "bench fake:", err)
			os.Exit(1)
		}
	})
	goleak.VerifyTestMain(m)
}

// env is one fake Xero, served on loopback, with what a test needs to run
// the connector against it.
type env struct {
	t      *testing.T
	ds     xerofake.Dataset
	fake   *xerofake.Server
	url    string
	dir    string
	status *connectortest.StatusCounts

	mu     sync.Mutex
	before func(r *http.Request) // runs before the fake serves each request
}

func newEnv(t *testing.T, ds xerofake.Dataset, opts xerofake.Options) *env {
	t.Helper()
	e := &env{t: t, ds: ds, fake: xerofake.New(ds, opts), dir: t.TempDir()}
	h, counts := connectortest.CountStatuses(e.fake, func(r *http.Request) {
		e.mu.Lock()
		hook := e.before
		e.mu.Unlock()
		if hook != nil {
			hook(r)
		}
	})
	e.status = counts
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return e
}

// onRequest installs a hook that runs before the fake serves each request.
func (e *env) onRequest(f func(r *http.Request)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.before = f
}

// args are the flags every run needs: the fake's URLs and an output file.
func (e *env) args(c1z string, extra ...string) []string {
	return append([]string{
		"--xero-api-url", e.url,
		"--xero-identity-url", e.url,
		"--file", c1z,
		"--log-format", "console",
	}, extra...)
}

// webArgs run the Web-app (refresh token) flow with a token store in the
// test's directory.
func (e *env) webArgs(c1z, refresh string, extra ...string) []string {
	return e.args(c1z, append([]string{
		"--xero-client-id", "demo-web-client",
		"--xero-client-secret", "demo-web-secret",
		"--refresh-token", refresh,
		"--xero-token-store", filepath.Join(e.dir, "token.json"),
	}, extra...)...)
}

// run runs the connector and fails the test unless it exits with wantExit
// (baton-sdk exits with the gRPC code of the error that ended the run).
func (e *env) run(wantExit int, args ...string) connectortest.Result {
	e.t.Helper()
	return runAs(e.t, wantExit, args...)
}

// runAs is run for a subtest's t.
func runAs(t *testing.T, wantExit int, args ...string) connectortest.Result {
	t.Helper()
	return connectortest.Run(t, marker, wantExit, 2*time.Minute, []string{"BATON_DISABLE_HTTP_CACHE=true"}, args...)
}

// c1z returns a fresh output path in the test's directory.
func (e *env) c1z(name string) string { return filepath.Join(e.dir, name+".c1z") }

// assertSynced checks the c1z holds exactly the given organisations of the
// dataset.
func (e *env) assertSynced(path string, tenantIDs []string) *connectortest.Snapshot {
	e.t.Helper()
	got := connectortest.MustRead(e.t, path)
	connectortest.AssertConforms(e.t, expected(e.ds, tenantIDs), got)
	return got
}

var (
	tail                 = connectortest.Tail
	mustContain          = connectortest.MustContain
	assertNoFinishedSync = connectortest.AssertNoFinishedSync
)
