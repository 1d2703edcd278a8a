package deploy_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/deploy/internal/manifests"
)

// TestAddConnector_Acme is the dry run of adding a third connector: a copy
// of the repository's Makefile, workflows and deploy/base, with
// connectors/acme/, cmd/baton-acme/ and a deploy/acme/ overlay (the workato
// overlay, renamed) beside the existing ones. Unedited, the Makefile must
// build, render and check acme, the workflows' discovery steps must put acme
// in their matrices, and the new overlay must pass every hardening rule.
func TestAddConnector_Acme(t *testing.T) {
	tmp := t.TempDir()
	copyFile(t, filepath.Join(root, "Makefile"), filepath.Join(tmp, "Makefile"))
	for _, f := range workflowFiles(t) {
		copyFile(t, f, filepath.Join(tmp, ".github", "workflows", filepath.Base(f)))
	}
	copyDir(t, "base", filepath.Join(tmp, "deploy", "base"))
	copyDir(t, filepath.Join("apiserver", "tools"), filepath.Join(tmp, "deploy", "apiserver", "tools"))
	existing := discoverConnectors(t, root)
	for _, n := range existing {
		mkfile(t, filepath.Join(tmp, "connectors", n, "go.mod"), "module example.com/"+n+"\n")
		mkfile(t, filepath.Join(tmp, "cmd", "baton-"+n, "main.go"), "package main\n")
		copyDir(t, n, filepath.Join(tmp, "deploy", n))
	}
	// The three additions of README's "Adding a connector", nothing else.
	mkfile(t, filepath.Join(tmp, "connectors", "acme", "go.mod"), "module example.com/acme\n")
	mkfile(t, filepath.Join(tmp, "cmd", "baton-acme", "main.go"), "package main\n")
	const from = "workato"
	for _, f := range []string{"kustomization.yaml", "secret.example.yaml"} {
		text := strings.ReplaceAll(readFile(t, filepath.Join(from, f)), from, "acme")
		text = strings.ReplaceAll(text, strings.ToUpper(from), "ACME")
		mkfile(t, filepath.Join(tmp, "deploy", "acme", f), text)
	}

	t.Run("make", func(t *testing.T) {
		tests := []struct {
			args []string
			want []string
		}{
			{[]string{"-s", "connectors-json"}, []string{`"acme"`}},
			{[]string{"-n", "images"}, []string{"./cmd/baton-acme", "baton-acme", " acme"}},
			{[]string{"-n", "manifests"}, []string{" acme"}},
			{[]string{"-n", "k8s-check"}, []string{"manifests/acme.yaml", "deploy/acme/secret.example.yaml"}},
			{[]string{"-n", "release-binaries"}, []string{"for c in acme "}},
		}
		for _, tt := range tests {
			out := run(t, tmp, "make", tt.args...)
			for _, w := range append(tt.want, existing...) {
				if !strings.Contains(out, w) {
					t.Errorf("make %s: got\n%s\nwant it to contain %q", strings.Join(tt.args, " "), out, w)
				}
			}
		}
	})

	t.Run("ci discover", func(t *testing.T) {
		w := loadWorkflow(t, filepath.Join(tmp, ".github", "workflows", "ci.yaml"))
		out, err := runStep(t, tmp, findStep(t, w, "discover", "discover"))
		if err != nil {
			t.Fatal(err)
		}
		if got := out["connectors"]; !strings.Contains(got, `"acme"`) {
			t.Errorf("ci matrix: got %s, want acme in it", got)
		}
	})

	t.Run("release plan", func(t *testing.T) {
		w := loadWorkflow(t, filepath.Join(tmp, ".github", "workflows", "release.yaml"))
		plan := findStep(t, w, "plan", "plan")
		tests := []struct {
			tag, connectors, version string
			fail                     bool
		}{
			{"connectors/acme/v0.1.0", `["acme"]`, "v0.1.0", false},
			{"v2.0.0", "", "v2.0.0", false},
			{"connectors/nope/v1.0.0", "", "", true},
			{"nightly", "", "", true},
		}
		for _, tt := range tests {
			out, err := runStep(t, tmp, plan, "GITHUB_REF_NAME="+tt.tag)
			if tt.fail {
				if err == nil {
					t.Errorf("tag %s: got %v, want the plan to fail", tt.tag, out)
				}
				continue
			}
			if err != nil {
				t.Errorf("tag %s: %v", tt.tag, err)
				continue
			}
			if out["version"] != tt.version {
				t.Errorf("tag %s: version got %q, want %q", tt.tag, out["version"], tt.version)
			}
			if tt.connectors != "" && out["connectors"] != tt.connectors {
				t.Errorf("tag %s: connectors got %s, want %s", tt.tag, out["connectors"], tt.connectors)
			}
			if tt.connectors == "" && !strings.Contains(out["connectors"], `"acme"`) {
				t.Errorf("tag %s: connectors got %s, want every connector, acme included", tt.tag, out["connectors"])
			}
		}
	})

	t.Run("overlay", func(t *testing.T) {
		objs := renderDecode(t, filepath.Join(tmp, "deploy", "acme"))
		for _, err := range manifests.Check("acme", objs) {
			t.Errorf("acme overlay: %v", err)
		}
		sec, err := manifests.Decode([]byte(readFile(t, filepath.Join(tmp, "deploy", "acme", "secret.example.yaml"))))
		if err != nil {
			t.Fatal(err)
		}
		for _, err := range manifests.CheckSecretExample("acme", sec, secretKeys("acme")) {
			t.Errorf("acme secret example: %v", err)
		}
	})
}

func run(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CONNECTORS=", "MAKEFLAGS=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func mkfile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	mkfile(t, to, readFile(t, from))
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			copyFile(t, filepath.Join(from, e.Name()), filepath.Join(to, e.Name()))
		}
	}
}
