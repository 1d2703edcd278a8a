// Package ociimage builds a connector's OCI image without a container engine:
// one layer holding the static binary, a CA bundle and a passwd entry for the
// non-root user, one image per platform, and an OCI index over them.
//
// The build is a pure function of its inputs: file times, the config's
// creation time and the layer's byte order come from the Spec, never from the
// clock or the file system, so the same binaries give the same digest.
//
// Only the imagebuild command and the deploy module's tests import it.
package ociimage

import (
	"archive/tar"
	"bytes"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// What every connector image looks like. The Dockerfile must say the same
// (deploy's tests compare it with these).
const (
	// Entrypoint is the connector binary inside the image. It is one path for
	// every connector so that a Dockerfile with ARG CONNECTOR can name it in
	// its exec-form ENTRYPOINT, which does not expand build arguments.
	Entrypoint = "/usr/local/bin/baton-connector"
	// UID and GID of the non-root user ("nonroot", as in distroless images).
	UID = 65532
	GID = 65532
	// User is the image config's user: numeric, so that Kubernetes can check
	// runAsNonRoot without reading /etc/passwd.
	User = "65532:65532"
	// CABundle is where Go (and most TLS stacks) look first on Linux.
	CABundle = "/etc/ssl/certs/ca-certificates.crt"
)

// OCI annotation keys used as image labels.
const (
	LabelSource   = "org.opencontainers.image.source"
	LabelVersion  = "org.opencontainers.image.version"
	LabelRevision = "org.opencontainers.image.revision"
	LabelLicenses = "org.opencontainers.image.licenses"
	LabelTitle    = "org.opencontainers.image.title"
	LabelCreated  = "org.opencontainers.image.created"
)

// RequiredLabels are the labels every image must carry with a value.
var RequiredLabels = []string{LabelSource, LabelVersion, LabelRevision, LabelLicenses}

// Spec is everything an image is built from.
type Spec struct {
	// Name is the connector's name ("xero"); the image is baton-<Name>.
	Name string
	// Binaries maps a platform ("linux/amd64") to its static binary.
	Binaries map[string]string
	Version  string
	Revision string
	Source   string
	Licenses string
	// Created stamps the config and every file in the layer (use the
	// commit's time for reproducible builds).
	Created time.Time
}

// Title is the image's name without a registry: baton-<name>.
func (s Spec) Title() string { return "baton-" + s.Name }

// Labels are the OCI labels of every image (and annotations of the index).
func (s Spec) Labels() map[string]string {
	return map[string]string{
		LabelSource:   s.Source,
		LabelVersion:  s.Version,
		LabelRevision: s.Revision,
		LabelLicenses: s.Licenses,
		LabelTitle:    s.Title(),
		LabelCreated:  s.Created.UTC().Format(time.RFC3339),
	}
}

func (s Spec) validate() error {
	var errs []error
	if s.Name == "" || strings.ContainsAny(s.Name, "/: ") {
		errs = append(errs, fmt.Errorf("name %q: want a bare connector name", s.Name))
	}
	if len(s.Binaries) == 0 {
		errs = append(errs, errors.New("no binaries"))
	}
	for _, k := range RequiredLabels {
		if s.Labels()[k] == "" {
			errs = append(errs, fmt.Errorf("label %s is empty", k))
		}
	}
	return errors.Join(errs...)
}

// Build returns the multi-platform index of the connector's image.
func Build(s Spec) (v1.ImageIndex, error) {
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("ociimage: %s: %w", s.Title(), err)
	}
	platforms := make([]string, 0, len(s.Binaries))
	for p := range s.Binaries {
		platforms = append(platforms, p)
	}
	sort.Strings(platforms)

	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, p := range platforms {
		plat, err := v1.ParsePlatform(p)
		if err != nil {
			return nil, fmt.Errorf("ociimage: platform %q: %w", p, err)
		}
		img, err := buildImage(s, plat, s.Binaries[p])
		if err != nil {
			return nil, fmt.Errorf("ociimage: %s %s: %w", s.Title(), p, err)
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
			Add:        img,
			Descriptor: v1.Descriptor{Platform: plat},
		})
	}
	out, ok := mutate.Annotations(idx, s.Labels()).(v1.ImageIndex)
	if !ok {
		return nil, errors.New("ociimage: annotated index is not an index")
	}
	return out, nil
}

func buildImage(s Spec, plat *v1.Platform, binary string) (v1.Image, error) {
	bin, err := os.ReadFile(binary)
	if err != nil {
		return nil, err
	}
	layerBytes, err := Layer(bin, s.Created)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerBytes)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}

	created := v1.Time{Time: s.Created.UTC()}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{
		Layer: layer,
		History: v1.History{
			Created:   created,
			CreatedBy: "imagebuild: " + s.Title() + " binary, CA bundle, nonroot user",
		},
		MediaType: types.OCILayer,
	})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS = plat.OS
	cf.Architecture = plat.Architecture
	cf.Variant = plat.Variant
	cf.Created = created
	cf.Config = v1.Config{
		Entrypoint: []string{Entrypoint},
		User:       User,
		WorkingDir: "/",
		Env: []string{
			"PATH=/usr/local/bin:/usr/bin:/bin",
			"SSL_CERT_FILE=" + CABundle,
		},
		Labels: s.Labels(),
	}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return nil, err
	}
	return img, nil
}

// file is one entry of the layer.
type file struct {
	name string // without a leading slash; directories end in "/"
	mode int64
	uid  int
	gid  int
	data []byte
}

// Layer returns the uncompressed tar of the image's only layer: directories,
// /etc/passwd and /etc/group with the nonroot user, the CA bundle, a
// world-writable /tmp and the binary at Entrypoint. Entries are sorted by
// name, owned by root (apart from the user's home), and stamped with mtime.
func Layer(binary []byte, mtime time.Time) ([]byte, error) {
	ca, err := CABundlePEM()
	if err != nil {
		return nil, err
	}
	passwd := fmt.Sprintf("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:%d:%d:nonroot:/home/nonroot:/sbin/nologin\n", UID, GID)
	group := fmt.Sprintf("root:x:0:\nnonroot:x:%d:\n", GID)
	files := []file{
		{name: "etc/", mode: 0o755},
		{name: "etc/group", mode: 0o644, data: []byte(group)},
		{name: "etc/passwd", mode: 0o644, data: []byte(passwd)},
		{name: "etc/ssl/", mode: 0o755},
		{name: "etc/ssl/certs/", mode: 0o755},
		{name: strings.TrimPrefix(CABundle, "/"), mode: 0o644, data: ca},
		{name: "home/", mode: 0o755},
		{name: "home/nonroot/", mode: 0o700, uid: UID, gid: GID},
		{name: "tmp/", mode: 0o1777},
		{name: "usr/", mode: 0o755},
		{name: "usr/local/", mode: 0o755},
		{name: "usr/local/bin/", mode: 0o755},
		{name: strings.TrimPrefix(Entrypoint, "/"), mode: 0o755, data: binary},
	}
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })

	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	mt := mtime.UTC().Truncate(time.Second)
	for _, f := range files {
		h := &tar.Header{
			Name:    f.name,
			Mode:    f.mode,
			Uid:     f.uid,
			Gid:     f.gid,
			ModTime: mt,
			Format:  tar.FormatPAX,
		}
		if strings.HasSuffix(f.name, "/") {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag = tar.TypeReg
			h.Size = int64(len(f.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, fmt.Errorf("tar %s: %w", f.name, err)
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, fmt.Errorf("tar %s: %w", f.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// CABundlePEM is the Mozilla (NSS) root set pinned by this module's
// golang.org/x/crypto/x509roots/fallback version, as PEM. It does not depend
// on the build machine's own bundle, which keeps the digest reproducible.
// Roots that NSS constrains (a distrust-after date) are left out: a PEM
// bundle cannot express the constraint, so trusting them fully would be wrong.
func CABundlePEM() ([]byte, error) {
	var buf bytes.Buffer
	n := 0
	for r := range bundle.Roots() {
		if r.Constraint != nil {
			continue
		}
		if err := pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: r.Certificate}); err != nil {
			return nil, err
		}
		n++
	}
	if n == 0 {
		return nil, errors.New("ociimage: the pinned root bundle is empty")
	}
	return buf.Bytes(), nil
}

// LayerPath turns an absolute image path into a tar entry name.
func LayerPath(p string) string { return strings.TrimPrefix(path.Clean(p), "/") }
