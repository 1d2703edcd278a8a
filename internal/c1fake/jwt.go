package c1fake

// jwt.go: verifying the client-assertion JWT baton-sdk signs
// (pkg/ugrpc/c1_credential_provider.go): a compact JWS, alg EdDSA with the
// client's Ed25519 key, a random "nonce" header, claims iss = sub = client
// ID, aud = the client ID's host without port, exp two minutes ahead, nbf
// two minutes back.

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

type jwsHeader struct {
	Alg   string   `json:"alg"`
	Nonce string   `json:"nonce"`
	Crit  []string `json:"crit"`
}

type jwtClaims struct {
	Issuer    string   `json:"iss"`
	Subject   string   `json:"sub"`
	Audience  audience `json:"aud"`
	Expiry    *float64 `json:"exp"`
	NotBefore *float64 `json:"nbf"`
}

// audience is a JWT "aud": one string or a list (go-jose writes a single
// audience as a plain string).
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("aud is neither a string nor a list of strings")
	}
	*a = many
	return nil
}

// assertion is what a verified client assertion says.
type assertion struct {
	ClientID string
	Nonce    string
}

// verifyAssertion checks token is a JWS signed by pub for clientID with the
// audience aud, valid at now. The error says what is wrong, for the
// fake's record (never for the connector: it only sees 401).
func verifyAssertion(token, clientID, aud string, pub ed25519.PublicKey, now time.Time) (assertion, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return assertion{}, fmt.Errorf("not a compact JWS: %d parts", len(parts))
	}
	dec := base64.RawURLEncoding
	hb, err := dec.DecodeString(parts[0])
	if err != nil {
		return assertion{}, fmt.Errorf("header encoding: %w", err)
	}
	var h jwsHeader
	if err := json.Unmarshal(hb, &h); err != nil {
		return assertion{}, fmt.Errorf("header: %w", err)
	}
	if h.Alg != "EdDSA" {
		return assertion{}, fmt.Errorf("alg %q, want EdDSA", h.Alg)
	}
	if len(h.Crit) > 0 {
		return assertion{}, fmt.Errorf("unsupported critical headers %v", h.Crit)
	}
	sig, err := dec.DecodeString(parts[2])
	if err != nil {
		return assertion{}, fmt.Errorf("signature encoding: %w", err)
	}
	if !ed25519.Verify(pub, []byte(parts[0]+"."+parts[1]), sig) {
		return assertion{}, errors.New("signature does not verify with the client's key")
	}
	pb, err := dec.DecodeString(parts[1])
	if err != nil {
		return assertion{}, fmt.Errorf("payload encoding: %w", err)
	}
	var c jwtClaims
	d := json.NewDecoder(bytes.NewReader(pb))
	if err := d.Decode(&c); err != nil {
		return assertion{}, fmt.Errorf("claims: %w", err)
	}
	switch {
	case c.Issuer != clientID:
		return assertion{}, fmt.Errorf("iss %q, want the client ID %q", c.Issuer, clientID)
	case c.Subject != clientID:
		return assertion{}, fmt.Errorf("sub %q, want the client ID %q", c.Subject, clientID)
	case !slices.Contains(c.Audience, aud):
		return assertion{}, fmt.Errorf("aud %v, want %q", []string(c.Audience), aud)
	case c.Expiry == nil:
		return assertion{}, errors.New("no exp")
	case !now.Before(unixTime(*c.Expiry)):
		return assertion{}, fmt.Errorf("expired at %s", unixTime(*c.Expiry).UTC().Format(time.RFC3339))
	case c.NotBefore != nil && now.Before(unixTime(*c.NotBefore)):
		return assertion{}, fmt.Errorf("not valid before %s", unixTime(*c.NotBefore).UTC().Format(time.RFC3339))
	}
	return assertion{ClientID: clientID, Nonce: h.Nonce}, nil
}

func unixTime(f float64) time.Time {
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9))
}
