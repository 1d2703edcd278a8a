package creds

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnvName(t *testing.T) {
	tests := []struct {
		flag string
		want string
	}{
		{flag: "xero-client-secret", want: "BATON_XERO_CLIENT_SECRET"},
		{flag: "xero-client-secret-file", want: "BATON_XERO_CLIENT_SECRET_FILE"},
		{flag: "token", want: "BATON_TOKEN"},
		{flag: "workato-api-key", want: "BATON_WORKATO_API_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.flag, func(t *testing.T) {
			if got := EnvName(tt.flag); got != tt.want {
				t.Errorf("EnvName(%q): got %q, want %q", tt.flag, got, tt.want)
			}
		})
	}
}

func TestSecret(t *testing.T) {
	const secretValue = "s3cr3t-value-never-in-errors"
	dir := t.TempDir()
	write := func(name, content string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good", "\n  "+secretValue+"\n\n")
	empty := write("empty", " \n\t\n")
	big := write("big", strings.Repeat("x", maxFileSize+1))
	missing := filepath.Join(dir, "missing")

	tests := []struct {
		name      string
		src       Source
		want      string
		wantErr   []string // substrings the error must contain
		wantNoErr bool
		isNotExst bool
	}{
		{
			name:      "value",
			src:       Source{Name: "xero-client-secret", Value: secretValue, Required: true},
			want:      secretValue,
			wantNoErr: true,
		},
		{
			name:      "file trimmed",
			src:       Source{Name: "xero-client-secret", File: good, Required: true},
			want:      secretValue,
			wantNoErr: true,
		},
		{
			name:      "optional and unset",
			src:       Source{Name: "xero-client-secret"},
			want:      "",
			wantNoErr: true,
		},
		{
			name: "both set",
			src:  Source{Name: "xero-client-secret", Value: secretValue, File: good},
			wantErr: []string{
				"xero-client-secret: set --xero-client-secret (BATON_XERO_CLIENT_SECRET) or --xero-client-secret-file (BATON_XERO_CLIENT_SECRET_FILE), not both",
			},
		},
		{
			name: "required and unset",
			src:  Source{Name: "xero-client-secret", Required: true},
			wantErr: []string{
				"xero-client-secret is required: set --xero-client-secret (BATON_XERO_CLIENT_SECRET) or --xero-client-secret-file (BATON_XERO_CLIENT_SECRET_FILE)",
			},
		},
		{
			name:    "empty file",
			src:     Source{Name: "xero-client-secret", File: empty, Required: true},
			wantErr: []string{"is empty", empty, "--xero-client-secret-file", "--xero-client-secret (BATON_XERO_CLIENT_SECRET)"},
		},
		{
			name:      "missing file",
			src:       Source{Name: "xero-client-secret", File: missing},
			wantErr:   []string{missing, "no such file", "--xero-client-secret-file (BATON_XERO_CLIENT_SECRET_FILE)"},
			isNotExst: true,
		},
		{
			name:    "directory instead of file",
			src:     Source{Name: "xero-client-secret", File: dir},
			wantErr: []string{dir, "is a directory"},
		},
		{
			name:    "too large",
			src:     Source{Name: "xero-client-secret", File: big},
			wantErr: []string{big, "larger than"},
		},
		{
			name:    "no name",
			src:     Source{Value: secretValue},
			wantErr: []string{"no name"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Secret(tt.src)
			if tt.wantNoErr {
				if err != nil {
					t.Fatalf("Secret: got error %v, want nil", err)
				}
				if got != tt.want {
					t.Errorf("Secret: got %q, want %q", got, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("Secret: got nil error and %q, want an error", got)
			}
			msg := err.Error()
			for _, w := range tt.wantErr {
				if !strings.Contains(msg, w) {
					t.Errorf("Secret error: got %q, want it to contain %q", msg, w)
				}
			}
			if strings.Contains(msg, secretValue) || strings.Contains(msg, "xxxx") {
				t.Errorf("Secret error: got %q, which leaks file content", msg)
			}
			if got := errors.Is(err, fs.ErrNotExist); got != tt.isNotExst {
				t.Errorf("errors.Is(err, fs.ErrNotExist): got %v, want %v", got, tt.isNotExst)
			}
		})
	}
}

func TestSecret_UnreadableFile(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can read any file")
	}
	p := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(p, []byte("hidden-content"), 0o000); err != nil {
		t.Fatal(err)
	}
	_, err := Secret(Source{Name: "xero-client-secret", File: p})
	if err == nil {
		t.Fatal("Secret: got nil error, want permission error")
	}
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("errors.Is(err, fs.ErrPermission): got false, want true (err %q)", err)
	}
	if !strings.Contains(err.Error(), p) {
		t.Errorf("Secret error: got %q, want it to name %q", err, p)
	}
}
