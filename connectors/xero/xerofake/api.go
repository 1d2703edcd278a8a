package xerofake

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// problem is the problem-JSON body of Xero's 401 and 403 answers.
type problem struct {
	Type       *string        `json:"Type"`
	Title      string         `json:"Title"`
	Status     int            `json:"Status"`
	Detail     string         `json:"Detail"`
	Instance   string         `json:"Instance"`
	Extensions map[string]any `json:"Extensions"`
}

func writeProblem(w http.ResponseWriter, status int, detail string) {
	fakeapi.WriteJSON(w, status, problem{
		Title:      http.StatusText(status),
		Status:     status,
		Detail:     detail,
		Instance:   newUUID(),
		Extensions: map[string]any{},
	})
}

// apiException is the accounting API's 400 body.
type apiException struct {
	ErrorNumber int
	Type        string
	Message     string
}

// msDate renders the MS-JSON form with an offset: /Date(1508523261613+0000)/.
func msDate(t time.Time) string {
	return fmt.Sprintf("/Date(%d+0000)/", t.UnixMilli())
}

// msDateBare renders the MS-JSON form without offset: /Date(1553880796393)/.
func msDateBare(t time.Time) string {
	return fmt.Sprintf("/Date(%d)/", t.UnixMilli())
}

// call is what the accounting middleware resolved for a handler.
type call struct {
	org *orgState
}

// accountingCall checks the token, its scope, the tenant, the Accept
// header and the rate limits, in that order, before h runs.
func (s *Server) accountingCall(h func(http.ResponseWriter, *http.Request, call)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Xero-Correlation-Id", newUUID())
		g, ok := s.bearer(w, r)
		if !ok {
			return
		}
		if !slices.Contains(g.scopes, "accounting.settings") && !slices.Contains(g.scopes, "accounting.settings.read") {
			writeProblem(w, http.StatusUnauthorized, "AuthorizationUnsuccessful")
			return
		}
		org, ok := s.tenantFor(g, r.Header.Get("Xero-Tenant-Id"))
		if ok && s.answerCutOff(w, r, org.org.OrganisationID) {
			return
		}
		if !ok {
			writeProblem(w, http.StatusForbidden, "AuthenticationUnsuccessful")
			return
		}
		if !acceptsJSON(r) {
			fakeapi.WriteText(w, http.StatusNotAcceptable, "xerofake serves JSON only: send Accept: application/json")
			return
		}
		leave, ok := s.admit(w, g.clientID, org.org.OrganisationID)
		if !ok {
			return
		}
		defer leave()
		if !sleepCtx(r.Context(), s.opts.Latency) {
			return
		}
		h(w, r, call{org: org})
	}
}

// tenantFor resolves the organisation a call addresses. Web-app tokens
// must name a connected tenant in the header; Custom Connection tokens are
// bound to theirs and may omit it.
func (s *Server) tenantFor(g *grant, header string) (*orgState, bool) {
	header = strings.TrimSpace(header)
	var tenant string
	if g.custom {
		if header != "" && !strings.EqualFold(header, g.tenantID) {
			return nil, false
		}
		tenant = g.tenantID
	} else {
		if header == "" {
			return nil, false
		}
		if !s.connected(g, header) {
			return nil, false
		}
		tenant = header
	}
	org, ok := s.orgs[strings.ToLower(tenant)]
	return org, ok
}

func acceptsJSON(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		if strings.Contains(strings.ToLower(v), "application/json") {
			return true
		}
	}
	return false
}

// retrySeconds renders d as Retry-After: whole seconds, rounded up, at
// least 1.
var retrySeconds = fakeapi.RetryAfter

// admit applies the rate limits for (client, tenant). On refusal it has
// answered 429; otherwise the caller must call leave when done.
func (s *Server) admit(w http.ResponseWriter, clientID, tenantID string) (leave func(), ok bool) {
	key := clientID + "|" + strings.ToLower(tenantID)
	leave, entered := s.inFlight.Enter(key)

	s.rlMu.Lock()
	dayRem, dayReset := s.tenDay.Peek(key)
	minRem, minReset := s.tenMinute.Peek(key)
	appRem, appReset := s.appMinute.Peek(clientID)
	problem, retry := "", time.Duration(0)
	switch {
	case !entered:
		problem, retry = "concurrent", time.Second
	case dayRem == 0:
		problem, retry = "day", dayReset
	case minRem == 0:
		problem, retry = "minute", minReset
	case appRem == 0:
		problem, retry = "appminute", appReset
	default:
		_, dayRem, _ = s.tenDay.Allow(key)
		_, minRem, _ = s.tenMinute.Allow(key)
		_, appRem, _ = s.appMinute.Allow(clientID)
	}
	s.rlMu.Unlock()

	h := w.Header()
	h.Set("X-DayLimit-Remaining", strconv.Itoa(dayRem))
	h.Set("X-MinLimit-Remaining", strconv.Itoa(minRem))
	h.Set("X-AppMinLimit-Remaining", strconv.Itoa(appRem))
	if problem != "" {
		leave()
		h.Set("Retry-After", retrySeconds(retry))
		h.Set("X-Rate-Limit-Problem", problem)
		h.Set("Content-Length", "0")
		w.WriteHeader(http.StatusTooManyRequests)
		return nil, false
	}
	return leave, true
}

type envelope struct {
	ID            string             `json:"Id"`
	Status        string             `json:"Status"`
	ProviderName  string             `json:"ProviderName"`
	DateTimeUTC   string             `json:"DateTimeUTC"`
	Organisations []organisationJSON `json:"Organisations,omitempty"`
	Users         *[]userJSON        `json:"Users,omitempty"`
}

func (s *Server) envelope() envelope {
	return envelope{ID: newUUID(), Status: "OK", ProviderName: s.opts.ProviderName, DateTimeUTC: msDateBare(s.clock.Now())}
}

type organisationJSON struct {
	OrganisationID         string
	Name                   string
	LegalName              string
	PaysTax                bool
	Version                string
	OrganisationType       string
	BaseCurrency           string
	CountryCode            string
	IsDemoCompany          bool
	OrganisationStatus     string
	FinancialYearEndDay    int
	FinancialYearEndMonth  int
	SalesTaxBasis          string
	SalesTaxPeriod         string
	DefaultSalesTax        string
	DefaultPurchasesTax    string
	CreatedDateUTC         string
	OrganisationEntityType string
	Timezone               string
	ShortCode              string
	Edition                string
	Class                  string
	LineOfBusiness         string
	Addresses              []any
	Phones                 []any
	ExternalLinks          []any
	PaymentTerms           map[string]any
}

type userJSON struct {
	UserID           string
	EmailAddress     string
	FirstName        string
	LastName         string
	UpdatedDateUTC   string
	IsSubscriber     bool
	OrganisationRole string
}

func toUserJSON(u User) userJSON {
	return userJSON{
		UserID:           u.UserID,
		EmailAddress:     u.EmailAddress,
		FirstName:        u.FirstName,
		LastName:         u.LastName,
		UpdatedDateUTC:   msDate(u.UpdatedDateUTC),
		IsSubscriber:     u.IsSubscriber,
		OrganisationRole: u.OrganisationRole,
	}
}

func (s *Server) handleOrganisation(w http.ResponseWriter, _ *http.Request, c call) {
	o := c.org.org
	env := s.envelope()
	env.Organisations = []organisationJSON{{
		OrganisationID:         o.OrganisationID,
		Name:                   o.Name,
		LegalName:              o.LegalName,
		PaysTax:                true,
		Version:                o.Version,
		OrganisationType:       o.OrganisationType,
		BaseCurrency:           o.BaseCurrency,
		CountryCode:            o.CountryCode,
		OrganisationStatus:     "ACTIVE",
		FinancialYearEndDay:    31,
		FinancialYearEndMonth:  3,
		SalesTaxBasis:          "INVOICE",
		SalesTaxPeriod:         "TWOMONTHS",
		DefaultSalesTax:        "Tax Exclusive",
		DefaultPurchasesTax:    "Tax Exclusive",
		CreatedDateUTC:         msDate(o.CreatedDateUTC),
		OrganisationEntityType: o.OrganisationType,
		Timezone:               o.Timezone,
		ShortCode:              o.ShortCode,
		Edition:                o.Edition,
		Class:                  o.Class,
		Addresses:              []any{},
		Phones:                 []any{},
		ExternalLinks:          []any{},
		PaymentTerms:           map[string]any{},
	}}
	fakeapi.WriteJSON(w, http.StatusOK, env)
}

// handleUsers lists every user of the tenant (Users is not paginated). It
// honours If-Modified-Since and a simple where clause and ignores order.
func (s *Server) handleUsers(w http.ResponseWriter, r *http.Request, c call) {
	match, err := parseWhere(r.URL.Query().Get("where"))
	if err != nil {
		fakeapi.WriteJSON(w, http.StatusBadRequest, apiException{ErrorNumber: 16, Type: "QueryParseException", Message: err.Error()})
		return
	}
	var since time.Time
	if v := r.Header.Get("If-Modified-Since"); v != "" {
		if since, err = parseModifiedSince(v); err != nil {
			fakeapi.WriteJSON(w, http.StatusBadRequest, apiException{ErrorNumber: 10, Type: "ValidationException", Message: err.Error()})
			return
		}
	}
	users := make([]userJSON, 0, len(c.org.users))
	for _, u := range c.org.users {
		if !since.IsZero() && !u.UpdatedDateUTC.After(since) {
			continue
		}
		if match(u) {
			users = append(users, toUserJSON(u))
		}
	}
	env := s.envelope()
	env.Users = &users
	fakeapi.WriteJSON(w, http.StatusOK, env)
}

func (s *Server) handleUser(w http.ResponseWriter, r *http.Request, c call) {
	i, ok := c.org.byID[strings.ToLower(r.PathValue("id"))]
	if !ok {
		fakeapi.WriteText(w, http.StatusNotFound, notFoundText)
		return
	}
	users := []userJSON{toUserJSON(c.org.users[i])}
	env := s.envelope()
	env.Users = &users
	fakeapi.WriteJSON(w, http.StatusOK, env)
}

// parseModifiedSince accepts the HTTP date form and the ISO forms Xero's
// docs show ("2020-02-06T12:17:43.202-08:00"; zone-less means UTC).
func parseModifiedSince(v string) (time.Time, error) {
	for _, layout := range []string{http.TimeFormat, time.RFC1123, time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("If-Modified-Since %q is not a date", v)
}

// parseWhere understands conjunctions ("&&" or "AND") of Field==value and
// Field!=value over UserID, EmailAddress, FirstName, LastName,
// OrganisationRole and IsSubscriber, where value is "quoted", true/false or
// guid("…"). That covers the filters Xero's docs show for Users.
func parseWhere(expr string) (func(User) bool, error) {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return func(User) bool { return true }, nil
	}
	clauses := splitAnd(expr)
	preds := make([]func(User) bool, 0, len(clauses))
	for _, cl := range clauses {
		p, err := parseClause(cl)
		if err != nil {
			return nil, err
		}
		preds = append(preds, p)
	}
	return func(u User) bool {
		for _, p := range preds {
			if !p(u) {
				return false
			}
		}
		return true
	}, nil
}

func splitAnd(expr string) []string {
	var out []string
	for _, part := range strings.Split(expr, "&&") {
		rest := part
		for {
			i := strings.Index(strings.ToUpper(rest), " AND ")
			if i < 0 {
				break
			}
			out = append(out, rest[:i])
			rest = rest[i+5:]
		}
		out = append(out, rest)
	}
	return out
}

func parseClause(cl string) (func(User) bool, error) {
	cl = strings.TrimSpace(cl)
	for strings.HasPrefix(cl, "(") && strings.HasSuffix(cl, ")") {
		cl = strings.TrimSpace(cl[1 : len(cl)-1])
	}
	op, negate := "==", false
	if strings.Contains(cl, "!=") {
		op, negate = "!=", true
	}
	field, raw, ok := strings.Cut(cl, op)
	if !ok {
		return nil, fmt.Errorf("cannot parse where clause %q", cl)
	}
	field, raw = strings.TrimSpace(field), strings.TrimSpace(raw)
	var value string
	switch {
	case len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"':
		value = raw[1 : len(raw)-1]
	case strings.HasPrefix(strings.ToLower(raw), `guid("`) && strings.HasSuffix(raw, `")`):
		value = raw[6 : len(raw)-2]
	case strings.EqualFold(raw, "true"), strings.EqualFold(raw, "false"):
		value = strings.ToLower(raw)
	default:
		return nil, fmt.Errorf("cannot parse value %q in where clause %q", raw, cl)
	}
	var get func(User) string
	switch strings.ToLower(field) {
	case "userid":
		get = func(u User) string { return u.UserID }
	case "emailaddress":
		get = func(u User) string { return u.EmailAddress }
	case "firstname":
		get = func(u User) string { return u.FirstName }
	case "lastname":
		get = func(u User) string { return u.LastName }
	case "organisationrole":
		get = func(u User) string { return u.OrganisationRole }
	case "issubscriber":
		get = func(u User) string { return strconv.FormatBool(u.IsSubscriber) }
	default:
		return nil, fmt.Errorf("unknown field %q in where clause", field)
	}
	return func(u User) bool { return strings.EqualFold(get(u), value) != negate }, nil
}
