package connectortest

import (
	"context"
	"encoding/json"
	"os"
	"sort"
	"testing"
	"time"
)

// Capabilities is the part of a `capabilities` answer tests check.
type Capabilities struct {
	ResourceTypes         []string            // sorted
	ByType                map[string][]string // resource type → capabilities
	ConnectorCapabilities []string
}

type capabilitiesJSON struct {
	ResourceTypeCapabilities []struct {
		ResourceType struct {
			ID string `json:"id"`
		} `json:"resourceType"`
		Capabilities []string `json:"capabilities"`
	} `json:"resourceTypeCapabilities"`
	ConnectorCapabilities []string `json:"connectorCapabilities"`
}

// CheckCapabilities runs the connector's `capabilities` command offline,
// with no credentials, fails t unless its output equals the committed file
// at path (as JSON), and returns what it says.
func CheckCapabilities(t testing.TB, marker, path string) Capabilities {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := Exec(ctx, marker, nil, "capabilities")
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("capabilities: exit %d, err %v\n%s", res.ExitCode, err, Tail(res.Stderr, 3000))
	}
	var got capabilitiesJSON
	if err := json.Unmarshal([]byte(res.Stdout), &got); err != nil {
		t.Fatalf("capabilities output is not JSON: %v\n%s", err, Tail(res.Stdout, 2000))
	}
	committed, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read committed capabilities: %v", err)
	}
	if !sameJSON(committed, []byte(res.Stdout)) {
		t.Errorf("%s is stale (run make generate): got\n%s\nwant\n%s", path, committed, res.Stdout)
	}
	out := Capabilities{ByType: map[string][]string{}, ConnectorCapabilities: got.ConnectorCapabilities}
	for _, rc := range got.ResourceTypeCapabilities {
		out.ResourceTypes = append(out.ResourceTypes, rc.ResourceType.ID)
		out.ByType[rc.ResourceType.ID] = rc.Capabilities
	}
	sort.Strings(out.ResourceTypes)
	return out
}

func sameJSON(a, b []byte) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return string(xa) == string(ya)
}
