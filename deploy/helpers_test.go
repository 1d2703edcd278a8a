package deploy_test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// root is the repository root, seen from this module's directory.
const root = ".."

// shipped lists the connectors to check: $CONNECTORS when set (the Makefile
// and CI's per-connector jobs set it), otherwise every connectors/<name>/
// that has a cmd/baton-<name>/main.go, the Makefile's own rule.
func shipped(t *testing.T) []string {
	t.Helper()
	if env := strings.Fields(os.Getenv("CONNECTORS")); len(env) > 0 {
		return env
	}
	return discoverConnectors(t, root)
}

func discoverConnectors(t *testing.T, repo string) []string {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(repo, "connectors", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range dirs {
		n := filepath.Base(d)
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(repo, "cmd", "baton-"+n, "main.go")); err == nil {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		t.Fatalf("no connectors found under %s/connectors", repo)
	}
	return out
}

// overlays lists deploy/<name>/ directories holding a kustomization.
func overlays(t *testing.T, deployDir string) []string {
	t.Helper()
	ks, err := filepath.Glob(filepath.Join(deployDir, "*", "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, k := range ks {
		if n := filepath.Base(filepath.Dir(k)); n != "base" {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
