package workatoapi

import (
	"net/url"
	"reflect"
	"testing"
	"time"
)

// activitySample is the activity-log entry the reference gives.
const activitySample = `{"id":90211,"event_type":"user_login","resource_type":"User","created_at":"2026-09-02T08:14:03.120-07:00","workspace":{"id":3218,"name":"Acme","email":"ops@acme.com","environment":"dev"},"user":{"id":123,"name":"Jane","email":"jane@acme.com"},"details":{"request":{"ip":"198.51.100.7","user_agent":"Mozilla/5.0"},"activity":"login"},"resource":{"id":123,"name":"Jane","type":"User"}}`

func TestClient_ListActivityLogs_Query(t *testing.T) {
	summer := time.Date(2026, 9, 2, 15, 14, 3, 120000000, time.UTC) // PDT: -07:00
	winter := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)           // PST: -08:00
	tests := []struct {
		name string
		q    ActivityQuery
		want url.Values
	}{
		{name: "zero query", q: ActivityQuery{}, want: url.Values{"page[size]": {"100"}}},
		{name: "size above the maximum", q: ActivityQuery{Size: 500}, want: url.Values{"page[size]": {"100"}}},
		{name: "every parameter", q: ActivityQuery{
			After: "90211", Size: 50, From: summer, To: winter,
			UserIDs:              []ID{"123", "456"},
			IncludeResourceTypes: []string{"User", "ManagedUserGrant"}, ExcludeResourceTypes: []string{"Flow"},
			IncludeEventTypes: []string{"user_login"}, ExcludeEventTypes: []string{"token_leaked", "token_regenerated"},
		}, want: url.Values{
			"page[after]": {"90211"}, "page[size]": {"50"},
			"from": {"2026-09-02T08:14:03.120-07:00"}, "to": {"2026-01-05T00:00:00.000-08:00"},
			"users_ids[]":              {"123", "456"},
			"include_resource_types[]": {"User", "ManagedUserGrant"}, "exclude_resource_types[]": {"Flow"},
			"include_event_types[]": {"user_login"}, "exclude_event_types[]": {"token_leaked", "token_regenerated"},
		}},
		{
			name: "a time in another zone is sent as the same instant", q: ActivityQuery{From: summer.In(time.FixedZone("X", 9*3600))},
			want: url.Values{"page[size]": {"100"}, "from": {"2026-09-02T08:14:03.120-07:00"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s := newStub(t, answer{body: `{"data":[],"total":0}`})
			if _, _, err := c.ListActivityLogs(bg, tt.q); err != nil {
				t.Fatal(err)
			}
			r := s.only(t)
			if r.path != "/api/activity_logs" || !reflect.DeepEqual(r.query, tt.want) {
				t.Fatalf("request: got %s %v, want /api/activity_logs %v", r.path, r.query, tt.want)
			}
		})
	}
}

func TestClient_ListActivityLogs(t *testing.T) {
	tests := []struct {
		name          string
		body          string
		wantIDs       []ID
		wantTotal     int
		wantErr       string
		wantMalformed bool
	}{
		{name: "documented envelope", body: `{"data":[` + activitySample + `,{"id":90212,"type":"user_logout"}],"total":7}`, wantIDs: []ID{"90211", "90212"}, wantTotal: 7},
		{name: "no total", body: `{"data":[` + activitySample + `]}`, wantIDs: []ID{"90211"}, wantTotal: NoTotal},
		{name: "bare array", body: `[` + activitySample + `]`, wantIDs: []ID{"90211"}, wantTotal: NoTotal},
		{name: "no data", body: `{"entries":[]}`, wantErr: `no "data" list`, wantMalformed: true},
		{name: "event_type of the wrong type", body: `{"data":[{"id":1,"event_type":5}]}`, wantErr: `"data.event_type"`, wantMalformed: true},
		{name: "created_at not a time", body: `{"data":[{"id":1,"created_at":"soon"}]}`, wantErr: `"data.created_at"`, wantMalformed: true},
		{name: "user.id an object", body: `{"data":[{"id":1,"user":{"id":{"a":1}}}]}`, wantErr: `"data.user.id"`, wantMalformed: true},
		{name: "details.request.ip a number", body: `{"data":[{"id":1,"details":{"request":{"ip":5}}}]}`, wantErr: `"data.details.request.ip"`, wantMalformed: true},
		{name: "resource.type a list", body: `{"data":[{"id":1,"resource":{"type":["User"]}}]}`, wantErr: `"data.resource.type"`, wantMalformed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newStub(t, answer{body: tt.body})
			got, total, err := c.ListActivityLogs(bg, ActivityQuery{})
			checkErr(t, err, tt.wantErr, tt.wantMalformed)
			if tt.wantErr != "" {
				return
			}
			checkList(t, got, func(x ActivityEntry) ID { return x.ID }, total, tt.wantIDs, tt.wantTotal)
		})
	}
}

// TestActivityEntry_UnmarshalJSON: every field from either of its keys;
// unknown keys ignored.
func TestActivityEntry_UnmarshalJSON(t *testing.T) {
	at := time.Date(2026, 9, 2, 15, 14, 3, 120000000, time.UTC)
	tests := []struct {
		name string
		in   string
		want ActivityEntry
	}{
		{name: "reference sample", in: activitySample, want: ActivityEntry{
			ID: "90211", EventType: "user_login", ResourceType: "User", CreatedAt: Time{at}, Environment: "dev",
			User:     &ActivityUser{ID: "123", Name: "Jane", Email: "jane@acme.com"},
			Resource: &ActivityResource{ID: "123", Name: "Jane", Type: "User"},
			Activity: "login", IP: "198.51.100.7", UserAgent: "Mozilla/5.0",
		}},
		{
			name: "documented prose keys: type, timestamp, resource.type", in: `{"id":"7","type":"user_login","timestamp":"2026-09-02T08:14:03.120-07:00","workspace":{"environment":"prod"},"resource":{"id":5,"name":"CI","type":"ApiClient","email":"ci@x","email_confirmed_at":null},"details":{"activity":"switch_workspace"}}`,
			want: ActivityEntry{
				ID: "7", EventType: "user_login", ResourceType: "ApiClient", CreatedAt: Time{at}, Environment: "prod",
				Resource: &ActivityResource{ID: "5", Name: "CI", Type: "ApiClient", Email: "ci@x"}, Activity: "switch_workspace",
			},
		},
		{
			name: "event_type wins over type, created_at over timestamp", in: `{"id":1,"event_type":"a","type":"b","created_at":"2026-09-02T08:14:03.120-07:00","timestamp":"2020-01-01T00:00:00Z","resource_type":"Folder","resource":{"type":"Project"}}`,
			want: ActivityEntry{ID: "1", EventType: "a", ResourceType: "Folder", CreatedAt: Time{at}, Resource: &ActivityResource{Type: "Project"}},
		},
		{
			name: "unknown keys and nulls", in: `{"id":2,"event_type":"x","user":null,"details":null,"workspace":null,"extra":{"deep":[1,2]}}`,
			want: ActivityEntry{ID: "2", EventType: "x"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newStub(t, answer{body: `{"data":[` + tt.in + `]}`})
			got, _, err := c.ListActivityLogs(bg, ActivityQuery{})
			if err != nil {
				t.Fatal(err)
			}
			g := got[0]
			if !g.CreatedAt.Equal(tt.want.CreatedAt.Time) {
				t.Fatalf("created: got %v, want %v", g.CreatedAt.Time, tt.want.CreatedAt.Time)
			}
			g.CreatedAt, tt.want.CreatedAt = Time{}, Time{}
			if !reflect.DeepEqual(g, tt.want) {
				t.Fatalf("got %+v (user %+v, resource %+v), want %+v (user %+v, resource %+v)", g, g.User, g.Resource, tt.want, tt.want.User, tt.want.Resource)
			}
		})
	}
}

func TestFormatActivityTime(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{in: time.Date(2026, 9, 2, 15, 14, 3, 120000000, time.UTC), want: "2026-09-02T08:14:03.120-07:00"},
		{in: time.Date(2026, 12, 1, 13, 0, 0, 5000000, time.UTC), want: "2026-12-01T05:00:00.005-08:00"},
	}
	for _, tt := range tests {
		if got := FormatActivityTime(tt.in); got != tt.want {
			t.Errorf("FormatActivityTime(%v): got %q, want %q", tt.in, got, tt.want)
		}
		back, err := time.Parse(time.RFC3339Nano, FormatActivityTime(tt.in))
		if err != nil || !back.Equal(tt.in) {
			t.Errorf("FormatActivityTime(%v) read back: got %v, %v; want the same instant", tt.in, back, err)
		}
	}
}
