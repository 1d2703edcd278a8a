package workato

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/entitlement"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/workato/config"
	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
)

// newTestConnector builds the connector against a fake workspace served on
// loopback.
func newTestConnector(t *testing.T, ws workatofake.Workspace) (*Connector, *workatofake.Server) {
	t.Helper()
	return newTestConnectorWith(t, ws, workatofake.Options{})
}

// newTestConnectorWith is newTestConnector with the fake's options.
func newTestConnectorWith(t *testing.T, ws workatofake.Workspace, opts workatofake.Options) (*Connector, *workatofake.Server) {
	t.Helper()
	fake, url := workatofake.NewTestServer(t, ws, opts, "us")
	c, err := New(context.Background(), &config.Workato{
		WorkatoApiKey: ws.Clients[0].Token, WorkatoBaseUrl: url, WorkatoEnv: "dev", WorkatoDataCenter: "us",
		WorkatoRequestsPerMinute: 600,
	}, "test")
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, fake
}

func roleEnt(t *testing.T, rid, env string) *v2.Entitlement {
	t.Helper()
	r, err := resource.NewRoleResource(rid, roleResourceType, rid, nil)
	if err != nil {
		t.Fatal(err)
	}
	return entitlement.NewAssignmentEntitlement(r, env, entitlement.WithGrantableTo(collaboratorResourceType))
}

func collaborator(t *testing.T, id int) *v2.Resource {
	t.Helper()
	r, err := resource.NewUserResource(strconv.Itoa(id), collaboratorResourceType, strconv.Itoa(id), nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func roleOf(fake *workatofake.Server, id int, env string) (string, string) {
	for _, m := range fake.Workspace().Members {
		if m.ID == id {
			for _, r := range m.Roles {
				if r.Env == env {
					return r.RoleName, r.RoleType
				}
			}
		}
	}
	return "", ""
}

// TestProvisioner_Grant_Concurrent: grants to one collaborator at the same
// time are serialised, so neither overwrites the other.
func TestProvisioner_Grant_Concurrent(t *testing.T) {
	c, fake := newTestConnector(t, workatofake.ThreeEnvs())
	id := fake.Workspace().Members[0].ID
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	principal := collaborator(t, id)
	for _, g := range []struct{ role, env string }{{"Operator", "prod"}, {"Analyst", "test"}, {"Admin", "dev"}} {
		// Built here: t.Fatal must not run on another goroutine.
		ent := roleEnt(t, g.role, g.env)
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := c.prov.Grant(context.Background(), principal, ent); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Grant: %v", err)
	}
	for env, want := range map[string]string{"prod": "Operator", "test": "Analyst", "dev": "Admin"} {
		if got, _ := roleOf(fake, id, env); got != want {
			t.Errorf("role in %s: got %q, want %q", env, got, want)
		}
	}
}

// TestProvisioner_Grant_Errors: bad input is a clear error and changes
// nothing.
func TestProvisioner_Grant_Errors(t *testing.T) {
	tests := []struct {
		name string
		ws   func() workatofake.Workspace
		rid  string
		env  string
		// entID, if set, replaces the entitlement's ID (its resource stays rid).
		entID string
		code  codes.Code
		want  string
	}{
		{name: "unknown custom role", rid: "999999", env: "dev", code: codes.NotFound, want: "does not exist"},
		{name: "unknown environment", rid: "Operator", env: "staging", code: codes.InvalidArgument, want: "staging"},
		{name: "project role", rid: "project:31", env: "dev", code: codes.InvalidArgument, want: "per project"},
		{name: "unknown role name", rid: "name:Nobody", env: "dev", code: codes.InvalidArgument, want: "Nobody"},
		{name: "resource disagrees with the entitlement ID", rid: "Admin", env: "prod", entID: "role:Operator:prod", code: codes.InvalidArgument, want: `names the role "Operator" but its resource is role "Admin"`},
		{name: "legacy system role on an RBAC 2.0 workspace", ws: workatofake.MigratedWorkspace, rid: "Admin", env: "dev", code: codes.InvalidArgument, want: "RBAC 2.0"},
		{name: "unlisted name on an RBAC 2.0 workspace", ws: workatofake.MigratedWorkspace, rid: "name:Analyst", env: "dev", code: codes.InvalidArgument, want: "Analyst"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := workatofake.ThreeEnvs
			if tt.ws != nil {
				ws = tt.ws
			}
			c, fake := newTestConnector(t, ws())
			before := fake.Workspace()
			id := before.Members[0].ID
			ent := roleEnt(t, tt.rid, tt.env)
			if tt.entID != "" {
				ent.SetId(tt.entID)
			}
			_, _, err := c.prov.Grant(context.Background(), collaborator(t, id), ent)
			if got := status.Code(err); got != tt.code {
				t.Fatalf("Grant code: got %v (%v), want %v", got, err, tt.code)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Grant error: got %q, want it to mention %q", err, tt.want)
			}
			if got := fake.Requests().Count("PUT", "/api/members/{id}"); got != 0 {
				t.Errorf("PUT calls: got %d, want 0", got)
			}
			for i, m := range fake.Workspace().Members {
				if fmt.Sprint(m.Roles) != fmt.Sprint(before.Members[i].Roles) {
					t.Errorf("member %d roles changed: got %v, want %v", m.ID, m.Roles, before.Members[i].Roles)
				}
			}
		})
	}
}

// TestProvisioner_Grant_EnvironmentRole grants an RBAC 2.0 environment role
// by name with role_type "environment".
func TestProvisioner_Grant_EnvironmentRole(t *testing.T) {
	ws := workatofake.MigratedWorkspace()
	c, fake := newTestConnector(t, ws)
	id := ws.Members[0].ID
	target := ws.EnvironmentRoles[len(ws.EnvironmentRoles)-1]
	if _, _, err := c.prov.Grant(context.Background(), collaborator(t, id), roleEnt(t, "env:"+target.ID, "prod")); err != nil {
		t.Fatalf("Grant: %v", err)
	}
	name, typ := roleOf(fake, id, "prod")
	if name != target.Name || typ != workatofake.RoleTypeEnvironment {
		t.Fatalf("role in prod: got %q (%s), want %q (environment)", name, typ, target.Name)
	}
}
