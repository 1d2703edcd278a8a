package xero_test

// benchrss_test.go measures a process tree's peak memory from a small
// parent. On Linux a child started from the test process (os/exec uses
// CLONE_VM) inherits, in its max RSS, the test process's resident size at
// the time of the start: the benchmark's test process holds the dataset
// and the last sync it read, so connectortest.Exec's MaxRSSKiB there would
// be the test process's size, not the connector's. The test binary, run
// under rssMarker, starts the connector itself and reports its max RSS.

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// rssMarker holds the file the wrapper writes the max RSS (KiB) to.
const rssMarker = "BATON_XERO_BENCH_RSS"

// rssMain is the wrapper's main: it runs the test binary with the
// environment it was given (less rssMarker) and its arguments, waits, and
// writes the child's max RSS (its process tree's largest process).
func rssMain() {
	out := os.Getenv(rssMarker)
	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	cmd := exec.Command(self, os.Args[1:]...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, rssMarker+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err = cmd.Run()
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		fail(err)
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		fail(errors.New("no rusage"))
	}
	if err := os.WriteFile(out, []byte(strconv.FormatInt(ru.Maxrss, 10)), 0o600); err != nil {
		fail(err)
	}
	os.Exit(cmd.ProcessState.ExitCode())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench rss wrapper:", err)
	os.Exit(1)
}
