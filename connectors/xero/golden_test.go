package xero_test

import (
	"context"
	"testing"

	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
	"github.com/accessgov/baton-connectors/internal/connectortest"
)

// TestSync_DemoGolden: what the demo dataset syncs to, as the reviewed,
// normalised dump in testdata/demo.golden.json (resource types, resources,
// entitlements and grants, sorted). A reviewer sees the resource model by
// reading that one file; `go test -run TestSync_DemoGolden -update`
// rewrites it after a deliberate change.
func TestSync_DemoGolden(t *testing.T) {
	e := newEnv(t, xerofake.Demo(), xerofake.Options{})
	rt := e.fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
	out := e.c1z("sync")
	e.run(0, e.webArgs(out, rt)...)
	e.assertSynced(out, organisations(e.ds))
	got, err := connectortest.DumpC1Z(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	connectortest.Golden(t, got, "testdata/demo.golden.json")
}
