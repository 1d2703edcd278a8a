package c1fake_test

import (
	"crypto/ed25519"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/conductorone/baton-sdk/pkg/crypto"

	"github.com/accessgov/baton-connectors/internal/c1fake"
)

// assertionFor signs a client assertion for cred the way baton-sdk's
// c1TokenSource does, with the key parsed from the secret by the SDK's own
// crypto.ParseClientSecret (so the secret's format is proven too).
func assertionFor(t *testing.T, cred c1fake.Credential, nonce string) string {
	t.Helper()
	jwk, err := crypto.ParseClientSecret([]byte(cred.Secret), false)
	if err != nil {
		t.Fatalf("the SDK cannot parse the secret: %v", err)
	}
	priv, ok := jwk.Key.(ed25519.PrivateKey)
	if !ok {
		t.Fatalf("secret key: got %T, want ed25519.PrivateKey", jwk.Key)
	}
	_, rest, _ := strings.Cut(cred.ClientID, "@")
	hostport, _, _ := strings.Cut(rest, "/")
	host, _, _ := net.SplitHostPort(hostport)
	now := time.Now()
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	in := enc(map[string]any{"alg": "EdDSA", "nonce": nonce}) + "." + enc(map[string]any{
		"iss": cred.ClientID, "sub": cred.ClientID, "aud": host,
		"exp": now.Add(2 * time.Minute).Unix(), "iat": now.Unix(), "nbf": now.Add(-2 * time.Minute).Unix(),
	})
	return in + "." + base64.RawURLEncoding.EncodeToString(ed25519.Sign(priv, []byte(in)))
}

func TestServer_Token(t *testing.T) {
	s := c1fake.Start(t, c1fake.Options{CA: testCA, TokenLifetime: 90 * time.Second})
	cred, err := s.NewCredential("token-test")
	if err != nil {
		t.Fatal(err)
	}
	bad, err := s.WrongKey(cred)
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := c1fake.New(c1fake.Options{CA: testCA})
	if err != nil {
		t.Fatal(err)
	}
	unknown, err := stranger.NewCredential("stranger")
	if err != nil {
		t.Fatal(err)
	}
	if err := stranger.Close(); err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: s.CA().Pool()}, ForceAttemptHTTP2: true}
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	form := func(c c1fake.Credential, nonce string) url.Values {
		return url.Values{
			"grant_type":            {"client_credentials"},
			"client_id":             {c.ClientID},
			"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
			"client_assertion":      {assertionFor(t, c, nonce)},
		}
	}
	replayed := form(cred, "same-nonce")
	tests := []struct {
		name       string
		form       url.Values
		fail       int // FailTokens before the request
		wantStatus int
	}{
		{"as the SDK sends it", form(cred, "n1"), 0, http.StatusOK},
		{"the same assertion again", replayed, 0, http.StatusOK},
		{"replayed", replayed, 0, http.StatusUnauthorized},
		{"wrong key", form(bad, "n2"), 0, http.StatusUnauthorized},
		{"unknown client", form(unknown, "n3"), 0, http.StatusUnauthorized},
		{"wrong grant type", func() url.Values { f := form(cred, "n4"); f.Set("grant_type", "password"); return f }(), 0, http.StatusBadRequest},
		{"no assertion type", func() url.Values { f := form(cred, "n5"); f.Del("client_assertion_type"); return f }(), 0, http.StatusBadRequest},
		{"endpoint unavailable", form(cred, "n6"), 1, http.StatusServiceUnavailable},
		{"after the fault", form(cred, "n7"), 0, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fail > 0 {
				s.FailTokens(tt.fail)
			}
			before := len(s.TokenAttempts())
			resp, err := client.PostForm("https://"+s.Host()+"/auth/v1/token", tt.form)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status: got %d, want %d (attempts %+v)", resp.StatusCode, tt.wantStatus, s.TokenAttempts()[before:])
			}
			if resp.ProtoMajor != 2 {
				t.Errorf("protocol: got %s, want HTTP/2", resp.Proto)
			}
			atts := s.TokenAttempts()
			if len(atts) != before+1 || atts[before].Status != tt.wantStatus {
				t.Fatalf("attempts recorded: got %+v, want one more with status %d", atts[before:], tt.wantStatus)
			}
			if tt.wantStatus != http.StatusOK {
				return
			}
			var body struct {
				AccessToken string `json:"access_token"`
				TokenType   string `json:"token_type"`
				ExpiresIn   int    `json:"expires_in"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if body.AccessToken == "" || !strings.EqualFold(body.TokenType, "bearer") || body.ExpiresIn != 90 {
				t.Fatalf("token answer: got type %q, expires_in %d, token set %v; want bearer, 90, set", body.TokenType, body.ExpiresIn, body.AccessToken != "")
			}
		})
	}
}

// TestCredential_Format: the client ID splits the way the SDK splits it,
// and the secret is what the SDK's parser accepts.
func TestCredential_Format(t *testing.T) {
	s := c1fake.Start(t, c1fake.Options{CA: testCA})
	cred, err := s.NewCredential("format")
	if err != nil {
		t.Fatal(err)
	}
	if want := "format@" + s.Host() + "/c1fake"; cred.ClientID != want {
		t.Errorf("client ID: got %q, want %q", cred.ClientID, want)
	}
	if _, err := crypto.ParseClientSecret([]byte(cred.Secret), true); err != nil {
		t.Errorf("the SDK rejects the secret: %v", err)
	}
	if strings.Contains(cred.String(), cred.Secret) {
		t.Errorf("String() prints the secret")
	}
	if _, err := s.NewCredential("bad@name"); err == nil {
		t.Errorf("NewCredential(\"bad@name\"): got no error, want one")
	}
}
