package fakeapi

import (
	"net/http"
	"strings"

	"github.com/accessgov/baton-connectors/internal/accounting"
)

// Router is an http.ServeMux (Go 1.22 patterns such as
// "GET /api.xro/2.0/Users/{id}") that, for every request:
//
//  1. records it in its accounting.Recorder under the method and the path
//     of the matched pattern ("/api.xro/2.0/Users/{id}"), or the raw path
//     when nothing matched;
//  2. applies the first matching scripted Fault, if any;
//  3. runs the handler.
//
// Routes registered with HandleFold also match paths that differ only in
// letter case. Register every route before serving.
type Router struct {
	mux      *http.ServeMux
	fold     *http.ServeMux
	hasFold  bool
	rec      *accounting.Recorder
	faults   *Faults
	notFound http.HandlerFunc
}

// RouterOption configures a Router.
type RouterOption func(*Router)

// WithRecorder makes the Router count into rec instead of a new Recorder.
func WithRecorder(rec *accounting.Recorder) RouterOption {
	return func(rt *Router) { rt.rec = rec }
}

// WithFaults makes the Router take faults from f instead of a new script.
func WithFaults(f *Faults) RouterOption {
	return func(rt *Router) { rt.faults = f }
}

// WithNotFound answers unmatched paths with h instead of the ServeMux's
// "404 page not found". A path that matches with another method still gets
// the ServeMux's 405.
func WithNotFound(h http.HandlerFunc) RouterOption {
	return func(rt *Router) { rt.notFound = h }
}

// NewRouter returns an empty Router.
func NewRouter(opts ...RouterOption) *Router {
	rt := &Router{mux: http.NewServeMux(), fold: http.NewServeMux()}
	for _, o := range opts {
		o(rt)
	}
	if rt.rec == nil {
		rt.rec = &accounting.Recorder{}
	}
	if rt.faults == nil {
		rt.faults = &Faults{}
	}
	return rt
}

// Recorder returns the request counts.
func (rt *Router) Recorder() *accounting.Recorder { return rt.rec }

// Faults returns the fault script.
func (rt *Router) Faults() *Faults { return rt.faults }

// Handle registers h for pattern. The path must match exactly (letter case
// included), as with http.ServeMux.
func (rt *Router) Handle(pattern string, h http.HandlerFunc) {
	rt.mux.Handle(pattern, rt.wrap(patternPath(pattern), h))
}

// HandleFold registers h for pattern matched without regard to letter case,
// for vendors whose paths are case-insensitive (Xero's /connections versus
// /Connections). Requests are counted under pattern as written here. The
// path is lower-cased before matching, so wildcard values reach h
// lower-cased as well; compare them case-insensitively.
func (rt *Router) HandleFold(pattern string, h http.HandlerFunc) {
	method, path := splitPattern(pattern)
	lowered := strings.ToLower(path)
	if method != "" {
		lowered = method + " " + lowered
	}
	rt.fold.Handle(lowered, rt.wrap(patternPath(pattern), h))
	rt.hasFold = true
}

// ServeHTTP dispatches r.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if _, pattern := rt.mux.Handler(r); pattern != "" {
		rt.mux.ServeHTTP(w, r)
		return
	}
	lr := r.Clone(r.Context())
	lr.URL.Path = strings.ToLower(r.URL.Path)
	lr.URL.RawPath = ""
	if rt.hasFold {
		if _, pattern := rt.fold.Handler(lr); pattern != "" {
			rt.fold.ServeHTTP(w, lr)
			return
		}
	}
	rt.rec.Add(r.Method, r.URL.Path)
	switch {
	case pathKnown(rt.mux, r):
		rt.mux.ServeHTTP(w, r) // 405
	case rt.hasFold && pathKnown(rt.fold, lr):
		rt.fold.ServeHTTP(w, lr) // 405
	case rt.notFound != nil:
		rt.notFound(w, r)
	default:
		http.NotFound(w, r)
	}
}

// pathKnown reports whether mux has a pattern for r's path with some other
// method, that is, whether it would answer 405 rather than 404.
func pathKnown(mux *http.ServeMux, r *http.Request) bool {
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, p := mux.Handler(probe); p != "" {
			return true
		}
	}
	return false
}

func (rt *Router) wrap(path string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt.rec.Add(r.Method, path)
		if f, ok := rt.faults.Take(r.Method, path); ok && f.Serve(w, r) {
			return
		}
		h(w, r)
	})
}

// splitPattern splits "GET host/path" into "GET" and "host/path".
func splitPattern(pattern string) (method, rest string) {
	pattern = strings.TrimSpace(pattern)
	if m, rest, ok := strings.Cut(pattern, " "); ok {
		return m, strings.TrimSpace(rest)
	}
	return "", pattern
}

// patternPath returns the path of a ServeMux pattern, without method or
// host: "GET example.com/a/{id}" gives "/a/{id}".
func patternPath(pattern string) string {
	_, rest := splitPattern(pattern)
	if i := strings.IndexByte(rest, '/'); i > 0 {
		return rest[i:]
	}
	return rest
}
