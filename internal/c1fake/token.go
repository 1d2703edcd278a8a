package c1fake

// token.go: POST /auth/v1/token, the OAuth client-credentials grant with a
// JWT client assertion (RFC 7523) that baton-sdk's credential provider
// uses, and the bearer tokens it issues.

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

const (
	tokenPath     = "/auth/v1/token"
	assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
)

// TokenAttempt is one request to the token endpoint as the fake judged it.
type TokenAttempt struct {
	ClientID string
	Status   int    // the HTTP status answered
	Reason   string // why it was refused, "" when a token was issued
}

type issuedToken struct {
	clientID string
	expires  time.Time
}

// tokenError answers an OAuth error body with status.
func (s *Server) tokenError(w http.ResponseWriter, clientID string, status int, code, reason string) {
	s.mu.Lock()
	s.tokenAttempts = append(s.tokenAttempts, TokenAttempt{ClientID: clientID, Status: status, Reason: reason})
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code})
}

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	if s.takeTokenFault() {
		s.tokenError(w, "", http.StatusServiceUnavailable, "temporarily_unavailable", "fault: token endpoint unavailable")
		return
	}
	if r.Method != http.MethodPost {
		s.tokenError(w, "", http.StatusMethodNotAllowed, "invalid_request", "method "+r.Method)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.tokenError(w, "", http.StatusBadRequest, "invalid_request", "form: "+err.Error())
		return
	}
	clientID := r.PostForm.Get("client_id")
	switch {
	case r.PostForm.Get("grant_type") != "client_credentials":
		s.tokenError(w, clientID, http.StatusBadRequest, "unsupported_grant_type", "grant_type "+r.PostForm.Get("grant_type"))
		return
	case r.PostForm.Get("client_assertion_type") != assertionType:
		s.tokenError(w, clientID, http.StatusBadRequest, "invalid_request", "client_assertion_type "+r.PostForm.Get("client_assertion_type"))
		return
	}
	s.mu.Lock()
	pub, known := s.clients[clientID]
	s.mu.Unlock()
	if !known {
		s.tokenError(w, clientID, http.StatusUnauthorized, "invalid_client", "unknown client ID")
		return
	}
	host, _ := clientHost(clientID)
	aud := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		aud = h // the SDK drops the port from the audience
	}
	a, err := verifyAssertion(r.PostForm.Get("client_assertion"), clientID, aud, pub, time.Now())
	if err != nil {
		s.tokenError(w, clientID, http.StatusUnauthorized, "invalid_client", err.Error())
		return
	}
	tok, err := randomHex(32)
	if err != nil {
		s.tokenError(w, clientID, http.StatusInternalServerError, "server_error", err.Error())
		return
	}
	s.mu.Lock()
	// Guess (the reference does not say): a client assertion is single
	// use, as RFC 7523 allows, keyed by the nonce the SDK always sets.
	replayed := a.Nonce != "" && s.nonces[a.Nonce]
	if !replayed {
		if a.Nonce != "" {
			s.nonces[a.Nonce] = true
		}
		s.tokens[tok] = issuedToken{clientID: clientID, expires: time.Now().Add(s.opts.TokenLifetime)}
		s.tokenAttempts = append(s.tokenAttempts, TokenAttempt{ClientID: clientID, Status: http.StatusOK})
	}
	s.mu.Unlock()
	if replayed {
		s.tokenError(w, clientID, http.StatusUnauthorized, "invalid_client", "assertion replayed")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"access_token": tok,
		"token_type":   "bearer", // guess; the SDK sends "Bearer <token>" whatever the case
		"expires_in":   int(s.opts.TokenLifetime / time.Second),
	})
}

// TokenAttempts lists every token request so far, in order.
func (s *Server) TokenAttempts() []TokenAttempt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]TokenAttempt(nil), s.tokenAttempts...)
}

// ExpireTokens makes every access token issued so far invalid, as if they
// had all reached their expiry: the next RPC with one is Unauthenticated.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

// checkBearer reports whether authorization ("Bearer <token>") carries a
// live token the fake issued.
func (s *Server) checkBearer(authorization string) error {
	const prefix = "bearer "
	if len(authorization) <= len(prefix) || !strings.EqualFold(authorization[:len(prefix)], prefix) {
		return errors.New("no bearer token in the authorization metadata")
	}
	s.mu.Lock()
	t, ok := s.tokens[authorization[len(prefix):]]
	s.mu.Unlock()
	switch {
	case !ok:
		return errors.New("unknown access token")
	case !time.Now().Before(t.expires):
		return errors.New("access token expired")
	}
	return nil
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return hex.EncodeToString(b), nil
}
