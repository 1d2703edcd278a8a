package workato

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/conductorone/baton-sdk/pkg/types/grant"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
)

// midMigrationEnvs returns an environment still on legacy roles and one
// on environment roles in a mid-migration dataset.
func midMigrationEnvs(t *testing.T, ws workatofake.Workspace) (legacy, migrated string) {
	t.Helper()
	if len(ws.LegacyEnvs) == 0 {
		t.Fatal("dataset is not mid-migration (no LegacyEnvs)")
	}
	legacy = ws.LegacyEnvs[0]
	for _, e := range ws.Environments {
		if !slices.Contains(ws.LegacyEnvs, e) {
			return legacy, e
		}
	}
	t.Fatal("dataset has no migrated environment")
	return "", ""
}

// memberRoles is env → "name/type" of the fake member id.
func memberRoles(fake *workatofake.Server, id int) map[string]string {
	out := map[string]string{}
	for _, m := range fake.Workspace().Members {
		if m.ID == id {
			for _, r := range m.Roles {
				out[r.Env] = r.RoleName + "/" + r.RoleType
			}
		}
	}
	return out
}

// TestProvisioner_Grant_MidMigration: on a workspace with legacy roles in
// one environment and environment roles in another, a legacy role is
// granted where legacy roles remain, an environment role (role_type
// "environment", the name as listed) where they are used, and each revoke
// sets NoAccess in its environment only; a legacy role where environment
// roles are used is refused with no write.
func TestProvisioner_Grant_MidMigration(t *testing.T) {
	ws := workatofake.MidMigration()
	legacyEnv, newEnv := midMigrationEnvs(t, ws)
	if len(ws.EnvironmentRoles) == 0 {
		t.Fatal("dataset has no environment roles")
	}
	envRole := ws.EnvironmentRoles[len(ws.EnvironmentRoles)-1]
	tests := []struct {
		name     string
		rid, env string
		wantName string
		wantType string
	}{
		{name: "legacy role where legacy roles remain", rid: workatofake.RoleOperator, env: legacyEnv, wantName: workatofake.RoleOperator, wantType: workatofake.RoleTypeLegacy},
		{name: "environment role where they are used", rid: "env:" + envRole.ID, env: newEnv, wantName: envRole.Name, wantType: workatofake.RoleTypeEnvironment},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, fake := newTestProvisioner(t, ws, workatofake.Options{})
			var m workatofake.Member
			for _, x := range ws.Members {
				if r := memberRoles(fake, x.ID)[tt.env]; r != tt.wantName+"/"+tt.wantType && len(x.Roles) > 1 {
					m = x
					break
				}
			}
			if m.ID == 0 {
				t.Fatal("dataset has no member with roles in two environments lacking the role")
			}
			before := memberRoles(fake, m.ID)
			ent := roleEnt(t, tt.rid, tt.env)
			if _, _, err := p.Grant(bg, collaborator(t, m.ID), ent); err != nil {
				t.Fatalf("Grant: %v", err)
			}
			after := memberRoles(fake, m.ID)
			if got, want := after[tt.env], tt.wantName+"/"+tt.wantType; got != want {
				t.Errorf("role in %s after the grant: got %q, want %q", tt.env, got, want)
			}
			assertOthersUnchanged(t, tt.env, before, after)

			g := grant.NewGrant(ent.GetResource(), tt.env, collaborator(t, m.ID).GetId())
			g.SetEntitlement(ent)
			if _, err := p.Revoke(bg, g); err != nil {
				t.Fatalf("Revoke: %v", err)
			}
			final := memberRoles(fake, m.ID)
			if got, ok := final[tt.env]; ok {
				t.Errorf("role in %s after the revoke: got %q, want none (NoAccess)", tt.env, got)
			}
			assertOthersUnchanged(t, tt.env, before, final)
		})
	}

	t.Run("legacy role where environment roles are used", func(t *testing.T) {
		p, fake := newTestProvisioner(t, ws, workatofake.Options{})
		m := ws.Members[0]
		before := fmt.Sprint(memberRoles(fake, m.ID))
		_, _, err := p.Grant(bg, collaborator(t, m.ID), roleEnt(t, workatofake.RoleOperator, newEnv))
		if code := status.Code(err); code != codes.InvalidArgument || !strings.Contains(err.Error(), newEnv) {
			t.Fatalf("Grant: got %v (%v), want InvalidArgument naming %s", code, err, newEnv)
		}
		if got := writes(fake); got != 0 {
			t.Errorf("writes: got %d, want 0", got)
		}
		if after := fmt.Sprint(memberRoles(fake, m.ID)); after != before {
			t.Errorf("roles: got %s, want %s unchanged", after, before)
		}
	})
}

// assertOthersUnchanged fails if any environment but env changed.
func assertOthersUnchanged(t *testing.T, env string, before, after map[string]string) {
	t.Helper()
	for e, r := range before {
		if e != env && after[e] != r {
			t.Errorf("role in %s: got %q, want %q unchanged", e, after[e], r)
		}
	}
	for e, r := range after {
		if _, ok := before[e]; !ok && e != env {
			t.Errorf("role in %s: got %q, want none (unchanged)", e, r)
		}
	}
}

// TestProvisioner_Grant_EnvironmentRoleSpelling: an environment role is
// sent with the name exactly as GET /api/environment_roles spells it,
// whatever case a "name:" entitlement carries.
func TestProvisioner_Grant_EnvironmentRoleSpelling(t *testing.T) {
	ws := workatofake.MigratedEnvs()
	role := ws.EnvironmentRoles[0]
	p, fake := newTestProvisioner(t, ws, workatofake.Options{})
	m := ws.Members[len(ws.Members)-1]
	if _, _, err := p.Grant(bg, collaborator(t, m.ID), roleEnt(t, "name:"+strings.ToUpper(role.Name), "prod")); err != nil {
		t.Fatalf("Grant: %v", err)
	}
	if got, want := memberRoles(fake, m.ID)["prod"], role.Name+"/"+workatofake.RoleTypeEnvironment; got != want {
		t.Errorf("role in prod: got %q, want %q", got, want)
	}
}

// withoutRoleTypes drops role_type from every collaborator answer, as
// Workato's older answers do (workato-api.md §2.3).
func withoutRoleTypes(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, "/api/members") {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := regexp.MustCompile(`,?"role_type":"[a-z_]*"`).ReplaceAll(rec.Body.Bytes(), nil)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	})
}

// TestProvisioner_Grant_NoRoleTypeInAnswers: when the collaborator answer
// carries no role_type, the environment roles of the other environments
// are still sent back as environment roles (a name GET
// /api/environment_roles lists), so Workato keeps them; and a role already
// held is recognised as held.
func TestProvisioner_Grant_NoRoleTypeInAnswers(t *testing.T) {
	ws := workatofake.MigratedEnvs()
	var m workatofake.Member
	for _, x := range ws.Members {
		if len(x.Roles) >= 2 {
			m = x
			break
		}
	}
	if m.ID == 0 {
		t.Fatal("dataset has no member with roles in two environments")
	}
	env, other := m.Roles[0].Env, m.Roles[1]
	var target workatofake.NewRole
	for _, r := range ws.EnvironmentRoles {
		if r.Name != m.Roles[0].RoleName {
			target = r
			break
		}
	}
	p, fake := newTestProvisionerVia(t, ws, workatofake.Options{}, withoutRoleTypes)
	if _, _, err := p.Grant(bg, collaborator(t, m.ID), roleEnt(t, "env:"+target.ID, env)); err != nil {
		t.Fatalf("Grant: %v", err)
	}
	roles := memberRoles(fake, m.ID)
	if got, want := roles[env], target.Name+"/"+workatofake.RoleTypeEnvironment; got != want {
		t.Errorf("role in %s: got %q, want %q", env, got, want)
	}
	if got, want := roles[other.Env], other.RoleName+"/"+other.RoleType; got != want {
		t.Errorf("role in %s: got %q, want %q unchanged", other.Env, got, want)
	}
	puts := fake.Requests().Count("PUT", "/api/members/{id}")
	_, annos, err := p.Grant(bg, collaborator(t, m.ID), roleEnt(t, "env:"+target.ID, env))
	if err != nil {
		t.Fatalf("second Grant: %v", err)
	}
	checkAnnos(t, annos, "GrantAlreadyExists")
	if got := fake.Requests().Count("PUT", "/api/members/{id}"); got != puts {
		t.Errorf("PUT calls for a role held: got %d, want %d", got, puts)
	}
}
