package workatoapi

// Test helpers: a loopback server that records every request and answers
// with canned responses, and a real Client (httpx transport, retries and
// all) pointed at it.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accessgov/baton-connectors/internal/httpx"
)

// answer is one canned response; a zero status is 200.
type answer struct {
	status int
	body   string
}

// request is what the server saw of one request.
type request struct {
	method, path, rawQuery, contentType, body string
	query                                     url.Values
}

// stub answers the n-th request with answers[n], repeating the last one.
type stub struct {
	mu      sync.Mutex
	answers []answer
	reqs    []request
}

// newStub starts a server answering with answers and returns a Client for
// it and the stub, to read the requests back.
func newStub(t *testing.T, answers ...answer) (*Client, *stub) {
	t.Helper()
	if len(answers) == 0 {
		answers = []answer{{}}
	}
	s := &stub{answers: answers}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		n := len(s.reqs)
		s.reqs = append(s.reqs, request{
			method: r.Method, path: r.URL.Path, rawQuery: r.URL.RawQuery, query: r.URL.Query(),
			contentType: r.Header.Get("Content-Type"), body: string(body),
		})
		a := s.answers[min(n, len(s.answers)-1)]
		s.mu.Unlock()
		if a.body != "" {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
		}
		st := a.status
		if st == 0 {
			st = http.StatusOK
		}
		w.WriteHeader(st)
		_, _ = io.WriteString(w, a.body)
	}))
	t.Cleanup(srv.Close)
	h := httpx.New(httpx.Options{
		Service: "workato",
		Retry:   httpx.RetryPolicy{MaxAttempts: 3, MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond},
	})
	return New(h, srv.URL), s
}

// requests returns what the server saw so far.
func (s *stub) requests() []request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]request(nil), s.reqs...)
}

// only returns the one request the server saw, failing the test otherwise.
func (s *stub) only(t *testing.T) request {
	t.Helper()
	reqs := s.requests()
	if len(reqs) != 1 {
		t.Fatalf("requests: got %d, want 1", len(reqs))
	}
	return reqs[0]
}

// checkErr fails the test unless err matches wantErr: "" wants no error,
// anything else an error whose text holds it. wantMalformed also wants it
// to be an *httpx.MalformedError.
func checkErr(t *testing.T, err error, wantErr string, wantMalformed bool) {
	t.Helper()
	switch {
	case wantErr == "" && err != nil:
		t.Fatalf("error: got %v, want none", err)
	case wantErr != "" && err == nil:
		t.Fatalf("error: got none, want one mentioning %q", wantErr)
	case wantErr != "" && !strings.Contains(err.Error(), wantErr):
		t.Fatalf("error: got %q, want one mentioning %q", err, wantErr)
	}
	var me *httpx.MalformedError
	if wantMalformed && !errors.As(err, &me) {
		t.Fatalf("error: got %T %v, want a *httpx.MalformedError", err, err)
	}
}

// bg is the context of every test call.
var bg = context.Background()

// fmtAll renders v with every field, for checks that a value is absent.
func fmtAll(v any) string { return fmt.Sprintf("%#v", v) }

// checkList fails unless got holds the items wantIDs, in that order, and
// total is wantTotal.
func checkList[T any](t *testing.T, got []T, id func(T) ID, total int, wantIDs []ID, wantTotal int) {
	t.Helper()
	ids := make([]ID, len(got))
	for i, it := range got {
		ids[i] = id(it)
	}
	if !equalIDs(ids, wantIDs) || total != wantTotal {
		t.Fatalf("got %v total %d, want %v total %d", ids, total, wantIDs, wantTotal)
	}
}
