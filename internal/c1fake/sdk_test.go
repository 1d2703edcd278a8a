package c1fake_test

import (
	"context"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/tasks/c1api"
	"github.com/conductorone/baton-sdk/pkg/types"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/internal/c1fake"
)

// needLinux skips tests that rely on SSL_CERT_FILE, which Go honours only
// on Linux (and other Unix systems that are not macOS).
func needLinux(t *testing.T) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("SSL_CERT_FILE adds a CA only on Linux")
	}
}

// fakeConnector is the connector side the SDK's task manager talks to: it
// answers metadata and records grants and revokes. Any other call panics
// (the embedded interface is nil), so an unexpected call is loud.
type fakeConnector struct {
	types.ConnectorClient
	grantErr error
	granted  []*v2.GrantManagerServiceGrantRequest
	revoked  []*v2.GrantManagerServiceRevokeRequest
}

func (f *fakeConnector) GetMetadata(context.Context, *v2.ConnectorServiceGetMetadataRequest, ...grpc.CallOption) (*v2.ConnectorServiceGetMetadataResponse, error) {
	return v2.ConnectorServiceGetMetadataResponse_builder{
		Metadata: v2.ConnectorMetadata_builder{DisplayName: "c1fake test connector", Description: "drives the fake"}.Build(),
	}.Build(), nil
}

func (f *fakeConnector) Grant(_ context.Context, req *v2.GrantManagerServiceGrantRequest, _ ...grpc.CallOption) (*v2.GrantManagerServiceGrantResponse, error) {
	f.granted = append(f.granted, req)
	if f.grantErr != nil {
		return nil, f.grantErr
	}
	g := v2.Grant_builder{
		Id:          req.GetEntitlement().GetId() + ":" + req.GetPrincipal().GetId().GetResource(),
		Entitlement: req.GetEntitlement(),
		Principal:   req.GetPrincipal(),
	}.Build()
	return v2.GrantManagerServiceGrantResponse_builder{Grants: []*v2.Grant{g}}.Build(), nil
}

func (f *fakeConnector) Revoke(_ context.Context, req *v2.GrantManagerServiceRevokeRequest, _ ...grpc.CallOption) (*v2.GrantManagerServiceRevokeResponse, error) {
	f.revoked = append(f.revoked, req)
	return &v2.GrantManagerServiceRevokeResponse{}, nil
}

// sdkManager builds baton-sdk's own service-mode task manager for cred.
func sdkManager(t *testing.T, s *c1fake.Server, cred c1fake.Credential) c1api.BootstrappingTaskManager {
	t.Helper()
	t.Setenv("BATON_C1_API_HOST", s.Host())
	t.Setenv("BATON_GET_TASKS", "")
	tm, err := c1api.NewC1TaskManager(context.Background(), cred.ClientID, cred.Secret, t.TempDir(),
		false, "", "", nil, nil, nil, 0, "", 1, false)
	if err != nil {
		t.Fatalf("NewC1TaskManager: %v", err)
	}
	return tm
}

func testEntitlement() (*v2.Entitlement, *v2.Resource) {
	role := v2.Resource_builder{Id: v2.ResourceId_builder{ResourceType: "role", Resource: "7"}.Build(), DisplayName: "Admin"}.Build()
	ent := v2.Entitlement_builder{Id: "role:7:member", Resource: role, DisplayName: "Admin member", Slug: "member"}.Build()
	user := v2.Resource_builder{Id: v2.ResourceId_builder{ResourceType: "user", Resource: "42"}.Build(), DisplayName: "Aroha"}.Build()
	return ent, user
}

// TestServer_SDKTaskManager drives the fake with baton-sdk's own service
// client and task manager: the startup Hello, an empty poll, a grant task
// (success and a connector error) and a revoke task, all over TLS with the
// SDK's token.
func TestServer_SDKTaskManager(t *testing.T) {
	needLinux(t)
	s := c1fake.Start(t, c1fake.Options{CA: testCA})
	cred, err := s.NewCredential("sdk-test")
	if err != nil {
		t.Fatal(err)
	}
	tm := sdkManager(t, s, cred)
	cc := &fakeConnector{}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	if err := tm.Bootstrap(ctx, cc); err != nil {
		t.Fatalf("Bootstrap (startup Hello): got %v, want success", err)
	}
	hellos := s.Hellos()
	if len(hellos) != 1 {
		t.Fatalf("hellos: got %d, want 1", len(hellos))
	}
	if got := hellos[0].GetConnectorMetadata().GetDisplayName(); got != "c1fake test connector" {
		t.Errorf("hello connector display name: got %q, want %q", got, "c1fake test connector")
	}
	if hellos[0].GetHostId() == "" || hellos[0].GetOsInfo().GetOs() == "" {
		t.Errorf("hello host ID %q, OS %q: want both set", hellos[0].GetHostId(), hellos[0].GetOsInfo().GetOs())
	}

	task, poll, err := tm.Next(ctx)
	if err != nil || task != nil {
		t.Fatalf("Next with an empty script: got task %v, error %v; want none, nil", task, err)
	}
	if poll != c1fake.DefaultNextPoll {
		t.Errorf("next poll: got %s, want %s", poll, c1fake.DefaultNextPoll)
	}

	ent, user := testEntitlement()
	ids := s.Enqueue(c1fake.GrantTask(ent, user), c1fake.GrantTask(ent, user))
	process := func(want string) c1fake.Finish {
		t.Helper()
		task, _, err := tm.Next(ctx)
		if err != nil || task.GetId() != want {
			t.Fatalf("Next: got task %q, error %v; want %q", task.GetId(), err, want)
		}
		if err := tm.Process(ctx, task, cc); err != nil {
			t.Fatalf("Process: %v", err)
		}
		f, err := s.WaitFinished(ctx, want)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}

	f := process(ids[0])
	if !f.OK || f.Count != 1 {
		t.Fatalf("grant task: got %s (count %d), want OK once", f, f.Count)
	}
	var resp v2.GrantManagerServiceGrantResponse
	if err := f.UnmarshalResponse(&resp); err != nil {
		t.Fatal(err)
	}
	if len(resp.GetGrants()) != 1 || resp.GetGrants()[0].GetId() != "role:7:member:42" {
		t.Fatalf("grant response: got %v, want the one grant role:7:member:42", resp.GetGrants())
	}

	cc.grantErr = status.Error(codes.PermissionDenied, "the vendor said no")
	f = process(ids[1])
	if f.OK || f.Code != codes.PermissionDenied || !f.NonRetryable || !strings.Contains(f.Message, "the vendor said no") {
		t.Fatalf("failed grant task: got %s, want PermissionDenied, non-retryable, with the connector's message", f)
	}

	rid := s.Enqueue(c1fake.RevokeTask(resp.GetGrants()[0]))[0]
	if f := process(rid); !f.OK {
		t.Fatalf("revoke task: got %s, want OK", f)
	}
	if len(cc.revoked) != 1 || cc.revoked[0].GetGrant().GetId() != "role:7:member:42" {
		t.Fatalf("connector revokes: got %v, want the granted grant", cc.revoked)
	}

	// One token served the whole session: the SDK reuses it until expiry.
	var ok int
	for _, a := range s.TokenAttempts() {
		if a.Status == http.StatusOK {
			ok++
		}
	}
	if ok != 1 {
		t.Errorf("tokens issued: got %d, want 1 (%v)", ok, s.TokenAttempts())
	}
}

// TestServer_SDKWrongKey: a well-formed secret with a key the fake does not
// know is refused at the token endpoint, and the SDK's startup Hello fails
// Unauthenticated at once (it does not retry that).
func TestServer_SDKWrongKey(t *testing.T) {
	needLinux(t)
	s := c1fake.Start(t, c1fake.Options{CA: testCA})
	cred, err := s.NewCredential("sdk-test")
	if err != nil {
		t.Fatal(err)
	}
	bad, err := s.WrongKey(cred)
	if err != nil {
		t.Fatal(err)
	}
	tm := sdkManager(t, s, bad)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := time.Now()
	err = tm.Bootstrap(ctx, &fakeConnector{})
	if status.Code(err) != codes.Unauthenticated {
		t.Fatalf("Bootstrap with a wrong key: got %v, want Unauthenticated", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Bootstrap took %s, want a prompt failure", d)
	}
	atts := s.TokenAttempts()
	if len(atts) != 1 || atts[0].Status != http.StatusUnauthorized || !strings.Contains(atts[0].Reason, "signature") {
		t.Fatalf("token attempts: got %+v, want one 401 for the signature", atts)
	}
	if n := len(s.Hellos()); n != 0 {
		t.Errorf("hellos: got %d, want 0", n)
	}
}

// TestServer_SDKStartupFaults pins down how baton-sdk v0.25.0's startup
// Hello meets the fake's fault switches, which later recovery tests rely
// on: gRPC Unavailable is retried (with a one-second backoff), but any
// non-200 from the token endpoint, 503 included, becomes Unauthenticated
// in the SDK's token source and ends the startup at once.
func TestServer_SDKStartupFaults(t *testing.T) {
	needLinux(t)
	tests := []struct {
		name     string
		fault    func(*c1fake.Server)
		wantCode codes.Code
	}{
		{"gRPC unavailable once", func(s *c1fake.Server) { s.FailRPCs(1) }, codes.OK},
		{"token endpoint unavailable once", func(s *c1fake.Server) { s.FailTokens(1) }, codes.Unauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := c1fake.Start(t, c1fake.Options{CA: testCA})
			cred, err := s.NewCredential("faults")
			if err != nil {
				t.Fatal(err)
			}
			tm := sdkManager(t, s, cred)
			tt.fault(s)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err = tm.Bootstrap(ctx, &fakeConnector{})
			if got := status.Code(err); got != tt.wantCode {
				t.Fatalf("Bootstrap: got %v, want code %s", err, tt.wantCode)
			}
			if wantHellos := map[bool]int{true: 1, false: 0}[tt.wantCode == codes.OK]; len(s.Hellos()) != wantHellos {
				t.Errorf("hellos: got %d, want %d", len(s.Hellos()), wantHellos)
			}
		})
	}
}
