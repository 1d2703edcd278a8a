//go:build tools

// Package tools pins the command-line tools the Makefile builds: the baton
// CLI of the same baton-sdk version the connectors use, which reads the c1z
// files they write. It is its own module, outside go.work, because the CLI
// pulls in dependencies the connectors do not need.
package tools

import (
	_ "github.com/conductorone/baton-sdk/cmd/baton"
)
