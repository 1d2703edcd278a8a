package xero

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"go.uber.org/zap"

	"github.com/accessgov/baton-connectors/connectors/xero/internal/xeroapi"
	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
)

// countingAPI counts ListUsers calls per tenant.
type countingAPI struct {
	api
	users map[string]*atomic.Int32
}

func (c *countingAPI) ListUsers(ctx context.Context, tenantID string) ([]xeroapi.User, error) {
	c.users[tenantID].Add(1)
	return c.api.ListUsers(ctx, tenantID)
}

// TestTenants_UsedUsers: an organisation's users are read once for every
// syncer call that needs them, held until the last of those calls (the
// user List, the role List, its page of the type-scoped organisation
// grants and of the type-scoped role grants) and released after it, so a
// later read asks again.
func TestTenants_UsedUsers(t *testing.T) {
	ctx := context.Background()
	ds := xerofake.Generate(2, 10, 1)
	a := &countingAPI{api: newFloorAPI(ds), users: map[string]*atomic.Int32{}}
	for _, o := range ds.Orgs {
		a.users[o.OrganisationID] = &atomic.Int32{}
	}
	tn := newTenants(a, nil, false, zap.NewNop())
	defer tn.close()
	attrs := resource.SyncOpAttrs{SyncID: "sync-1"}
	orgs, _ := listAll(t, tn, attrs)
	if got, want := len(orgs), 2; got != want {
		t.Fatalf("organisations: got %d, want %d", got, want)
	}
	if _, _, err := newOrgSyncer(tn).GrantsForResourceType(ctx, orgTypeID, attrs); err != nil {
		t.Fatal(err)
	}
	for _, org := range orgs {
		id := org.GetId().GetResource()
		if _, err := tn.users(ctx, attrs.SyncID, id); err != nil {
			t.Fatal(err)
		}
		if got, want := a.users[id].Load(), int32(1); got != want {
			t.Fatalf("before the role grants, users of %s read: got %d, want %d (held until the last use)", id, got, want)
		}
	}
	if _, _, err := newRoleSyncer(tn).GrantsForResourceType(ctx, roleTypeID, attrs); err != nil {
		t.Fatal(err)
	}
	for _, org := range orgs {
		id := org.GetId().GetResource()
		if _, err := tn.users(ctx, attrs.SyncID, id); err != nil {
			t.Fatal(err)
		}
		if got, want := a.users[id].Load(), int32(2); got != want {
			t.Errorf("users of %s read after the last use: got %d, want %d (released, so read again)", id, got, want)
		}
	}
}

// TestUserUses_Done: the count starts at userReaders, restarts with a new
// sync, and only the last call reports last.
func TestUserUses_Done(t *testing.T) {
	n := userReaders
	tests := []struct {
		name  string
		calls []string // sync IDs, one per call
		want  []bool
	}{
		{"one sync", repeat("s1", n), append(make([]bool, n-1), true)},
		{"a new sync restarts the count", append(repeat("s1", n-1), repeat("s2", n)...), append(make([]bool, 2*n-2), true)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var u userUses
			for i, id := range tt.calls {
				if got := u.done(id, "t1"); got != tt.want[i] {
					t.Errorf("call %d (sync %s): got last %v, want %v", i+1, id, got, tt.want[i])
				}
			}
		})
	}
}

func repeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}
