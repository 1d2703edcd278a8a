package xero

// export_test.go is the benchmark's hook into the connector: MainFloor runs
// baton-xero's own command line with the real syncers over an in-memory
// api (floorAPI), the "SDK floor" that BenchmarkSync_* compares with.

import (
	"context"

	"github.com/conductorone/baton-sdk/pkg/cli"
	"github.com/conductorone/baton-sdk/pkg/connectorbuilder"
	"github.com/conductorone/baton-sdk/pkg/types"
	"github.com/grpc-ecosystem/go-grpc-middleware/logging/zap/ctxzap"

	"github.com/accessgov/baton-connectors/connectors/xero/config"
	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
)

// MainFloor runs baton-xero as Main does (same flags, same defaults), but
// the connector's syncers read dataset() from memory: no HTTP, no JSON, no
// rate limiter, no token. dataset is called only in the process that hosts
// the connector.
func MainFloor(ctx context.Context, dataset func() xerofake.Dataset) {
	run(ctx, "floor", func(ctx context.Context, _ *config.Xero, rt cli.RunTimeOpts) (types.ConnectorServer, error) {
		log := ctxzap.Extract(ctx)
		c := &Connector{tenants: newTenants(newFloorAPI(dataset()), nil, false, log), log: log}
		return connectorbuilder.NewConnector(ctx, c, connectorbuilder.WithSessionStore(rt.SessionStore))
	})
}
