package tokenstore

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
)

func sampleToken(i int) *oauth2.Token {
	return &oauth2.Token{
		AccessToken:  fmt.Sprintf("access-%d-%s", i, strings.Repeat("a", i%997)),
		TokenType:    "Bearer",
		RefreshToken: fmt.Sprintf("refresh-%d", i),
		Expiry:       time.Date(2026, 5, 1, 12, 0, i%60, 0, time.UTC),
	}
}

func TestStore_SaveLoad(t *testing.T) {
	tests := []struct {
		name string
		tok  *oauth2.Token
	}{
		{name: "full", tok: sampleToken(1)},
		{name: "refresh only", tok: &oauth2.Token{RefreshToken: "r-only"}},
		{name: "access only, no expiry", tok: &oauth2.Token{AccessToken: "a-only", TokenType: "Bearer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Store{Path: filepath.Join(t.TempDir(), "sub", "dir", "token.json")}
			if err := s.Save(tt.tok); err != nil {
				t.Fatalf("Save: %v", err)
			}
			got, err := s.Load()
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if got.AccessToken != tt.tok.AccessToken || got.RefreshToken != tt.tok.RefreshToken ||
				got.TokenType != tt.tok.TokenType || !got.Expiry.Equal(tt.tok.Expiry) {
				t.Errorf("Load: got %+v, want %+v", got, tt.tok)
			}
			fi, err := os.Stat(s.Path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != 0o600 {
				t.Errorf("file mode: got %v, want 0600", got)
			}
			di, err := os.Stat(filepath.Dir(s.Path))
			if err != nil {
				t.Fatal(err)
			}
			if got := di.Mode().Perm(); got != 0o700 {
				t.Errorf("created directory mode: got %v, want 0700", got)
			}
		})
	}
}

func TestStore_SaveFormat(t *testing.T) {
	s := &Store{Path: filepath.Join(t.TempDir(), "token.json")}
	if err := s.Save(sampleToken(3)); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"access_token"`, `"token_type": "Bearer"`, `"refresh_token": "refresh-3"`, `"expiry": "2026-05-01T12:00:03Z"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("file content: got %s, want it to contain %s", b, want)
		}
	}
}

func TestStore_SaveReplacesLooseMode(t *testing.T) {
	s := &Store{Path: filepath.Join(t.TempDir(), "token.json")}
	if err := os.WriteFile(s.Path, []byte(`{"refresh_token":"old"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(sampleToken(2)); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("file mode after Save over a 0644 file: got %v, want 0600", got)
	}
}

func TestStore_Load(t *testing.T) {
	const secret = "super-secret-refresh-value"
	tests := []struct {
		name        string
		content     *string
		wantErr     []string
		wantNotExst bool
	}{
		{name: "missing", wantNotExst: true, wantErr: []string{"no such file"}},
		{name: "not json", content: ptr("refresh_token=" + secret), wantErr: []string{"not a valid token file", "syntax error"}},
		{name: "truncated", content: ptr(`{"refresh_token":"` + secret), wantErr: []string{"not a valid token file"}},
		{name: "wrong type", content: ptr(`{"refresh_token":["` + secret + `"]}`), wantErr: []string{"refresh_token", "wrong type"}},
		{name: "bad expiry", content: ptr(`{"refresh_token":"x","expiry":"` + secret + `"}`), wantErr: []string{"not a valid token file"}},
		{name: "empty object", content: ptr(`{}`), wantErr: []string{"neither an access token nor a refresh token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Store{Path: filepath.Join(t.TempDir(), "token.json")}
			if tt.content != nil {
				if err := os.WriteFile(s.Path, []byte(*tt.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			tok, err := s.Load()
			if err == nil {
				t.Fatalf("Load: got %+v, want an error", tok)
			}
			if got := errors.Is(err, fs.ErrNotExist); got != tt.wantNotExst {
				t.Errorf("errors.Is(err, fs.ErrNotExist): got %v, want %v (err %q)", got, tt.wantNotExst, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, s.Path) {
				t.Errorf("Load error: got %q, want it to name %q", msg, s.Path)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(msg, w) {
					t.Errorf("Load error: got %q, want it to contain %q", msg, w)
				}
			}
			if strings.Contains(msg, secret) {
				t.Errorf("Load error: got %q, which leaks file content", msg)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestStore_SaveAtomic(t *testing.T) {
	dir := t.TempDir()
	s := &Store{Path: filepath.Join(dir, "token.json")}
	if err := s.Save(sampleToken(0)); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var readErr error
	reads := 0
	wg.Add(1)
	go func() {
		defer wg.Done()
		reader := &Store{Path: s.Path}
		for ctx.Err() == nil {
			tok, err := reader.Load()
			if err != nil {
				readErr = err
				return
			}
			if !strings.HasPrefix(tok.AccessToken, "access-") || !strings.HasPrefix(tok.RefreshToken, "refresh-") {
				readErr = fmt.Errorf("partial token %q/%q", tok.AccessToken, tok.RefreshToken)
				return
			}
			reads++
		}
	}()
	for i := 1; i <= 300; i++ {
		if err := s.Save(sampleToken(i * 7)); err != nil {
			t.Fatalf("Save %d: %v", i, err)
		}
	}
	cancel()
	wg.Wait()
	if readErr != nil {
		t.Fatalf("concurrent Load: got %v, want every read to see a whole token", readErr)
	}
	if reads == 0 {
		t.Error("concurrent Load: got 0 reads, want some")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 1 || names[0] != "token.json" {
		t.Errorf("directory after Saves: got %v, want only [token.json] (no temporary files)", names)
	}
}

func TestStore_SaveErrors(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		tok     *oauth2.Token
		wantErr string
	}{
		{name: "nil token", path: filepath.Join(dir, "t.json"), tok: nil, wantErr: "nil token"},
		{name: "no path", path: "", tok: sampleToken(1), wantErr: "no path"},
		{name: "parent is a file", path: filepath.Join(blocker, "t.json"), tok: sampleToken(1), wantErr: "create directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := (&Store{Path: tt.path}).Save(tt.tok)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Save: got %v, want an error containing %q", err, tt.wantErr)
			}
			if tt.tok != nil && strings.Contains(err.Error(), tt.tok.RefreshToken) {
				t.Errorf("Save error: got %q, which leaks the refresh token", err)
			}
		})
	}
}

func TestStore_Lock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token.json")
	a, b := &Store{Path: path}, &Store{Path: path}

	unlockA, err := a.Lock(context.Background())
	if err != nil {
		t.Fatalf("first Lock: %v", err)
	}
	fi, err := os.Stat(path + ".lock")
	if err != nil {
		t.Fatalf("lock file: %v", err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("lock file mode: got %v, want 0600", got)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	if _, err := b.Lock(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("second Lock while held: got %v, want context.DeadlineExceeded", err)
	}

	// A waiter gets the lock soon after it is released.
	got := make(chan error, 1)
	go func() {
		unlockB, err := b.Lock(context.Background())
		if err == nil {
			err = unlockB()
		}
		got <- err
	}()
	time.Sleep(100 * time.Millisecond)
	select {
	case err := <-got:
		t.Fatalf("waiter: got %v before unlock, want it to wait", err)
	default:
	}
	if err := unlockA(); err != nil {
		t.Fatalf("unlock: %v", err)
	}
	if err := unlockA(); err != nil {
		t.Errorf("second unlock: got %v, want nil", err)
	}
	select {
	case err := <-got:
		if err != nil {
			t.Fatalf("waiter: got %v, want the lock", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("waiter: got no lock within 5s of unlock, want it")
	}
}

func TestStore_LockCancel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token.json")
	unlock, err := (&Store{Path: path}).Lock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = unlock() }()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := (&Store{Path: path}).Lock(ctx)
		done <- err
	}()
	time.Sleep(120 * time.Millisecond)
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Lock after cancel: got %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("Lock returned %v after cancel, want under 1s", d)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Lock: still waiting 5s after cancel, want it to return")
	}

	// An already-ended context fails even when the lock is free.
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	if _, err := (&Store{Path: path}).Lock(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Lock with ended context: got %v, want context.Canceled", err)
	}
}

const helperEnv = "TOKENSTORE_TEST_HELPER_LOCK"

// TestHelperProcess is not a real test: TestStore_LockSubprocess runs the
// test binary again with helperEnv set, and this function then holds the
// lock in that child process until its stdin closes.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("helper process only")
	}
	unlock, err := (&Store{Path: path}).Lock(context.Background())
	if err != nil {
		_, _ = fmt.Fprintln(os.Stdout, "error:", err)
		os.Exit(2)
	}
	_, _ = fmt.Fprintln(os.Stdout, "locked")
	_, _ = io.Copy(io.Discard, os.Stdin)
	if err := unlock(); err != nil {
		os.Exit(3)
	}
	os.Exit(0)
}

func TestStore_LockSubprocess(t *testing.T) {
	tests := []struct {
		name    string
		release func(cmd *exec.Cmd, stdin io.Closer) error
	}{
		{name: "child unlocks", release: func(_ *exec.Cmd, stdin io.Closer) error { return stdin.Close() }},
		{name: "child dies", release: func(cmd *exec.Cmd, _ io.Closer) error { return cmd.Process.Kill() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "token.json")
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
			cmd.Env = append(os.Environ(), helperEnv+"="+path)
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()

			line, err := bufio.NewReader(stdout).ReadString('\n')
			if err != nil || strings.TrimSpace(line) != "locked" {
				t.Fatalf("child: got %q (%v), want \"locked\"", line, err)
			}

			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			if _, err := (&Store{Path: path}).Lock(ctx); !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Lock while the child holds it: got %v, want context.DeadlineExceeded", err)
			}

			if err := tt.release(cmd, stdin); err != nil {
				t.Fatal(err)
			}
			ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel2()
			unlock, err := (&Store{Path: path}).Lock(ctx2)
			if err != nil {
				t.Fatalf("Lock after the child released it: got %v, want the lock", err)
			}
			if err := unlock(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestStore_SaveWithOrigin: the origin fingerprint round-trips, is never
// the token itself, and files without one load with "".
func TestStore_SaveWithOrigin(t *testing.T) {
	tests := []struct {
		name, origin string
	}{
		{name: "with origin", origin: Origin("first-refresh-token")},
		{name: "without origin", origin: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Store{Path: filepath.Join(t.TempDir(), "token.json")}
			if err := s.SaveWithOrigin(sampleToken(3), tt.origin); err != nil {
				t.Fatal(err)
			}
			tok, origin, err := s.LoadWithOrigin()
			if err != nil || tok.RefreshToken != sampleToken(3).RefreshToken {
				t.Fatalf("LoadWithOrigin: got %v, %v", tok, err)
			}
			if origin != tt.origin {
				t.Errorf("origin: got %q, want %q", origin, tt.origin)
			}
			b, err := os.ReadFile(s.Path)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), "first-refresh-token") {
				t.Errorf("file holds the origin token itself: %s", b)
			}
		})
	}
	if got, want := len(Origin("x")), 64; got != want {
		t.Errorf("Origin length: got %d, want %d (hex SHA-256)", got, want)
	}
	if Origin("") != "" {
		t.Errorf("Origin(\"\"): got %q, want \"\"", Origin(""))
	}
}
