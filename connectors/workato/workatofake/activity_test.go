package workatofake

// Tests of the fake's activity audit log.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"testing"
	"time"
)

type activityEnvelope struct {
	Data  []activityEntryJSON `json:"data"`
	Total int                 `json:"total"`
}

func ids(es []activityEntryJSON) []int {
	out := []int{}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func TestServer_ActivityLogShape(t *testing.T) {
	ws := MigratedEnvs()
	_, base, _ := manualServer(t, ws, Options{})
	r := get(t, base+"/api/activity_logs?page[size]=1", EnvTokenDev)
	if r.status != 200 {
		t.Fatalf("got %d %s, want 200", r.status, r.body)
	}
	var raw struct {
		Data  []map[string]json.RawMessage `json:"data"`
		Total int                          `json:"total"`
	}
	if err := json.Unmarshal(r.body, &raw); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range raw.Data[0] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"created_at", "details", "event_type", "id", "resource", "resource_type", "user", "workspace"}; !reflect.DeepEqual(keys, want) {
		t.Fatalf("entry keys: got %v, want %v", keys, want)
	}
	e := decode[activityEnvelope](t, r.body).Data[0]
	first := ws.Activity[slices.IndexFunc(ws.Activity, func(a ActivityEntry) bool { return envOf(a.Env) == EnvDev })]
	if e.ID != first.ID || e.Workspace.Environment != EnvDev || e.Workspace.ID != ws.ID || !timeRE.MatchString(e.CreatedAt) || e.Details.Request.IP == "" {
		t.Fatalf("first entry: got %+v, want id %d in dev with a Workato timestamp and a request ip", e, first.ID)
	}
}

func TestServer_ActivityLogFilters(t *testing.T) {
	ws := MigratedEnvs()
	for i := range 120 { // enough dev entries to clamp a page at 100
		ws.Activity = append(ws.Activity, ActivityEntry{
			ID: 100_001 + i, Env: EnvDev, EventType: "recipe_started", ResourceType: "Flow",
			CreatedAt: SignInBase.Add(time.Duration(48*60+i) * time.Minute), UserID: 6010,
		})
	}
	_, base, _ := manualServer(t, ws, Options{})
	// want lists the ids of the env's entries that keep selects, ascending.
	want := func(env string, keep func(ActivityEntry) bool) []int {
		out := []int{}
		for _, a := range ws.Activity {
			if envOf(a.Env) == env && keep(a) {
				out = append(out, a.ID)
			}
		}
		slices.Sort(out)
		return out
	}
	any := func(ActivityEntry) bool { return true }
	devIDs := want(EnvDev, any)
	from := SignInBase.Add(60 * time.Minute)
	to := SignInBase.Add(300 * time.Minute)
	pdt := time.FixedZone("PDT", -7*3600)
	tests := []struct {
		name, token, query string
		want               []int
		wantTotal          int
	}{
		{name: "dev, first page of 5", token: EnvTokenDev, query: "page[size]=5", want: devIDs[:5], wantTotal: len(devIDs)},
		{name: "page[after]", token: EnvTokenDev, query: fmt.Sprintf("page[after]=%d&page[size]=5", devIDs[4]), want: devIDs[5:10], wantTotal: len(devIDs)},
		{name: "size clamped to 100", token: EnvTokenDev, query: "page[size]=1000", want: devIDs[:100], wantTotal: len(devIDs)},
		{name: "prod only", token: EnvTokenProd, query: "", want: want(EnvProd, any), wantTotal: len(want(EnvProd, any))},
		{
			name: "from/to in UTC", token: EnvTokenDev, query: "from=" + url.QueryEscape(from.UTC().Format("2006-01-02T15:04:05.000Z")) + "&to=" + url.QueryEscape(to.UTC().Format("2006-01-02T15:04:05.000Z")),
			want: want(EnvDev, func(a ActivityEntry) bool { return !a.CreatedAt.Before(from) && !a.CreatedAt.After(to) }),
		},
		{
			name: "from/to in PDT", token: EnvTokenDev, query: "from=" + url.QueryEscape(from.In(pdt).Format(timeLayout)) + "&to=" + url.QueryEscape(to.In(pdt).Format(timeLayout)),
			want: want(EnvDev, func(a ActivityEntry) bool { return !a.CreatedAt.Before(from) && !a.CreatedAt.After(to) }),
		},
		{
			name: "from/to without a colon in the offset", token: EnvTokenDev, query: "from=" + url.QueryEscape(from.In(pdt).Format("2006-01-02T15:04:05.000-0700")) + "&to=" + url.QueryEscape(to.In(pdt).Format("2006-01-02T15:04:05-0700")),
			want: want(EnvDev, func(a ActivityEntry) bool {
				return !a.CreatedAt.Before(from) && !a.CreatedAt.After(to.Truncate(time.Second))
			}),
		},
		{
			name: "users_ids[]", token: EnvTokenDev, query: "users_ids[]=6002&users_ids[]=6003",
			want: want(EnvDev, func(a ActivityEntry) bool { return a.UserID == 6002 || a.UserID == 6003 }),
		},
		{
			name: "include event types", token: EnvTokenDev, query: "include_event_types[]=user_login",
			want: want(EnvDev, func(a ActivityEntry) bool { return a.EventType == EventUserLogin }),
		},
		{
			name: "exclude event types", token: EnvTokenDev, query: "exclude_event_types[]=user_login",
			want: want(EnvDev, func(a ActivityEntry) bool { return a.EventType != EventUserLogin }),
		},
		{
			name: "include resource types, any case", token: EnvTokenProd, query: "include_resource_types[]=apiclient",
			want: want(EnvProd, func(a ActivityEntry) bool { return a.ResourceType == ResourceAPIClient }),
		},
		{
			name: "exclude resource types", token: EnvTokenProd, query: "exclude_resource_types[]=User",
			want: want(EnvProd, func(a ActivityEntry) bool { return a.ResourceType != ResourceUser }),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, base+"/api/activity_logs?"+tt.query, tt.token)
			if r.status != 200 {
				t.Fatalf("got %d %s, want 200", r.status, r.body)
			}
			env := decode[activityEnvelope](t, r.body)
			total := tt.wantTotal
			if total == 0 {
				total = len(tt.want)
			}
			page := tt.want[:min(len(tt.want), 100)] // a page holds at most 100
			if got := ids(env.Data); !slices.Equal(got, page) || env.Total != total || len(tt.want) == 0 {
				t.Fatalf("got %v (total %d), want %v (total %d), not empty", got, env.Total, page, total)
			}
		})
	}
	t.Run("bad from", func(t *testing.T) {
		if r := get(t, base+"/api/activity_logs?from=yesterday", EnvTokenDev); r.status != 400 {
			t.Fatalf("got %d %s, want 400", r.status, r.body)
		}
	})
}

func TestServer_ActivityLogWithoutAddOn(t *testing.T) {
	ws := smallRBAC()
	ws.AuditLog = false
	_, base, _ := manualServer(t, ws, Options{})
	r := get(t, base+"/api/activity_logs", EnvTokenDev)
	if r.status != 403 || message(t, r) == "" {
		t.Fatalf("got %d %s, want 403 {\"message\":…}", r.status, r.body)
	}
}

// TestServer_ActivityForEachWrite checks that every write the fake serves
// and every admin mutation appends an entry at the fake clock's time.
func TestServer_ActivityForEachWrite(t *testing.T) {
	ws := smallRBAC()
	squad := ws.Groups[5]
	outsider := 0
	for _, m := range ws.Members {
		if !slices.Contains(squad.MemberIDs, m.ID) && outsider == 0 {
			outsider = m.ID
		}
	}
	var devGrant string
	for _, g := range ws.ProjectGrants {
		if envOf(ws.Projects[slices.IndexFunc(ws.Projects, func(p Project) bool { return p.ID == g.ProjectID })].Env) == EnvDev {
			devGrant = g.ID
		}
	}
	envRoles := func(env, name string) map[string]any {
		return map[string]any{"env_roles": []map[string]string{{"environment_type": env, "name": name, "role_type": "environment"}}}
	}
	tests := []struct {
		name       string
		do         func(t *testing.T, s *Server, base string)
		wantEnv    string
		wantEvent  string
		wantType   string
		wantUserID int
	}{
		{"PUT member roles", func(t *testing.T, _ *Server, base string) {
			mustCall(t, http.MethodPut, base+"/api/members/6003", envRoles(EnvTest, "Member"))
		}, EnvTest, EventMemberRoleUpdated, ResourceMemberGrant, 0},
		{"invitation", func(t *testing.T, _ *Server, base string) {
			body := envRoles(EnvDev, "Member")
			body["name"], body["email"] = "New", "new@umbrella.example"
			mustCall(t, http.MethodPost, base+"/api/member_invitations", body)
		}, EnvDev, EventMemberInvited, ResourceInvitation, 0},
		{"member delete", func(t *testing.T, _ *Server, base string) {
			mustCall(t, http.MethodDelete, base+"/api/members/6004", nil)
		}, EnvDev, EventMemberRemoved, ResourceMemberGrant, 0},
		{"group member add", func(t *testing.T, _ *Server, base string) {
			mustCall(t, http.MethodPost, fmt.Sprintf("%s/api/user_groups/%s/members?user_ids=%d", base, squad.ID, outsider), nil)
		}, EnvDev, EventGroupMemberAdded, ResourceUserGroup, 0},
		{"group member remove", func(t *testing.T, _ *Server, base string) {
			mustCall(t, http.MethodDelete, fmt.Sprintf("%s/api/user_groups/%s/members?user_ids=%d", base, squad.ID, squad.MemberIDs[0]), nil)
		}, EnvDev, EventGroupMemberRemoved, ResourceUserGroup, 0},
		{"project grant put", func(t *testing.T, _ *Server, base string) {
			mustCall(t, http.MethodPut, base+"/api/project_grants/"+devGrant, map[string]string{"project_role_id": ProjectRoleID(RoleBuilder)})
		}, EnvDev, EventProjectGrantPut, ResourceProjectGrant, 0},
		{"project grant delete", func(t *testing.T, _ *Server, base string) {
			mustCall(t, http.MethodDelete, base+"/api/project_grants/"+devGrant, nil)
		}, EnvDev, EventProjectGrantDelete, ResourceProjectGrant, 0},
		{"SignIn", func(t *testing.T, s *Server, _ string) { s.SignIn(6002, EnvProd) }, EnvProd, EventUserLogin, ResourceUser, 6002},
		{"RegenerateToken", func(t *testing.T, s *Server, _ string) { s.RegenerateToken(40948) }, EnvTest, EventTokenRegenerated, ResourceAPIClient, 6001},
		{"SetMemberRole", func(t *testing.T, s *Server, _ string) { s.SetMemberRole(6002, EnvProd, "Member") }, EnvProd, EventMemberRoleUpdated, ResourceMemberGrant, 6001},
		{"AddToGroup", func(t *testing.T, s *Server, _ string) { s.AddToGroup(squad.ID, outsider) }, EnvDev, EventGroupMemberAdded, ResourceUserGroup, 6001},
		{"RemoveFromGroup", func(t *testing.T, s *Server, _ string) { s.RemoveFromGroup(squad.ID, squad.MemberIDs[0]) }, EnvDev, EventGroupMemberRemoved, ResourceUserGroup, 6001},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, base, clk := manualServer(t, ws, Options{})
			clk.Advance(90 * time.Minute)
			before := len(s.Workspace().Activity)
			tt.do(t, s, base)
			after := s.Workspace().Activity
			if len(after) != before+1 {
				t.Fatalf("got %d new entries, want 1", len(after)-before)
			}
			e := after[before]
			if e.Env != tt.wantEnv || e.EventType != tt.wantEvent || e.ResourceType != tt.wantType || e.UserID != tt.wantUserID ||
				!e.CreatedAt.Equal(t0.Add(90*time.Minute)) || e.ID <= after[before-1].ID {
				t.Fatalf("got %+v, want %s %s/%s by %d at the clock's time with a new highest id", e, tt.wantEnv, tt.wantEvent, tt.wantType, tt.wantUserID)
			}
			tok := map[string]string{EnvDev: EnvTokenDev, EnvTest: EnvTokenTest, EnvProd: EnvTokenProd}[tt.wantEnv]
			page := decode[activityEnvelope](t, get(t, fmt.Sprintf("%s/api/activity_logs?page[after]=%d", base, after[before-1].ID), tok).body)
			if len(page.Data) != 1 || page.Data[0].ID != e.ID || page.Data[0].EventType != tt.wantEvent {
				t.Fatalf("served after the last old id: got %v, want only entry %d", ids(page.Data), e.ID)
			}
		})
	}
}

// mustCall sends a request with the DEV token and fails unless it
// answers 200.
func mustCall(t *testing.T, method, target string, body any) {
	t.Helper()
	if r := call(t, method, target, EnvTokenDev, body); r.status != 200 {
		t.Fatalf("%s %s: got %d %s, want 200", method, target, r.status, r.body)
	}
}

func TestServer_SignInLastActivity(t *testing.T) {
	ws := smallRBAC()
	s, base, clk := manualServer(t, ws, Options{})
	clk.Advance(time.Hour)
	s.SignIn(6003, EnvDev)
	m := decode[memberEnvelope](t, get(t, base+"/api/members/6003", EnvTokenDev).body).Data
	last := s.Workspace().Activity[len(s.Workspace().Activity)-1]
	if m.LastActivityLog == nil || m.LastActivityLog.ID != last.ID || m.LastActivityLog.EventType != EventUserLogin || m.LastActivityLog.CreatedAt != wtime(t0.Add(time.Hour)) {
		t.Fatalf("last_activity_log: got %+v, want entry %d, user_login at %s", m.LastActivityLog, last.ID, wtime(t0.Add(time.Hour)))
	}

	// MigratedEnvs: member index 31's newest activity is not a sign-in.
	_, mbase, _ := manualServer(t, MigratedEnvs(), Options{})
	m = decode[memberEnvelope](t, get(t, mbase+"/api/members/6032", EnvTokenDev).body).Data
	if m.LastActivityLog == nil || m.LastActivityLog.EventType == EventUserLogin {
		t.Fatalf("member 6032 last_activity_log: got %+v, want an event other than user_login", m.LastActivityLog)
	}
}
