package workato_test

import (
	"fmt"
	"maps"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
	"github.com/accessgov/baton-connectors/internal/c1fake"
	"github.com/accessgov/baton-connectors/internal/connectortest"
)

// serviceTaskTimeout bounds one service-mode task, sync included.
const serviceTaskTimeout = 3 * time.Minute

// serviceArgs are the connector's own flags in service mode (no --file:
// the SDK syncs to a temp file and uploads it).
func (e *env) serviceArgs() []string {
	return []string{
		"--workato-api-key", e.token,
		"--workato-base-url", e.url,
		"--workato-rate-limit-window", e.window.String(),
		"--log-format", "console",
	}
}

// startService runs the connector in service mode against a fresh fake
// ConductorOne.
func (e *env) startService(t *testing.T) (*c1fake.Server, *connectortest.Service) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("service mode needs SSL_CERT_FILE, which Go honours only on Linux")
	}
	c1 := c1fake.Start(t, c1fake.Options{})
	cred, err := c1.NewCredential("baton-workato")
	if err != nil {
		t.Fatal(err)
	}
	return c1, connectortest.StartService(t, marker, c1, cred, []string{"BATON_DISABLE_HTTP_CACHE=true"}, e.serviceArgs()...)
}

// TestService_SyncGrantRevoke runs one connector process in service mode:
// a sync task uploads exactly the workspace; a grant task built from that
// upload's real entitlement and principal changes the fake's state as
// asked and answers the grant as the next sync lists it; a revoke task of
// that grant puts the state back, and the last sync shows it.
func TestService_SyncGrantRevoke(t *testing.T) {
	e := newEnv(t, workatofake.ThreeEnvs(), workatofake.Options{})
	c1, svc := e.startService(t)

	c1z := svc.SyncTask(t, c1, serviceTaskTimeout)
	e.assertSynced(c1z, expectOptions{})
	if h := c1.Hellos(); len(h) != 1 || h[0].GetConnectorMetadata().GetDisplayName() != "Workato" {
		t.Fatalf("hellos: got %d, want 1 with the metadata of Workato", len(h))
	}

	role := customRoleWithOddName(t, e.ws)
	m := memberWithout(t, e.ws, "prod")
	before := rolesOf(e, m.ID)
	entID := fmt.Sprintf("role:%d:prod", role.ID)
	principalKey := "collaborator/" + strconv.Itoa(m.ID)
	objs := connectortest.MustReadProtos(t, c1z)
	ent, principal := objs.Entitlements[entID], objs.Resources[principalKey]
	if ent == nil || principal == nil {
		t.Fatalf("the sync lists entitlement %s: %v, principal %s: %v; want both", entID, ent != nil, principalKey, principal != nil)
	}

	gid := c1.Enqueue(c1fake.GrantTask(ent, principal))[0]
	f := svc.WaitFinished(t, c1, gid, serviceTaskTimeout)
	if !f.OK {
		t.Fatalf("grant task: got %s, want success", f)
	}
	var resp v2.GrantManagerServiceGrantResponse
	if err := f.UnmarshalResponse(&resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.GetGrants()) != 1 {
		t.Fatalf("grant task answer: got %d grants, want 1", len(resp.GetGrants()))
	}
	granted := resp.GetGrants()[0]
	if got := granted.GetEntitlement().GetId() + " -> " + granted.GetPrincipal().GetId().GetResourceType() + "/" + granted.GetPrincipal().GetId().GetResource(); got != entID+" -> "+principalKey {
		t.Fatalf("grant task answer: got %s, want %s -> %s", got, entID, principalKey)
	}
	want := maps.Clone(before)
	want["prod"] = role.Name
	if got := rolesOf(e, m.ID); !maps.Equal(got, want) {
		t.Fatalf("roles of %d after the grant task: got %v, want %v", m.ID, got, want)
	}

	afterGrant := svc.SyncTask(t, c1, serviceTaskTimeout)
	e.assertSynced(afterGrant, expectOptions{})
	key := connectortest.Grant{Entitlement: entID, Principal: principalKey}.Key()
	synced := connectortest.MustReadProtos(t, afterGrant).Grants[key]
	if synced == nil || synced.GetId() != granted.GetId() {
		t.Fatalf("the next sync lists %s as %v, want the grant task's answer %q", key, synced.GetId(), granted.GetId())
	}

	rid := c1.Enqueue(c1fake.RevokeTask(granted))[0]
	if f := svc.WaitFinished(t, c1, rid, serviceTaskTimeout); !f.OK {
		t.Fatalf("revoke task: got %s, want success", f)
	}
	if got := rolesOf(e, m.ID); !maps.Equal(got, before) {
		t.Fatalf("roles of %d after the revoke task: got %v, want %v as before", m.ID, got, before)
	}
	final := svc.SyncTask(t, c1, serviceTaskTimeout)
	if snap := e.assertSynced(final, expectOptions{}); snap.Grants[key] != (connectortest.Grant{}) {
		t.Fatalf("the sync after the revoke task still lists %s", key)
	}

	if got := e.status.Get(http.StatusTooManyRequests); got != 0 {
		t.Errorf("429 answers: got %d, want 0", got)
	}
	stop := time.Now()
	res := svc.Stop()
	// baton-sdk v0.25.0 handles only SIGINT; SIGTERM ends the process by
	// its default action (exit code -1 here), and the SDK's child follows
	// when its stdin closes. Either way it must be prompt, not our kill.
	if d := time.Since(stop); d >= connectortest.ServiceStopTimeout {
		t.Errorf("stopping with SIGTERM took %s, want under %s", d, connectortest.ServiceStopTimeout)
	}
	t.Logf("after SIGTERM: exit code %d in %s", res.ExitCode, time.Since(stop))
	if strings.Contains(res.Stderr, c1fakeSecretMarker) {
		t.Errorf("the connector's log shows the client secret")
	}
}

// c1fakeSecretMarker is the fixed prefix of every c1fake client secret.
const c1fakeSecretMarker = "secret-token:c1fake:v1:"

// TestService_BadClientSecret: a well-formed secret with the wrong key
// makes the connector exit non-zero within seconds, saying why.
func TestService_BadClientSecret(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("service mode needs SSL_CERT_FILE, which Go honours only on Linux")
	}
	e := newEnv(t, workatofake.ThreeEnvs(), workatofake.Options{})
	c1 := c1fake.Start(t, c1fake.Options{})
	cred, err := c1.NewCredential("baton-workato")
	if err != nil {
		t.Fatal(err)
	}
	bad, err := c1.WrongKey(cred)
	if err != nil {
		t.Fatal(err)
	}
	svc := connectortest.StartService(t, marker, c1, bad, nil, e.serviceArgs()...)
	res, exited := svc.Wait(30 * time.Second)
	if !exited {
		t.Fatalf("connector with a wrong key still runs after 30s\nstderr:\n%s", tail(svc.Stderr(), 3000))
	}
	if res.ExitCode == 0 {
		t.Fatalf("exit code: got 0, want non-zero")
	}
	mustContain(t, "stderr", res.Stderr, "Unauthenticated", "401")
	if atts := c1.TokenAttempts(); len(atts) == 0 || atts[len(atts)-1].Status != http.StatusUnauthorized {
		t.Fatalf("token attempts: got %+v, want the last refused with 401", atts)
	}
	if res.Duration > 15*time.Second {
		t.Errorf("took %s to fail, want seconds", res.Duration)
	}
	if n := len(c1.Hellos()); n != 0 {
		t.Errorf("hellos: got %d, want 0", n)
	}
	t.Logf("exit %d after %s; stderr ends:\n%s", res.ExitCode, res.Duration, tail(res.Stderr, 800))
}

// TestService_AccountTasks: a create-account task invites a collaborator
// and a delete-resource task, for a collaborator the upload lists, removes
// them; the next sync shows the removal.
func TestService_AccountTasks(t *testing.T) {
	e := newEnv(t, workatofake.ThreeEnvs(), workatofake.Options{})
	c1, svc := e.startService(t)
	c1z := svc.SyncTask(t, c1, serviceTaskTimeout)

	profile, err := structpb.NewStruct(map[string]any{
		"name": "Nia Newcomer", "email": "nia@example.com",
		"env_roles": map[string]any{"dev": "Analyst", "prod": "Operator"},
	})
	if err != nil {
		t.Fatal(err)
	}
	info := v2.AccountInfo_builder{Login: "nia@example.com", Profile: profile}.Build()
	cid := c1.Enqueue(c1fake.CreateAccountTask(info, "collaborator"))[0]
	if f := svc.WaitFinished(t, c1, cid, serviceTaskTimeout); !f.OK {
		t.Fatalf("create-account task: got %s, want success", f)
	}
	invs := e.fake.Invitations()
	if len(invs) != 1 || invs[0].Email != "nia@example.com" || len(invs[0].EnvRoles) != 2 {
		t.Fatalf("invitations: got %+v, want one for nia@example.com with 2 environment roles", invs)
	}

	victim := e.ws.Members[len(e.ws.Members)-1]
	key := "collaborator/" + strconv.Itoa(victim.ID)
	res := connectortest.MustReadProtos(t, c1z).Resources[key]
	if res == nil {
		t.Fatalf("the sync does not list %s", key)
	}
	did := c1.Enqueue(c1fake.DeleteResourceTask(res.GetId(), res.GetParentResourceId()))[0]
	if f := svc.WaitFinished(t, c1, did, serviceTaskTimeout); !f.OK {
		t.Fatalf("delete-resource task: got %s, want success", f)
	}
	for _, m := range e.fake.Workspace().Members {
		if m.ID == victim.ID {
			t.Fatalf("member %d still in the workspace after the delete-resource task", victim.ID)
		}
	}
	after := svc.SyncTask(t, c1, serviceTaskTimeout)
	if snap := e.assertSynced(after, expectOptions{}); snap.Resources[key].ID != "" {
		t.Fatalf("deleted collaborator %s is still synced", key)
	}
}
