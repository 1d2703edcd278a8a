package workato_test

import (
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
	"github.com/accessgov/baton-connectors/internal/c1fake"
	"github.com/accessgov/baton-connectors/internal/connectortest"
	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// feedID is the Workato connector's one event feed: baton-sdk's default
// feed ID, so requests that name no feed reach it.
const feedID = "baton_feed_event"

// Fixture of the end-to-end feed tests: a migrated dev/test/prod workspace
// with an API client per environment, a group and the audit-log add-on.
const (
	e2eTestToken = "feed-e2e-test-token"
	e2eProdToken = "feed-e2e-prod-token"
	e2eGroupID   = "am-E2eGroup-bbbbbb"
	e2eClientID  = 61
)

func feedFixture(auditLog bool) workatofake.Workspace {
	ws := workatofake.MigratedWorkspace()
	ws.AuditLog = auditLog
	ws.Clients = []workatofake.APIClient{
		{Token: workatofake.TestToken, DataCenter: "us", Env: workatofake.EnvDev, ID: e2eClientID, Name: "Governance (dev)"},
		{Token: e2eTestToken, DataCenter: "us", Env: workatofake.EnvTest, ID: 62, Name: "Governance (test)"},
		{Token: e2eProdToken, DataCenter: "us", Env: workatofake.EnvProd, ID: 63, Name: "Governance (prod)"},
	}
	ws.Groups = append(ws.Groups,
		workatofake.Group{ID: "am-AllColl-111111", Name: "All collaborators", System: true},
		workatofake.Group{ID: e2eGroupID, Name: "Release team", MemberIDs: []int{5202}},
	)
	return ws
}

// feedArgs are the connector's flags with a token for every environment.
func (e *env) feedArgs(extra ...string) []string {
	return append([]string{
		"--workato-api-key", e.token,
		"--workato-test-api-key", e2eTestToken,
		"--workato-prod-api-key", e2eProdToken,
		"--workato-base-url", e.url,
		"--workato-rate-limit-window", e.window.String(),
		"--log-format", "console",
	}, extra...)
}

// eventLines decodes the events the local --event-feed run printed, one
// protojson object a line, as "usage <actor> @ <target>" or "change
// <type>/<id>".
func eventLines(t *testing.T, stdout string) []string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(stdout, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var ev v2.Event
		if err := protojson.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("event line %q: %v", line, err)
		}
		out = append(out, describeEvent(&ev))
	}
	slices.Sort(out)
	return out
}

func describeEvent(ev *v2.Event) string {
	if u := ev.GetUsageEvent(); u != nil {
		a, tg := u.GetActorResource().GetId(), u.GetTargetResource().GetId()
		return fmt.Sprintf("usage %s/%s @ %s/%s", a.GetResourceType(), a.GetResource(), tg.GetResourceType(), tg.GetResource())
	}
	if c := ev.GetResourceChangeEvent(); c != nil {
		return "change " + c.GetResourceId().GetResourceType() + "/" + c.GetResourceId().GetResource()
	}
	return "other " + ev.GetId()
}

// TestEventFeed_LocalCLI: the connector binary with --event-feed=true
// reads every environment's log from --event-feed-start-at, prints each
// sign-in and change as one event and exits 0; an entry older than the
// start is not printed.
func TestEventFeed_LocalCLI(t *testing.T) {
	ws := feedFixture(true)
	ws.Activity = append(ws.Activity, workatofake.ActivityEntry{
		ID: 5, Env: workatofake.EnvDev, EventType: workatofake.EventUserLogin,
		ResourceType: workatofake.ResourceUser, CreatedAt: time.Now().Add(-3 * time.Hour), UserID: 5203, ResourceID: "5203",
	})
	e := newEnv(t, ws, workatofake.Options{})
	e.fake.SignIn(5202, workatofake.EnvDev)
	e.fake.SignIn(5201, workatofake.EnvTest)
	e.fake.AddToGroup(e2eGroupID, 5204)
	e.fake.RegenerateToken(e2eClientID)

	start := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	res := e.run(0, e.feedArgs("--event-feed=true", "--event-feed-start-at", start)...)
	want := []string{
		"change api_client/" + strconv.Itoa(e2eClientID),
		"change group/" + e2eGroupID,
		"usage collaborator/5201 @ workspace/test",
		"usage collaborator/5202 @ workspace/dev",
	}
	if got := eventLines(t, res.Stdout); !slices.Equal(got, want) {
		t.Fatalf("printed events: got %q, want %q\nstderr:\n%s", got, want, tail(res.Stderr, 3000))
	}
}

// TestEventFeed_Service: in service mode a list_event_feeds task lists the
// feed with its two event types; a list_events task serves one page of
// what changed (a role set in the UI, a sign-in); the next task, from the
// returned cursor, reports nothing new; after another change, only that.
func TestEventFeed_Service(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("service mode needs SSL_CERT_FILE, which Go honours only on Linux")
	}
	e := newEnv(t, feedFixture(true), workatofake.Options{})
	c1 := c1fake.Start(t, c1fake.Options{})
	cred, err := c1.NewCredential("baton-workato")
	if err != nil {
		t.Fatal(err)
	}
	svc := connectortest.StartService(t, marker, c1, cred, []string{"BATON_DISABLE_HTTP_CACHE=true"}, e.feedArgs()...)

	feeds := svc.ListEventFeeds(t, c1, serviceTaskTimeout)
	if len(feeds) != 1 || feeds[0].GetId() != feedID ||
		!slices.Equal(feeds[0].GetSupportedEventTypes(), []v2.EventType{v2.EventType_EVENT_TYPE_USAGE, v2.EventType_EVENT_TYPE_RESOURCE_CHANGE}) {
		t.Fatalf("feeds: got %v, want %s with USAGE and RESOURCE_CHANGE", feeds, feedID)
	}

	start := time.Now().Add(-time.Minute)
	e.fake.SetMemberRole(5203, workatofake.EnvProd, "Member")
	e.fake.SignIn(5204, workatofake.EnvProd)
	page := svc.ListEvents(t, c1, feedID, "", start, 50, serviceTaskTimeout)
	got := make([]string, 0, len(page.GetEvents()))
	for _, ev := range page.GetEvents() {
		got = append(got, describeEvent(ev))
	}
	slices.Sort(got)
	if want := []string{"change collaborator/5203", "usage collaborator/5204 @ workspace/prod"}; !slices.Equal(got, want) || page.GetHasMore() {
		t.Fatalf("first page: got %q (has more %v), want %q and no more", got, page.GetHasMore(), want)
	}

	page = svc.ListEvents(t, c1, feedID, page.GetCursor(), start, 50, serviceTaskTimeout)
	if len(page.GetEvents()) != 0 || page.GetHasMore() {
		t.Fatalf("page from the cursor: got %d events (has more %v), want none", len(page.GetEvents()), page.GetHasMore())
	}
	e.fake.RemoveFromGroup(e2eGroupID, 5202)
	page = svc.ListEvents(t, c1, feedID, page.GetCursor(), start, 50, serviceTaskTimeout)
	if len(page.GetEvents()) != 1 || describeEvent(page.GetEvents()[0]) != "change group/"+e2eGroupID {
		t.Fatalf("page after a group change: got %d events, want the one change of group %s", len(page.GetEvents()), e2eGroupID)
	}
}

// TestSync_LastLoginsFromLog: a sync with a token per environment sets
// each collaborator's last login exactly from the newest sign-in in the
// logs (per environment in the profile, the newest in the trait) and
// leaves it unset for collaborators with none, as expected() computes it
// from the fake independently.
func TestSync_LastLoginsFromLog(t *testing.T) {
	clock := fakeapi.NewManualClock(time.Now().Add(-5 * time.Hour))
	e := newEnv(t, feedFixture(true), workatofake.Options{Clock: clock, PerMinute: 100000})
	for _, s := range []struct {
		member int
		env    string
		after  time.Duration
	}{
		{5202, workatofake.EnvDev, 0},
		{5202, workatofake.EnvProd, time.Hour},
		{5203, workatofake.EnvTest, 17 * time.Minute},
		{5202, workatofake.EnvDev, 90 * time.Minute}, // 5202's newest: a second dev sign-in
	} {
		clock.Advance(s.after + 1234*time.Millisecond)
		e.fake.SignIn(s.member, s.env)
	}
	c1z := e.c1z("logins")
	e.run(0, e.feedArgs("--file", c1z)...)
	e.assertSynced(c1z, expectOptions{TokenEnvs: []string{"dev", "test", "prod"}, LastLogins: true})

	// The trait holds the newest sign-in of any environment.
	newest := map[string]time.Time{}
	for _, a := range e.fake.Workspace().Activity {
		if k := "collaborator/" + strconv.Itoa(a.UserID); a.EventType == workatofake.EventUserLogin && a.CreatedAt.After(newest[k]) {
			newest[k] = a.CreatedAt
		}
	}
	objs := connectortest.MustReadProtos(t, c1z)
	for _, k := range []string{"collaborator/5202", "collaborator/5203"} {
		ut, err := resource.GetUserTrait(objs.Resources[k])
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if got := ut.GetLastLogin().AsTime(); !got.Equal(newest[k]) {
			t.Errorf("%s last login: got %s, want %s", k, got, newest[k])
		}
	}
}

// TestSync_FeedUnavailable: without the audit-log add-on a sync is as
// exact as before (last login only from last_activity_log sign-ins) and
// says once, in one info line, what the log needs.
func TestSync_FeedUnavailable(t *testing.T) {
	e := newEnv(t, feedFixture(false), workatofake.Options{})
	e.fake.SignIn(5202, workatofake.EnvDev)
	c1z := e.c1z("no-log")
	res := e.run(0, e.feedArgs("--file", c1z)...)
	e.assertSynced(c1z, expectOptions{TokenEnvs: []string{"dev", "test", "prod"}})
	var lines []string
	for _, l := range strings.Split(res.Stderr, "\n") {
		if strings.Contains(l, "add-on") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || !strings.Contains(strings.ToLower(lines[0]), "info") ||
		!strings.Contains(lines[0], "last sign-ins are not read from the activity log of dev, test, prod") {
		t.Fatalf("lines naming the add-on: got %q, want one info line naming dev, test and prod\nstderr:\n%s", lines, tail(res.Stderr, 3000))
	}
}

// TestEventFeed_Capabilities: the offline `capabilities` answer (no
// credentials, so no audit log either) lists the event feed.
func TestEventFeed_Capabilities(t *testing.T) {
	got := connectortest.CheckCapabilities(t, marker, "baton_capabilities.json")
	if !slices.Contains(got.ConnectorCapabilities, "CAPABILITY_EVENT_FEED_V2") {
		t.Fatalf("connector capabilities: got %v, want CAPABILITY_EVENT_FEED_V2 among them", got.ConnectorCapabilities)
	}
}
