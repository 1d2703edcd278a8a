package workatofake

// Tests of the Options that serve the shapes the reference leaves
// uncertain: activity-log keys, API-client envelopes, 403 for another
// environment and the {"errors":[{"title"}]} error form.

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestServer_ActivityKeysAlternate(t *testing.T) {
	ws := MigratedEnvs()
	_, base, _ := manualServer(t, ws, Options{ActivityKeys: ActivityKeysAlternate})
	r := get(t, base+"/api/activity_logs?page[size]=1", EnvTokenDev)
	var env struct {
		Data []map[string]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(r.body, &env); err != nil || r.status != 200 || len(env.Data) != 1 {
		t.Fatalf("got %d %s, want 200 with one entry", r.status, r.body)
	}
	e := env.Data[0]
	var res struct{ Type string }
	_ = json.Unmarshal(e["resource"], &res)
	_, hasEvent := e["event_type"]
	_, hasCreated := e["created_at"]
	if string(e["type"]) != `"user_login"` || len(e["timestamp"]) == 0 || hasEvent || hasCreated || res.Type != ResourceUser {
		t.Fatalf("entry %s: want type and timestamp at the top, no event_type or created_at, and resource.type User", r.body)
	}
}

func TestServer_APIClientsEnvelope(t *testing.T) {
	tests := []struct {
		name       string
		env        Envelope
		wantPrefix string
	}{
		{name: "result", env: EnvelopeResult, wantPrefix: `{"result":{"count":`},
		{name: "data", env: EnvelopeData, wantPrefix: `{"data":[`},
		{name: "bare", env: EnvelopeBare, wantPrefix: `[{`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, base, _ := manualServer(t, smallRBAC(), Options{APIClientsEnvelope: tt.env})
			for _, path := range []string{"/api/developer_api_clients", "/api/developer_api_client_roles"} {
				r := get(t, base+path, EnvTokenDev)
				if r.status != 200 || !strings.HasPrefix(string(r.body), tt.wantPrefix) {
					t.Fatalf("%s: got %d %.60s, want 200 starting %s", path, r.status, r.body, tt.wantPrefix)
				}
			}
		})
	}
}

func TestServer_OtherEnvForbidden(t *testing.T) {
	ws := smallRBAC()
	_, base, _ := manualServer(t, ws, Options{OtherEnvForbidden: true})
	prod := projectOf(ws, EnvProd, 0)
	for _, tt := range []struct {
		path     string
		wantCode int
	}{
		{fmt.Sprintf("/api/projects/%d/project_grants", prod), 403},
		{"/api/projects/1/project_grants", 404},
	} {
		if r := get(t, base+tt.path, EnvTokenDev); r.status != tt.wantCode {
			t.Fatalf("%s: got %d %s, want %d", tt.path, r.status, r.body, tt.wantCode)
		}
	}
}

func TestServer_RBACErrorsForm(t *testing.T) {
	ws := smallRBAC()
	ws.AuditLog = false
	_, base, _ := manualServer(t, ws, Options{RBACErrorsForm: true})
	tests := []struct {
		path     string
		wantCode int
		wantForm string
	}{
		{"/api/user_groups/am-nope", 404, `{"errors":[{"title":"Not found"}]}`},
		{"/api/activity_logs", 403, `{"errors":[{"title":`},
		{"/api/members/1", 404, `{"message":"Not found"}`}, // collaborators keep the documented form
	}
	for _, tt := range tests {
		r := get(t, base+tt.path, EnvTokenDev)
		if r.status != tt.wantCode || !strings.HasPrefix(string(r.body), tt.wantForm) {
			t.Fatalf("%s: got %d %s, want %d starting %s", tt.path, r.status, r.body, tt.wantCode, tt.wantForm)
		}
	}
}
