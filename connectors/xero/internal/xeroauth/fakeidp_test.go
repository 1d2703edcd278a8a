package xeroauth

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
)

// fakeIdP is xerofake's identity service (the one fake Xero) seen through
// a recording front: it counts token calls per grant, keeps the scope and
// client-authentication style last sent and every token handed out (for
// leak checks), and stages what a test needs around it: a token endpoint
// failing with a status that echoes the spent token, a hook before each
// refresh, and a consent the user denies. Refresh tokens are single use
// (xerofake with no reuse window), so a double spend shows up as
// invalid_grant; invalid_client answers 401.
type fakeIdP struct {
	t                  *testing.T
	clientID, secret   string // the Web app
	ccClientID, ccSecr string // a Custom Connection (client credentials)
	fake               *xerofake.Server
	srv                *httptest.Server

	mu          sync.Mutex
	failStatus  int             // if set, /token answers this status
	deny        bool            // /authorize redirects with error=access_denied
	onRefresh   func(rt string) // called before a refresh grant is processed
	issued      []string        // every token handed out, for leak checks
	issuedBy    map[string][]string
	ccCalls     int
	rtCalls     int
	codeCalls   int
	lastScope   string
	lastAuthHdr bool
}

func newFakeIdP(t *testing.T) *fakeIdP {
	t.Helper()
	ds := xerofake.Demo()
	f := &fakeIdP{
		t:          t,
		clientID:   "client-id-1",
		secret:     "CLIENT-SECRET-" + randHex(),
		ccClientID: "cc-client-id-1",
		ccSecr:     "CC-CLIENT-SECRET-" + randHex(),
		issuedBy:   map[string][]string{},
	}
	ds.Clients = append(ds.Clients,
		xerofake.Client{ID: f.clientID, Secret: f.secret},
		xerofake.Client{ID: f.ccClientID, Secret: f.ccSecr, CustomConnection: true, TenantID: ds.Orgs[0].OrganisationID},
	)
	f.fake = xerofake.New(ds, xerofake.Options{RefreshGrace: time.Nanosecond, InvalidClientStatus: http.StatusUnauthorized})
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

// seedRT makes a refresh token of the Web app (spendable once) and returns it.
func (f *fakeIdP) seedRT() string {
	rt := f.fake.IssueRefreshToken(f.clientID, "offline_access", ScopeSettingsRead)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.issued = append(f.issued, rt)
	return rt
}

func (f *fakeIdP) secrets() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string{f.secret, f.ccSecr}, f.issued...)
}

// issuedFor reports whether tok was handed out by a grant_type call.
func (f *fakeIdP) issuedFor(grant, tok string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.issuedBy[grant] {
		if t == tok {
			return true
		}
	}
	return false
}

func (f *fakeIdP) counts() (cc, rt, code int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ccCalls, f.rtCalls, f.codeCalls
}

// token records the call, applies the staged failure, and lets xerofake
// answer.
func (f *fakeIdP) token(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	_, _, basic := r.BasicAuth()
	grant := form.Get("grant_type")

	var hook func(string)
	f.mu.Lock()
	f.lastAuthHdr = basic
	switch grant {
	case "refresh_token":
		f.rtCalls++
		hook = f.onRefresh
	case "client_credentials":
		f.ccCalls++
		f.lastScope = form.Get("scope")
	case "authorization_code":
		f.codeCalls++
	}
	fail := f.failStatus
	f.mu.Unlock()
	if hook != nil {
		hook(form.Get("refresh_token"))
	}
	if fail != 0 {
		// Echo the spent token to prove it is redacted from errors.
		http.Error(w, "maintenance "+form.Get("refresh_token"), fail)
		return
	}

	r2 := r.Clone(r.Context())
	r2.URL.Path = "/connect/token"
	r2.Body = io.NopCloser(bytes.NewReader(body))
	rec := httptest.NewRecorder()
	f.fake.ServeHTTP(rec, r2)
	out := rec.Body.Bytes()
	var resp map[string]any
	if json.Unmarshal(out, &resp) == nil {
		f.mu.Lock()
		for _, k := range []string{"access_token", "refresh_token"} {
			if tok, ok := resp[k].(string); ok && tok != "" {
				f.issued = append(f.issued, tok)
				f.issuedBy[grant] = append(f.issuedBy[grant], tok)
			}
		}
		f.mu.Unlock()
		if resp["error"] == "invalid_grant" && grant == "refresh_token" {
			// Some servers echo the token; prove it is redacted.
			resp["error_description"] = "Token " + form.Get("refresh_token") + " has been expired or revoked."
			out, _ = json.Marshal(resp)
		}
	}
	for k, vs := range rec.Header() {
		if k != "Content-Length" {
			w.Header()[k] = vs
		}
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(out)
}

// authorize insists on PKCE and a state, stages a denial, and lets
// xerofake consent and redirect.
func (f *fakeIdP) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "" {
		http.Error(w, "bad authorize request: PKCE (S256) and a state are required", http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	deny := f.deny
	f.mu.Unlock()
	if deny {
		redirect, err := url.Parse(q.Get("redirect_uri"))
		if err != nil {
			http.Error(w, "bad redirect_uri", http.StatusBadRequest)
			return
		}
		redirect.RawQuery = url.Values{"state": {q.Get("state")}, "error": {"access_denied"}}.Encode()
		http.Redirect(w, r, redirect.String(), http.StatusFound)
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path = strings.Replace(r.URL.Path, "/authorize", "/identity/connect/authorize", 1)
	f.fake.ServeHTTP(w, r2)
}
