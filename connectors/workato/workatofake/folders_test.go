package workatofake

// Tests of the fake's folder and project endpoints.

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestServer_Folders(t *testing.T) {
	ws := Demo()
	_, base, _ := manualServer(t, ws, Options{})
	vendors := 0
	for _, f := range ws.Folders {
		if f.Name == "Vendor integrations" {
			vendors = f.ID
		}
	}
	tests := []struct {
		name      string
		query     string
		wantCode  int
		wantLen   int
		wantFirst string
		wantLast  string
	}{
		{name: "Home by default", query: "", wantCode: 200, wantLen: 6, wantFirst: "Finance Automation", wantLast: "Data Platform"},
		{name: "Home by id", query: "?parent_id=1", wantCode: 200, wantLen: 6, wantFirst: "Finance Automation"},
		{name: "first page of 130", query: fmt.Sprintf("?parent_id=%d", vendors), wantCode: 200, wantLen: 100, wantFirst: "Vendor 001", wantLast: "Vendor 100"},
		{name: "per_page clamped, page 0 is 1", query: fmt.Sprintf("?parent_id=%d&page=0&per_page=500", vendors), wantCode: 200, wantLen: 100, wantFirst: "Vendor 001"},
		{name: "short last page", query: fmt.Sprintf("?parent_id=%d&page=2&per_page=100", vendors), wantCode: 200, wantLen: 30, wantFirst: "Vendor 101", wantLast: "Vendor 130"},
		{name: "past the end", query: fmt.Sprintf("?parent_id=%d&page=3", vendors), wantCode: 200, wantLen: 0},
		{name: "leaf", query: fmt.Sprintf("?parent_id=%d", vendors+1), wantCode: 200, wantLen: 0},
		{name: "unknown parent", query: "?parent_id=424242", wantCode: 404},
		{name: "malformed parent", query: "?parent_id=abc", wantCode: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := get(t, base+"/api/folders"+tt.query, DemoToken)
			if r.status != tt.wantCode {
				t.Fatalf("got %d %s, want %d", r.status, r.body, tt.wantCode)
			}
			if tt.wantCode != 200 {
				return
			}
			if !strings.HasPrefix(string(r.body), "[") {
				t.Fatalf("body %.60s: want a bare array", r.body)
			}
			folders := decode[[]folderJSON](t, r.body)
			if len(folders) != tt.wantLen {
				t.Fatalf("got %d folders, want %d", len(folders), tt.wantLen)
			}
			if tt.wantLen == 0 {
				return
			}
			if folders[0].Name != tt.wantFirst || (tt.wantLast != "" && folders[len(folders)-1].Name != tt.wantLast) {
				t.Fatalf("got %s … %s, want %s … %s", folders[0].Name, folders[len(folders)-1].Name, tt.wantFirst, tt.wantLast)
			}
			for _, f := range folders {
				if !timeRE.MatchString(f.CreatedAt) || !timeRE.MatchString(f.UpdatedAt) || f.ProjectID == nil {
					t.Fatalf("folder %+v: want Workato timestamps and a project_id", f)
				}
			}
		})
	}
	t.Run("root folders have null parent_id", func(t *testing.T) {
		raw := decode[[]map[string]json.RawMessage](t, get(t, base+"/api/folders", DemoToken).body)
		if string(raw[0]["parent_id"]) != "null" || string(raw[0]["is_project"]) != "true" {
			t.Fatalf("root folder: got parent_id %s is_project %s, want null and true", raw[0]["parent_id"], raw[0]["is_project"])
		}
		raw = decode[[]map[string]json.RawMessage](t, get(t, fmt.Sprintf("%s/api/folders?parent_id=%d", base, vendors), DemoToken).body)
		if string(raw[0]["parent_id"]) != fmt.Sprint(vendors) || string(raw[0]["is_project"]) != "false" {
			t.Fatalf("sub-folder: got parent_id %s is_project %s, want %d and false", raw[0]["parent_id"], raw[0]["is_project"], vendors)
		}
	})
}

func TestServer_Projects(t *testing.T) {
	ws := Generate(2, 1, 10, 150, nil, 3)
	ws.Clients = testClient(TestToken)
	_, base, _ := manualServer(t, ws, Options{})
	tests := []struct {
		query     string
		wantLen   int
		wantFirst int
	}{
		{query: "", wantLen: 100, wantFirst: 0},
		{query: "?page=0&per_page=500", wantLen: 100, wantFirst: 0},
		{query: "?page=2&per_page=100", wantLen: 50, wantFirst: 100},
		{query: "?page=3&per_page=100", wantLen: 0},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := get(t, base+"/api/projects"+tt.query, TestToken)
			projects := decode[[]projectJSON](t, r.body)
			if r.status != 200 || len(projects) != tt.wantLen {
				t.Fatalf("got %d with %d projects, want 200 with %d", r.status, len(projects), tt.wantLen)
			}
			if tt.wantLen == 0 {
				return
			}
			want := ws.Projects[tt.wantFirst]
			if got := projects[0]; got != (projectJSON{ID: want.ID, Description: want.Description, FolderID: want.FolderID, Name: want.Name}) {
				t.Fatalf("first project: got %+v, want %+v", got, want)
			}
		})
	}
}
