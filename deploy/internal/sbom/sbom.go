// Package sbom writes an SPDX 2.3 (JSON) software bill of materials for a Go
// binary from the module information the Go linker embeds in it: the main
// module, every dependency module with its version and checksum, and the Go
// toolchain. It needs no network and gives the same document for the same
// binary and inputs.
//
// Only the imagebuild command and the deploy module's tests import it.
package sbom

import (
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"
)

// Document is the part of SPDX 2.3 this package writes.
type Document struct {
	SPDXVersion       string         `json:"spdxVersion"`
	DataLicense       string         `json:"dataLicense"`
	SPDXID            string         `json:"SPDXID"`
	Name              string         `json:"name"`
	DocumentNamespace string         `json:"documentNamespace"`
	CreationInfo      CreationInfo   `json:"creationInfo"`
	Packages          []Package      `json:"packages"`
	Relationships     []Relationship `json:"relationships"`
}

// CreationInfo says when and by what the document was made.
type CreationInfo struct {
	Created  string   `json:"created"`
	Creators []string `json:"creators"`
}

// Package is one Go module (or the toolchain).
type Package struct {
	Name             string        `json:"name"`
	SPDXID           string        `json:"SPDXID"`
	VersionInfo      string        `json:"versionInfo"`
	DownloadLocation string        `json:"downloadLocation"`
	FilesAnalyzed    bool          `json:"filesAnalyzed"`
	LicenseConcluded string        `json:"licenseConcluded"`
	LicenseDeclared  string        `json:"licenseDeclared"`
	CopyrightText    string        `json:"copyrightText"`
	Checksums        []Checksum    `json:"checksums,omitempty"`
	ExternalRefs     []ExternalRef `json:"externalRefs,omitempty"`
	Comment          string        `json:"comment,omitempty"`
}

// Checksum of a package (the binary's SHA-256 for the main package).
type Checksum struct {
	Algorithm     string `json:"algorithm"`
	ChecksumValue string `json:"checksumValue"`
}

// ExternalRef is a package URL.
type ExternalRef struct {
	ReferenceCategory string `json:"referenceCategory"`
	ReferenceType     string `json:"referenceType"`
	ReferenceLocator  string `json:"referenceLocator"`
}

// Relationship links two SPDX elements.
type Relationship struct {
	SPDXElementID      string `json:"spdxElementId"`
	RelationshipType   string `json:"relationshipType"`
	RelatedSPDXElement string `json:"relatedSpdxElement"`
}

// ForBinary describes the Go binary at path, named name (baton-xero) at
// version, created at the given time, under a namespace URI prefix.
func ForBinary(path, name, version, namespace string, created time.Time) (*Document, error) {
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sbom: %s: %w", path, err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(raw)
	hexSum := hex.EncodeToString(sum[:])

	main := Package{
		Name: name, SPDXID: "SPDXRef-Package-main", VersionInfo: version,
		DownloadLocation: "NOASSERTION", LicenseConcluded: "NOASSERTION", LicenseDeclared: "NOASSERTION", CopyrightText: "NOASSERTION",
		Checksums:    []Checksum{{Algorithm: "SHA256", ChecksumValue: hexSum}},
		ExternalRefs: []ExternalRef{purl(bi.Main.Path, version)},
		Comment:      "Go binary built from " + bi.Path + " with " + bi.GoVersion,
	}
	doc := &Document{
		SPDXVersion: "SPDX-2.3", DataLicense: "CC0-1.0", SPDXID: "SPDXRef-DOCUMENT",
		Name:              name + "-" + version,
		DocumentNamespace: strings.TrimSuffix(namespace, "/") + "/" + name + "/" + version + "/" + hexSum,
		CreationInfo: CreationInfo{
			Created:  created.UTC().Format(time.RFC3339),
			Creators: []string{"Tool: baton-connectors-imagebuild"},
		},
		Packages: []Package{main},
		Relationships: []Relationship{{
			SPDXElementID: "SPDXRef-DOCUMENT", RelationshipType: "DESCRIBES", RelatedSPDXElement: main.SPDXID,
		}},
	}
	add := func(p Package) {
		doc.Packages = append(doc.Packages, p)
		doc.Relationships = append(doc.Relationships, Relationship{
			SPDXElementID: main.SPDXID, RelationshipType: "DEPENDS_ON", RelatedSPDXElement: p.SPDXID,
		})
	}
	add(Package{
		Name: "go", SPDXID: "SPDXRef-Package-go", VersionInfo: strings.TrimPrefix(bi.GoVersion, "go"),
		DownloadLocation: "https://go.dev/dl/", LicenseConcluded: "NOASSERTION", LicenseDeclared: "BSD-3-Clause", CopyrightText: "NOASSERTION",
		ExternalRefs: []ExternalRef{purl("stdlib", bi.GoVersion)},
	})
	for i, d := range bi.Deps {
		path, ver, sum := d.Path, d.Version, d.Sum
		if r := d.Replace; r != nil {
			if r.Version != "" {
				path, ver, sum = r.Path, r.Version, r.Sum
			} else {
				// A local replacement: part of this repository, this version.
				ver, sum = version, ""
			}
		}
		p := Package{
			Name: path, SPDXID: fmt.Sprintf("SPDXRef-Package-%d", i), VersionInfo: ver,
			DownloadLocation: "NOASSERTION", LicenseConcluded: "NOASSERTION", LicenseDeclared: "NOASSERTION", CopyrightText: "NOASSERTION",
			ExternalRefs: []ExternalRef{purl(path, ver)},
		}
		if sum != "" {
			p.Comment = "go.sum " + sum
		}
		add(p)
	}
	return doc, nil
}

// JSON is the document, indented, with a final newline.
func (d *Document) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func purl(path, version string) ExternalRef {
	return ExternalRef{
		ReferenceCategory: "PACKAGE-MANAGER", ReferenceType: "purl",
		ReferenceLocator: "pkg:golang/" + path + "@" + version,
	}
}
