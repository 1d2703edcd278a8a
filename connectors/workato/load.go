package workato

// The workspace load: every API call a sync makes, once per sync, and the
// per-sync loader that shares the result between the syncers.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
	"github.com/accessgov/baton-connectors/internal/httpx"
	"github.com/accessgov/baton-connectors/internal/syncload"
)

// loadWorkers bounds the per-collaborator privilege reads in flight; the
// shared limiter keeps them within Workato's 60 a minute.
const loadWorkers = 4

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
	UpdateMemberRoles(ctx context.Context, id workatoapi.ID, roles []workatoapi.EnvRole) (*workatoapi.Member, error)
	DeleteMember(ctx context.Context, id workatoapi.ID) error
	InviteMember(ctx context.Context, name, email string, roles []workatoapi.EnvRole, groupIDs []workatoapi.ID) (*workatoapi.Invitation, error)
	ListActivityLogs(ctx context.Context, q workatoapi.ActivityQuery) ([]workatoapi.ActivityEntry, int, error)
	GetProjectGrant(ctx context.Context, id workatoapi.ID) (*workatoapi.ProjectGrant, error)
}

// workspace loads the model once per sync through a syncload.Loader: every
// syncer of the sync shares it, a failed load is forgotten so a retried call
// reads again, and a new sync ID (service mode) cancels whatever the old
// sync's load still has in flight.
type workspace struct {
	api           api
	log           *zap.Logger
	disableCustom bool

	loader     *syncload.Loader
	validated  syncload.Reuse[*memberList] // Validate's answer, reused once
	notMigrLog sync.Once
}

// modelKey is the loader key of the workspace model.
const modelKey = "model"

func newWorkspace(a api, log *zap.Logger, disableCustom bool) *workspace {
	return &workspace{api: a, log: log, disableCustom: disableCustom, loader: syncload.New(0)}
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
		return w.load(ctx, first)
	})
}

// close cancels any load in flight and waits for it.
func (w *workspace) close() { w.loader.Close() }

// load reads the workspace: collaborators (unless Validate just did), then
// concurrently their privileges, the roles and the projects.
func (w *workspace) load(ctx context.Context, first *memberList) (*model, error) {
	members, err := listMembers(ctx, w.api, first)
	if err != nil {
		return nil, wrap("list collaborators", err)
	}
	m := &model{Members: members, Privileges: map[workatoapi.ID][]workatoapi.EnvPrivileges{}}

	// Everything below runs under the load's context: the first failure,
	// or the end of the sync, cancels the rest.
	g, gctx := errgroup.WithContext(ctx)
	var mu sync.Mutex
	vanished := map[workatoapi.ID]bool{}
	g.Go(func() error {
		privs := new(errgroup.Group)
		privs.SetLimit(loadWorkers)
		for _, mem := range members {
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
					vanished[id] = true
					mu.Unlock()
					return nil
				}
				if err != nil {
					return wrap(fmt.Sprintf("read privileges of collaborator %s", id), err)
				}
				mu.Lock()
				m.Privileges[id] = p
				mu.Unlock()
				return nil
			})
		}
		return privs.Wait()
	})

	var customRoles []workatoapi.Role
	var envRoles, projectRoles []workatoapi.RBACRole
	g.Go(func() error {
		var err error
		if m.Projects, err = allPages(gctx, workatoapi.RouteProjects, projectID, w.api.ListProjects); err != nil {
			return wrap("list projects", err)
		}
		return nil
	})
	g.Go(func() error {
		migrated, err := w.detectMigrated(gctx, members, &envRoles)
		if err != nil {
			return err
		}
		m.Migrated = migrated
		if migrated {
			if projectRoles, err = readPages(gctx, workatoapi.RouteProjectRoles, rbacRoleID, w.api.ListProjectRoles); err != nil {
				return wrap("list project roles", err)
			}
			return nil
		}
		if w.disableCustom {
			return nil
		}
		if customRoles, err = allPages(gctx, workatoapi.RouteRoles, customRoleID, w.api.ListRoles); err != nil {
			return wrap("list custom roles", err)
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if len(vanished) > 0 {
		m.Members = slices.DeleteFunc(slices.Clone(m.Members), func(mem workatoapi.Member) bool { return vanished[mem.ID] })
	}
	if m.Migrated {
		if err := w.loadProjectGrants(ctx, m, projectRoles); err != nil {
			return nil, err
		}
	}
	m.build(customRoles, envRoles, projectRoles, w.disableCustom)
	return m, nil
}

// detectMigrated reads the RBAC 2.0 environment roles. A workspace that
// has not migrated answers that endpoint with an error: that is detected
// once, logged at info, and the legacy model is synced. A real refusal is
// never hidden: 403 fails the sync when a collaborator holds an
// environment role, which cannot be synced without that endpoint.
func (w *workspace) detectMigrated(ctx context.Context, members []workatoapi.Member, out *[]workatoapi.RBACRole) (bool, error) {
	roles, err := readPages(ctx, workatoapi.RouteEnvironmentRoles, rbacRoleID, w.api.ListEnvironmentRoles)
	if err == nil {
		*out = roles
		return true, nil
	}
	var se *httpx.StatusError
	if !errors.As(err, &se) {
		return false, wrap("list environment roles", err)
	}
	holdsEnvRole := false
	for _, mem := range members {
		for _, r := range mem.Roles {
			if strings.EqualFold(r.RoleType, workatoapi.RoleTypeEnvironment) {
				holdsEnvRole = true
			}
		}
	}
	switch se.StatusCode {
	case http.StatusUnauthorized, http.StatusBadRequest, http.StatusNotFound, http.StatusGone, http.StatusUnprocessableEntity:
		// The token just worked for the collaborator list, so a 401 here is
		// Workato's answer for a workspace still on the legacy model.
		if holdsEnvRole {
			return false, wrap("list environment roles", err)
		}
		w.notMigrLog.Do(func() {
			w.log.Info("workato: the workspace uses the legacy role model (no RBAC 2.0 environment roles); syncing system and custom roles",
				zap.Int("status", se.StatusCode))
		})
		return false, nil
	case http.StatusForbidden:
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

func (w *workspace) loadProjectGrants(ctx context.Context, m *model, projectRoles []workatoapi.RBACRole) error {
	byID := map[workatoapi.ID]string{}
	byName := map[string]string{}
	for _, r := range projectRoles {
		byID[r.ID] = projectRoleRID(r.ID)
		byName[strings.ToLower(r.Name)] = projectRoleRID(r.ID)
	}
	m.ProjectRoleGrants = map[workatoapi.ID]map[string][]workatoapi.ID{}
	for _, p := range m.Projects {
		grants, err := readPages(ctx, workatoapi.RouteProjectGrants, grantID, func(ctx context.Context, page int) ([]workatoapi.ProjectGrant, int, error) {
			return w.api.ListProjectGrants(ctx, p.ID, page)
		})
		if err != nil {
			return wrap(fmt.Sprintf("list grants of project %s", p.ID), err)
		}
		for _, g := range grants {
			if g.User == nil {
				// A grant to a collaborator group: groups are not resources
				// of this connector yet, so the grant is left out, said
				// here rather than silently.
				group := workatoapi.ID("")
				if g.UserGroup != nil {
					group = g.UserGroup.ID
				}
				w.log.Info("workato: project grant to a collaborator group not synced (collaborator groups are not synced yet)",
					zap.String("grant_id", g.ID.String()), zap.String("project_id", p.ID.String()), zap.String("user_group_id", group.String()))
				continue
			}
			rid, ok := byID[g.ProjectRole.ID]
			if !ok {
				rid, ok = byName[strings.ToLower(g.ProjectRole.Name)]
			}
			if !ok {
				return status.Errorf(codes.Internal, "workato: project %s grant %s names project role %s (%q) that GET /api/project_roles did not list",
					p.ID, g.ID, g.ProjectRole.ID, g.ProjectRole.Name)
			}
			if m.ProjectRoleGrants[p.ID] == nil {
				m.ProjectRoleGrants[p.ID] = map[string][]workatoapi.ID{}
			}
			m.ProjectRoleGrants[p.ID][rid] = append(m.ProjectRoleGrants[p.ID][rid], g.User.ID)
		}
	}
	return nil
}
