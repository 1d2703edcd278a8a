package loopbackcert

import (
	"crypto/x509"
	"encoding/pem"
	"testing"
)

func TestServer_VerifiesForLoopbackHosts(t *testing.T) {
	cert, pool, err := Server("test", "10.0.0.9", "example.internal")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, host string
		wantOK     bool
	}{
		{name: "localhost", host: "localhost", wantOK: true},
		{name: "IPv4 loopback", host: "127.0.0.1", wantOK: true},
		{name: "IPv6 loopback", host: "::1", wantOK: true},
		{name: "extra IP", host: "10.0.0.9", wantOK: true},
		{name: "extra DNS name", host: "example.internal", wantOK: true},
		{name: "another host", host: "example.com", wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cert.Leaf.Verify(x509.VerifyOptions{DNSName: tt.host, Roots: pool})
			if got := err == nil; got != tt.wantOK {
				t.Fatalf("Verify(%s): got ok %v (%v), want %v", tt.host, got, err, tt.wantOK)
			}
		})
	}
	if got := len(cert.Certificate); got != 2 {
		t.Fatalf("chain length: got %d, want 2 (leaf and CA)", got)
	}
}

func TestCA_PEM(t *testing.T) {
	ca, err := NewCA("pem test")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(ca.PEM())
	if block == nil || block.Type != "CERTIFICATE" {
		t.Fatalf("PEM: got %v, want one CERTIFICATE block", block)
	}
	parsed, err := x509.ParseCertificate(block.Bytes)
	if err != nil || !parsed.IsCA {
		t.Fatalf("PEM certificate: got IsCA %v, err %v; want a CA", parsed != nil && parsed.IsCA, err)
	}
	cert, err := ca.Issue("leaf")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cert.Leaf.Verify(x509.VerifyOptions{DNSName: "localhost", Roots: ca.Pool()}); err != nil {
		t.Fatalf("issued certificate does not verify against its CA: %v", err)
	}
}
