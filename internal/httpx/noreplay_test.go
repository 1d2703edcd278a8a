package httpx

import (
	"context"
	"net/http"
	"testing"
)

func TestClient_DoWithNoReplay(t *testing.T) {
	tests := []struct {
		name         string
		first        func(w http.ResponseWriter)
		noReplay     bool
		wantAttempts int32
	}{
		{name: "500 to a PUT is retried by default", first: func(w http.ResponseWriter) { reply(w, 500, "") }, wantAttempts: 2},
		{name: "500 to a no-replay PUT is not", first: func(w http.ResponseWriter) { reply(w, 500, "") }, noReplay: true, wantAttempts: 1},
		{name: "502 to a no-replay PUT is not", first: func(w http.ResponseWriter) { reply(w, 502, "") }, noReplay: true, wantAttempts: 1},
		{name: "429 to a no-replay PUT is (the server did not act)", first: func(w http.ResponseWriter) { reply(w, 429, "") }, noReplay: true, wantAttempts: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n == 1 {
					tt.first(w)
					return
				}
				reply(w, 200, `{}`)
			})
			ctx := context.Background()
			if tt.noReplay {
				ctx = WithNoReplay(ctx)
			}
			resp, err := send(t, newClient(Options{}), ctx, http.MethodPut, srv.URL+"/x", `{"a":1}`)
			if err == nil {
				_ = resp.Body.Close()
			}
			if got := srv.hits.Load(); got != tt.wantAttempts {
				t.Fatalf("attempts: got %d, want %d (err %v)", got, tt.wantAttempts, err)
			}
		})
	}
}
