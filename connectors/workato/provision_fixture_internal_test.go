package workato

// Fixtures of the provisioning tests: a provisioner with one API client
// per environment against the fake over real HTTP, and finders that pick
// what a test needs out of a dataset.

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/entitlement"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"go.uber.org/zap"
	"golang.org/x/oauth2"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
	"github.com/accessgov/baton-connectors/internal/httpx"
	"github.com/accessgov/baton-connectors/internal/ratelimit"
)

// newTestProvisioner serves ws and returns a provisioner with a client for
// each environment in envs (nil: every environment ws has a client for),
// DEV first, sharing one limiter as the connector does.
func newTestProvisioner(t *testing.T, ws workatofake.Workspace, opts workatofake.Options, envs ...string) (*provisioner, *workatofake.Server) {
	t.Helper()
	return newTestProvisionerVia(t, ws, opts, nil, envs...)
}

// newTestProvisionerVia is newTestProvisioner with the fake's handler
// wrapped by via (nil: unwrapped), to change its answers.
func newTestProvisionerVia(t *testing.T, ws workatofake.Workspace, opts workatofake.Options, via func(http.Handler) http.Handler, envs ...string) (*provisioner, *workatofake.Server) {
	t.Helper()
	fake := workatofake.New(ws, opts)
	h := fake.Handler("us")
	if via != nil {
		h = via(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	url := srv.URL
	lim := ratelimit.New(Limits(600, time.Minute))
	var out []envClient
	add := func(c workatofake.APIClient) {
		env := c.Env
		if env == "" {
			env = workatoapi.EnvDev
		}
		for _, e := range out {
			if e.Env == env {
				return
			}
		}
		if len(envs) > 0 && !containsFold(envs, env) {
			return
		}
		h := httpx.New(httpx.Options{
			Service:     "workato",
			UserAgent:   "test",
			Timeout:     30 * time.Second,
			TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: c.Token, TokenType: "Bearer"}),
			Limiter:     lim,
			Logger:      zap.NewNop(),
		})
		out = append(out, envClient{Env: env, API: workatoapi.New(h, url)})
	}
	for _, c := range ws.Clients { // DEV first
		if c.DataCenter == "us" || c.DataCenter == "" {
			if c.Env == "" || c.Env == workatoapi.EnvDev {
				add(c)
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("dataset has no DEV API client for the us data center")
	}
	for _, c := range ws.Clients {
		if c.DataCenter == "us" || c.DataCenter == "" {
			add(c)
		}
	}
	p := newProvisioner(out, zap.NewNop())
	p.rewrite.Wait = 10 * time.Millisecond
	return p, fake
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// writes is how many PUT, POST and DELETE requests the fake served.
func writes(fake *workatofake.Server) int {
	n := 0
	for k, c := range fake.Requests().Snapshot() {
		if strings.HasPrefix(k, "PUT ") || strings.HasPrefix(k, "POST ") || strings.HasPrefix(k, "DELETE ") {
			n += c
		}
	}
	return n
}

// projectEnv is a fake project's environment.
func projectEnv(p workatofake.Project) string {
	if p.Env == "" {
		return workatoapi.EnvDev
	}
	return p.Env
}

// projectOf returns the first project of env in ws.
func projectOf(t *testing.T, ws workatofake.Workspace, env string) workatofake.Project {
	t.Helper()
	for _, p := range ws.Projects {
		if projectEnv(p) == env {
			return p
		}
	}
	t.Fatalf("dataset has no project in %s", env)
	return workatofake.Project{}
}

// projectResource is a project as the sync lists it.
func projectResource(t *testing.T, p workatofake.Project) *v2.Resource {
	t.Helper()
	rid := envResourceID(projectEnv(p), workatoapi.ID(strconv.Itoa(p.ID)))
	r, err := resource.NewResource(p.Name, projectResourceType, rid)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// projectRoleEnt is the project's entitlement of holding role.
func projectRoleEnt(t *testing.T, p workatofake.Project, role string) *v2.Entitlement {
	t.Helper()
	return entitlement.NewAssignmentEntitlement(projectResource(t, p), projectRoleSlugPrefix+role,
		entitlement.WithGrantableTo(collaboratorResourceType))
}

// groupPrincipal is a group as the sync lists it.
func groupPrincipal(t *testing.T, id string) *v2.Resource {
	t.Helper()
	return v2.Resource_builder{
		Id:          v2.ResourceId_builder{ResourceType: groupTypeID, Resource: id}.Build(),
		DisplayName: id,
	}.Build()
}

// groupEnt is the group's member entitlement.
func groupEnt(t *testing.T, id string) *v2.Entitlement {
	t.Helper()
	return entitlement.NewAssignmentEntitlement(groupPrincipal(t, id), memberEntitlement, entitlement.WithGrantableTo(collaboratorResourceType))
}

// grantsOf lists the fake's grants on project to the member or group.
func grantsOf(fake *workatofake.Server, project, member int, group string) []workatofake.ProjectGrant {
	var out []workatofake.ProjectGrant
	for _, g := range fake.Workspace().ProjectGrants {
		if g.ProjectID == project && ((member != 0 && g.MemberID == member) || (group != "" && g.GroupID == group)) {
			out = append(out, g)
		}
	}
	return out
}

// memberWithoutGrant returns a member with no grant on project.
func memberWithoutGrant(t *testing.T, ws workatofake.Workspace, project int) workatofake.Member {
	t.Helper()
	for _, m := range ws.Members {
		held := false
		for _, g := range ws.ProjectGrants {
			held = held || (g.ProjectID == project && g.MemberID == m.ID)
		}
		if !held {
			return m
		}
	}
	t.Fatalf("dataset has no member without a grant on project %d", project)
	return workatofake.Member{}
}

// groupWithoutGrant returns a non-system group with no grant on project.
func groupWithoutGrant(t *testing.T, ws workatofake.Workspace, project int) workatofake.Group {
	t.Helper()
	for _, gr := range ws.Groups {
		if gr.System {
			continue
		}
		held := false
		for _, g := range ws.ProjectGrants {
			held = held || (g.ProjectID == project && g.GroupID == gr.ID)
		}
		if !held {
			return gr
		}
	}
	t.Fatalf("dataset has no group without a grant on project %d", project)
	return workatofake.Group{}
}

// projectRoleIDs returns two different project roles of ws.
func projectRoleIDs(t *testing.T, ws workatofake.Workspace) (string, string) {
	t.Helper()
	if len(ws.ProjectRoles) < 2 {
		t.Fatal("dataset has fewer than 2 project roles")
	}
	return ws.ProjectRoles[0].ID, ws.ProjectRoles[1].ID
}

// groupWith returns a non-system group and a member of it, and a member
// who is not in it.
func groupWith(t *testing.T, ws workatofake.Workspace) (workatofake.Group, workatofake.Member, workatofake.Member) {
	t.Helper()
	for _, g := range ws.Groups {
		if g.System || len(g.MemberIDs) == 0 {
			continue
		}
		var in, out workatofake.Member
		for _, m := range ws.Members {
			switch {
			case containsInt(g.MemberIDs, m.ID) && in.ID == 0:
				in = m
			case !containsInt(g.MemberIDs, m.ID) && out.ID == 0:
				out = m
			}
		}
		if in.ID != 0 && out.ID != 0 {
			return g, in, out
		}
	}
	t.Fatal("dataset has no group with both a member and a non-member")
	return workatofake.Group{}, workatofake.Member{}, workatofake.Member{}
}

func containsInt(list []int, n int) bool {
	for _, x := range list {
		if x == n {
			return true
		}
	}
	return false
}

// groupMembers is the fake's current member list of group id.
func groupMembers(fake *workatofake.Server, id string) []int {
	for _, g := range fake.Workspace().Groups {
		if g.ID == id {
			return g.MemberIDs
		}
	}
	return nil
}

var bg = context.Background()
