// Package accounting counts HTTP requests by method and route. The shared
// HTTP client records every attempt it sends and the fake vendor APIs record
// every request they serve, so tests and benchmarks can compare a sync's
// real request count with the lower bound the vendor documentation gives.
//
// A Recorder is safe for concurrent use. The zero value is ready to use.
package accounting

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Recorder counts requests keyed by "METHOD route".
type Recorder struct {
	mu     sync.Mutex
	counts map[string]int
}

// Add counts one request. route should be a template ("/Users",
// "/api/members/{id}") rather than a concrete path, so counts aggregate.
func (r *Recorder) Add(method, route string) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.counts == nil {
		r.counts = make(map[string]int)
	}
	r.counts[Key(method, route)]++
}

// Key joins a method and a route the way Recorder keys its counts.
func Key(method, route string) string {
	return strings.ToUpper(method) + " " + route
}

// Count returns how many requests were recorded for method and route.
func (r *Recorder) Count(method, route string) int {
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.counts[Key(method, route)]
}

// Total returns the number of requests recorded across all routes.
func (r *Recorder) Total() int {
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.counts {
		n += c
	}
	return n
}

// Snapshot returns a copy of the counts.
func (r *Recorder) Snapshot() map[string]int {
	out := make(map[string]int)
	if r == nil {
		return out
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for k, v := range r.counts {
		out[k] = v
	}
	return out
}

// Reset forgets every count.
func (r *Recorder) Reset() {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.counts = nil
}

// String renders the counts one per line, sorted by key, for logs and
// benchmark output.
func (r *Recorder) String() string {
	snap := r.Snapshot()
	keys := make([]string, 0, len(snap))
	for k := range snap {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%6d %s\n", snap[k], k)
	}
	return b.String()
}
