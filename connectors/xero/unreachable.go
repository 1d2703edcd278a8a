package xero

// unreachable.go decides what happens to an organisation that /connections
// lists but the accounting API will not serve (403: disconnected on the
// organisation's side or subscription ended; 404/410: gone): it is skipped
// as a whole with a warning naming it and the fix, the sync says how many
// organisations it covered, and --xero-require-all-organisations makes the
// skip fatal instead. Every other failure fails the sync.

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"go.uber.org/zap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/xero/internal/xeroapi"
	"github.com/accessgov/baton-connectors/internal/httpx"
)

// unreachableFix is what a user does about an unreachable organisation.
const unreachableFix = "reconnect it with `baton-xero login` (choose the organisation on Xero's consent page), " +
	"or remove the connection in Xero, or leave it out with --xero-tenant-ids (BATON_XERO_TENANT_IDS)"

// unreachable reports whether err is Xero refusing or not finding the whole
// organisation, as opposed to a failure of the request.
func unreachable(err error) bool {
	if httpx.IsNotFound(err) {
		return true
	}
	var se *httpx.StatusError
	return errors.As(err, &se) && se.StatusCode == http.StatusForbidden
}

// skippedOrg is one organisation left out of a sync.
type skippedOrg struct {
	TenantID, Name string
	Status         int // the HTTP status Xero answered
}

func (s skippedOrg) String() string { return s.Name + " (" + s.TenantID + ")" }

// skipLog records the organisations skipped in the current sync.
type skipLog struct {
	mu     sync.Mutex
	syncID string
	order  []skippedOrg
	seen   map[string]bool
}

// add records s for syncID, once, and reports whether it is new.
func (l *skipLog) add(syncID string, s skippedOrg) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.syncID != syncID || l.seen == nil {
		l.syncID, l.order, l.seen = syncID, nil, map[string]bool{}
	}
	if l.seen[strings.ToLower(s.TenantID)] {
		return false
	}
	l.seen[strings.ToLower(s.TenantID)] = true
	l.order = append(l.order, s)
	return true
}

// list returns the organisations skipped in syncID.
func (l *skipLog) list(syncID string) []skippedOrg {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.syncID != syncID {
		return nil
	}
	return append([]skippedOrg(nil), l.order...)
}

// statusOf is the HTTP status of a StatusError, 0 for anything else.
func statusOf(err error) int {
	var se *httpx.StatusError
	if errors.As(err, &se) {
		return se.StatusCode
	}
	return 0
}

// skipOrFail handles an organisation whose profile or users could not be
// read: nil when it is skipped (logged), an error that fails the sync
// otherwise. errs are the two reads' errors; any failure that is not
// "unreachable" wins, so a 5xx or a decode error is never skipped.
func (t *tenants) skipOrFail(syncID string, c xeroapi.Connection, errs ...error) error {
	var gone error
	for _, err := range errs {
		switch {
		case err == nil:
		case !unreachable(err):
			return err
		case gone == nil:
			gone = err
		}
	}
	if gone == nil {
		return nil
	}
	s := skippedOrg{TenantID: c.TenantID, Name: c.TenantName, Status: statusOf(gone)}
	if t.requireAll {
		return status.Errorf(codes.FailedPrecondition,
			"xero: organisation %s cannot be read (Xero answered %d) and --xero-require-all-organisations is set: %s; %s",
			s, s.Status, strings.TrimPrefix(gone.Error(), "xero: "), unreachableFix)
	}
	if t.skips.add(syncID, s) {
		t.log.Warn("xero: skipping an organisation this app cannot read: it is left out of this sync as a whole; "+unreachableFix+
			"; set --xero-require-all-organisations to fail the sync instead",
			zap.String("tenant_id", s.TenantID), zap.String("tenant_name", s.Name), zap.Int("http_status", s.Status), zap.Error(gone))
	}
	return errSkipped
}

// errSkipped tells the caller the organisation was skipped; it never
// leaves the connector.
var errSkipped = errors.New("xero: organisation skipped")

// finish closes the organisation listing of syncID: the line saying how
// many organisations were synced, or an error when none could be.
func (t *tenants) finish(syncID string, total int) error {
	skipped := t.skips.list(syncID)
	names := make([]string, len(skipped))
	for i, s := range skipped {
		names[i] = s.String()
	}
	if len(skipped) == total {
		return status.Errorf(codes.FailedPrecondition,
			"xero: none of the %d connected organisations could be read (%s); %s", total, strings.Join(names, ", "), unreachableFix)
	}
	fields := []zap.Field{zap.Int("synced", total-len(skipped)), zap.Int("connected", total)}
	if len(skipped) > 0 {
		fields = append(fields, zap.Strings("skipped", names))
	}
	t.log.Info(fmt.Sprintf("xero: synced %d of %d connected organisations", total-len(skipped), total), fields...)
	return nil
}

// afterListed is the error for an organisation already written to the
// sync whose data Xero then refused: the sync cannot be exact, so it fails.
func afterListed(tenantID string, err error) error {
	if err == nil || !unreachable(err) {
		return err
	}
	return status.Errorf(codes.FailedPrecondition,
		"xero: organisation %s became unreachable after it was listed, so this sync cannot be complete: %s; run the sync again",
		tenantID, strings.TrimPrefix(err.Error(), "xero: "))
}
