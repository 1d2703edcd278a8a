package connectortest

// c1zprotos.go: the objects of a c1z as baton-sdk stored them (the protos
// themselves, not the comparable summary of Snapshot), for tests that hand
// them back to the connector, such as a service-mode grant task built from
// a real entitlement and principal.

import (
	"context"
	"testing"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
)

// Protos are the resources, entitlements and grants of one sync, keyed
// like a Snapshot's (Resource.Key, entitlement ID, Grant.Key).
type Protos struct {
	Resources    map[string]*v2.Resource
	Entitlements map[string]*v2.Entitlement
	Grants       map[string]*v2.Grant
}

// ReadProtos reads the latest finished sync of the c1z at path.
func ReadProtos(ctx context.Context, path string) (*Protos, error) {
	st, err := readStored(ctx, path)
	if err != nil {
		return nil, err
	}
	p := &Protos{Resources: map[string]*v2.Resource{}, Entitlements: map[string]*v2.Entitlement{}, Grants: map[string]*v2.Grant{}}
	for _, r := range st.resources {
		p.Resources[idKey(r.GetId())] = r
	}
	for _, e := range st.entitlements {
		p.Entitlements[e.GetId()] = e
	}
	for _, g := range st.grants {
		p.Grants[Grant{Entitlement: g.GetEntitlement().GetId(), Principal: idKey(g.GetPrincipal().GetId())}.Key()] = g
	}
	return p, nil
}

// MustReadProtos is ReadProtos failing t on error.
func MustReadProtos(t testing.TB, path string) *Protos {
	t.Helper()
	p, err := ReadProtos(context.Background(), path)
	if err != nil {
		t.Fatalf("read c1z: %v", err)
	}
	return p
}
