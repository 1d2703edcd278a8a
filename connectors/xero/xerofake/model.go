package xerofake

import "time"

// Dataset is everything the fake serves. The connector's conformance tests
// compute their expected output from it.
type Dataset struct {
	Clients     []Client     // OAuth2 apps that may call the token endpoint
	Connections []Connection // tenants the web-app user has connected (what /connections returns for refresh-token/auth-code tokens)
	Orgs        []Org        // organisations with their users; Org.OrganisationID == Connection.TenantID
}

// Client is an OAuth2 app registered with Xero.
type Client struct {
	ID, Secret       string
	CustomConnection bool // may use client_credentials; its tokens are bound to TenantID (xero-tenant-id header optional), and /connections returns just that tenant
	TenantID         string
}

// Connection is one tenant the web-app user connected. TenantType is
// "ORGANISATION" or "PRACTICE"; a PRACTICE tenant has no Org, so
// accounting calls for it answer 403 AuthenticationUnsuccessful.
type Connection struct {
	ID, TenantID, TenantType, TenantName string
	Created, Updated                     time.Time
}

// Org is a Xero organisation and its users. Edition is BUSINESS or PARTNER.
type Org struct {
	OrganisationID, Name, LegalName, ShortCode, CountryCode, BaseCurrency, Edition, Class, Version, OrganisationType, Timezone string
	CreatedDateUTC                                                                                                             time.Time
	Users                                                                                                                      []User
}

// User is one user of one organisation.
type User struct {
	UserID, EmailAddress, FirstName, LastName, OrganisationRole string
	IsSubscriber                                                bool
	UpdatedDateUTC                                              time.Time
}

// Tenant types.
const (
	TenantTypeOrganisation = "ORGANISATION"
	TenantTypePractice     = "PRACTICE"
)

// Organisation roles (the spec's OrganisationRole enum).
const (
	RoleReadOnly         = "READONLY"
	RoleInvoiceOnly      = "INVOICEONLY"
	RoleStandard         = "STANDARD"
	RoleFinancialAdviser = "FINANCIALADVISER"
	RoleManagedClient    = "MANAGEDCLIENT"
	RoleCashbookClient   = "CASHBOOKCLIENT"
	RoleUnknown          = "UNKNOWN"
	RoleRemoved          = "REMOVED"
)

// Roles returns the six roles a user can actually hold, as the connector
// models them (UNKNOWN and REMOVED are left out).
func Roles() []string {
	return []string{RoleReadOnly, RoleInvoiceOnly, RoleStandard, RoleFinancialAdviser, RoleManagedClient, RoleCashbookClient}
}
