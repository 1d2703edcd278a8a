package fakeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe to read while RunMain writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func defineHello(fs *flag.FlagSet) func() (*Fake, error) {
	greeting := fs.String("greeting", "hello", "what the fake answers")
	return func() (*Fake, error) {
		if *greeting == "" {
			return nil, errors.New("--greeting must not be empty")
		}
		return &Fake{
			Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, *greeting) }),
			Ready: func(baseURL, envFile string) (any, string, error) {
				return map[string]string{"base_url": baseURL}, fmt.Sprintf("URL=%q\nDIR=%q\n", baseURL, filepath.Dir(envFile)), nil
			},
			Banner: func(baseURL string) string { return "hello-fake: serving at " + baseURL },
			Report: func(w io.Writer) { fmt.Fprintln(w, "hello-fake: stopping") },
		}, nil
	}
}

func TestRunMain(t *testing.T) {
	dir := t.TempDir()
	ready, env := filepath.Join(dir, "ready.json"), filepath.Join(dir, "fake.env")
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- RunMain(ctx, "hello-fake", []string{"--ready-file", ready, "--env-file", env, "--greeting", "hi"}, out, defineHello)
	}()

	var info map[string]string
	deadline := time.Now().Add(5 * time.Second)
	for {
		if b, err := os.ReadFile(ready); err == nil && json.Unmarshal(b, &info) == nil {
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("ready file never appeared; output %q", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	envText, err := os.ReadFile(env)
	if err != nil || !strings.Contains(string(envText), info["base_url"]) {
		t.Errorf("env file: got %q (%v), want it written before the ready file, naming %s", envText, err, info["base_url"])
	}
	for _, p := range []string{ready, env} {
		if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: got mode %v (%v), want 0600", p, st.Mode().Perm(), err)
		}
	}
	resp, err := http.Get(info["base_url"])
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "hi" {
		t.Errorf("body: got %q, want %q (the fake's own flag)", body, "hi")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("RunMain: got %v, want nil", err)
	}
	for _, want := range []string{"hello-fake: serving at " + info["base_url"] + "\n", "hello-fake: stopping\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output: got %q, want it to contain %q", out.String(), want)
		}
	}
}

func TestRunMain_Errors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "not loopback", args: []string{"--addr", "0.0.0.0:0"}, want: "hello-fake: --addr \"0.0.0.0:0\" is not a loopback address"},
		{name: "stray argument", args: []string{"extra"}, want: `hello-fake: unexpected arguments ["extra"]`},
		{name: "the fake's own check", args: []string{"--greeting", ""}, want: "hello-fake: --greeting must not be empty"},
		{name: "unknown flag", args: []string{"--nope"}, want: "flag provided but not defined: -nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := RunMain(context.Background(), "hello-fake", tt.args, io.Discard, defineHello)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestStartForTest(t *testing.T) {
	url := StartForTest(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "up") }))
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("URL: got %q, want a loopback http URL", url)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "up" {
		t.Errorf("body: got %q, want up", b)
	}
}
