package c1fake

// record.go: what the connector sent back, for tests to assert on: hellos,
// heartbeats, uploads, finish results and every RPC.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	v1 "github.com/conductorone/baton-sdk/pb/c1/connectorapi/baton/v1"
	"github.com/conductorone/baton-sdk/pkg/dotc1z"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// Upload is one completed, checksum-verified upload.
type Upload struct {
	TaskID string
	Path   string // the reassembled file
	Size   int64
	Chunks int
	SHA256 [32]byte
}

// Finish is what FinishTask said about a task.
type Finish struct {
	TaskID       string
	OK           bool       // Success, rather than Error
	Code         codes.Code // the status code; OK on success
	Message      string     // the status message
	NonRetryable bool       // Error.NonRetryable
	Response     *anypb.Any
	Annotations  []*anypb.Any
	Count        int // how many times the task was finished (1 unless the connector repeated itself)
}

// UnmarshalResponse decodes the finish response into m (for a grant task,
// a *v2.GrantManagerServiceGrantResponse).
func (f Finish) UnmarshalResponse(m proto.Message) error {
	if f.Response == nil {
		return fmt.Errorf("c1fake: task %s finished without a response", f.TaskID)
	}
	if err := f.Response.UnmarshalTo(m); err != nil {
		return fmt.Errorf("c1fake: task %s response: %w", f.TaskID, err)
	}
	return nil
}

// String is a one-line summary for failure messages.
func (f Finish) String() string {
	if f.OK {
		return fmt.Sprintf("task %s finished OK", f.TaskID)
	}
	return fmt.Sprintf("task %s failed: %s: %s (non-retryable %v)", f.TaskID, f.Code, f.Message, f.NonRetryable)
}

// finishedChan is closed when taskID is first finished. Call with s.mu held.
func (s *Server) finishedChan(taskID string) chan struct{} {
	ch, ok := s.finishedCh[taskID]
	if !ok {
		ch = make(chan struct{})
		s.finishedCh[taskID] = ch
	}
	return ch
}

// Finished returns the latest finish of taskID, if any.
func (s *Server) Finished(taskID string) (Finish, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, ok := s.finished[taskID]
	return f, ok
}

// WaitFinished waits until taskID is finished or ctx ends.
func (s *Server) WaitFinished(ctx context.Context, taskID string) (Finish, error) {
	s.mu.Lock()
	ch := s.finishedChan(taskID)
	s.mu.Unlock()
	select {
	case <-ch:
		f, _ := s.Finished(taskID)
		return f, nil
	case <-ctx.Done():
		return Finish{}, fmt.Errorf("c1fake: task %s not finished: %w", taskID, context.Cause(ctx))
	}
}

// Hellos returns every Hello request so far (host, build and OS info,
// connector metadata).
func (s *Server) Hellos() []*v1.BatonServiceHelloRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*v1.BatonServiceHelloRequest, len(s.hellos))
	for i, h := range s.hellos {
		out[i] = proto.CloneOf(h)
	}
	return out
}

// Heartbeats is how many heartbeats taskID sent.
func (s *Server) Heartbeats(taskID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.heartbeats[taskID]
}

// Uploads returns the completed uploads of taskID in order (a full sync
// uploads its c1z, then debug.log if it kept one).
func (s *Server) Uploads(taskID string) []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Upload(nil), s.uploads[taskID]...)
}

// UploadFailures is how many upload streams the fake refused or lost.
func (s *Server) UploadFailures() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.uploadFails
}

// C1Z returns the path of the c1z taskID uploaded: its first upload that
// starts with a c1z header.
func (s *Server) C1Z(taskID string) (string, error) {
	ups := s.Uploads(taskID)
	for _, u := range ups {
		ok, err := isC1Z(u.Path)
		if err != nil {
			return "", err
		}
		if ok {
			return u.Path, nil
		}
	}
	return "", fmt.Errorf("c1fake: task %s uploaded no c1z (%d uploads)", taskID, len(ups))
}

func isC1Z(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, fmt.Errorf("c1fake: %w", err)
	}
	defer func() { _ = f.Close() }()
	head := make([]byte, max(len(dotc1z.C1ZFileHeader), len(dotc1z.C1Z3FileHeader)))
	n, err := io.ReadFull(f, head)
	if err != nil && n == 0 {
		return false, nil
	}
	head = head[:n]
	return bytes.HasPrefix(head, dotc1z.C1ZFileHeader) || bytes.HasPrefix(head, dotc1z.C1Z3FileHeader), nil
}

// RPCs returns every gRPC call so far with the code it was answered.
func (s *Server) RPCs() []RPC {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RPC(nil), s.rpcs...)
}

// Calls counts the calls of method (short name, e.g. "GetTask") answered
// with code.
func (s *Server) Calls(method string, code codes.Code) int {
	n := 0
	for _, r := range s.RPCs() {
		if r.Method == method && r.Code == code {
			n++
		}
	}
	return n
}
