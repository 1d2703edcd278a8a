package xero

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"golang.org/x/oauth2"

	"github.com/accessgov/baton-connectors/connectors/xero/internal/xeroapi"
	"github.com/accessgov/baton-connectors/connectors/xero/xerofake"
	"github.com/accessgov/baton-connectors/internal/httpx"
)

// TestTenants_NewSyncCancelsOldLoads: a read still in flight for one sync
// is cancelled (the server sees its request end) when the next sync
// begins, and Close leaves no read running.
func TestTenants_NewSyncCancelsOldLoads(t *testing.T) {
	ds := xerofake.Demo()
	fake := xerofake.New(ds, xerofake.Options{})
	var started, cancelled atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/Users") {
			started.Add(1)
			select {
			case <-r.Context().Done(): // the client gave up on the request
				cancelled.Add(1)
				return
			case <-time.After(30 * time.Second):
			}
		}
		fake.ServeHTTP(w, r)
	}))
	defer srv.Close()
	rt := fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read")
	tok := fetchToken(t, srv.URL, rt)
	h := httpx.New(httpx.Options{Service: "xero", TokenSource: oauth2.StaticTokenSource(tok)})
	tn := newTenants(xeroapi.New(h, srv.URL), nil, false, zap.NewNop())
	defer tn.close()

	ctx := context.Background()
	conns, err := tn.connections(ctx, "sync-1")
	if err != nil {
		t.Fatalf("connections: %v", err)
	}
	tn.prefetch("sync-1", []string{conns[0].TenantID})
	waitFor(t, "the /Users read to start", func() bool { return started.Load() == 1 })

	if _, err := tn.connections(ctx, "sync-2"); err != nil {
		t.Fatalf("connections of the next sync: %v", err)
	}
	waitFor(t, "the old sync's /Users read to be cancelled", func() bool { return cancelled.Load() == 1 })
	if got, want := fake.Requests().Count("GET", "/connections"), 2; got != want {
		t.Errorf("GET /connections calls: got %d, want %d (one per sync)", got, want)
	}
}

// TestTenants_ValidateAnswerReusedOnce: the /connections answer Validate
// read serves the first sync, and only that one.
func TestTenants_ValidateAnswerReusedOnce(t *testing.T) {
	fake := xerofake.New(xerofake.Demo(), xerofake.Options{})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	tok := fetchToken(t, srv.URL, fake.IssueRefreshToken("demo-web-client", "offline_access", "accounting.settings.read"))
	tn := newTenants(xeroapi.New(httpx.New(httpx.Options{Service: "xero", TokenSource: oauth2.StaticTokenSource(tok)}), srv.URL), nil, false, zap.NewNop())
	defer tn.close()
	ctx := context.Background()
	if err := tn.validate(ctx); err != nil {
		t.Fatalf("validate: %v", err)
	}
	for _, id := range []string{"sync-1", "sync-1", "sync-2"} {
		if _, err := tn.connections(ctx, id); err != nil {
			t.Fatalf("connections(%s): %v", id, err)
		}
	}
	if got, want := fake.Requests().Count("GET", "/connections"), 2; got != want {
		t.Errorf("GET /connections calls: got %d, want %d (Validate's, reused by sync-1; sync-2's own)", got, want)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// fetchToken spends rt at the fake's token endpoint for an access token.
func fetchToken(t *testing.T, base, rt string) *oauth2.Token {
	t.Helper()
	conf := &oauth2.Config{
		ClientID: "demo-web-client", ClientSecret: "demo-web-secret",
		Endpoint: oauth2.Endpoint{TokenURL: base + "/connect/token", AuthStyle: oauth2.AuthStyleInHeader},
	}
	tok, err := conf.TokenSource(context.Background(), &oauth2.Token{RefreshToken: rt}).Token()
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	return tok
}
