package workatoapi

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

// apiClientSample is the API client of Workato's documentation (docs
// preview copy, with ip_allow_list).
const apiClientSample = `{"id":40947,"name":"Test","api_privilege_group_id":26779,"created_at":"2023-02-22T01:55:35.739-08:00","updated_at":"2023-02-28T01:23:18.046-08:00","all_folders":false,"folder_ids":[26138,26136],"environment_name":"Development","environment_id":3218,"ip_allow_list":"192.0.2.10,198.51.100.5","token":{"updated_at":"2023-02-22T09:55:36.427Z"}}`

func TestClient_ListAPIClients(t *testing.T) {
	tests := []struct {
		name          string
		body          string
		wantIDs       []ID
		wantTotal     int
		wantErr       string
		wantMalformed bool
	}{
		{name: "documented result envelope", body: `{"result":{"count":3,"items":[` + apiClientSample + `,{"id":"40948","name":"B"}]}}`, wantIDs: []ID{"40947", "40948"}, wantTotal: 3},
		{name: "result without count", body: `{"result":{"items":[` + apiClientSample + `]}}`, wantIDs: []ID{"40947"}, wantTotal: NoTotal},
		{name: "data envelope", body: `{"data":[` + apiClientSample + `],"total":1}`, wantIDs: []ID{"40947"}, wantTotal: 1},
		{name: "bare array", body: `[` + apiClientSample + `]`, wantIDs: []ID{"40947"}, wantTotal: NoTotal},
		{name: "empty result", body: `{"result":{"count":0,"items":[]}}`, wantIDs: nil, wantTotal: 0},
		{name: "result without items", body: `{"result":{"count":3}}`, wantErr: `"result" without an "items" list`, wantMalformed: true},
		{name: "neither envelope", body: `{"clients":[]}`, wantErr: `neither "result.items" nor a "data" list`, wantMalformed: true},
		{name: "all_folders of the wrong type", body: `{"result":{"items":[{"id":1,"all_folders":"no"}]}}`, wantErr: `"result.items.all_folders"`, wantMalformed: true},
		{name: "ip_allow_list of the wrong type", body: `{"result":{"items":[{"id":1,"ip_allow_list":5}]}}`, wantErr: `"result.items.ip_allow_list"`, wantMalformed: true},
		{name: "token.updated_at of the wrong type", body: `{"result":{"items":[{"id":1,"token":{"updated_at":5}}]}}`, wantErr: `"result.items.token.updated_at"`, wantMalformed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s := newStub(t, answer{body: tt.body})
			got, total, err := c.ListAPIClients(bg, 2)
			checkErr(t, err, tt.wantErr, tt.wantMalformed)
			r := s.only(t)
			if r.path != "/api/developer_api_clients" || r.query.Get("page") != "2" || r.query.Get("per_page") != "100" {
				t.Fatalf("request: got %s?%s, want /api/developer_api_clients?page=2&per_page=100", r.path, r.rawQuery)
			}
			if tt.wantErr != "" {
				return
			}
			checkList(t, got, func(x APIClient) ID { return x.ID }, total, tt.wantIDs, tt.wantTotal)
		})
	}
}

// TestAPIClient_UnmarshalJSON: the documented fields, ip_allow_list as a
// string or an array, and token.updated_at without the token itself.
func TestAPIClient_UnmarshalJSON(t *testing.T) {
	tokenAt := time.Date(2023, 2, 22, 9, 55, 36, 427000000, time.UTC)
	tests := []struct {
		name      string
		in        string
		wantIPs   []string
		wantToken time.Time
	}{
		{name: "documented sample", in: apiClientSample, wantIPs: []string{"192.0.2.10", "198.51.100.5"}, wantToken: tokenAt},
		{name: "allow list as an array, spaces trimmed", in: `{"id":1,"ip_allow_list":[" 192.0.2.10","198.51.100.5 ",""]}`, wantIPs: []string{"192.0.2.10", "198.51.100.5"}},
		{name: "allow list with spaces and an empty entry", in: `{"id":1,"ip_allow_list":"192.0.2.10, 198.51.100.5,"}`, wantIPs: []string{"192.0.2.10", "198.51.100.5"}},
		{name: "allow list empty", in: `{"id":1,"ip_allow_list":""}`},
		{name: "allow list null", in: `{"id":1,"ip_allow_list":null}`},
		{name: "token as a bare string is skipped", in: `{"id":1,"token":"SECRET-TOKEN-VALUE"}`},
		{name: "token object with a value", in: `{"id":1,"token":{"value":"SECRET-TOKEN-VALUE","updated_at":"2023-02-22T09:55:36.427Z"}}`, wantToken: tokenAt},
		{name: "token null", in: `{"id":1,"token":null}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newStub(t, answer{body: `{"result":{"items":[` + tt.in + `]}}`})
			got, _, err := c.ListAPIClients(bg, 1)
			if err != nil {
				t.Fatal(err)
			}
			a := got[0]
			if !reflect.DeepEqual(a.IPAllowList, tt.wantIPs) || !a.TokenUpdatedAt.Equal(tt.wantToken) {
				t.Fatalf("got allow list %q token updated %v, want %q and %v", a.IPAllowList, a.TokenUpdatedAt.Time, tt.wantIPs, tt.wantToken)
			}
			if strings.Contains(fmtAll(a), "SECRET") {
				t.Fatalf("got %+v, want no token value kept", a)
			}
		})
	}
}

// TestAPIClient_Fields: every documented field of the sample is read.
func TestAPIClient_Fields(t *testing.T) {
	c, _ := newStub(t, answer{body: `{"result":{"count":1,"items":[` + apiClientSample + `]}}`})
	got, _, err := c.ListAPIClients(bg, 1)
	if err != nil {
		t.Fatal(err)
	}
	a := got[0]
	created := time.Date(2023, 2, 22, 9, 55, 35, 739000000, time.UTC)
	if a.ID != "40947" || a.Name != "Test" || a.RoleID != "26779" || a.AllFolders || !equalIDs(a.FolderIDs, []ID{"26138", "26136"}) ||
		a.EnvironmentName != "Development" || a.EnvironmentID != "3218" || !a.CreatedAt.Equal(created) || a.UpdatedAt.IsZero() {
		t.Fatalf("got %+v, want the documented sample's fields", a)
	}
}

func TestClient_ListClientRoles(t *testing.T) {
	tests := []struct {
		name          string
		body          string
		wantIDs       []ID
		wantTotal     int
		wantErr       string
		wantMalformed bool
	}{
		{name: "result envelope", body: `{"result":{"count":2,"items":[{"id":26779,"name":"Admin","created_at":"2023-02-22T01:55:35.739-08:00"},{"id":"26780","name":"Read"}]}}`, wantIDs: []ID{"26779", "26780"}, wantTotal: 2},
		{name: "data envelope", body: `{"data":[{"id":1,"name":"R"}],"total":1}`, wantIDs: []ID{"1"}, wantTotal: 1},
		{name: "bare array", body: `[{"id":1,"name":"R","privileges":{"x":["y"]}}]`, wantIDs: []ID{"1"}, wantTotal: NoTotal},
		{name: "name of the wrong type", body: `{"result":{"items":[{"id":1,"name":7}]}}`, wantErr: `"result.items.name"`, wantMalformed: true},
		{name: "created_at not a time", body: `{"result":{"items":[{"id":1,"created_at":"yesterday"}]}}`, wantErr: "yesterday", wantMalformed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s := newStub(t, answer{body: tt.body})
			got, total, err := c.ListClientRoles(bg, 1)
			checkErr(t, err, tt.wantErr, tt.wantMalformed)
			r := s.only(t)
			if r.path != "/api/developer_api_client_roles" || r.query.Get("page") != "1" || r.query.Get("per_page") != "100" {
				t.Fatalf("request: got %s?%s, want /api/developer_api_client_roles?page=1&per_page=100", r.path, r.rawQuery)
			}
			if tt.wantErr != "" {
				return
			}
			checkList(t, got, func(x ClientRole) ID { return x.ID }, total, tt.wantIDs, tt.wantTotal)
		})
	}
}
