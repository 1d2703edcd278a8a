// Command gen writes conf.gen.go, the typed configuration struct of
// baton-xero, from the fields in package config.
package main

import (
	"github.com/conductorone/baton-sdk/pkg/config"

	xeroconfig "github.com/accessgov/baton-connectors/connectors/xero/config"
)

func main() {
	config.Generate("xero", xeroconfig.Config)
}
