package c1fake_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"go.uber.org/goleak"

	"github.com/accessgov/baton-connectors/internal/c1fake"
)

// testCA signs every fake of this package's tests. The SDK's clients read
// the system roots once per process, so SSL_CERT_FILE must name the CA
// before the first test runs.
var testCA *c1fake.CA

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ca, err := c1fake.NewCA()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	dir, err := os.MkdirTemp("", "c1fake-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "ca.pem")
	if err := ca.WriteFile(file); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	testCA = ca
	os.Setenv("SSL_CERT_FILE", file)
	code := m.Run()
	if code == 0 {
		// The SDK's token client keeps idle keep-alive connections in a
		// transport the test cannot reach; those are not leaks of ours.
		if err := goleak.Find(
			goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
			goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
		); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			return 1
		}
	}
	return code
}
