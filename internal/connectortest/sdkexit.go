package connectortest

// sdkexit.go: recovering the exit code a failed run meant to have, when
// baton-sdk v0.25.0's exit race turned it into 0.
//
// The race (internal/connector/connector.go, wrapper.runServer): when a
// one-shot run fails, the runner's deferred cancel kills the SDK's
// `_connector-service` child; the goroutine waiting for that child sees the
// kill with the context ended and calls os.Exit(0), racing the main
// goroutine's exit.LogExit(err), which prints err and calls
// os.Exit(<its gRPC code>). Whichever runs first decides the exit status, so
// a failed run sometimes exits 0 (seen here in about one run in three under
// load). The c1z then holds no finished sync, and stderr ends with the line
// LogExit printed. Nothing in a connector can close the window: both exits
// happen after the connector's last call returned.

import (
	"regexp"
	"strings"

	"google.golang.org/grpc/codes"
)

// logExitCode matches the line exit.LogExit prints for a gRPC error.
var logExitCode = regexp.MustCompile(`rpc error: code = (\w+) desc = `)

// sdkExitRaceCode returns the exit code a run whose process exited 0 was
// meant to have: the gRPC code of the error on the last line of stderr when
// that line is what exit.LogExit prints (not a log record) and the SDK
// logged "error running connector" before it. ok is false otherwise.
func sdkExitRaceCode(stderr string) (code int, ok bool) {
	if !strings.Contains(stderr, "error running connector") {
		return 0, false
	}
	// LogExit's line is the last one that is not a log record: the SDK
	// may still log while closing (e.g. "error closing connector
	// wrapper"), after LogExit printed and before the process ends.
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	last := ""
	for i := len(lines) - 1; i >= 0; i-- {
		if !isLogRecord(lines[i]) {
			last = lines[i]
			break
		}
		if !strings.Contains(lines[i], "error closing connector wrapper") {
			return 0, false // the run went on logging: the failure line is not LogExit's
		}
	}
	if last == "" {
		return 0, false
	}
	m := logExitCode.FindStringSubmatch(last)
	if m == nil {
		return int(codes.Unknown), true // LogExit of an error without a gRPC code
	}
	for c := codes.OK; c <= codes.Unauthenticated; c++ {
		if c.String() == m[1] {
			if c == codes.OK {
				return int(codes.Internal), true
			}
			return int(c), true
		}
	}
	return int(codes.Unknown), true
}

// isLogRecord reports whether a stderr line is a zap record (console lines
// start with the time, JSON ones with "{"), or empty.
func isLogRecord(line string) bool {
	return line == "" || (line[0] >= '0' && line[0] <= '9') || strings.HasPrefix(line, "{")
}
