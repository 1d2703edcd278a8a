package workatofake

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestServer_Auth(t *testing.T) {
	ws := ThreeEnvs()
	ws.Clients = append(ws.Clients, APIClient{Token: "eu-token", DataCenter: "eu", Env: EnvDev})
	s, base, _ := manualServer(t, ws, Options{})
	euBase, stop := s.Start("eu")
	defer stop()

	tests := []struct {
		name   string
		base   string
		header string
		want   int
	}{
		{name: "valid", base: base, header: "Bearer " + TestToken, want: 200},
		{name: "scheme in lower case", base: base, header: "bearer " + TestToken, want: 200},
		{name: "missing", base: base, header: "", want: 401},
		{name: "unknown token", base: base, header: "Bearer nope", want: 401},
		{name: "basic scheme", base: base, header: "Basic " + TestToken, want: 401},
		{name: "empty token", base: base, header: "Bearer ", want: 401},
		{name: "eu token on us host", base: base, header: "Bearer eu-token", want: 401},
		{name: "us token on eu host", base: euBase, header: "Bearer " + TestToken, want: 401},
		{name: "eu token on eu host", base: euBase, header: "Bearer eu-token", want: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{"/api/members", "/api/folders", "/api/users/me"} {
				req, _ := http.NewRequest(http.MethodGet, tt.base+path, nil)
				if tt.header != "" {
					req.Header.Set("Authorization", tt.header)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != tt.want {
					t.Fatalf("%s: got %d %s, want %d", path, resp.StatusCode, b, tt.want)
				}
				if tt.want == 401 && string(b) != `{"message":"Unauthorized"}` {
					t.Fatalf("%s body: got %s, want {\"message\":\"Unauthorized\"}", path, b)
				}
				if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
					t.Fatalf("%s content type: got %q, want application/json; charset=utf-8", path, ct)
				}
			}
		})
	}
	if got, want := s.Requests().Count("GET", "/api/members"), len(tests); got != want {
		t.Fatalf("requests counted over both hosts: got %d, want %d", got, want)
	}
}

func TestServer_AllowList(t *testing.T) {
	ws := LegacyOneEnv()
	ws.Clients = append(ws.Clients, APIClient{Token: "narrow", DataCenter: "us", Env: EnvDev, Endpoints: []string{EndpointMembers, EndpointFolders}})
	_, base, _ := manualServer(t, ws, Options{})
	tests := []struct {
		method, path string
		want         int
		wantMsg      string
	}{
		{method: "GET", path: "/api/members", want: 200},
		{method: "GET", path: "/api/folders", want: 200},
		{method: "GET", path: "/api/projects", want: 403, wantMsg: `"List projects" (GET /api/projects)`},
		{method: "GET", path: "/api/members/5001/privileges", want: 403, wantMsg: `"Get collaborator privileges" (GET /api/members/:id/privileges)`},
		{method: "PUT", path: "/api/members/5001", want: 403, wantMsg: `"Update collaborators' roles" (PUT /api/members/:id)`},
		{method: "GET", path: "/api/roles", want: 403, wantMsg: `"List non-system roles" (GET /api/roles)`},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := call(t, tt.method, base+tt.path, "narrow", `{"env_roles":[{"environment_type":"dev","name":"Admin"}]}`)
			if r.status != tt.want {
				t.Fatalf("got %d %s, want %d", r.status, r.body, tt.want)
			}
			if tt.wantMsg != "" && !strings.Contains(message(t, r), tt.wantMsg) {
				t.Fatalf("message: got %q, want it to contain %q", message(t, r), tt.wantMsg)
			}
		})
	}
}

func TestServer_DevOnly(t *testing.T) {
	ws := ThreeEnvs()
	ws.Clients = append(ws.Clients,
		APIClient{Token: "test-client", DataCenter: "us", Env: EnvTest},
		APIClient{Token: "prod-client", DataCenter: "us", Env: EnvProd})
	_, base, _ := manualServer(t, ws, Options{})
	tests := []struct {
		token, method, path string
		want                int
	}{
		{token: "prod-client", method: "GET", path: "/api/members", want: 403},
		{token: "prod-client", method: "GET", path: "/api/members/5101", want: 403},
		{token: "prod-client", method: "GET", path: "/api/members/5101/privileges", want: 403},
		{token: "prod-client", method: "PUT", path: "/api/members/5101", want: 403},
		{token: "prod-client", method: "DELETE", path: "/api/members/5101", want: 403},
		{token: "test-client", method: "POST", path: "/api/member_invitations", want: 403},
		{token: "test-client", method: "GET", path: "/api/users/me", want: 403},
		{token: "prod-client", method: "GET", path: "/api/folders", want: 200},
		{token: "prod-client", method: "GET", path: "/api/projects", want: 200},
		{token: "test-client", method: "GET", path: "/api/roles", want: 200},
		{token: TestToken, method: "GET", path: "/api/members", want: 200},
	}
	for _, tt := range tests {
		t.Run(tt.token+" "+tt.method+" "+tt.path, func(t *testing.T) {
			r := call(t, tt.method, base+tt.path, tt.token, "{}")
			if r.status != tt.want {
				t.Fatalf("got %d %s, want %d", r.status, r.body, tt.want)
			}
			if tt.want == 403 && !strings.Contains(message(t, r), "DEV API client") {
				t.Fatalf("message: got %q, want it to say a DEV API client is needed", message(t, r))
			}
		})
	}
	// The refused calls changed nothing.
	r := get(t, base+"/api/members/5101", TestToken)
	if r.status != 200 {
		t.Fatalf("member after refused DELETE: got %d, want 200", r.status)
	}
}

func TestServer_NotFoundRoute(t *testing.T) {
	_, base, _ := manualServer(t, LegacyOneEnv(), Options{})
	tests := []struct{ method, path string }{
		{"GET", "/api/nothing"},
		{"GET", "/API/MEMBERS"},
		{"GET", "/api/members/abc"},
		{"GET", "/api/members/999999"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := call(t, tt.method, base+tt.path, TestToken, nil)
			if r.status != 404 || string(r.body) != `{"message":"Not found"}` {
				t.Fatalf("got %d %s, want 404 {\"message\":\"Not found\"}", r.status, r.body)
			}
		})
	}
}

func TestServer_RateLimit(t *testing.T) {
	tests := []struct {
		name           string
		omit           bool
		wantRetryAfter string
	}{
		{name: "with Retry-After", wantRetryAfter: "60"},
		{name: "without Retry-After", omit: true, wantRetryAfter: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, base, clk := manualServer(t, ThreeEnvs(), Options{OmitRetryAfter: tt.omit})
			for i := range 60 {
				path := "/api/members"
				if i%2 == 1 {
					path = "/api/members/5101/privileges" // same group
				}
				if r := get(t, base+path, TestToken); r.status != 200 {
					t.Fatalf("call %d: got %d, want 200", i+1, r.status)
				}
			}
			r := get(t, base+"/api/members/5102", TestToken)
			if r.status != 429 || string(r.body) != `{"message":"Too many requests"}` {
				t.Fatalf("61st call: got %d %s, want 429 {\"message\":\"Too many requests\"}", r.status, r.body)
			}
			if got := r.header.Get("Retry-After"); got != tt.wantRetryAfter {
				t.Fatalf("Retry-After: got %q, want %q", got, tt.wantRetryAfter)
			}
			// Other groups have their own budget.
			for _, path := range []string{"/api/folders", "/api/projects", "/api/roles", "/api/users/me"} {
				if r := get(t, base+path, TestToken); r.status != 200 {
					t.Fatalf("%s while collaborators are limited: got %d, want 200", path, r.status)
				}
			}
			clk.Advance(59*time.Second + 500*time.Millisecond)
			r = get(t, base+"/api/members", TestToken)
			if r.status != 429 {
				t.Fatalf("after 59.5s: got %d, want 429", r.status)
			}
			if got := r.header.Get("Retry-After"); !tt.omit && got != "1" {
				t.Fatalf("Retry-After after 59.5s: got %q, want 1", got)
			}
			clk.Advance(time.Second)
			if r := get(t, base+"/api/members", TestToken); r.status != 200 {
				t.Fatalf("after the window: got %d, want 200", r.status)
			}
			if got := s.Requests().Count("GET", "/api/members"); got != 32 {
				t.Fatalf("requests counted for GET /api/members: got %d, want 32 (refused ones included)", got)
			}
		})
	}
}

func TestServer_RateLimitSliding(t *testing.T) {
	_, base, clk := manualServer(t, LegacyOneEnv(), Options{PerMinute: 4, MinuteWindow: 10 * time.Second})
	steps := []struct {
		advance time.Duration
		want    int
	}{
		{0, 200}, {0, 200}, // t=0: 2
		{6 * time.Second, 200}, {0, 200}, // t=6: 4 in window
		{0, 429},               // full
		{3 * time.Second, 429}, // t=9: still 4
		{1 * time.Second, 200}, // t=10: the two from t=0 left
		{0, 200},               // 4 again (t=6, 6, 10, 10)
		{0, 429},               // full
		{5 * time.Second, 429}, // t=15: t=6 calls still inside (6+10 > 15)
		{1 * time.Second, 200}, // t=16
	}
	for i, st := range steps {
		clk.Advance(st.advance)
		if r := get(t, base+"/api/folders", TestToken); r.status != st.want {
			t.Fatalf("step %d: got %d, want %d", i, r.status, st.want)
		}
	}
}

func TestServer_Faults(t *testing.T) {
	tests := []struct {
		name       string
		add        func(s *Server)
		wantStatus int
		wantErr    bool
		wantBody   string
	}{
		{name: "500", add: func(s *Server) { s.Faults().Add(ServerErrorFault(RouteMembers, 1)) }, wantStatus: 500, wantBody: `"message":"Server error"`},
		{name: "503", add: func(s *Server) { s.Faults().Add(UnavailableFault(RouteMembers, 1)) }, wantStatus: 503, wantBody: "Service Unavailable"},
		{name: "429 without Retry-After", add: func(s *Server) { s.Faults().Add(RateLimitFault(RouteMembers, 1, 0)) }, wantStatus: 429, wantBody: "Too many requests"},
		{name: "401", add: func(s *Server) { s.Faults().Add(UnauthorizedFault(RouteMembers, 1)) }, wantStatus: 401, wantBody: "Unauthorized"},
		{name: "malformed", add: func(s *Server) { s.Faults().Add(MalformedFault(RouteMembers, 1)) }, wantStatus: 200, wantBody: `{"data":[{"id":5001`},
		{name: "reset", add: func(s *Server) { s.Faults().Add(ResetFault(RouteMembers, 2)) }, wantErr: true},
		{name: "other route untouched", add: func(s *Server) { s.Faults().Add(ServerErrorFault(RouteFolders, 1)) }, wantStatus: 200, wantBody: `"total":6`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, base, _ := manualServer(t, LegacyOneEnv(), Options{})
			tt.add(s)
			req, _ := http.NewRequest(http.MethodGet, base+"/api/members", nil)
			req.Header.Set("Authorization", "Bearer "+TestToken)
			resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
			if tt.wantErr {
				if err == nil {
					resp.Body.Close()
					t.Fatalf("got %d, want a transport error", resp.StatusCode)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus || !strings.Contains(string(b), tt.wantBody) {
				t.Fatalf("got %d %s, want %d containing %s", resp.StatusCode, b, tt.wantStatus, tt.wantBody)
			}
			if tt.name == "malformed" {
				if json.Valid(b) {
					t.Fatalf("malformed body %s decoded; want a JSON error", b)
				}
			}
			// The fault is spent: the next call is served normally.
			if r := get(t, base+"/api/members", TestToken); r.status != 200 {
				t.Fatalf("after the fault: got %d, want 200", r.status)
			}
		})
	}
}

func TestServer_Latency(t *testing.T) {
	_, base, _ := manualServer(t, LegacyOneEnv(), Options{Latency: 50 * time.Millisecond})
	start := time.Now()
	if r := get(t, base+"/api/projects", TestToken); r.status != 200 {
		t.Fatalf("got %d, want 200", r.status)
	}
	if d := time.Since(start); d < 50*time.Millisecond {
		t.Fatalf("took %v, want at least 50ms", d)
	}
}

func TestServer_Handler(t *testing.T) {
	s := New(LegacyOneEnv(), Options{})
	if s.Handler("US") != s.Handler("us") {
		t.Fatalf("Handler(US) and Handler(us): got different handlers, want the same host")
	}
	defer func() {
		if recover() == nil {
			t.Fatalf("Handler(mars): got no panic, want one")
		}
	}()
	s.Handler("mars")
}

func TestNew_InvalidWorkspace(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Workspace)
	}{
		{name: "dev not first", mutate: func(ws *Workspace) { ws.Environments = []string{EnvProd, EnvDev} }},
		{name: "unknown role", mutate: func(ws *Workspace) { ws.Members[0].Roles[0].RoleName = "Ghost" }},
		{name: "two roles in one env", mutate: func(ws *Workspace) {
			ws.Members[0].Roles = append(ws.Members[0].Roles, legacy(EnvDev, RoleAnalyst))
		}},
		{name: "too many members", mutate: func(ws *Workspace) {
			for i := range 100 {
				ws.Members = append(ws.Members, member(90000+i, "x", strings.Repeat("x", i+1)+"@x.example", "", GrantTeam, false))
			}
		}},
		{name: "orphan folder", mutate: func(ws *Workspace) { ws.Folders[4].ParentID = 424242 }},
		{name: "environment role before migration", mutate: func(ws *Workspace) {
			ws.EnvironmentRoles = []NewRole{{ID: "1", Name: "Member", Type: NewRoleSystem}}
		}},
		{name: "bad data center", mutate: func(ws *Workspace) { ws.Clients[0].DataCenter = "mars" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := LegacyOneEnv()
			tt.mutate(&ws)
			if ws.Validate() == nil {
				t.Fatalf("Validate: got nil, want an error")
			}
			defer func() {
				if recover() == nil {
					t.Fatalf("New: got no panic, want one")
				}
			}()
			New(ws, Options{})
		})
	}
}

func TestServer_Workspace(t *testing.T) {
	in := LegacyOneEnv()
	s := New(in, Options{})
	in.Members[0].Roles[0].RoleName = "changed by caller"
	got := s.Workspace()
	if got.Members[0].Roles[0].RoleName != RoleAdmin {
		t.Fatalf("after the caller changed its copy: got %q, want Admin", got.Members[0].Roles[0].RoleName)
	}
	got.Members[3].FolderIDs[EnvDev][0] = -1
	got.CustomRoles[0].Privileges["Recipes"][0] = "mutated"
	again := s.Workspace()
	if again.Members[3].FolderIDs[EnvDev][0] == -1 || again.CustomRoles[0].Privileges["Recipes"][0] == "mutated" {
		t.Fatalf("Workspace(): got a shallow copy, want a deep one")
	}
}

func TestServer_ConcurrentUpdates(t *testing.T) {
	s, base, _ := manualServer(t, ThreeEnvs(), Options{PerMinute: 10000})
	roles := []string{RoleAdmin, RoleAnalyst, RoleOperator, DeveloperRoleName}
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			env := []string{EnvTest, EnvProd}[i%2]
			body := map[string]any{"env_roles": []map[string]string{{"environment_type": env, "name": roles[i%len(roles)]}}}
			if r := call(t, http.MethodPut, base+"/api/members/5106", TestToken, body); r.status != 200 {
				t.Errorf("PUT %d: got %d %s, want 200", i, r.status, r.body)
			}
			if r := get(t, base+"/api/members", TestToken); r.status != 200 {
				t.Errorf("GET %d: got %d, want 200", i, r.status)
			}
		}()
	}
	wg.Wait()
	m, _ := memberByID(s.Workspace(), 5106)
	if len(m.Roles) != 3 || m.Roles[0] != legacy(EnvDev, RoleAnalyst) {
		t.Fatalf("roles after concurrent updates of test and prod: got %v, want dev Analyst untouched and one role in each of test and prod", m.Roles)
	}
}
