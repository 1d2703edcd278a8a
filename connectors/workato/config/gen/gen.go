// Command gen writes conf.gen.go, the typed configuration struct of
// baton-workato, from the fields in package config.
package main

import (
	"github.com/conductorone/baton-sdk/pkg/config"

	workatoconfig "github.com/accessgov/baton-connectors/connectors/workato/config"
)

func main() {
	config.Generate("workato", workatoconfig.Config)
}
