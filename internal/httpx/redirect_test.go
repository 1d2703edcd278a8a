package httpx

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/oauth2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestClient_Do_Redirects(t *testing.T) {
	other := newServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { reply(w, http.StatusOK, "there") })
	srv := newServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/elsewhere":
			http.Redirect(w, r, other.URL+"/landing?token=q-secret", http.StatusFound)
		case "/keep-body":
			http.Redirect(w, r, "/landing", http.StatusTemporaryRedirect)
		case "/here":
			http.Redirect(w, r, "/landing", http.StatusFound)
		default:
			reply(w, http.StatusOK, "ok")
		}
	})
	// A scheme change alone must be refused: the https server sends the
	// client to its own host and port over http.
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://"+r.Host+"/landing", http.StatusFound)
	}))
	t.Cleanup(tlsSrv.Close)

	tests := []struct {
		name       string
		url        string
		method     string
		body       string
		header     string // an Authorization the caller set itself
		transport  http.RoundTripper
		wantErrIn  []string
		wantAuth   string // what the landing request carried
		wantLanded bool
	}{
		{
			name: "to another host (port) is refused", url: srv.URL + "/elsewhere?api_key=q-secret",
			wantErrIn: []string{"refused redirect from " + srv.URL + "/elsewhere to " + other.URL + "/landing", "another host"},
		},
		{
			name: "from https to http is refused", url: tlsSrv.URL + "/x?api_key=q-secret", transport: tlsSrv.Client().Transport,
			wantErrIn: []string{"refused redirect from " + tlsSrv.URL + "/x to http://", "leaves https for http"},
		},
		{
			name: "a 307 that would resend the body is refused", url: srv.URL + "/keep-body", method: http.MethodPut, body: "client_secret=s3",
			wantErrIn: []string{"would resend the request body"},
		},
		{
			name: "same host is followed without the caller's Authorization", url: srv.URL + "/here", header: "Basic dXNlcjpwYXNz",
			wantLanded: true, wantAuth: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClient(Options{
				Transport:   tt.transport,
				TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok-123"}),
			})
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			var body *strings.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			req, err := http.NewRequestWithContext(context.Background(), method, tt.url, nil)
			if body != nil {
				req, err = http.NewRequestWithContext(context.Background(), method, tt.url, body)
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			before := len(srv.seen())
			resp, err := c.Do(req)
			if tt.wantLanded {
				if err != nil {
					t.Fatalf("Do: got error %v, want the landing page", err)
				}
				resp.Body.Close()
				seen := srv.seen()[before:]
				last := seen[len(seen)-1]
				if last.path != "/landing" || last.auth != tt.wantAuth {
					t.Errorf("landing request: got path %q auth %q, want /landing and auth %q", last.path, last.auth, tt.wantAuth)
				}
				return
			}
			if err == nil {
				resp.Body.Close()
				t.Fatalf("Do: got status %d, want a refused redirect", resp.StatusCode)
			}
			var re *RedirectError
			if !errors.As(err, &re) {
				t.Errorf("error: got %T %v, want a *RedirectError inside", err, err)
			}
			if got := status.Code(err); got != codes.FailedPrecondition {
				t.Errorf("code: got %v, want FailedPrecondition", got)
			}
			for _, want := range tt.wantErrIn {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("message: got %q, want it to contain %q", err, want)
				}
			}
			if strings.Contains(err.Error(), "q-secret") {
				t.Errorf("message: got %q, want no query string", err)
			}
			if got := other.hits.Load(); got != 0 {
				t.Errorf("requests to the other host: got %d, want 0", got)
			}
		})
	}
}

// TestClient_StandardClient_Redirects checks the token-exchange client
// refuses a redirect elsewhere too: a form with credentials must not follow
// it.
func TestClient_StandardClient_Redirects(t *testing.T) {
	other := newServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { reply(w, http.StatusOK, `{}`) })
	srv := newServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/token", http.StatusFound)
	})
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/connect/token", strings.NewReader("client_secret=s3&grant_type=refresh_token"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = newClient(Options{}).StandardClient(RetryPOST).Do(req)
	var re *RedirectError
	if !errors.As(err, &re) {
		t.Fatalf("error: got %v, want a refused redirect", err)
	}
	if got := other.hits.Load(); got != 0 {
		t.Errorf("requests to the other host: got %d, want 0", got)
	}
}
