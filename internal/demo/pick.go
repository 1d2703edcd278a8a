package demo

// pick.go: a grant worth asking for, built from a real sync: an
// entitlement on a resource type the connector can provision, that some
// principal already holds, and a principal of the same type who does not.

import (
	"sort"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
)

// Candidate is one grant to ask for.
type Candidate struct {
	Entitlement *v2.Entitlement
	Principal   *v2.Resource
}

// GrantCandidates returns, one per entitlement and in a stable order
// (entitlements with the most holders first), an entitlement on one of
// provisionable (resource type IDs) and the first principal, by name, of
// the type its holders have who does not hold it yet. When the connector
// marks some resource types as users, only their grants count.
func (s *Sync) GrantCandidates(provisionable []string) []Candidate {
	okType := map[string]bool{}
	for _, t := range provisionable {
		okType[t] = true
	}
	users := s.userTypes()
	holders := map[string]map[string]bool{} // entitlement ID -> principal keys
	principalType := map[string]string{}    // entitlement ID -> a holder's type
	for _, g := range s.Grants {
		if users != nil && !users[g.GetPrincipal().GetId().GetResourceType()] {
			continue // a role including a privilege, not a person's access
		}
		eid := g.GetEntitlement().GetId()
		if holders[eid] == nil {
			holders[eid] = map[string]bool{}
		}
		holders[eid][Key(g.GetPrincipal().GetId())] = true
		principalType[eid] = g.GetPrincipal().GetId().GetResourceType()
	}
	var eids []string
	for eid := range holders {
		e := s.Entitlements[eid]
		if e != nil && okType[e.GetResource().GetId().GetResourceType()] {
			eids = append(eids, eid)
		}
	}
	sort.Slice(eids, func(i, j int) bool {
		if a, b := len(holders[eids[i]]), len(holders[eids[j]]); a != b {
			return a > b
		}
		return eids[i] < eids[j]
	})
	var principals []*v2.Resource
	for _, r := range s.Resources {
		principals = append(principals, r)
	}
	sort.Slice(principals, func(i, j int) bool {
		if a, b := principals[i].GetDisplayName(), principals[j].GetDisplayName(); a != b {
			return a < b
		}
		return Key(principals[i].GetId()) < Key(principals[j].GetId())
	})
	var out []Candidate
	for _, eid := range eids {
		for _, p := range principals {
			if p.GetId().GetResourceType() == principalType[eid] && !holders[eid][Key(p.GetId())] {
				out = append(out, Candidate{Entitlement: s.Entitlements[eid], Principal: p})
				break
			}
		}
	}
	return out
}
