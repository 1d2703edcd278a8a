package connectortest

import (
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// Problems returns what is unsound in s: duplicate IDs, grants whose
// entitlement or principal is missing, entitlements whose resource is
// missing, resources whose parent is missing, resources of undeclared types.
func Problems(s *Snapshot) []string {
	var out []string
	out = append(out, s.Duplicates...)
	types := map[string]bool{}
	for _, t := range s.ResourceTypes {
		types[t] = true
	}
	for k, r := range s.Resources {
		if !types[r.Type] {
			out = append(out, fmt.Sprintf("resource %s has undeclared type %q", k, r.Type))
		}
		if r.Parent != "" {
			if _, ok := s.Resources[r.Parent]; !ok {
				out = append(out, fmt.Sprintf("resource %s has missing parent %s", k, r.Parent))
			}
		}
	}
	for id, e := range s.Entitlements {
		if _, ok := s.Resources[e.Resource]; !ok {
			out = append(out, fmt.Sprintf("entitlement %s is on missing resource %s", id, e.Resource))
		}
	}
	for k, g := range s.Grants {
		e, ok := s.Entitlements[g.Entitlement]
		if !ok {
			out = append(out, fmt.Sprintf("grant %s has missing entitlement", k))
		}
		if _, ok := s.Resources[g.Principal]; !ok {
			out = append(out, fmt.Sprintf("grant %s has missing principal", k))
		}
		if ok && len(e.GrantableTo) > 0 {
			ptype, _, _ := strings.Cut(g.Principal, "/")
			if !slices.Contains(e.GrantableTo, ptype) {
				out = append(out, fmt.Sprintf("grant %s: principal type %s is not grantable (want one of %v)", k, ptype, e.GrantableTo))
			}
		}
	}
	sort.Strings(out)
	return out
}

// Diff returns every difference between want and got, one line each.
func Diff(want, got *Snapshot) []string {
	var out []string
	if !reflect.DeepEqual(want.ResourceTypes, got.ResourceTypes) {
		out = append(out, fmt.Sprintf("resource types: got %v, want %v", got.ResourceTypes, want.ResourceTypes))
	}
	out = append(out, diffMaps("resource", want.Resources, got.Resources)...)
	out = append(out, diffMaps("entitlement", want.Entitlements, got.Entitlements)...)
	out = append(out, diffMaps("grant", want.Grants, got.Grants)...)
	sort.Strings(out)
	return out
}

func diffMaps[V any](kind string, want, got map[string]V) []string {
	var out []string
	for k, w := range want {
		g, ok := got[k]
		if !ok {
			out = append(out, fmt.Sprintf("%s %s: missing (want %+v)", kind, k, w))
			continue
		}
		if !reflect.DeepEqual(w, g) {
			out = append(out, fmt.Sprintf("%s %s: got %+v, want %+v", kind, k, g, w))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			out = append(out, fmt.Sprintf("%s %s: unexpected %+v", kind, k, g))
		}
	}
	return out
}

// maxReported bounds how many lines a failing check prints.
const maxReported = 40

// AssertConforms fails t unless got is sound and equals want exactly.
func AssertConforms(t testing.TB, want, got *Snapshot) {
	t.Helper()
	report(t, "unsound sync", Problems(got))
	report(t, "sync differs from the fake's dataset", Diff(want, got))
}

func report(t testing.TB, what string, lines []string) {
	t.Helper()
	if len(lines) == 0 {
		return
	}
	shown := lines
	if len(shown) > maxReported {
		shown = shown[:maxReported]
	}
	t.Errorf("%s: %d problem(s):\n  %s", what, len(lines), strings.Join(shown, "\n  "))
}

// Counts summarises a snapshot for logs and benchmarks.
func (s *Snapshot) Counts() string {
	by := map[string]int{}
	for _, r := range s.Resources {
		by[r.Type]++
	}
	keys := make([]string, 0, len(by))
	for k := range by {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys)+2)
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, by[k]))
	}
	parts = append(parts, fmt.Sprintf("entitlements=%d", len(s.Entitlements)), fmt.Sprintf("grants=%d", len(s.Grants)))
	return strings.Join(parts, " ")
}
