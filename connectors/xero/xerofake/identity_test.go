package xerofake

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestServer_TokenClientCredentials(t *testing.T) {
	_, base := NewTestServer(t, Demo(), Options{})
	tests := []struct {
		name       string
		auth       auth
		scope      string
		wantStatus int
		wantError  string
		wantScope  string
	}{
		{name: "basic auth, no scope", auth: customBasic, wantStatus: 200, wantScope: "accounting.settings.read"},
		{name: "form auth, no scope", auth: customForm, wantStatus: 200, wantScope: "accounting.settings.read"},
		{name: "explicit scope", auth: customForm, scope: "accounting.settings", wantStatus: 200, wantScope: "accounting.settings"},
		{name: "offline_access and openid are dropped", auth: customBasic, scope: "openid offline_access accounting.settings.read", wantStatus: 200, wantScope: "accounting.settings.read"},
		{name: "retired scope", auth: customBasic, scope: "openid email profile offline_access accounting.settings accounting.transactions", wantStatus: 400, wantError: "invalid_scope"},
		{name: "web app may not use client_credentials", auth: webBasic, wantStatus: 400, wantError: "unauthorized_client"},
		{name: "wrong secret, basic", auth: auth{id: DemoCustomClientID, secret: "nope", basic: true}, wantStatus: 400, wantError: "invalid_client"},
		{name: "wrong secret, form", auth: auth{id: DemoCustomClientID, secret: "nope"}, wantStatus: 400, wantError: "invalid_client"},
		{name: "unknown client", auth: auth{id: "who", secret: "x", basic: true}, wantStatus: 400, wantError: "invalid_client"},
		{name: "no client auth", auth: auth{}, wantStatus: 400, wantError: "invalid_client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			form := url.Values{"grant_type": {"client_credentials"}}
			if tt.scope != "" {
				form.Set("scope", tt.scope)
			}
			status, tr := token(t, base, tt.auth, form)
			if status != tt.wantStatus {
				t.Fatalf("status: got %d (%+v), want %d", status, tr, tt.wantStatus)
			}
			if tr.Error != tt.wantError {
				t.Fatalf("error: got %q, want %q", tr.Error, tt.wantError)
			}
			if tt.wantStatus != 200 {
				return
			}
			if tr.AccessToken == "" || tr.TokenType != "Bearer" || tr.ExpiresIn != 1800 || tr.Scope != tt.wantScope {
				t.Fatalf("got %+v, want a Bearer token, expires_in 1800, scope %q", tr, tt.wantScope)
			}
			if tr.RefreshToken != "" {
				t.Fatalf("refresh_token: got %q, want none for client_credentials", tr.RefreshToken)
			}
		})
	}
}

func TestServer_TokenInvalidClientStatus(t *testing.T) {
	tests := []struct {
		name   string
		status int
		want   int
	}{
		{name: "default", status: 0, want: 400},
		{name: "401", status: 401, want: 401},
		{name: "anything else is 400", status: 418, want: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, base := NewTestServer(t, Demo(), Options{InvalidClientStatus: tt.status})
			status, tr := token(t, base, auth{id: DemoWebClientID, secret: "bad", basic: true}, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"x"}})
			if status != tt.want || tr.Error != "invalid_client" || tr.ErrorDescription != "Client authentication failed" {
				t.Fatalf("got %d %+v, want %d invalid_client/Client authentication failed", status, tr, tt.want)
			}
		})
	}
}

func TestServer_TokenGrantErrors(t *testing.T) {
	_, base := NewTestServer(t, Demo(), Options{})
	tests := []struct {
		name      string
		form      url.Values
		wantError string
	}{
		{name: "missing grant_type", form: url.Values{}, wantError: "invalid_request"},
		{name: "unsupported grant_type", form: url.Values{"grant_type": {"password"}}, wantError: "unsupported_grant_type"},
		{name: "unknown refresh token", form: url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"nope"}}, wantError: "invalid_grant"},
		{name: "empty refresh token", form: url.Values{"grant_type": {"refresh_token"}}, wantError: "invalid_grant"},
		{name: "unknown code", form: url.Values{"grant_type": {"authorization_code"}, "code": {"nope"}, "redirect_uri": {"http://127.0.0.1/cb"}}, wantError: "invalid_grant"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, tr := token(t, base, webForm, tt.form)
			if status != 400 || tr.Error != tt.wantError {
				t.Fatalf("got %d %q, want 400 %q", status, tr.Error, tt.wantError)
			}
		})
	}
}

func TestServer_TokenRefreshRotation(t *testing.T) {
	s, base, clk := manualServer(t, Options{})
	refresh := func(a auth, rt string) (int, tokenResp) {
		return token(t, base, a, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
	}
	rt1 := s.IssueRefreshToken(DemoWebClientID, "offline_access", "accounting.settings.read")

	// First use (basic auth) rotates.
	status, tr := refresh(webBasic, rt1)
	if status != 200 || tr.RefreshToken == "" || tr.RefreshToken == rt1 {
		t.Fatalf("first refresh: got %d %+v, want 200 with a new refresh token", status, tr)
	}
	if tr.Scope != "offline_access accounting.settings.read" || tr.ExpiresIn != 1800 || tr.TokenType != "Bearer" {
		t.Fatalf("first refresh: got scope %q expires_in %d type %q, want the original scopes, 1800, Bearer", tr.Scope, tr.ExpiresIn, tr.TokenType)
	}
	rt2 := tr.RefreshToken

	// Within the grace period the old token still works (form auth this time).
	clk.Advance(10 * time.Minute)
	status, tr = refresh(webForm, rt1)
	if status != 200 || tr.RefreshToken == "" || tr.RefreshToken == rt2 {
		t.Fatalf("retry within grace: got %d %+v, want 200 with another new refresh token", status, tr)
	}

	// A scope parameter cannot widen the grant.
	status, tr = token(t, base, webForm, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt2}, "scope": {"accounting.settings accounting.transactions"}})
	if status != 200 || tr.Scope != "offline_access accounting.settings.read" {
		t.Fatalf("refresh with scope: got %d scope %q, want 200 with the original scopes", status, tr.Scope)
	}

	// 30 minutes after its first use the old token is dead.
	clk.Advance(20*time.Minute + time.Second)
	if status, tr = refresh(webBasic, rt1); status != 400 || tr.Error != "invalid_grant" {
		t.Fatalf("after grace: got %d %+v, want 400 invalid_grant", status, tr)
	}

	// Another client cannot use the token.
	rt3 := s.IssueRefreshToken(DemoWebClientID)
	if status, tr = refresh(customBasic, rt3); status != 400 || tr.Error != "invalid_grant" {
		t.Fatalf("other client: got %d %+v, want 400 invalid_grant", status, tr)
	}

	if got := s.TokenRequests()["refresh_token"]; got != 5 {
		t.Fatalf("TokenRequests[refresh_token]: got %d, want 5", got)
	}
}

func TestServer_TokenRefreshIdle(t *testing.T) {
	s, base, clk := manualServer(t, Options{})
	used := s.IssueRefreshToken(DemoWebClientID)
	idle := s.IssueRefreshToken(DemoWebClientID)
	tests := []struct {
		name       string
		advance    time.Duration
		rt         string
		wantStatus int
	}{
		{name: "59 days unused still works", advance: 59 * 24 * time.Hour, rt: used, wantStatus: 200},
		{name: "60 days and a second unused is invalid_grant", advance: 24*time.Hour + time.Second, rt: idle, wantStatus: 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk.Advance(tt.advance)
			status, tr := token(t, base, webBasic, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tt.rt}})
			if status != tt.wantStatus {
				t.Fatalf("got %d %+v, want %d", status, tr, tt.wantStatus)
			}
			if status == 400 && tr.Error != "invalid_grant" {
				t.Fatalf("error: got %q, want invalid_grant", tr.Error)
			}
		})
	}
}

func TestServer_Revocation(t *testing.T) {
	s, base := NewTestServer(t, Demo(), Options{})
	tenant := Demo().Orgs[0].OrganisationID
	rt1 := s.IssueRefreshToken(DemoWebClientID)
	tr := mustRefresh(t, base, rt1)
	at, rt2 := tr.AccessToken, tr.RefreshToken

	status, _, body := postForm(t, base+"/connect/revocation", webForm, url.Values{"token": {rt2}})
	if status != 200 {
		t.Fatalf("revocation: got %d %q, want 200", status, body)
	}
	for name, rt := range map[string]string{"revoked token": rt2, "its predecessor in grace": rt1} {
		status, tr := token(t, base, webBasic, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
		if status != 400 || tr.Error != "invalid_grant" {
			t.Fatalf("%s: got %d %+v, want 400 invalid_grant", name, status, tr)
		}
	}
	resp, b := get(t, base+"/connections", at, nil)
	if resp.StatusCode != 200 || strings.TrimSpace(string(b)) != "[]" {
		t.Fatalf("connections after revocation: got %d %s, want 200 []", resp.StatusCode, b)
	}
	resp, b = get(t, base+"/api.xro/2.0/Users", at, tenantHdr(tenant))
	if p := decodeJSON[problemResp](t, b); resp.StatusCode != 403 || p.Detail != "AuthenticationUnsuccessful" {
		t.Fatalf("Users after revocation: got %d %s, want 403 AuthenticationUnsuccessful", resp.StatusCode, b)
	}

	// Bad client auth on revocation; then RevokeRefreshToken.
	rt3 := s.IssueRefreshToken(DemoWebClientID)
	if status, _, _ := postForm(t, base+"/connect/revocation", auth{id: DemoWebClientID, secret: "bad"}, url.Values{"token": {rt3}}); status != 400 {
		t.Fatalf("revocation with bad secret: got %d, want 400", status)
	}
	mustRefresh(t, base, rt3) // still valid: the failed revocation did nothing
	rt4 := s.IssueRefreshToken(DemoWebClientID)
	s.RevokeRefreshToken(rt4)
	if status, tr := token(t, base, webBasic, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt4}}); status != 400 || tr.Error != "invalid_grant" {
		t.Fatalf("after RevokeRefreshToken: got %d %+v, want 400 invalid_grant", status, tr)
	}
}

func pkce(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// authorize calls the authorize endpoint and returns the status and the
// redirect's query.
func authorize(t *testing.T, base string, q url.Values) (int, url.Values) {
	t.Helper()
	resp, err := noRedirect.Get(base + "/identity/connect/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return resp.StatusCode, nil
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != "http://127.0.0.1:9/callback" {
		t.Fatalf("redirect target: got %q, want http://127.0.0.1:9/callback", got)
	}
	return resp.StatusCode, loc.Query()
}

func TestServer_AuthorizationCode(t *testing.T) {
	_, base := NewTestServer(t, Demo(), Options{})
	const redirect = "http://127.0.0.1:9/callback"
	const verifier = "a-long-random-verifier-string-0123456789-abcdefghijkl"
	code := func(t *testing.T, scope string, withPKCE bool) string {
		q := url.Values{"response_type": {"code"}, "client_id": {DemoWebClientID}, "redirect_uri": {redirect}, "scope": {scope}, "state": {"st-42"}}
		if withPKCE {
			q.Set("code_challenge", pkce(verifier))
			q.Set("code_challenge_method", "S256")
		}
		status, got := authorize(t, base, q)
		if status != 302 || got.Get("code") == "" || got.Get("state") != "st-42" {
			t.Fatalf("authorize: got %d %v, want 302 with code and state st-42", status, got)
		}
		return got.Get("code")
	}
	exchange := func(a auth, code, redirectURI, verifier string) (int, tokenResp) {
		form := url.Values{"grant_type": {"authorization_code"}, "code": {code}, "redirect_uri": {redirectURI}}
		if verifier != "" {
			form.Set("code_verifier", verifier)
		}
		return token(t, base, a, form)
	}

	t.Run("PKCE success, then the code is spent", func(t *testing.T) {
		c := code(t, "offline_access accounting.settings.read", true)
		status, tr := exchange(webBasic, c, redirect, verifier)
		if status != 200 || tr.AccessToken == "" || tr.RefreshToken == "" || tr.Scope != "offline_access accounting.settings.read" {
			t.Fatalf("got %d %+v, want 200 with access and refresh tokens", status, tr)
		}
		resp, b := get(t, base+"/connections", tr.AccessToken, nil)
		if resp.StatusCode != 200 || len(decodeJSON[[]connectionJSON](t, b)) != 4 {
			t.Fatalf("connections: got %d %s, want 200 with 4 connections", resp.StatusCode, b)
		}
		mustRefresh(t, base, tr.RefreshToken)
		if status, tr = exchange(webBasic, c, redirect, verifier); status != 400 || tr.Error != "invalid_grant" {
			t.Fatalf("second use: got %d %+v, want 400 invalid_grant", status, tr)
		}
	})
	t.Run("wrong verifier", func(t *testing.T) {
		c := code(t, "offline_access accounting.settings.read", true)
		if status, tr := exchange(webForm, c, redirect, verifier+"x"); status != 400 || tr.Error != "invalid_grant" {
			t.Fatalf("got %d %+v, want 400 invalid_grant", status, tr)
		}
	})
	t.Run("missing verifier", func(t *testing.T) {
		c := code(t, "accounting.settings.read", true)
		if status, tr := exchange(webForm, c, redirect, ""); status != 400 || tr.Error != "invalid_grant" {
			t.Fatalf("got %d %+v, want 400 invalid_grant", status, tr)
		}
	})
	t.Run("redirect_uri mismatch", func(t *testing.T) {
		c := code(t, "accounting.settings.read", true)
		if status, tr := exchange(webForm, c, "http://127.0.0.1:9/other", verifier); status != 400 || tr.Error != "invalid_grant" {
			t.Fatalf("got %d %+v, want 400 invalid_grant", status, tr)
		}
	})
	t.Run("without offline_access no refresh token; PKCE optional", func(t *testing.T) {
		c := code(t, "accounting.settings.read", false)
		status, tr := exchange(webForm, c, redirect, "")
		if status != 200 || tr.AccessToken == "" || tr.RefreshToken != "" {
			t.Fatalf("got %d %+v, want 200 with an access token and no refresh token", status, tr)
		}
	})
	t.Run("code issued to another client", func(t *testing.T) {
		c := code(t, "accounting.settings.read", false)
		if status, tr := exchange(customForm, c, redirect, ""); status != 400 || tr.Error != "invalid_grant" {
			t.Fatalf("got %d %+v, want 400 invalid_grant", status, tr)
		}
	})
}

func TestServer_Authorize(t *testing.T) {
	_, base := NewTestServer(t, Demo(), Options{})
	good := func() url.Values {
		return url.Values{"response_type": {"code"}, "client_id": {DemoWebClientID}, "redirect_uri": {"http://127.0.0.1:9/callback"}, "scope": {"accounting.settings.read"}, "state": {"s"}}
	}
	tests := []struct {
		name       string
		edit       func(url.Values)
		wantStatus int
		wantError  string
	}{
		{name: "unknown client", edit: func(q url.Values) { q.Set("client_id", "nobody") }, wantStatus: 400},
		{name: "relative redirect", edit: func(q url.Values) { q.Set("redirect_uri", "/cb") }, wantStatus: 400},
		{name: "plain PKCE method", edit: func(q url.Values) { q.Set("code_challenge", "abc"); q.Set("code_challenge_method", "plain") }, wantStatus: 302, wantError: "invalid_request"},
		{name: "method without challenge", edit: func(q url.Values) { q.Set("code_challenge_method", "S256") }, wantStatus: 302, wantError: "invalid_request"},
		{name: "token response type", edit: func(q url.Values) { q.Set("response_type", "token") }, wantStatus: 302, wantError: "unsupported_response_type"},
		{name: "no scope", edit: func(q url.Values) { q.Del("scope") }, wantStatus: 302, wantError: "invalid_scope"},
		{name: "custom connection", edit: func(q url.Values) { q.Set("client_id", DemoCustomClientID) }, wantStatus: 302, wantError: "unauthorized_client"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := good()
			tt.edit(q)
			status, got := authorize(t, base, q)
			if status != tt.wantStatus {
				t.Fatalf("status: got %d, want %d", status, tt.wantStatus)
			}
			if tt.wantStatus == 302 && (got.Get("error") != tt.wantError || got.Get("code") != "" || got.Get("state") != "s") {
				t.Fatalf("redirect query: got %v, want error=%s, no code, state=s", got, tt.wantError)
			}
		})
	}
}

var identityDateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}$`)

func TestServer_Connections(t *testing.T) {
	s, base := NewTestServer(t, Demo(), Options{})
	ds := Demo()
	web := webAccessToken(t, s, base)
	custom := customAccessToken(t, base)
	tests := []struct {
		name      string
		path      string
		bearer    string
		wantCount int
		wantFirst string // tenantId of the first entry
	}{
		{name: "lower-case path", path: "/connections", bearer: web, wantCount: 4, wantFirst: ds.Connections[0].TenantID},
		{name: "spec spelling", path: "/Connections", bearer: web, wantCount: 4, wantFirst: ds.Connections[0].TenantID},
		{name: "upper-case path", path: "/CONNECTIONS", bearer: web, wantCount: 4, wantFirst: ds.Connections[0].TenantID},
		{name: "custom connection sees its tenant", path: "/connections", bearer: custom, wantCount: 1, wantFirst: ds.Orgs[0].OrganisationID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := get(t, base+tt.path, tt.bearer, map[string]string{"Accept": ""})
			if resp.StatusCode != 200 {
				t.Fatalf("status: got %d %s, want 200", resp.StatusCode, b)
			}
			if !strings.HasPrefix(strings.TrimSpace(string(b)), "[") {
				t.Fatalf("body: got %s, want a bare JSON array", b)
			}
			conns := decodeJSON[[]connectionJSON](t, b)
			if len(conns) != tt.wantCount || conns[0].TenantID != tt.wantFirst {
				t.Fatalf("got %d connections, first tenant %s; want %d, first %s", len(conns), conns[0].TenantID, tt.wantCount, tt.wantFirst)
			}
			for _, c := range conns {
				if !identityDateRE.MatchString(c.CreatedDateUTC) || !identityDateRE.MatchString(c.UpdatedDateUTC) {
					t.Fatalf("dates: got %q / %q, want zone-less with 7 fractional digits", c.CreatedDateUTC, c.UpdatedDateUTC)
				}
				if c.ID == "" || c.AuthEventID == "" || c.TenantName == "" || c.TenantType == "" {
					t.Fatalf("got %+v, want every field set", c)
				}
			}
		})
	}
	if got := s.Requests().Count("GET", "/connections"); got != 4 {
		t.Fatalf("Requests for /connections (all spellings): got %d, want 4", got)
	}

	t.Run("exact first entry", func(t *testing.T) {
		_, b := get(t, base+"/connections", web, nil)
		c := decodeJSON[[]connectionJSON](t, b)[0]
		want := connectionJSON{
			ID: ds.Connections[0].ID, AuthEventID: c.AuthEventID, TenantID: ds.Connections[0].TenantID,
			TenantType: "ORGANISATION", TenantName: "Kauri Digital",
			CreatedDateUTC: "2023-11-02T21:04:55.5165400", UpdatedDateUTC: "2023-11-02T21:04:55.5187844",
		}
		if c != want {
			t.Fatalf("got %+v, want %+v", c, want)
		}
		_, b = get(t, base+"/connections?authEventId="+c.AuthEventID, web, nil)
		if n := len(decodeJSON[[]connectionJSON](t, b)); n != 4 {
			t.Fatalf("matching authEventId: got %d connections, want 4", n)
		}
		_, b = get(t, base+"/connections?authEventId=00000000-0000-4000-8000-000000000000", web, nil)
		if n := len(decodeJSON[[]connectionJSON](t, b)); n != 0 {
			t.Fatalf("other authEventId: got %d connections, want 0", n)
		}
	})

	t.Run("auth failures", func(t *testing.T) {
		for name, bearer := range map[string]string{"no token": "", "unknown token": "nope"} {
			resp, b := get(t, base+"/connections", bearer, nil)
			p := decodeJSON[problemResp](t, b)
			if resp.StatusCode != 401 || p.Status != 401 || p.Title != "Unauthorized" || p.Detail != "AuthorizationUnsuccessful" || p.Instance == "" || p.Type != nil {
				t.Fatalf("%s: got %d %s, want 401 problem-JSON AuthorizationUnsuccessful", name, resp.StatusCode, b)
			}
		}
	})
}

func TestServer_Disconnect(t *testing.T) {
	s, base := NewTestServer(t, Demo(), Options{})
	ds := Demo()
	web := webAccessToken(t, s, base)
	del := func(id string) int {
		req, _ := http.NewRequest(http.MethodDelete, base+"/Connections/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+web)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := del(strings.ToUpper(ds.Connections[1].ID)); got != 204 {
		t.Fatalf("first delete: got %d, want 204", got)
	}
	if got := del(ds.Connections[1].ID); got != 404 {
		t.Fatalf("second delete: got %d, want 404", got)
	}
	_, b := get(t, base+"/connections", web, nil)
	if n := len(decodeJSON[[]connectionJSON](t, b)); n != 3 {
		t.Fatalf("connections after delete: got %d, want 3", n)
	}
	resp, _ := get(t, base+"/api.xro/2.0/Users", web, tenantHdr(ds.Connections[1].TenantID))
	if resp.StatusCode != 403 {
		t.Fatalf("Users for the disconnected tenant: got %d, want 403", resp.StatusCode)
	}
}

func TestServer_Discovery(t *testing.T) {
	_, base := NewTestServer(t, Demo(), Options{})
	resp, b := get(t, base+"/.well-known/openid-configuration", "", nil)
	doc := decodeJSON[map[string]any](t, b)
	if resp.StatusCode != 200 || doc["token_endpoint"] != base+"/connect/token" {
		t.Fatalf("got %d token_endpoint %v, want 200 %s/connect/token", resp.StatusCode, doc["token_endpoint"], base)
	}
}
