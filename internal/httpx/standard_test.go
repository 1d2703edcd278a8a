package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/accessgov/baton-connectors/internal/accounting"
)

func TestClient_StandardClient(t *testing.T) {
	tests := []struct {
		name       string
		method     string
		retryPOST  bool
		statuses   []int // by request number; the last one repeats
		wantStatus int
		wantHits   int
	}{
		{name: "final 400 is returned with its body", method: http.MethodPost, statuses: []int{400}, wantStatus: 400, wantHits: 1},
		{name: "GET 503 is retried", method: http.MethodGet, statuses: []int{503, 200}, wantStatus: 200, wantHits: 2},
		{name: "POST 503 is retried with retryPOST", method: http.MethodPost, retryPOST: true, statuses: []int{503, 200}, wantStatus: 200, wantHits: 2},
		{name: "POST 503 is not retried without retryPOST", method: http.MethodPost, statuses: []int{503, 200}, wantStatus: 503, wantHits: 1},
		{name: "spent retries return the last response", method: http.MethodGet, statuses: []int{502}, wantStatus: 502, wantHits: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				code := tt.statuses[min(n, len(tt.statuses))-1]
				reply(w, code, fmt.Sprintf(`{"error":"e%d"}`, code))
			})
			rec := &accounting.Recorder{}
			c := newClient(Options{
				UserAgent:   "baton-xero/test",
				Recorder:    rec,
				TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "must-not-be-sent"}),
			})
			req, err := http.NewRequest(tt.method, srv.URL+"/connect/token", strings.NewReader("grant_type=refresh_token"))
			if err != nil {
				t.Fatal(err)
			}
			var opts []StandardOption
			if tt.retryPOST {
				opts = append(opts, RetryPOST)
			}
			resp, err := c.StandardClient(opts...).Do(req)
			if err != nil {
				t.Fatalf("Do: got error %v, want a response", err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("status: got %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if want := fmt.Sprintf(`{"error":"e%d"}`, tt.wantStatus); string(body) != want {
				t.Errorf("body: got %q, want %q", body, want)
			}
			if got := int(srv.hits.Load()); got != tt.wantHits {
				t.Errorf("requests served: got %d, want %d", got, tt.wantHits)
			}
			if got := rec.Count(tt.method, "/connect/token"); got != tt.wantHits {
				t.Errorf("recorded attempts: got %d, want %d", got, tt.wantHits)
			}
			for _, s := range srv.seen() {
				if s.auth != "" || s.userAgent != "baton-xero/test" || s.body != "grant_type=refresh_token" {
					t.Errorf("request seen: got auth %q, UA %q, body %q; want no auth, UA %q and the form body",
						s.auth, s.userAgent, s.body, "baton-xero/test")
				}
			}
		})
	}
}

func TestClient_StandardClient_OAuth2(t *testing.T) {
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		reply(w, http.StatusBadRequest, `{"error":"invalid_grant","error_description":"refresh token expired"}`)
	})
	c := newClient(Options{})
	cfg := oauth2.Config{ClientID: "id", ClientSecret: "secret", Endpoint: oauth2.Endpoint{TokenURL: srv.URL + "/token"}}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, c.StandardClient(RetryPOST))
	_, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: "rt"}).Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		t.Fatalf("error: got %v, want *oauth2.RetrieveError", err)
	}
	if re.ErrorCode != "invalid_grant" {
		t.Errorf("ErrorCode: got %q, want %q", re.ErrorCode, "invalid_grant")
	}
}
