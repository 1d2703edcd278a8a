package ociimage

import (
	"errors"
	"fmt"
	"os"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

// refNameAnnotation names an index.json entry (the OCI layout's "tag").
const refNameAnnotation = "org.opencontainers.image.ref.name"

// WriteLayout replaces dir with an OCI image layout whose index.json holds
// one entry, the multi-platform index idx, named refName. Tools that read
// layouts (skopeo and podman as oci:DIR, crane, imagebuild push) take it as
// it is. It returns the digest of idx.
func WriteLayout(dir string, idx v1.ImageIndex, refName string) (v1.Hash, error) {
	if err := os.RemoveAll(dir); err != nil {
		return v1.Hash{}, err
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return v1.Hash{}, fmt.Errorf("ociimage: layout %s: %w", dir, err)
	}
	if err := p.AppendIndex(idx, layout.WithAnnotations(map[string]string{refNameAnnotation: refName})); err != nil {
		return v1.Hash{}, fmt.Errorf("ociimage: layout %s: %w", dir, err)
	}
	return idx.Digest()
}

// ReadLayout returns the multi-platform index that WriteLayout stored in dir.
func ReadLayout(dir string) (v1.ImageIndex, error) {
	root, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("ociimage: layout %s: %w", dir, err)
	}
	im, err := root.IndexManifest()
	if err != nil {
		return nil, err
	}
	if len(im.Manifests) != 1 {
		return nil, fmt.Errorf("ociimage: layout %s: got %d entries in index.json, want 1", dir, len(im.Manifests))
	}
	if !im.Manifests[0].MediaType.IsIndex() {
		return nil, fmt.Errorf("ociimage: layout %s: entry is %s, want an image index", dir, im.Manifests[0].MediaType)
	}
	return root.ImageIndex(im.Manifests[0].Digest)
}

// Push uploads idx (every platform's image and the index) to each reference,
// with credentials from the Docker config (docker login, cosign login).
func Push(idx v1.ImageIndex, refs ...string) (v1.Hash, error) {
	if len(refs) == 0 {
		return v1.Hash{}, errors.New("ociimage: push: no reference")
	}
	for _, r := range refs {
		ref, err := name.ParseReference(r)
		if err != nil {
			return v1.Hash{}, fmt.Errorf("ociimage: push %s: %w", r, err)
		}
		if err := remote.WriteIndex(ref, idx, remote.WithAuthFromKeychain(authn.DefaultKeychain)); err != nil {
			return v1.Hash{}, fmt.Errorf("ociimage: push %s: %w", r, err)
		}
	}
	return idx.Digest()
}
