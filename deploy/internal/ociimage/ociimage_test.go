package ociimage

import (
	"archive/tar"
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func testSpec(t *testing.T) Spec {
	t.Helper()
	dir := t.TempDir()
	bins := map[string]string{}
	for _, p := range []string{"linux/amd64", "linux/arm64"} {
		path := filepath.Join(dir, filepath.Base(p))
		if err := os.WriteFile(path, []byte("binary for "+p), 0o755); err != nil {
			t.Fatal(err)
		}
		bins[p] = path
	}
	return Spec{
		Name: "acme", Binaries: bins, Version: "v1.2.3", Revision: "0123abcd",
		Source: "https://example.com/repo", Licenses: "Apache-2.0",
		Created: time.Unix(1700000000, 0),
	}
}

func digestOf(t *testing.T, s Spec) string {
	t.Helper()
	idx, err := Build(s)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	d, err := idx.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}

func TestBuild_Reproducible(t *testing.T) {
	base := testSpec(t)
	want := digestOf(t, base)
	if got := digestOf(t, base); got != want {
		t.Fatalf("second build: got digest %s, want %s", got, want)
	}
	tests := []struct {
		name   string
		change func(*Spec)
	}{
		{"created", func(s *Spec) { s.Created = s.Created.Add(time.Second) }},
		{"version", func(s *Spec) { s.Version = "v1.2.4" }},
		{"revision", func(s *Spec) { s.Revision = "fedcba98" }},
		{"one platform", func(s *Spec) { delete(s.Binaries, "linux/arm64") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := base
			s.Binaries = map[string]string{}
			for k, v := range base.Binaries {
				s.Binaries[k] = v
			}
			tt.change(&s)
			if got := digestOf(t, s); got == want {
				t.Fatalf("changing %s: got the same digest %s, want a different one", tt.name, got)
			}
		})
	}
}

func TestBuild_Index(t *testing.T) {
	s := testSpec(t)
	idx, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(im.MediaType), "application/vnd.oci.image.index.v1+json"; got != want {
		t.Errorf("index media type: got %s, want %s", got, want)
	}
	var plats []string
	for _, m := range im.Manifests {
		plats = append(plats, m.Platform.String())
		img, err := idx.Image(m.Digest)
		if err != nil {
			t.Fatal(err)
		}
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		if got := cf.OS + "/" + cf.Architecture; got != m.Platform.String() {
			t.Errorf("config platform: got %s, want %s", got, m.Platform)
		}
		if got := cf.Config.User; got != User {
			t.Errorf("user: got %q, want %q", got, User)
		}
		if len(cf.Config.Entrypoint) != 1 || cf.Config.Entrypoint[0] != Entrypoint {
			t.Errorf("entrypoint: got %v, want [%s]", cf.Config.Entrypoint, Entrypoint)
		}
		for _, k := range RequiredLabels {
			if cf.Config.Labels[k] != s.Labels()[k] {
				t.Errorf("label %s: got %q, want %q", k, cf.Config.Labels[k], s.Labels()[k])
			}
		}
		if !cf.Created.Equal(s.Created) {
			t.Errorf("created: got %v, want %v", cf.Created.Time, s.Created)
		}
	}
	if got, want := plats, []string{"linux/amd64", "linux/arm64"}; len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("platforms: got %v, want %v", got, want)
	}
	if got := im.Annotations[LabelRevision]; got != s.Revision {
		t.Errorf("index annotation %s: got %q, want %q", LabelRevision, got, s.Revision)
	}
}

func TestSpec_Validate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Spec)
	}{
		{"no version", func(s *Spec) { s.Version = "" }},
		{"no revision", func(s *Spec) { s.Revision = "" }},
		{"no licenses", func(s *Spec) { s.Licenses = "" }},
		{"no source", func(s *Spec) { s.Source = "" }},
		{"no binaries", func(s *Spec) { s.Binaries = nil }},
		{"name with a slash", func(s *Spec) { s.Name = "a/b" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := testSpec(t)
			tt.change(&s)
			if _, err := Build(s); err == nil {
				t.Fatalf("Build: got no error, want one")
			}
		})
	}
}

func TestLayer_Entries(t *testing.T) {
	mtime := time.Unix(1700000000, 0)
	b, err := Layer([]byte("BIN"), mtime)
	if err != nil {
		t.Fatal(err)
	}
	type entry struct {
		mode     int64
		uid, gid int
		body     string
	}
	got := map[string]entry{}
	var order []string
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		got[h.Name] = entry{h.Mode, h.Uid, h.Gid, string(body)}
		order = append(order, h.Name)
		if !h.ModTime.Equal(mtime) {
			t.Errorf("%s mtime: got %v, want %v", h.Name, h.ModTime, mtime)
		}
	}
	for i := 1; i < len(order); i++ {
		if order[i-1] >= order[i] {
			t.Errorf("entries not sorted: %q before %q", order[i-1], order[i])
		}
	}
	tests := []struct {
		path string
		mode int64
		uid  int
	}{
		{"usr/local/bin/baton-connector", 0o755, 0},
		{"etc/ssl/certs/ca-certificates.crt", 0o644, 0},
		{"etc/passwd", 0o644, 0},
		{"tmp/", 0o1777, 0},
		{"home/nonroot/", 0o700, UID},
	}
	for _, tt := range tests {
		e, ok := got[tt.path]
		if !ok {
			t.Errorf("%s: missing from the layer", tt.path)
			continue
		}
		if e.mode != tt.mode || e.uid != tt.uid {
			t.Errorf("%s: got mode %o uid %d, want mode %o uid %d", tt.path, e.mode, e.uid, tt.mode, tt.uid)
		}
	}
	if got := got["usr/local/bin/baton-connector"].body; got != "BIN" {
		t.Errorf("binary body: got %q, want %q", got, "BIN")
	}
	if !bytes.Contains([]byte(got["etc/passwd"].body), []byte("nonroot:x:65532:65532:")) {
		t.Errorf("etc/passwd: got %q, want a nonroot entry for 65532", got["etc/passwd"].body)
	}
}

func TestCABundlePEM(t *testing.T) {
	b, err := CABundlePEM()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rest := b; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if _, err := x509.ParseCertificate(blk.Bytes); err != nil {
			t.Fatalf("certificate %d: %v", n, err)
		}
		n++
	}
	if n < 100 {
		t.Fatalf("got %d root certificates, want the full Mozilla set (over 100)", n)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		t.Fatal("AppendCertsFromPEM: got false, want true")
	}
}

func TestWriteLayout_ReadLayout(t *testing.T) {
	s := testSpec(t)
	idx, err := Build(s)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "img")
	want, err := WriteLayout(dir, idx, s.Version)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ReadLayout(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := back.Digest()
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("digest read back: got %s, want %s", got, want)
	}
	// Writing again replaces the layout: still one entry.
	if _, err := WriteLayout(dir, idx, s.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadLayout(dir); err != nil {
		t.Fatalf("ReadLayout after a rewrite: %v", err)
	}
}
