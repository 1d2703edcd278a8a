package xerofake

// cutoff.go stages an organisation that becomes unreachable: its
// accounting calls answer 403 (the app was disconnected on the
// organisation's side, or its subscription ended) or 404 while
// /connections may still list it, as when it goes away mid-sync.

import (
	"net/http"
	"slices"
	"strings"

	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// CutOff makes every accounting call for tenantID answer status from now
// on: 403 with Xero's problem JSON (AuthenticationUnsuccessful), 404 or 410
// with its plain-text not-found body, any other status with an empty body.
// /connections keeps listing the tenant. routes (RouteUsers,
// RouteOrganisation) limit it to those calls; none means every accounting
// call. status 0 restores the tenant.
func (s *Server) CutOff(tenantID string, status int, routes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.setCutOffLocked(strings.ToLower(tenantID), cut{status: status, routes: routes})
}

// cut is one staged cut-off.
type cut struct {
	status int
	routes []string // "GET /api.xro/2.0/Users"; empty: every accounting route
}

func (c cut) applies(r *http.Request) bool {
	if len(c.routes) == 0 {
		return true
	}
	return slices.Contains(c.routes, r.Method+" "+r.URL.Path)
}

// CutOffAfterConnections arms CutOff(tenantID, status) to happen once the
// next GET /connections has been answered, so a sync sees the tenant listed
// and then loses it.
func (s *Server) CutOffAfterConnections(tenantID string, status int, routes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cutOffArmed == nil {
		s.cutOffArmed = map[string]cut{}
	}
	s.cutOffArmed[strings.ToLower(tenantID)] = cut{status: status, routes: routes}
}

func (s *Server) setCutOffLocked(tenant string, c cut) {
	if s.cutOff == nil {
		s.cutOff = map[string]cut{}
	}
	if c.status == 0 {
		delete(s.cutOff, tenant)
		return
	}
	s.cutOff[tenant] = c
}

// connectionsServed applies the cut-offs armed for after a /connections
// answer.
func (s *Server) connectionsServed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for tenant, c := range s.cutOffArmed {
		s.setCutOffLocked(tenant, c)
	}
	s.cutOffArmed = nil
}

// answerCutOff answers a call for a cut-off tenant and reports whether it
// did.
func (s *Server) answerCutOff(w http.ResponseWriter, r *http.Request, tenantID string) bool {
	s.mu.Lock()
	c, ok := s.cutOff[strings.ToLower(tenantID)]
	s.mu.Unlock()
	if !ok || !c.applies(r) {
		return false
	}
	switch status := c.status; status {
	case http.StatusForbidden:
		writeProblem(w, status, "AuthenticationUnsuccessful")
	case http.StatusNotFound, http.StatusGone:
		fakeapi.WriteText(w, status, notFoundText)
	default:
		w.WriteHeader(c.status)
	}
	return true
}
