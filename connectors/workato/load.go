package workato

// The workspace load: every API call a sync makes, once per sync, and the
// cache that shares the result between the syncers.

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
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
	"github.com/accessgov/baton-connectors/internal/httpx"
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
	ListEnvironmentRoles(ctx context.Context, page int) ([]workatoapi.NewRole, int, error)
	ListProjectRoles(ctx context.Context, page int) ([]workatoapi.NewRole, int, error)
	ListProjectGrants(ctx context.Context, projectID workatoapi.ID, page int) ([]workatoapi.ProjectGrant, int, error)
	ListProjects(ctx context.Context, page int) ([]workatoapi.Project, error)
	ListFolders(ctx context.Context, parent workatoapi.ID, page int) ([]workatoapi.Folder, error)
	UpdateMemberRoles(ctx context.Context, id workatoapi.ID, roles []workatoapi.EnvRole) (*workatoapi.Member, error)
	DeleteMember(ctx context.Context, id workatoapi.ID) error
	InviteMember(ctx context.Context, name, email string, roles []workatoapi.EnvRole) (*workatoapi.Invitation, error)
}

// workspace loads the model once per sync. A failed load is forgotten so a
// retried call reads again.
type workspace struct {
	api           api
	log           *zap.Logger
	disableCustom bool

	mu         sync.Mutex
	syncID     string
	cur        *modelLoad
	members    *memberList // from Validate, reused once
	membersAt  time.Time
	notMigrLog sync.Once
}

type modelLoad struct {
	done chan struct{}
	m    *model
	err  error
}

func newWorkspace(a api, log *zap.Logger, disableCustom bool) *workspace {
	return &workspace{api: a, log: log, disableCustom: disableCustom}
}

// validate reads the collaborator list: one cheap call that exercises the
// token, the data center and the DEV-only collaborator endpoints.
func (w *workspace) validate(ctx context.Context) error {
	items, total, err := w.api.ListMembers(ctx, 0, 0)
	if err != nil {
		return wrap("list collaborators", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.members, w.membersAt = &memberList{Items: items, Total: total}, time.Now()
	return nil
}

// get returns the model of the sync syncID, loading it on first use.
func (w *workspace) get(ctx context.Context, syncID string) (*model, error) {
	w.mu.Lock()
	if syncID != w.syncID || w.cur == nil {
		w.syncID = syncID
		w.cur = &modelLoad{done: make(chan struct{})}
		ld := w.cur
		var members *memberList
		if w.members != nil && time.Since(w.membersAt) < validateReuse {
			members = w.members
		}
		w.members = nil
		go func() {
			ld.m, ld.err = w.load(context.WithoutCancel(ctx), members)
			if ld.err != nil {
				w.mu.Lock()
				if w.cur == ld {
					w.cur = nil
				}
				w.mu.Unlock()
			}
			close(ld.done)
		}()
	}
	ld := w.cur
	w.mu.Unlock()
	select {
	case <-ld.done:
		return ld.m, ld.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// load reads the workspace: collaborators (unless Validate just did), then
// concurrently their privileges, the roles and the projects.
func (w *workspace) load(ctx context.Context, first *memberList) (*model, error) {
	members, err := listMembers(ctx, w.api, first)
	if err != nil {
		return nil, wrap("list collaborators", err)
	}
	m := &model{Members: members, Privileges: map[workatoapi.ID][]workatoapi.EnvPrivileges{}}

	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		firstErr error
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
		}
	}
	vanished := map[workatoapi.ID]bool{}
	sem := make(chan struct{}, loadWorkers)
	for _, mem := range members {
		if len(mem.Roles) == 0 {
			continue // no access anywhere: nothing to read
		}
		wg.Add(1)
		go func(id workatoapi.ID) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			privs, err := w.api.MemberPrivileges(ctx, id)
			if httpx.IsNotFound(err) {
				// Removed between the list and this read: left out as a
				// whole, said so, and everything else stays exact.
				w.log.Info("workato: collaborator removed during the sync; leaving them out", zap.String("collaborator", id.String()))
				mu.Lock()
				vanished[id] = true
				mu.Unlock()
				return
			}
			if err != nil {
				fail(wrap(fmt.Sprintf("read privileges of collaborator %s", id), err))
				return
			}
			mu.Lock()
			m.Privileges[id] = privs
			mu.Unlock()
		}(mem.ID)
	}

	var customRoles []workatoapi.Role
	var envRoles, projectRoles []workatoapi.NewRole
	wg.Add(2)
	go func() {
		defer wg.Done()
		var err error
		if m.Projects, err = allPages(ctx, workatoapi.RouteProjects, projectID, w.api.ListProjects); err != nil {
			fail(wrap("list projects", err))
		}
	}()
	go func() {
		defer wg.Done()
		migrated, err := w.detectMigrated(ctx, members, &envRoles)
		if err != nil {
			fail(err)
			return
		}
		m.Migrated = migrated
		if migrated {
			if projectRoles, err = readPages(ctx, workatoapi.RouteProjectRoles, rbacRoleID, w.api.ListProjectRoles); err != nil {
				fail(wrap("list project roles", err))
			}
			return
		}
		if w.disableCustom {
			return
		}
		if customRoles, err = allPages(ctx, workatoapi.RouteRoles, customRoleID, w.api.ListRoles); err != nil {
			fail(wrap("list custom roles", err))
		}
	}()
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
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
func (w *workspace) detectMigrated(ctx context.Context, members []workatoapi.Member, out *[]workatoapi.NewRole) (bool, error) {
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

func (w *workspace) loadProjectGrants(ctx context.Context, m *model, projectRoles []workatoapi.NewRole) error {
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
			rid, ok := byID[g.RoleID]
			if !ok {
				rid, ok = byName[strings.ToLower(g.RoleName)]
			}
			if !ok {
				return status.Errorf(codes.Internal, "workato: project %s grant %s names project role %s (%q) that GET /api/project_roles did not list",
					p.ID, g.ID, g.RoleID, g.RoleName)
			}
			if m.ProjectRoleGrants[p.ID] == nil {
				m.ProjectRoleGrants[p.ID] = map[string][]workatoapi.ID{}
			}
			m.ProjectRoleGrants[p.ID][rid] = append(m.ProjectRoleGrants[p.ID][rid], g.Collaborator())
		}
	}
	return nil
}
