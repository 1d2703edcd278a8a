package workato_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
	"github.com/accessgov/baton-connectors/internal/connectortest"
)

// TestSync_TwiceWithinAMinute runs two syncs back to back at Workato's real
// limits (60 a minute per endpoint group, the fake counting a real minute):
// both succeed with the exact content.
func TestSync_TwiceWithinAMinute(t *testing.T) {
	e := newEnv(t, workatofake.ThreeEnvs(), workatofake.Options{MinuteWindow: time.Minute})
	e.window = time.Minute
	first, second := e.c1z("first"), e.c1z("second")
	start := time.Now()
	e.run(0, e.args(first)...)
	e.run(0, e.args(second)...)
	if d := time.Since(start); d > time.Minute {
		t.Logf("two syncs took %v (the limits made the second wait)", d)
	}
	e.assertSynced(first, expectOptions{})
	e.assertSynced(second, expectOptions{})
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
	if got := e.status(http.StatusTooManyRequests); got != 0 {
		t.Errorf("429 answers: got %d, want 0", got)
	}
}

// TestCapabilities runs offline without credentials and matches the
// committed baton_capabilities.json.
func TestCapabilities(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := connectortest.Exec(ctx, marker, nil, "capabilities")
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("capabilities: exit %d, err %v\n%s", res.ExitCode, err, res.Stderr)
	}
	var got struct {
		ResourceTypeCapabilities []struct {
			ResourceType struct {
				ID string `json:"id"`
			} `json:"resourceType"`
		} `json:"resourceTypeCapabilities"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &got); err != nil {
		t.Fatalf("capabilities output is not JSON: %v", err)
	}
	var types []string
	for _, rc := range got.ResourceTypeCapabilities {
		types = append(types, rc.ResourceType.ID)
	}
	sort.Strings(types)
	if got, want := strings.Join(types, ","), "collaborator,folder,privilege,project,role"; got != want {
		t.Errorf("resource types: got %s, want %s", got, want)
	}
	committed, err := os.ReadFile("baton_capabilities.json")
	if err != nil {
		t.Fatalf("read committed capabilities: %v", err)
	}
	var a, b any
	if json.Unmarshal(committed, &a) != nil || json.Unmarshal([]byte(res.Stdout), &b) != nil {
		t.Fatal("capabilities are not JSON")
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("baton_capabilities.json is stale: got\n%s\nwant\n%s\n(run make generate)", committed, res.Stdout)
	}
}
