package fakeapi

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

func startTLS(t *testing.T, h http.Handler) *TLSServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s, err := ServeTLS(ln, h)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestServeTLS_Protocols(t *testing.T) {
	s := startTLS(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, r.Proto) }))
	tests := []struct {
		name      string
		transport *http.Transport
		wantMajor int
	}{
		{name: "h2 by ALPN", transport: s.Transport(), wantMajor: 2},
		{name: "http/1.1 when the client offers only that", transport: &http.Transport{
			TLSClientConfig: &tls.Config{RootCAs: s.CertPool, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}},
		}, wantMajor: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := (&http.Client{Transport: tt.transport}).Get(s.URL + "/x")
			if err != nil {
				t.Fatalf("GET: %v", err)
			}
			defer resp.Body.Close()
			if resp.ProtoMajor != tt.wantMajor {
				t.Errorf("ProtoMajor: got %d, want %d", resp.ProtoMajor, tt.wantMajor)
			}
		})
	}
}

func TestFault_HTTP2(t *testing.T) {
	tests := []struct {
		name    string
		fault   Fault
		wantErr string
	}{
		{name: "stream reset", fault: Fault{StreamReset: true}, wantErr: "stream error: stream ID 1; INTERNAL_ERROR; received from peer"},
		{name: "GOAWAY", fault: Fault{GoAway: true}, wantErr: "http2: server sent GOAWAY and closed the connection"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			faults := &Faults{}
			faults.Add(tt.fault)
			rt := NewRouter(WithFaults(faults))
			rt.Handle("GET /x", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") }))
			s := startTLS(t, rt)
			c := s.Client()

			_, err := c.Get(s.URL + "/x")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("first GET: got error %v, want one containing %q", err, tt.wantErr)
			}
			resp, err := c.Get(s.URL + "/x")
			if err != nil {
				t.Fatalf("second GET: got error %v, want ok", err)
			}
			resp.Body.Close()
			if resp.ProtoMajor != 2 {
				t.Errorf("ProtoMajor: got %d, want 2", resp.ProtoMajor)
			}
		})
	}
}
