// This file holds the golden dump of a sync: the resource model as a
// normalised, sorted JSON document that a reviewer reads in one file, and
// the comparison of a run with the reviewed copy under testdata/.
package connectortest

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// update makes Golden rewrite the golden files instead of comparing:
// go test ./... -run TestGolden -update.
var update = flag.Bool("update", false, "rewrite golden files under testdata/ with what the test produced")

// DumpOption changes what Dump keeps.
type DumpOption func(*dumpConfig)

type dumpConfig struct {
	dropProfile map[string]bool
}

// WithoutProfileKeys leaves the named profile keys out of the dump: values
// that change run to run (a timestamp the fake stamps on each run, a
// generated ID).
func WithoutProfileKeys(keys ...string) DumpOption {
	return func(c *dumpConfig) {
		for _, k := range keys {
			c.dropProfile[k] = true
		}
	}
}

// dump is the golden document. Sync IDs, timestamps of the run and the
// order in which the connector emitted things are not in it.
type dump struct {
	ResourceTypes []string          `json:"resource_types"`
	Resources     []dumpResource    `json:"resources"`
	Entitlements  []dumpEntitlement `json:"entitlements"`
	Grants        []string          `json:"grants"` // "entitlement -> type/id"
}

type dumpResource struct {
	Resource    string            `json:"resource"` // "type/id"
	Parent      string            `json:"parent,omitempty"`
	DisplayName string            `json:"display_name"`
	Status      string            `json:"status,omitempty"`
	Profile     map[string]string `json:"profile,omitempty"` // encoding/json sorts the keys
}

type dumpEntitlement struct {
	ID          string   `json:"id"`
	Resource    string   `json:"resource"`
	DisplayName string   `json:"display_name"`
	GrantableTo []string `json:"grantable_to,omitempty"`
}

// Dump renders s as the golden document: indented JSON, every list sorted
// (resources by "type/id", entitlements by ID, grants by entitlement then
// principal), ending in a newline.
func Dump(s *Snapshot, opts ...DumpOption) ([]byte, error) {
	cfg := dumpConfig{dropProfile: map[string]bool{}}
	for _, o := range opts {
		o(&cfg)
	}
	d := dump{
		ResourceTypes: append([]string{}, s.ResourceTypes...),
		Resources:     []dumpResource{},
		Entitlements:  []dumpEntitlement{},
		Grants:        []string{},
	}
	sort.Strings(d.ResourceTypes)
	for _, r := range s.Resources {
		dr := dumpResource{Resource: r.Key(), Parent: r.Parent, DisplayName: r.DisplayName, Status: r.Status}
		for k, v := range r.Profile {
			if cfg.dropProfile[k] {
				continue
			}
			if dr.Profile == nil {
				dr.Profile = map[string]string{}
			}
			dr.Profile[k] = v
		}
		d.Resources = append(d.Resources, dr)
	}
	sort.Slice(d.Resources, func(i, j int) bool { return d.Resources[i].Resource < d.Resources[j].Resource })
	for _, e := range s.Entitlements {
		to := append([]string(nil), e.GrantableTo...)
		sort.Strings(to)
		d.Entitlements = append(d.Entitlements, dumpEntitlement{ID: e.ID, Resource: e.Resource, DisplayName: e.DisplayName, GrantableTo: to})
	}
	sort.Slice(d.Entitlements, func(i, j int) bool { return d.Entitlements[i].ID < d.Entitlements[j].ID })
	for _, g := range s.Grants {
		d.Grants = append(d.Grants, g.Key())
	}
	sort.Strings(d.Grants)

	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("golden dump: %w", err)
	}
	return b.Bytes(), nil
}

// DumpC1Z reads the latest finished sync of the c1z at path (see ReadC1Z)
// and renders it with Dump.
func DumpC1Z(ctx context.Context, path string, opts ...DumpOption) ([]byte, error) {
	s, err := ReadC1Z(ctx, path)
	if err != nil {
		return nil, err
	}
	return Dump(s, opts...)
}

// Golden compares got with the file at path (conventionally
// testdata/<name>.golden.json) and fails t on any difference, naming the
// first differing line. With -update it writes got to path instead.
func Golden(t testing.TB, got []byte, path string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			t.Fatalf("golden: %v", err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("golden: %v", err)
		}
		t.Logf("golden: wrote %s", path)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden: %v (run the test with -update to create it)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	t.Errorf("golden %s: %s\n(review the change, then run the test with -update to accept it)", path, firstDifference(string(got), string(want)))
}

// firstDifference describes the first line where got and want differ.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d: got %q, want %q", i+1, gl, wl)
		}
	}
	return "they differ"
}
