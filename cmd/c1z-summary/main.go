// Command c1z-summary prints a c1z on one screen: counts per resource
// type, entitlements and grants, and a few grants in plain words. All
// logic lives in package demo.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/accessgov/baton-connectors/internal/demo"
)

func main() {
	if err := demo.Main(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "c1z-summary:", err)
		os.Exit(1)
	}
}
