package xero_test

import (
	"strconv"
	"strings"
	"time"

	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
	"github.com/accessgov/baton-connectors/internal/connectortest"
)

// roleNames are the names Xero's web app shows for each role value; the
// expected content is written out here independently of the connector.
var roleNames = map[string]string{
	"READONLY":         "Read only",
	"INVOICEONLY":      "Invoice only",
	"STANDARD":         "Standard",
	"FINANCIALADVISER": "Adviser",
	"MANAGEDCLIENT":    "Managed client",
	"CASHBOOKCLIENT":   "Cashbook client",
}

// expected is what a sync of the given organisations of ds must write:
// every organisation, every user (removed ones disabled), the six roles plus
// any other role an active user holds, and the member, subscriber and role
// grants of the active users.
func expected(ds xerofake.Dataset, tenantIDs []string) *connectortest.Snapshot {
	s := connectortest.NewSnapshot()
	s.ResourceTypes = []string{"org", "role", "user"}
	orgs := map[string]xerofake.Org{}
	for _, o := range ds.Orgs {
		orgs[o.OrganisationID] = o
	}
	connIDs := map[string]string{}
	for _, c := range ds.Connections {
		connIDs[c.TenantID] = c.ID
	}
	for _, tid := range tenantIDs {
		o := orgs[tid]
		orgKey := "org/" + tid
		s.AddResource(connectortest.Resource{
			Type: "org", ID: tid, DisplayName: o.Name,
			Profile: map[string]string{
				"tenant_id": tid, "connection_id": connIDs[tid], "name": o.Name, "legal_name": o.LegalName, "short_code": o.ShortCode,
				"country_code": o.CountryCode, "base_currency": o.BaseCurrency, "edition": o.Edition,
				"class": o.Class, "version": o.Version, "organisation_type": o.OrganisationType, "timezone": o.Timezone,
			},
		})
		for _, slug := range []string{"member", "subscriber"} {
			s.AddEntitlement(connectortest.Entitlement{
				ID: "org:" + tid + ":" + slug, Resource: orgKey, DisplayName: o.Name + " " + slug, GrantableTo: []string{"user"},
			})
		}
		roles := []string{"READONLY", "INVOICEONLY", "STANDARD", "FINANCIALADVISER", "MANAGEDCLIENT", "CASHBOOKCLIENT"}
		for _, u := range o.Users {
			if _, ok := roleNames[u.OrganisationRole]; !ok && u.OrganisationRole != "REMOVED" && u.OrganisationRole != "UNKNOWN" {
				roles = append(roles, u.OrganisationRole)
			}
		}
		for _, r := range roles {
			name, ok := roleNames[r]
			if !ok {
				name = r[:1] + strings.ToLower(r[1:])
			}
			id := tid + "/" + r
			s.AddResource(connectortest.Resource{
				Type: "role", ID: id, Parent: orgKey, DisplayName: name,
				Profile: map[string]string{"organisation_role": r, "organisation_id": tid},
			})
			s.AddEntitlement(connectortest.Entitlement{
				ID: "role:" + id + ":assigned", Resource: "role/" + id, DisplayName: name + " role", GrantableTo: []string{"user"},
			})
		}
		for _, u := range o.Users {
			id := tid + "/" + u.UserID
			active := u.OrganisationRole != "REMOVED"
			status := "enabled"
			if !active {
				status = "disabled"
			}
			s.AddResource(connectortest.Resource{
				Type: "user", ID: id, Parent: orgKey, DisplayName: strings.TrimSpace(u.FirstName + " " + u.LastName), Status: status,
				Profile: map[string]string{
					"user_id": u.UserID, "organisation_id": tid, "email": u.EmailAddress,
					"first_name": u.FirstName, "last_name": u.LastName, "organisation_role": u.OrganisationRole,
					"is_subscriber":    strconv.FormatBool(u.IsSubscriber),
					"updated_date_utc": u.UpdatedDateUTC.UTC().Truncate(time.Second).Format(time.RFC3339),
				},
			})
			if !active {
				continue
			}
			s.AddGrant(connectortest.Grant{Entitlement: "org:" + tid + ":member", Principal: "user/" + id})
			if u.IsSubscriber {
				s.AddGrant(connectortest.Grant{Entitlement: "org:" + tid + ":subscriber", Principal: "user/" + id})
			}
			if u.OrganisationRole != "UNKNOWN" {
				s.AddGrant(connectortest.Grant{Entitlement: "role:" + tid + "/" + u.OrganisationRole + ":assigned", Principal: "user/" + id})
			}
		}
	}
	return s
}

// organisations returns the tenant IDs of ds's ORGANISATION connections, in
// order, without duplicates: what a Web-app sync covers.
func organisations(ds xerofake.Dataset) []string {
	var out []string
	seen := map[string]bool{}
	for _, c := range ds.Connections {
		if c.TenantType == xerofake.TenantTypeOrganisation && !seen[c.TenantID] {
			seen[c.TenantID] = true
			out = append(out, c.TenantID)
		}
	}
	return out
}
