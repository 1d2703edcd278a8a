package workato

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
)

// loginTimes collects the fake's user_login entries: member → env → the
// newest time.
func loginTimes(fake *workatofake.Server) map[workatoapi.ID]map[string]time.Time {
	out := map[workatoapi.ID]map[string]time.Time{}
	for _, a := range fake.Workspace().Activity {
		if a.EventType != workatofake.EventUserLogin {
			continue
		}
		id := workatoapi.ID(fmt.Sprint(a.UserID))
		if out[id] == nil {
			out[id] = map[string]time.Time{}
		}
		if a.CreatedAt.After(out[id][a.Env]) {
			out[id][a.Env] = a.CreatedAt
		}
	}
	return out
}

func equalLogins(a, b map[workatoapi.ID]map[string]time.Time) bool {
	return maps.EqualFunc(a, b, func(x, y map[string]time.Time) bool {
		return maps.EqualFunc(x, y, time.Time.Equal)
	})
}

// TestLastLogins_Exact: the newest sign-in per collaborator per
// environment, from each environment's log; a sign-in older than the
// look-back, a change that is not a sign-in and collaborators who never
// signed in leave nothing. Each environment costs ⌊sign-ins/100⌋+1
// requests when the filtered read finds sign-ins.
func TestLastLogins_Exact(t *testing.T) {
	ws := feedWorkspace()
	now := time.Now()
	ws.Activity = append(ws.Activity, workatofake.ActivityEntry{
		ID: 7, Env: workatofake.EnvDev, EventType: "user_login", ResourceType: "User",
		CreatedAt: now.Add(-100 * 24 * time.Hour).Truncate(time.Millisecond), UserID: 5205, ResourceID: "5205",
	})
	fake, envs := feedEnvs(t, ws, workatofake.Options{})
	for range 150 {
		fake.SignIn(5202, workatofake.EnvDev)
	}
	fake.SignIn(5202, workatofake.EnvProd)
	fake.SignIn(5203, workatofake.EnvDev)
	fake.SignIn(5201, workatofake.EnvTest)
	fake.SetMemberRole(5204, workatofake.EnvProd, "Member")
	want := loginTimes(fake)
	delete(want, "5205") // outside the look-back
	if len(want) != 3 || len(want["5202"]) != 2 {
		t.Fatalf("fixture: got %v, want three collaborators, 5202 in two environments", want)
	}

	before := fake.Requests().Count("GET", "/api/activity_logs")
	got, err := lastLogins(context.Background(), envs, time.Now(), zap.NewNop())
	if err != nil {
		t.Fatalf("lastLogins: %v", err)
	}
	if !equalLogins(got, want) {
		t.Fatalf("last logins: got %v, want %v", got, want)
	}
	// dev: 151 sign-ins → 2 pages; test: 1 → 1; prod: 1 → 1.
	if n := fake.Requests().Count("GET", "/api/activity_logs") - before; n != 4 {
		t.Errorf("activity-log requests: got %d, want 4", n)
	}
}

// TestLastLogins_FilterFallbacks: when the filtered read answers nothing
// (the type strings are UNCERTAIN), the resource-type filter is dropped,
// then both; a bounded unfiltered read that is cut off gives no value
// rather than a possibly stale one, with an info line.
func TestLastLogins_FilterFallbacks(t *testing.T) {
	now := time.Now().Truncate(time.Millisecond)
	entry := func(id int, event, resType string, user int, ago time.Duration) workatofake.ActivityEntry {
		return workatofake.ActivityEntry{
			ID: id, Env: workatofake.EnvDev, EventType: event, ResourceType: resType,
			CreatedAt: now.Add(-ago), UserID: user, ResourceID: fmt.Sprint(user),
		}
	}
	tests := []struct {
		name     string
		entries  []workatofake.ActivityEntry
		policy   lastLoginPolicy
		want     map[workatoapi.ID]map[string]time.Time
		wantCut  bool
		requests int
	}{
		{
			name:     "resource type spelled otherwise",
			entries:  []workatofake.ActivityEntry{entry(1, "user_login", "Collaborator", 5202, time.Hour), entry(2, "user_login", "Collaborator", 5202, 2*time.Hour)},
			policy:   defaultLastLoginPolicy,
			want:     map[workatoapi.ID]map[string]time.Time{"5202": {"dev": now.Add(-time.Hour)}},
			requests: 2,
		},
		{
			name:     "sign-in event spelled otherwise",
			entries:  []workatofake.ActivityEntry{entry(1, "user_switch_workspace", "User", 5203, time.Minute), entry(2, "recipe_started", "Flow", 5201, time.Minute)},
			policy:   defaultLastLoginPolicy,
			want:     map[workatoapi.ID]map[string]time.Time{"5203": {"dev": now.Add(-time.Minute)}},
			requests: 3,
		},
		{
			name: "unfiltered read cut off",
			entries: []workatofake.ActivityEntry{
				entry(1, "recipe_started", "Flow", 5201, 3*time.Minute), entry(2, "recipe_started", "Flow", 5201, 2*time.Minute),
				entry(3, "user_switch_workspace", "User", 5203, time.Minute),
			},
			policy:   lastLoginPolicy{LookBack: time.Hour, PageSize: 1, FallbackPages: 2},
			want:     map[workatoapi.ID]map[string]time.Time{},
			wantCut:  true,
			requests: 4,
		},
		{
			name:     "nobody signed in",
			entries:  []workatofake.ActivityEntry{entry(1, "recipe_started", "Flow", 5201, time.Minute)},
			policy:   defaultLastLoginPolicy,
			want:     map[workatoapi.ID]map[string]time.Time{},
			requests: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := feedWorkspace()
			ws.Activity = tt.entries
			fake, envs := feedEnvs(t, ws, workatofake.Options{})
			log, logs := observed()
			got, err := readLastLogins(context.Background(), envs[:1], now, log, tt.policy)
			if err != nil {
				t.Fatalf("readLastLogins: %v", err)
			}
			if !equalLogins(got, tt.want) {
				t.Errorf("last logins: got %v, want %v", got, tt.want)
			}
			if n := fake.Requests().Count("GET", "/api/activity_logs"); n != tt.requests {
				t.Errorf("requests: got %d, want %d", n, tt.requests)
			}
			if cut := logs.FilterMessageSnippet("left unset rather than guessed").Len(); cut != map[bool]int{true: 1}[tt.wantCut] {
				t.Errorf("cut-off info lines: got %d, want %d", cut, map[bool]int{true: 1}[tt.wantCut])
			}
		})
	}
}

// TestLastLogins_Unavailable: without the audit-log add-on every
// environment answers 403: no map, no error, one info line naming the
// environments, the add-on and the privilege.
func TestLastLogins_Unavailable(t *testing.T) {
	ws := feedWorkspace()
	ws.AuditLog = false
	fake, envs := feedEnvs(t, ws, workatofake.Options{})
	fake.SignIn(5202, workatofake.EnvDev)
	log, logs := observed()
	got, err := lastLogins(context.Background(), envs, time.Now(), log)
	if err != nil || got != nil {
		t.Fatalf("lastLogins: got %v, %v; want nil, nil", got, err)
	}
	lines := logs.FilterLevelExact(zapcore.InfoLevel).All()
	if len(lines) != 1 || !strings.Contains(lines[0].Message, "dev, test, prod") || !strings.Contains(lines[0].Message, "add-on") || !strings.Contains(lines[0].Message, "privilege") {
		t.Fatalf("info lines: got %v, want one naming dev, test, prod, the add-on and the privilege", lines)
	}
}
