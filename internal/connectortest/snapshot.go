package connectortest

import (
	"context"
	"fmt"
	"sort"
	"strings"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
)

// Resource is what the suite compares of a synced resource.
type Resource struct {
	Type, ID    string
	Parent      string // "type/id" of the parent, or ""
	DisplayName string
	Status      string            // "enabled", "disabled", ... or "" when unset
	Profile     map[string]string // every profile value, printed with %v
}

// Key is "type/id", the way resources are keyed in a Snapshot.
func (r Resource) Key() string { return r.Type + "/" + r.ID }

// Entitlement is what the suite compares of a synced entitlement.
type Entitlement struct {
	ID          string // type:id:slug, as baton-sdk builds it
	Resource    string // "type/id"
	DisplayName string
	GrantableTo []string // resource type IDs, sorted
}

// Grant is what the suite compares of a synced grant.
type Grant struct {
	Entitlement string // entitlement ID
	Principal   string // "type/id"
}

// Key identifies a grant by what it grants to whom.
func (g Grant) Key() string { return g.Entitlement + " -> " + g.Principal }

// Snapshot is the content of one sync.
type Snapshot struct {
	ResourceTypes []string // sorted
	Resources     map[string]Resource
	Entitlements  map[string]Entitlement
	Grants        map[string]Grant
	// Duplicates lists IDs seen more than once while reading.
	Duplicates []string
}

// NewSnapshot returns an empty snapshot to fill with expected content.
func NewSnapshot() *Snapshot {
	return &Snapshot{Resources: map[string]Resource{}, Entitlements: map[string]Entitlement{}, Grants: map[string]Grant{}}
}

// AddResource adds r, recording a duplicate if its key is taken.
func (s *Snapshot) AddResource(r Resource) {
	if _, ok := s.Resources[r.Key()]; ok {
		s.Duplicates = append(s.Duplicates, "resource "+r.Key())
	}
	s.Resources[r.Key()] = r
}

// AddEntitlement adds e, recording a duplicate if its ID is taken.
func (s *Snapshot) AddEntitlement(e Entitlement) {
	if _, ok := s.Entitlements[e.ID]; ok {
		s.Duplicates = append(s.Duplicates, "entitlement "+e.ID)
	}
	sort.Strings(e.GrantableTo)
	s.Entitlements[e.ID] = e
}

// AddGrant adds g, recording a duplicate if the same grant is there.
func (s *Snapshot) AddGrant(g Grant) {
	if _, ok := s.Grants[g.Key()]; ok {
		s.Duplicates = append(s.Duplicates, "grant "+g.Key())
	}
	s.Grants[g.Key()] = g
}

// ReadC1Z reads the latest finished sync of the c1z at path with
// baton-sdk's reader (either storage engine).
func ReadC1Z(ctx context.Context, path string) (*Snapshot, error) {
	st, err := readStored(ctx, path)
	if err != nil {
		return nil, err
	}
	s := NewSnapshot()
	for _, rt := range st.resourceTypes {
		s.ResourceTypes = append(s.ResourceTypes, rt.GetId())
	}
	sort.Strings(s.ResourceTypes)
	for _, r := range st.resources {
		s.AddResource(resourceOf(r))
	}
	for _, e := range st.entitlements {
		var to []string
		for _, rt := range e.GetGrantableTo() {
			to = append(to, rt.GetId())
		}
		s.AddEntitlement(Entitlement{
			ID:          e.GetId(),
			Resource:    idKey(e.GetResource().GetId()),
			DisplayName: e.GetDisplayName(),
			GrantableTo: to,
		})
	}
	for _, g := range st.grants {
		s.AddGrant(Grant{Entitlement: g.GetEntitlement().GetId(), Principal: idKey(g.GetPrincipal().GetId())})
	}
	return s, nil
}

func idKey(id *v2.ResourceId) string {
	if id == nil {
		return ""
	}
	return id.GetResourceType() + "/" + id.GetResource()
}

func resourceOf(r *v2.Resource) Resource {
	out := Resource{
		Type:        r.GetId().GetResourceType(),
		ID:          r.GetId().GetResource(),
		Parent:      idKey(r.GetParentResourceId()),
		DisplayName: r.GetDisplayName(),
		Profile:     map[string]string{},
	}
	if st := r.GetStatus(); st != nil && st.GetStatus() != v2.Status_RESOURCE_STATUS_UNSPECIFIED {
		out.Status = strings.ToLower(strings.TrimPrefix(st.GetStatus().String(), "RESOURCE_STATUS_"))
	}
	if p := resource.GetProfile(r); p != nil {
		for k, v := range p.AsMap() {
			out.Profile[k] = fmt.Sprint(v)
		}
	}
	return out
}
