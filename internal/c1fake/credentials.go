package c1fake

// credentials.go: the per-test ConductorOne client credentials, in exactly
// the form baton-sdk parses them (pkg/ugrpc.parseClientID and
// pkg/crypto.ParseClientSecret).

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
)

// Credential is one client ID and secret. The private key lives only in
// Secret; the fake keeps the public key to check assertions.
type Credential struct {
	ClientID string // name@HOST:PORT/c1fake
	Secret   string // secret-token:c1fake:v1:<base64url JWK>
	public   ed25519.PublicKey
}

// String never prints the secret.
func (c Credential) String() string { return "c1fake credential " + c.ClientID }

// Env is the environment a connector in service mode needs for c.
func (c Credential) Env() []string {
	return []string{"BATON_CLIENT_ID=" + c.ClientID, "BATON_CLIENT_SECRET=" + c.Secret}
}

// newCredential generates a key and builds the client ID for name at host
// (host:port, as the SDK puts it in the token URL and takes the audience
// from).
func newCredential(name, host string) (Credential, error) {
	if name == "" || strings.ContainsAny(name, "@/:") {
		return Credential{}, fmt.Errorf("client name %q: want a non-empty name with no '@', '/' or ':' in it", name)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return Credential{}, fmt.Errorf("generate client key: %w", err)
	}
	secret, err := secretFor(priv)
	if err != nil {
		return Credential{}, err
	}
	return Credential{ClientID: name + "@" + host + "/c1fake", Secret: secret, public: pub}, nil
}

// secretFor encodes priv the way pkg/crypto.ParseClientSecret reads it:
// four colon-separated parts, the third "v1", the fourth an unpadded
// base64url JWK of an Ed25519 private key (OKP, d = the 32-byte seed).
func secretFor(priv ed25519.PrivateKey) (string, error) {
	enc := base64.RawURLEncoding.EncodeToString
	jwk, err := json.Marshal(map[string]string{
		"kty": "OKP",
		"crv": "Ed25519",
		"x":   enc(priv.Public().(ed25519.PublicKey)),
		"d":   enc(priv.Seed()),
	})
	if err != nil {
		return "", fmt.Errorf("encode client key: %w", err)
	}
	return "secret-token:c1fake:v1:" + base64.RawURLEncoding.EncodeToString(jwk), nil
}

// clientHost returns the HOST part of a client ID (name@HOST/anything),
// the way the SDK splits it.
func clientHost(clientID string) (string, bool) {
	_, rest, ok := strings.Cut(clientID, "@")
	if !ok {
		return "", false
	}
	host, _, ok := strings.Cut(rest, "/")
	return host, ok
}
