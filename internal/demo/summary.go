package demo

// summary.go: a sync in plain words, one screen.

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
)

// DefaultSamples is how many grants Print spells out.
const DefaultSamples = 5

// Name is a resource's display name, or its type/id when it has none.
func (s *Sync) Name(id *v2.ResourceId) string {
	if r := s.Resources[Key(id)]; r.GetDisplayName() != "" {
		return r.GetDisplayName()
	}
	return Key(id)
}

// EntitlementName is what an entitlement grants (its slug, else its
// display name, else its ID) and the resource it is on.
func (s *Sync) EntitlementName(ent *v2.Entitlement) (what, on string) {
	e := s.Entitlements[ent.GetId()]
	if e == nil {
		e = ent
	}
	what = e.GetSlug()
	if what == "" {
		what = e.GetDisplayName()
	}
	if what == "" {
		what = e.GetId()
	}
	return what, s.Name(e.GetResource().GetId())
}

// Describe is a grant in plain words: "Aroha Ngata holds Adviser in Kauri
// Digital".
func (s *Sync) Describe(g *v2.Grant) string {
	what, on := s.EntitlementName(g.GetEntitlement())
	return fmt.Sprintf("%s holds %s in %s", s.Name(g.GetPrincipal().GetId()), what, on)
}

// userTypes are the resource types with the user trait (people, as
// opposed to a role that includes a privilege); nil when none has it.
func (s *Sync) userTypes() map[string]bool {
	var out map[string]bool
	for _, rt := range s.ResourceTypes {
		if slices.Contains(rt.GetTraits(), v2.ResourceType_TRAIT_USER) {
			if out == nil {
				out = map[string]bool{}
			}
			out[rt.GetId()] = true
		}
	}
	return out
}

// Samples returns n grants in plain words, spread evenly over the sorted
// list so they show different principals and entitlements; grants to
// users only, when the connector marks some type as users.
func (s *Sync) Samples(n int) []string {
	users := s.userTypes()
	all := make([]string, 0, len(s.Grants))
	for _, g := range s.Grants {
		if users == nil || users[g.GetPrincipal().GetId().GetResourceType()] {
			all = append(all, s.Describe(g))
		}
	}
	sort.Strings(all)
	if len(all) <= n {
		return all
	}
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, all[i*len(all)/n])
	}
	return out
}

// Counts maps each resource type's display name (else ID), in the order
// the connector declares them, to its number of resources.
func (s *Sync) Counts() ([]string, map[string]int) {
	byType := map[string]int{}
	for _, r := range s.Resources {
		byType[r.GetId().GetResourceType()]++
	}
	var names []string
	out := map[string]int{}
	for _, rt := range s.ResourceTypes {
		n := rt.GetDisplayName()
		if n == "" {
			n = rt.GetId()
		}
		names = append(names, n)
		out[n] = byType[rt.GetId()]
	}
	return names, out
}

// Print writes the summary: counts per resource type, entitlements and
// grants, then samples grants in plain words.
func (s *Sync) Print(w io.Writer, samples int) error {
	names, counts := s.Counts()
	width := len("entitlements")
	for _, n := range names {
		width = max(width, len(n))
	}
	var err error
	pr := func(format string, args ...any) {
		if err == nil {
			_, err = fmt.Fprintf(w, format, args...)
		}
	}
	for _, n := range names {
		pr("  %-*s %6d\n", width, n, counts[n])
	}
	pr("  %-*s %6d\n", width, "entitlements", len(s.Entitlements))
	pr("  %-*s %6d\n", width, "grants", len(s.Grants))
	if samples > 0 && len(s.Grants) > 0 {
		pr("  for example:\n")
		for _, d := range s.Samples(samples) {
			pr("    %s\n", d)
		}
	}
	return err
}

// OneLine is the counts on one line: "12 Collaborator, 9 Role; 344
// entitlements, 580 grants".
func (s *Sync) OneLine() string {
	names, counts := s.Counts()
	parts := make([]string, 0, len(names))
	for _, n := range names {
		parts = append(parts, fmt.Sprintf("%d %s", counts[n], n))
	}
	return fmt.Sprintf("%s; %d entitlements, %d grants", strings.Join(parts, ", "), len(s.Entitlements), len(s.Grants))
}
