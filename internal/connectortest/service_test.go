package connectortest

import (
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"
)

func needSh(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("service mode is tested on Linux only")
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	return sh
}

func TestService_Stop(t *testing.T) {
	sh := needSh(t)
	tests := []struct {
		name     string
		script   string
		timeout  time.Duration
		wantCode int
		within   time.Duration
	}{
		{"exits on SIGTERM", `trap 'echo bye >&2; exit 7' TERM; echo ready >&2; while :; do sleep 0.05; done`, 5 * time.Second, 7, 3 * time.Second},
		{"ignores SIGTERM, killed", `trap '' TERM; echo ready >&2; while :; do sleep 0.05; done`, 300 * time.Millisecond, -1, 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startProcess(t, sh, nil, "-c", tt.script)
			s.stopTimeout = tt.timeout
			deadline := time.Now().Add(5 * time.Second)
			for !strings.Contains(s.Stderr(), "ready") {
				if time.Now().After(deadline) {
					t.Fatalf("script never got ready: %q", s.Stderr())
				}
				time.Sleep(10 * time.Millisecond)
			}
			start := time.Now()
			res := s.Stop()
			if res.ExitCode != tt.wantCode {
				t.Fatalf("exit code: got %d, want %d (stderr %q)", res.ExitCode, tt.wantCode, res.Stderr)
			}
			if d := time.Since(start); d > tt.within {
				t.Errorf("Stop took %s, want under %s", d, tt.within)
			}
			if again := s.Stop(); again.ExitCode != res.ExitCode {
				t.Errorf("second Stop: got code %d, want %d", again.ExitCode, res.ExitCode)
			}
		})
	}
}

func TestService_Wait(t *testing.T) {
	sh := needSh(t)
	s := startProcess(t, sh, []string{"CONNECTORTEST_MSG=clear message"}, "-c", `echo "$CONNECTORTEST_MSG" >&2; exit 3`)
	res, exited := s.Wait(5 * time.Second)
	if !exited || res.ExitCode != 3 || !strings.Contains(res.Stderr, "clear message") {
		t.Fatalf("Wait: got exited %v, code %d, stderr %q; want exited, 3, the message", exited, res.ExitCode, res.Stderr)
	}
	s = startProcess(t, sh, nil, "-c", `exec sleep 5`)
	if _, exited := s.Wait(100 * time.Millisecond); exited {
		t.Fatalf("Wait on a running process: got exited, want a timeout")
	}
	select {
	case <-s.Done():
		t.Fatalf("Done closed while the process runs")
	default:
	}
}
