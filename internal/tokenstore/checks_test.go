package tokenstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStore_LoadRefusesInsecure: a symlink, a file group or others can
// read or write, a directory others can write to, and an oversized file
// are refused with an error naming the path and the fix; the accepted
// shapes load.
func TestStore_LoadRefusesInsecure(t *testing.T) {
	const good = `{"refresh_token":"rt"}`
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir, path string)
		wantErr []string // nil: Load succeeds
	}{
		{name: "0600 file in a 0700 directory", setup: func(t *testing.T, dir, path string) { write(t, path, good, 0o600) }},
		{name: "0755 directory", setup: func(t *testing.T, dir, path string) { write(t, path, good, 0o600); chmod(t, dir, 0o755) }},
		{name: "set-group-ID 2770 directory (Kubernetes fsGroup)", setup: func(t *testing.T, dir, path string) {
			write(t, path, good, 0o600)
			chmod(t, dir, 0o770|os.ModeSetgid)
		}},
		{
			name: "file readable by others", setup: func(t *testing.T, dir, path string) { write(t, path, good, 0o644) },
			wantErr: []string{"readable or writable by group or others", "chmod 600"},
		},
		{
			name: "file readable by group", setup: func(t *testing.T, dir, path string) { write(t, path, good, 0o640) },
			wantErr: []string{"group or others", "chmod 600"},
		},
		{
			name: "directory writable by others", setup: func(t *testing.T, dir, path string) { write(t, path, good, 0o600); chmod(t, dir, 0o777) },
			wantErr: []string{"directory", "writable by group or others", "chmod 700"},
		},
		{
			name: "directory writable by group", setup: func(t *testing.T, dir, path string) { write(t, path, good, 0o600); chmod(t, dir, 0o770) },
			wantErr: []string{"directory", "chmod 700"},
		},
		{name: "symbolic link", setup: func(t *testing.T, dir, path string) {
			real := filepath.Join(dir, "real.json")
			write(t, real, good, 0o600)
			if err := os.Symlink(real, path); err != nil {
				t.Fatal(err)
			}
		}, wantErr: []string{"symbolic link"}},
		{name: "oversized", setup: func(t *testing.T, dir, path string) {
			write(t, path, `{"refresh_token":"`+strings.Repeat("x", MaxFileSize)+`"}`, 0o600)
		}, wantErr: []string{"larger than 64 KiB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "store")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "token.json")
			tt.setup(t, dir, path)
			tok, err := (&Store{Path: path}).Load()
			if tt.wantErr == nil {
				if err != nil || tok.RefreshToken != "rt" {
					t.Fatalf("Load: got %v, %v, want the token", tok, err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Load: got %+v, want an error", tok)
			}
			if !strings.Contains(err.Error(), dir) {
				t.Errorf("Load error %q: want it to name the path", err)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Load error %q: want it to contain %q", err, w)
				}
			}
		})
	}
}

// TestStore_SaveAndLockRefuseInsecureDirectory: neither writes into a
// directory others can write to, and Lock does not follow a symlinked lock
// file.
func TestStore_SaveAndLockRefuseInsecureDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "open")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	chmod(t, dir, 0o777)
	s := &Store{Path: filepath.Join(dir, "token.json")}
	if err := s.Save(sampleToken(1)); err == nil || !errors.Is(err, ErrInsecure) {
		t.Errorf("Save into a 0777 directory: got %v, want an ErrInsecure error", err)
	}
	if _, err := os.Stat(s.Path); err == nil {
		t.Errorf("Save wrote %s into a 0777 directory", s.Path)
	}
	if _, err := s.Lock(context.Background()); err == nil || !errors.Is(err, ErrInsecure) {
		t.Errorf("Lock in a 0777 directory: got %v, want an ErrInsecure error", err)
	}

	safe := t.TempDir()
	target := filepath.Join(safe, "elsewhere")
	write(t, target, "", 0o600)
	s = &Store{Path: filepath.Join(safe, "token.json")}
	if err := os.Symlink(target, s.Path+".lock"); err != nil {
		t.Fatal(err)
	}
	if unlock, err := s.Lock(context.Background()); err == nil {
		_ = unlock()
		t.Errorf("Lock through a symlinked lock file: got no error, want one")
	}
}

func write(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	chmod(t, path, mode) // WriteFile's mode is filtered by the umask
}

func chmod(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}
