package connectortest

// signal.go: sending a running service-mode connector a signal of the
// test's choice (Stop always sends SIGTERM), and seeing its whole process
// group gone.

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// Signal sends sig to the connector process (not its group: the SDK's
// child must learn of it the way it would in production).
func (s *Service) Signal(sig os.Signal) error {
	if err := s.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("signal connector: %w", err)
	}
	return nil
}

// GroupGone waits up to timeout for every process of the connector's
// process group (the SDK's _connector-service child included) to be gone
// and reports whether they are.
func (s *Service) GroupGone(timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		if err := syscall.Kill(-s.cmd.Process.Pid, 0); errors.Is(err, syscall.ESRCH) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}
