package workato

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/types/grant"
	"go.uber.org/zap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
	"github.com/accessgov/baton-connectors/internal/httpx"
)

// Provisioning changes which role a collaborator holds in one environment
// with PUT /api/members/:id. The collaborator's current roles are read
// fresh first and sent back unchanged for every other environment, so the
// write never depends on how Workato treats environments left out of the
// body (its docs leave that open). Changes to one collaborator are
// serialised, so two grants in quick succession cannot overwrite each
// other. The PUT is never replayed with a stale body: see rewritePolicy and
// change. A write that fails changes nothing: the PUT is the only write.

// provisioner is shared by the syncers that change access. It holds one
// API client per environment with a token, DEV first: collaborators,
// environment roles and groups are changed with the DEV client, a
// project's grants with the client of the project's environment.
type provisioner struct {
	envs []envClient
	log  *zap.Logger

	rewrite rewritePolicy

	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

func newProvisioner(envs []envClient, log *zap.Logger) *provisioner {
	return &provisioner{envs: envs, log: log, rewrite: defaultRewritePolicy, locks: map[string]*sync.Mutex{}}
}

// dev is the DEV environment's client, the only one collaborator and
// group endpoints answer.
func (p *provisioner) dev() api { return p.envs[0].API }

// lock serialises changes to one object (a collaborator's roles, a
// project's grants to one holder, a group's members); key names it.
func (p *provisioner) lock(key string) func() {
	p.mu.Lock()
	l, ok := p.locks[key]
	if !ok {
		l = &sync.Mutex{}
		p.locks[key] = l
	}
	p.mu.Unlock()
	l.Lock()
	return l.Unlock
}

// memberLock is the lock key of a collaborator's roles.
func memberLock(id workatoapi.ID) string { return "collaborator:" + id.String() }

// collaboratorIDOf checks that id names a collaborator and returns its
// Workato ID; notCollaborator says what else is refused.
func collaboratorIDOf(id *v2.ResourceId, notCollaborator string) (workatoapi.ID, error) {
	if id.GetResourceType() != collaboratorTypeID {
		return "", status.Errorf(codes.InvalidArgument, "workato: %s, not a %s (%s)", notCollaborator, id.GetResourceType(), id.GetResource())
	}
	n, err := workatoapi.ParseNumericID(id.GetResource())
	if err != nil {
		return "", status.Errorf(codes.InvalidArgument, "workato: collaborator ID %q is not a number", id.GetResource())
	}
	return n, nil
}

// member reads a collaborator fresh. A collaborator who is gone is
// NotFound; no other failure is.
func (p *provisioner) member(ctx context.Context, id workatoapi.ID) (*workatoapi.Member, error) {
	m, err := p.dev().GetMember(ctx, id)
	if err != nil {
		if httpx.IsNotFound(err) {
			return nil, status.Errorf(codes.NotFound, "workato: collaborator %s is no longer in the workspace (they left or were removed)", id)
		}
		return nil, wrap(fmt.Sprintf("read collaborator %s", id), err)
	}
	return m, nil
}

// withRoleTypes fills in the role_type of m's roles that carry none
// (UNCERTAIN, workato-api.md §2.3: only newer answers have it), so the
// roles sent back for other environments keep their model: a name GET
// /api/environment_roles lists is an environment role; anything else is
// left without a type, which Workato takes as a legacy role.
func (p *provisioner) withRoleTypes(ctx context.Context, m *workatoapi.Member) error {
	missing := false
	for _, r := range m.Roles {
		missing = missing || (r.RoleType == "" && r.RoleName != "" && !strings.EqualFold(r.RoleName, workatoapi.NoAccess))
	}
	if !missing {
		return nil
	}
	roles, migrated, err := p.environmentRoles(ctx)
	if err != nil || !migrated {
		return err
	}
	for i, r := range m.Roles {
		if r.RoleType == "" && slices.ContainsFunc(roles, func(e workatoapi.RBACRole) bool { return strings.EqualFold(e.Name, r.RoleName) }) {
			m.Roles[i].RoleType = workatoapi.RoleTypeEnvironment
		}
	}
	return nil
}

// current is the role m holds in env, if any.
func current(m *workatoapi.Member, env string) (workatoapi.MemberRole, bool) {
	for _, r := range m.Roles {
		if strings.EqualFold(r.EnvironmentType, env) && r.RoleName != "" && !strings.EqualFold(r.RoleName, workatoapi.NoAccess) {
			return r, true
		}
	}
	return workatoapi.MemberRole{}, false
}

// envRoles is m's roles with env set to name (NoAccess removes), every
// other environment unchanged.
func envRoles(m *workatoapi.Member, env, name, roleType string) []workatoapi.EnvRole {
	out := []workatoapi.EnvRole{{EnvironmentType: env, Name: name, RoleType: roleType}}
	for _, r := range m.Roles {
		if strings.EqualFold(r.EnvironmentType, env) || r.RoleName == "" {
			continue
		}
		out = append(out, workatoapi.EnvRole{EnvironmentType: r.EnvironmentType, Name: r.RoleName, RoleType: r.RoleType})
	}
	return out
}

// sameRole reports whether a held role is the target.
func sameRole(r workatoapi.MemberRole, t target) bool {
	if !strings.EqualFold(r.RoleName, t.Name) {
		return false
	}
	rt := r.RoleType
	if rt == "" {
		rt = workatoapi.RoleTypeLegacy
	}
	return strings.EqualFold(rt, t.RoleType)
}

// rewritePolicy bounds the attempts of one role change. The PUT is built
// from a fresh read and never replayed as is (httpx.WithNoReplay): after a
// failure whose outcome is unknown the collaborator is read again and the
// body rebuilt, so a change made meanwhile by someone else is never put
// back.
type rewritePolicy struct {
	Attempts int           // reads-and-writes in all, the first included
	Wait     time.Duration // before the second attempt; doubled after
}

// defaultRewritePolicy: three attempts, 1 s then 2 s apart.
var defaultRewritePolicy = rewritePolicy{Attempts: 3, Wait: time.Second}

// Grant makes the collaborator hold the role in the entitlement's
// environment, and returns the grant as the next sync lists it.
func (p *provisioner) Grant(ctx context.Context, principal *v2.Resource, ent *v2.Entitlement) ([]*v2.Grant, annotations.Annotations, error) {
	t, err := p.resolveTarget(ctx, ent)
	if err != nil {
		return nil, nil, err
	}
	id, err := collaboratorIDOf(principal.GetId(), "roles can be granted only to collaborators")
	if err != nil {
		return nil, nil, err
	}
	defer p.lock(memberLock(id))()
	g := grant.NewGrant(ent.GetResource(), t.Env, principal.GetId())
	holds := func(m *workatoapi.Member) bool {
		r, ok := current(m, t.Env)
		return ok && sameRole(r, t)
	}
	changed, err := p.change(ctx, id, t.Env, holds, func(m *workatoapi.Member) []workatoapi.EnvRole {
		return envRoles(m, t.Env, t.Name, t.RoleType)
	})
	if err != nil {
		return nil, nil, err
	}
	if !changed {
		return []*v2.Grant{g}, annotations.New(&v2.GrantAlreadyExists{}), nil
	}
	p.log.Info("workato: granted role", zap.String("collaborator", id.String()), zap.String("role", t.Name), zap.String("env", t.Env))
	return []*v2.Grant{g}, nil, nil
}

// Revoke removes the collaborator's access to the grant's environment
// (Workato's NoAccess) if they hold the grant's role there.
func (p *provisioner) Revoke(ctx context.Context, g *v2.Grant) (annotations.Annotations, error) {
	ent := g.GetEntitlement()
	t, err := p.resolveTarget(ctx, ent)
	if err != nil {
		return nil, err
	}
	id, err := collaboratorIDOf(g.GetPrincipal().GetId(), "only collaborators hold roles")
	if err != nil {
		return nil, err
	}
	defer p.lock(memberLock(id))()
	revoked := func(m *workatoapi.Member) bool {
		r, ok := current(m, t.Env)
		return !ok || !sameRole(r, t)
	}
	changed, err := p.change(ctx, id, t.Env, revoked, func(m *workatoapi.Member) []workatoapi.EnvRole {
		// NoAccess carries the type of the role it removes: Workato
		// documents NoAccess without saying whether role_type matters
		// with it, and the matching type is right either way.
		rt := ""
		if t.RoleType == workatoapi.RoleTypeEnvironment {
			rt = t.RoleType
		}
		return envRoles(m, t.Env, workatoapi.NoAccess, rt)
	})
	if status.Code(err) == codes.NotFound { // gone: holds nothing any more
		return annotations.New(&v2.GrantAlreadyRevoked{}), nil
	}
	if err != nil {
		return nil, err
	}
	if !changed {
		return annotations.New(&v2.GrantAlreadyRevoked{}), nil
	}
	p.log.Info("workato: revoked role", zap.String("collaborator", id.String()), zap.String("role", t.Name), zap.String("env", t.Env))
	return nil, nil
}

// change brings collaborator id's role in env to what done checks, with the
// PUT body built from a read made for that attempt. It reports whether it
// wrote (false: the first read already showed it done). After the write it
// reads again and fails with Aborted if another environment's role is not
// what was read before the write: someone changed it concurrently, and
// nothing was reverted.
func (p *provisioner) change(ctx context.Context, id workatoapi.ID, env string, done func(*workatoapi.Member) bool, body func(*workatoapi.Member) []workatoapi.EnvRole) (bool, error) {
	pol := p.rewrite
	wait := pol.Wait
	var lastErr error
	for attempt := 1; attempt <= pol.Attempts; attempt++ {
		if attempt > 1 {
			if err := sleepCtx(ctx, wait); err != nil {
				return false, wrap(fmt.Sprintf("update the roles of collaborator %s", id), err)
			}
			wait *= 2
		}
		m, err := p.member(ctx, id)
		if err == nil {
			err = p.withRoleTypes(ctx, m)
		}
		if err != nil {
			return false, err
		}
		if done(m) {
			// On a later attempt an earlier write was applied after all.
			return attempt > 1, nil
		}
		_, err = p.dev().UpdateMemberRoles(ctx, m.ID, body(m))
		if err == nil {
			return true, p.confirm(ctx, m, env, done)
		}
		if !outcomeUnknown(ctx, err) {
			return false, roleWriteError(m.ID, err)
		}
		lastErr = err
		p.log.Info("workato: a role change failed with an unknown outcome; reading the collaborator again before another attempt",
			zap.String("collaborator", id.String()), zap.Int("attempt", attempt), zap.Error(err))
	}
	return false, roleWriteError(id, lastErr)
}

// confirm reads the collaborator after a write: env must be done, and
// every other environment as read before the write.
func (p *provisioner) confirm(ctx context.Context, before *workatoapi.Member, env string, done func(*workatoapi.Member) bool) error {
	after, err := p.member(ctx, before.ID)
	if err == nil {
		err = p.withRoleTypes(ctx, after)
	}
	if err != nil {
		return wrap(fmt.Sprintf("confirm the role change of collaborator %s", before.ID), err)
	}
	for _, e := range envsOf(before, after) {
		if strings.EqualFold(e, env) {
			continue
		}
		b, _ := current(before, e)
		a, _ := current(after, e)
		if !strings.EqualFold(a.RoleName, b.RoleName) || !strings.EqualFold(roleTypeOf(a), roleTypeOf(b)) {
			return status.Errorf(codes.Aborted,
				"workato: a concurrent change was detected: collaborator %s's role in %s is now %q, not %q as read before this change; nothing was reverted: sync again to see the current roles",
				before.ID, e, a.RoleName, b.RoleName)
		}
	}
	if !done(after) {
		return status.Errorf(codes.Aborted,
			"workato: a concurrent change was detected: collaborator %s's role in %s is not what was just written; nothing was reverted: sync again to see the current roles", before.ID, env)
	}
	return nil
}

// envsOf lists the environments either read names.
func envsOf(ms ...*workatoapi.Member) []string {
	var out []string
	for _, m := range ms {
		for _, r := range m.Roles {
			if e := strings.ToLower(r.EnvironmentType); !slices.Contains(out, e) {
				out = append(out, e)
			}
		}
	}
	return out
}

func roleTypeOf(r workatoapi.MemberRole) string {
	if r.RoleName == "" || r.RoleType != "" {
		return r.RoleType
	}
	return workatoapi.RoleTypeLegacy
}

// outcomeUnknown reports whether a failed write may or may not have been
// applied (a 5xx, a 408, a lost connection), so it is worth a fresh read
// and another attempt.
func outcomeUnknown(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var se *httpx.StatusError
	if errors.As(err, &se) {
		return se.StatusCode >= 500 || se.StatusCode == http.StatusRequestTimeout
	}
	var re *httpx.RequestError
	if errors.As(err, &re) {
		switch re.Code {
		case codes.Unavailable, codes.DeadlineExceeded, codes.Aborted, codes.Unknown:
			return true
		}
	}
	return false
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// roleWriteError explains a failed role PUT (see writeError).
func roleWriteError(id workatoapi.ID, err error) error {
	return writeError(fmt.Sprintf("update the roles of collaborator %s", id), "", "sync again to see the current roles", err)
}

// envAPI is the client of env's API token. Without one nothing can be
// changed there: FailedPrecondition, naming the flag that supplies it.
func (p *provisioner) envAPI(env string) (api, error) {
	for _, e := range p.envs {
		if strings.EqualFold(e.Env, env) {
			return e.API, nil
		}
	}
	return nil, status.Errorf(codes.FailedPrecondition,
		"workato: the connector has no API token for the %s environment, whose projects only an API client of that environment can change: set %s; nothing was changed",
		env, tokenFlag(env))
}

// tokenFlag names the flag that gives env's API token.
func tokenFlag(env string) string {
	switch env {
	case workatoapi.EnvDev:
		return "--workato-api-key (or --workato-api-key-file)"
	case workatoapi.EnvTest, workatoapi.EnvProd:
		return fmt.Sprintf("--workato-%s-api-key (or --workato-%s-api-key-file)", env, env)
	}
	return fmt.Sprintf("--workato-env-api-keys %s=<token> (or --workato-env-api-key-files %s=<path>)", env, env)
}
