// Package connector holds the scaffolding both connectors wrote by hand:
// adapting a connector's New to the constructor baton-sdk's cli calls, and
// coding a configuration error as InvalidArgument.
package connector

import (
	"context"
	"strings"

	"github.com/conductorone/baton-sdk/pkg/cli"
	"github.com/conductorone/baton-sdk/pkg/connectorbuilder"
	"github.com/conductorone/baton-sdk/pkg/field"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// New builds a connector from its parsed configuration; version goes into
// the User-Agent. It should make no network call.
type New[T field.Configurable, B connectorbuilder.ConnectorBuilderV2] func(ctx context.Context, cfg T, version string) (B, error)

// Constructor returns the constructor baton-sdk calls with the parsed
// configuration: it calls build and adds no builder options.
//
//	func NewConnector(version string) cli.NewConnector[*config.Xero] {
//		return connector.Constructor(version, New)
//	}
func Constructor[T field.Configurable, B connectorbuilder.ConnectorBuilderV2](version string, build New[T, B]) cli.NewConnector[T] {
	return func(ctx context.Context, cfg T, _ *cli.ConnectorOpts) (connectorbuilder.ConnectorBuilderV2, []connectorbuilder.Opt, error) {
		c, err := build(ctx, cfg, version)
		if err != nil {
			return nil, nil, err
		}
		return c, nil, nil
	}
}

// Invalid codes a configuration error as InvalidArgument, its message
// prefixed "<service>: " once, so that the run stops at once with the message:
// baton-sdk retries nothing with that code. An error that already carries
// a gRPC code other than Unknown (from creds, say) is returned unchanged,
// prefix included.
func Invalid(service string, err error) error {
	if err == nil {
		return nil
	}
	if st, ok := status.FromError(err); ok && st.Code() != codes.Unknown {
		return err
	}
	return status.Error(codes.InvalidArgument, service+": "+strings.TrimPrefix(err.Error(), service+": "))
}
