package xero_test

import (
	"net/http"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// TestSync_TransientFaults: bursts of 429, 5xx and connection resets are
// waited out and retried, and the result is exactly the same.
func TestSync_TransientFaults(t *testing.T) {
	tests := []struct {
		name   string
		faults []fakeapi.Fault
	}{
		{name: "429 storm with Retry-After", faults: []fakeapi.Fault{
			{
				Route: "GET /api.xro/2.0/Users", Times: 4, Status: http.StatusTooManyRequests,
				Header: http.Header{"Retry-After": {"1"}, "X-Rate-Limit-Problem": {"minute"}},
			},
		}},
		{name: "429 without Retry-After", faults: []fakeapi.Fault{
			{Route: "GET /api.xro/2.0/Organisation", Times: 3, Status: http.StatusTooManyRequests},
		}},
		{name: "503 maintenance", faults: []fakeapi.Fault{
			{Route: "GET /api.xro/2.0/Users", Times: 3, Status: http.StatusServiceUnavailable, Body: "The Xero API is currently offline for maintenance"},
			{Route: "GET /connections", Times: 1, Status: http.StatusBadGateway},
		}},
		{name: "connection resets", faults: []fakeapi.Fault{
			{Route: "GET /api.xro/2.0/Users", Times: 3, Reset: true},
			{Route: "GET /api.xro/2.0/Organisation", Times: 2, Reset: true},
		}},
		{name: "token endpoint 503", faults: []fakeapi.Fault{
			{Route: "POST /connect/token", Times: 2, Status: http.StatusServiceUnavailable},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, xerofake.Demo(), xerofake.Options{})
			rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
			for _, f := range tt.faults {
				e.fake.Faults().Add(f)
			}
			out := e.c1z("sync")
			e.run(0, e.webArgs(out, rt)...)
			e.assertSynced(out, organisations(e.ds))
			if got := e.fake.Faults().Pending(); got != 0 {
				t.Errorf("faults left unconsumed: got %d, want 0 (the test did not exercise them)", got)
			}
		})
	}
}

// TestSync_DailyLimit stops at once with a clear message when Xero's daily
// limit answers with a Retry-After of hours.
func TestSync_DailyLimit(t *testing.T) {
	e := newEnv(t, xerofake.Demo(), xerofake.Options{})
	rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
	e.fake.Faults().Add(fakeapi.Fault{
		Route: "GET /api.xro/2.0/Users", Times: 100, Status: http.StatusTooManyRequests,
		Header: http.Header{"Retry-After": {"66975"}, "X-Rate-Limit-Problem": {"day"}},
	})
	out := e.c1z("sync")
	start := time.Now()
	res := e.run(int(codes.ResourceExhausted), e.webArgs(out, rt)...)
	if d := time.Since(start); d > 60*time.Second {
		t.Errorf("time to stop on the daily limit: got %v, want well under a minute", d)
	}
	mustContain(t, "stderr", res.Stderr, "day")
	assertNoFinishedSync(t, out)
}

// TestSync_MalformedJSON is an error, never an empty sync.
func TestSync_MalformedJSON(t *testing.T) {
	for _, route := range []string{"GET /api.xro/2.0/Users", "GET /api.xro/2.0/Organisation", "GET /connections"} {
		t.Run(route, func(t *testing.T) {
			e := newEnv(t, xerofake.Demo(), xerofake.Options{})
			rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
			e.fake.Faults().Add(fakeapi.Fault{Route: route, Times: 1000, Malformed: true})
			out := e.c1z("sync")
			res := runAs(t, int(codes.Internal), e.webArgs(out, rt)...)
			mustContain(t, "stderr", res.Stderr, "JSON")
			assertNoFinishedSync(t, out)
		})
	}
}

// TestSync_ServerErrorsThatDoNotHeal fail the run instead of retrying
// forever.
func TestSync_ServerErrorsThatDoNotHeal(t *testing.T) {
	e := newEnv(t, xerofake.Demo(), xerofake.Options{})
	rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
	e.fake.Faults().Add(fakeapi.Fault{Route: "GET /api.xro/2.0/Users", Times: 100000, Status: http.StatusInternalServerError, Body: "boom"})
	out := e.c1z("sync")
	res := e.run(int(codes.Aborted), e.webArgs(out, rt)...)
	mustContain(t, "stderr", res.Stderr, "500")
	assertNoFinishedSync(t, out)
}

// xerofakeFault is one answer of the given status on route.
func xerofakeFault(route string, status int) fakeapi.Fault {
	return fakeapi.Fault{Route: route, Times: 1, Status: status, Body: "temporarily unavailable"}
}

// TestSync_WronglyTypedField: a 2xx body with a field of the wrong type
// ends the run at once, non-zero, naming the endpoint and the field; it is
// never retried as if Xero were unavailable.
func TestSync_WronglyTypedField(t *testing.T) {
	jsonHeader := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	tests := []struct {
		name, route, body string
		want              []string
	}{
		{
			name: "Users IsSubscriber is a string", route: xerofake.RouteUsers,
			body: `{"Users":[{"UserID":"7cf47fe2-c3dd-4c6b-9895-7ba767ba529c","IsSubscriber":"yes","OrganisationRole":"STANDARD"}]}`,
			want: []string{"/api.xro/2.0/Users", "IsSubscriber"},
		},
		{
			name: "Users UpdatedDateUTC is a number", route: xerofake.RouteUsers,
			body: `{"Users":[{"UserID":"7cf47fe2-c3dd-4c6b-9895-7ba767ba529c","UpdatedDateUTC":1508523261613}]}`,
			want: []string{"/api.xro/2.0/Users", "UpdatedDateUTC"},
		},
		{
			name: "Organisation Name is a number", route: xerofake.RouteOrganisation,
			body: `{"Organisations":[{"OrganisationID":"b2c885a9-4bb9-4a00-9b6e-6c2bf60b1a65","Name":42}]}`,
			want: []string{"/api.xro/2.0/Organisation", "Name"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, xerofake.Demo(), xerofake.Options{})
			rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
			e.fake.Faults().Add(fakeapi.Fault{Route: tt.route, Times: 1000, Status: http.StatusOK, Header: jsonHeader, Body: tt.body})
			out := e.c1z("sync")
			start := time.Now()
			res := runAs(t, int(codes.Internal), e.webArgs(out, rt)...)
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("time to fail: got %v, want well under 30s (no retry)", d)
			}
			mustContain(t, "stderr", res.Stderr, append([]string{"GET /api.xro/2.0/", "unexpected response: field "}, tt.want...)...)
			assertNoFinishedSync(t, out)
		})
	}
}
