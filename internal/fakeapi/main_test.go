package fakeapi

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when a server, a GOAWAY or a fault
// leaves a goroutine behind. Client-side keep-alive loops are the test
// clients' own and are ignored.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
	)
}
