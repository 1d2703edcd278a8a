package c1fake

// server.go: the fake's lifecycle: one TLS listener on loopback
// negotiating h2, answering the token endpoint itself and handing gRPC to
// the BatonService.

import (
	"crypto/ed25519"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "github.com/conductorone/baton-sdk/pb/c1/connectorapi/baton/v1"
	"google.golang.org/grpc"
)

// Defaults of Options.
const (
	// DefaultNextPoll is the NextPoll of every GetTask answer: short, so a
	// task the test enqueues is picked up within a fraction of a second,
	// and never zero (zero makes the SDK poll in a busy loop).
	DefaultNextPoll = 200 * time.Millisecond
	// DefaultNextHeartbeat is the heartbeat interval the fake asks for; the
	// SDK clamps it to at least one second.
	DefaultNextHeartbeat = time.Second
	// DefaultTokenLifetime is how long an issued access token is valid.
	DefaultTokenLifetime = time.Hour
)

// Options configure a Server. The zero value is a working fake.
type Options struct {
	// CA signs the server certificate; nil generates one for this server.
	CA *CA
	// Dir holds the CA file and reassembled uploads; "" makes a temporary
	// directory that Close removes.
	Dir string
	// NextPoll, NextHeartbeat, TokenLifetime: 0 means the default.
	NextPoll      time.Duration
	NextHeartbeat time.Duration
	TokenLifetime time.Duration
}

// Server is a running fake ConductorOne. All methods are safe for
// concurrent use.
type Server struct {
	opts   Options
	ca     *CA
	caFile string
	dir    string
	ownDir bool
	host   string // 127.0.0.1:port
	http   *http.Server
	grpc   *grpc.Server
	served chan struct{}

	mu            sync.Mutex
	clients       map[string]ed25519.PublicKey // client ID -> key
	tokens        map[string]issuedToken
	nonces        map[string]bool
	tokenAttempts []TokenAttempt
	rpcs          []RPC
	queue         []*v1.Task
	handedOut     map[string]*v1.Task
	hellos        []*v1.BatonServiceHelloRequest
	heartbeats    map[string]int
	uploads       map[string][]Upload
	uploadFails   int
	finished      map[string]Finish
	finishedCh    map[string]chan struct{}
	faults        faults
}

// New starts a fake on a free loopback port.
func New(opts Options) (*Server, error) {
	if opts.NextPoll <= 0 {
		opts.NextPoll = DefaultNextPoll
	}
	if opts.NextHeartbeat <= 0 {
		opts.NextHeartbeat = DefaultNextHeartbeat
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = DefaultTokenLifetime
	}
	s := &Server{
		opts:       opts,
		ca:         opts.CA,
		dir:        opts.Dir,
		served:     make(chan struct{}),
		clients:    map[string]ed25519.PublicKey{},
		tokens:     map[string]issuedToken{},
		nonces:     map[string]bool{},
		handedOut:  map[string]*v1.Task{},
		heartbeats: map[string]int{},
		uploads:    map[string][]Upload{},
		finished:   map[string]Finish{},
		finishedCh: map[string]chan struct{}{},
	}
	if s.dir == "" {
		d, err := os.MkdirTemp("", "c1fake-")
		if err != nil {
			return nil, fmt.Errorf("c1fake: temp dir: %w", err)
		}
		s.dir, s.ownDir = d, true
	}
	if err := s.start(); err != nil {
		if s.ownDir {
			_ = os.RemoveAll(s.dir)
		}
		return nil, err
	}
	return s, nil
}

// Start is New for a test: it fails tb on error, keeps uploads in
// tb.TempDir() and closes the fake when the test ends.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	if opts.Dir == "" {
		opts.Dir = tb.TempDir()
	}
	s, err := New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("close c1fake: %v", err)
		}
	})
	return s
}

func (s *Server) start() error {
	if s.ca == nil {
		ca, err := NewCA()
		if err != nil {
			return fmt.Errorf("c1fake: %w", err)
		}
		s.ca = ca
	}
	s.caFile = filepath.Join(s.dir, "c1fake-ca.pem")
	if err := s.ca.WriteFile(s.caFile); err != nil {
		return fmt.Errorf("c1fake: %w", err)
	}
	cert, err := s.ca.serverCert()
	if err != nil {
		return fmt.Errorf("c1fake: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("c1fake: listen: %w", err)
	}
	s.host = ln.Addr().String()
	s.grpc = grpc.NewServer(
		grpc.ChainUnaryInterceptor(s.unaryInterceptor),
		grpc.ChainStreamInterceptor(s.streamInterceptor),
	)
	v1.RegisterBatonServiceServer(s.grpc, &batonService{s: s})
	s.http = &http.Server{
		Handler: http.HandlerFunc(s.route),
		TLSConfig: &tls.Config{
			MinVersion:   tls.VersionTLS12,
			Certificates: []tls.Certificate{cert},
			NextProtos:   []string{"h2", "http/1.1"}, // grpc-go insists on h2 by ALPN
		},
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0), // handshakes a test breaks on purpose
	}
	go func() {
		defer close(s.served)
		_ = s.http.ServeTLS(ln, "", "")
	}()
	return nil
}

// route sends the token endpoint to its handler and gRPC to grpc-go's
// ServeHTTP (which needs HTTP/2, POST and an application/grpc body).
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == tokenPath {
		s.serveToken(w, r)
		return
	}
	if r.ProtoMajor == 2 && strings.HasPrefix(r.Header.Get("Content-Type"), "application/grpc") {
		s.grpc.ServeHTTP(w, r)
		return
	}
	http.NotFound(w, r)
}

// Close stops serving and removes the temporary directory if New made it.
func (s *Server) Close() error {
	s.grpc.Stop()
	err := s.http.Close()
	<-s.served
	if s.ownDir {
		err = errors.Join(err, os.RemoveAll(s.dir))
	}
	return err
}

// Host is the address to put in BATON_C1_API_HOST (127.0.0.1:port).
func (s *Server) Host() string { return s.host }

// CAFile is the PEM file of the CA to put in SSL_CERT_FILE.
func (s *Server) CAFile() string { return s.caFile }

// CA is the authority the server certificate chains to.
func (s *Server) CA() *CA { return s.ca }

// NewCredential generates a client ID and secret the fake accepts.
func (s *Server) NewCredential(name string) (Credential, error) {
	c, err := newCredential(name, s.host)
	if err != nil {
		return Credential{}, fmt.Errorf("c1fake: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[c.ClientID] = c.public
	return c, nil
}

// WrongKey returns c with a different key the fake does not know: a
// well-formed secret that the token endpoint must refuse.
func (s *Server) WrongKey(c Credential) (Credential, error) {
	other, err := newCredential("wrong", s.host)
	if err != nil {
		return Credential{}, fmt.Errorf("c1fake: %w", err)
	}
	return Credential{ClientID: c.ClientID, Secret: other.Secret, public: other.public}, nil
}

// Env is the environment a connector needs to run in service mode against
// this fake with c: client ID and secret, BATON_C1_API_HOST and
// SSL_CERT_FILE.
func (s *Server) Env(c Credential) []string {
	return append(c.Env(), "BATON_C1_API_HOST="+s.host, "SSL_CERT_FILE="+s.caFile)
}
