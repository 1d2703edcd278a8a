package xero

// release.go frees what a sync read of an organisation once the last
// syncer call that needs it is done, so a sync of 10,000 organisations
// holds only the users of organisations still being synced.

import (
	"sync"

	"github.com/accessgov/baton-connectors/connectors/xero/internal/xeroapi"
)

// userUses counts, per organisation of the current sync, the syncer calls
// still to come that read its users: the user List, the role List, and the
// organisation's page of the type-scoped organisation grants and of the
// type-scoped role grants (typescoped.go). The organisation List reads
// them too, but before any of these.
type userUses struct {
	mu     sync.Mutex
	syncID string
	left   map[string]int // tenant ID → calls still to come
}

// userReaders is how many calls read an organisation's users after it is
// listed.
const userReaders = 4

// done records one of those calls as finished and reports whether it was
// the last, counting from userReaders at an organisation's first call of
// the sync.
func (u *userUses) done(syncID, tenantID string) (last bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.syncID != syncID || u.left == nil {
		u.syncID, u.left = syncID, map[string]int{}
	}
	n, ok := u.left[tenantID]
	if !ok {
		n = userReaders
	}
	if n--; n > 0 {
		u.left[tenantID] = n
		return false
	}
	delete(u.left, tenantID)
	return true
}

// usedUsers records that a syncer call is done with tenantID's users; after
// the last one they are forgotten. A call that comes after all (a retried
// one, or a per-resource Grants call, which baton-sdk v0.25.0 no longer
// makes for these types) reads them again: one more
// request, never a wrong answer. A sync that skips some of these calls
// (--skip-grants, --sync-resource-types) keeps the users until the next
// sync starts, as before.
func (t *tenants) usedUsers(syncID, tenantID string, users []xeroapi.User) {
	if t.uses.done(syncID, tenantID) {
		t.loads.Forget(syncID, keyUsersPrefix+tenantID)
	}
}
