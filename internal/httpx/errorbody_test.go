package httpx

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestClient_Do_RedactsBody(t *testing.T) {
	body := `{"error":"invalid_grant","refresh_token":"rt-secret-123",` + "\n\n   " +
		`"detail":"sent header Authorization: Bearer abc.def-ghi"}`
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { reply(w, http.StatusBadRequest, body) })
	c := newClient(Options{})
	_, err := send(t, c, context.Background(), http.MethodGet, srv.URL+"/token", "")
	var se *StatusError
	if !errors.As(err, &se) {
		t.Fatalf("error: got %v, want *StatusError", err)
	}
	// Only the known error fields are kept (refresh_token is dropped), in
	// key order, and their strings are redacted too.
	want := `{"detail":"sent header Authorization: Bearer [REDACTED]","error":"invalid_grant"}`
	if se.Body != want {
		t.Errorf("Body: got %q, want %q", se.Body, want)
	}
	for _, secret := range []string{"rt-secret-123", "abc.def-ghi"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("message %q: got secret %q, want it redacted", err, secret)
		}
	}
}

func TestClient_Do_LongBody(t *testing.T) {
	long := strings.Repeat("word \n\t ", 5000)
	srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) { reply(w, http.StatusConflict, long) })
	c := newClient(Options{})
	_, err := send(t, c, context.Background(), http.MethodGet, srv.URL+"/x", "")
	var se *StatusError
	if !errors.As(err, &se) {
		t.Fatalf("error: got %v, want *StatusError", err)
	}
	if len(se.Body) > BodyExcerptBytes {
		t.Errorf("Body length: got %d, want at most %d", len(se.Body), BodyExcerptBytes)
	}
	if !strings.HasPrefix(se.Body, "word word word") || !strings.HasSuffix(se.Body, "...") {
		t.Errorf("Body: got %q, want collapsed words ending in ...", se.Body)
	}
	if got := status.Code(err); got != codes.AlreadyExists {
		t.Errorf("code: got %v, want %v", got, codes.AlreadyExists)
	}
}
