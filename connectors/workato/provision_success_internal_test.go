package workato

import (
	"context"
	"strings"
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
)

// TestProvisioner_SuccessIsSuccess: a DELETE whose first answer was lost
// (applied, then the connection dropped) and an empty 2xx to a PUT or POST
// are successes; an invitation whose answer was lost is not sent twice.
func TestProvisioner_SuccessIsSuccess(t *testing.T) {
	ctx := context.Background()
	t.Run("DELETE answer lost, retry gets 404", func(t *testing.T) {
		ws := workatofake.ThreeEnvs()
		victim := ws.Members[len(ws.Members)-1]
		c, fake := newTestConnectorWith(t, ws, workatofake.Options{LoseFirstAnswer: []string{workatofake.RouteDeleteMember}})
		s := &collaboratorSyncer{ws: c.ws, prov: c.prov}
		if _, err := s.Delete(ctx, collaborator(t, victim.ID).GetId(), nil); err != nil {
			t.Fatalf("Delete: got %v, want success", err)
		}
		for _, m := range fake.Workspace().Members {
			if m.ID == victim.ID {
				t.Fatalf("member %d still in the workspace", victim.ID)
			}
		}
		if got := fake.Requests().Count("DELETE", "/api/members/{id}"); got < 2 {
			t.Errorf("DELETE calls: got %d, want at least 2 (the lost answer was retried)", got)
		}
	})
	t.Run("PUT answers 204", func(t *testing.T) {
		ws := workatofake.ThreeEnvs()
		m, role := raceTarget(t, ws)
		c, fake := newTestConnectorWith(t, ws, workatofake.Options{EmptyAnswer: []string{workatofake.RouteUpdateMember}})
		if _, _, err := c.prov.Grant(ctx, collaborator(t, m.ID), roleEnt(t, role, "test")); err != nil {
			t.Fatalf("Grant: got %v, want success", err)
		}
		if got, _ := roleOf(fake, m.ID, "test"); got != role {
			t.Errorf("role in test: got %q, want %q", got, role)
		}
	})
	invite := func(c *Connector) error {
		s := &collaboratorSyncer{ws: c.ws, prov: c.prov}
		profile, err := structpbOf(map[string]any{"name": "Nia Newcomer", "email": "nia@example.com", "env_roles": map[string]any{"dev": "Analyst"}})
		if err != nil {
			return err
		}
		_, _, _, err = s.CreateAccount(ctx, v2.AccountInfo_builder{Profile: profile}.Build(), nil)
		return err
	}
	t.Run("POST invitation answers 204", func(t *testing.T) {
		c, fake := newTestConnectorWith(t, workatofake.ThreeEnvs(), workatofake.Options{EmptyAnswer: []string{workatofake.RouteInvitations}})
		if err := invite(c); err != nil {
			t.Fatalf("CreateAccount: got %v, want success", err)
		}
		if got := len(fake.Invitations()); got != 1 {
			t.Errorf("invitations: got %d, want 1", got)
		}
	})
	t.Run("POST invitation answer lost", func(t *testing.T) {
		c, fake := newTestConnectorWith(t, workatofake.ThreeEnvs(), workatofake.Options{LoseFirstAnswer: []string{workatofake.RouteInvitations}})
		err := invite(c)
		if code := status.Code(err); code != codes.Aborted || !strings.Contains(err.Error(), "may have been sent") {
			t.Errorf("CreateAccount: got %v (%v), want Aborted saying the invitation may have been sent", code, err)
		}
		if got := len(fake.Invitations()); got != 1 {
			t.Errorf("invitations: got %d, want exactly 1 (never invited twice)", got)
		}
		if got := fake.Requests().Count("POST", "/api/member_invitations"); got != 1 {
			t.Errorf("POST calls: got %d, want 1", got)
		}
	})
}

func structpbOf(m map[string]any) (*structpb.Struct, error) { return structpb.NewStruct(m) }
