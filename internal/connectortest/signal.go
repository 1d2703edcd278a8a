package connectortest

// signal.go: sending a running service-mode connector a signal of the
// test's choice (Stop always sends SIGTERM).

import (
	"fmt"
	"os"
)

// Signal sends sig to the connector process (not its group: the SDK's
// child must learn of it the way it would in production).
func (s *Service) Signal(sig os.Signal) error {
	if err := s.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("signal connector: %w", err)
	}
	return nil
}
