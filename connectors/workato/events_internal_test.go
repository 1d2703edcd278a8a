package workato

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/pagination"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	"golang.org/x/oauth2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
	"github.com/accessgov/baton-connectors/internal/fakeapi"
	"github.com/accessgov/baton-connectors/internal/httpx"
	"github.com/accessgov/baton-connectors/internal/ratelimit"
)

// Fixtures of the feed tests: a migrated dev/test/prod workspace with one
// API client per environment, a group, a PROD project and the audit-log
// add-on on.
const (
	feedGroupID     = "am-FeedGrp1-aaaaaa"
	feedProdProject = 780001
	feedDevClientID = 71
)

func feedWorkspace() workatofake.Workspace {
	ws := workatofake.MigratedWorkspace()
	ws.AuditLog = true
	ws.Clients = []workatofake.APIClient{
		{Token: workatofake.TestToken, DataCenter: "us", Env: workatofake.EnvDev, ID: feedDevClientID, Name: "Governance (dev)"},
		{Token: "feed-test-token", DataCenter: "us", Env: workatofake.EnvTest, ID: 72, Name: "Governance (test)"},
		{Token: "feed-prod-token", DataCenter: "us", Env: workatofake.EnvProd, ID: 73, Name: "Governance (prod)"},
	}
	ws.Groups = append(ws.Groups,
		workatofake.Group{ID: "am-AllColl-000000", Name: "All collaborators", System: true},
		workatofake.Group{ID: feedGroupID, Name: "Release team", MemberIDs: []int{5202}},
	)
	ws.Folders = append(ws.Folders, workatofake.Folder{ID: 880001, Name: "Payments (prod)", ProjectID: feedProdProject, IsProject: true})
	ws.Projects = append(ws.Projects, workatofake.Project{ID: feedProdProject, Name: "Payments (prod)", FolderID: 880001, Env: workatofake.EnvProd})
	return ws
}

// feedEnvs serves ws and returns one environment client per API client,
// DEV first, sharing one limiter as the connector's do.
func feedEnvs(t *testing.T, ws workatofake.Workspace, opts workatofake.Options) (*workatofake.Server, []envClient) {
	t.Helper()
	fake, url := workatofake.NewTestServer(t, ws, opts, "us")
	lim := ratelimit.New(Limits(6000, time.Minute))
	var envs []envClient
	for _, env := range []string{workatofake.EnvDev, workatofake.EnvTest, workatofake.EnvProd} {
		for _, c := range ws.Clients {
			if c.Env != env {
				continue
			}
			h := httpx.New(httpx.Options{
				Service: "workato", UserAgent: "feed-test", Timeout: 10 * time.Second,
				TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: c.Token, TokenType: "Bearer"}),
				Limiter:     lim, Logger: zap.NewNop(),
			})
			envs = append(envs, envClient{Env: env, API: workatoapi.New(h, url)})
		}
	}
	return fake, envs
}

// observed is a logger whose entries the test reads.
func observed() (*zap.Logger, *observer.ObservedLogs) {
	core, logs := observer.New(zapcore.DebugLevel)
	return zap.New(core), logs
}

// poll makes one ListEvents call and fails t on an error or a nil state.
func poll(t *testing.T, f *activityFeed, start time.Time, cursor string, size int) ([]*v2.Event, *pagination.StreamState) {
	t.Helper()
	var ts *timestamppb.Timestamp
	if !start.IsZero() {
		ts = timestamppb.New(start)
	}
	evs, st, _, err := f.ListEvents(context.Background(), ts, &pagination.StreamToken{Size: size, Cursor: cursor})
	if err != nil {
		t.Fatalf("ListEvents: %v", err)
	}
	if st == nil {
		t.Fatal("ListEvents: got a nil StreamState, want one always")
	}
	if len(st.Cursor) > maxFeedCursorBytes {
		t.Fatalf("cursor: got %d bytes, want at most %d", len(st.Cursor), maxFeedCursorBytes)
	}
	for _, ev := range evs {
		if err := ev.Validate(); err != nil {
			t.Fatalf("event %s: %v", ev.GetId(), err)
		}
	}
	return evs, st
}

// describe renders an event as "usage <actor> @ <target>" or
// "change <type>/<id>", for exact comparisons.
func describe(ev *v2.Event) string {
	if u := ev.GetUsageEvent(); u != nil {
		a, tg := u.GetActorResource().GetId(), u.GetTargetResource().GetId()
		return fmt.Sprintf("usage %s/%s @ %s/%s", a.GetResourceType(), a.GetResource(), tg.GetResourceType(), tg.GetResource())
	}
	if c := ev.GetResourceChangeEvent(); c != nil {
		return "change " + c.GetResourceId().GetResourceType() + "/" + c.GetResourceId().GetResource()
	}
	return "other " + ev.GetId()
}

func describeAll(evs []*v2.Event) []string {
	out := make([]string, 0, len(evs))
	for _, ev := range evs {
		out = append(out, describe(ev))
	}
	slices.Sort(out)
	return out
}

// TestActivityFeed_ListEvents_AccessChanges: access changed through the
// fake (an environment role set in the UI, a group membership, a project
// grant on a PROD project through the API, an API client's token
// regenerated) and sign-ins in two environments come out of one poll as
// exactly the right events, whichever plausible keys the log uses; a
// second poll from its cursor reports nothing.
func TestActivityFeed_ListEvents_AccessChanges(t *testing.T) {
	tests := []struct {
		name string
		opts workatofake.Options
	}{
		{"documented keys", workatofake.Options{}},
		{"alternate keys (type, timestamp, resource.type)", workatofake.Options{ActivityKeys: workatofake.ActivityKeysAlternate}},
	}
	for _, tt := range tests {
		opts := tt.opts
		t.Run(tt.name, func(t *testing.T) {
			ws := feedWorkspace()
			fake, envs := feedEnvs(t, ws, opts)
			log, _ := observed()
			f := newActivityFeed(envs, log, time.Now, defaultFeedPolicy)

			evs, st := poll(t, f, time.Now().Add(-time.Minute), "", 100)
			if len(evs) != 0 || st.HasMore {
				t.Fatalf("first poll of a quiet log: got %v (has more %v), want no events and no more", describeAll(evs), st.HasMore)
			}

			fake.SetMemberRole(5203, workatofake.EnvProd, "Member")
			fake.AddToGroup(feedGroupID, 5203)
			fake.RegenerateToken(feedDevClientID)
			fake.SignIn(5202, workatofake.EnvDev)
			fake.SignIn(5204, workatofake.EnvProd)
			prod := envs[2]
			if prod.Env != workatofake.EnvProd {
				t.Fatalf("environments: got %s third, want prod", prod.Env)
			}
			grants, err := prod.API.PutProjectGrants(context.Background(), workatoapi.ID(strconv.Itoa(feedProdProject)), []workatoapi.ProjectGrantInput{
				{AssignmentType: workatoapi.AssignUser, AssignmentID: "5205", ProjectRoleID: "33"},
			})
			if err != nil || len(grants) != 1 {
				t.Fatalf("PutProjectGrants: got %d grants, %v; want 1", len(grants), err)
			}

			evs, st = poll(t, f, time.Time{}, st.Cursor, 100)
			want := []string{
				"change api_client/" + strconv.Itoa(feedDevClientID),
				"change collaborator/5203",
				"change group/" + feedGroupID,
				"change project/prod:" + strconv.Itoa(feedProdProject),
				"usage collaborator/5202 @ workspace/dev",
				"usage collaborator/5204 @ workspace/prod",
			}
			if got := describeAll(evs); !slices.Equal(got, want) || st.HasMore {
				t.Fatalf("poll after the changes: got %q (has more %v), want %q and no more", got, st.HasMore, want)
			}
			ids := map[string]bool{}
			for _, ev := range evs {
				if ids[ev.GetId()] {
					t.Errorf("event ID %s: got it twice, want IDs unique", ev.GetId())
				}
				ids[ev.GetId()] = true
				if age := time.Since(ev.GetOccurredAt().AsTime()); age < 0 || age > time.Minute {
					t.Errorf("event %s occurred at %s: want within the last minute", describe(ev), ev.GetOccurredAt().AsTime())
				}
				if u := ev.GetUsageEvent(); u != nil && u.GetActorResource().GetId().GetResource() == "5202" && u.GetActorResource().GetDisplayName() != "Peter Gibbons" {
					t.Errorf("sign-in actor display name: got %q, want %q", u.GetActorResource().GetDisplayName(), "Peter Gibbons")
				}
			}

			evs, st = poll(t, f, time.Time{}, st.Cursor, 100)
			if len(evs) != 0 || st.HasMore {
				t.Fatalf("poll from the returned cursor: got %v (has more %v), want nothing new", describeAll(evs), st.HasMore)
			}
		})
	}
}

// TestActivityFeed_ListEvents_Paging: 230 sign-ins sharing one
// millisecond, read at 100 a page: two pages with more, a short last one,
// every entry once; the next round reads nothing again, and a sign-in
// after it is the only event of the round after.
func TestActivityFeed_ListEvents_Paging(t *testing.T) {
	ws := feedWorkspace()
	clock := fakeapi.NewManualClock(time.Now().Add(-time.Minute))
	fake, envs := feedEnvs(t, ws, workatofake.Options{Clock: clock, PerMinute: 100000})
	f := newActivityFeed(envs[:1], zap.NewNop(), time.Now, defaultFeedPolicy)
	start := clock.Now().Add(-time.Second)
	for i := range 230 { // all in one millisecond: the clock stands still
		fake.SignIn(5201+i%5, workatofake.EnvDev)
	}
	seen := map[string]bool{}
	cursor := ""
	var sizes []int
	var more []bool
	for range 5 {
		evs, st := poll(t, f, start, cursor, 100)
		sizes, more = append(sizes, len(evs)), append(more, st.HasMore)
		for _, ev := range evs {
			if seen[ev.GetId()] {
				t.Fatalf("event %s: got it twice", ev.GetId())
			}
			seen[ev.GetId()] = true
		}
		cursor = st.Cursor
		if !st.HasMore {
			break
		}
	}
	if !slices.Equal(sizes, []int{100, 100, 30}) || !slices.Equal(more, []bool{true, true, false}) || len(seen) != 230 {
		t.Fatalf("pages: got sizes %v, more %v, %d distinct; want [100 100 30], [true true false], 230", sizes, more, len(seen))
	}
	// The next round reads the 230 entries of the high-water millisecond
	// again (the window starts there) and drops every one.
	calls := 0
	for st := (&pagination.StreamState{HasMore: true}); st.HasMore && calls < 5; calls++ {
		var evs []*v2.Event
		evs, st = poll(t, f, start, cursor, 100)
		if len(evs) != 0 {
			t.Fatalf("next round, call %d: got %d events, want none", calls+1, len(evs))
		}
		cursor = st.Cursor
	}
	if calls != 3 {
		t.Fatalf("next round: got %d calls to catch up, want 3", calls)
	}
	clock.Advance(time.Millisecond)
	fake.SignIn(5203, workatofake.EnvDev)
	var round []*v2.Event
	calls = 0
	for st := (&pagination.StreamState{HasMore: true}); st.HasMore && calls < 5; calls++ {
		var evs []*v2.Event
		evs, st = poll(t, f, start, cursor, 100)
		round = append(round, evs...)
		cursor = st.Cursor
	}
	if got := describeAll(round); !slices.Equal(got, []string{"usage collaborator/5203 @ workspace/dev"}) || calls != 3 {
		t.Fatalf("round after a sign-in: got %q in %d calls, want only that sign-in in 3", got, calls)
	}
}

// TestActivityFeed_ListEvents_PageSize: a caller's smaller page size is
// kept; without a cursor the feed starts at the start time given.
func TestActivityFeed_ListEvents_PageSize(t *testing.T) {
	ws := feedWorkspace()
	old := time.Now().Add(-2 * time.Hour).Truncate(time.Millisecond)
	ws.Activity = append(ws.Activity, workatofake.ActivityEntry{ID: 1, Env: workatofake.EnvDev, EventType: "user_login", ResourceType: "User", CreatedAt: old, UserID: 5202, ResourceID: "5202"})
	fake, envs := feedEnvs(t, ws, workatofake.Options{})
	f := newActivityFeed(envs[:1], zap.NewNop(), time.Now, defaultFeedPolicy)
	for range 5 {
		fake.SignIn(5201, workatofake.EnvDev)
	}
	tests := []struct {
		name      string
		start     time.Time
		wantPages []int
	}{
		{"from an hour ago, 2 a page", time.Now().Add(-time.Hour), []int{2, 2, 1}},
		{"from three hours ago, 3 a page", time.Now().Add(-3 * time.Hour), []int{3, 3, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			size := tt.wantPages[0]
			var got []int
			cursor := ""
			for range 6 {
				evs, st := poll(t, f, tt.start, cursor, size)
				got = append(got, len(evs))
				cursor = st.Cursor
				if !st.HasMore {
					break
				}
			}
			if !slices.Equal(got, tt.wantPages) {
				t.Fatalf("page sizes: got %v, want %v", got, tt.wantPages)
			}
		})
	}
}

// TestActivityFeed_ListEvents_Unavailable: without the audit-log add-on
// the feed answers no events and no more, once says why in one info line
// naming the add-on and the privilege, and says it no more.
func TestActivityFeed_ListEvents_Unavailable(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts workatofake.Options
	}{
		{"message body", workatofake.Options{}},
		{"errors body", workatofake.Options{RBACErrorsForm: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ws := feedWorkspace()
			ws.AuditLog = false
			fake, envs := feedEnvs(t, ws, tt.opts)
			log, logs := observed()
			f := newActivityFeed(envs[:1], log, time.Now, defaultFeedPolicy)
			fake.SignIn(5202, workatofake.EnvDev)
			cursor := ""
			for i := range 3 {
				evs, st := poll(t, f, time.Now().Add(-time.Hour), cursor, 100)
				if len(evs) != 0 || st.HasMore {
					t.Fatalf("poll %d: got %d events (has more %v), want none", i, len(evs), st.HasMore)
				}
				cursor = st.Cursor
			}
			lines := logs.FilterMessageSnippet("activity feed reports no events").All()
			if len(lines) != 1 || lines[0].Level != zapcore.InfoLevel || !strings.Contains(lines[0].Message, "add-on") || !strings.Contains(lines[0].Message, "privilege") {
				t.Fatalf("unavailability lines: got %v, want one info line naming the add-on and the privilege", lines)
			}
			if md := f.EventFeedMetadata(context.Background()); md.GetId() != activityFeedID || md.Validate() != nil {
				t.Fatalf("feed metadata: got %v, want the feed still listed", md)
			}
		})
	}
}

// TestActivityFeed_ListEvents_Cursor: a cursor the feed did not write is
// InvalidArgument; a cursor of seven environments with many IDs sharing
// the high-water millisecond stays within the SDK's 4096 bytes.
func TestActivityFeed_ListEvents_Cursor(t *testing.T) {
	f := newActivityFeed(nil, zap.NewNop(), time.Now, defaultFeedPolicy)
	for _, bad := range []string{"not json", `{"v":99}`, `[]`} {
		_, st, _, err := f.ListEvents(context.Background(), nil, &pagination.StreamToken{Cursor: bad})
		if status.Code(err) != codes.InvalidArgument || st == nil {
			t.Errorf("cursor %q: got %v (state %v), want InvalidArgument with a state", bad, err, st)
		}
	}
	c, err := decodeFeedCursor("")
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range []string{"dev", "sandbox", "test", "stage", "uat", "preprod", "prod"} {
		ec := c.env(env, time.Now())
		ec.open(time.Now())
		for i := range 100 {
			id := workatoapi.ID("123456789" + strconv.Itoa(i))
			ec.Seen, ec.Prior = append(ec.Seen, id), append(ec.Prior, id)
		}
		ec.After = "1234567890"
	}
	s, err := c.encode(defaultFeedPolicy.MaxSeen)
	if err != nil || len(s) > maxFeedCursorBytes {
		t.Fatalf("encode: got %d bytes, %v; want at most %d", len(s), err, maxFeedCursorBytes)
	}
	var back feedCursor
	if err := json.Unmarshal([]byte(s), &back); err != nil || len(back.Envs) != 7 || back.Envs["prod"].After != "1234567890" {
		t.Fatalf("decode: got %d environments, prod after %q, %v; want 7, the page[after] kept", len(back.Envs), back.Envs["prod"].After, err)
	}
}

// TestActivityFeed_Event_Mapping: each kind of log entry becomes the right
// event, named by the resource ID the sync gives that object, or is passed
// over (counted at debug); a project grant already gone is skipped with an
// info line.
func TestActivityFeed_Event_Mapping(t *testing.T) {
	now := time.Now().Truncate(time.Millisecond)
	tests := []struct {
		name  string
		entry workatofake.ActivityEntry
		want  string // "" = passed over
	}{
		{"workspace switch is a sign-in", workatofake.ActivityEntry{EventType: "user_login", ResourceType: "User", UserID: 5203, ResourceID: "5203", Activity: "switch_workspace"}, "usage collaborator/5203 @ workspace/dev"},
		{"collaborator grant, snake case", workatofake.ActivityEntry{EventType: "member_updated", ResourceType: "managed_user_grant", UserID: 5201, ResourceID: "5204"}, "change collaborator/5204"},
		{"legacy custom role", workatofake.ActivityEntry{EventType: "role_updated", ResourceType: "PrivilegeGroup", UserID: 5201, ResourceID: "2207"}, "change role/2207"},
		{"environment role", workatofake.ActivityEntry{EventType: "role_updated", ResourceType: "EnvironmentRole", UserID: 5201, ResourceID: "21"}, "change role/env:21"},
		{"project role", workatofake.ActivityEntry{EventType: "role_updated", ResourceType: "ProjectRole", UserID: 5201, ResourceID: "pr-AQBGCnMB-JoFtKL"}, "change role/project:pr-AQBGCnMB-JoFtKL"},
		{"dev folder", workatofake.ActivityEntry{EventType: "folder_updated", ResourceType: "Folder", UserID: 5201, ResourceID: "17"}, "change folder/17"},
		{"client role", workatofake.ActivityEntry{EventType: "updated", ResourceType: "ApiPrivilegeGroup", UserID: 5201, ResourceID: "9"}, "change client_role/9"},
		{"API client event without a resource type", workatofake.ActivityEntry{EventType: "developer_api_client_created", UserID: 5201, ResourceID: "88", ResourceName: "CI"}, "change api_client/88"},
		{"token leaked", workatofake.ActivityEntry{EventType: "token_leaked", ResourceType: "ApiClient", ResourceID: "71"}, "change api_client/71"},
		{"recipe run: not access", workatofake.ActivityEntry{EventType: "recipe_started", ResourceType: "Flow", UserID: 5202, ResourceID: "555"}, ""},
		{"invitation: no resource yet", workatofake.ActivityEntry{EventType: "collaborator_invited", ResourceType: "MemberInvitation", UserID: 5201, ResourceID: "3"}, ""},
		{"failed sign-in", workatofake.ActivityEntry{EventType: "user_login_failed", ResourceType: "User", UserID: 5202, ResourceID: "5202"}, ""},
		{"project grant already gone", workatofake.ActivityEntry{EventType: "project_grant_deleted", ResourceType: "ProjectGrant", UserID: 5201, ResourceID: "pg-Gone0000-zzzzzz"}, ""},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := feedWorkspace()
			e := tt.entry
			e.ID, e.Env, e.CreatedAt = 100+i, workatofake.EnvDev, now.Add(-time.Minute)
			ws.Activity = []workatofake.ActivityEntry{e}
			_, envs := feedEnvs(t, ws, workatofake.Options{})
			log, logs := observed()
			f := newActivityFeed(envs[:1], log, time.Now, defaultFeedPolicy)
			evs, _ := poll(t, f, now.Add(-time.Hour), "", 100)
			var got string
			if len(evs) == 1 {
				got = describe(evs[0])
				if want := "dev:" + strconv.Itoa(e.ID); evs[0].GetId() != want {
					t.Errorf("event ID: got %q, want %q", evs[0].GetId(), want)
				}
			}
			if len(evs) > 1 || got != tt.want {
				t.Fatalf("events: got %v, want %q", describeAll(evs), tt.want)
			}
			if tt.want == "" && logs.FilterMessageSnippet("passed over").FilterLevelExact(zapcore.DebugLevel).Len() != 1 {
				t.Errorf("debug lines counting what was passed over: got %d, want 1", logs.FilterMessageSnippet("passed over").Len())
			}
			if gone := logs.FilterMessageSnippet("project grant cannot be read back").Len(); gone != map[bool]int{true: 1}[e.ResourceType == "ProjectGrant"] {
				t.Errorf("info lines about an unplaceable grant: got %d", gone)
			}
		})
	}
}
