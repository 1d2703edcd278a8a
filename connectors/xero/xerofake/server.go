package xerofake

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/accessgov/baton-connectors/internal/accounting"
	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// Routes as the fake registers them. They are the keys for Faults
// (fakeapi.Fault.Route); Requests() counts under the path part, for
// example Requests().Count("GET", "/api.xro/2.0/Users").
const (
	RouteToken         = "POST /connect/token"
	RouteRevocation    = "POST /connect/revocation"
	RouteAuthorize     = "GET /identity/connect/authorize"
	RouteDiscovery     = "GET /.well-known/openid-configuration"
	RouteConnections   = "GET /connections"
	RouteDisconnect    = "DELETE /connections/{id}"
	RouteOrganisation  = "GET /api.xro/2.0/Organisation"
	RouteUsers         = "GET /api.xro/2.0/Users"
	RouteUser          = "GET /api.xro/2.0/Users/{id}"
	APIBasePath        = "/api.xro/2.0"
	notFoundText       = "The resource you're looking for cannot be found"
	maintenanceText    = "The Xero API is currently offline for maintenance"
	defaultProvider    = "AccessGov Xero Fake"
	authCodeLifetime   = 5 * time.Minute
	defaultCustomScope = "accounting.settings.read"
)

// Options tunes the fake. Zero values take the defaults noted, which are
// Xero's documented values.
type Options struct {
	Clock               fakeapi.Clock // default fakeapi.RealClock
	AccessTTL           time.Duration // default 30m (expires_in reported in seconds, at least 1)
	RefreshGrace        time.Duration // default 30m: a rotated refresh token still works this long after its first use
	RefreshIdle         time.Duration // default 60 days unused → invalid_grant
	MinuteWindow        time.Duration // default 1m (tests scale it down)
	DayWindow           time.Duration // default 24h
	PerTenantPerMinute  int           // default 60
	PerTenantConcurrent int           // default 5
	PerTenantPerDay     int           // default 5000
	AppPerMinute        int           // default 10000
	InvalidClientStatus int           // 400 (default) or 401; the reference marks it UNCERTAIN

	// Latency is how long every accounting call takes while it holds its
	// concurrency slot (default 0). Tests use it to hit the concurrent
	// limit; the demo to look like a remote API.
	Latency time.Duration
	// ProviderName is the envelope's ProviderName (the app's name in Xero).
	ProviderName string
}

func (o Options) withDefaults() Options {
	if o.Clock == nil {
		o.Clock = fakeapi.RealClock{}
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	defInt := func(n *int, v int) {
		if *n <= 0 {
			*n = v
		}
	}
	def(&o.AccessTTL, 30*time.Minute)
	def(&o.RefreshGrace, 30*time.Minute)
	def(&o.RefreshIdle, 60*24*time.Hour)
	def(&o.MinuteWindow, time.Minute)
	def(&o.DayWindow, 24*time.Hour)
	defInt(&o.PerTenantPerMinute, 60)
	defInt(&o.PerTenantConcurrent, 5)
	defInt(&o.PerTenantPerDay, 5000)
	defInt(&o.AppPerMinute, 10000)
	if o.InvalidClientStatus != http.StatusUnauthorized {
		o.InvalidClientStatus = http.StatusBadRequest
	}
	if o.ProviderName == "" {
		o.ProviderName = defaultProvider
	}
	return o
}

// Server is the fake. It is safe for concurrent use.
type Server struct {
	opts   Options
	clock  fakeapi.Clock
	router *fakeapi.Router

	// Read-only after New.
	clients   map[string]Client
	conns     []Connection
	orgs      map[string]*orgState // by lower-cased OrganisationID
	connByTen map[string]Connection
	// connIDsByTen lists, by lower-cased tenant ID, the lower-cased IDs of
	// the tenant's connections.
	connIDsByTen map[string][]string

	mu           sync.Mutex
	grants       map[string]*grant
	access       map[string]*accessToken
	refresh      map[string]*refreshToken
	codes        map[string]*authCode
	disconnected map[string]bool // lower-cased connection id
	cutOff       map[string]cut  // lower-cased tenant ID → what its accounting calls answer (cutoff.go)
	cutOffArmed  map[string]cut  // cut-offs to apply after the next /connections answer
	tokenCalls   map[string]int

	rlMu      sync.Mutex
	appMinute *fakeapi.FixedWindow
	tenMinute *fakeapi.FixedWindow
	tenDay    *fakeapi.FixedWindow
	inFlight  *fakeapi.InFlight
}

type orgState struct {
	org   Org
	byID  map[string]int // lower-cased UserID → index in org.Users
	users []User
}

// grant is one consent (or one client_credentials token): its access and
// refresh tokens share its scopes and its fate on revocation.
type grant struct {
	clientID    string
	scopes      []string
	custom      bool
	tenantID    string
	authEventID string
	revoked     bool
}

type accessToken struct {
	grant   *grant
	expires time.Time
}

type refreshToken struct {
	grant     *grant
	issued    time.Time
	used      bool
	firstUsed time.Time
}

type authCode struct {
	clientID, redirectURI, challenge string
	scopes                           []string
	expires                          time.Time
}

// New returns a Server serving ds. It copies ds, so the caller may keep
// using it.
func New(ds Dataset, opts Options) *Server {
	opts = opts.withDefaults()
	s := &Server{
		opts:         opts,
		clock:        opts.Clock,
		clients:      make(map[string]Client, len(ds.Clients)),
		conns:        append([]Connection(nil), ds.Connections...),
		orgs:         make(map[string]*orgState, len(ds.Orgs)),
		connByTen:    make(map[string]Connection, len(ds.Connections)),
		grants:       make(map[string]*grant),
		access:       make(map[string]*accessToken),
		refresh:      make(map[string]*refreshToken),
		codes:        make(map[string]*authCode),
		disconnected: make(map[string]bool),
		tokenCalls:   make(map[string]int),
		inFlight:     &fakeapi.InFlight{Max: opts.PerTenantConcurrent},
	}
	now := s.clock.Now
	s.appMinute = fakeapi.NewFixedWindow(opts.AppPerMinute, opts.MinuteWindow, now)
	s.tenMinute = fakeapi.NewFixedWindow(opts.PerTenantPerMinute, opts.MinuteWindow, now)
	s.tenDay = fakeapi.NewFixedWindow(opts.PerTenantPerDay, opts.DayWindow, now)
	for _, c := range ds.Clients {
		s.clients[c.ID] = c
	}
	s.connIDsByTen = make(map[string][]string, len(ds.Connections))
	for _, c := range ds.Connections {
		t := strings.ToLower(c.TenantID)
		s.connByTen[t] = c
		s.connIDsByTen[t] = append(s.connIDsByTen[t], strings.ToLower(c.ID))
	}
	for _, o := range ds.Orgs {
		st := &orgState{org: o, users: append([]User(nil), o.Users...), byID: make(map[string]int, len(o.Users))}
		st.org.Users = st.users
		for i, u := range st.users {
			st.byID[strings.ToLower(u.UserID)] = i
		}
		s.orgs[strings.ToLower(o.OrganisationID)] = st
	}

	s.router = fakeapi.NewRouter(fakeapi.WithNotFound(func(w http.ResponseWriter, r *http.Request) {
		fakeapi.WriteText(w, http.StatusNotFound, notFoundText)
	}))
	s.router.Handle(RouteToken, s.handleToken)
	s.router.Handle(RouteRevocation, s.handleRevocation)
	s.router.Handle(RouteAuthorize, s.handleAuthorize)
	s.router.Handle(RouteDiscovery, s.handleDiscovery)
	s.router.HandleFold(RouteConnections, s.handleConnections)
	s.router.HandleFold(RouteDisconnect, s.handleDisconnect)
	s.router.Handle(RouteOrganisation, s.accountingCall(s.handleOrganisation))
	s.router.Handle(RouteUsers, s.accountingCall(s.handleUsers))
	s.router.Handle(RouteUser, s.accountingCall(s.handleUser))
	return s
}

// ServeHTTP serves the whole fake: identity, /connections and accounting.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.router.ServeHTTP(w, r)
}

// Start serves on 127.0.0.1 at a random port (see fakeapi.Start). It
// returns the base URL ("http://127.0.0.1:PORT", no trailing slash) and a
// stop function that closes the listener and every connection.
func (s *Server) Start() (baseURL string, stop func()) { return fakeapi.Start(s) }

// TB is the part of testing.TB that NewTestServer needs (so the package
// does not link the testing package into the xero-fake command).
type TB = fakeapi.TB

// NewTestServer starts a Server for the length of a test (t is usually a
// *testing.T) and returns it with its base URL.
func NewTestServer(t TB, ds Dataset, opts Options) (*Server, string) {
	t.Helper()
	s := New(ds, opts)
	return s, fakeapi.StartForTest(t, s)
}

// IssueRefreshToken returns a refresh token for clientID as if the web-app
// user had just consented to scopes (default "offline_access
// accounting.settings.read") and connected every tenant in the dataset.
func (s *Server) IssueRefreshToken(clientID string, scopes ...string) string {
	if len(scopes) == 0 {
		scopes = []string{"offline_access", "accounting.settings.read"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := &grant{clientID: clientID, scopes: normaliseScopes(scopes), authEventID: newUUID()}
	return s.newRefreshLocked(g)
}

// RevokeRefreshToken revokes rt and, with it, the consent it belongs to
// (see the package comment). Unknown tokens are ignored.
func (s *Server) RevokeRefreshToken(rt string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.refresh[rt]; ok {
		t.grant.revoked = true
	}
}

// ExpireAccessTokens makes every access token issued so far answer 401
// TokenExpired from now on. Tokens issued later are unaffected.
func (s *Server) ExpireAccessTokens() {
	now := s.clock.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, at := range s.access {
		if at.expires.After(now) {
			at.expires = now
		}
	}
}

// Faults returns the fault script applied before every handler.
func (s *Server) Faults() *fakeapi.Faults { return s.router.Faults() }

// Requests returns the per-route request counts.
func (s *Server) Requests() *accounting.Recorder { return s.router.Recorder() }

// TokenRequests returns how many token calls were made per grant_type
// (failed ones included; "" when the field was missing).
func (s *Server) TokenRequests() (byGrant map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.tokenCalls))
	for k, v := range s.tokenCalls {
		out[k] = v
	}
	return out
}

// newRefreshLocked stores and returns a new refresh token for g. s.mu must
// be held.
func (s *Server) newRefreshLocked(g *grant) string {
	tok := randToken()
	s.refresh[tok] = &refreshToken{grant: g, issued: s.clock.Now()}
	return tok
}

// newAccessLocked stores and returns a new access token for g. s.mu must be
// held.
func (s *Server) newAccessLocked(g *grant) string {
	tok := randToken()
	s.access[tok] = &accessToken{grant: g, expires: s.clock.Now().Add(s.opts.AccessTTL)}
	return tok
}

func randToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// newUUID and sleepCtx are fakeapi's, under the names the handlers use.
var (
	newUUID  = fakeapi.NewUUID
	sleepCtx = fakeapi.SleepCtx
)
