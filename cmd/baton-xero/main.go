// Command baton-xero syncs Xero organisations, users and roles into a c1z
// file or to ConductorOne. All logic lives in the xero connector package.
package main

import (
	"context"

	"github.com/accessgov/baton-connectors/connectors/xero"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	xero.Main(context.Background(), version)
}
