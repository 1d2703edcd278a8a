// Command workato-fake serves the in-repo fake of the Workato API on
// loopback, for the demo and for benchmarks. All logic lives in package
// workatofake.
package main

import (
	"fmt"
	"os"

	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
)

func main() {
	if err := workatofake.Main(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "workato-fake:", err)
		os.Exit(1)
	}
}
