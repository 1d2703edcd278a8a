package workato

import (
	"context"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
)

// raceTarget returns a member holding a prod role and a system role to
// grant them in test that they do not hold there.
func raceTarget(t *testing.T, ws workatofake.Workspace) (workatofake.Member, string) {
	t.Helper()
	for _, m := range ws.Members {
		prod, test := "", ""
		for _, r := range m.Roles {
			switch r.Env {
			case "prod":
				prod = r.RoleName
			case "test":
				test = r.RoleName
			}
		}
		if prod == "" {
			continue
		}
		for _, want := range systemRoles {
			if want != test {
				return m, want
			}
		}
	}
	t.Fatal("dataset has no member with a prod role")
	return workatofake.Member{}, ""
}

// TestProvisioner_Grant_ConcurrentChange: another administrator revokes the
// collaborator's prod access between the connector's read and its write.
// The write is never replayed with the stale body, so prod access does not
// come back; a change right after the write is detected and reported.
func TestProvisioner_Grant_ConcurrentChange(t *testing.T) {
	tests := []struct {
		name     string
		race     workatofake.RaceOnUpdate
		wantCode codes.Code
		wantPUTs int
	}{
		{name: "change, then the PUT answers 500 unapplied", race: workatofake.RaceOnUpdate{Env: "prod", RoleName: workatofake.NoAccess, Status: 500}, wantCode: codes.OK, wantPUTs: 2},
		{name: "change right after the PUT applied", race: workatofake.RaceOnUpdate{Env: "prod", RoleName: workatofake.NoAccess, After: true}, wantCode: codes.Aborted, wantPUTs: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ws := workatofake.ThreeEnvs()
			m, role := raceTarget(t, ws)
			race := tt.race
			race.MemberID = m.ID
			c, fake := newTestConnectorWith(t, ws, workatofake.Options{RaceOnUpdate: &race})
			c.prov.rewrite.Wait = 10 * time.Millisecond
			_, _, err := c.prov.Grant(context.Background(), collaborator(t, m.ID), roleEnt(t, role, "test"))
			if got := status.Code(err); got != tt.wantCode {
				t.Fatalf("Grant code: got %v (%v), want %v", got, err, tt.wantCode)
			}
			if tt.wantCode == codes.Aborted && !strings.Contains(err.Error(), "concurrent change") {
				t.Errorf("Grant error: got %q, want it to say a concurrent change was detected", err)
			}
			if got, _ := roleOf(fake, m.ID, "prod"); got != "" {
				t.Errorf("role in prod: got %q, want none (the other administrator's revocation kept)", got)
			}
			if got, _ := roleOf(fake, m.ID, "test"); got != role {
				t.Errorf("role in test: got %q, want %q", got, role)
			}
			if got := fake.Requests().Count("PUT", "/api/members/{id}"); got != tt.wantPUTs {
				t.Errorf("PUT calls: got %d, want %d", got, tt.wantPUTs)
			}
		})
	}
}
