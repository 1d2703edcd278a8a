package workato_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/accessgov/baton-connectors/connectors/workato"
	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
	"github.com/accessgov/baton-connectors/internal/connectortest"
)

// marker makes the test binary run as baton-workato (connectortest.MainAs).
const marker = "BATON_WORKATO_TEST_MAIN"

func TestMain(m *testing.M) {
	connectortest.MainAs(marker, func() { workato.Main(context.Background(), "test") })
	goleak.VerifyTestMain(m, leakOptions...)
}

// leakOptions ignore the idle keep-alive connections of HTTP clients.
var leakOptions = []goleak.Option{
	goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
	goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop"),
}

// testWindow is the rate-limit minute of most tests: the fake and the
// connector agree on it, so limits bind exactly as in production, faster.
const testWindow = 2 * time.Second

// env is one fake Workato workspace served on loopback.
type env struct {
	t      *testing.T
	ws     workatofake.Workspace
	fake   *workatofake.Server
	url    string
	dir    string
	token  string
	window time.Duration

	status *connectortest.StatusCounts
}

// newEnv serves ws; middleware, if given, wraps the fake's handler (to
// stage a change between two requests of a sync).
func newEnv(t *testing.T, ws workatofake.Workspace, opts workatofake.Options, middleware ...func(*workatofake.Server, http.Handler) http.Handler) *env {
	t.Helper()
	if opts.MinuteWindow == 0 {
		opts.MinuteWindow = testWindow
	}
	e := &env{t: t, ws: ws, fake: workatofake.New(ws, opts), dir: t.TempDir(), window: opts.MinuteWindow}
	handler := e.fake.Handler("us")
	for _, mw := range middleware {
		handler = mw(e.fake, handler)
	}
	h, counts := connectortest.CountStatuses(handler, nil)
	e.status = counts
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e.url = srv.URL
	for _, c := range ws.Clients {
		if c.DataCenter == "us" || c.DataCenter == "" {
			e.token = c.Token
			break
		}
	}
	if e.token == "" {
		t.Fatal("dataset has no API client for the us data center")
	}
	return e
}

// args are the flags of a sync against the fake.
func (e *env) args(c1z string, extra ...string) []string {
	return append([]string{
		"--workato-api-key", e.token,
		"--workato-base-url", e.url,
		"--workato-rate-limit-window", e.window.String(),
		"--file", c1z,
		"--log-format", "console",
	}, extra...)
}

func (e *env) c1z(name string) string { return filepath.Join(e.dir, name+".c1z") }

// run runs the connector and fails the test unless it exits with wantExit
// (baton-sdk exits with the gRPC code of the error that ended the run:
// 1 for a flag the SDK itself refuses, 3 InvalidArgument, 7
// PermissionDenied, 9 FailedPrecondition, 10 Aborted, 13 Internal, 16
// Unauthenticated).
func (e *env) run(wantExit int, args ...string) connectortest.Result {
	e.t.Helper()
	return runAs(e.t, wantExit, args...)
}

// runAs is run for a subtest's t.
func runAs(t *testing.T, wantExit int, args ...string) connectortest.Result {
	t.Helper()
	return connectortest.Run(t, marker, wantExit, 5*time.Minute, []string{"BATON_DISABLE_HTTP_CACHE=true"}, args...)
}

// assertSynced checks the c1z holds exactly the workspace.
func (e *env) assertSynced(path string, o expectOptions) *connectortest.Snapshot {
	e.t.Helper()
	return e.assertSyncedAs(path, e.fake.Workspace(), o)
}

// assertSyncedAs checks the c1z holds exactly ws (the fake's workspace
// with what a test made vanish mid-sync taken out).
func (e *env) assertSyncedAs(path string, ws workatofake.Workspace, o expectOptions) *connectortest.Snapshot {
	e.t.Helper()
	got := connectortest.MustRead(e.t, path)
	connectortest.AssertConforms(e.t, expected(ws, o), got)
	return got
}

var (
	tail                 = connectortest.Tail
	mustContain          = connectortest.MustContain
	assertNoFinishedSync = connectortest.AssertNoFinishedSync
)
