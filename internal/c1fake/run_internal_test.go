package c1fake

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRun_ParseFlags(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantTasks string
		wantErr   string
	}{
		{"defaults", []string{"--dir", "d", "--env-file", "e", "--ready-file", "r"}, DefaultRunTasks, ""},
		{"own script", []string{"--dir", "d", "--env-file", "e", "--ready-file", "r", "--tasks", "sync, grant"}, "sync,grant", ""},
		{"unknown task", []string{"--dir", "d", "--env-file", "e", "--ready-file", "r", "--tasks", "sync,revoke"}, "", `unknown task "revoke"`},
		{"no env file", []string{"--dir", "d", "--ready-file", "r"}, "", "are required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseRun(tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseRun: got error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseRun: got error %v, want none", err)
			}
			if got := strings.Join(c.tasks, ","); got != tt.wantTasks {
				t.Errorf("tasks: got %q, want %q", got, tt.wantTasks)
			}
		})
	}
}

func TestRun_ProvisionableTypes(t *testing.T) {
	dir := t.TempDir()
	caps := filepath.Join(dir, "caps.json")
	if err := os.WriteFile(caps, []byte(`{"resourceTypeCapabilities":[
		{"resourceType":{"id":"user"},"capabilities":["CAPABILITY_SYNC","CAPABILITY_ACCOUNT_PROVISIONING"]},
		{"resourceType":{"id":"role"},"capabilities":["CAPABILITY_SYNC","CAPABILITY_PROVISION"]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path, want string
	}{
		{"", ""},
		{caps, "role"},
	}
	for _, tt := range tests {
		got, err := provisionableTypes(tt.path)
		if err != nil {
			t.Fatalf("provisionableTypes(%q): %v", tt.path, err)
		}
		if strings.Join(got, ",") != tt.want {
			t.Errorf("provisionableTypes(%q): got %v, want %q", tt.path, got, tt.want)
		}
	}
	if _, err := provisionableTypes(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("provisionableTypes(missing file): got no error, want one")
	}
}

// TestRun_WritePrivate: the env file holds the client secret: owner only,
// even when a world-readable file was there before.
func TestRun_WritePrivate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c1.env")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := writePrivate(path, []byte("BATON_CLIENT_SECRET=x\n")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("mode: got %o, want 600", got)
	}
	if b, _ := os.ReadFile(path); string(b) != "BATON_CLIENT_SECRET=x\n" {
		t.Errorf("content: got %q, want the new one", b)
	}
}

func TestRun_Reason(t *testing.T) {
	tests := []struct{ in, want string }{
		{
			"rpc error: code = InvalidArgument desc = grant failed: rpc error: code = InvalidArgument desc = workato: no such role\ntask failed and is non-retryable",
			"workato: no such role",
		},
		{"xero: Xero's API cannot change users", "xero: Xero's API cannot change users"},
		{"rpc error: code = Unavailable desc = try later", "try later"},
	}
	for _, tt := range tests {
		if got := Reason(tt.in); got != tt.want {
			t.Errorf("Reason(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}
