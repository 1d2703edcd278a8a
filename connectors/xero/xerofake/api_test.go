package xerofake

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	msDateOffsetRE = regexp.MustCompile(`^/Date\(\d+\+0000\)/$`)
	msDateBareRE   = regexp.MustCompile(`^/Date\(\d+\)/$`)
	tokenExpiredRE = regexp.MustCompile(`^TokenExpired: token expired at \d{2}/\d{2}/\d{4} \d{2}:\d{2}:\d{2}$`)
)

func TestServer_TenantHeader(t *testing.T) {
	s, base := NewTestServer(t, Demo(), Options{})
	ds := Demo()
	web := webAccessToken(t, s, base)
	custom := customAccessToken(t, base)
	var practice string
	for _, c := range ds.Connections {
		if c.TenantType == TenantTypePractice {
			practice = c.TenantID
		}
	}
	tests := []struct {
		name       string
		bearer     string
		hdr        map[string]string
		wantStatus int
		wantOrg    string
	}{
		{name: "web, lower-case header name", bearer: web, hdr: map[string]string{"xero-tenant-id": ds.Orgs[1].OrganisationID}, wantStatus: 200, wantOrg: ds.Orgs[1].OrganisationID},
		{name: "web, canonical header name", bearer: web, hdr: map[string]string{"Xero-Tenant-Id": ds.Orgs[2].OrganisationID}, wantStatus: 200, wantOrg: ds.Orgs[2].OrganisationID},
		{name: "web, upper-case tenant id", bearer: web, hdr: tenantHdr(strings.ToUpper(ds.Orgs[0].OrganisationID)), wantStatus: 200, wantOrg: ds.Orgs[0].OrganisationID},
		{name: "web, missing header", bearer: web, wantStatus: 403},
		{name: "web, foreign tenant", bearer: web, hdr: tenantHdr("0b0b0b0b-0000-4000-8000-000000000000"), wantStatus: 403},
		{name: "web, practice tenant", bearer: web, hdr: tenantHdr(practice), wantStatus: 403},
		{name: "custom, no header", bearer: custom, wantStatus: 200, wantOrg: ds.Orgs[0].OrganisationID},
		{name: "custom, own tenant", bearer: custom, hdr: tenantHdr(ds.Orgs[0].OrganisationID), wantStatus: 200, wantOrg: ds.Orgs[0].OrganisationID},
		{name: "custom, another tenant", bearer: custom, hdr: tenantHdr(ds.Orgs[1].OrganisationID), wantStatus: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := get(t, base+"/api.xro/2.0/Organisation", tt.bearer, tt.hdr)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status: got %d %s, want %d", resp.StatusCode, b, tt.wantStatus)
			}
			if tt.wantStatus == 403 {
				p := decodeJSON[problemResp](t, b)
				if p.Title != "Forbidden" || p.Status != 403 || p.Detail != "AuthenticationUnsuccessful" || p.Extensions == nil {
					t.Fatalf("body: got %s, want problem-JSON Forbidden/AuthenticationUnsuccessful", b)
				}
				return
			}
			env := decodeJSON[orgEnvelope](t, b)
			if len(env.Organisations) != 1 || env.Organisations[0].OrganisationID != tt.wantOrg {
				t.Fatalf("organisations: got %+v, want exactly %s", env.Organisations, tt.wantOrg)
			}
		})
	}
}

func TestServer_Scopes(t *testing.T) {
	s, base := NewTestServer(t, Demo(), Options{})
	tenant := tenantHdr(Demo().Orgs[0].OrganisationID)
	tests := []struct {
		name       string
		scopes     []string
		wantStatus int
	}{
		{name: "accounting.settings.read", scopes: []string{"offline_access", "accounting.settings.read"}, wantStatus: 200},
		{name: "accounting.settings", scopes: []string{"offline_access accounting.settings"}, wantStatus: 200},
		{name: "no settings scope", scopes: []string{"offline_access", "accounting.contacts.read", "openid"}, wantStatus: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at := webAccessToken(t, s, base, tt.scopes...)
			for _, path := range []string{"/api.xro/2.0/Users", "/api.xro/2.0/Organisation"} {
				resp, b := get(t, base+path, at, tenant)
				if resp.StatusCode != tt.wantStatus {
					t.Fatalf("%s: got %d %s, want %d", path, resp.StatusCode, b, tt.wantStatus)
				}
				if tt.wantStatus == 401 {
					if p := decodeJSON[problemResp](t, b); p.Detail != "AuthorizationUnsuccessful" || p.Title != "Unauthorized" {
						t.Fatalf("%s body: got %s, want AuthorizationUnsuccessful", path, b)
					}
				}
			}
		})
	}
}

func TestServer_ExpireAccessTokens(t *testing.T) {
	s, base, clk := manualServer(t, Options{})
	tenant := tenantHdr(Demo().Orgs[0].OrganisationID)
	rt := s.IssueRefreshToken(DemoWebClientID)
	tr := mustRefresh(t, base, rt)
	if resp, _ := get(t, base+"/api.xro/2.0/Users", tr.AccessToken, tenant); resp.StatusCode != 200 {
		t.Fatalf("before expiry: got %d, want 200", resp.StatusCode)
	}
	s.ExpireAccessTokens()
	for _, path := range []string{"/api.xro/2.0/Users", "/connections"} {
		resp, b := get(t, base+path, tr.AccessToken, tenant)
		p := decodeJSON[problemResp](t, b)
		if resp.StatusCode != 401 || p.Detail != "TokenExpired: token expired at 06/02/2025 08:00:00" {
			t.Fatalf("%s after ExpireAccessTokens: got %d %q, want 401 TokenExpired at 06/02/2025 08:00:00", path, resp.StatusCode, p.Detail)
		}
	}
	// A token issued afterwards works, and expires by itself after 30 minutes.
	tr = mustRefresh(t, base, tr.RefreshToken)
	if resp, _ := get(t, base+"/api.xro/2.0/Users", tr.AccessToken, tenant); resp.StatusCode != 200 {
		t.Fatalf("new token: got %d, want 200", resp.StatusCode)
	}
	clk.Advance(30 * time.Minute)
	resp, b := get(t, base+"/api.xro/2.0/Organisation", tr.AccessToken, tenant)
	p := decodeJSON[problemResp](t, b)
	if resp.StatusCode != 401 || !tokenExpiredRE.MatchString(p.Detail) || !strings.HasSuffix(p.Detail, "08:30:00") {
		t.Fatalf("after 30m: got %d %q, want 401 TokenExpired at ... 08:30:00", resp.StatusCode, p.Detail)
	}
}

func TestServer_AccessTTL(t *testing.T) {
	tests := []struct {
		name string
		ttl  time.Duration
		want int
	}{
		{name: "default", ttl: 0, want: 1800},
		{name: "rounded up", ttl: 1500 * time.Millisecond, want: 2},
		{name: "at least one second", ttl: time.Millisecond, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, base := NewTestServer(t, Demo(), Options{AccessTTL: tt.ttl})
			_, tr := token(t, base, customBasic, url.Values{"grant_type": {"client_credentials"}})
			if tr.ExpiresIn != tt.want {
				t.Fatalf("expires_in: got %d, want %d", tr.ExpiresIn, tt.want)
			}
		})
	}
}

func TestServer_Users(t *testing.T) {
	s, base, _ := manualServer(t, Options{})
	ds := Demo()
	org := ds.Orgs[2]
	web := webAccessToken(t, s, base)
	resp, b := get(t, base+"/api.xro/2.0/Users", web, tenantHdr(org.OrganisationID))
	if resp.StatusCode != 200 {
		t.Fatalf("status: got %d %s, want 200", resp.StatusCode, b)
	}
	env := decodeJSON[usersEnvelope](t, b)
	if env.Status != "OK" || env.ID == "" || env.ProviderName == "" || env.DateTimeUTC != "/Date(1748851200000)/" || !msDateBareRE.MatchString(env.DateTimeUTC) {
		t.Fatalf("envelope: got %+v, want Status OK, Id, ProviderName, DateTimeUTC /Date(1748851200000)/", env)
	}
	if len(env.Users) != len(org.Users) {
		t.Fatalf("users: got %d, want %d", len(env.Users), len(org.Users))
	}
	for i, u := range env.Users {
		want := toUserJSON(org.Users[i])
		if u != want {
			t.Fatalf("user %d: got %+v, want %+v", i, u, want)
		}
		if !msDateOffsetRE.MatchString(u.UpdatedDateUTC) {
			t.Fatalf("UpdatedDateUTC: got %q, want /Date(ms+0000)/", u.UpdatedDateUTC)
		}
	}
	if want := "/Date(" + strconv.FormatInt(org.Users[0].UpdatedDateUTC.UnixMilli(), 10) + "+0000)/"; env.Users[0].UpdatedDateUTC != want {
		t.Fatalf("first UpdatedDateUTC: got %q, want %q", env.Users[0].UpdatedDateUTC, want)
	}
	if got := resp.Header.Get("Xero-Correlation-Id"); got == "" {
		t.Fatalf("Xero-Correlation-Id: got none, want one")
	}
	var raw map[string]json.RawMessage
	_ = json.Unmarshal(b, &raw)
	for _, k := range []string{"Id", "Status", "ProviderName", "DateTimeUTC", "Users"} {
		if _, ok := raw[k]; !ok {
			t.Fatalf("envelope keys: got %s, want %s present", b, k)
		}
	}
}

func TestServer_UsersQuery(t *testing.T) {
	s, base := NewTestServer(t, Demo(), Options{})
	org := Demo().Orgs[2]
	web := webAccessToken(t, s, base)
	count := func(pred func(User) bool) int {
		n := 0
		for _, u := range org.Users {
			if pred(u) {
				n++
			}
		}
		return n
	}
	tests := []struct {
		name       string
		query      string
		hdr        map[string]string
		wantStatus int
		wantCount  int
	}{
		{name: "subscriber", query: "where=" + url.QueryEscape("IsSubscriber==true"), wantStatus: 200, wantCount: 1},
		{name: "role", query: "where=" + url.QueryEscape(`OrganisationRole=="CASHBOOKCLIENT"`), wantStatus: 200, wantCount: count(func(u User) bool { return u.OrganisationRole == RoleCashbookClient })},
		{name: "conjunction", query: "where=" + url.QueryEscape(`IsSubscriber==false AND OrganisationRole!="REMOVED"`), wantStatus: 200, wantCount: count(func(u User) bool { return !u.IsSubscriber && u.OrganisationRole != RoleRemoved })},
		{name: "guid", query: "where=" + url.QueryEscape(`UserID==guid("`+org.Users[3].UserID+`")`), wantStatus: 200, wantCount: 1},
		{name: "order is ignored", query: "order=" + url.QueryEscape("LastName ASC"), wantStatus: 200, wantCount: len(org.Users)},
		{name: "bad where", query: "where=" + url.QueryEscape("Nonsense~~1"), wantStatus: 400},
		{name: "unknown field", query: "where=" + url.QueryEscape(`Shoe=="x"`), wantStatus: 400},
		{name: "if-modified-since", hdr: map[string]string{"If-Modified-Since": org.Users[len(org.Users)-2].UpdatedDateUTC.Format(time.RFC3339Nano)}, wantStatus: 200, wantCount: 1},
		{name: "if-modified-since after everything", hdr: map[string]string{"If-Modified-Since": "2030-01-01T00:00:00"}, wantStatus: 200, wantCount: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := tenantHdr(org.OrganisationID)
			for k, v := range tt.hdr {
				hdr[k] = v
			}
			resp, b := get(t, base+"/api.xro/2.0/Users?"+tt.query, web, hdr)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status: got %d %s, want %d", resp.StatusCode, b, tt.wantStatus)
			}
			if tt.wantStatus != 200 {
				if e := decodeJSON[apiException](t, b); e.ErrorNumber == 0 || e.Type == "" || e.Message == "" {
					t.Fatalf("error body: got %s, want an ApiException", b)
				}
				return
			}
			if got := len(decodeJSON[usersEnvelope](t, b).Users); got != tt.wantCount {
				t.Fatalf("users: got %d, want %d", got, tt.wantCount)
			}
			if !strings.Contains(string(b), `"Users":[`) {
				t.Fatalf("body: got %s, want a Users array (even when empty)", b)
			}
		})
	}
}

func TestServer_User(t *testing.T) {
	s, base := NewTestServer(t, Demo(), Options{})
	org := Demo().Orgs[0]
	web := webAccessToken(t, s, base)
	tests := []struct {
		name       string
		id         string
		wantStatus int
		wantBody   string
	}{
		{name: "known", id: org.Users[4].UserID, wantStatus: 200},
		{name: "known, upper case", id: strings.ToUpper(org.Users[4].UserID), wantStatus: 200},
		{name: "unknown", id: "00000000-0000-4000-8000-000000000001", wantStatus: 404, wantBody: "The resource you're looking for cannot be found"},
		{name: "user of another org", id: Demo().Orgs[1].Users[0].UserID, wantStatus: 404, wantBody: "The resource you're looking for cannot be found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, b := get(t, base+"/api.xro/2.0/Users/"+tt.id, web, tenantHdr(org.OrganisationID))
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status: got %d %s, want %d", resp.StatusCode, b, tt.wantStatus)
			}
			if tt.wantStatus == 404 {
				if string(b) != tt.wantBody || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
					t.Fatalf("body: got %q (%s), want plain text %q", b, resp.Header.Get("Content-Type"), tt.wantBody)
				}
				return
			}
			env := decodeJSON[usersEnvelope](t, b)
			if len(env.Users) != 1 || env.Users[0] != toUserJSON(org.Users[4]) {
				t.Fatalf("users: got %+v, want exactly %+v", env.Users, org.Users[4])
			}
		})
	}
	if got := s.Requests().Count("GET", "/api.xro/2.0/Users/{id}"); got != 4 {
		t.Fatalf("Requests for Users/{id}: got %d, want 4", got)
	}
}

func TestServer_Organisation(t *testing.T) {
	s, base := NewTestServer(t, Demo(), Options{})
	org := Demo().Orgs[2]
	web := webAccessToken(t, s, base)
	resp, b := get(t, base+"/api.xro/2.0/Organisation", web, tenantHdr(org.OrganisationID))
	env := decodeJSON[orgEnvelope](t, b)
	if resp.StatusCode != 200 || env.Status != "OK" || len(env.Organisations) != 1 {
		t.Fatalf("got %d %s, want 200 with one organisation", resp.StatusCode, b)
	}
	o := env.Organisations[0]
	got := []string{o.OrganisationID, o.Name, o.LegalName, o.ShortCode, o.CountryCode, o.BaseCurrency, o.Edition, o.Class, o.Version, o.OrganisationType, o.Timezone, o.CreatedDateUTC, o.OrganisationStatus}
	want := []string{org.OrganisationID, org.Name, org.LegalName, org.ShortCode, org.CountryCode, org.BaseCurrency, org.Edition, org.Class, org.Version, org.OrganisationType, org.Timezone, msDate(org.CreatedDateUTC), "ACTIVE"}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("field %d: got %q, want %q", i, got[i], want[i])
		}
	}
	if !msDateOffsetRE.MatchString(o.CreatedDateUTC) {
		t.Fatalf("CreatedDateUTC: got %q, want /Date(ms+0000)/", o.CreatedDateUTC)
	}
	// The plural path upstream baton-xero used is not served.
	resp, b = get(t, base+"/api.xro/2.0/Organisations", web, tenantHdr(org.OrganisationID))
	if resp.StatusCode != 404 || string(b) != "The resource you're looking for cannot be found" {
		t.Fatalf("/Organisations: got %d %q, want 404 plain text", resp.StatusCode, b)
	}
}

func TestServer_Accept(t *testing.T) {
	s, base := NewTestServer(t, Demo(), Options{})
	web := webAccessToken(t, s, base)
	tenant := Demo().Orgs[0].OrganisationID
	tests := []struct {
		name       string
		accept     string
		wantStatus int
	}{
		{name: "json", accept: "application/json", wantStatus: 200},
		{name: "json among others", accept: "text/html, application/json;q=0.9", wantStatus: 200},
		{name: "missing", accept: "", wantStatus: 406},
		{name: "xml", accept: "application/xml", wantStatus: 406},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := get(t, base+"/api.xro/2.0/Users", web, map[string]string{"xero-tenant-id": tenant, "Accept": tt.accept})
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("got %d, want %d", resp.StatusCode, tt.wantStatus)
			}
		})
	}
}

func TestServer_RateLimitMinute(t *testing.T) {
	s, base, clk := manualServer(t, Options{PerTenantPerMinute: 2})
	ds := Demo()
	web := webAccessToken(t, s, base)
	custom := customAccessToken(t, base)
	tenant := tenantHdr(ds.Orgs[0].OrganisationID)
	steps := []struct {
		name        string
		advance     time.Duration
		bearer      string
		wantStatus  int
		wantMin     string
		wantDay     string
		wantRetry   string
		wantProblem string
	}{
		{name: "first", bearer: web, wantStatus: 200, wantMin: "1", wantDay: "4999"},
		{name: "second", bearer: web, wantStatus: 200, wantMin: "0", wantDay: "4998"},
		{name: "third is refused", advance: 15 * time.Second, bearer: web, wantStatus: 429, wantMin: "0", wantDay: "4998", wantRetry: "45", wantProblem: "minute"},
		{name: "another app on the same tenant is not", bearer: custom, wantStatus: 200, wantMin: "1", wantDay: "4999"},
		{name: "next window", advance: 45 * time.Second, bearer: web, wantStatus: 200, wantMin: "1", wantDay: "4997"},
	}
	for _, st := range steps {
		clk.Advance(st.advance)
		resp, b := get(t, base+"/api.xro/2.0/Users", st.bearer, tenant)
		h := resp.Header
		if resp.StatusCode != st.wantStatus || h.Get("X-MinLimit-Remaining") != st.wantMin || h.Get("X-DayLimit-Remaining") != st.wantDay ||
			h.Get("Retry-After") != st.wantRetry || h.Get("X-Rate-Limit-Problem") != st.wantProblem || h.Get("X-AppMinLimit-Remaining") == "" {
			t.Fatalf("%s: got %d min=%q day=%q app=%q retry=%q problem=%q; want %d min=%q day=%q retry=%q problem=%q",
				st.name, resp.StatusCode, h.Get("X-MinLimit-Remaining"), h.Get("X-DayLimit-Remaining"), h.Get("X-AppMinLimit-Remaining"),
				h.Get("Retry-After"), h.Get("X-Rate-Limit-Problem"), st.wantStatus, st.wantMin, st.wantDay, st.wantRetry, st.wantProblem)
		}
		if st.wantStatus == 429 && len(b) != 0 {
			t.Fatalf("%s: 429 body: got %q, want empty", st.name, b)
		}
	}
	// Token and /connections calls are not tenant-limited.
	clk.Advance(time.Second)
	get(t, base+"/api.xro/2.0/Users", web, tenant) // exhaust the window again
	if resp, _ := get(t, base+"/connections", web, nil); resp.StatusCode != 200 {
		t.Fatalf("/connections while limited: got %d, want 200", resp.StatusCode)
	}
	if resp, _ := get(t, base+"/api.xro/2.0/Users", web, tenant); resp.StatusCode != 429 {
		t.Fatalf("tenant still limited: got %d, want 429", resp.StatusCode)
	}
}

func TestServer_RateLimitDay(t *testing.T) {
	s, base, clk := manualServer(t, Options{PerTenantPerDay: 2, AccessTTL: 48 * time.Hour})
	ds := Demo()
	web := webAccessToken(t, s, base)
	for i := 0; i < 2; i++ {
		if resp, _ := get(t, base+"/api.xro/2.0/Organisation", web, tenantHdr(ds.Orgs[0].OrganisationID)); resp.StatusCode != 200 {
			t.Fatalf("call %d: got %d, want 200", i, resp.StatusCode)
		}
	}
	clk.Advance(time.Hour)
	resp, _ := get(t, base+"/api.xro/2.0/Users", web, tenantHdr(ds.Orgs[0].OrganisationID))
	if resp.StatusCode != 429 || resp.Header.Get("X-Rate-Limit-Problem") != "day" || resp.Header.Get("Retry-After") != "82800" || resp.Header.Get("X-DayLimit-Remaining") != "0" {
		t.Fatalf("got %d problem=%q retry=%q day=%q, want 429 day 82800 0", resp.StatusCode,
			resp.Header.Get("X-Rate-Limit-Problem"), resp.Header.Get("Retry-After"), resp.Header.Get("X-DayLimit-Remaining"))
	}
	if resp, _ := get(t, base+"/api.xro/2.0/Users", web, tenantHdr(ds.Orgs[1].OrganisationID)); resp.StatusCode != 200 {
		t.Fatalf("another tenant: got %d, want 200", resp.StatusCode)
	}
	clk.Advance(23 * time.Hour)
	if resp, _ := get(t, base+"/api.xro/2.0/Users", web, tenantHdr(ds.Orgs[0].OrganisationID)); resp.StatusCode != 200 {
		t.Fatalf("next day: got %d, want 200", resp.StatusCode)
	}
}

func TestServer_RateLimitAppMinute(t *testing.T) {
	s, base, _ := manualServer(t, Options{AppPerMinute: 3})
	ds := Demo()
	web := webAccessToken(t, s, base)
	tenants := []string{ds.Orgs[0].OrganisationID, ds.Orgs[1].OrganisationID, ds.Orgs[2].OrganisationID, ds.Orgs[1].OrganisationID}
	wantStatus := []int{200, 200, 200, 429}
	wantApp := []string{"2", "1", "0", "0"}
	for i, tn := range tenants {
		resp, _ := get(t, base+"/api.xro/2.0/Users", web, tenantHdr(tn))
		if resp.StatusCode != wantStatus[i] || resp.Header.Get("X-AppMinLimit-Remaining") != wantApp[i] {
			t.Fatalf("call %d: got %d app=%q, want %d app=%q", i, resp.StatusCode, resp.Header.Get("X-AppMinLimit-Remaining"), wantStatus[i], wantApp[i])
		}
		if i == 3 && (resp.Header.Get("X-Rate-Limit-Problem") != "appminute" || resp.Header.Get("Retry-After") != "60") {
			t.Fatalf("call %d: got problem=%q retry=%q, want appminute 60", i, resp.Header.Get("X-Rate-Limit-Problem"), resp.Header.Get("Retry-After"))
		}
	}
}

func TestServer_RateLimitConcurrent(t *testing.T) {
	s, base := NewTestServer(t, Demo(), Options{PerTenantConcurrent: 2, Latency: time.Second})
	web := webAccessToken(t, s, base)
	tenant := tenantHdr(Demo().Orgs[0].OrganisationID)
	const n = 5
	var wg sync.WaitGroup
	results := make([]*http.Response, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			resp, _ := get(t, base+"/api.xro/2.0/Organisation", web, tenant)
			results[i] = resp
		}(i)
	}
	close(start)
	wg.Wait()
	ok, limited := 0, 0
	for _, r := range results {
		switch r.StatusCode {
		case 200:
			ok++
		case 429:
			limited++
			if r.Header.Get("X-Rate-Limit-Problem") != "concurrent" || r.Header.Get("Retry-After") != "1" {
				t.Fatalf("429 headers: got problem=%q retry=%q, want concurrent 1", r.Header.Get("X-Rate-Limit-Problem"), r.Header.Get("Retry-After"))
			}
		}
	}
	if ok != 2 || limited != 3 {
		t.Fatalf("got %d OK and %d limited, want 2 and 3", ok, limited)
	}
	// Slots are released: the next call gets in.
	if resp, _ := get(t, base+"/api.xro/2.0/Organisation", web, tenant); resp.StatusCode != 200 {
		t.Fatalf("after the burst: got %d, want 200", resp.StatusCode)
	}
}

func TestServer_Faults(t *testing.T) {
	s, base := NewTestServer(t, Demo(), Options{})
	web := webAccessToken(t, s, base)
	tenant := tenantHdr(Demo().Orgs[0].OrganisationID)

	t.Run("maintenance 503", func(t *testing.T) {
		s.Faults().Add(MaintenanceFault(RouteUsers, 1))
		resp, b := get(t, base+"/api.xro/2.0/Users", web, tenant)
		if resp.StatusCode != 503 || string(b) != "The Xero API is currently offline for maintenance" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
			t.Fatalf("got %d %q, want 503 plain-text maintenance", resp.StatusCode, b)
		}
		if resp, _ := get(t, base+"/api.xro/2.0/Users", web, tenant); resp.StatusCode != 200 {
			t.Fatalf("after the fault: got %d, want 200", resp.StatusCode)
		}
	})
	t.Run("organisation offline", func(t *testing.T) {
		s.Faults().Add(OrganisationOfflineFault(RouteOrganisation, 1))
		if resp, b := get(t, base+"/api.xro/2.0/Organisation", web, tenant); resp.StatusCode != 503 || string(b) != "Organisation offline" {
			t.Fatalf("got %d %q, want 503 Organisation offline", resp.StatusCode, b)
		}
	})
	t.Run("reset", func(t *testing.T) {
		s.Faults().Add(ResetFault(RouteUsers, 2)) // 2: the Transport retries a reset on a reused connection once
		req, _ := http.NewRequest(http.MethodGet, base+"/api.xro/2.0/Users", nil)
		req.Header.Set("Authorization", "Bearer "+web)
		if _, err := http.DefaultClient.Do(req); err == nil {
			t.Fatalf("got a response, want a connection error")
		}
		if got := s.Faults().Pending(); got != 0 {
			t.Fatalf("Pending: got %d, want 0", got)
		}
	})
	t.Run("malformed JSON", func(t *testing.T) {
		s.Faults().Add(MalformedFault(RouteOrganisation, 1))
		resp, b := get(t, base+"/api.xro/2.0/Organisation", web, tenant)
		var v any
		if resp.StatusCode != 200 || json.Unmarshal(b, &v) == nil {
			t.Fatalf("got %d %q, want 200 with undecodable JSON", resp.StatusCode, b)
		}
	})
	t.Run("429 storm", func(t *testing.T) {
		s.Faults().Add(RateLimitFault(RouteUsers, 2, "minute", 0))
		s.Faults().Add(RateLimitFault(RouteUsers, 1, "minute", 1500*time.Millisecond))
		wantRetry := []string{"", "", "2"}
		for i, want := range wantRetry {
			resp, _ := get(t, base+"/api.xro/2.0/Users", web, tenant)
			if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != want || resp.Header.Get("X-Rate-Limit-Problem") != "minute" {
				t.Fatalf("call %d: got %d retry=%q, want 429 retry=%q", i, resp.StatusCode, resp.Header.Get("Retry-After"), want)
			}
		}
	})
	t.Run("token endpoint fault", func(t *testing.T) {
		s.Faults().Add(MaintenanceFault(RouteToken, 1))
		if status, _, _ := postForm(t, base+"/connect/token", customBasic, url.Values{"grant_type": {"client_credentials"}}); status != 503 {
			t.Fatalf("got %d, want 503", status)
		}
	})
	// Every request, faulted or not, is counted under its route.
	snap := s.Requests().Snapshot()
	if snap["GET /api.xro/2.0/Users"] != 7 || snap["GET /api.xro/2.0/Organisation"] != 2 {
		t.Fatalf("Requests: got %v, want Users 7 and Organisation 2", snap)
	}
}
