package xero

// tenants.go reads what one sync needs from Xero, once per organisation:
// one /connections, then one /Organisation and one /Users per organisation,
// read concurrently through a per-sync loader that a new sync cancels.

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"go.uber.org/zap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/xero/internal/xeroapi"
	"github.com/accessgov/baton-connectors/internal/syncload"
)

// prefetchWorkers bounds how many organisation reads run at once. The
// shared rate limiter keeps each organisation within Xero's 5-at-once and
// 60-a-minute limits and the app within 10,000 a minute; this bounds
// goroutines, and must leave enough calls in flight to use the app limit
// at Xero's latency: 10,000 a minute is 167 calls a second, which at about
// 300 ms a call needs 50 in flight. 8 (the earlier value) held a
// 10,000-organisation sync to about 27 calls a second.
const prefetchWorkers = 64

// validateReuse is how long a /connections answer read by Validate may be
// reused by the sync that follows it, so a sync costs one call, not two.
const validateReuse = 2 * time.Minute

// Loader keys.
const (
	keyConnections = "connections"
	keyOrgPrefix   = "org/"
	keyUsersPrefix = "users/"
)

// api is what the syncers need from Xero; *xeroapi.Client implements it.
type api interface {
	ListConnections(ctx context.Context) ([]xeroapi.Connection, error)
	GetOrganisation(ctx context.Context, tenantID string) (*xeroapi.Organisation, error)
	ListUsers(ctx context.Context, tenantID string) ([]xeroapi.User, error)
}

// tenants holds what one sync has read from Xero, so that every endpoint is
// called once per organisation whichever syncer asks first. Reads run under
// the sync's own context (syncload): a new sync ID cancels what the old one
// still had in flight. Failed reads are forgotten so a retried call asks
// Xero again.
type tenants struct {
	api   api
	allow map[string]bool // nil: every organisation
	log   *zap.Logger

	loads     *syncload.Loader
	validated syncload.Reuse[[]xeroapi.Connection] // Validate's answer, for the next sync

	requireAll bool     // an unreachable organisation fails the sync (--xero-require-all-organisations)
	skips      skipLog  // organisations left out of the current sync
	uses       userUses // calls still to read each organisation's users (release.go)
	listed     listing  // the organisations the sync wrote (listed.go)
}

func newTenants(a api, allow []string, requireAll bool, log *zap.Logger) *tenants {
	t := &tenants{api: a, log: log, loads: syncload.New(prefetchWorkers), requireAll: requireAll}
	if len(allow) > 0 {
		t.allow = make(map[string]bool, len(allow))
		for _, id := range allow {
			if id = strings.TrimSpace(id); id != "" {
				t.allow[strings.ToLower(id)] = true
			}
		}
	}
	return t
}

// close cancels every read still running and waits for them.
func (t *tenants) close() { t.loads.Close() }

// validate reads /connections for Validate and keeps the answer for the
// first sync that follows within validateReuse.
func (t *tenants) validate(ctx context.Context) error {
	conns, err := t.readConnections(ctx)
	if err != nil {
		return err
	}
	t.validated.Put(conns)
	return nil
}

// connections returns the organisations to sync, reading /connections once
// per sync (or reusing Validate's answer). It fails, never returns an empty
// list, when nothing is left to sync, and fails when the allow-list names a
// tenant that is not connected.
func (t *tenants) connections(ctx context.Context, syncID string) ([]xeroapi.Connection, error) {
	return syncload.Get(ctx, t.loads, syncID, keyConnections, func(ctx context.Context) ([]xeroapi.Connection, error) {
		if conns, ok := t.validated.Take(validateReuse); ok {
			return conns, nil
		}
		return t.readConnections(ctx)
	})
}

func (t *tenants) readConnections(ctx context.Context) ([]xeroapi.Connection, error) {
	all, err := t.api.ListConnections(ctx)
	if err != nil {
		return nil, err
	}
	return t.filter(all)
}

func (t *tenants) filter(all []xeroapi.Connection) ([]xeroapi.Connection, error) {
	var out []xeroapi.Connection
	seen := map[string]bool{}
	kept := map[string]bool{} // organisations synced, by lower-case tenant ID
	skipped := map[string]int{}
	for _, c := range all {
		id := strings.ToLower(c.TenantID)
		if seen[id] {
			continue // the same tenant connected twice (two auth events)
		}
		seen[id] = true
		if !strings.EqualFold(c.TenantType, xeroapi.TenantTypeOrganisation) {
			skipped[c.TenantType]++
			t.log.Info("xero: skipping a connection that is not an organisation: only organisations have users and roles in the accounting API",
				zap.String("tenant_id", c.TenantID), zap.String("tenant_type", c.TenantType), zap.String("tenant_name", c.TenantName))
			continue
		}
		if t.allow != nil && !t.allow[id] {
			continue
		}
		kept[id] = true
		out = append(out, c)
	}
	if t.allow != nil {
		var missing []string
		for id := range t.allow {
			if !kept[id] {
				missing = append(missing, id)
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			return nil, status.Errorf(codes.FailedPrecondition,
				"xero: --xero-tenant-ids names tenants that are not connected organisations of this app: %s; "+
					"connect them in Xero (baton-xero login) or remove them from the list", strings.Join(missing, ", "))
		}
	}
	if len(out) == 0 {
		note := ""
		if len(skipped) > 0 {
			note = fmt.Sprintf(" (%d connection(s) skipped because they are not organisations: %v)", len(all), skipped)
		}
		return nil, status.Errorf(codes.FailedPrecondition,
			"xero: no organisation is connected to this app%s; connect one by authorising the app in Xero (baton-xero login)", note)
	}
	return out, nil
}

// prefetch starts reading the profile and the users of each tenant in the
// background, so organisations are read concurrently.
func (t *tenants) prefetch(syncID string, tenantIDs []string) {
	for _, id := range tenantIDs {
		syncload.Start(t.loads, syncID, keyOrgPrefix+id, keepGone(t.readOrganisation(id)))
		syncload.Start(t.loads, syncID, keyUsersPrefix+id, keepGone(t.readUsers(id)))
	}
}

// organisation returns the tenant's profile, read once per sync.
func (t *tenants) organisation(ctx context.Context, syncID, tenantID string) (*xeroapi.Organisation, error) {
	r, err := syncload.Get(ctx, t.loads, syncID, keyOrgPrefix+tenantID, keepGone(t.readOrganisation(tenantID)))
	if err != nil {
		return nil, err
	}
	return r.val, r.gone
}

// users returns the tenant's users, read once per sync.
func (t *tenants) users(ctx context.Context, syncID, tenantID string) ([]xeroapi.User, error) {
	r, err := syncload.Get(ctx, t.loads, syncID, keyUsersPrefix+tenantID, keepGone(t.readUsers(tenantID)))
	if err != nil {
		return nil, err
	}
	return r.val, r.gone
}

// usersOf returns the users of a tenant already listed, read once per sync.
func (t *tenants) usersOf(ctx context.Context, syncID, tenantID string) ([]xeroapi.User, error) {
	users, err := t.users(ctx, syncID, tenantID)
	return users, afterListed(tenantID, err)
}

// whole reads an organisation's profile and users, both, before it is
// written to the sync, so an organisation is there with all its users or
// not at all. ok is false when it is skipped (see skipOrFail).
func (t *tenants) whole(ctx context.Context, syncID string, c xeroapi.Connection) (org *xeroapi.Organisation, ok bool, err error) {
	org, orgErr := t.organisation(ctx, syncID, c.TenantID)
	_, usersErr := t.users(ctx, syncID, c.TenantID)
	switch err := t.skipOrFail(syncID, c, orgErr, usersErr); {
	case errors.Is(err, errSkipped):
		return nil, false, nil
	case err != nil:
		return nil, false, err
	}
	return org, true, nil
}

func (t *tenants) readOrganisation(id string) func(context.Context) (*xeroapi.Organisation, error) {
	return func(ctx context.Context) (*xeroapi.Organisation, error) { return t.api.GetOrganisation(ctx, id) }
}

func (t *tenants) readUsers(id string) func(context.Context) ([]xeroapi.User, error) {
	return func(ctx context.Context) ([]xeroapi.User, error) { return t.api.ListUsers(ctx, id) }
}

// read is one load's outcome as the loader keeps it: a value, or Xero
// refusing the whole organisation (gone). A refusal is kept for the sync
// like a value, so it costs one call and is decided once; any other
// failure is returned as an error, which the loader forgets so a retried
// call asks again.
type read[T any] struct {
	val  T
	gone error
}

func keepGone[T any](load func(context.Context) (T, error)) func(context.Context) (read[T], error) {
	return func(ctx context.Context) (read[T], error) {
		v, err := load(ctx)
		if err != nil && unreachable(err) {
			return read[T]{gone: err}, nil
		}
		return read[T]{val: v}, err
	}
}
