// This file holds the command scaffolding of every fake's main: the common
// flags, the loopback check, serving, the ready and env files, and the
// closing request counts.
package fakeapi

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
)

// Fake is what a fake's command serves, built after its flags are parsed.
type Fake struct {
	// Handler serves the fake's API.
	Handler http.Handler
	// Ready returns what --ready-file holds (marshalled as indented JSON)
	// and what --env-file holds, once the fake listens at baseURL; envFile
	// is the --env-file path ("" when unset).
	Ready func(baseURL, envFile string) (info any, env string, err error)
	// Banner is the line printed once serving, without the newline.
	Banner func(baseURL string) string
	// Report prints the closing counts after the server stopped.
	Report func(w io.Writer)
}

// RunMain runs a fake's command until ctx ends. It registers the common
// flags on a FlagSet named name:
//
//	--addr        listen address, loopback only (default 127.0.0.1:0)
//	--ready-file  write the fake's ready information as JSON here once listening
//	--env-file    write the BATON_* variables that point the connector at the fake here
//
// then lets define register the fake's own flags and return the function
// that builds the Fake from them. Both files are written atomically with
// mode 0600 once the listener is up: the env file first, the ready file
// last, so a waiter on the ready file (the fakes' tests) finds the env file
// complete, and a waiter on the env file (scripts/demo.sh) can connect at
// once.
func RunMain(ctx context.Context, name string, args []string, stdout io.Writer, define func(fs *flag.FlagSet) func() (*Fake, error)) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	addr := fs.String("addr", "127.0.0.1:0", "listen address (loopback only)")
	readyFile := fs.String("ready-file", "", "write connection details as JSON here once listening")
	envFile := fs.String("env-file", "", "write BATON_* variables for the connector here once listening")
	build := define(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected arguments %q", name, fs.Args())
	}
	if err := CheckLoopback(*addr); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	fake, err := build()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	baseURL, stop := Serve(ln, fake.Handler)
	defer stop()

	info, env, err := fake.Ready(baseURL, *envFile)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if *envFile != "" {
		if err := WriteFileAtomic(*envFile, []byte(env)); err != nil {
			return err
		}
	}
	if *readyFile != "" {
		b, err := json.MarshalIndent(info, "", "  ")
		if err != nil {
			return err
		}
		if err := WriteFileAtomic(*readyFile, append(b, '\n')); err != nil {
			return err
		}
	}
	fmt.Fprintln(stdout, fake.Banner(baseURL))

	<-ctx.Done()
	stop()
	if fake.Report != nil {
		fake.Report(stdout)
	}
	return nil
}
