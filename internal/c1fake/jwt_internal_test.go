package c1fake

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// signJWT builds a compact JWS over claims with header, signed by priv.
func signJWT(t *testing.T, priv ed25519.PrivateKey, header, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return base64.RawURLEncoding.EncodeToString(b)
	}
	in := enc(header) + "." + enc(claims)
	return in + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(priv, []byte(in)))
}

func TestVerifyAssertion(t *testing.T) {
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	_, other, _ := ed25519.GenerateKey(rand.Reader)
	const id = "test@127.0.0.1:4443/c1fake"
	now := time.Now()
	good := func() map[string]any {
		return map[string]any{
			"iss": id, "sub": id, "aud": "127.0.0.1",
			"exp": now.Add(2 * time.Minute).Unix(), "nbf": now.Add(-2 * time.Minute).Unix(), "iat": now.Unix(),
		}
	}
	hdr := map[string]any{"alg": "EdDSA", "nonce": "n1"}
	with := func(k string, v any) map[string]any {
		c := good()
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	tests := []struct {
		name    string
		token   string
		wantErr string // "" means valid
	}{
		{"as the SDK signs it", signJWT(t, priv, hdr, good()), ""},
		{"audience as a list", signJWT(t, priv, hdr, with("aud", []string{"other", "127.0.0.1"})), ""},
		{"wrong key", signJWT(t, other, hdr, good()), "signature does not verify"},
		{"alg none", signJWT(t, priv, map[string]any{"alg": "none"}, good()), "alg"},
		{"critical header", signJWT(t, priv, map[string]any{"alg": "EdDSA", "crit": []string{"x"}}, good()), "critical"},
		{"issuer not the client", signJWT(t, priv, hdr, with("iss", "someone@127.0.0.1/x")), "iss"},
		{"subject not the client", signJWT(t, priv, hdr, with("sub", "someone@127.0.0.1/x")), "sub"},
		{"audience with the port", signJWT(t, priv, hdr, with("aud", "127.0.0.1:4443")), "aud"},
		{"no expiry", signJWT(t, priv, hdr, with("exp", nil)), "no exp"},
		{"expired", signJWT(t, priv, hdr, with("exp", now.Add(-time.Second).Unix())), "expired"},
		{"not yet valid", signJWT(t, priv, hdr, with("nbf", now.Add(time.Minute).Unix())), "not valid before"},
		{"two parts", "a.b", "parts"},
		{"tampered claims", func() string {
			p := strings.Split(signJWT(t, priv, hdr, good()), ".")
			c := good()
			c["sub"] = "x"
			b, _ := json.Marshal(c)
			return p[0] + "." + base64.RawURLEncoding.EncodeToString(b) + "." + p[2]
		}(), "signature does not verify"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := verifyAssertion(tt.token, id, "127.0.0.1", pub, now)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("got error %v, want none", err)
			case tt.wantErr == "" && a.ClientID != id:
				t.Fatalf("client ID: got %q, want %q", a.ClientID, id)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
