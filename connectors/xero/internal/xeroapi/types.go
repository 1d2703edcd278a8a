package xeroapi

// Tenant types on /connections. Only organisations have an accounting API.
const (
	TenantTypeOrganisation = "ORGANISATION"
	TenantTypePractice     = "PRACTICE"
)

// Organisation roles a user can hold (Users.OrganisationRole).
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

// Connection is one tenant the access token may call.
type Connection struct {
	ID          string       `json:"id"`
	AuthEventID string       `json:"authEventId"`
	TenantID    string       `json:"tenantId"`
	TenantType  string       `json:"tenantType"`
	TenantName  string       `json:"tenantName"`
	Created     IdentityTime `json:"createdDateUtc"`
	Updated     IdentityTime `json:"updatedDateUtc"`
}

// Organisation is the profile of one tenant, from GET /Organisation.
type Organisation struct {
	OrganisationID   string `json:"OrganisationID"`
	Name             string `json:"Name"`
	LegalName        string `json:"LegalName"`
	ShortCode        string `json:"ShortCode"`
	CountryCode      string `json:"CountryCode"`
	BaseCurrency     string `json:"BaseCurrency"`
	Edition          string `json:"Edition"`
	Class            string `json:"Class"`
	Version          string `json:"Version"`
	OrganisationType string `json:"OrganisationType"`
	Timezone         string `json:"Timezone"`
	CreatedDateUTC   MSDate `json:"CreatedDateUTC"`
}

// User is one user of one organisation, from GET /Users. The same person
// has a separate User (and UserID) in every organisation they belong to.
type User struct {
	UserID           string `json:"UserID"`
	EmailAddress     string `json:"EmailAddress"`
	FirstName        string `json:"FirstName"`
	LastName         string `json:"LastName"`
	UpdatedDateUTC   MSDate `json:"UpdatedDateUTC"`
	IsSubscriber     bool   `json:"IsSubscriber"`
	OrganisationRole string `json:"OrganisationRole"`
}

// Active reports whether the user still has access to the organisation.
func (u User) Active() bool { return u.OrganisationRole != RoleRemoved }
