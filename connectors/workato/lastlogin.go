package workato

// Last sign-in per collaborator and environment, read from each
// environment's activity log once per sync: the newest user_login entry
// (a workspace switch is logged as one) within a bounded look-back.

import (
	"context"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
)

// lastLoginPolicy bounds what a sync reads for last sign-ins.
type lastLoginPolicy struct {
	// LookBack is how far back sign-ins are read; an older one is not
	// found and the collaborator's last login falls back to the member
	// list (or stays unset).
	LookBack time.Duration
	// PageSize is the entries per request (Workato's maximum is 100).
	PageSize int
	// FallbackPages bounds the unfiltered read made when both filtered
	// reads come back empty (see readSignIns).
	FallbackPages int
}

// defaultLastLoginPolicy: 90 days, a quarter's access review, at 100 a page.
var defaultLastLoginPolicy = lastLoginPolicy{LookBack: 90 * 24 * time.Hour, PageSize: workatoapi.PageSize, FallbackPages: 10}

// signInFilters are tried in order until one returns an entry.
// UNCERTAIN: the spelling of resource types ("User" in the table, "user"
// in an example) and of the sign-in event type. A server that matches
// nothing for the first filter answers an empty page for it, so the
// resource-type filter is dropped next, then both: the last read is
// bounded (FallbackPages) and its result is kept only if it reached a
// short page, since the log's order is not documented and a cut-off read
// could miss the newest sign-in.
var signInFilters = []workatoapi.ActivityQuery{
	{IncludeResourceTypes: []string{"User"}, IncludeEventTypes: []string{"user_login"}},
	{IncludeEventTypes: []string{"user_login"}},
	{},
}

// lastLogins returns, per collaborator, the newest sign-in per environment
// found in the activity log of each environment's client within the
// look-back. An environment whose log answers 403 or 404 (no audit-log
// add-on, or no privilege in the client role) is left out with one info
// line; the map is nil when no environment served its log. Any other
// failure is returned: the sync must not guess.
func lastLogins(ctx context.Context, envs []envClient, now time.Time, log *zap.Logger) (map[workatoapi.ID]map[string]time.Time, error) {
	return readLastLogins(ctx, envs, now, log, defaultLastLoginPolicy)
}

func readLastLogins(ctx context.Context, envs []envClient, now time.Time, log *zap.Logger, p lastLoginPolicy) (map[workatoapi.ID]map[string]time.Time, error) {
	if log == nil {
		log = zap.NewNop()
	}
	var out map[workatoapi.ID]map[string]time.Time
	var unavailable []string
	var firstErr error
	for _, e := range envs {
		logins, cut, err := readSignIns(ctx, e, now, p)
		if cut {
			log.Info("workato: the "+e.Env+" activity log answered no sign-ins to the filtered reads and more entries than the bounded unfiltered read takes; "+
				"last sign-ins of this environment are left unset rather than guessed", zap.String("env", e.Env), zap.Int("pages", p.FallbackPages))
		}
		if err != nil {
			if logUnavailable(err) {
				unavailable = append(unavailable, e.Env)
				if firstErr == nil {
					firstErr = err
				}
				continue
			}
			return nil, wrap("read sign-ins from the "+e.Env+" activity log", err)
		}
		if out == nil {
			out = map[workatoapi.ID]map[string]time.Time{}
		}
		for id, t := range logins {
			if out[id] == nil {
				out[id] = map[string]time.Time{}
			}
			out[id][e.Env] = t
		}
		log.Debug("workato: last sign-ins read", zap.String("env", e.Env), zap.Int("collaborators", len(logins)))
	}
	if len(unavailable) > 0 {
		log.Info("workato: last sign-ins are not read from the activity log of "+strings.Join(unavailable, ", ")+": "+unavailableHint,
			zap.Strings("envs", unavailable), zap.Error(firstErr))
	}
	return out, nil
}

// readSignIns reads e's sign-ins within the look-back, newest per user.
// cut reports a fallback read that hit its bound (no result then).
func readSignIns(ctx context.Context, e envClient, now time.Time, p lastLoginPolicy) (logins map[workatoapi.ID]time.Time, cut bool, err error) {
	from := now.Add(-p.LookBack)
	for i, filter := range signInFilters {
		last := i == len(signInFilters)-1
		q := filter
		q.From, q.To, q.Size = from, now, p.PageSize
		logins = map[workatoapi.ID]time.Time{}
		read, complete := 0, false
		for page := 0; !last || page < p.FallbackPages; page++ {
			entries, _, err := e.API.ListActivityLogs(ctx, q)
			if err != nil {
				return nil, false, err
			}
			read += len(entries)
			for _, a := range entries {
				if !isSignIn(a) || a.CreatedAt.Before(from) || a.CreatedAt.After(now) {
					continue // the filters are repeated here in case the server ignored them
				}
				id, _, _ := signInUser(a)
				if id.IsZero() {
					continue
				}
				if t, ok := logins[id]; !ok || a.CreatedAt.After(t) {
					logins[id] = a.CreatedAt.Time
				}
			}
			if len(entries) < q.Size || entries[len(entries)-1].ID.IsZero() || entries[len(entries)-1].ID == q.After {
				complete = true
				break
			}
			q.After = entries[len(entries)-1].ID
		}
		switch {
		case read > 0 && complete:
			return logins, false, nil
		case read > 0:
			return nil, true, nil // the bounded last read was cut off: no value rather than a wrong one
		}
	}
	return map[workatoapi.ID]time.Time{}, false, nil
}
