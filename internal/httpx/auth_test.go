package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/internal/accounting"
)

// tokens hands out its tokens in turn, moving on when one is invalidated.
type tokens struct {
	mu          sync.Mutex
	values      []string
	next        int
	invalidated []string
}

func (s *tokens) Token() (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &oauth2.Token{AccessToken: s.values[min(s.next, len(s.values)-1)], TokenType: "Bearer"}, nil
}

func (s *tokens) Invalidate(tok *oauth2.Token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.invalidated = append(s.invalidated, tok.AccessToken)
	s.next++
}

func TestClient_Do_Unauthorized(t *testing.T) {
	tests := []struct {
		name            string
		method          string
		invalidator     bool
		accept          string // the token the server accepts
		wantCode        codes.Code
		wantAttempts    int
		wantInvalidated []string
		wantAuth        []string
	}{
		{
			name: "fresh token is accepted", invalidator: true, accept: "new",
			wantCode: codes.OK, wantAttempts: 2, wantInvalidated: []string{"old"},
			wantAuth: []string{"Bearer old", "Bearer new"},
		},
		{
			name: "second 401 is the error", invalidator: true, accept: "none",
			wantCode: codes.Unauthenticated, wantAttempts: 2, wantInvalidated: []string{"old"},
			wantAuth: []string{"Bearer old", "Bearer new"},
		},
		{
			name: "POST is retried once too", method: http.MethodPost, invalidator: true, accept: "new",
			wantCode: codes.OK, wantAttempts: 2, wantInvalidated: []string{"old"},
			wantAuth: []string{"Bearer old", "Bearer new"},
		},
		{
			name: "no retry without an Invalidator", invalidator: false, accept: "new",
			wantCode: codes.Unauthenticated, wantAttempts: 1,
			wantAuth: []string{"Bearer old"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") != "Bearer "+tt.accept {
					reply(w, http.StatusUnauthorized, `{"Title":"Unauthorized","Detail":"TokenExpired"}`)
					return
				}
				reply(w, http.StatusOK, "ok")
			})
			src := &tokens{values: []string{"old", "new"}}
			var ts oauth2.TokenSource = src
			if !tt.invalidator {
				ts = oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "old"})
			}
			c := newClient(Options{TokenSource: ts, Retry: RetryPolicy{MaxAttempts: 6, MinBackoff: time.Millisecond}})
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			resp, err := send(t, c, context.Background(), method, srv.URL+"/Users", "")
			if err == nil {
				resp.Body.Close()
			}
			if got := status.Code(err); got != tt.wantCode {
				t.Errorf("code: got %v, want %v (error %v)", got, tt.wantCode, err)
			}
			if got := int(srv.hits.Load()); got != tt.wantAttempts {
				t.Errorf("requests served: got %d, want %d", got, tt.wantAttempts)
			}
			if !reflect.DeepEqual(src.invalidated, tt.wantInvalidated) {
				t.Errorf("invalidated: got %q, want %q", src.invalidated, tt.wantInvalidated)
			}
			var auth []string
			for _, s := range srv.seen() {
				auth = append(auth, s.auth)
			}
			if !reflect.DeepEqual(auth, tt.wantAuth) {
				t.Errorf("Authorization headers: got %q, want %q", auth, tt.wantAuth)
			}
		})
	}
}

type failingTokens struct{ err error }

func (f failingTokens) Token() (*oauth2.Token, error) { return nil, f.err }

func TestClient_Do_TokenSourceError(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		wantCode codes.Code
	}{
		{name: "plain error is Unauthenticated", err: errors.New("refresh token expired"), wantCode: codes.Unauthenticated},
		{name: "gRPC code is kept", err: status.Error(codes.PermissionDenied, "refresh token expired"), wantCode: codes.PermissionDenied},
		{name: "wrapped gRPC code is kept", err: fmt.Errorf("token store: %w", status.Error(codes.FailedPrecondition, "refresh token expired")), wantCode: codes.FailedPrecondition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { reply(w, http.StatusOK, "ok") })
			rec := &accounting.Recorder{}
			c := newClient(Options{TokenSource: failingTokens{tt.err}, Recorder: rec})
			_, err := send(t, c, context.Background(), http.MethodGet, srv.URL+"/Users", "")
			if got := status.Code(fmt.Errorf("sync: %w", err)); got != tt.wantCode {
				t.Errorf("code: got %v, want %v (error %v)", got, tt.wantCode, err)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("errors.Is(err, token error): got false, want true (error %v)", err)
			}
			if !strings.HasPrefix(err.Error(), "xero: GET /Users: get access token: ") || !strings.Contains(err.Error(), "refresh token expired") {
				t.Errorf("message: got %q, want the service prefix and the token error", err)
			}
			if got := srv.hits.Load(); got != 0 {
				t.Errorf("requests served: got %d, want 0", got)
			}
			if got := rec.Total(); got != 0 {
				t.Errorf("recorded attempts: got %d, want 0", got)
			}
		})
	}
}

func TestClient_Do_Headers(t *testing.T) {
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/away" {
			http.Redirect(w, r, "/landing", http.StatusFound)
			return
		}
		reply(w, http.StatusOK, "ok")
	})
	c := newClient(Options{
		UserAgent:   "baton-xero/v1.2.3",
		TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "tok-123"}),
	})

	tests := []struct {
		name     string
		path     string
		server   *testServer
		wantUA   string
		wantAuth string
	}{
		{name: "same host gets UA and token", path: "/Users", server: srv, wantUA: "baton-xero/v1.2.3", wantAuth: "Bearer tok-123"},
		{name: "redirect on the same host gets no token", path: "/away", server: srv, wantUA: "baton-xero/v1.2.3", wantAuth: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := send(t, c, context.Background(), http.MethodGet, srv.URL+tt.path, "")
			if err != nil {
				t.Fatalf("Do: got error %v, want nil", err)
			}
			resp.Body.Close()
			reqs := tt.server.seen()
			last := reqs[len(reqs)-1]
			if last.userAgent != tt.wantUA {
				t.Errorf("User-Agent: got %q, want %q", last.userAgent, tt.wantUA)
			}
			if last.auth != tt.wantAuth {
				t.Errorf("Authorization: got %q, want %q", last.auth, tt.wantAuth)
			}
		})
	}
}
