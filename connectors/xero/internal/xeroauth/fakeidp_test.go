package xeroauth

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"golang.org/x/oauth2"
)

// fakeIdP is a small stand-in for Xero's identity service: the authorize
// redirect and the token endpoint with client credentials, rotating
// single-use refresh tokens (no grace period, so a double spend shows up as
// invalid_grant) and authorisation codes with PKCE.
type fakeIdP struct {
	t        *testing.T
	clientID string
	secret   string
	srv      *httptest.Server

	mu          sync.Mutex
	expiresIn   int
	failStatus  int               // if set, /token answers this status
	deny        bool              // /authorize redirects with error=access_denied
	onRefresh   func(rt string)   // called before a refresh grant is processed
	validRT     map[string]bool   // refresh tokens that may be spent once
	codes       map[string]pkceOK // outstanding authorisation codes
	issued      []string          // every token handed out, for leak checks
	ccCalls     int
	rtCalls     int
	codeCalls   int
	lastScope   string
	lastAuthHdr bool
}

type pkceOK struct {
	challenge, redirectURI, scope string
}

func newFakeIdP(t *testing.T) *fakeIdP {
	t.Helper()
	f := &fakeIdP{
		t:         t,
		clientID:  "client-id-1",
		secret:    "CLIENT-SECRET-" + randHex(),
		expiresIn: 1800,
		validRT:   map[string]bool{},
		codes:     map[string]pkceOK{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", f.token)
	mux.HandleFunc("GET /authorize", f.authorize)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

func randHex() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (f *fakeIdP) tokenURL() string     { return f.srv.URL + "/token" }
func (f *fakeIdP) authorizeURL() string { return f.srv.URL + "/authorize" }

// seedRT makes a refresh token spendable once and returns it.
func (f *fakeIdP) seedRT() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	rt := "RT-SEED-" + randHex()
	f.validRT[rt] = true
	f.issued = append(f.issued, rt)
	return rt
}

func (f *fakeIdP) secrets() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string{f.secret}, f.issued...)
}

func (f *fakeIdP) counts() (cc, rt, code int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ccCalls, f.rtCalls, f.codeCalls
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func oauthError(w http.ResponseWriter, status int, code string) {
	writeJSON(w, status, map[string]string{"error": code})
}

func (f *fakeIdP) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthError(w, 400, "invalid_request")
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	grant := r.PostForm.Get("grant_type")

	var hook func(string)
	f.mu.Lock()
	f.lastAuthHdr = basic
	if grant == "refresh_token" {
		f.rtCalls++
		hook = f.onRefresh
	}
	fail := f.failStatus
	f.mu.Unlock()
	if hook != nil {
		hook(r.PostForm.Get("refresh_token"))
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	if fail != 0 {
		// Echo the spent token to prove it is redacted from errors.
		http.Error(w, "maintenance "+r.PostForm.Get("refresh_token"), fail)
		return
	}
	if id != f.clientID || secret != f.secret {
		writeJSON(w, 401, map[string]string{"error": "invalid_client", "error_description": "Client authentication failed"})
		return
	}
	resp := map[string]any{"token_type": "Bearer", "expires_in": f.expiresIn}
	switch grant {
	case "client_credentials":
		f.ccCalls++
		f.lastScope = r.PostForm.Get("scope")
		resp["access_token"] = f.issue("CC-AT-")
		resp["scope"] = f.lastScope
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		if !f.validRT[rt] {
			writeJSON(w, 400, map[string]string{"error": "invalid_grant", "error_description": "Token " + rt + " has been expired or revoked."})
			return
		}
		delete(f.validRT, rt)
		next := f.issue("RT-")
		f.validRT[next] = true
		resp["access_token"] = f.issue("AT-")
		resp["refresh_token"] = next
	case "authorization_code":
		f.codeCalls++
		code := r.PostForm.Get("code")
		want, ok := f.codes[code]
		delete(f.codes, code)
		if !ok || r.PostForm.Get("redirect_uri") != want.redirectURI ||
			oauth2.S256ChallengeFromVerifier(r.PostForm.Get("code_verifier")) != want.challenge {
			oauthError(w, 400, "invalid_grant")
			return
		}
		resp["access_token"] = f.issue("LOGIN-AT-")
		if strings.Contains(" "+want.scope+" ", " offline_access ") {
			next := f.issue("LOGIN-RT-")
			f.validRT[next] = true
			resp["refresh_token"] = next
		}
		resp["scope"] = want.scope
	default:
		oauthError(w, 400, "unsupported_grant_type")
		return
	}
	writeJSON(w, 200, resp)
}

// issue makes a token and remembers it. f.mu is held.
func (f *fakeIdP) issue(prefix string) string {
	tok := prefix + randHex()
	f.issued = append(f.issued, tok)
	return tok
}

func (f *fakeIdP) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("response_type") != "code" || q.Get("client_id") != f.clientID ||
		q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "" {
		http.Error(w, fmt.Sprintf("bad authorize request %v", q), http.StatusBadRequest)
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	back := url.Values{"state": {q.Get("state")}}
	f.mu.Lock()
	if f.deny {
		back.Set("error", "access_denied")
	} else {
		code := "CODE-" + randHex()
		f.codes[code] = pkceOK{challenge: q.Get("code_challenge"), redirectURI: q.Get("redirect_uri"), scope: q.Get("scope")}
		back.Set("code", code)
	}
	f.mu.Unlock()
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}
