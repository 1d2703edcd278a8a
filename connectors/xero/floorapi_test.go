package xero

// floorapi_test.go is the benchmark floor's Xero: the connector's api
// interface answered from a xerofake dataset held in memory.

import (
	"context"
	"strings"
	"time"

	"github.com/accessgov/baton-connectors/connectors/xero/internal/xeroapi"
	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
)

// floorAPI answers what the fake would, converted as xeroapi decodes it
// (times at Xero's millisecond precision). Each answer is a fresh copy, as
// a decoded response is, so the syncers hold what they hold against the
// real API.
type floorAPI struct {
	conns []xeroapi.Connection
	orgs  map[string]*xerofake.Org // by lower-case tenant ID
}

var _ api = (*floorAPI)(nil)

func newFloorAPI(ds xerofake.Dataset) *floorAPI {
	f := &floorAPI{orgs: make(map[string]*xerofake.Org, len(ds.Orgs))}
	for _, c := range ds.Connections {
		f.conns = append(f.conns, xeroapi.Connection{
			ID: c.ID, TenantID: c.TenantID, TenantType: c.TenantType, TenantName: c.TenantName,
			Created: xeroapi.IdentityTime{Time: ms(c.Created)}, Updated: xeroapi.IdentityTime{Time: ms(c.Updated)},
		})
	}
	for i := range ds.Orgs {
		f.orgs[strings.ToLower(ds.Orgs[i].OrganisationID)] = &ds.Orgs[i]
	}
	return f
}

func ms(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

func (f *floorAPI) ListConnections(context.Context) ([]xeroapi.Connection, error) {
	return append([]xeroapi.Connection(nil), f.conns...), nil
}

func (f *floorAPI) GetOrganisation(_ context.Context, tenantID string) (*xeroapi.Organisation, error) {
	o := f.orgs[strings.ToLower(tenantID)]
	return &xeroapi.Organisation{
		OrganisationID: o.OrganisationID, Name: o.Name, LegalName: o.LegalName, ShortCode: o.ShortCode,
		CountryCode: o.CountryCode, BaseCurrency: o.BaseCurrency, Edition: o.Edition, Class: o.Class,
		Version: o.Version, OrganisationType: o.OrganisationType, Timezone: o.Timezone,
		CreatedDateUTC: xeroapi.MSDate{Time: ms(o.CreatedDateUTC)},
	}, nil
}

func (f *floorAPI) ListUsers(_ context.Context, tenantID string) ([]xeroapi.User, error) {
	o := f.orgs[strings.ToLower(tenantID)]
	out := make([]xeroapi.User, len(o.Users))
	for i, u := range o.Users {
		out[i] = xeroapi.User{
			UserID: u.UserID, EmailAddress: u.EmailAddress, FirstName: u.FirstName, LastName: u.LastName,
			UpdatedDateUTC: xeroapi.MSDate{Time: ms(u.UpdatedDateUTC)}, IsSubscriber: u.IsSubscriber, OrganisationRole: u.OrganisationRole,
		}
	}
	return out, nil
}
