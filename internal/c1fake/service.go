package c1fake

// service.go: c1.connectorapi.baton.v1.BatonService as baton-sdk's task
// manager (pkg/tasks/c1api) calls it, every call authenticated by the
// bearer token from the token endpoint and every request validated by its
// generated rules, as ConductorOne would.

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"io"
	"os"
	"path"

	v1 "github.com/conductorone/baton-sdk/pb/c1/connectorapi/baton/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
)

// RPC is one gRPC call as the fake answered it.
type RPC struct {
	Method string // short name: "GetTask", "UploadAsset", ...
	Code   codes.Code
}

type batonService struct {
	v1.UnimplementedBatonServiceServer
	s *Server
}

// validator is what the generated .pb.validate.go gives every request.
type validator interface{ Validate() error }

func (s *Server) guard(ctx context.Context, method string) error {
	if err := s.takeRPCFault(); err != nil {
		return err
	}
	md, _ := metadata.FromIncomingContext(ctx)
	auth := md.Get("authorization")
	if len(auth) != 1 {
		return status.Error(codes.Unauthenticated, "c1fake: want one authorization metadata value")
	}
	if err := s.checkBearer(auth[0]); err != nil {
		return status.Error(codes.Unauthenticated, "c1fake: "+err.Error())
	}
	return nil
}

func (s *Server) record(method string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rpcs = append(s.rpcs, RPC{Method: method, Code: status.Code(err)})
}

func (s *Server) unaryInterceptor(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	method := path.Base(info.FullMethod)
	err := s.guard(ctx, method)
	if err == nil {
		// Guess: ConductorOne enforces the requests' validation rules.
		if v, ok := req.(validator); ok {
			if verr := v.Validate(); verr != nil {
				err = status.Error(codes.InvalidArgument, "c1fake: "+verr.Error())
			}
		}
	}
	var resp any
	if err == nil {
		resp, err = handler(ctx, req)
	}
	s.record(method, err)
	return resp, err
}

func (s *Server) streamInterceptor(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	method := path.Base(info.FullMethod)
	err := s.guard(ss.Context(), method)
	if err == nil {
		err = handler(srv, ss)
	}
	s.record(method, err)
	return err
}

func (b *batonService) Hello(_ context.Context, req *v1.BatonServiceHelloRequest) (*v1.BatonServiceHelloResponse, error) {
	s := b.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hellos = append(s.hellos, proto.CloneOf(req))
	return &v1.BatonServiceHelloResponse{}, nil
}

func (b *batonService) GetTask(_ context.Context, _ *v1.BatonServiceGetTaskRequest) (*v1.BatonServiceGetTaskResponse, error) {
	s := b.s
	resp := v1.BatonServiceGetTaskResponse_builder{
		NextPoll:      durationpb.New(s.opts.NextPoll),
		NextHeartbeat: durationpb.New(s.opts.NextHeartbeat),
	}
	if t := s.take(1); len(t) == 1 {
		resp.Task = t[0]
	}
	return resp.Build(), nil
}

func (b *batonService) GetTasks(_ context.Context, req *v1.BatonServiceGetTasksRequest) (*v1.BatonServiceGetTasksResponse, error) {
	s := b.s
	n := int(req.GetPageSize())
	if n <= 0 {
		n = 1
	}
	return v1.BatonServiceGetTasksResponse_builder{
		Tasks:         s.take(n),
		NextPoll:      durationpb.New(s.opts.NextPoll),
		NextHeartbeat: durationpb.New(s.opts.NextHeartbeat),
	}.Build(), nil
}

// known reports whether taskID was handed out. Guess: ConductorOne
// answers NotFound for a task it never handed out.
func (s *Server) known(taskID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.handedOut[taskID]; !ok {
		return status.Errorf(codes.NotFound, "c1fake: task %s was never handed out", taskID)
	}
	return nil
}

func (b *batonService) Heartbeat(_ context.Context, req *v1.BatonServiceHeartbeatRequest) (*v1.BatonServiceHeartbeatResponse, error) {
	s := b.s
	if err := s.known(req.GetTaskId()); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.heartbeats[req.GetTaskId()]++
	s.mu.Unlock()
	return v1.BatonServiceHeartbeatResponse_builder{
		NextHeartbeat: durationpb.New(s.opts.NextHeartbeat),
		Cancelled:     s.isCancelled(req.GetTaskId()),
	}.Build(), nil
}

func (b *batonService) FinishTask(_ context.Context, req *v1.BatonServiceFinishTaskRequest) (*v1.BatonServiceFinishTaskResponse, error) {
	s := b.s
	id := req.GetTaskId()
	if err := s.known(id); err != nil {
		return nil, err
	}
	f := Finish{TaskID: id, Code: codes.Code(req.GetStatus().GetCode()), Message: req.GetStatus().GetMessage()}
	if ok := req.GetSuccess(); ok != nil {
		f.OK = true
		f.Response, f.Annotations = ok.GetResponse(), ok.GetAnnotations()
	} else {
		e := req.GetError()
		f.NonRetryable = e.GetNonRetryable()
		f.Response, f.Annotations = e.GetResponse(), e.GetAnnotations()
		if f.Code == codes.OK {
			f.Code = codes.Unknown // an error without a status is still an error
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f.Count = s.finished[id].Count + 1
	s.finished[id] = f
	if f.Count == 1 {
		close(s.finishedChan(id))
	}
	return &v1.BatonServiceFinishTaskResponse{}, nil
}

// UploadAsset takes Metadata, then Data chunks, then an EOF carrying the
// SHA-256 of the whole, which must match; the asset is reassembled to a
// file under the fake's directory.
func (b *batonService) UploadAsset(stream grpc.ClientStreamingServer[v1.BatonServiceUploadAssetRequest, v1.BatonServiceUploadAssetResponse]) (err error) {
	s := b.s
	defer func() {
		if err != nil {
			s.mu.Lock()
			s.uploadFails++
			s.mu.Unlock()
		}
	}()
	first, err := stream.Recv()
	if err != nil {
		return status.Errorf(codes.InvalidArgument, "c1fake: upload: no metadata: %v", err)
	}
	if err := first.Validate(); err != nil {
		return status.Error(codes.InvalidArgument, "c1fake: upload: "+err.Error())
	}
	md := first.GetMetadata()
	if md == nil {
		return status.Error(codes.InvalidArgument, "c1fake: upload: the first message must be metadata")
	}
	if err := s.known(md.GetTaskId()); err != nil {
		return err
	}
	f, err := os.CreateTemp(s.dir, "upload-"+md.GetTaskId()+"-*")
	if err != nil {
		return status.Errorf(codes.Internal, "c1fake: upload: %v", err)
	}
	keep := false
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = status.Errorf(codes.Internal, "c1fake: upload: %v", cerr)
		}
		if !keep || err != nil {
			_ = os.Remove(f.Name())
		}
	}()
	h := sha256.New()
	w := io.MultiWriter(f, h)
	var size int64
	chunks := 0
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return status.Error(codes.InvalidArgument, "c1fake: upload: stream closed before EOF")
		}
		if err != nil {
			return err // the client went away; nothing to answer
		}
		if err := msg.Validate(); err != nil {
			return status.Error(codes.InvalidArgument, "c1fake: upload: "+err.Error())
		}
		switch {
		case msg.GetData() != nil:
			n, err := w.Write(msg.GetData().GetData())
			if err != nil {
				return status.Errorf(codes.Internal, "c1fake: upload: %v", err)
			}
			size += int64(n)
			chunks++
			if chunks == 1 && s.takeCutUpload() {
				return status.Error(codes.Unavailable, "c1fake: upload cut off (fault)")
			}
		case msg.GetEof() != nil:
			sum := h.Sum(nil)
			// Guess: a mismatch is DataLoss (the SDK retries any error).
			if subtle.ConstantTimeCompare(sum, msg.GetEof().GetSha256Checksum()) != 1 {
				return status.Errorf(codes.DataLoss, "c1fake: upload: sha256 %x of %d bytes does not match the EOF's %x", sum, size, msg.GetEof().GetSha256Checksum())
			}
			if err := stream.SendAndClose(&v1.BatonServiceUploadAssetResponse{}); err != nil {
				return err
			}
			keep = true
			up := Upload{TaskID: md.GetTaskId(), Path: f.Name(), Size: size, Chunks: chunks}
			copy(up.SHA256[:], sum)
			s.mu.Lock()
			s.uploads[up.TaskID] = append(s.uploads[up.TaskID], up)
			s.mu.Unlock()
			return nil
		default:
			return status.Error(codes.InvalidArgument, "c1fake: upload: metadata sent twice")
		}
	}
}
