package c1fake

// faults.go: switches that make the fake misbehave on purpose, for tests
// of how the connector recovers. Each is a count the fake spends.

import (
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

type faults struct {
	tokenUnavailable int             // token requests to answer 503
	rpcUnavailable   int             // gRPC calls to answer Unavailable
	cutUploads       int             // uploads to cut off after their first chunk
	cancelled        map[string]bool // task IDs whose heartbeats say cancelled
}

// FailTokens makes the next n token requests answer 503.
func (s *Server) FailTokens(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.tokenUnavailable = n
}

// FailRPCs makes the next n gRPC calls, of any method, fail Unavailable
// before they reach the service (and before their token is checked).
func (s *Server) FailRPCs(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.rpcUnavailable = n
}

// CutNextUpload makes the next upload fail Unavailable after its first
// data chunk, as a dropped connection would; nothing of it is kept.
func (s *Server) CutNextUpload() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.cutUploads = 1
}

// CancelTask makes every later heartbeat of taskID answer cancelled.
func (s *Server) CancelTask(taskID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.cancelled == nil {
		s.faults.cancelled = map[string]bool{}
	}
	s.faults.cancelled[taskID] = true
}

func (s *Server) takeTokenFault() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.tokenUnavailable > 0 {
		s.faults.tokenUnavailable--
		return true
	}
	return false
}

func (s *Server) takeRPCFault() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.rpcUnavailable > 0 {
		s.faults.rpcUnavailable--
		return status.Error(codes.Unavailable, "c1fake: unavailable (fault)")
	}
	return nil
}

func (s *Server) takeCutUpload() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.cutUploads > 0 {
		s.faults.cutUploads--
		return true
	}
	return false
}

func (s *Server) isCancelled(taskID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.cancelled[taskID]
}
