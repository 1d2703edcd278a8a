package connectortest

import (
	"strings"
	"testing"
)

func sound() *Snapshot {
	s := NewSnapshot()
	s.ResourceTypes = []string{"org", "user"}
	s.AddResource(Resource{Type: "org", ID: "o1", DisplayName: "Org"})
	s.AddResource(Resource{Type: "user", ID: "u1", Parent: "org/o1", DisplayName: "U"})
	s.AddEntitlement(Entitlement{ID: "org:o1:member", Resource: "org/o1", GrantableTo: []string{"user"}})
	s.AddGrant(Grant{Entitlement: "org:o1:member", Principal: "user/u1"})
	return s
}

func TestProblems(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *Snapshot)
		want   string // a substring of the only problem, or "" for none
	}{
		{name: "sound", mutate: func(*Snapshot) {}},
		{name: "duplicate resource", mutate: func(s *Snapshot) { s.AddResource(Resource{Type: "org", ID: "o1"}) }, want: "resource org/o1"},
		{name: "missing parent", mutate: func(s *Snapshot) { s.AddResource(Resource{Type: "user", ID: "u2", Parent: "org/gone"}) }, want: "missing parent org/gone"},
		{name: "undeclared type", mutate: func(s *Snapshot) { s.AddResource(Resource{Type: "role", ID: "r"}) }, want: `undeclared type "role"`},
		{name: "entitlement on missing resource", mutate: func(s *Snapshot) {
			s.AddEntitlement(Entitlement{ID: "org:o9:member", Resource: "org/o9"})
		}, want: "missing resource org/o9"},
		{name: "grant of missing entitlement", mutate: func(s *Snapshot) {
			s.AddGrant(Grant{Entitlement: "org:o1:admin", Principal: "user/u1"})
		}, want: "missing entitlement"},
		{name: "grant to missing principal", mutate: func(s *Snapshot) {
			s.AddGrant(Grant{Entitlement: "org:o1:member", Principal: "user/u9"})
		}, want: "missing principal"},
		{name: "grant to a type not grantable", mutate: func(s *Snapshot) {
			s.AddGrant(Grant{Entitlement: "org:o1:member", Principal: "org/o1"})
		}, want: "not grantable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sound()
			tt.mutate(s)
			got := Problems(s)
			if tt.want == "" {
				if len(got) != 0 {
					t.Fatalf("Problems: got %v, want none", got)
				}
				return
			}
			if len(got) != 1 || !strings.Contains(got[0], tt.want) {
				t.Fatalf("Problems: got %v, want one containing %q", got, tt.want)
			}
		})
	}
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(s *Snapshot)
		want   string
	}{
		{name: "equal", mutate: func(*Snapshot) {}},
		{name: "missing grant", mutate: func(s *Snapshot) { delete(s.Grants, "org:o1:member -> user/u1") }, want: "missing"},
		{name: "extra resource", mutate: func(s *Snapshot) { s.AddResource(Resource{Type: "user", ID: "u2"}) }, want: "unexpected"},
		{name: "changed profile", mutate: func(s *Snapshot) {
			r := s.Resources["user/u1"]
			r.Profile = map[string]string{"email": "x@example.com"}
			s.Resources["user/u1"] = r
		}, want: "got"},
		{name: "resource types", mutate: func(s *Snapshot) { s.ResourceTypes = []string{"org"} }, want: "resource types"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sound()
			tt.mutate(got)
			diff := Diff(sound(), got)
			if tt.want == "" {
				if len(diff) != 0 {
					t.Fatalf("Diff: got %v, want none", diff)
				}
				return
			}
			if len(diff) != 1 || !strings.Contains(diff[0], tt.want) {
				t.Fatalf("Diff: got %v, want one line containing %q", diff, tt.want)
			}
		})
	}
}
