// Command baton-workato syncs a Workato workspace's collaborators, roles,
// privileges, projects and folders into a c1z file or to ConductorOne. All
// logic lives in the workato connector package.
package main

import (
	"context"

	"github.com/accessgov/baton-connectors/connectors/workato"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	workato.Main(context.Background(), version)
}
