package fakeapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/accessgov/baton-connectors/internal/baseurl"
)

// CheckLoopback refuses a listen address that is not on loopback: the
// fakes answer with well-known demo credentials and must never be
// reachable from another machine.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", addr, err)
	}
	if !baseurl.IsLoopback(host) {
		return fmt.Errorf("--addr %q is not a loopback address; a test fake listens only on 127.0.0.1, ::1 or localhost", addr)
	}
	return nil
}

// Serve serves h on ln until stop is called (stop is safe to call twice)
// and returns the base URL to reach it.
func Serve(ln net.Listener, h http.Handler) (baseURL string, stop func()) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic(fmt.Sprintf("fakeapi: serving %s: %v", ln.Addr(), err))
		}
	}()
	var once sync.Once
	return "http://" + ln.Addr().String(), func() {
		once.Do(func() {
			_ = srv.Close()
			<-done
		})
	}
}

// WriteFileAtomic writes b to path with mode 0600 through a temporary file
// in the same directory, so a reader (the demo script waiting for a ready
// file) never sees half a file.
func WriteFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".fake-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// RunUntilSignal runs a fake's command (run) until SIGINT or SIGTERM, for
// the fakes' Main functions.
func RunUntilSignal(args []string, stdout io.Writer, run func(context.Context, []string, io.Writer) error) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, stdout)
}
