package workato_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// TestSync_TransientFaults: 429 storms (with and without Retry-After), 5xx
// and resets are waited out and retried; the result is exact.
func TestSync_TransientFaults(t *testing.T) {
	tests := []struct {
		name   string
		opts   workatofake.Options
		faults []fakeapi.Fault
	}{
		{name: "429 storm with Retry-After", faults: []fakeapi.Fault{
			workatofake.RateLimitFault(workatofake.RouteMemberPrivileges, 4, time.Second),
			workatofake.RateLimitFault(workatofake.RouteFolders, 3, time.Second),
		}},
		{name: "429 storm without Retry-After", faults: []fakeapi.Fault{
			workatofake.RateLimitFault(workatofake.RouteRoles, 3, 0),
			workatofake.RateLimitFault(workatofake.RouteProjects, 3, 0),
		}},
		{name: "5xx", faults: []fakeapi.Fault{
			workatofake.ServerErrorFault(workatofake.RouteMembers, 2),
			workatofake.UnavailableFault(workatofake.RouteFolders, 3),
		}},
		{name: "resets", faults: []fakeapi.Fault{
			workatofake.ResetFault(workatofake.RouteMemberPrivileges, 3),
			workatofake.ResetFault(workatofake.RouteFolders, 2),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, workatofake.ThreeEnvs(), tt.opts)
			for _, f := range tt.faults {
				e.fake.Faults().Add(f)
			}
			out := e.c1z("sync")
			e.run(0, e.args(out)...)
			e.assertSynced(out, expectOptions{})
			if got := e.fake.Faults().Pending(); got != 0 {
				t.Errorf("faults left unconsumed: got %d, want 0 (the test did not exercise them)", got)
			}
		})
	}
}

// TestSync_RealRateLimitStorm: the fake's own limiter (not a scripted
// fault) answers 429 when the connector is told it may go faster than the
// workspace allows; the sync still ends exact.
func TestSync_RealRateLimitStorm(t *testing.T) {
	e := newEnv(t, workatofake.Demo(), workatofake.Options{PerMinute: 20, MinuteWindow: time.Second})
	out := e.c1z("sync")
	e.run(0, e.args(out, "--workato-requests-per-minute", "200")...)
	e.assertSynced(out, expectOptions{})
	if got := e.status.Get(http.StatusTooManyRequests); got == 0 {
		t.Errorf("429 answers: got 0, want some (the storm was not exercised)")
	}
}

// TestSync_PermanentFailures end non-zero with a clear message and no
// complete-looking result.
func TestSync_PermanentFailures(t *testing.T) {
	tests := []struct {
		name   string
		exit   int // the exit code: the gRPC code of the error
		ws     func() workatofake.Workspace
		fault  *fakeapi.Fault
		mutate func(ws *workatofake.Workspace)
		want   []string
	}{
		{
			name: "token rejected", exit: 16, fault: ptr(workatofake.UnauthorizedFault(workatofake.RouteMembers, 100)),
			want: []string{"workato: list collaborators: GET /api/members: 401", "token was rejected"},
		},
		{
			name: "token revoked mid-sync", exit: 16, fault: ptr(workatofake.UnauthorizedFault(workatofake.RouteFolders, 1000)),
			want: []string{"401"},
		},
		{name: "client role lacks List folders", exit: 7, mutate: func(ws *workatofake.Workspace) {
			ws.Clients[0].Endpoints = []string{
				workatofake.EndpointMembers, workatofake.EndpointMemberPrivileges,
				workatofake.EndpointRoles, workatofake.EndpointProjects,
			}
		}, want: []string{"403", "List folders", "GET /api/folders"}},
		{name: "client role lacks privileges endpoint", exit: 7, mutate: func(ws *workatofake.Workspace) {
			ws.Clients[0].Endpoints = []string{
				workatofake.EndpointMembers, workatofake.EndpointRoles,
				workatofake.EndpointProjects, workatofake.EndpointFolders,
			}
		}, want: []string{"403", "Get collaborator privileges"}},
		{
			name: "5xx that does not heal", exit: 10, fault: ptr(workatofake.ServerErrorFault(workatofake.RouteRoles, 100000)),
			want: []string{"500", "gave up"},
		},
		{
			name: "malformed JSON", exit: 13, fault: ptr(workatofake.MalformedFault(workatofake.RouteMembers, 1000)),
			want: []string{"JSON"},
		},
		{
			name: "malformed folder page", exit: 13, fault: ptr(workatofake.MalformedFault(workatofake.RouteFolders, 1000)),
			want: []string{"JSON"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := workatofake.ThreeEnvs()
			if tt.mutate != nil {
				tt.mutate(&ws)
			}
			e := newEnv(t, ws, workatofake.Options{})
			if tt.fault != nil {
				e.fake.Faults().Add(*tt.fault)
			}
			out := e.c1z("sync")
			res := e.run(tt.exit, e.args(out)...)
			mustContain(t, "stderr", res.Stderr, tt.want...)
			if doubled.MatchString(res.Stderr) {
				t.Errorf("stderr repeats the service prefix:\n%s", tail(res.Stderr, 2000))
			}
			assertNoFinishedSync(t, out)
		})
	}
}

// doubled matches a message that carries the service prefix twice.
var doubled = regexp.MustCompile(`workato: [^"\n]*workato: `)

func ptr[T any](v T) *T { return &v }

// TestSync_WrongDataCenter: a token works only on its own data center's
// host, and the message says to check the data center.
func TestSync_WrongDataCenter(t *testing.T) {
	ws := workatofake.ThreeEnvs()
	fake := workatofake.New(ws, workatofake.Options{MinuteWindow: testWindow})
	eu := httptest.NewServer(fake.Handler("eu"))
	defer eu.Close()
	e := &env{t: t, ws: ws, fake: fake, url: eu.URL, dir: t.TempDir(), token: ws.Clients[0].Token, window: testWindow}
	out := e.c1z("sync")
	res := e.run(16, e.args(out)...) // Unauthenticated
	mustContain(t, "stderr", res.Stderr, "401", "--workato-data-center")
	assertNoFinishedSync(t, out)
}

// TestConfig_BadInput fails before any request with a message naming the
// problem and the fix.
func TestConfig_BadInput(t *testing.T) {
	e := newEnv(t, workatofake.LegacyOneEnv(), workatofake.Options{})
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{name: "no token", args: []string{"--workato-base-url", e.url}, want: []string{"workato-api-key", "BATON_WORKATO_API_KEY"}},
		{
			name: "unknown data center", args: []string{"--workato-api-key", "x", "--workato-data-center", "mars"},
			want: []string{"mars", "us, "},
		},
		{
			name: "unknown environment", args: []string{"--workato-api-key", "x", "--workato-env", "staging", "--workato-base-url", e.url},
			want: []string{"staging", "dev, test, prod"},
		},
		{
			name: "plain http to a remote host", args: []string{"--workato-api-key", "x", "--workato-base-url", "http://workato.example.com"},
			want: []string{"loopback"},
		},
		{
			name: "requests per minute out of range", args: []string{"--workato-api-key", "x", "--workato-requests-per-minute", "-5", "--workato-base-url", e.url},
			want: []string{"requests-per-minute"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.fake.Requests().Total()
			res := runAs(t, 3, append([]string{"--file", e.c1z("bad")}, tt.args...)...) // InvalidArgument
			mustContain(t, "stderr", res.Stderr, tt.want...)
			if got := e.fake.Requests().Total() - before; got != 0 {
				t.Errorf("requests before failing: got %d, want 0", got)
			}
		})
	}
}

// TestSync_DecodeFailures: an answer with a field of the wrong type ends
// the run promptly and non-zero (never retried as Unavailable), with a
// message naming the endpoint and the field.
func TestSync_DecodeFailures(t *testing.T) {
	tests := []struct {
		name  string
		fault fakeapi.Fault
		want  []string
	}{
		{
			name:  "collaborator email is an object",
			fault: okFault(workatofake.RouteMembers, `{"data":[{"id":5001,"email":{"address":"a@b.c"},"roles":[]}],"total":1}`),
			want:  []string{"GET /api/members", `"data.email"`},
		},
		{
			name:  "role id is an object",
			fault: okFault(workatofake.RouteRoles, `[{"id":{"n":1},"name":"Odd"}]`),
			want:  []string{"GET /api/roles", `"id"`, "object"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, workatofake.ThreeEnvs(), workatofake.Options{})
			e.fake.Faults().Add(tt.fault)
			out := e.c1z("sync")
			start := time.Now()
			res := e.run(13, e.args(out)...) // Internal
			if d := time.Since(start); d > time.Minute {
				t.Errorf("run took %v, want a prompt failure (under a minute)", d)
			}
			mustContain(t, "stderr", res.Stderr, tt.want...)
			assertNoFinishedSync(t, out)
		})
	}
}

// okFault answers 200 with body on every request to route.
func okFault(route, body string) fakeapi.Fault {
	return fakeapi.Fault{
		Route: route, Times: 100000, Status: http.StatusOK, Body: body,
		Header: http.Header{"Content-Type": {"application/json; charset=utf-8"}},
	}
}
