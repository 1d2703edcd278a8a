package workatofake

// Tests of the fake's API-client endpoints.

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestServer_APIClients(t *testing.T) {
	ws := MigratedEnvs()
	s, base, clk := manualServer(t, ws, Options{})
	r := get(t, base+"/api/developer_api_clients", EnvTokenTest)
	if r.status != 200 {
		t.Fatalf("got %d %s, want 200", r.status, r.body)
	}
	for _, c := range ws.Clients {
		if strings.Contains(string(r.body), c.Token) {
			t.Fatalf("answer %s holds token %q: want no token value ever", r.body, c.Token)
		}
	}
	var raw struct {
		Result struct {
			Count int              `json:"count"`
			Items []map[string]any `json:"items"`
		} `json:"result"`
	}
	if err := json.Unmarshal(r.body, &raw); err != nil {
		t.Fatal(err)
	}
	if raw.Result.Count != len(ws.Clients) || len(raw.Result.Items) != len(ws.Clients) {
		t.Fatalf("got count %d and %d items, want %d", raw.Result.Count, len(raw.Result.Items), len(ws.Clients))
	}
	var keys []string
	for k := range raw.Result.Items[0] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"all_folders", "api_privilege_group_id", "created_at", "environment_id", "environment_name", "folder_ids", "id", "ip_allow_list", "name", "token", "updated_at"}
	if !reflect.DeepEqual(keys, want) {
		t.Fatalf("item keys: got %v, want %v", keys, want)
	}
	items := decode[resultJSON[apiClientJSON]](t, r.body).Result.Items
	byID := map[int]apiClientJSON{}
	for _, it := range items {
		byID[it.ID] = it
	}
	if c := byID[40960]; c.AllFolders || len(c.FolderIDs) != 2 || c.APIPrivilegeGroupID != 26780 || c.EnvironmentName != "Development" {
		t.Fatalf("scoped dev client: got %+v, want two folders, role 26780, Development", c)
	}
	if c := byID[40949]; !c.AllFolders || c.IPAllowList != "192.0.2.10,198.51.100.5" || c.EnvironmentID != envIDs[EnvProd] || !strings.HasSuffix(c.Token.UpdatedAt, "Z") {
		t.Fatalf("prod client: got %+v, want all folders, the allow-list, the prod environment id and a UTC token.updated_at", c)
	}

	t.Run("paging", func(t *testing.T) {
		page := decode[resultJSON[apiClientJSON]](t, get(t, base+"/api/developer_api_clients?page=2&per_page=2", EnvTokenDev).body)
		if page.Result.Count != len(ws.Clients) || len(page.Result.Items) != 2 || page.Result.Items[0].ID != ws.Clients[2].ID {
			t.Fatalf("page 2 of 2: got %+v, want clients 3 and 4 with the full count", page.Result)
		}
	})

	t.Run("roles", func(t *testing.T) {
		roles := decode[resultJSON[clientRoleJSON]](t, get(t, base+"/api/developer_api_client_roles?per_page=100", EnvTokenDev).body)
		if roles.Result.Count != 2 || len(roles.Result.Items) != 2 || roles.Result.Items[0].Name == "" || !timeRE.MatchString(roles.Result.Items[0].CreatedAt) {
			t.Fatalf("got %+v, want the two client roles", roles.Result)
		}
	})

	t.Run("regenerate token", func(t *testing.T) {
		clk.Advance(time.Hour)
		s.RegenerateToken(40947)
		got := decode[resultJSON[apiClientJSON]](t, get(t, base+"/api/developer_api_clients", EnvTokenDev).body).Result.Items[0]
		if want := t0.Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z"); got.Token.UpdatedAt != want {
			t.Fatalf("token.updated_at: got %s, want %s", got.Token.UpdatedAt, want)
		}
		last := s.Workspace().Activity[len(s.Workspace().Activity)-1]
		if last.EventType != EventTokenRegenerated || last.ResourceType != ResourceAPIClient || last.ResourceID != "40947" || last.Env != EnvDev {
			t.Fatalf("activity: got %+v, want token_regenerated on ApiClient 40947 in dev", last)
		}
	})
}

func TestServer_APIClientsSwitches(t *testing.T) {
	tests := []struct {
		name     string
		opts     Options
		token    string
		wantCode int
	}{
		{name: "served to prod by default", token: EnvTokenProd, wantCode: 200},
		{name: "forbidden", opts: Options{APIClientsForbidden: true}, token: EnvTokenDev, wantCode: 403},
		{name: "DEV-only refuses prod", opts: Options{APIClientsDevOnly: true}, token: EnvTokenProd, wantCode: 403},
		{name: "DEV-only serves dev", opts: Options{APIClientsDevOnly: true}, token: EnvTokenDev, wantCode: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, base, _ := manualServer(t, smallRBAC(), tt.opts)
			for _, path := range []string{"/api/developer_api_clients", "/api/developer_api_client_roles"} {
				r := get(t, base+path, tt.token)
				if r.status != tt.wantCode || (r.status == 403 && message(t, r) == "") {
					t.Fatalf("%s: got %d %s, want %d", path, r.status, r.body, tt.wantCode)
				}
			}
		})
	}
}
