package workato

// Resource IDs of objects that live in one environment (projects,
// folders): a DEV object keeps its bare Workato ID, as it always had, and
// any other environment's is "<env>:<id>", so IDs of different
// environments cannot collide.

import (
	"fmt"
	"strings"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
)

// envResourceID is the resource ID of the object id in env.
func envResourceID(env string, id workatoapi.ID) string {
	if env == "" || env == workatoapi.EnvDev {
		return id.String()
	}
	return env + ":" + id.String()
}

// splitEnvID reads a resource ID made by envResourceID.
func splitEnvID(rid string) (env string, id workatoapi.ID, err error) {
	env = workatoapi.EnvDev
	raw := rid
	if e, rest, ok := strings.Cut(rid, ":"); ok {
		if e == "" || strings.ContainsAny(e, ":/ ") {
			return "", "", fmt.Errorf("resource ID %q: bad environment %q", rid, e)
		}
		env, raw = strings.ToLower(e), rest
	}
	if id, err = workatoapi.ParseID(raw); err != nil {
		return "", "", fmt.Errorf("resource ID %q: %w", rid, err)
	}
	return env, id, nil
}
