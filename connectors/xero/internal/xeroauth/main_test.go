package xeroauth

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests if any goroutine (a login listener,
// a stdin reader, a token request) outlives them.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
