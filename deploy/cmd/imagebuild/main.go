// Command imagebuild builds and pushes the connectors' OCI images without a
// container engine.
//
//	imagebuild build -dist DIR -platforms "linux/amd64 linux/arm64" -version V -revision SHA -created UNIX NAME...
//	    reads DIR/<os>_<arch>/baton-NAME, writes the OCI layout DIR/images/baton-NAME/,
//	    DIR/images/baton-NAME.digest and an SPDX SBOM DIR/images/baton-NAME.spdx.json
//	    (from the first platform's binary), and prints "baton-NAME sha256:…".
//	imagebuild push -layout DIR/images/baton-NAME REF...
//	    pushes the index (all platforms) to every REF and prints its digest.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/accessgov/baton-connectors/deploy/internal/ociimage"
	"github.com/accessgov/baton-connectors/deploy/internal/sbom"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "build":
		err = build(os.Args[2:])
	case "push":
		err = push(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "imagebuild:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: imagebuild build [flags] NAME... | imagebuild push -layout DIR REF...")
	os.Exit(2)
}

func build(args []string) error {
	fs := flag.NewFlagSet("build", flag.ExitOnError)
	dist := fs.String("dist", "dist", "directory holding <os>_<arch>/baton-<name>; images go to its images/")
	platforms := fs.String("platforms", "linux/amd64 linux/arm64", "space- or comma-separated platforms")
	version := fs.String("version", "", "org.opencontainers.image.version")
	revision := fs.String("revision", "", "org.opencontainers.image.revision (the commit)")
	source := fs.String("source", "https://github.com/accessgov/baton-connectors", "org.opencontainers.image.source")
	licenses := fs.String("licenses", "Apache-2.0", "org.opencontainers.image.licenses (SPDX)")
	created := fs.String("created", "0", "creation time, seconds since the epoch (the commit's time)")
	_ = fs.Parse(args)
	if fs.NArg() == 0 {
		return fmt.Errorf("build: name at least one connector")
	}
	secs, err := strconv.ParseInt(*created, 10, 64)
	if err != nil {
		return fmt.Errorf("build: -created %q: %w", *created, err)
	}
	plats := strings.FieldsFunc(*platforms, func(r rune) bool { return r == ' ' || r == ',' })

	for _, n := range fs.Args() {
		spec := ociimage.Spec{
			Name:     n,
			Binaries: map[string]string{},
			Version:  *version,
			Revision: *revision,
			Source:   *source,
			Licenses: *licenses,
			Created:  time.Unix(secs, 0).UTC(),
		}
		for _, p := range plats {
			spec.Binaries[p] = filepath.Join(*dist, strings.ReplaceAll(p, "/", "_"), "baton-"+n)
		}
		idx, err := ociimage.Build(spec)
		if err != nil {
			return err
		}
		out := filepath.Join(*dist, "images", spec.Title())
		d, err := ociimage.WriteLayout(out, idx, spec.Version)
		if err != nil {
			return err
		}
		if err := os.WriteFile(out+".digest", []byte(d.String()+"\n"), 0o644); err != nil { //nolint:gosec // a build output, meant to be read
			return err
		}
		doc, err := sbom.ForBinary(spec.Binaries[plats[0]], spec.Title(), spec.Version, spec.Source+"/spdx", spec.Created)
		if err != nil {
			return err
		}
		b, err := doc.JSON()
		if err != nil {
			return err
		}
		if err := os.WriteFile(out+".spdx.json", b, 0o644); err != nil { //nolint:gosec // a build output, meant to be read
			return err
		}
		fmt.Printf("%s %s\n", spec.Title(), d)
	}
	return nil
}

func push(args []string) error {
	fs := flag.NewFlagSet("push", flag.ExitOnError)
	dir := fs.String("layout", "", "OCI layout written by imagebuild build")
	_ = fs.Parse(args)
	if *dir == "" || fs.NArg() == 0 {
		return fmt.Errorf("push: want -layout DIR and at least one reference")
	}
	idx, err := ociimage.ReadLayout(*dir)
	if err != nil {
		return err
	}
	d, err := ociimage.Push(idx, fs.Args()...)
	if err != nil {
		return err
	}
	fmt.Println(d)
	return nil
}
