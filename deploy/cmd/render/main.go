// Command render builds each named overlay under -deploy with kustomize (in
// process), decodes it strictly, checks the hardening rules, and writes the
// result to -out/<name>.yaml. Any violation fails the run.
//
//	render -deploy deploy -out dist/manifests xero workato
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/accessgov/baton-connectors/deploy/internal/manifests"
)

func main() {
	dir := flag.String("deploy", "deploy", "directory holding base/ and one overlay per connector")
	out := flag.String("out", "dist/manifests", "output directory")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: render -deploy DIR -out DIR NAME...")
		os.Exit(2)
	}
	if err := run(*dir, *out, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "render:", err)
		os.Exit(1)
	}
}

func run(dir, out string, names []string) error {
	if err := os.MkdirAll(out, 0o755); err != nil { //nolint:gosec // a build output directory, meant to be read
		return err
	}
	var errs []error
	for _, n := range names {
		y, err := manifests.Render(filepath.Join(dir, n))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		objs, err := manifests.Decode(y)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", n, err))
			continue
		}
		if v := manifests.Check(n, objs); len(v) > 0 {
			errs = append(errs, fmt.Errorf("%s: %w", n, errors.Join(v...)))
			continue
		}
		path := filepath.Join(out, n+".yaml")
		if err := os.WriteFile(path, y, 0o644); err != nil { //nolint:gosec // a build output, meant to be read
			return err
		}
		fmt.Printf("%s: %d objects, hardening ok\n", path, len(objs))
	}
	return errors.Join(errs...)
}
