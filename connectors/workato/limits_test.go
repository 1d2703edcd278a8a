package workato_test

import (
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
	"github.com/accessgov/baton-connectors/internal/connectortest"
)

// TestSync_TwiceWithinAMinute runs two syncs back to back at Workato's real
// limits (60 a minute per endpoint group, the fake counting a real minute):
// both succeed with the exact content, and the second waited for the
// limit. The second run is a new process: its limiter cannot know what the
// first one spent (Workato sends no remaining-quota headers), so it runs at
// full speed until Workato answers 429, then waits out the Retry-After:
// at most one 429 per request in flight when the quota ran out, never a
// failure.
func TestSync_TwiceWithinAMinute(t *testing.T) {
	// 40 collaborators: one sync's collaborator requests fit in a minute's
	// 60, two syncs' do not.
	ws := workatofake.Generate(40, 3, 10, 5, []string{"dev", "test", "prod"}, 3)
	e := newEnv(t, ws, workatofake.Options{MinuteWindow: time.Minute})
	e.window = time.Minute
	first, second := e.c1z("first"), e.c1z("second")
	start := time.Now()
	e.run(0, e.args(first)...)
	e.run(0, e.args(second)...)
	d := time.Since(start)
	e.assertSynced(first, expectOptions{})
	e.assertSynced(second, expectOptions{})
	// The busiest endpoint group over both syncs: past 60 requests, the
	// 61st cannot be sent within a minute of the first, so the second sync
	// must have waited.
	req := e.fake.Requests()
	collaborators := req.Count("GET", "/api/members") + req.Count("GET", "/api/members/{id}/privileges")
	if collaborators <= 60 {
		t.Fatalf("collaborator requests over both syncs: got %d, want more than 60 (the dataset no longer makes the limit bind)", collaborators)
	}
	if d < time.Minute-2*time.Second {
		t.Errorf("two syncs with %d collaborator requests took %v, want at least a minute (the second sync waited)", collaborators, d)
	}
	// The collaborator load keeps 4 privilege reads in flight.
	const inFlight = 4
	got := e.status.Get(http.StatusTooManyRequests)
	t.Logf("429 answers to the second process: %d", got)
	if got > inFlight {
		t.Errorf("429 answers: got %d, want at most %d (one per request in flight when the quota ran out; then the connector waits)", got, inFlight)
	}
}

// TestSync_LongLists: more than 100 projects and more than 100 folders
// under one parent are all synced (pages from 1, 100 a page, until a short
// page).
func TestSync_LongLists(t *testing.T) {
	ws := workatofake.Generate(12, 5, 350, 130, []string{"dev", "test", "prod"}, 7)
	if len(ws.Projects) <= 100 {
		t.Fatalf("dataset has %d projects, want more than 100", len(ws.Projects))
	}
	children := map[int]int{}
	most := 0
	for _, f := range ws.Folders {
		children[f.ParentID]++
		if f.ParentID != 0 && children[f.ParentID] > most {
			most = children[f.ParentID]
		}
	}
	if most <= 100 {
		t.Fatalf("dataset's largest folder has %d children, want more than 100", most)
	}
	e := newEnv(t, ws, workatofake.Options{MinuteWindow: 200 * time.Millisecond})
	out := e.c1z("sync")
	e.run(0, e.args(out)...)
	snap := e.assertSynced(out, expectOptions{})
	t.Logf("%s", snap.Counts())
	if got := e.fake.Requests().Count("GET", "/api/projects"); got != 2 {
		t.Errorf("GET /api/projects calls for %d projects: got %d, want 2", len(ws.Projects), got)
	}
	if got := e.status.Get(http.StatusTooManyRequests); got != 0 {
		t.Errorf("429 answers: got %d, want 0", got)
	}
}

// TestCapabilities runs offline without credentials, matches the committed
// baton_capabilities.json, and lists exactly what is supported: sync of
// every type, provisioning of roles, project roles and group membership,
// account creation and deletion of collaborators; API clients and client
// roles are read only.
func TestCapabilities(t *testing.T) {
	got := connectortest.CheckCapabilities(t, marker, "baton_capabilities.json")
	if want := "api_client,client_role,collaborator,folder,group,privilege,project,role"; strings.Join(got.ResourceTypes, ",") != want {
		t.Errorf("resource types: got %v, want %s", got.ResourceTypes, want)
	}
	want := map[string]string{
		"collaborator": "CAPABILITY_SYNC,CAPABILITY_ACCOUNT_PROVISIONING,CAPABILITY_RESOURCE_DELETE",
		"role":         "CAPABILITY_SYNC,CAPABILITY_PROVISION",
		"privilege":    "CAPABILITY_SYNC",
		"project":      "CAPABILITY_SYNC,CAPABILITY_PROVISION",
		"group":        "CAPABILITY_SYNC,CAPABILITY_PROVISION",
		"folder":       "CAPABILITY_SYNC",
		"api_client":   "CAPABILITY_SYNC",
		"client_role":  "CAPABILITY_SYNC",
	}
	for rt, w := range want {
		caps := append([]string(nil), got.ByType[rt]...)
		sort.Strings(caps)
		ws := strings.Split(w, ",")
		sort.Strings(ws)
		if strings.Join(caps, ",") != strings.Join(ws, ",") {
			t.Errorf("capabilities of %s: got %v, want %v", rt, caps, ws)
		}
	}
}
