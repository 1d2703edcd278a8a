package workato

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/connectors/workato/config"
	"github.com/accessgov/baton-connectors/connectors/workato/workatofake"
	"github.com/accessgov/baton-connectors/internal/syncload"
)

// TestWorkspace_Get_StopsWithSync: a load runs under its sync, not under
// context.WithoutCancel: a new sync ID cancels the old sync's reads (its
// callers see the load superseded), and after close no request is sent.
func TestWorkspace_Get_StopsWithSync(t *testing.T) {
	ws := workatofake.ThreeEnvs()
	fake, url := workatofake.NewTestServer(t, ws, workatofake.Options{Latency: 100 * time.Millisecond}, "us")
	c, err := New(context.Background(), &config.Workato{
		WorkatoApiKey: ws.Clients[0].Token, WorkatoBaseUrl: url, WorkatoEnv: "dev", WorkatoDataCenter: "us",
		WorkatoRequestsPerMinute: 6000,
	}, "test")
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx := context.Background()
	errA := make(chan error, 1)
	go func() {
		_, err := c.ws.get(ctx, "sync-A")
		errA <- err
	}()
	for deadline := time.Now().Add(10 * time.Second); fake.Requests().Total() < 2; {
		if time.Now().After(deadline) {
			t.Fatal("the first sync's load sent no requests")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := c.ws.get(ctx, "sync-B"); err != nil {
		t.Fatalf("get for the second sync: %v", err)
	}
	select {
	case err := <-errA:
		if !errors.Is(err, syncload.ErrSuperseded) && !errors.Is(err, context.Canceled) {
			t.Errorf("first sync's get: got %v, want %v (its load cancelled by the new sync)", err, syncload.ErrSuperseded)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("first sync's get did not return")
	}
	c.ws.close()
	n := fake.Requests().Total()
	time.Sleep(500 * time.Millisecond)
	if got := fake.Requests().Total(); got != n {
		t.Errorf("requests after both syncs ended and the loader closed: got %d more, want 0", got-n)
	}
}
