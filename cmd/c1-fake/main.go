// Command c1-fake serves a fake ConductorOne on loopback for `make demo`:
// per-run credentials, a sync and a grant task for one connector in
// service mode, and what came back in plain words. All logic lives in
// package c1fake (Run).
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/accessgov/baton-connectors/internal/c1fake"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := c1fake.Run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, err)
		stop()
		os.Exit(1)
	}
}
