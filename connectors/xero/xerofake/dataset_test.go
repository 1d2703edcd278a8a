package xerofake

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// checkDataset asserts the invariants every dataset keeps.
func checkDataset(t *testing.T, ds Dataset) {
	t.Helper()
	orgs := map[string]bool{}
	ids := map[string]bool{}
	for _, o := range ds.Orgs {
		if !uuidRE.MatchString(o.OrganisationID) {
			t.Fatalf("OrganisationID %q: want a lower-case UUID", o.OrganisationID)
		}
		orgs[o.OrganisationID] = true
		subscribers := 0
		emails := map[string]bool{}
		for _, u := range o.Users {
			if !uuidRE.MatchString(u.UserID) || ids[u.UserID] {
				t.Fatalf("UserID %q: want a unique lower-case UUID", u.UserID)
			}
			ids[u.UserID] = true
			if emails[u.EmailAddress] {
				t.Fatalf("org %s: email %s appears twice", o.Name, u.EmailAddress)
			}
			emails[u.EmailAddress] = true
			if u.IsSubscriber {
				subscribers++
			}
			if u.UpdatedDateUTC.Nanosecond()%int(time.Millisecond) != 0 {
				t.Fatalf("UpdatedDateUTC %v: want whole milliseconds (the MS-JSON precision)", u.UpdatedDateUTC)
			}
		}
		if subscribers != 1 {
			t.Fatalf("org %s: got %d subscribers, want 1", o.Name, subscribers)
		}
	}
	for _, c := range ds.Connections {
		if c.TenantType == TenantTypeOrganisation && !orgs[c.TenantID] {
			t.Fatalf("connection %s: ORGANISATION tenant %s has no Org", c.ID, c.TenantID)
		}
		if c.TenantType == TenantTypePractice && orgs[c.TenantID] {
			t.Fatalf("connection %s: PRACTICE tenant %s has an Org", c.ID, c.TenantID)
		}
		if c.Created.Nanosecond()%100 != 0 || c.Updated.Before(c.Created) {
			t.Fatalf("connection %s dates %v/%v: want 100ns precision and Updated >= Created", c.ID, c.Created, c.Updated)
		}
	}
	for _, c := range ds.Clients {
		if c.CustomConnection && !orgs[c.TenantID] {
			t.Fatalf("custom client %s: tenant %s has no Org", c.ID, c.TenantID)
		}
	}
}

func TestDemo(t *testing.T) {
	ds := Demo()
	checkDataset(t, ds)
	if !reflect.DeepEqual(ds, Demo()) {
		t.Fatalf("Demo() twice: got different datasets, want equal")
	}

	types := map[string]int{}
	for _, c := range ds.Connections {
		types[c.TenantType]++
	}
	if len(ds.Orgs) != 3 || types[TenantTypeOrganisation] != 3 || types[TenantTypePractice] != 1 {
		t.Fatalf("got %d orgs and connections %v, want 3 orgs, 3 ORGANISATION and 1 PRACTICE", len(ds.Orgs), types)
	}

	roles := map[string]int{}
	orgsPerEmail := map[string]map[string]string{} // email → org → role
	total := 0
	for _, o := range ds.Orgs {
		for _, u := range o.Users {
			total++
			roles[u.OrganisationRole]++
			if orgsPerEmail[u.EmailAddress] == nil {
				orgsPerEmail[u.EmailAddress] = map[string]string{}
			}
			orgsPerEmail[u.EmailAddress][o.OrganisationID] = u.OrganisationRole
		}
	}
	if total < 24 || total > 48 {
		t.Fatalf("users: got %d, want a few dozen", total)
	}
	for _, r := range append(Roles(), RoleRemoved) {
		if roles[r] == 0 {
			t.Fatalf("role %s: got no users, want at least one (roles %v)", r, roles)
		}
	}
	multi, three := 0, 0
	for email, byOrg := range orgsPerEmail {
		if len(byOrg) < 2 {
			continue
		}
		multi++
		if len(byOrg) == 3 {
			three++
		}
		distinct := map[string]bool{}
		for _, r := range byOrg {
			distinct[r] = true
		}
		if len(distinct) != len(byOrg) {
			t.Fatalf("%s: got roles %v, want a different role in each org", email, byOrg)
		}
	}
	if multi < 2 || three < 1 {
		t.Fatalf("people in several orgs: got %d (%d in three), want at least 2 (1 in three)", multi, three)
	}

	wantClients := []Client{
		{ID: "demo-web-client", Secret: "demo-web-secret"},
		{ID: "demo-custom-client", Secret: "demo-custom-secret", CustomConnection: true, TenantID: ds.Orgs[0].OrganisationID},
	}
	if !reflect.DeepEqual(ds.Clients, wantClients) {
		t.Fatalf("clients: got %+v, want %+v", ds.Clients, wantClients)
	}
	if got, want := ds.Orgs[0].OrganisationID, nameUUID("org/kauri"); got != want {
		t.Fatalf("first org id: got %s, want %s (fixed)", got, want)
	}
}

func TestGenerate(t *testing.T) {
	start := time.Now()
	ds := Generate(500, 100, 42)
	limit := time.Second // it takes under 100ms; the margin is for shared cores
	if raceEnabled {
		limit = 15 * time.Second
	}
	if d := time.Since(start); d > limit {
		t.Fatalf("Generate(500, 100): took %v, want under %v", d, limit)
	} else {
		t.Logf("Generate(500, 100) took %v", d)
	}
	checkDataset(t, ds)
	users := 0
	for _, o := range ds.Orgs {
		users += len(o.Users)
	}
	if len(ds.Orgs) != 500 || len(ds.Connections) != 500 || users != 50_000 {
		t.Fatalf("got %d orgs, %d connections, %d users; want 500, 500, 50000", len(ds.Orgs), len(ds.Connections), users)
	}
	if ds.Clients[0] != (Client{ID: "bench-client", Secret: "bench-secret"}) {
		t.Fatalf("web client: got %+v, want bench-client/bench-secret", ds.Clients[0])
	}
	if !reflect.DeepEqual(ds, Generate(500, 100, 42)) {
		t.Fatalf("same seed: got different datasets, want equal")
	}
	if other := Generate(500, 100, 43); other.Orgs[0].OrganisationID == ds.Orgs[0].OrganisationID {
		t.Fatalf("different seed: got the same ids, want different")
	}
	shared := map[string]int{}
	for _, o := range ds.Orgs {
		for _, u := range o.Users {
			if strings.HasPrefix(u.EmailAddress, "shared") {
				shared[u.EmailAddress]++
			}
		}
	}
	if len(shared) == 0 {
		t.Fatalf("shared people: got none, want some in several orgs")
	}
	for email, n := range shared {
		if n < 2 {
			t.Fatalf("%s: in %d org, want several", email, n)
		}
	}
	if empty := Generate(0, 0, 1); len(empty.Orgs) != 0 || len(empty.Clients) != 1 {
		t.Fatalf("Generate(0, 0): got %d orgs %d clients, want 0 and 1", len(empty.Orgs), len(empty.Clients))
	}
}

func TestGenerate_Served(t *testing.T) {
	ds := Generate(3, 250, 7)
	s, base := NewTestServer(t, ds, Options{})
	tr := mustRefreshWith(t, base, auth{id: BenchClientID, secret: BenchClientSecret, basic: true}, s.IssueRefreshToken(BenchClientID))
	resp, b := get(t, base+"/api.xro/2.0/Users", tr.AccessToken, tenantHdr(ds.Orgs[2].OrganisationID))
	if n := len(decodeJSON[usersEnvelope](t, b).Users); resp.StatusCode != 200 || n != 250 {
		t.Fatalf("got %d with %d users, want 200 with 250 (one unpaginated page)", resp.StatusCode, n)
	}
}

func BenchmarkGenerate(b *testing.B) {
	for i := 0; i < b.N; i++ {
		Generate(500, 100, int64(i))
	}
}
