package workato

import (
	"fmt"
	"strings"
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
)

// invite runs CreateAccount with profile against p.
func invite(t *testing.T, p *provisioner, profile map[string]any) (*v2.CreateAccountResponse_ActionRequiredResult, error) {
	t.Helper()
	pb, err := structpbOf(profile)
	if err != nil {
		t.Fatal(err)
	}
	s := &collaboratorSyncer{prov: p}
	res, _, _, err := s.CreateAccount(bg, v2.AccountInfo_builder{Profile: pb}.Build(), nil)
	if err != nil {
		return nil, err
	}
	ar, ok := res.(*v2.CreateAccountResponse_ActionRequiredResult)
	if !ok {
		t.Fatalf("CreateAccount: got %T, want an action-required result (the invitation is pending)", res)
	}
	return ar, nil
}

// TestCollaboratorSyncer_CreateAccount_Groups invites with groups and
// environment roles on an RBAC 2.0 workspace and on a legacy one: the
// invitation carries the groups and each role with the type and spelling
// its environment uses, and stays pending.
func TestCollaboratorSyncer_CreateAccount_Groups(t *testing.T) {
	migrated := workatofake.MigratedEnvs()
	g, _, _ := groupWith(t, migrated)
	envRole := migrated.EnvironmentRoles[0]
	tests := []struct {
		name      string
		ws        workatofake.Workspace
		profile   map[string]any
		wantRoles string // fmt of the invitation's EnvRoles
		wantGroup []string
	}{
		{
			name: "RBAC 2.0: environment role by name in any case, one group",
			ws:   migrated,
			profile: map[string]any{
				"name": "Nia", "email": "nia@example.com",
				"env_roles": map[string]any{"dev": strings.ToLower(envRole.Name)}, "user_group_ids": []any{g.ID},
			},
			wantRoles: fmt.Sprint([]workatofake.EnvRole{{Env: "dev", Name: envRole.Name, RoleType: workatofake.RoleTypeEnvironment}}),
			wantGroup: []string{g.ID},
		},
		{
			name: "legacy: system role, no groups",
			ws:   workatofake.ThreeEnvs(),
			profile: map[string]any{
				"name": "Nia", "email": "nia@example.com",
				"env_roles": map[string]any{"prod": "Operator"},
			},
			wantRoles: fmt.Sprint([]workatofake.EnvRole{{Env: "prod", Name: "Operator", RoleType: workatofake.RoleTypeLegacy}}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, fake := newTestProvisioner(t, tt.ws, workatofake.Options{})
			res, err := invite(t, p, tt.profile)
			if err != nil {
				t.Fatalf("CreateAccount: %v", err)
			}
			invs := fake.Invitations()
			if len(invs) != 1 {
				t.Fatalf("invitations: got %d, want 1", len(invs))
			}
			if got := fmt.Sprint(invs[0].EnvRoles); got != tt.wantRoles {
				t.Errorf("invitation roles: got %s, want %s", got, tt.wantRoles)
			}
			if got, want := fmt.Sprint(invs[0].GroupIDs), fmt.Sprint(tt.wantGroup); got != want && (len(invs[0].GroupIDs) != 0 || len(tt.wantGroup) != 0) {
				t.Errorf("invitation groups: got %s, want %s", got, want)
			}
			if got := res.GetResource().GetStatus().GetStatus(); got != v2.Status_RESOURCE_STATUS_DISABLED {
				t.Errorf("invitation resource status: got %v, want disabled (pending)", got)
			}
		})
	}
}

// TestCollaboratorSyncer_CreateAccount_Refused: an unknown group, "All
// collaborators" and an unknown environment role are InvalidArgument, and
// no invitation is sent.
func TestCollaboratorSyncer_CreateAccount_Refused(t *testing.T) {
	ws := workatofake.MigratedEnvs()
	role := ws.EnvironmentRoles[0].Name
	tests := []struct {
		name    string
		profile map[string]any
		want    string
	}{
		{name: "unknown group", profile: map[string]any{"user_group_ids": []any{"am-nosuchgroup"}, "env_roles": map[string]any{"dev": role}}, want: "am-nosuchgroup"},
		{name: "All collaborators", profile: map[string]any{"user_group_ids": []any{systemGroupID(ws)}, "env_roles": map[string]any{"dev": role}}, want: "system group"},
		{name: "unknown environment role", profile: map[string]any{"env_roles": map[string]any{"dev": "Nobody"}}, want: "Nobody"},
		{name: "unknown environment", profile: map[string]any{"env_roles": map[string]any{"staging": role}}, want: "staging"},
		{name: "group ID not a string", profile: map[string]any{"user_group_ids": []any{true}, "env_roles": map[string]any{"dev": role}}, want: "user_group_ids[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, fake := newTestProvisioner(t, ws, workatofake.Options{})
			tt.profile["name"], tt.profile["email"] = "Nia", "nia@example.com"
			_, err := invite(t, p, tt.profile)
			if code := status.Code(err); code != codes.InvalidArgument || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("CreateAccount: got %v (%v), want InvalidArgument mentioning %q", code, err, tt.want)
			}
			if got := writes(fake); got != 0 {
				t.Errorf("writes: got %d, want 0 (nothing sent)", got)
			}
			if got := len(fake.Invitations()); got != 0 {
				t.Errorf("invitations: got %d, want 0", got)
			}
		})
	}
}
