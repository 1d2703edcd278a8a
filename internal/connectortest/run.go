package connectortest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// The connector under test runs as the test binary itself: TestMain calls
// MainAs, and Exec starts the test binary again with the connector's
// arguments. The binary is built once per `go test` run, and baton-sdk's
// own re-execution (its _connector-service child) lands in the connector
// too, because the marker variable is inherited.

// MainAs runs main instead of the tests when the marker environment
// variable is set, then exits. Call it first thing in TestMain.
func MainAs(marker string, main func()) {
	if os.Getenv(marker) != "1" {
		return
	}
	main()
	os.Exit(0)
}

// Result is the outcome of one connector run.
type Result struct {
	Stdout, Stderr string
	ExitCode       int
	Duration       time.Duration
	MaxRSSKiB      int64 // peak resident memory of the process tree's largest process
	// SDKExitRace is set when the process exited 0 although the run failed
	// (baton-sdk's exit race, see sdkexit.go); ExitCode is then the code
	// the failure meant, read from the error the SDK printed.
	SDKExitRace bool
}

// Exec runs the test binary as the connector (see MainAs) with args and the
// extra environment, and waits for it. A run that outlives ctx is killed.
func Exec(ctx context.Context, marker string, env []string, args ...string) (Result, error) {
	self, err := os.Executable()
	if err != nil {
		return Result{}, err
	}
	cmd := exec.CommandContext(ctx, self, args...)
	cmd.Env = append(append(os.Environ(), marker+"=1"), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err = cmd.Run()
	res := Result{Stdout: stdout.String(), Stderr: stderr.String(), Duration: time.Since(start)}
	if cmd.ProcessState != nil {
		res.ExitCode = cmd.ProcessState.ExitCode()
		if res.ExitCode == 0 {
			if code, ok := sdkExitRaceCode(res.Stderr); ok {
				res.ExitCode, res.SDKExitRace = code, true
			}
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			res.MaxRSSKiB = ru.Maxrss
		}
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		return res, err
	}
	return res, nil
}

// Run runs the connector like Exec, bounded by timeout, and fails t unless
// it exits with wantExit, printing the end of its stderr when not.
// baton-sdk exits with the gRPC code of the error that ended the run (3
// InvalidArgument, 7 PermissionDenied, 10 Aborted, 13 Internal, 16
// Unauthenticated, ...).
func Run(t testing.TB, marker string, wantExit int, timeout time.Duration, env []string, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	res, err := Exec(ctx, marker, env, args...)
	if err != nil {
		t.Fatalf("run connector: %v", err)
	}
	if res.SDKExitRace {
		t.Logf("the connector process exited 0 after a failed run (baton-sdk v0.25.0's exit race, see connectortest/sdkexit.go); its error meant exit %d", res.ExitCode)
	}
	if res.ExitCode != wantExit {
		t.Fatalf("connector exit code: got %d, want %d\nstderr:\n%s", res.ExitCode, wantExit, Tail(res.Stderr, 4000))
	}
	return res
}

// MustRead reads the c1z at path or fails t.
func MustRead(t testing.TB, path string) *Snapshot {
	t.Helper()
	s, err := ReadC1Z(context.Background(), path)
	if err != nil {
		t.Fatalf("read c1z: %v", err)
	}
	return s
}
