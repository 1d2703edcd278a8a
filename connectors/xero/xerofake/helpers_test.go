package xerofake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

var t0 = time.Date(2025, 6, 2, 8, 0, 0, 0, time.UTC)

type tokenResp struct {
	AccessToken      string `json:"access_token"`
	ExpiresIn        int    `json:"expires_in"`
	TokenType        string `json:"token_type"`
	Scope            string `json:"scope"`
	RefreshToken     string `json:"refresh_token"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

type problemResp struct {
	Type       *string
	Title      string
	Status     int
	Detail     string
	Instance   string
	Extensions map[string]any
}

// auth says how a token request authenticates the client.
type auth struct {
	id, secret string
	basic      bool
}

func (a auth) apply(req *http.Request, form url.Values) {
	if a.basic {
		req.SetBasicAuth(url.QueryEscape(a.id), url.QueryEscape(a.secret))
		return
	}
	if a.id != "" {
		form.Set("client_id", a.id)
		form.Set("client_secret", a.secret)
	}
}

var (
	webBasic    = auth{id: DemoWebClientID, secret: DemoWebClientSecret, basic: true}
	webForm     = auth{id: DemoWebClientID, secret: DemoWebClientSecret}
	customBasic = auth{id: DemoCustomClientID, secret: DemoCustomClientSecret, basic: true}
	customForm  = auth{id: DemoCustomClientID, secret: DemoCustomClientSecret}
)

func postForm(t *testing.T, target string, a auth, form url.Values) (int, http.Header, []byte) {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	req, err := http.NewRequest(http.MethodPost, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	a.apply(req, form)
	req.Body = io.NopCloser(strings.NewReader(form.Encode()))
	req.ContentLength = int64(len(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

func token(t *testing.T, base string, a auth, form url.Values) (int, tokenResp) {
	t.Helper()
	status, _, body := postForm(t, base+"/connect/token", a, form)
	var tr tokenResp
	if err := json.Unmarshal(body, &tr); err != nil {
		t.Fatalf("token response %q: %v", body, err)
	}
	return status, tr
}

// mustRefresh exchanges rt and fails the test unless it works.
func mustRefresh(t *testing.T, base, rt string) tokenResp {
	t.Helper()
	status, tr := token(t, base, webBasic, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
	if status != 200 {
		t.Fatalf("refresh: got %d %+v, want 200", status, tr)
	}
	return tr
}

func webAccessToken(t *testing.T, s *Server, base string, scopes ...string) string {
	t.Helper()
	return mustRefresh(t, base, s.IssueRefreshToken(DemoWebClientID, scopes...)).AccessToken
}

func customAccessToken(t *testing.T, base string) string {
	t.Helper()
	status, tr := token(t, base, customBasic, url.Values{"grant_type": {"client_credentials"}})
	if status != 200 {
		t.Fatalf("client_credentials: got %d %+v, want 200", status, tr)
	}
	return tr.AccessToken
}

// get sends a GET with the bearer token, Accept: application/json and the
// extra headers (an empty value deletes a header).
func get(t *testing.T, target, bearer string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range hdr {
		if v == "" {
			req.Header.Del(k)
			continue
		}
		req.Header[k] = []string{v} // keep the caller's spelling of the name
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func tenantHdr(id string) map[string]string { return map[string]string{"xero-tenant-id": id} }

func decodeJSON[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decoding %q: %v", b, err)
	}
	return v
}

type usersEnvelope struct {
	ID           string `json:"Id"`
	Status       string
	ProviderName string
	DateTimeUTC  string
	Users        []userJSON
}

type orgEnvelope struct {
	ID            string `json:"Id"`
	Status        string
	ProviderName  string
	DateTimeUTC   string
	Organisations []organisationJSON
}

func manualServer(t *testing.T, opts Options) (*Server, string, *fakeapi.ManualClock) {
	t.Helper()
	clk := fakeapi.NewManualClock(t0)
	opts.Clock = clk
	s, base := NewTestServer(t, Demo(), opts)
	return s, base, clk
}

func mustRefreshWith(t *testing.T, base string, a auth, rt string) tokenResp {
	t.Helper()
	status, tr := token(t, base, a, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
	if status != 200 {
		t.Fatalf("refresh: got %d %+v, want 200", status, tr)
	}
	return tr
}
