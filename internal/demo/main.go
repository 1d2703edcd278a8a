package demo

// main.go: the c1z-summary command (cmd/c1z-summary): one c1z, one screen.

import (
	"context"
	"errors"
	"flag"
	"io"
)

// Main prints the summary of each c1z named in args: c1z-summary
// [--samples N] FILE...
func Main(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("c1z-summary", flag.ContinueOnError)
	samples := fs.Int("samples", DefaultSamples, "grants to spell out")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("usage: c1z-summary [--samples N] FILE.c1z [FILE.c1z ...]")
	}
	for _, path := range fs.Args() {
		s, err := Read(ctx, path)
		if err != nil {
			return err
		}
		if err := s.Print(stdout, *samples); err != nil {
			return err
		}
	}
	return nil
}
