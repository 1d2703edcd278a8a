package xero_test

// service_long_test.go: service mode over time and under faults: one
// process through many sync tasks with Xero tokens expiring and rotating,
// goroutines and heap back to baseline after each; ConductorOne's gRPC,
// uploads and token endpoint failing mid-run; a stop mid-sync by SIGINT
// and SIGTERM; malformed ConductorOne credentials.

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
	"github.com/accessgov/baton-connectors/internal/c1fake"
	"github.com/accessgov/baton-connectors/internal/connectortest"
)

// In the connector process (the test binary run as baton-xero, and the
// SDK's _connector-service child) start the goroutine and heap probe
// when the long-run test asks for it.
func init() {
	if os.Getenv(marker) == "1" {
		connectortest.ServeProbe()
	}
}

// longRunSyncs is how many sync tasks the long run hands one process.
const longRunSyncs = 20

// longAccessTTL is the fake's access-token lifetime in the long run: the
// connector renews a token 60 s before its expiry, so a token of 62 s is
// fresh for 2 s and is renewed (rotating the refresh token) about once a
// sync, sometimes between syncs, sometimes in the middle of one.
const longAccessTTL = 62 * time.Second

// rotations records the refresh-token chain as the fake's token endpoint
// saw it: each refresh_token grant's presented token and the new one it
// answered.
type rotations struct {
	mu        sync.Mutex
	presented []string
	issued    []string
}

func (r *rotations) snapshot() (presented, issued []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.presented...), append([]string(nil), r.issued...)
}

// wrap records refresh_token grants passing through to h.
func (r *rotations) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodPost || !strings.HasSuffix(req.URL.Path, "/connect/token") {
			h.ServeHTTP(w, req)
			return
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		form, _ := url.ParseQuery(string(body))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if form.Get("grant_type") == "refresh_token" && rec.Code == http.StatusOK {
			var tok struct {
				RefreshToken string `json:"refresh_token"`
			}
			if json.Unmarshal(rec.Body.Bytes(), &tok) == nil {
				r.mu.Lock()
				r.presented = append(r.presented, form.Get("refresh_token"))
				r.issued = append(r.issued, tok.RefreshToken)
				r.mu.Unlock()
			}
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// newRotatingEnv is newEnv with the token endpoint's rotations recorded.
func newRotatingEnv(t *testing.T, ds xerofake.Dataset, opts xerofake.Options) (*env, *rotations) {
	t.Helper()
	rot := &rotations{}
	e := &env{t: t, ds: ds, fake: xerofake.New(ds, opts), dir: t.TempDir()}
	h, counts := connectortest.CountStatuses(rot.wrap(e.fake), func(r *http.Request) {
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
	return e, rot
}

// storeArgs are serviceArgs without --refresh-token: a restart runs from
// the token store alone.
func (e *env) storeArgs() []string {
	var out []string
	args := e.serviceArgs("")
	for i := 0; i < len(args); i++ {
		if args[i] == "--refresh-token" {
			i++
			continue
		}
		out = append(out, args[i])
	}
	return out
}

// c1Service is one fake ConductorOne with a credential the tests reuse
// across connector restarts.
type c1Service struct {
	c1   *c1fake.Server
	cred c1fake.Credential
}

func newC1(t *testing.T, opts c1fake.Options) c1Service {
	t.Helper()
	needLinux(t)
	c1 := c1fake.Start(t, opts)
	cred, err := c1.NewCredential("baton-xero")
	if err != nil {
		t.Fatal(err)
	}
	return c1Service{c1: c1, cred: cred}
}

func (c c1Service) start(t *testing.T, env []string, args ...string) *connectortest.Service {
	t.Helper()
	return connectortest.StartService(t, marker, c.c1, c.cred, append([]string{"BATON_DISABLE_HTTP_CACHE=true"}, env...), args...)
}

// syncOK runs one sync task, wants it finished OK, and checks the upload
// is exactly the fake's data.
func (c c1Service) syncOK(t *testing.T, e *env, svc *connectortest.Service, what string) string {
	t.Helper()
	id := c.c1.Enqueue(c1fake.SyncTask())[0]
	f := svc.WaitFinished(t, c.c1, id, serviceTaskTimeout)
	if !f.OK {
		t.Fatalf("%s: sync task: got %s, want success\nstderr:\n%s", what, f, tail(svc.Stderr(), 4000))
	}
	path, err := c.c1.C1Z(id)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	e.assertSynced(path, organisations(e.ds))
	return path
}

// readStore parses the token store and returns its refresh token; it
// fails t if the store is missing, not JSON or holds no refresh token.
func readStore(t *testing.T, e *env) string {
	t.Helper()
	rt := storedRefreshToken(t, e)
	if rt == "" {
		t.Fatal("token store holds no refresh token")
	}
	return rt
}

// checkChain fails t unless every refresh presented the token the one
// before it issued (starting from first), and returns the newest.
func checkChain(t *testing.T, rot *rotations, first string) string {
	t.Helper()
	presented, issued := rot.snapshot()
	want := first
	for i, p := range presented {
		if p != want {
			t.Fatalf("refresh %d presented a token other than the newest issued (rotation %d of %d): the chain is broken", i+1, i, len(presented))
		}
		want = issued[i]
	}
	return want
}

// TestServiceLong_TokensRotate: one process runs 20 sync tasks in a row
// while Xero access tokens expire between syncs (client side, by their
// short life, and server side, by ExpireAccessTokens) and during them;
// the refresh token rotates on every renewal. Every upload is exact, no
// 429, goroutines and heap stay at their baseline, and at the end the
// token store holds the newest refresh token; a restart without
// --refresh-token continues from it.
func TestServiceLong_TokensRotate(t *testing.T) {
	e, rot := newRotatingEnv(t, xerofake.Demo(), xerofake.Options{AccessTTL: longAccessTTL})
	rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
	c := newC1(t, c1fake.Options{})
	probes := t.TempDir()
	svc := c.start(t, []string{connectortest.ProbeDirEnv + "=" + probes}, e.serviceArgs(rt)...)
	leaks := &connectortest.LeakCheck{Dir: probes}

	start := time.Now()
	var midSyncExpiries atomic.Int32
	for i := 1; i <= longRunSyncs; i++ {
		switch i % 4 {
		case 0: // between syncs, server side
			e.fake.ExpireAccessTokens()
		case 2: // during the sync, after its second request
			var mu sync.Mutex
			seen := 0
			e.onRequest(func(r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/connect/token") {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				seen++
				if seen == 2 {
					e.fake.ExpireAccessTokens()
					midSyncExpiries.Add(1)
				}
			})
		}
		before, _ := rot.snapshot()
		t0 := time.Now()
		c.syncOK(t, e, svc, "sync "+strconv.Itoa(i))
		e.onRequest(nil)
		after, _ := rot.snapshot()
		t.Logf("sync %d: %s, %d refreshes", i, time.Since(t0).Round(time.Millisecond), len(after)-len(before))
		if i%4 == 2 && len(after) == len(before) {
			t.Errorf("sync %d: the access token expired mid-sync but the sync renewed none", i)
		}
		leaks.Check(t, i)
	}
	presented, _ := rot.snapshot()
	t.Logf("%d syncs in %s: %d refresh-token rotations, %d access tokens expired mid-sync, %d answers 401", longRunSyncs, time.Since(start).Round(time.Millisecond), len(presented), midSyncExpiries.Load(), e.status.Get(http.StatusUnauthorized))
	if len(presented) < longRunSyncs/2 {
		t.Errorf("refresh-token rotations: got %d, want at least %d (tokens expired between and during syncs)", len(presented), longRunSyncs/2)
	}
	if midSyncExpiries.Load() < longRunSyncs/4 {
		t.Errorf("access tokens expired mid-sync: got %d, want %d (the hook must fire in every fourth sync)", midSyncExpiries.Load(), longRunSyncs/4)
	}
	if got := e.status.Get(http.StatusTooManyRequests); got != 0 {
		t.Errorf("429 answers: got %d, want 0", got)
	}
	newest := checkChain(t, rot, rt)
	svc.Stop()
	if got := readStore(t, e); got != newest {
		t.Fatalf("token store after %d syncs: got a refresh token other than the newest issued", longRunSyncs)
	}

	// Restart from the store alone; a server-side expiry makes the first
	// call renew, so the restart proves the stored token still works.
	e.fake.ExpireAccessTokens()
	svc2 := c.start(t, nil, e.storeArgs()...)
	c.syncOK(t, e, svc2, "sync after restart")
	svc2.Stop()
	newest2 := checkChain(t, rot, rt)
	if p, _ := rot.snapshot(); len(p) == len(presented) {
		t.Fatal("the restarted process renewed no token: the restart did not exercise the stored refresh token")
	}
	if got := readStore(t, e); got != newest2 {
		t.Fatal("token store after the restart: got a refresh token other than the newest issued")
	}
}

// TestServiceFaults_ConductorOne: one process meets ConductorOne's faults
// in turn: gRPC unavailable for a while (it waits and the next task
// succeeds), an upload cut off (retried, the upload still exact), and the
// token endpoint failing when the access token has to be renewed.
func TestServiceFaults_ConductorOne(t *testing.T) {
	e := newEnv(t, xerofake.Demo(), xerofake.Options{})
	rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
	c := newC1(t, c1fake.Options{TokenLifetime: connectortest.C1FaultTokenLifetime})
	svc := c.start(t, nil, e.serviceArgs(rt)...)
	c.syncOK(t, e, svc, "first sync")

	connectortest.C1Faults(t, c.c1, svc, func(t *testing.T, what string) { c.syncOK(t, e, svc, what) })
	if got := e.status.Get(http.StatusTooManyRequests); got != 0 {
		t.Errorf("429 answers: got %d, want 0", got)
	}
}

// TestService_StopMidSync: SIGINT and SIGTERM in the middle of a sync:
// the process exits promptly with the exit the SDK gives the signal, the
// task is not reported as a success with a wrong upload, the token store
// parses and holds a refresh token of the chain, and the next start
// completes a sync task from that store.
func TestService_StopMidSync(t *testing.T) {
	for _, tt := range connectortest.StopSignals {
		sig := tt.Sig
		t.Run(sig.String(), func(t *testing.T) {
			// Latency makes a sync last seconds; a short token life makes
			// the connector renew (and rotate) during it.
			e, rot := newRotatingEnv(t, xerofake.Demo(), xerofake.Options{Latency: 300 * time.Millisecond, AccessTTL: longAccessTTL})
			rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
			c := newC1(t, c1fake.Options{})
			svc := c.start(t, nil, e.serviceArgs(rt)...)
			c.syncOK(t, e, svc, "first sync")
			perSync := e.fake.Requests().Total()

			calls := e.fake.Requests().Total()
			id := c.c1.Enqueue(c1fake.SyncTask())[0]
			deadline := time.Now().Add(30 * time.Second)
			for e.fake.Requests().Total() < calls+2 {
				if time.Now().After(deadline) {
					t.Fatalf("the second sync made no requests to Xero within 30s\nstderr:\n%s", tail(svc.Stderr(), 3000))
				}
				time.Sleep(10 * time.Millisecond)
			}
			if err := svc.Signal(sig); err != nil {
				t.Fatal(err)
			}
			sent := time.Now()
			res, exited := svc.Wait(connectortest.ServiceStopTimeout)
			if !exited {
				t.Fatalf("after %s mid-sync the connector still runs after %s", sig, connectortest.ServiceStopTimeout)
			}
			f, finished := c.c1.Finished(id)
			t.Logf("after %s mid-sync (%d of a sync's %d requests made): exit code %d in %s; task finished: %v %v", sig, e.fake.Requests().Total()-calls, perSync, res.ExitCode, time.Since(sent).Round(time.Millisecond), finished, f)
			if res.ExitCode != tt.WantExit {
				t.Errorf("exit code after %s: got %d, want %d", sig, res.ExitCode, tt.WantExit)
			}
			if !svc.GroupGone(5 * time.Second) {
				t.Errorf("after %s: processes of the connector's group (the SDK's child) still run 5s after it exited", sig)
			}
			if finished && f.OK {
				path, err := c.c1.C1Z(id)
				if err != nil {
					t.Fatalf("the stopped sync finished OK without a c1z: %v", err)
				}
				e.assertSynced(path, organisations(e.ds)) // a success must still be exact
			}

			stored := readStore(t, e)
			presented, issued := rot.snapshot()
			newest := checkChain(t, rot, rt)
			// The store holds the newest token, or (if the process died
			// between Xero's answer and the write) the one before it,
			// which Xero still honours for its grace period.
			prev := rt
			if len(issued) > 1 {
				prev = issued[len(issued)-2]
			} else if len(issued) == 0 {
				prev = ""
			}
			if stored != newest && stored != prev {
				t.Fatalf("token store after %s: holds a token that is neither the newest nor the one before it (%d rotations)", sig, len(presented))
			}

			e.fake.ExpireAccessTokens()
			svc2 := c.start(t, nil, e.storeArgs()...)
			c.syncOK(t, e, svc2, "sync after restart")
			svc2.Stop()
		})
	}
}

// TestService_MalformedCredentials: see connectortest.C1MalformedCredentials.
func TestService_MalformedCredentials(t *testing.T) {
	connectortest.C1MalformedCredentials(t, func(t *testing.T, bad func(c1fake.Credential) c1fake.Credential) (*c1fake.Server, *connectortest.Service) {
		e := newEnv(t, xerofake.Demo(), xerofake.Options{})
		c := newC1(t, c1fake.Options{})
		rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
		return c.c1, connectortest.StartService(t, marker, c.c1, bad(c.cred), nil, e.serviceArgs(rt)...)
	})
}
