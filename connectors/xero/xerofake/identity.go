package xerofake

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// retiredScopes are the broad scopes Custom Connections created after
// 29 April 2026 may no longer ask for.
var retiredScopes = map[string]bool{
	"accounting.transactions":      true,
	"accounting.transactions.read": true,
	"accounting.reports.read":      true,
}

// userOnlyScopes make no sense for a machine-to-machine token; the fake
// drops them from client_credentials requests.
var userOnlyScopes = map[string]bool{
	"offline_access": true,
	"openid":         true,
	"profile":        true,
	"email":          true,
}

func normaliseScopes(scopes []string) []string {
	var out []string
	for _, s := range scopes {
		for _, f := range strings.Fields(s) {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	ExpiresIn    int    `json:"expires_in"`
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

type oauthError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description,omitempty"`
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Cache-Control", "no-store")
	fakeapi.WriteJSON(w, status, oauthError{Error: code, ErrorDescription: desc})
}

// authenticateClient accepts HTTP Basic (values URL-decoded, as RFC 6749
// 2.3.1 and golang.org/x/oauth2 encode them) or client_id/client_secret in
// the form body.
func (s *Server) authenticateClient(r *http.Request) (Client, bool) {
	id, secret, basic := r.BasicAuth()
	if basic {
		if v, err := url.QueryUnescape(id); err == nil {
			id = v
		}
		if v, err := url.QueryUnescape(secret); err == nil {
			secret = v
		}
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	c, ok := s.clients[id]
	if !ok || id == "" || subtle.ConstantTimeCompare([]byte(c.Secret), []byte(secret)) != 1 {
		return Client{}, false
	}
	return c, true
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	grantType := r.PostForm.Get("grant_type")
	s.mu.Lock()
	s.tokenCalls[grantType]++
	s.mu.Unlock()

	client, ok := s.authenticateClient(r)
	if !ok {
		if s.opts.InvalidClientStatus == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Basic realm="xerofake"`)
		}
		writeOAuthError(w, s.opts.InvalidClientStatus, "invalid_client", "Client authentication failed")
		return
	}
	switch grantType {
	case "client_credentials":
		s.grantClientCredentials(w, r, client)
	case "refresh_token":
		s.grantRefreshToken(w, r, client)
	case "authorization_code":
		s.grantAuthorizationCode(w, r, client)
	case "":
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "grant_type is required")
	default:
		writeOAuthError(w, http.StatusBadRequest, "unsupported_grant_type", "")
	}
}

func (s *Server) writeTokens(w http.ResponseWriter, g *grant, access, refresh string) {
	exp := int(math.Ceil(s.opts.AccessTTL.Seconds()))
	if exp < 1 {
		exp = 1
	}
	w.Header().Set("Cache-Control", "no-store")
	fakeapi.WriteJSON(w, http.StatusOK, tokenResponse{
		AccessToken:  access,
		ExpiresIn:    exp,
		TokenType:    "Bearer",
		Scope:        strings.Join(g.scopes, " "),
		RefreshToken: refresh,
	})
}

func (s *Server) grantClientCredentials(w http.ResponseWriter, r *http.Request, c Client) {
	if !c.CustomConnection {
		writeOAuthError(w, http.StatusBadRequest, "unauthorized_client", "")
		return
	}
	requested := normaliseScopes([]string{r.PostForm.Get("scope")})
	var scopes []string
	for _, sc := range requested {
		if retiredScopes[sc] {
			writeOAuthError(w, http.StatusBadRequest, "invalid_scope", "")
			return
		}
		if !userOnlyScopes[sc] {
			scopes = append(scopes, sc)
		}
	}
	if len(scopes) == 0 {
		scopes = []string{defaultCustomScope}
	}
	g := &grant{clientID: c.ID, scopes: scopes, custom: true, tenantID: c.TenantID, authEventID: newUUID()}
	s.mu.Lock()
	at := s.newAccessLocked(g)
	s.mu.Unlock()
	s.writeTokens(w, g, at, "")
}

func (s *Server) grantRefreshToken(w http.ResponseWriter, r *http.Request, c Client) {
	tok := r.PostForm.Get("refresh_token")
	now := s.clock.Now()
	s.mu.Lock()
	rt, ok := s.refresh[tok]
	valid := ok && tok != "" &&
		rt.grant.clientID == c.ID &&
		!rt.grant.revoked &&
		now.Sub(rt.issued) <= s.opts.RefreshIdle &&
		(!rt.used || now.Sub(rt.firstUsed) <= s.opts.RefreshGrace)
	if !valid {
		s.mu.Unlock()
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "")
		return
	}
	if !rt.used {
		rt.used, rt.firstUsed = true, now
	}
	g := rt.grant
	at := s.newAccessLocked(g)
	next := s.newRefreshLocked(g)
	s.mu.Unlock()
	s.writeTokens(w, g, at, next)
}

func (s *Server) grantAuthorizationCode(w http.ResponseWriter, r *http.Request, c Client) {
	code := r.PostForm.Get("code")
	now := s.clock.Now()
	s.mu.Lock()
	ac, ok := s.codes[code]
	delete(s.codes, code) // single use, whatever the outcome
	s.mu.Unlock()
	if !ok || code == "" || !now.Before(ac.expires) || ac.clientID != c.ID ||
		ac.redirectURI != r.PostForm.Get("redirect_uri") {
		writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "")
		return
	}
	if ac.challenge != "" {
		verifier := r.PostForm.Get("code_verifier")
		sum := sha256.Sum256([]byte(verifier))
		got := base64.RawURLEncoding.EncodeToString(sum[:])
		if verifier == "" || subtle.ConstantTimeCompare([]byte(got), []byte(ac.challenge)) != 1 {
			writeOAuthError(w, http.StatusBadRequest, "invalid_grant", "PKCE verification failed")
			return
		}
	}
	g := &grant{clientID: c.ID, scopes: ac.scopes, authEventID: newUUID()}
	s.mu.Lock()
	at := s.newAccessLocked(g)
	var rt string
	if slices.Contains(g.scopes, "offline_access") {
		rt = s.newRefreshLocked(g)
	}
	s.mu.Unlock()
	s.writeTokens(w, g, at, rt)
}

// handleRevocation revokes a refresh token (and its consent). Like RFC 7009
// it answers 200 for tokens it does not know.
func (s *Server) handleRevocation(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	if _, ok := s.authenticateClient(r); !ok {
		writeOAuthError(w, s.opts.InvalidClientStatus, "invalid_client", "Client authentication failed")
		return
	}
	tok := r.PostForm.Get("token")
	if tok == "" {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", "token is required")
		return
	}
	s.RevokeRefreshToken(tok)
	w.WriteHeader(http.StatusOK)
}

// handleAuthorize consents on the user's behalf at once and redirects back
// with a code. Errors about the client or the redirect_uri are answered
// here (400, plain text); the others go back to the redirect_uri, as in
// RFC 6749 4.1.2.1.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c, ok := s.clients[q.Get("client_id")]
	if !ok {
		fakeapi.WriteText(w, http.StatusBadRequest, "unauthorized_client: unknown client_id")
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || !redirect.IsAbs() || (redirect.Scheme != "http" && redirect.Scheme != "https") || redirect.Host == "" {
		fakeapi.WriteText(w, http.StatusBadRequest, "invalid_request: redirect_uri must be an absolute http(s) URL")
		return
	}
	back := func(params url.Values) {
		vals := redirect.Query()
		for k, vs := range params {
			vals[k] = vs
		}
		if st := q.Get("state"); st != "" {
			vals.Set("state", st)
		}
		u := *redirect
		u.RawQuery = vals.Encode()
		http.Redirect(w, r, u.String(), http.StatusFound)
	}
	fail := func(code, desc string) {
		back(url.Values{"error": {code}, "error_description": {desc}})
	}
	scopes := normaliseScopes([]string{q.Get("scope")})
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	switch {
	case q.Get("response_type") != "code":
		fail("unsupported_response_type", "response_type must be code")
	case c.CustomConnection:
		fail("unauthorized_client", "a Custom Connection cannot use the authorization code flow")
	case len(scopes) == 0:
		fail("invalid_scope", "scope is required")
	case challenge == "" && method != "":
		fail("invalid_request", "code_challenge is required with code_challenge_method")
	case challenge != "" && method != "S256":
		fail("invalid_request", "code_challenge_method must be S256")
	default:
		code := randToken()
		s.mu.Lock()
		s.codes[code] = &authCode{
			clientID:    c.ID,
			redirectURI: q.Get("redirect_uri"),
			challenge:   challenge,
			scopes:      scopes,
			expires:     s.clock.Now().Add(authCodeLifetime),
		}
		s.mu.Unlock()
		back(url.Values{"code": {code}, "scope": {strings.Join(scopes, " ")}})
	}
}

// handleDiscovery serves a minimal OpenID configuration pointing at this
// server.
func (s *Server) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	base := "http://" + r.Host
	fakeapi.WriteJSON(w, http.StatusOK, map[string]any{
		"issuer":                           base,
		"authorization_endpoint":           base + "/identity/connect/authorize",
		"token_endpoint":                   base + "/connect/token",
		"revocation_endpoint":              base + "/connect/revocation",
		"grant_types_supported":            []string{"authorization_code", "refresh_token", "client_credentials"},
		"code_challenge_methods_supported": []string{"S256"},
		"token_endpoint_auth_methods_supported": []string{
			"client_secret_basic", "client_secret_post",
		},
	})
}

// identityDate is the /connections date form: no zone, 7 fractional digits.
const identityDate = "2006-01-02T15:04:05.0000000"

type connectionJSON struct {
	ID             string `json:"id"`
	AuthEventID    string `json:"authEventId"`
	TenantID       string `json:"tenantId"`
	TenantType     string `json:"tenantType"`
	TenantName     string `json:"tenantName"`
	CreatedDateUTC string `json:"createdDateUtc"`
	UpdatedDateUTC string `json:"updatedDateUtc"`
}

// bearer resolves the request's access token. On failure it has already
// answered 401 problem-JSON.
func (s *Server) bearer(w http.ResponseWriter, r *http.Request) (*grant, bool) {
	tok, ok := fakeapi.BearerToken(r)
	if !ok {
		writeProblem(w, http.StatusUnauthorized, "AuthorizationUnsuccessful")
		return nil, false
	}
	now := s.clock.Now()
	s.mu.Lock()
	at, ok := s.access[tok]
	var expires time.Time
	var g *grant
	if ok {
		expires, g = at.expires, at.grant
	}
	s.mu.Unlock()
	switch {
	case !ok:
		writeProblem(w, http.StatusUnauthorized, "AuthorizationUnsuccessful")
		return nil, false
	case !now.Before(expires):
		writeProblem(w, http.StatusUnauthorized, "TokenExpired: token expired at "+expires.UTC().Format("01/02/2006 15:04:05"))
		return nil, false
	}
	return g, true
}

// connectionsFor lists what /connections shows to a grant's tokens.
func (s *Server) connectionsFor(g *grant) []Connection {
	s.mu.Lock()
	revoked := g.revoked
	disconnected := make(map[string]bool, len(s.disconnected))
	for k, v := range s.disconnected {
		disconnected[k] = v
	}
	s.mu.Unlock()
	if revoked {
		return nil
	}
	if g.custom {
		if c, ok := s.connByTen[strings.ToLower(g.tenantID)]; ok {
			return []Connection{c}
		}
		if o, ok := s.orgs[strings.ToLower(g.tenantID)]; ok {
			return []Connection{{
				ID: nameUUID("custom-connection/" + g.clientID), TenantID: o.org.OrganisationID,
				TenantType: TenantTypeOrganisation, TenantName: o.org.Name,
				Created: o.org.CreatedDateUTC, Updated: o.org.CreatedDateUTC,
			}}
		}
		return nil
	}
	var out []Connection
	for _, c := range s.conns {
		if !disconnected[strings.ToLower(c.ID)] {
			out = append(out, c)
		}
	}
	return out
}

// connected reports whether a Web-app grant's tokens may address tenantID:
// what connectionsFor shows, without listing every connection on every
// call (a benchmark makes 20,000 calls over 10,000 connections).
func (s *Server) connected(g *grant, tenantID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g.revoked {
		return false
	}
	for _, id := range s.connIDsByTen[strings.ToLower(tenantID)] {
		if !s.disconnected[id] {
			return true
		}
	}
	return false
}

func (s *Server) handleConnections(w http.ResponseWriter, r *http.Request) {
	g, ok := s.bearer(w, r)
	if !ok {
		return
	}
	out := []connectionJSON{}
	if ev := r.URL.Query().Get("authEventId"); ev == "" || strings.EqualFold(ev, g.authEventID) {
		for _, c := range s.connectionsFor(g) {
			out = append(out, connectionJSON{
				ID:             c.ID,
				AuthEventID:    g.authEventID,
				TenantID:       c.TenantID,
				TenantType:     c.TenantType,
				TenantName:     c.TenantName,
				CreatedDateUTC: c.Created.UTC().Format(identityDate),
				UpdatedDateUTC: c.Updated.UTC().Format(identityDate),
			})
		}
	}
	fakeapi.WriteJSON(w, http.StatusOK, out)
	s.connectionsServed()
}

// handleDisconnect removes a connection for every web-app token: 204, or
// 404 when the id is unknown or already disconnected.
func (s *Server) handleDisconnect(w http.ResponseWriter, r *http.Request) {
	g, ok := s.bearer(w, r)
	if !ok {
		return
	}
	if g.custom {
		writeProblem(w, http.StatusForbidden, "AuthenticationUnsuccessful")
		return
	}
	id := strings.ToLower(r.PathValue("id"))
	for _, c := range s.connectionsFor(g) {
		if strings.ToLower(c.ID) == id {
			s.mu.Lock()
			s.disconnected[id] = true
			s.mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	fakeapi.WriteText(w, http.StatusNotFound, notFoundText)
}
