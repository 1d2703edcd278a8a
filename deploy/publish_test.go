package deploy_test

import (
	"context"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/accessgov/baton-connectors/deploy/internal/ociimage"
)

// TestImage_PublishToRegistry runs the release workflow's own push step
// (job image, step push: bin/imagebuild push, as a release runs it) against
// a real OCI registry on loopback, then pulls every connector's image back by
// both tags and by digest and checks it is exactly what `make images` wrote:
// the digest in its .digest file, both platforms with the layout's manifest
// digests, and a binary in the pulled layer that runs --help (amd64).
func TestImage_PublishToRegistry(t *testing.T) {
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	repo := host + "/accessgov"
	const version = "v0.0.0-publishtest"

	// The step calls bin/imagebuild and reads dist/images: a work dir with
	// a freshly built imagebuild and the repository's dist/.
	work := t.TempDir()
	buildImagebuild(t, filepath.Join(work, "bin", "imagebuild"))
	dist, err := filepath.Abs(filepath.Join(root, "dist"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(dist, filepath.Join(work, "dist")); err != nil {
		t.Fatal(err)
	}
	push := findStep(t, loadWorkflow(t, filepath.Join(root, ".github", "workflows", "release.yaml")), "image", "push")

	for _, cname := range shipped(t) {
		t.Run(cname, func(t *testing.T) {
			layoutDir := filepath.Join(dist, "images", "baton-"+cname)
			local, err := ociimage.ReadLayout(layoutDir)
			if err != nil {
				t.Fatalf("%v (run `make images` first)", err)
			}
			want := strings.TrimSpace(readFile(t, layoutDir+".digest"))
			localByPlatform := manifestsByPlatform(t, local)

			out, err := runStep(t, work, push, "IMAGE_REPO="+repo, "CONNECTOR="+cname, "VERSION="+version)
			if err != nil {
				t.Fatalf("release push step: %v", err)
			}
			ref := repo + "/baton-" + cname
			if got, wantOut := out["image"], ref+"@"+want; got != wantOut {
				t.Fatalf("push step output image: got %q, want %q", got, wantOut)
			}

			for _, r := range []string{ref + ":" + version, ref + ":latest", ref + "@" + want} {
				t.Run(strings.TrimPrefix(r, ref), func(t *testing.T) {
					pr, err := name.ParseReference(r)
					if err != nil {
						t.Fatal(err)
					}
					idx, err := remote.Index(pr)
					if err != nil {
						t.Fatalf("pull %s: %v", r, err)
					}
					d, err := idx.Digest()
					if err != nil {
						t.Fatal(err)
					}
					if d.String() != want {
						t.Errorf("pulled %s: digest got %s, want %s (the .digest file)", r, d, want)
					}
					pulled := manifestsByPlatform(t, idx)
					if strings.Join(keys(pulled), " ") != strings.Join(wantPlatforms, " ") {
						t.Fatalf("pulled %s: platforms got %v, want %v", r, keys(pulled), wantPlatforms)
					}
					for _, p := range wantPlatforms {
						if pulled[p].Digest != localByPlatform[p].Digest {
							t.Errorf("pulled %s %s: manifest got %s, want %s (the layout's)", r, p, pulled[p].Digest, localByPlatform[p].Digest)
						}
					}
					if !strings.Contains(r, "@") {
						return // the binary is checked once, from the pull by digest
					}
					for _, p := range wantPlatforms {
						t.Run(p, func(t *testing.T) {
							img, err := idx.Image(pulled[p].Digest)
							if err != nil {
								t.Fatal(err)
							}
							checkImage(t, cname, pulled[p].Platform, img)
						})
					}
				})
			}
		})
	}
}

func buildImagebuild(t *testing.T, out string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "./cmd/imagebuild")
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build imagebuild: %v\n%s", err, b)
	}
}

// manifestsByPlatform maps "os/arch" to the index's entry for it.
func manifestsByPlatform(t *testing.T, idx v1.ImageIndex) map[string]v1.Descriptor {
	t.Helper()
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]v1.Descriptor{}
	for _, m := range im.Manifests {
		if m.Platform == nil {
			t.Fatalf("index entry %s has no platform", m.Digest)
		}
		out[m.Platform.String()] = m
	}
	return out
}

// keys returns m's platforms, sorted (wantPlatforms is sorted too).
func keys(m map[string]v1.Descriptor) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
