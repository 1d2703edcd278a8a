package demo

import (
	"bytes"
	"strings"
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
)

func rid(typ, id string) *v2.ResourceId {
	return v2.ResourceId_builder{ResourceType: typ, Resource: id}.Build()
}

// fixture: an org with two roles, three users; Aroha holds Adviser, Ben
// holds Adviser and Standard. As a Pebble c1z stores grants: IDs only.
func fixture() *Sync {
	s := &Sync{
		ResourceTypes: []*v2.ResourceType{
			v2.ResourceType_builder{Id: "org", DisplayName: "Organisation"}.Build(),
			v2.ResourceType_builder{Id: "user", DisplayName: "User", Traits: []v2.ResourceType_Trait{v2.ResourceType_TRAIT_USER}}.Build(),
		},
		Resources:    map[string]*v2.Resource{},
		Entitlements: map[string]*v2.Entitlement{},
	}
	for _, r := range []*v2.Resource{
		v2.Resource_builder{Id: rid("org", "o1"), DisplayName: "Kauri Digital"}.Build(),
		v2.Resource_builder{Id: rid("user", "u1"), DisplayName: "Aroha Ngata"}.Build(),
		v2.Resource_builder{Id: rid("user", "u2"), DisplayName: "Ben Smith"}.Build(),
		v2.Resource_builder{Id: rid("user", "u3"), DisplayName: "Chloe Wu"}.Build(),
	} {
		s.Resources[Key(r.GetId())] = r
	}
	org := v2.Resource_builder{Id: rid("org", "o1")}.Build()
	for _, e := range []*v2.Entitlement{
		v2.Entitlement_builder{Id: "org:o1:adviser", Slug: "Adviser", DisplayName: "Kauri Digital Adviser", Resource: org}.Build(),
		v2.Entitlement_builder{Id: "org:o1:standard", DisplayName: "Standard", Resource: org}.Build(),
	} {
		s.Entitlements[e.GetId()] = e
	}
	grant := func(ent, user string) *v2.Grant {
		return v2.Grant_builder{
			Entitlement: v2.Entitlement_builder{Id: ent, Resource: org}.Build(),
			Principal:   v2.Resource_builder{Id: rid("user", user)}.Build(),
		}.Build()
	}
	// The org itself holding Standard is not a person's access: samples
	// and candidates leave it out.
	byOrg := v2.Grant_builder{
		Entitlement: v2.Entitlement_builder{Id: "org:o1:standard", Resource: org}.Build(),
		Principal:   org,
	}.Build()
	s.Grants = []*v2.Grant{grant("org:o1:adviser", "u1"), grant("org:o1:adviser", "u2"), grant("org:o1:standard", "u2"), byOrg}
	return s
}

func TestSync_Describe(t *testing.T) {
	s := fixture()
	tests := []struct {
		grant int
		want  string
	}{
		{0, "Aroha Ngata holds Adviser in Kauri Digital"}, // the slug, names joined by ID
		{2, "Ben Smith holds Standard in Kauri Digital"},  // no slug: the display name
	}
	for _, tt := range tests {
		if got := s.Describe(s.Grants[tt.grant]); got != tt.want {
			t.Errorf("Describe(grant %d): got %q, want %q", tt.grant, got, tt.want)
		}
	}
	unknown := v2.Grant_builder{
		Entitlement: v2.Entitlement_builder{Id: "x", Resource: v2.Resource_builder{Id: rid("org", "gone")}.Build()}.Build(),
		Principal:   v2.Resource_builder{Id: rid("user", "u9")}.Build(),
	}.Build()
	if got, want := s.Describe(unknown), "user/u9 holds x in org/gone"; got != want {
		t.Errorf("Describe(unknown names): got %q, want %q", got, want)
	}
}

func TestSync_Samples(t *testing.T) {
	s := fixture()
	tests := []struct {
		n    int
		want []string
	}{
		{1, []string{"Aroha Ngata holds Adviser in Kauri Digital"}},
		{2, []string{"Aroha Ngata holds Adviser in Kauri Digital", "Ben Smith holds Adviser in Kauri Digital"}},
		{5, []string{"Aroha Ngata holds Adviser in Kauri Digital", "Ben Smith holds Adviser in Kauri Digital", "Ben Smith holds Standard in Kauri Digital"}},
	}
	for _, tt := range tests {
		if got := s.Samples(tt.n); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Samples(%d): got %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestSync_Print(t *testing.T) {
	var b bytes.Buffer
	if err := fixture().Print(&b, 1); err != nil {
		t.Fatal(err)
	}
	want := "  Organisation      1\n  User              3\n  entitlements      2\n  grants            4\n" +
		"  for example:\n    Aroha Ngata holds Adviser in Kauri Digital\n"
	if got := b.String(); got != want {
		t.Errorf("Print: got\n%s\nwant\n%s", got, want)
	}
}

func TestSync_GrantCandidates(t *testing.T) {
	s := fixture()
	tests := []struct {
		name          string
		provisionable []string
		want          []string // entitlement -> principal
	}{
		{"nothing provisionable", nil, nil},
		{"another type", []string{"user"}, nil},
		// Adviser has two holders, so it comes first; Chloe is the first
		// user by name without it. Standard: Aroha.
		{"org", []string{"org"}, []string{"org:o1:adviser -> user/u3", "org:o1:standard -> user/u1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range s.GrantCandidates(tt.provisionable) {
				got = append(got, c.Entitlement.GetId()+" -> "+Key(c.Principal.GetId()))
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("GrantCandidates(%v): got %v, want %v", tt.provisionable, got, tt.want)
			}
		})
	}
}

func TestSync_OneLine(t *testing.T) {
	if got, want := fixture().OneLine(), "1 Organisation, 3 User; 2 entitlements, 4 grants"; got != want {
		t.Errorf("OneLine: got %q, want %q", got, want)
	}
}
