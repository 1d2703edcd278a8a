package xerofake

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine the fake starts (its
// servers, their connections) outlives them.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
