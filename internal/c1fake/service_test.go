package c1fake_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"os"
	"testing"
	"time"

	v1 "github.com/conductorone/baton-sdk/pb/c1/connectorapi/baton/v1"
	"github.com/conductorone/baton-sdk/pkg/ugrpc"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/internal/c1fake"
)

// stub dials s with grpc-go's generated client over TLS trusting only the
// fake's CA. With a credential it authenticates the way the SDK does
// (its own per-RPC credential provider); without one it sends no token.
func stub(t *testing.T, s *c1fake.Server, cred *c1fake.Credential) v1.BatonServiceClient {
	t.Helper()
	opts := []grpc.DialOption{grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{
		MinVersion: tls.VersionTLS12,
		RootCAs:    s.CA().Pool(),
	}))}
	if cred != nil {
		t.Setenv("BATON_C1_API_HOST", s.Host())
		p, _, _, err := ugrpc.NewC1CredentialProvider(context.Background(), cred.ClientID, cred.Secret)
		if err != nil {
			t.Fatalf("NewC1CredentialProvider: %v", err)
		}
		opts = append(opts, grpc.WithPerRPCCredentials(p))
	}
	cc, err := grpc.NewClient(s.Host(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cc.Close() })
	return v1.NewBatonServiceClient(cc)
}

// authedStub is a fake with one credential and a client authenticated by it.
func authedStub(t *testing.T, opts c1fake.Options) (*c1fake.Server, v1.BatonServiceClient) {
	t.Helper()
	needLinux(t)
	opts.CA = testCA
	s := c1fake.Start(t, opts)
	cred, err := s.NewCredential("stub")
	if err != nil {
		t.Fatal(err)
	}
	return s, stub(t, s, &cred)
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// handOut enqueues task and has the client take it.
func handOut(t *testing.T, s *c1fake.Server, c v1.BatonServiceClient) string {
	t.Helper()
	id := s.Enqueue(c1fake.SyncTask())[0]
	resp, err := c.GetTask(ctxT(t), v1.BatonServiceGetTaskRequest_builder{HostId: "h"}.Build())
	if err != nil || resp.GetTask().GetId() != id {
		t.Fatalf("GetTask: got %q, %v; want %q", resp.GetTask().GetId(), err, id)
	}
	return id
}

// upload sends data the way the SDK's c1ServiceClient.upload does:
// metadata, 512 KiB chunks, EOF with sum.
func upload(ctx context.Context, c v1.BatonServiceClient, taskID string, data []byte, sum []byte) error {
	uc, err := c.UploadAsset(ctx)
	if err != nil {
		return err
	}
	send := func(m *v1.BatonServiceUploadAssetRequest) error { return uc.Send(m) }
	if err := send(v1.BatonServiceUploadAssetRequest_builder{
		Metadata: v1.BatonServiceUploadAssetRequest_UploadMetadata_builder{HostId: "h", TaskId: taskID}.Build(),
	}.Build()); err != nil {
		_, rerr := uc.CloseAndRecv()
		return rerr
	}
	const chunk = 512 * 1024
	for off := 0; off < len(data); off += chunk {
		if err := send(v1.BatonServiceUploadAssetRequest_builder{
			Data: v1.BatonServiceUploadAssetRequest_UploadData_builder{Data: data[off:min(off+chunk, len(data))]}.Build(),
		}.Build()); err != nil {
			_, rerr := uc.CloseAndRecv()
			return rerr
		}
	}
	if err := send(v1.BatonServiceUploadAssetRequest_builder{
		Eof: v1.BatonServiceUploadAssetRequest_UploadEOF_builder{Sha256Checksum: sum}.Build(),
	}.Build()); err != nil {
		_, rerr := uc.CloseAndRecv()
		return rerr
	}
	_, err = uc.CloseAndRecv()
	return err
}

func TestServer_UploadAsset(t *testing.T) {
	s, c := authedStub(t, c1fake.Options{})
	data := make([]byte, 1300*1024) // three chunks, the last one short
	_, _ = rand.Read(data)
	sum := sha256.Sum256(data)
	wrong := sha256.Sum256([]byte("something else"))

	tests := []struct {
		name      string
		taskID    func() string
		cut       bool
		sum       []byte
		wantCode  codes.Code
		wantSaved bool
	}{
		{name: "whole, checksum right", taskID: func() string { return handOut(t, s, c) }, sum: sum[:], wantCode: codes.OK, wantSaved: true},
		{name: "checksum wrong", taskID: func() string { return handOut(t, s, c) }, sum: wrong[:], wantCode: codes.DataLoss},
		{name: "cut off after the first chunk", taskID: func() string { return handOut(t, s, c) }, cut: true, sum: sum[:], wantCode: codes.Unavailable},
		{name: "task never handed out", taskID: c1fake.NewTaskID, sum: sum[:], wantCode: codes.NotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := tt.taskID()
			if tt.cut {
				s.CutNextUpload()
			}
			fails := s.UploadFailures()
			err := upload(ctxT(t), c, id, data, tt.sum)
			if got := status.Code(err); got != tt.wantCode {
				t.Fatalf("upload: got %v, want code %s", err, tt.wantCode)
			}
			ups := s.Uploads(id)
			if !tt.wantSaved {
				if len(ups) != 0 {
					t.Fatalf("uploads kept: got %d, want 0", len(ups))
				}
				if got := s.UploadFailures(); got != fails+1 {
					t.Errorf("upload failures: got %d, want %d", got, fails+1)
				}
				return
			}
			if len(ups) != 1 || ups[0].Chunks != 3 || ups[0].Size != int64(len(data)) || ups[0].SHA256 != sum {
				t.Fatalf("uploads: got %+v, want one of 3 chunks, %d bytes, the right sum", ups, len(data))
			}
			got, err := os.ReadFile(ups[0].Path)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("reassembled file: %d bytes (error %v), want the %d bytes sent", len(got), err, len(data))
			}
			if _, err := s.C1Z(id); err == nil {
				t.Errorf("C1Z of random bytes: got a c1z, want an error")
			}
		})
	}

	t.Run("cut off once, then the retry succeeds", func(t *testing.T) {
		id := handOut(t, s, c)
		s.CutNextUpload()
		if err := upload(ctxT(t), c, id, data, sum[:]); status.Code(err) != codes.Unavailable {
			t.Fatalf("first upload: got %v, want Unavailable", err)
		}
		if err := upload(ctxT(t), c, id, data, sum[:]); err != nil {
			t.Fatalf("retried upload: got %v, want success", err)
		}
		if n := len(s.Uploads(id)); n != 1 {
			t.Fatalf("uploads: got %d, want 1", n)
		}
	})
}

func TestServer_Auth(t *testing.T) {
	s, c := authedStub(t, c1fake.Options{})
	req := v1.BatonServiceGetTaskRequest_builder{HostId: "h"}.Build()
	if _, err := c.GetTask(ctxT(t), req); err != nil {
		t.Fatalf("GetTask with the SDK's token: got %v, want success", err)
	}
	anon := stub(t, s, nil)
	if _, err := anon.GetTask(ctxT(t), req); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("GetTask without a token: got %v, want Unauthenticated", err)
	}
	s.ExpireTokens()
	if _, err := c.GetTask(ctxT(t), req); status.Code(err) != codes.Unauthenticated {
		t.Fatalf("GetTask with an expired token: got %v, want Unauthenticated", err)
	}
	if got := s.Calls("GetTask", codes.Unauthenticated); got != 2 {
		t.Errorf("unauthenticated GetTask calls recorded: got %d, want 2", got)
	}
}

func TestServer_FailRPCs(t *testing.T) {
	s, c := authedStub(t, c1fake.Options{})
	req := v1.BatonServiceGetTaskRequest_builder{HostId: "h"}.Build()
	s.FailRPCs(2)
	for i, want := range []codes.Code{codes.Unavailable, codes.Unavailable, codes.OK, codes.OK} {
		_, err := c.GetTask(ctxT(t), req)
		if got := status.Code(err); got != want {
			t.Fatalf("call %d: got %v, want %s", i+1, err, want)
		}
	}
	if got := s.Calls("GetTask", codes.Unavailable); got != 2 {
		t.Errorf("Unavailable calls recorded: got %d, want 2", got)
	}
}

func TestServer_Validation(t *testing.T) {
	_, c := authedStub(t, c1fake.Options{})
	// host_id is required on every request.
	if _, err := c.GetTask(ctxT(t), &v1.BatonServiceGetTaskRequest{}); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("GetTask without host ID: got %v, want InvalidArgument", err)
	}
	// A finish must be a success or an error.
	req := v1.BatonServiceFinishTaskRequest_builder{HostId: "h", TaskId: c1fake.NewTaskID()}.Build()
	if _, err := c.FinishTask(ctxT(t), req); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("FinishTask without a final state: got %v, want InvalidArgument", err)
	}
}

func TestServer_Heartbeat(t *testing.T) {
	s, c := authedStub(t, c1fake.Options{NextHeartbeat: 3 * time.Second})
	hb := func(id string) (*v1.BatonServiceHeartbeatResponse, error) {
		return c.Heartbeat(ctxT(t), v1.BatonServiceHeartbeatRequest_builder{HostId: "h", TaskId: id}.Build())
	}
	if _, err := hb(c1fake.NewTaskID()); status.Code(err) != codes.NotFound {
		t.Fatalf("heartbeat of an unknown task: got %v, want NotFound", err)
	}
	id := handOut(t, s, c)
	resp, err := hb(id)
	if err != nil || resp.GetCancelled() || resp.GetNextHeartbeat().AsDuration() != 3*time.Second {
		t.Fatalf("heartbeat: got %v (cancelled %v, next %s), want success, not cancelled, next 3s", err, resp.GetCancelled(), resp.GetNextHeartbeat().AsDuration())
	}
	s.CancelTask(id)
	if resp, err := hb(id); err != nil || !resp.GetCancelled() {
		t.Fatalf("heartbeat after CancelTask: got %v, cancelled %v; want cancelled", err, resp.GetCancelled())
	}
	if got := s.Heartbeats(id); got != 2 {
		t.Errorf("heartbeats: got %d, want 2", got)
	}
}

func TestServer_GetTasks(t *testing.T) {
	s, c := authedStub(t, c1fake.Options{NextPoll: 750 * time.Millisecond})
	ids := s.Enqueue(c1fake.SyncTask(), c1fake.SyncTask(), c1fake.SyncTask())
	for i, want := range [][]string{ids[:2], ids[2:], nil} {
		resp, err := c.GetTasks(ctxT(t), v1.BatonServiceGetTasksRequest_builder{HostId: "h", PageSize: 2}.Build())
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, task := range resp.GetTasks() {
			got = append(got, task.GetId())
		}
		if len(got) != len(want) || (len(want) > 0 && (got[0] != want[0] || got[len(got)-1] != want[len(want)-1])) {
			t.Fatalf("batch %d: got %v, want %v", i+1, got, want)
		}
		if p := resp.GetNextPoll().AsDuration(); p != 750*time.Millisecond {
			t.Fatalf("batch %d next poll: got %s, want 750ms", i+1, p)
		}
	}
	if got := s.Pending(); got != 0 {
		t.Errorf("pending: got %d, want 0", got)
	}
}
