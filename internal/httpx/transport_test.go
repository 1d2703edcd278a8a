package httpx

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	"golang.org/x/oauth2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/internal/ratelimit"
)

func TestClient_Do_Limiter(t *testing.T) {
	tenantA := ratelimit.Key{Class: "tenant", ID: "a"}
	tenantB := ratelimit.Key{Class: "tenant", ID: "b"}
	app := ratelimit.Key{Class: "app"}

	t.Run("quota header 0 blocks the key", func(t *testing.T) {
		srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-MinLimit-Remaining", "0")
			reply(w, http.StatusOK, "ok")
		})
		lim := ratelimit.New(map[string]ratelimit.Policy{"tenant": {Limit: 60, Window: time.Hour}})
		c := newClient(Options{Limiter: lim, QuotaHeaders: []QuotaHeader{{Header: "X-MinLimit-Remaining", Class: "tenant"}}})

		resp, err := send(t, c, WithLimitKeys(context.Background(), tenantA, app), http.MethodGet, srv.URL+"/Users", "")
		if err != nil {
			t.Fatalf("first Do: got error %v, want nil", err)
		}
		resp.Body.Close()

		ctx, cancel := context.WithTimeout(WithLimitKeys(context.Background(), tenantA, app), 50*time.Millisecond)
		defer cancel()
		_, err = send(t, c, ctx, http.MethodGet, srv.URL+"/Users", "")
		if got := status.Code(err); got != codes.DeadlineExceeded {
			t.Errorf("second Do on the spent key: got code %v (error %v), want %v", got, err, codes.DeadlineExceeded)
		}
		if got := srv.hits.Load(); got != 1 {
			t.Errorf("requests served: got %d, want 1", got)
		}

		resp, err = send(t, c, WithLimitKeys(context.Background(), tenantB, app), http.MethodGet, srv.URL+"/Users", "")
		if err != nil {
			t.Fatalf("Do on another key: got error %v, want nil", err)
		}
		resp.Body.Close()
	})

	t.Run("in-flight slot is held until the body is closed", func(t *testing.T) {
		srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/missing" {
				reply(w, http.StatusNotFound, "")
				return
			}
			reply(w, http.StatusOK, "ok")
		})
		lim := ratelimit.New(map[string]ratelimit.Policy{"tenant": {MaxInFlight: 1}})
		c := newClient(Options{Limiter: lim})
		ctx := WithLimitKeys(context.Background(), tenantA)

		// A non-2xx response gives its slot back by itself.
		if _, err := send(t, c, ctx, http.MethodGet, srv.URL+"/missing", ""); !IsNotFound(err) || status.Code(err) != codes.FailedPrecondition {
			t.Fatalf("Do: got error %v, want a 404 with FailedPrecondition", err)
		}
		resp, err := send(t, c, ctx, http.MethodGet, srv.URL+"/Users", "")
		if err != nil {
			t.Fatalf("Do: got error %v, want nil", err)
		}
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		if _, err := send(t, c, short, http.MethodGet, srv.URL+"/Users", ""); status.Code(err) != codes.DeadlineExceeded {
			t.Errorf("Do while the body is open: got error %v, want DeadlineExceeded", err)
		}
		resp.Body.Close()
		resp, err = send(t, c, ctx, http.MethodGet, srv.URL+"/Users", "")
		if err != nil {
			t.Fatalf("Do after the body was closed: got error %v, want nil", err)
		}
		resp.Body.Close()
	})
}

func TestClient_Do_Logging(t *testing.T) {
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if n == 1 {
			reply(w, http.StatusServiceUnavailable, `{"access_token":"body-secret"}`)
			return
		}
		reply(w, http.StatusOK, "ok")
	})
	core, logs := observer.New(zapcore.DebugLevel)
	c := newClient(Options{
		Logger:      zap.New(core),
		TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok-secret"}),
	})
	ctx := WithRoute(context.Background(), "/Users")
	resp, err := send(t, c, ctx, http.MethodGet, srv.URL+"/Users?api_key=query-secret", "")
	if err != nil {
		t.Fatalf("Do: got error %v, want nil", err)
	}
	resp.Body.Close()

	entries := logs.All()
	if len(entries) != 2 {
		t.Fatalf("log entries: got %d, want 2 (one per attempt)", len(entries))
	}
	for i, e := range entries {
		fields := e.ContextMap()
		want := map[string]any{"method": "GET", "route": "/Users", "attempt": int64(i + 1), "status": int64([]int{503, 200}[i])}
		for k, v := range want {
			if fields[k] != v {
				t.Errorf("entry %d field %s: got %v, want %v", i, k, fields[k], v)
			}
		}
		if _, ok := fields["duration"]; !ok {
			t.Errorf("entry %d: got no duration field, want one", i)
		}
		line := fmt.Sprint(e.Message, fields)
		for _, secret := range []string{"tok-secret", "query-secret", "body-secret"} {
			if strings.Contains(line, secret) {
				t.Errorf("entry %d: got %q in %q, want no secrets logged", i, secret, line)
			}
		}
	}
}
