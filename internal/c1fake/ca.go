package c1fake

// ca.go: the throwaway certificate authority and loopback server
// certificate the fake serves, and the PEM file a connector trusts through
// SSL_CERT_FILE.

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"

	"github.com/accessgov/baton-connectors/internal/loopbackcert"
)

// CA is a self-signed certificate authority generated in memory. Share one
// between several fakes when a process must trust them all before it
// starts (SSL_CERT_FILE is read once per process).
type CA struct {
	ca *loopbackcert.CA
}

// NewCA generates a fresh CA.
func NewCA() (*CA, error) {
	ca, err := loopbackcert.NewCA("c1fake test CA")
	if err != nil {
		return nil, err
	}
	return &CA{ca: ca}, nil
}

// PEM is the CA certificate in PEM form.
func (c *CA) PEM() []byte { return c.ca.PEM() }

// WriteFile writes the CA certificate to path (for SSL_CERT_FILE).
func (c *CA) WriteFile(path string) error {
	if err := os.WriteFile(path, c.ca.PEM(), 0o600); err != nil {
		return fmt.Errorf("write CA certificate: %w", err)
	}
	return nil
}

// Pool is a certificate pool holding only this CA.
func (c *CA) Pool() *x509.CertPool { return c.ca.Pool() }

// serverCert issues a certificate for loopback (127.0.0.1, ::1, localhost).
func (c *CA) serverCert() (tls.Certificate, error) { return c.ca.Issue("c1fake") }
