package deploy_test

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/x509"
	"debug/buildinfo"
	"debug/elf"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/accessgov/baton-connectors/deploy/internal/ociimage"
)

// The platforms every image must hold (the Makefile's IMAGE_PLATFORMS).
var wantPlatforms = []string{"linux/amd64", "linux/arm64"}

var elfMachine = map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}

// TestImage_Layout reads each connector's image as `make images` wrote it
// and checks its config, its one layer, and the binary inside.
func TestImage_Layout(t *testing.T) {
	for _, name := range shipped(t) {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(root, "dist", "images", "baton-"+name)
			idx, err := ociimage.ReadLayout(dir)
			if err != nil {
				t.Fatalf("%v (run `make images` first)", err)
			}
			digest, err := idx.Digest()
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSpace(readFile(t, dir+".digest")); got != digest.String() {
				t.Errorf("%s.digest: got %s, want %s", dir, got, digest)
			}
			im, err := idx.IndexManifest()
			if err != nil {
				t.Fatal(err)
			}
			var plats []string
			for _, m := range im.Manifests {
				plats = append(plats, m.Platform.String())
			}
			if strings.Join(plats, " ") != strings.Join(wantPlatforms, " ") {
				t.Fatalf("platforms: got %v, want %v", plats, wantPlatforms)
			}
			for _, m := range im.Manifests {
				t.Run(m.Platform.Architecture, func(t *testing.T) {
					img, err := idx.Image(m.Digest)
					if err != nil {
						t.Fatal(err)
					}
					checkImage(t, name, m.Platform, img)
				})
			}
			checkSBOM(t, name, dir+".spdx.json")
		})
	}
}

func checkImage(t *testing.T, name string, plat *v1.Platform, img v1.Image) {
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cf.OS+"/"+cf.Architecture, plat.String(); got != want {
		t.Errorf("config platform: got %s, want %s", got, want)
	}
	if got := cf.Config.Entrypoint; len(got) != 1 || got[0] != ociimage.Entrypoint {
		t.Errorf("entrypoint: got %v, want [%s]", got, ociimage.Entrypoint)
	}
	if got := cf.Config.User; got != ociimage.User {
		t.Errorf("user: got %q, want %q", got, ociimage.User)
	}
	for _, k := range ociimage.RequiredLabels {
		if cf.Config.Labels[k] == "" {
			t.Errorf("label %s: got empty, want a value", k)
		}
	}
	if got, want := cf.Config.Labels[ociimage.LabelTitle], "baton-"+name; got != want {
		t.Errorf("label %s: got %q, want %q", ociimage.LabelTitle, got, want)
	}
	if got, want := cf.Config.Labels[ociimage.LabelSource], "https://github.com/accessgov/baton-connectors"; got != want {
		t.Errorf("label %s: got %q, want %q", ociimage.LabelSource, got, want)
	}

	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	if len(layers) != 1 {
		t.Fatalf("layers: got %d, want 1", len(layers))
	}
	files := untar(t, layers[0])

	bin, ok := files[ociimage.LayerPath(ociimage.Entrypoint)]
	if !ok {
		t.Fatalf("the layer has no %s", ociimage.Entrypoint)
	}
	if bin.mode&0o111 == 0 || bin.uid != 0 {
		t.Errorf("%s: got mode %o uid %d, want executable, owned by root", ociimage.Entrypoint, bin.mode, bin.uid)
	}
	if ca := files[ociimage.LayerPath(ociimage.CABundle)]; !x509.NewCertPool().AppendCertsFromPEM(ca.body) {
		t.Errorf("%s: got no certificates, want the CA bundle", ociimage.CABundle)
	}
	if pw := string(files["etc/passwd"].body); !strings.Contains(pw, ":65532:65532:") {
		t.Errorf("etc/passwd: got %q, want the nonroot user 65532", pw)
	}

	path := filepath.Join(t.TempDir(), "baton-"+name)
	if err := os.WriteFile(path, bin.body, 0o755); err != nil {
		t.Fatal(err)
	}
	checkBinary(t, name, plat, path, cf.Config.Labels[ociimage.LabelVersion])
}

func checkBinary(t *testing.T, name string, plat *v1.Platform, path, version string) {
	ef, err := elf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ef.Close()
	if got, want := ef.Machine, elfMachine[plat.Architecture]; got != want {
		t.Errorf("ELF machine: got %v, want %v", got, want)
	}
	for _, p := range ef.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("binary has a program interpreter: got a dynamic binary, want a static one")
		}
	}
	bi, err := buildinfo.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := bi.Path, "github.com/accessgov/baton-connectors/cmd/baton-"+name; got != want {
		t.Errorf("main package: got %s, want %s", got, want)
	}
	settings := map[string]string{}
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	for k, want := range map[string]string{"CGO_ENABLED": "0", "-trimpath": "true", "GOOS": plat.OS, "GOARCH": plat.Architecture} {
		if got := settings[k]; got != want {
			t.Errorf("build setting %s: got %q, want %q", k, got, want)
		}
	}

	if plat.Architecture != runtime.GOARCH || runtime.GOOS != "linux" {
		return // ELF and build info are all that can be checked here
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "--help")
	cmd.Env = []string{"HOME=" + t.TempDir(), "TMPDIR=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s --help: %v\n%s", ociimage.Entrypoint, err, out)
	}
	if want := "baton-" + name + " [flags]"; !bytes.Contains(out, []byte(want)) {
		t.Errorf("--help: got %q, want it to contain %q", firstLines(out, 5), want)
	}
	// -trimpath keeps -ldflags out of the build info: ask the binary.
	out, err = exec.CommandContext(ctx, path, "--version").CombinedOutput()
	if want := "baton-" + name + " version " + version; err != nil || strings.TrimSpace(string(out)) != want {
		t.Errorf("--version: got %q (%v), want %q (the version label)", strings.TrimSpace(string(out)), err, want)
	}
}

func checkSBOM(t *testing.T, name, path string) {
	var doc struct {
		SPDXVersion string `json:"spdxVersion"`
		Packages    []struct {
			Name string `json:"name"`
		} `json:"packages"`
	}
	if err := json.Unmarshal([]byte(readFile(t, path)), &doc); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if doc.SPDXVersion != "SPDX-2.3" || len(doc.Packages) < 3 || doc.Packages[0].Name != "baton-"+name {
		t.Errorf("%s: got version %q, %d packages, first %v; want SPDX-2.3 describing baton-%s and its modules",
			path, doc.SPDXVersion, len(doc.Packages), doc.Packages[:min(1, len(doc.Packages))], name)
	}
	found := false
	for _, p := range doc.Packages {
		if p.Name == "github.com/conductorone/baton-sdk" {
			found = true
		}
	}
	if !found {
		t.Errorf("%s: baton-sdk is not listed, want every module", path)
	}
}

type tarFile struct {
	mode int64
	uid  int
	body []byte
}

func untar(t *testing.T, l v1.Layer) map[string]tarFile {
	t.Helper()
	mt, err := l.MediaType()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(mt), "application/vnd.oci.image.layer.v1.tar+gzip"; got != want {
		t.Errorf("layer media type: got %s, want %s", got, want)
	}
	rc, err := l.Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	out := map[string]tarFile{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		out[h.Name] = tarFile{mode: h.Mode, uid: h.Uid, body: b}
	}
}

func firstLines(b []byte, n int) string {
	lines := strings.SplitN(string(b), "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}
