package workatofake

// Tests of the fake's invitation endpoint.

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestServer_Invite(t *testing.T) {
	type er = map[string]string
	invite := func(name, email string, roles ...er) map[string]any {
		return map[string]any{"name": name, "email": email, "env_roles": roles}
	}
	s, base, clk := manualServer(t, ThreeEnvs(), Options{})
	steps := []struct {
		name       string
		advance    time.Duration
		body       any
		wantStatus int
		wantMsg    string
	}{
		{name: "first invite", body: invite("New Person", "new@globex.example", er{"environment_type": "dev", "name": RoleAnalyst}, er{"environment_type": "prod", "name": WidgetRoleName}), wantStatus: 200},
		{name: "same email again", advance: 19 * time.Minute, body: invite("New Person", "NEW@globex.example", er{"environment_type": "dev", "name": RoleAdmin}), wantStatus: 429, wantMsg: "Too many requests"},
		{name: "after 20 minutes", advance: time.Minute, body: invite("New Person", "new@globex.example", er{"environment_type": "test", "name": RoleOperator}), wantStatus: 200},
		{name: "already a member", body: invite("Sam", "SAM@globex.example", er{"environment_type": "dev", "name": RoleAdmin}), wantStatus: 422, wantMsg: "already a collaborator"},
		{name: "unknown role", body: invite("X", "x@globex.example", er{"environment_type": "dev", "name": "Ghost"}), wantStatus: 400, wantMsg: "Role Ghost not found"},
		{name: "unknown env", body: invite("X", "x@globex.example", er{"environment_type": "qa", "name": RoleAdmin}), wantStatus: 400, wantMsg: "Environment qa not found"},
		{name: "only NoAccess", body: invite("X", "x@globex.example", er{"environment_type": "dev", "name": NoAccess}), wantStatus: 400, wantMsg: "Validation failed"},
		{name: "no email", body: invite("X", "", er{"environment_type": "dev", "name": RoleAdmin}), wantStatus: 400, wantMsg: "Validation failed"},
		{name: "no name", body: invite("", "y@globex.example", er{"environment_type": "dev", "name": RoleAdmin}), wantStatus: 400, wantMsg: "Validation failed"},
		{name: "refused ones do not start the clock", body: invite("X", "x@globex.example", er{"environment_type": "dev", "name": RoleAdmin}), wantStatus: 200},
	}
	for _, st := range steps {
		clk.Advance(st.advance)
		r := call(t, http.MethodPost, base+"/api/member_invitations", TestToken, st.body)
		if r.status != st.wantStatus {
			t.Fatalf("%s: got %d %s, want %d", st.name, r.status, r.body, st.wantStatus)
		}
		if st.wantMsg != "" && !strings.Contains(message(t, r), st.wantMsg) {
			t.Fatalf("%s: message got %q, want it to contain %q", st.name, message(t, r), st.wantMsg)
		}
		if st.wantStatus == 429 && r.header.Get("Retry-After") != "60" {
			t.Fatalf("%s: Retry-After got %q, want 60", st.name, r.header.Get("Retry-After"))
		}
	}

	first := call(t, http.MethodPost, base+"/api/member_invitations", TestToken,
		invite("Third", "third@globex.example", er{"environment_type": "prod", "name": RoleOperator}, er{"environment_type": "dev", "name": RoleAnalyst}))
	data := decode[struct {
		Data invitationJSON `json:"data"`
	}](t, first.body).Data
	wantRoles := []envRoleJSON{{EnvironmentType: "dev", Name: RoleAnalyst, RoleType: RoleTypeLegacy}, {EnvironmentType: "prod", Name: RoleOperator, RoleType: RoleTypeLegacy}}
	if data.ID == 0 || data.Status != "pending" || data.Email != "third@globex.example" || data.Name != "Third" ||
		!reflect.DeepEqual(data.EnvRoles, wantRoles) || !timeRE.MatchString(data.CreatedAt) {
		t.Fatalf("invitation: got %+v, want an id, pending, the email, name and env_roles %v", data, wantRoles)
	}

	invs := s.Invitations()
	if len(invs) != 3 {
		t.Fatalf("invitations: got %d, want 3 (the re-sent one replaced)", len(invs))
	}
	if invs[0].Email != "new@globex.example" || !reflect.DeepEqual(invs[0].EnvRoles, []EnvRole{{Env: EnvTest, Name: RoleOperator, RoleType: RoleTypeLegacy}}) ||
		!invs[0].CreatedAt.Equal(t0.Add(20*time.Minute)) {
		t.Fatalf("re-sent invitation: got %+v, want test Operator created at t0+20m", invs[0])
	}
	if len(s.Workspace().Members) != 7 {
		t.Fatalf("members after invitations: got %d, want 7 (invitations are pending)", len(s.Workspace().Members))
	}

	m, ok := s.AcceptInvitation("THIRD@globex.example")
	if !ok || m.ID != 5108 || m.Email != "third@globex.example" ||
		!reflect.DeepEqual(m.Roles, []MemberRole{legacy(EnvDev, RoleAnalyst), legacy(EnvProd, RoleOperator)}) {
		t.Fatalf("AcceptInvitation: got %+v %v, want member 5108 with dev Analyst and prod Operator", m, ok)
	}
	if _, ok := s.AcceptInvitation("third@globex.example"); ok {
		t.Fatalf("AcceptInvitation twice: got ok, want false")
	}
	if r := get(t, base+"/api/members/5108", TestToken); r.status != 200 {
		t.Fatalf("accepted member: got %d, want 200", r.status)
	}
}

func TestServer_InviteCap(t *testing.T) {
	ws := Generate(98, 2, 0, 1, nil, 1)
	ws.Clients = testClient(TestToken)
	_, base, _ := manualServer(t, ws, Options{})
	invite := func(email string) response {
		return call(t, http.MethodPost, base+"/api/member_invitations", TestToken,
			map[string]any{"name": "N", "email": email, "env_roles": []map[string]string{{"environment_type": "dev", "name": RoleOperator}}})
	}
	for i, want := range []int{200, 200, 400} {
		r := invite(fmt.Sprintf("cap%d@x.example", i))
		if r.status != want {
			t.Fatalf("invitation %d: got %d %s, want %d", i+1, r.status, r.body, want)
		}
		if want == 400 && !strings.Contains(message(t, r), "at most 100") {
			t.Fatalf("message: got %q, want it to mention the cap of 100", message(t, r))
		}
	}
}
