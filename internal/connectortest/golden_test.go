package connectortest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDump(t *testing.T) {
	s := sound()
	s.AddResource(Resource{
		Type: "user", ID: "u0", Parent: "org/o1", DisplayName: "Zed", Status: "enabled",
		Profile: map[string]string{"email": "zed@example.com", "synced_at": "2026-12-01T10:00:00Z"},
	})
	s.AddGrant(Grant{Entitlement: "org:o1:member", Principal: "user/u0"})
	got, err := Dump(s, WithoutProfileKeys("synced_at"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(got), "synced_at") {
		t.Errorf("dump: got %s, want the dropped profile key gone", got)
	}
	// The same content added in another order dumps the same bytes.
	s2 := NewSnapshot()
	s2.ResourceTypes = []string{"user", "org"}
	s2.AddGrant(Grant{Entitlement: "org:o1:member", Principal: "user/u1"})
	s2.AddGrant(Grant{Entitlement: "org:o1:member", Principal: "user/u0"})
	s2.AddEntitlement(Entitlement{ID: "org:o1:member", Resource: "org/o1", GrantableTo: []string{"user"}})
	s2.AddResource(Resource{Type: "user", ID: "u1", Parent: "org/o1", DisplayName: "U"})
	s2.AddResource(Resource{
		Type: "user", ID: "u0", Parent: "org/o1", DisplayName: "Zed", Status: "enabled",
		Profile: map[string]string{"email": "zed@example.com", "synced_at": "2027-01-01T00:00:00Z"},
	})
	s2.AddResource(Resource{Type: "org", ID: "o1", DisplayName: "Org"})
	got2, err := Dump(s2, WithoutProfileKeys("synced_at"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(got2) {
		t.Errorf("dump of the same content in another order:\ngot  %s\nwant %s", got2, got)
	}
	Golden(t, got, filepath.Join("testdata", "synthetic.golden.json"))
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	failed []string
}

func (r *recorder) Helper()                      {}
func (r *recorder) Errorf(f string, args ...any) { r.failed = append(r.failed, f) }
func (r *recorder) Fatalf(f string, args ...any) { r.failed = append(r.failed, f) }
func (r *recorder) Logf(string, ...any)          {}

func TestGolden(t *testing.T) {
	saved := *update
	t.Cleanup(func() { *update = saved })
	path := filepath.Join(t.TempDir(), "x.golden.json")
	if err := os.WriteFile(path, []byte("{\n  \"a\": 1\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		got      string
		path     string
		update   bool
		wantFail bool
	}{
		{name: "same bytes pass", got: "{\n  \"a\": 1\n}\n", path: path},
		{name: "a changed line fails", got: "{\n  \"a\": 2\n}\n", path: path, wantFail: true},
		{name: "a missing file fails", got: "{}\n", path: filepath.Join(t.TempDir(), "none.json"), wantFail: true},
		{name: "-update rewrites the file", got: "{\n  \"a\": 3\n}\n", path: path, update: true},
		{name: "and then it passes", got: "{\n  \"a\": 3\n}\n", path: path},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			*update = tt.update
			r := &recorder{TB: t}
			Golden(r, []byte(tt.got), tt.path)
			if failed := len(r.failed) > 0; failed != tt.wantFail {
				t.Errorf("failed: got %v (%v), want %v", failed, r.failed, tt.wantFail)
			}
		})
	}
}

func TestFirstDifference(t *testing.T) {
	if got, want := firstDifference("a\nb\nc", "a\nx\nc"), `line 2: got "b", want "x"`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
