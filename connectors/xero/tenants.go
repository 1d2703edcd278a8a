package xero

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/xero/internal/xeroapi"
)

// prefetchWorkers bounds how many organisations are read at once. The
// shared rate limiter keeps each organisation within Xero's 5-at-once and
// 60-a-minute limits; this only bounds goroutines.
const prefetchWorkers = 8

// validateReuse is how long a /connections answer read by Validate may be
// reused by the sync that follows it, so a sync costs one call, not two.
const validateReuse = 2 * time.Minute

// api is what the syncers need from Xero; *xeroapi.Client implements it.
type api interface {
	ListConnections(ctx context.Context) ([]xeroapi.Connection, error)
	GetOrganisation(ctx context.Context, tenantID string) (*xeroapi.Organisation, error)
	ListUsers(ctx context.Context, tenantID string) ([]xeroapi.User, error)
}

// tenants holds what one sync has read from Xero, so that every endpoint is
// called once per organisation whichever syncer asks first: one
// /connections, then one /Organisation and one /Users per organisation,
// read concurrently. A new sync ID starts afresh; failed reads are
// forgotten so a retried call asks Xero again.
type tenants struct {
	api   api
	allow map[string]bool // nil: every organisation
	log   *zap.Logger

	mu        sync.Mutex
	syncID    string
	conns     []xeroapi.Connection // organisations to sync, in /connections order
	connsAt   time.Time
	connsUsed bool // a sync has used conns (Validate's answer is reused once)
	orgs      map[string]*future[*xeroapi.Organisation]
	users     map[string]*future[[]xeroapi.User]
	sem       chan struct{}
}

func newTenants(a api, allow []string, log *zap.Logger) *tenants {
	t := &tenants{api: a, log: log, sem: make(chan struct{}, prefetchWorkers)}
	if len(allow) > 0 {
		t.allow = make(map[string]bool, len(allow))
		for _, id := range allow {
			if id = strings.TrimSpace(id); id != "" {
				t.allow[strings.ToLower(id)] = true
			}
		}
	}
	t.resetLocked("")
	return t
}

func (t *tenants) resetLocked(syncID string) {
	t.syncID = syncID
	t.orgs = make(map[string]*future[*xeroapi.Organisation])
	t.users = make(map[string]*future[[]xeroapi.User])
}

// begin starts a new sync's view when syncID changes.
func (t *tenants) begin(syncID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if syncID == t.syncID {
		return
	}
	t.resetLocked(syncID)
	if t.connsUsed || time.Since(t.connsAt) > validateReuse {
		t.conns = nil
	}
}

// connections returns the organisations to sync, reading /connections once
// per sync. It fails, never returns an empty list, when nothing is left to
// sync, and fails when the allow-list names a tenant that is not connected.
func (t *tenants) connections(ctx context.Context, syncID string, forValidate bool) ([]xeroapi.Connection, error) {
	if !forValidate {
		t.begin(syncID)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conns != nil && !forValidate {
		t.connsUsed = true
		return t.conns, nil
	}
	all, err := t.api.ListConnections(ctx)
	if err != nil {
		return nil, fmt.Errorf("xero: %w", err)
	}
	conns, err := t.filter(all)
	if err != nil {
		return nil, err
	}
	t.conns, t.connsAt, t.connsUsed = conns, time.Now(), !forValidate
	return conns, nil
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
func (t *tenants) prefetch(ctx context.Context, tenantIDs []string) {
	for _, id := range tenantIDs {
		t.orgFuture(ctx, id)
		t.usersFuture(ctx, id)
	}
}

// organisation returns the tenant's profile, read once per sync.
func (t *tenants) organisation(ctx context.Context, tenantID string) (*xeroapi.Organisation, error) {
	return t.orgFuture(ctx, tenantID).wait(ctx)
}

// usersOf returns the tenant's users, read once per sync.
func (t *tenants) usersOf(ctx context.Context, tenantID string) ([]xeroapi.User, error) {
	return t.usersFuture(ctx, tenantID).wait(ctx)
}

func (t *tenants) orgFuture(ctx context.Context, id string) *future[*xeroapi.Organisation] {
	t.mu.Lock()
	defer t.mu.Unlock()
	return startOnce(t, t.orgs, ctx, id, func(ctx context.Context) (*xeroapi.Organisation, error) {
		org, err := t.api.GetOrganisation(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("xero: %w", err)
		}
		return org, nil
	})
}

func (t *tenants) usersFuture(ctx context.Context, id string) *future[[]xeroapi.User] {
	t.mu.Lock()
	defer t.mu.Unlock()
	return startOnce(t, t.users, ctx, id, func(ctx context.Context) ([]xeroapi.User, error) {
		users, err := t.api.ListUsers(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("xero: %w", err)
		}
		return users, nil
	})
}

// startOnce returns the future for id in m, starting its read if there is
// none. Called with t.mu held. The read runs on a context that outlives the
// syncer call that started it (the next call waits for it) but keeps its
// values (logger, HTTP timeout).
func startOnce[T any](t *tenants, m map[string]*future[T], ctx context.Context, id string, read func(context.Context) (T, error)) *future[T] {
	if f, ok := m[id]; ok {
		return f
	}
	f := &future[T]{done: make(chan struct{})}
	m[id] = f
	bg := context.WithoutCancel(ctx)
	go func() {
		t.sem <- struct{}{}
		defer func() { <-t.sem }()
		f.val, f.err = read(bg)
		if f.err != nil {
			t.mu.Lock()
			if m[id] == f {
				delete(m, id) // a later call reads again
			}
			t.mu.Unlock()
		}
		close(f.done)
	}()
	return f
}

// future is the result of one background read.
type future[T any] struct {
	done chan struct{}
	val  T
	err  error
}

func (f *future[T]) wait(ctx context.Context) (T, error) {
	select {
	case <-f.done:
		return f.val, f.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}
