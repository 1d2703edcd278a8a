package connectortest

import (
	"context"
	"path/filepath"
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/connectorstore"
	"github.com/conductorone/baton-sdk/pkg/dotc1z"
)

// writeC1Z writes a small finished sync, as a connector run would.
func writeC1Z(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	// A SQLite c1z on purpose: the readers must handle both engines.
	f, err := dotc1z.NewC1ZFile(ctx, path, dotc1z.WithTmpDir(t.TempDir())) //nolint:staticcheck // SQLite on purpose, see above
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.StartNewSync(ctx, connectorstore.SyncTypeFull, ""); err != nil {
		t.Fatal(err)
	}
	org := v2.ResourceId_builder{ResourceType: "org", Resource: "o1"}.Build()
	user := v2.ResourceId_builder{ResourceType: "user", Resource: "u1"}.Build()
	orgType := v2.ResourceType_builder{Id: "org", DisplayName: "Org"}.Build()
	userType := v2.ResourceType_builder{Id: "user", DisplayName: "User"}.Build()
	ent := v2.Entitlement_builder{
		Id:          "org:o1:member",
		DisplayName: "Org member",
		Resource:    v2.Resource_builder{Id: org}.Build(),
		GrantableTo: []*v2.ResourceType{userType},
	}.Build()
	steps := []error{
		f.PutResourceTypes(ctx, userType, orgType),
		f.PutResources(ctx,
			v2.Resource_builder{Id: user, ParentResourceId: org, DisplayName: "U"}.Build(),
			v2.Resource_builder{Id: org, DisplayName: "Org"}.Build()),
		f.PutEntitlements(ctx, ent),
		f.PutGrants(ctx, v2.Grant_builder{
			Id:          "org:o1:member:user:u1",
			Entitlement: ent,
			Principal:   v2.Resource_builder{Id: user}.Build(),
		}.Build()),
		f.EndSync(ctx),
		f.Close(ctx),
	}
	for i, err := range steps {
		if err != nil {
			t.Fatalf("writing the c1z, step %d: %v", i, err)
		}
	}
}

func TestDumpC1Z(t *testing.T) {
	dir := t.TempDir()
	var dumps [][]byte
	for _, name := range []string{"a.c1z", "b.c1z"} {
		path := filepath.Join(dir, name)
		writeC1Z(t, path)
		got, err := DumpC1Z(context.Background(), path)
		if err != nil {
			t.Fatalf("DumpC1Z: %v", err)
		}
		dumps = append(dumps, got)
	}
	// Two runs (other sync IDs, other timestamps) dump the same bytes.
	if string(dumps[0]) != string(dumps[1]) {
		t.Errorf("dumps of two runs differ:\n%s\n%s", dumps[0], dumps[1])
	}
	Golden(t, dumps[0], filepath.Join("testdata", "c1z.golden.json"))
}
