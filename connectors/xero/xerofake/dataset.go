package xerofake

import (
	"crypto/sha1"
	"fmt"
	"math/rand"
	"time"
)

// Demo client credentials.
const (
	DemoWebClientID        = "demo-web-client"
	DemoWebClientSecret    = "demo-web-secret"
	DemoCustomClientID     = "demo-custom-client"
	DemoCustomClientSecret = "demo-custom-secret"

	BenchClientID           = "bench-client"
	BenchClientSecret       = "bench-secret"
	BenchCustomClientID     = "bench-custom-client"
	BenchCustomClientSecret = "bench-custom-secret"
)

// nameUUID derives a fixed, UUID-shaped (version 5 layout) id from name, so
// the demo's ids never change between runs.
func nameUUID(name string) string {
	h := sha1.Sum([]byte("xerofake:" + name))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// randUUID draws a UUID-shaped (version 4 layout) id from rng.
func randUUID(rng *rand.Rand) string {
	a, b := rng.Uint64(), rng.Uint64()
	a = a&^0xf000 | 0x4000
	b = b&^(0xc<<60) | 0x8<<60
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, (a>>16)&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}

type demoUser struct {
	email, first, last, role string
	subscriber               bool
	updatedMinutes           int
}

type demoOrg struct {
	key                                                                               string
	name, legal, short, country, currency, edition, class, version, orgType, timezone string
	created                                                                           time.Time
	users                                                                             []demoUser
}

// Demo returns a small fixed dataset: three organisations (NZ and AU
// BUSINESS editions, a UK PARTNER edition) and a PRACTICE, so four
// connections; 29 users covering every role (the Partner Edition roles
// MANAGEDCLIENT and CASHBOOKCLIENT in the PARTNER org), three REMOVED users,
// exactly one subscriber per organisation, and three people who belong to
// two or three organisations with different roles. It registers the web
// app DemoWebClientID and the Custom Connection DemoCustomClientID, bound to
// the first organisation. Every call returns equal values.
func Demo() Dataset {
	base := time.Date(2024, 5, 14, 9, 31, 12, 123_000_000, time.UTC)
	sam := demoUser{email: "sam.taylor@taylor-advisory.example", first: "Sam", last: "Taylor"}
	priya := demoUser{email: "priya.shah@shahconsulting.example", first: "Priya", last: "Shah"}
	li := demoUser{email: "li.wei@weiaccounting.example", first: "Li", last: "Wei"}
	with := func(u demoUser, role string, minutes int) demoUser {
		u.role, u.updatedMinutes = role, minutes
		return u
	}
	orgs := []demoOrg{
		{
			key: "kauri", name: "Kauri Digital", legal: "Kauri Digital Limited", short: "!kD7pQ",
			country: "NZ", currency: "NZD", edition: "BUSINESS", class: "PREMIUM", version: "NZ",
			orgType: "COMPANY", timezone: "NEWZEALANDSTANDARDTIME",
			created: time.Date(2019, 3, 29, 17, 33, 16, 393_000_000, time.UTC),
			users: []demoUser{
				{email: "aroha.ngata@kauridigital.example", first: "Aroha", last: "Ngata", role: RoleFinancialAdviser, subscriber: true, updatedMinutes: 0},
				with(sam, RoleFinancialAdviser, 5),
				{email: "mere.watene@kauridigital.example", first: "Mere", last: "Wātene", role: RoleStandard, updatedMinutes: 12},
				{email: "tom.hughes@kauridigital.example", first: "Tom", last: "Hughes", role: RoleStandard, updatedMinutes: 30},
				{email: "jess.brown@kauridigital.example", first: "Jess", last: "Brown", role: RoleInvoiceOnly, updatedMinutes: 61},
				with(priya, RoleReadOnly, 90),
				{email: "liam.oconnor@kauridigital.example", first: "Liam", last: "O'Connor", role: RoleReadOnly, updatedMinutes: 120},
				{email: "nikau.smith@kauridigital.example", first: "Nikau", last: "Smith", role: RoleRemoved, updatedMinutes: 240},
				{email: "ana.silva@kauridigital.example", first: "Ana", last: "Silva", role: RoleInvoiceOnly, updatedMinutes: 480},
				{email: "hemi.parata@kauridigital.example", first: "Hemi", last: "Parata", role: RoleStandard, updatedMinutes: 960},
			},
		},
		{
			key: "wattle", name: "Wattle & Gum Books", legal: "Wattle & Gum Books Pty Ltd", short: "!wG2xR",
			country: "AU", currency: "AUD", edition: "BUSINESS", class: "STANDARD", version: "AU",
			orgType: "COMPANY", timezone: "AUSEASTERNSTANDARDTIME",
			created: time.Date(2020, 7, 1, 0, 15, 42, 7_000_000, time.UTC),
			users: []demoUser{
				{email: "olivia.chen@wattlegum.example", first: "Olivia", last: "Chen", role: RoleStandard, subscriber: true, updatedMinutes: 3},
				with(sam, RoleStandard, 7),
				with(li, RoleInvoiceOnly, 14),
				{email: "jack.murphy@wattlegum.example", first: "Jack", last: "Murphy", role: RoleFinancialAdviser, updatedMinutes: 28},
				{email: "chloe.martin@wattlegum.example", first: "Chloe", last: "Martin", role: RoleReadOnly, updatedMinutes: 56},
				{email: "noah.wilson@wattlegum.example", first: "Noah", last: "Wilson", role: RoleStandard, updatedMinutes: 112},
				{email: "ella.jones@wattlegum.example", first: "Ella", last: "Jones", role: RoleRemoved, updatedMinutes: 224},
				{email: "mia.nguyen@wattlegum.example", first: "Mia", last: "Nguyen", role: RoleInvoiceOnly, updatedMinutes: 448},
				{email: "lucas.white@wattlegum.example", first: "Lucas", last: "White", role: RoleReadOnly, updatedMinutes: 896},
			},
		},
		{
			key: "thames", name: "Thames Bookkeeping Clients", legal: "Thames Bookkeeping Clients Ltd", short: "!tB9mK",
			country: "GB", currency: "GBP", edition: "PARTNER", class: "LEDGER", version: "UK",
			orgType: "COMPANY", timezone: "GMTSTANDARDTIME",
			created: time.Date(2021, 1, 18, 11, 2, 9, 870_000_000, time.UTC),
			users: []demoUser{
				{email: "george.evans@thamesbk.example", first: "George", last: "Evans", role: RoleFinancialAdviser, subscriber: true, updatedMinutes: 1},
				with(sam, RoleReadOnly, 9),
				with(priya, RoleManagedClient, 18),
				with(li, RoleFinancialAdviser, 36),
				{email: "amelia.clarke@thamesbk.example", first: "Amelia", last: "Clarke", role: RoleCashbookClient, updatedMinutes: 72},
				{email: "harry.wright@thamesbk.example", first: "Harry", last: "Wright", role: RoleManagedClient, updatedMinutes: 144},
				{email: "isla.scott@thamesbk.example", first: "Isla", last: "Scott", role: RoleCashbookClient, updatedMinutes: 288},
				{email: "oscar.hall@thamesbk.example", first: "Oscar", last: "Hall", role: RoleStandard, updatedMinutes: 576},
				{email: "freya.green@thamesbk.example", first: "Freya", last: "Green", role: RoleRemoved, updatedMinutes: 1152},
				{email: "arthur.baker@thamesbk.example", first: "Arthur", last: "Baker", role: RoleInvoiceOnly, updatedMinutes: 2304},
			},
		},
	}

	var ds Dataset
	connCreated := time.Date(2023, 11, 2, 21, 4, 55, 516_540_000, time.UTC)
	addConn := func(key, tenantID, tenantType, name string, i int) {
		created := connCreated.Add(time.Duration(i) * 26 * time.Hour)
		ds.Connections = append(ds.Connections, Connection{
			ID:         nameUUID("connection/" + key),
			TenantID:   tenantID,
			TenantType: tenantType,
			TenantName: name,
			Created:    created,
			Updated:    created.Add(2*time.Millisecond + 244_400*time.Nanosecond),
		})
	}
	for i, o := range orgs {
		org := Org{
			OrganisationID: nameUUID("org/" + o.key), Name: o.name, LegalName: o.legal, ShortCode: o.short,
			CountryCode: o.country, BaseCurrency: o.currency, Edition: o.edition, Class: o.class,
			Version: o.version, OrganisationType: o.orgType, Timezone: o.timezone, CreatedDateUTC: o.created,
		}
		for _, u := range o.users {
			org.Users = append(org.Users, User{
				UserID:           nameUUID("user/" + o.key + "/" + u.email),
				EmailAddress:     u.email,
				FirstName:        u.first,
				LastName:         u.last,
				OrganisationRole: u.role,
				IsSubscriber:     u.subscriber,
				UpdatedDateUTC:   base.Add(time.Duration(u.updatedMinutes)*time.Minute + time.Duration(i*17)*time.Millisecond),
			})
		}
		ds.Orgs = append(ds.Orgs, org)
		if i == 2 {
			// The practice sits between the organisations, so a connector
			// cannot assume it comes last.
			addConn("harbour-practice", nameUUID("practice/harbour"), TenantTypePractice, "Harbour Street Accountants", 5)
		}
		addConn(o.key, org.OrganisationID, TenantTypeOrganisation, o.name, i)
	}
	ds.Clients = []Client{
		{ID: DemoWebClientID, Secret: DemoWebClientSecret},
		{ID: DemoCustomClientID, Secret: DemoCustomClientSecret, CustomConnection: true, TenantID: ds.Orgs[0].OrganisationID},
	}
	return ds
}

var benchCountries = []struct{ country, currency, version, timezone string }{
	{"NZ", "NZD", "NZ", "NEWZEALANDSTANDARDTIME"},
	{"AU", "AUD", "AU", "AUSEASTERNSTANDARDTIME"},
	{"GB", "GBP", "UK", "GMTSTANDARDTIME"},
	{"US", "USD", "US", "EASTERNSTANDARDTIME"},
}

// Generate returns a large deterministic dataset for benchmarks: orgs
// organisations, each with one ORGANISATION connection, and usersPerOrg
// users each. User 0 of every organisation is its subscriber; the others
// draw a role from seed (about one in twenty REMOVED), and every tenth user
// is one of a shared pool of people who appear in many organisations. It
// registers the web app BenchClientID and, when orgs > 0, the Custom
// Connection BenchCustomClientID bound to the first organisation. Equal
// arguments give equal datasets.
func Generate(orgs, usersPerOrg int, seed int64) Dataset {
	rng := rand.New(rand.NewSource(seed))
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	roles := Roles()
	sharedPool := usersPerOrg/10 + 5
	ds := Dataset{
		Connections: make([]Connection, 0, orgs),
		Orgs:        make([]Org, 0, orgs),
	}
	for i := 0; i < orgs; i++ {
		c := benchCountries[i%len(benchCountries)]
		edition := "BUSINESS"
		if i%5 == 4 {
			edition = "PARTNER"
		}
		name := fmt.Sprintf("Bench Org %04d", i)
		org := Org{
			OrganisationID:   randUUID(rng),
			Name:             name,
			LegalName:        name + " Limited",
			ShortCode:        fmt.Sprintf("!b%05d", i),
			CountryCode:      c.country,
			BaseCurrency:     c.currency,
			Edition:          edition,
			Class:            "STANDARD",
			Version:          c.version,
			OrganisationType: "COMPANY",
			Timezone:         c.timezone,
			CreatedDateUTC:   base.Add(-time.Duration(rng.Int63n(int64(5*365*24*time.Hour/time.Millisecond))) * time.Millisecond),
			Users:            make([]User, 0, usersPerOrg),
		}
		for j := 0; j < usersPerOrg; j++ {
			u := User{
				UserID:         randUUID(rng),
				UpdatedDateUTC: base.Add(time.Duration(rng.Int63n(int64(365*24*time.Hour/time.Millisecond))) * time.Millisecond),
			}
			switch {
			case j == 0:
				u.IsSubscriber = true
				u.OrganisationRole = RoleFinancialAdviser
			case rng.Intn(20) == 0:
				u.OrganisationRole = RoleRemoved
			default:
				u.OrganisationRole = roles[rng.Intn(len(roles))]
			}
			if j%10 == 9 {
				p := (i*7 + j/10) % sharedPool
				u.EmailAddress = fmt.Sprintf("shared%04d@bench-advisers.example", p)
				u.FirstName, u.LastName = "Shared", fmt.Sprintf("Adviser%04d", p)
			} else {
				u.EmailAddress = fmt.Sprintf("user%05d@org%04d.bench.example", j, i)
				u.FirstName, u.LastName = "User", fmt.Sprintf("%04d-%05d", i, j)
			}
			org.Users = append(org.Users, u)
		}
		ds.Orgs = append(ds.Orgs, org)
		created := base.Add(time.Duration(i)*time.Minute + time.Duration(rng.Intn(10_000_000))*100)
		ds.Connections = append(ds.Connections, Connection{
			ID:         randUUID(rng),
			TenantID:   org.OrganisationID,
			TenantType: TenantTypeOrganisation,
			TenantName: name,
			Created:    created,
			Updated:    created.Add(time.Duration(rng.Intn(10_000_000)) * 100),
		})
	}
	ds.Clients = []Client{{ID: BenchClientID, Secret: BenchClientSecret}}
	if orgs > 0 {
		ds.Clients = append(ds.Clients, Client{ID: BenchCustomClientID, Secret: BenchCustomClientSecret, CustomConnection: true, TenantID: ds.Orgs[0].OrganisationID})
	}
	return ds
}
