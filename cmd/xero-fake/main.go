// Command xero-fake serves the in-repo fake of the Xero API on loopback, for
// the demo and for benchmarks. All logic lives in package xerofake.
package main

import (
	"fmt"
	"os"

	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
)

func main() {
	if err := xerofake.Main(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "xero-fake:", err)
		os.Exit(1)
	}
}
