package fakeapi

import (
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

func TestCheckLoopback(t *testing.T) {
	tests := []struct {
		addr    string
		wantErr bool
	}{
		{addr: "127.0.0.1:0"},
		{addr: "127.3.2.1:8080"},
		{addr: "localhost:9"},
		{addr: "[::1]:0"},
		{addr: "0.0.0.0:8080", wantErr: true},
		{addr: ":8080", wantErr: true},
		{addr: "10.0.0.5:80", wantErr: true},
		{addr: "example.com:80", wantErr: true},
		{addr: "no-port", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			if err := CheckLoopback(tt.addr); (err != nil) != tt.wantErr {
				t.Fatalf("CheckLoopback(%q): got error %v, want error %v", tt.addr, err, tt.wantErr)
			}
		})
	}
}

func TestServe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url, stop := Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ok" {
		t.Fatalf("body: got %q, want ok", body)
	}
	stop()
	stop() // twice is fine
	if _, err := http.Get(url); err == nil {
		t.Fatal("got an answer after stop, want a connection error")
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ready.json")
	if err := WriteFileAtomic(path, []byte("{}\n")); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != 0o600 {
		t.Errorf("mode: got %o, want 600", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files in dir: got %d, want 1 (no temporary file left)", len(entries))
	}
	if err := WriteFileAtomic(filepath.Join(dir, "missing", "x"), nil); err == nil {
		t.Error("got no error writing into a missing directory, want one")
	}
}
