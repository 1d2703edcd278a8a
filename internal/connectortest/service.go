package connectortest

// service.go: running the connector test binary in service mode against a
// fake ConductorOne (internal/c1fake), long-running, and waiting for what
// the fake sees it do.

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/internal/c1fake"
)

// ServiceStopTimeout is how long Stop waits after SIGTERM before it kills
// the connector's whole process group.
const ServiceStopTimeout = 10 * time.Second

// Service is a connector running in service mode.
type Service struct {
	// TempDir is the connector's --c1z-temp-dir.
	TempDir string

	cmd         *exec.Cmd
	stopTimeout time.Duration
	stdout      lockedBuffer
	stderr      lockedBuffer
	start       time.Time
	done        chan struct{}
	res         Result
}

// StartService starts the test binary as the connector (see MainAs) in
// service mode against c1 with cred: BATON_CLIENT_ID, BATON_CLIENT_SECRET,
// BATON_C1_API_HOST, SSL_CERT_FILE, --provisioning (grant tasks need it in
// the SDK's child process) and a --c1z-temp-dir under t.TempDir(), plus env
// and args (the connector's own flags). It stops the connector when the
// test ends, if it still runs.
func StartService(t testing.TB, marker string, c1 *c1fake.Server, cred c1fake.Credential, env []string, args ...string) *Service {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatalf("start connector: %v", err)
	}
	tmp := filepath.Join(t.TempDir(), "c1z-temp")
	if err := os.Mkdir(tmp, 0o700); err != nil {
		t.Fatalf("start connector: %v", err)
	}
	args = append([]string{"--provisioning", "--c1z-temp-dir", tmp}, args...)
	env = append(append([]string{marker + "=1"}, c1.Env(cred)...), env...)
	s := startProcess(t, self, env, args...)
	s.TempDir = tmp
	return s
}

// startProcess starts path with args and the extra env, in its own process
// group, and stops it when the test ends.
func startProcess(t testing.TB, path string, env []string, args ...string) *Service {
	t.Helper()
	s := &Service{done: make(chan struct{}), stopTimeout: ServiceStopTimeout}
	s.cmd = exec.Command(path, args...)
	s.cmd.Env = append(os.Environ(), env...)
	s.cmd.Stdout, s.cmd.Stderr = &s.stdout, &s.stderr
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // Stop can reach the SDK's child too
	s.cmd.WaitDelay = 5 * time.Second
	s.start = time.Now()
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start connector: %v", err)
	}
	go s.wait()
	t.Cleanup(func() {
		s.Stop()
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL) // anything left in the group
	})
	return s
}

func (s *Service) wait() {
	defer close(s.done)
	err := s.cmd.Wait()
	s.res = Result{Stdout: s.stdout.String(), Stderr: s.stderr.String(), Duration: time.Since(s.start), ExitCode: -1}
	if ps := s.cmd.ProcessState; ps != nil {
		s.res.ExitCode = ps.ExitCode()
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			s.res.MaxRSSKiB = ru.Maxrss
		}
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		s.res.Stderr += "\nconnectortest: wait: " + err.Error()
	}
}

// Done is closed when the connector has exited.
func (s *Service) Done() <-chan struct{} { return s.done }

// Stderr is the connector's standard error so far.
func (s *Service) Stderr() string { return s.stderr.String() }

// Wait waits up to timeout for the connector to exit on its own and
// reports whether it did. ExitCode is -1 when a signal ended it.
func (s *Service) Wait(timeout time.Duration) (Result, bool) {
	select {
	case <-s.done:
		return s.res, true
	case <-time.After(timeout):
		return Result{Stdout: s.stdout.String(), Stderr: s.stderr.String(), Duration: time.Since(s.start)}, false
	}
}

// Stop sends SIGTERM, waits up to ServiceStopTimeout, then kills the
// process group, and returns the outcome (a connector ended by the signal
// itself has ExitCode -1). Calling it again returns the
// same outcome.
func (s *Service) Stop() Result {
	select {
	case <-s.done:
		return s.res
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(s.stopTimeout):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	}
	return s.res
}

// WaitFinished waits up to timeout until c1 saw taskID finished, and
// fails t, with the end of the connector's log, if the connector exits or
// the time runs out first.
func (s *Service) WaitFinished(t testing.TB, c1 *c1fake.Server, taskID string, timeout time.Duration) c1fake.Finish {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	go func() {
		select {
		case <-s.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	f, err := c1.WaitFinished(ctx, taskID)
	if err != nil {
		if f, ok := c1.Finished(taskID); ok { // finished just as the connector exited
			return f
		}
		select {
		case <-s.done:
			t.Fatalf("connector exited (code %d) before task %s finished\nstderr:\n%s", s.res.ExitCode, taskID, Tail(s.res.Stderr, 4000))
		default:
			t.Fatalf("task %s not finished within %s\nstderr:\n%s", taskID, timeout, Tail(s.Stderr(), 4000))
		}
	}
	return f
}

// lockedBuffer is a bytes.Buffer safe to write from exec's copier while a
// test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// SyncTask hands the connector one full sync task, waits up to timeout
// for it to finish OK after at least one heartbeat, and returns the c1z
// the connector uploaded.
func (s *Service) SyncTask(t testing.TB, c1 *c1fake.Server, timeout time.Duration) string {
	t.Helper()
	id := c1.Enqueue(c1fake.SyncTask())[0]
	f := s.WaitFinished(t, c1, id, timeout)
	if !f.OK {
		t.Fatalf("sync task: got %s, want success\nstderr:\n%s", f, Tail(s.Stderr(), 4000))
	}
	if n := c1.Heartbeats(id); n < 1 {
		t.Errorf("sync task heartbeats: got %d, want at least 1", n)
	}
	path, err := c1.C1Z(id)
	if err != nil {
		t.Fatal(err)
	}
	return path
}
