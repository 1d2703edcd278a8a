package sbom

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

func TestForBinary(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	created := time.Unix(1700000000, 0)
	doc, err := ForBinary(exe, "baton-test", "v9.9.9", "https://example.com/spdx/", created)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		got, want string
	}{
		{"spdxVersion", doc.SPDXVersion, "SPDX-2.3"},
		{"name", doc.Name, "baton-test-v9.9.9"},
		{"created", doc.CreationInfo.Created, "2023-11-14T22:13:20Z"},
		{"main package", doc.Packages[0].Name, "baton-test"},
		{"main purl", doc.Packages[0].ExternalRefs[0].ReferenceLocator, "pkg:golang/github.com/accessgov/baton-connectors/deploy@v9.9.9"},
		{"toolchain package", doc.Packages[1].Name, "go"},
		{"describes", doc.Relationships[0].RelationshipType + " " + doc.Relationships[0].RelatedSPDXElement, "DESCRIBES SPDXRef-Package-main"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if !strings.HasPrefix(doc.DocumentNamespace, "https://example.com/spdx/baton-test/v9.9.9/") {
		t.Errorf("documentNamespace: got %q, want it under https://example.com/spdx/baton-test/v9.9.9/", doc.DocumentNamespace)
	}
	if got, want := len(doc.Relationships), len(doc.Packages); got != want {
		t.Errorf("relationships: got %d, want %d (DESCRIBES + one DEPENDS_ON per other package)", got, want)
	}
	if c := doc.Packages[0].Checksums; len(c) != 1 || len(c[0].ChecksumValue) != 64 {
		t.Errorf("main checksum: got %v, want one SHA256", c)
	}
	ids := map[string]bool{}
	for _, p := range doc.Packages {
		if ids[p.SPDXID] {
			t.Errorf("duplicate SPDXID %s", p.SPDXID)
		}
		ids[p.SPDXID] = true
	}
	b, err := doc.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("JSON does not parse back: %v", err)
	}
	again, _ := ForBinary(exe, "baton-test", "v9.9.9", "https://example.com/spdx/", created)
	b2, _ := again.JSON()
	if string(b) != string(b2) {
		t.Error("two documents for the same binary differ, want identical")
	}
}

func TestForBinary_NotGo(t *testing.T) {
	p := t.TempDir() + "/not-a-binary"
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := ForBinary(p, "x", "v1", "https://example.com", time.Unix(0, 0)); err == nil {
		t.Fatal("got no error for a file that is not a Go binary, want one")
	}
}
