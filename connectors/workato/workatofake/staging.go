package workatofake

// Staging: races and answers a real workspace can give but a test cannot
// time by hand (a collaborator removed mid-sync, another administrator's
// change during a grant, an answer lost after the change was applied, a
// list paged or totalled differently), switched on by Options.

import (
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
)

// RaceOnUpdate stages another administrator changing a collaborator's role
// around the first PUT /api/members/:id to that collaborator.
type RaceOnUpdate struct {
	MemberID int
	// The other administrator's change: the role in Env (NoAccess
	// removes it; RoleType "" is privilege_group).
	Env, RoleName, RoleType string
	// After makes the change right after the PUT was applied; by default it
	// is made just before the PUT is handled.
	After bool
	// Status, if not 0, answers the PUT with this status (e.g. 500) without
	// applying it, after the change.
	Status int
}

// staging is the once-only state of the staged races.
type staging struct {
	mu        sync.Mutex
	vanished  bool
	raced     bool
	lostFirst map[string]bool // route → first answer already lost
}

// vanishAfterListLocked deletes the members Options.VanishAfterList names,
// once, as if they were removed right after the list was served.
func (s *Server) vanishAfterListLocked() {
	s.staged.mu.Lock()
	done := s.staged.vanished
	s.staged.vanished = true
	s.staged.mu.Unlock()
	if done {
		return
	}
	for _, id := range s.opts.VanishAfterList {
		if i := slices.IndexFunc(s.ws.Members, func(m Member) bool { return m.ID == id }); i >= 0 {
			s.deleteMemberLocked(i)
		}
	}
}

// raceLocked returns the staged race for a PUT to member id, once.
func (s *Server) raceLocked(id int) *RaceOnUpdate {
	rc := s.opts.RaceOnUpdate
	if rc == nil || rc.MemberID != id {
		return nil
	}
	s.staged.mu.Lock()
	defer s.staged.mu.Unlock()
	if s.staged.raced {
		return nil
	}
	s.staged.raced = true
	return rc
}

// applyRaceLocked makes the other administrator's change to m.
func (s *Server) applyRaceLocked(m *Member, rc *RaceOnUpdate) {
	rt := rc.RoleType
	if rt == "" && rc.RoleName != NoAccess {
		rt = RoleTypeLegacy
	}
	s.applyRolesLocked(m, []EnvRole{{Env: rc.Env, Name: rc.RoleName, RoleType: rt}})
}

// stage wraps a handler with the answers Options stages for its route: the
// first answer lost after the handler ran (LoseFirstAnswer), or an empty
// 204 instead of the handler's 2xx body (EmptyAnswer).
func (s *Server) stage(route string, h http.HandlerFunc) http.HandlerFunc {
	lose := slices.Contains(s.opts.LoseFirstAnswer, route)
	empty := slices.Contains(s.opts.EmptyAnswer, route)
	if !lose && !empty {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h(rec, r)
		if lose {
			s.staged.mu.Lock()
			first := !s.staged.lostFirst[route]
			if s.staged.lostFirst == nil {
				s.staged.lostFirst = map[string]bool{}
			}
			s.staged.lostFirst[route] = true
			s.staged.mu.Unlock()
			if first {
				dropConnection(w)
				return
			}
		}
		if empty && rec.Code >= 200 && rec.Code < 300 {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}
}

// dropConnection closes the client's connection without an answer (a TCP
// reset where possible).
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		_ = tcp.SetLinger(0)
	}
	_ = conn.Close()
}

// pageNumber is the page a paged list serves: the asked one, or 1 when
// Options.IgnorePage stages a server that ignores it.
func (s *Server) pageNumber(r *http.Request, key string) int {
	if s.opts.IgnorePage {
		return 1
	}
	return queryInt(r, key)
}
