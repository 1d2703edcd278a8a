package workato

// The workspace load: every API call a sync makes, once per sync, and the
// per-sync loader that shares the result between the syncers. What was read
// goes into a loaded value; model*.go derive everything else from it.
//
// The reads run concurrently by rate-limit group, since Workato's quotas are
// separate per endpoint group (reference §2.2): collaborators and their
// privileges; roles; collaborator groups and their members; per
// environment its projects, their folder trees and grants; API clients and
// client roles; and the activity log's last sign-ins. Each group's own
// requests are bounded by loadWorkers; the shared limiter keeps every group
// within its 60 a minute.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
	"github.com/accessgov/baton-connectors/internal/httpx"
	"github.com/accessgov/baton-connectors/internal/syncload"
)

// loadWorkers bounds the requests of one endpoint group in flight; the
// shared limiter keeps them within Workato's 60 a minute.
const loadWorkers = 4

// treeWorkers bounds the folder and project-grant reads of one
// environment in flight: those groups hold most of a large workspace's
// requests, and with only a few in flight their answers' latency, not the
// quota, would set the pace.
const treeWorkers = 16

// validateReuse is how long the collaborator list read by Validate may be
// reused by the sync that follows, so a sync reads it once.
const validateReuse = 2 * time.Minute

// api is what the connector needs from Workato; *workatoapi.Client
// implements it.
type api interface {
	ListMembers(ctx context.Context, page, perPage int) ([]workatoapi.Member, int, error)
	GetMember(ctx context.Context, id workatoapi.ID) (*workatoapi.Member, error)
	MemberPrivileges(ctx context.Context, id workatoapi.ID) ([]workatoapi.EnvPrivileges, error)
	ListRoles(ctx context.Context, page int) ([]workatoapi.Role, error)
	ListEnvironmentRoles(ctx context.Context, page int) ([]workatoapi.RBACRole, int, error)
	ListProjectRoles(ctx context.Context, page int) ([]workatoapi.RBACRole, int, error)
	ListProjectGrants(ctx context.Context, projectID workatoapi.ID, page int) ([]workatoapi.ProjectGrant, int, error)
	ListProjects(ctx context.Context, page int) ([]workatoapi.Project, error)
	ListFolders(ctx context.Context, parent workatoapi.ID, page int) ([]workatoapi.Folder, error)
	ListFoldersNested(ctx context.Context, parent workatoapi.ID, page int) ([]workatoapi.Folder, error)
	UpdateMemberRoles(ctx context.Context, id workatoapi.ID, roles []workatoapi.EnvRole) (*workatoapi.Member, error)
	DeleteMember(ctx context.Context, id workatoapi.ID) error
	InviteMember(ctx context.Context, name, email string, roles []workatoapi.EnvRole, groupIDs []workatoapi.ID) (*workatoapi.Invitation, error)

	ListGroups(ctx context.Context, page int) ([]workatoapi.Group, int, error)
	ListGroupMembers(ctx context.Context, group workatoapi.ID, page int) ([]workatoapi.GroupMember, int, error)
	AddGroupMember(ctx context.Context, group, user workatoapi.ID) error
	RemoveGroupMember(ctx context.Context, group, user workatoapi.ID) error
	PutProjectGrants(ctx context.Context, project workatoapi.ID, grants []workatoapi.ProjectGrantInput) ([]workatoapi.ProjectGrant, error)
	GetProjectGrant(ctx context.Context, id workatoapi.ID) (*workatoapi.ProjectGrant, error)
	DeleteProjectGrant(ctx context.Context, id workatoapi.ID) error
	ListAPIClients(ctx context.Context, page int) ([]workatoapi.APIClient, int, error)
	ListClientRoles(ctx context.Context, page int) ([]workatoapi.ClientRole, int, error)
	ListActivityLogs(ctx context.Context, q workatoapi.ActivityQuery) ([]workatoapi.ActivityEntry, int, error)
}

// workspace loads the model once per sync through a syncload.Loader: every
// syncer of the sync shares it, a failed load is forgotten so a retried call
// reads again, and a new sync ID (service mode) cancels whatever the old
// sync's load still has in flight.
type workspace struct {
	envs          []envClient // the main (DEV) client first
	api           api         // envs[0].API: collaborators, roles, groups
	log           *zap.Logger
	disableCustom bool
	now           func() time.Time

	loader     *syncload.Loader
	validated  syncload.Reuse[*memberList] // Validate's answer, reused once
	notMigrLog sync.Once
}

// modelKey is the loader key of the workspace model.
const modelKey = "model"

func newWorkspace(envs []envClient, log *zap.Logger, disableCustom bool) *workspace {
	return &workspace{envs: envs, api: envs[0].API, log: log, disableCustom: disableCustom, now: time.Now, loader: syncload.New(0)}
}

// validate reads the collaborator list: one cheap call that exercises the
// token, the data center and the DEV-only collaborator endpoints.
func (w *workspace) validate(ctx context.Context) error {
	items, total, err := w.api.ListMembers(ctx, 0, 0)
	if err != nil {
		return wrap("list collaborators", err)
	}
	w.validated.Put(&memberList{Items: items, Total: total})
	return nil
}

// get returns the model of the sync syncID, loading it on first use.
func (w *workspace) get(ctx context.Context, syncID string) (*model, error) {
	return syncload.Get(ctx, w.loader, syncID, modelKey, func(ctx context.Context) (*model, error) {
		first, _ := w.validated.Take(validateReuse)
		in, err := w.load(ctx, first)
		if err != nil {
			return nil, err
		}
		m, err := newModel(in)
		if err != nil {
			return nil, err
		}
		for _, n := range m.Notes {
			w.log.Info("workato: "+n.Msg, n.Fields...)
		}
		return m, nil
	})
}

// resources returns the resources of one type in the sync syncID's model,
// built by build once per sync: the type's List and its type-scoped
// entitlement and grant calls page over the same slice.
func (w *workspace) resources(ctx context.Context, syncID, typeID string, build func(*model) ([]*v2.Resource, error)) ([]*v2.Resource, error) {
	return syncload.Get(ctx, w.loader, syncID, "resources/"+typeID, func(ctx context.Context) ([]*v2.Resource, error) {
		m, err := w.get(ctx, syncID)
		if err != nil {
			return nil, err
		}
		return build(m)
	})
}

// close cancels any load in flight and waits for it.
func (w *workspace) close() { w.loader.Close() }

// latch is a value set once that others wait for.
type latch[T any] struct {
	done chan struct{}
	v    T
}

func newLatch[T any]() *latch[T] { return &latch[T]{done: make(chan struct{})} }

func (l *latch[T]) set(v T) { l.v = v; close(l.done) }

// wait returns the value, or ctx's error if ctx ends first.
func (l *latch[T]) wait(ctx context.Context) (T, error) {
	select {
	case <-l.done:
		return l.v, nil
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// load reads the workspace. Every read runs under the load's context: the
// first failure, or the end of the sync, cancels the rest.
func (w *workspace) load(ctx context.Context, first *memberList) (*loaded, error) {
	in := &loaded{DisableCustom: w.disableCustom, Privileges: map[workatoapi.ID][]workatoapi.EnvPrivileges{}}
	for _, e := range w.envs {
		in.TokenEnvs = append(in.TokenEnvs, e.Env)
	}
	g, gctx := errgroup.WithContext(ctx)
	members := newLatch[[]workatoapi.Member]()
	migrated := newLatch[bool]()
	var mu sync.Mutex // guards in's maps written by several goroutines

	// Collaborators, then their privileges.
	g.Go(func() error {
		list, err := listMembers(gctx, w.api, first)
		if err != nil {
			return wrap("list collaborators", err)
		}
		members.set(list)
		if line := missingEnvsLine(list, in.TokenEnvs); line != "" {
			w.log.Info("workato: " + line)
		}
		in.Members = list
		privs := new(errgroup.Group)
		privs.SetLimit(loadWorkers)
		for _, mem := range list {
			if len(mem.Roles) == 0 {
				continue // no access anywhere: nothing to read
			}
			id := mem.ID
			privs.Go(func() error {
				p, err := w.api.MemberPrivileges(gctx, id)
				if httpx.IsNotFound(err) {
					// Removed between the list and this read: left out as
					// a whole, said so, and everything else stays exact.
					w.log.Info("workato: collaborator removed during the sync; leaving them out", zap.String("collaborator", id.String()))
					mu.Lock()
					in.Vanished = append(in.Vanished, id)
					mu.Unlock()
					return nil
				}
				if err != nil {
					return wrap(fmt.Sprintf("read privileges of collaborator %s", id), err)
				}
				mu.Lock()
				in.Privileges[id] = p
				mu.Unlock()
				return nil
			})
		}
		return privs.Wait()
	})

	// Roles: the RBAC 2.0 probe decides the model.
	g.Go(func() error {
		m, err := w.detectMigrated(gctx, members, &in.EnvRoles)
		if err != nil {
			return err
		}
		in.Migrated = m
		migrated.set(m)
		if m {
			if in.ProjectRoles, err = readPages(gctx, workatoapi.RouteProjectRoles, rbacRoleID, w.api.ListProjectRoles); err != nil {
				return wrap("list project roles", err)
			}
			// Part-way through migration, collaborators may still hold
			// legacy custom roles, which only GET /api/roles names.
			list, err := members.wait(gctx)
			if err != nil || w.disableCustom || !holdsLegacyRole(list) {
				return err
			}
			in.CustomRoles, err = allPages(gctx, workatoapi.RouteRoles, customRoleID, w.api.ListRoles)
			if st := refusedStatus(err); st != 0 {
				w.log.Info("workato: collaborators hold legacy roles but GET /api/roles is refused on this RBAC 2.0 workspace; those roles are synced by name",
					zap.Int("status", st))
				return nil
			}
			if err != nil {
				return wrap("list custom roles", err)
			}
			return nil
		}
		if w.disableCustom {
			return nil
		}
		if in.CustomRoles, err = allPages(gctx, workatoapi.RouteRoles, customRoleID, w.api.ListRoles); err != nil {
			return wrap("list custom roles", err)
		}
		return nil
	})

	// Collaborator groups and their members.
	g.Go(func() error { return w.loadGroups(gctx, in, migrated) })

	// Every environment with a token.
	in.Envs = make([]*envLoaded, len(w.envs))
	for i, e := range w.envs {
		el := &envLoaded{Env: e.Env, Folders: map[workatoapi.ID][]workatoapi.Folder{}, Grants: map[workatoapi.ID][]workatoapi.ProjectGrant{}, Vanished: map[workatoapi.ID]bool{}}
		in.Envs[i] = el
		projects := newLatch[[]workatoapi.Project]()
		g.Go(func() error {
			list, err := allPages(gctx, workatoapi.RouteProjects, projectID, e.API.ListProjects)
			if err != nil {
				return wrap(envWhat(e.Env, "list projects"), err)
			}
			el.Projects = list
			projects.set(list)
			return nil
		})
		g.Go(func() error { return w.loadFolders(gctx, e, el, projects) })
		g.Go(func() error { return w.loadProjectGrants(gctx, e, el, projects, migrated) })
	}

	// API clients and client roles: the main client's list, then the list
	// of each other environment it shows no client of (see
	// uncoveredEnvs).
	g.Go(func() error {
		if err := w.loadAPIClients(gctx, w.envs[0], in.Envs[0]); err != nil {
			return err
		}
		for _, i := range uncoveredEnvs(w.envs, in.Envs[0]) {
			if err := w.loadAPIClients(gctx, w.envs[i], in.Envs[i]); err != nil {
				return err
			}
		}
		return nil
	})

	// Last sign-ins from the activity log.
	g.Go(func() error {
		ll, err := lastLogins(gctx, w.envs, w.now(), w.log)
		if err != nil {
			return err
		}
		in.LastLogins = ll
		return nil
	})

	if err := g.Wait(); err != nil {
		return nil, err
	}
	return in, nil
}

// envWhat names an action in an environment, for error messages.
func envWhat(env, what string) string {
	if env == workatoapi.EnvDev {
		return what
	}
	return what + " (" + env + " environment)"
}

// detectMigrated reads the RBAC 2.0 environment roles. A workspace that
// has not migrated answers that endpoint with an error: that is detected
// once, logged at info, and the legacy model is synced. A real refusal is
// never hidden: 403 fails the sync when a collaborator holds an
// environment role, which cannot be synced without that endpoint.
func (w *workspace) detectMigrated(ctx context.Context, members *latch[[]workatoapi.Member], out *[]workatoapi.RBACRole) (bool, error) {
	roles, err := readPages(ctx, workatoapi.RouteEnvironmentRoles, rbacRoleID, w.api.ListEnvironmentRoles)
	if err == nil {
		*out = roles
		return true, nil
	}
	var se *httpx.StatusError
	if !errors.As(err, &se) {
		return false, wrap("list environment roles", err)
	}
	list, werr := members.wait(ctx)
	if werr != nil {
		return false, werr
	}
	holdsEnvRole := false
	for _, mem := range list {
		for _, r := range mem.Roles {
			if strings.EqualFold(r.RoleType, workatoapi.RoleTypeEnvironment) {
				holdsEnvRole = true
			}
		}
	}
	switch {
	case legacyStatus(se.StatusCode):
		// The token works for the collaborator list, so a 401 here is
		// Workato's answer for a workspace still on the legacy model.
		if holdsEnvRole {
			return false, wrap("list environment roles", err)
		}
		w.notMigrLog.Do(func() {
			w.log.Info("workato: the workspace uses the legacy role model (no RBAC 2.0 environment roles); syncing system and custom roles",
				zap.Int("status", se.StatusCode))
		})
		return false, nil
	case se.StatusCode == http.StatusForbidden:
		if holdsEnvRole {
			return false, wrap("list environment roles (collaborators hold environment roles)", err)
		}
		w.notMigrLog.Do(func() {
			w.log.Info("workato: the API client may not list environment roles and no collaborator holds one; syncing the legacy role model")
		})
		return false, nil
	}
	return false, wrap("list environment roles", err)
}

// refusedStatus is the status of an answer that says "not available here"
// (the feature is off, the client role lacks the privilege, the workspace
// predates it), or 0 for any other error.
func refusedStatus(err error) int {
	var se *httpx.StatusError
	if !errors.As(err, &se) {
		return 0
	}
	if legacyStatus(se.StatusCode) || se.StatusCode == http.StatusForbidden {
		return se.StatusCode
	}
	return 0
}

// legacyStatus reports whether an RBAC 2.0 endpoint answering status is
// Workato's answer for a workspace (or an endpoint) that predates it: 400,
// 401 (the token just worked elsewhere), 404, 410 or 422. A 403 is told
// apart by each caller: it may be a client role without the privilege.
func legacyStatus(code int) bool {
	switch code {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusNotFound, http.StatusGone, http.StatusUnprocessableEntity:
		return true
	}
	return false
}

// shortPaged reads a list that stops on a short page whatever total its
// answers carry (the reference finds the groups' "total" ambiguous).
func shortPaged[T any](list func(context.Context, int) ([]T, int, error)) func(context.Context, int) ([]T, int, error) {
	return func(ctx context.Context, page int) ([]T, int, error) {
		items, _, err := list(ctx, page)
		return items, workatoapi.NoTotal, err
	}
}

// loadGroups reads the collaborator groups and every group's members. A
// workspace on the legacy model that refuses the groups list has none (one
// info line); on an RBAC 2.0 workspace the refusal fails the sync, since
// its project grants may name groups. A group deleted between the list and
// its members is left out, said so.
func (w *workspace) loadGroups(ctx context.Context, in *loaded, migrated *latch[bool]) error {
	groups, err := readPages(ctx, workatoapi.RouteGroups, groupID, shortPaged(w.api.ListGroups))
	if err != nil {
		st := refusedStatus(err)
		if st == 0 {
			return wrap("list collaborator groups", err)
		}
		m, werr := migrated.wait(ctx)
		if werr != nil {
			return werr
		}
		if m {
			return wrap("list collaborator groups (the workspace uses RBAC 2.0, whose project grants may name groups)", err)
		}
		w.log.Info("workato: collaborator groups are not available to this API client on a legacy workspace; none synced", zap.Int("status", st))
		return nil
	}
	members := make([][]workatoapi.GroupMember, len(groups))
	gone := make([]bool, len(groups))
	eg := new(errgroup.Group)
	eg.SetLimit(loadWorkers)
	for i, gr := range groups {
		eg.Go(func() error {
			list, err := readPages(ctx, workatoapi.RouteGroupMembers, groupMemberID, shortPaged(func(ctx context.Context, page int) ([]workatoapi.GroupMember, int, error) {
				return w.api.ListGroupMembers(ctx, gr.ID, page)
			}))
			if httpx.IsNotFound(err) {
				w.log.Info("workato: collaborator group deleted during the sync; leaving it out", zap.String("group", gr.ID.String()))
				gone[i] = true
				return nil
			}
			if err != nil {
				return wrap(fmt.Sprintf("list members of collaborator group %s", gr.ID), err)
			}
			members[i] = list
			return nil
		})
	}
	if err := eg.Wait(); err != nil {
		return err
	}
	in.GroupsListed = true
	in.GroupMembers = map[workatoapi.ID][]workatoapi.GroupMember{}
	for i, gr := range groups {
		if gone[i] {
			continue
		}
		in.Groups = append(in.Groups, gr)
		in.GroupMembers[gr.ID] = members[i]
	}
	return nil
}

// loadProjectGrants reads every project's grants on an RBAC 2.0
// workspace. A project deleted after the project list answers 404: it is
// left out of the sync as a whole, said so.
func (w *workspace) loadProjectGrants(ctx context.Context, e envClient, el *envLoaded, projects *latch[[]workatoapi.Project], migrated *latch[bool]) error {
	m, err := migrated.wait(ctx)
	if err != nil || !m {
		return err
	}
	list, err := projects.wait(ctx)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	eg := new(errgroup.Group)
	eg.SetLimit(treeWorkers)
	for _, p := range list {
		eg.Go(func() error {
			grants, err := readPages(ctx, workatoapi.RouteProjectGrants, grantID, func(ctx context.Context, page int) ([]workatoapi.ProjectGrant, int, error) {
				return e.API.ListProjectGrants(ctx, p.ID, page)
			})
			mu.Lock()
			defer mu.Unlock()
			if httpx.IsNotFound(err) {
				w.log.Info("workato: project deleted during the sync; leaving it out", zap.String("environment", e.Env), zap.String("project", p.ID.String()))
				el.Vanished[p.ID] = true
				return nil
			}
			if err != nil {
				return wrap(envWhat(e.Env, fmt.Sprintf("list grants of project %s", p.ID)), err)
			}
			el.Grants[p.ID] = grants
			return nil
		})
	}
	return eg.Wait()
}

// uncoveredEnvs returns the indexes in envs of the environments whose API
// clients the main client's list (el) did not show. Each item names its
// environment, which suggests one list spans the workspace, but whether a
// client sees other environments' clients is UNCERTAIN (reference §2.9).
// An environment we hold a token for has at least one API client (that
// token's), so if the main list shows none of it, the list does not cover
// it and that environment's own list is read too (the model deduplicates
// by ID). A main list that was refused is not retried per environment:
// the README has every environment's client use the same client role.
func uncoveredEnvs(envs []envClient, el *envLoaded) []int {
	if !el.APIClientsListed {
		return nil
	}
	known := map[string]bool{}
	for _, e := range envs {
		known[e.Env] = true
	}
	seen := map[string]bool{}
	for _, c := range el.APIClients {
		seen[apiClientEnv(c, envs[0].Env, nil, known)] = true
	}
	var out []int
	for i := 1; i < len(envs); i++ {
		if !seen[envs[i].Env] {
			out = append(out, i)
		}
	}
	return out
}

// loadAPIClients reads the API clients and client roles with the client
// of e. A client role that may not list them (403 and the like) gets one
// info line and the sync goes on without them.
func (w *workspace) loadAPIClients(ctx context.Context, e envClient, el *envLoaded) error {
	clients, err := readPages(ctx, workatoapi.RouteAPIClients, apiClientID, e.API.ListAPIClients)
	if st := refusedStatus(err); st != 0 {
		w.log.Info("workato: this API client may not list API clients; API clients not synced for this environment",
			zap.String("environment", e.Env), zap.Int("status", st))
		return nil
	}
	if err != nil {
		return wrap(envWhat(e.Env, "list API clients"), err)
	}
	roles, err := readPages(ctx, workatoapi.RouteClientRoles, clientRoleID, e.API.ListClientRoles)
	if st := refusedStatus(err); st != 0 {
		w.log.Info("workato: this API client may not list client roles; each API client's role is synced by its ID only",
			zap.String("environment", e.Env), zap.Int("status", st))
		roles, err = nil, nil
	}
	if err != nil {
		return wrap(envWhat(e.Env, "list API client roles"), err)
	}
	el.APIClientsListed = true
	el.APIClients, el.ClientRoles = clients, roles
	return nil
}
