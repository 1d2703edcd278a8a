package workato_test

// service_long_test.go: service mode over time and under faults: one
// process through many sync tasks with a neighbour job's 429s and grant
// tasks arriving mid-sync, goroutines and heap back to baseline after
// each; ConductorOne's gRPC, uploads and token endpoint failing mid-run; a
// stop mid-sync by SIGINT and SIGTERM; malformed ConductorOne
// credentials.

import (
	"fmt"
	"maps"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	v1 "github.com/conductorone/baton-sdk/pb/c1/connectorapi/baton/v1"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
	"github.com/accessgov/baton-connectors/internal/c1fake"
	"github.com/accessgov/baton-connectors/internal/connectortest"
	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// In the connector process (the test binary run as baton-workato, and
// the SDK's _connector-service child) start the goroutine and heap probe
// when the long-run test asks for it.
func init() {
	if os.Getenv(marker) == "1" {
		connectortest.ServeProbe()
	}
}

// longRunSyncs is how many sync tasks the long run hands one process.
const longRunSyncs = 20

// neighbourFaults are the 429s a neighbour job sharing the API client's
// quota causes: Workato answers them to us although we kept to our share.
func neighbourFaults() []fakeapi.Fault {
	return []fakeapi.Fault{
		workatofake.RateLimitFault(workatofake.RouteMemberPrivileges, 2, time.Second),
		workatofake.RateLimitFault(workatofake.RouteFolders, 1, 0),
	}
}

// c1Service is one fake ConductorOne and a credential reused across
// connector restarts.
type c1Service struct {
	c1   *c1fake.Server
	cred c1fake.Credential
}

func newC1(t *testing.T, opts c1fake.Options) c1Service {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("service mode needs SSL_CERT_FILE, which Go honours only on Linux")
	}
	c1 := c1fake.Start(t, opts)
	cred, err := c1.NewCredential("baton-workato")
	if err != nil {
		t.Fatal(err)
	}
	return c1Service{c1: c1, cred: cred}
}

func (c c1Service) start(t *testing.T, e *env, extraEnv ...string) *connectortest.Service {
	t.Helper()
	return connectortest.StartService(t, marker, c.c1, c.cred, append([]string{"BATON_DISABLE_HTTP_CACHE=true"}, extraEnv...), e.serviceArgs()...)
}

// finishOK waits for task id and wants it finished OK.
func (c c1Service) finishOK(t *testing.T, svc *connectortest.Service, id, what string) c1fake.Finish {
	t.Helper()
	f := svc.WaitFinished(t, c.c1, id, serviceTaskTimeout)
	if !f.OK {
		t.Fatalf("%s: got %s, want success\nstderr:\n%s", what, f, tail(svc.Stderr(), 4000))
	}
	return f
}

// syncOK runs one sync task and checks its upload is exactly the
// workspace as it is now.
func (c c1Service) syncOK(t *testing.T, e *env, svc *connectortest.Service, what string) string {
	t.Helper()
	id := c.c1.Enqueue(c1fake.SyncTask())[0]
	c.finishOK(t, svc, id, what+": sync task")
	path, err := c.c1.C1Z(id)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	e.assertSynced(path, expectOptions{})
	return path
}

// waitRequests waits until the fake has served n more requests than
// before (the sync is under way).
func waitRequests(t *testing.T, e *env, svc *connectortest.Service, before, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for e.fake.Requests().Total() < before+n {
		if time.Now().After(deadline) {
			t.Fatalf("no sync requests to Workato within 30s\nstderr:\n%s", tail(svc.Stderr(), 3000))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// midSyncTask runs a sync task and, once the sync is under way, task;
// both must finish OK. The upload must be exactly the workspace before or
// after the task's change (the change may land before or after the sync
// read that member). It returns the task's finish and the sync's upload.
func (c c1Service) midSyncTask(t *testing.T, e *env, svc *connectortest.Service, task *v1.Task, what string) (c1fake.Finish, string) {
	t.Helper()
	before := e.fake.Workspace()
	calls := e.fake.Requests().Total()
	sid := c.c1.Enqueue(c1fake.SyncTask())[0]
	waitRequests(t, e, svc, calls, 3)
	tid := c.c1.Enqueue(task)[0]
	f := c.finishOK(t, svc, tid, what)
	_, syncFirst := c.c1.Finished(sid) // did the sync end before the task?
	c.finishOK(t, svc, sid, what+": the sync it met")
	path, err := c.c1.C1Z(sid)
	if err != nil {
		t.Fatal(err)
	}
	got := connectortest.MustRead(t, path)
	dBefore := connectortest.Diff(expected(before, expectOptions{}), got)
	dAfter := connectortest.Diff(expected(e.fake.Workspace(), expectOptions{}), got)
	if len(dBefore) > 0 && len(dAfter) > 0 {
		t.Fatalf("%s: the sync that met it is neither the workspace before nor after it:\nvs before:\n%s\nvs after:\n%s", what, strings.Join(dBefore, "\n"), strings.Join(dAfter, "\n"))
	}
	t.Logf("%s: ran during a sync (which finished first: %v); the upload is the workspace %s it", what, syncFirst, map[bool]string{true: "before", false: "after"}[len(dBefore) == 0])
	return f, path
}

// TestServiceLong_NeighbourAndGrants: one process runs 20 sync tasks in
// a row; every fifth meets 429s a neighbour job causes, and a grant and
// later its revoke arrive while a sync runs. Every upload is exact, no
// 429 is ours (every 429 answered was injected), goroutines and heap stay
// at their baseline.
func TestServiceLong_NeighbourAndGrants(t *testing.T) {
	e := newEnv(t, workatofake.ThreeEnvs(), workatofake.Options{})
	c := newC1(t, c1fake.Options{})
	probes := t.TempDir()
	svc := c.start(t, e, connectortest.ProbeDirEnv+"="+probes)
	leaks := &connectortest.LeakCheck{Dir: probes}

	role := customRoleWithOddName(t, e.ws)
	m := memberWithout(t, e.ws, "prod")
	rolesBefore := rolesOf(e, m.ID)
	entID := fmt.Sprintf("role:%d:prod", role.ID)
	principalKey := "collaborator/" + strconv.Itoa(m.ID)
	var granted *v2.Grant

	injected, last := 0, ""
	start := time.Now()
	for i := 1; i <= longRunSyncs; i++ {
		if i%5 == 3 {
			for _, f := range neighbourFaults() {
				e.fake.Faults().Add(f)
				injected += f.Times
			}
		}
		t0 := time.Now()
		var path string
		switch i {
		case 7: // a grant arrives mid-sync
			objs := connectortest.MustReadProtos(t, last)
			ent, principal := objs.Entitlements[entID], objs.Resources[principalKey]
			if ent == nil || principal == nil {
				t.Fatalf("the last sync lists entitlement %s: %v, principal %s: %v; want both", entID, ent != nil, principalKey, principal != nil)
			}
			var f c1fake.Finish
			f, path = c.midSyncTask(t, e, svc, c1fake.GrantTask(ent, principal), "grant task")
			var resp v2.GrantManagerServiceGrantResponse
			if err := f.UnmarshalResponse(&resp); err != nil {
				t.Fatal(err)
			}
			if len(resp.GetGrants()) != 1 {
				t.Fatalf("grant task answer: got %d grants, want 1", len(resp.GetGrants()))
			}
			granted = resp.GetGrants()[0]
			want := maps.Clone(rolesBefore)
			want["prod"] = role.Name
			if got := rolesOf(e, m.ID); !maps.Equal(got, want) {
				t.Fatalf("roles of %d after the grant task: got %v, want %v", m.ID, got, want)
			}
		case 14: // its revoke arrives mid-sync
			_, path = c.midSyncTask(t, e, svc, c1fake.RevokeTask(granted), "revoke task")
			if got := rolesOf(e, m.ID); !maps.Equal(got, rolesBefore) {
				t.Fatalf("roles of %d after the revoke task: got %v, want %v", m.ID, got, rolesBefore)
			}
		default:
			path = c.syncOK(t, e, svc, "sync "+strconv.Itoa(i))
			key := connectortest.Grant{Entitlement: entID, Principal: principalKey}.Key()
			if listed := connectortest.MustRead(t, path).Grants[key] != (connectortest.Grant{}); listed != (i > 7 && i < 14) {
				t.Fatalf("sync %d lists the granted %s: %v, want %v", i, key, listed, i > 7 && i < 14)
			}
		}
		last = path
		t.Logf("sync %d: %s", i, time.Since(t0).Round(time.Millisecond))
		leaks.Check(t, i)
	}
	spent := injected - e.fake.Faults().Pending()
	got429 := e.status.Get(http.StatusTooManyRequests)
	t.Logf("%d syncs in %s: %d neighbour 429s injected, %d spent, %d 429s answered", longRunSyncs, time.Since(start).Round(time.Millisecond), injected, spent, got429)
	if spent == 0 {
		t.Errorf("neighbour 429s spent: got 0 of %d, want them met", injected)
	}
	if ours := got429 - spent; ours != 0 {
		t.Errorf("429s caused by us (answered but not injected): got %d, want 0", ours)
	}
}

// TestServiceFaults_ConductorOne: one process meets ConductorOne's faults
// in turn: gRPC unavailable for a while (it waits and the next task
// succeeds), an upload cut off (retried, the upload still exact), and the
// token endpoint failing when the access token has to be renewed.
func TestServiceFaults_ConductorOne(t *testing.T) {
	e := newEnv(t, workatofake.ThreeEnvs(), workatofake.Options{})
	c := newC1(t, c1fake.Options{TokenLifetime: connectortest.C1FaultTokenLifetime})
	svc := c.start(t, e)
	c.syncOK(t, e, svc, "first sync")

	connectortest.C1Faults(t, c.c1, svc, func(t *testing.T, what string) { c.syncOK(t, e, svc, what) })
	if got := e.status.Get(http.StatusTooManyRequests); got != 0 {
		t.Errorf("429 answers: got %d, want 0", got)
	}
}

// TestService_StopMidSync: SIGINT and SIGTERM in the middle of a sync:
// the process exits promptly with the exit the SDK gives the signal, the
// task is not reported as a success with a wrong upload, and the next
// start completes a sync task cleanly.
func TestService_StopMidSync(t *testing.T) {
	for _, tt := range connectortest.StopSignals {
		sig := tt.Sig
		t.Run(sig.String(), func(t *testing.T) {
			e := newEnv(t, workatofake.ThreeEnvs(), workatofake.Options{Latency: 100 * time.Millisecond})
			c := newC1(t, c1fake.Options{})
			svc := c.start(t, e)
			calls := e.fake.Requests().Total()
			id := c.c1.Enqueue(c1fake.SyncTask())[0]
			waitRequests(t, e, svc, calls, 3)
			if err := svc.Signal(sig); err != nil {
				t.Fatal(err)
			}
			sent := time.Now()
			res, exited := svc.Wait(connectortest.ServiceStopTimeout)
			if !exited {
				t.Fatalf("after %s mid-sync the connector still runs after %s", sig, connectortest.ServiceStopTimeout)
			}
			f, finished := c.c1.Finished(id)
			t.Logf("after %s mid-sync (%d requests made): exit code %d in %s; task finished: %v %v", sig, e.fake.Requests().Total()-calls, res.ExitCode, time.Since(sent).Round(time.Millisecond), finished, f)
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
				e.assertSynced(path, expectOptions{}) // a success must still be exact
			}
			svc2 := c.start(t, e)
			c.syncOK(t, e, svc2, "sync after restart")
			svc2.Stop()
		})
	}
}

// TestService_MalformedCredentials: see connectortest.C1MalformedCredentials.
func TestService_MalformedCredentials(t *testing.T) {
	connectortest.C1MalformedCredentials(t, func(t *testing.T, bad func(c1fake.Credential) c1fake.Credential) (*c1fake.Server, *connectortest.Service) {
		e := newEnv(t, workatofake.ThreeEnvs(), workatofake.Options{})
		c := newC1(t, c1fake.Options{})
		return c.c1, connectortest.StartService(t, marker, c.c1, bad(c.cred), nil, e.serviceArgs()...)
	})
}
