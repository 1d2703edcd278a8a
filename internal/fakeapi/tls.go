// This file serves a fake over TLS with HTTP/2 and HTTP/1.1 (ALPN) from a
// fresh self-signed loopback certificate, so tests can stage HTTP/2 faults.
package fakeapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"golang.org/x/net/http2"

	"github.com/accessgov/baton-connectors/internal/loopbackcert"
)

// TLSServer is a fake served over TLS, offering "h2" and "http/1.1". Each
// HTTP/2 connection is served by its own x/net/http2 server, so that a
// GoAway fault can send GOAWAY on one connection without stopping the rest.
type TLSServer struct {
	// URL is "https://127.0.0.1:PORT", no trailing slash.
	URL string
	// CertPool trusts the server's certificate (and nothing else).
	CertPool *x509.CertPool

	srv  *http.Server
	done chan struct{}
	once sync.Once

	mu    sync.Mutex
	conns map[*tls.Conn]struct{}
}

// goAwayKey carries, in an HTTP/2 request's context, the function that
// sends GOAWAY on its connection and then closes it.
type goAwayKey struct{}

// ServeTLS serves h over TLS on ln until Close. The certificate is made
// for 127.0.0.1, ::1 and localhost, valid for a day.
func ServeTLS(ln net.Listener, h http.Handler) (*TLSServer, error) {
	cert, pool, err := loopbackcert.Server("fakeapi loopback")
	if err != nil {
		return nil, err
	}
	s := &TLSServer{
		URL:      "https://" + ln.Addr().String(),
		CertPool: pool,
		done:     make(chan struct{}),
		conns:    make(map[*tls.Conn]struct{}),
	}
	s.srv = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"h2", "http/1.1"}, MinVersion: tls.VersionTLS12},
		TLSNextProto:      map[string]func(*http.Server, *tls.Conn, http.Handler){"h2": s.serveH2},
	}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(tls.NewListener(ln, s.srv.TLSConfig)); err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic(fmt.Sprintf("fakeapi: serving TLS on %s: %v", ln.Addr(), err))
		}
	}()
	return s, nil
}

// serveH2 serves one HTTP/2 connection. Its requests carry a GOAWAY
// function for the GoAway fault.
func (s *TLSServer) serveH2(_ *http.Server, c *tls.Conn, h http.Handler) {
	s.mu.Lock()
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
	}()

	h2 := &http2.Server{}
	base := &http.Server{ReadHeaderTimeout: 10 * time.Second}
	if err := http2.ConfigureServer(base, h2); err != nil {
		_ = c.Close()
		return
	}
	var goAwayOnce sync.Once
	goAway := func() {
		goAwayOnce.Do(func() {
			// Shutdown makes h2 send GOAWAY on this connection only; closing
			// it with the stream still open is what a client sees as
			// "server sent GOAWAY and closed the connection".
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_ = base.Shutdown(ctx)
			time.Sleep(50 * time.Millisecond)
			_ = c.Close()
		})
	}
	h2.ServeConn(c, &http2.ServeConnOpts{
		BaseConfig: base,
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), goAwayKey{}, goAway)))
		}),
	})
}

// Transport returns a transport that trusts the server and negotiates
// HTTP/2.
func (s *TLSServer) Transport() *http.Transport {
	return &http.Transport{
		TLSClientConfig:   &tls.Config{RootCAs: s.CertPool, MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2: true,
	}
}

// Client returns an *http.Client over Transport.
func (s *TLSServer) Client() *http.Client { return &http.Client{Transport: s.Transport()} }

// Close stops the server, closes every connection and waits for it to
// finish. It is safe to call twice.
func (s *TLSServer) Close() {
	s.once.Do(func() {
		_ = s.srv.Close()
		s.mu.Lock()
		for c := range s.conns {
			_ = c.Close()
		}
		s.mu.Unlock()
		<-s.done
	})
}
