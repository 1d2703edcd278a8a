package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestClient_GetJSON(t *testing.T) {
	type thing struct {
		Name string `json:"name"`
	}
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		wantName    string
		wantCode    codes.Code
		wantInMsg   string
	}{
		{name: "valid JSON", status: 200, body: `{"name":"widget"}` + "\n", wantName: "widget"},
		{name: "malformed JSON", status: 200, body: `{"name":`, wantCode: codes.Internal, wantInMsg: "response body was not valid JSON"},
		{name: "HTML page", status: 200, contentType: "text/html", body: "<html>maintenance</html>", wantCode: codes.Internal, wantInMsg: `not valid JSON (Content-Type "text/html")`},
		{name: "empty body with Content-Length 0 leaves out untouched", status: 200, body: "", wantName: "untouched"},
		{name: "204 leaves out untouched", status: 204, wantName: "untouched"},
		{name: "trailing data", status: 200, body: `{"name":"a"}{"name":"b"}`, wantCode: codes.Internal, wantInMsg: "unexpected data after the JSON value"},
		{name: "wrong shape", status: 200, body: `[1,2]`, wantCode: codes.Internal, wantInMsg: "does not have the expected shape"},
		{name: "status error passes through", status: 404, body: `{"Message":"no such thing"}`, wantCode: codes.FailedPrecondition, wantInMsg: "404 Not Found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
				if tt.contentType != "" {
					w.Header().Set("Content-Type", tt.contentType)
				}
				reply(w, tt.status, tt.body)
			})
			c := newClient(Options{})
			h := http.Header{}
			h.Set("xero-tenant-id", "t-1")
			out := thing{Name: "untouched"}
			err := c.GetJSON(context.Background(), srv.URL+"/api/things?token=query-secret", h, &out)

			s := srv.seen()[0]
			if s.accept != "application/json" {
				t.Errorf("Accept: got %q, want %q", s.accept, "application/json")
			}
			if s.tenant != "t-1" {
				t.Errorf("xero-tenant-id: got %q, want %q", s.tenant, "t-1")
			}
			if tt.wantCode == codes.OK {
				if err != nil {
					t.Fatalf("GetJSON: got error %v, want nil", err)
				}
				if out.Name != tt.wantName {
					t.Errorf("name: got %q, want %q", out.Name, tt.wantName)
				}
				return
			}
			if got := status.Code(fmt.Errorf("wrap: %w", err)); got != tt.wantCode {
				t.Errorf("code: got %v, want %v (error %v)", got, tt.wantCode, err)
			}
			msg := fmt.Sprint(err)
			if !strings.HasPrefix(msg, "xero: GET /api/things: ") {
				t.Errorf("message: got %q, want prefix %q", msg, "xero: GET /api/things: ")
			}
			if !strings.Contains(msg, tt.wantInMsg) {
				t.Errorf("message: got %q, want it to contain %q", msg, tt.wantInMsg)
			}
			if strings.Contains(msg, "query-secret") {
				t.Errorf("message: got %q, want no query string", msg)
			}
		})
	}
}

func TestClassifyDecodeError(t *testing.T) {
	var typeErr error
	{
		var v struct {
			Data []struct {
				ID int `json:"id"`
			} `json:"data"`
		}
		typeErr = decodeJSON([]byte(`{"data":[{"id":"pr-AQM9-3rydr"}]}`), &v)
	}
	tests := []struct {
		name        string
		err         error
		contentType string
		wantIn      string
		wantField   string
	}{
		{name: "empty", err: io.EOF, wantIn: "empty body"},
		{name: "truncated", err: decodeJSON([]byte(`{"a":`), new(any)), contentType: "application/json", wantIn: `not valid JSON (Content-Type "application/json")`},
		{name: "trailing", err: decodeJSON([]byte(`{}{}`), new(any)), wantIn: "unexpected data after the JSON value"},
		{name: "wrong type names the field", err: typeErr, wantIn: "does not have the expected shape (offset", wantField: "data.id"},
		{name: "not a pointer", err: decodeJSON([]byte(`{}`), struct{}{}), wantIn: "cannot decode into the given value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := classifyDecodeError(tt.err, tt.contentType)
			if !strings.Contains(got.Error(), tt.wantIn) {
				t.Errorf("got %q, want it to contain %q", got, tt.wantIn)
			}
			if f := decodeField(tt.err); f != tt.wantField {
				t.Errorf("field: got %q, want %q", f, tt.wantField)
			}
		})
	}
}

func TestClient_GetJSON_WrongType(t *testing.T) {
	srv := newServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		reply(w, http.StatusOK, `{"data":[{"id":1},{"id":"pr-AQM9-3rydr"}]}`)
	})
	var out struct {
		Data []struct {
			ID int `json:"id"`
		} `json:"data"`
	}
	ctx := WithRoute(context.Background(), "/api/project_roles")
	err := newClient(Options{Service: "workato"}).GetJSON(ctx, srv.URL+"/api/project_roles", nil, &out)
	if got := status.Code(fmt.Errorf("sync: %w", err)); got != codes.Internal {
		t.Errorf("code: got %v, want Internal (error %v)", got, err)
	}
	var me *MalformedError
	if !errors.As(err, &me) {
		t.Fatalf("error: got %T, want *MalformedError", err)
	}
	if me.Field != "data.id" || me.Attempts != 1 {
		t.Errorf("Field, Attempts: got %q, %d, want %q, 1", me.Field, me.Attempts, "data.id")
	}
	if want := `workato: GET /api/project_roles: unexpected response: field "data.id": `; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message: got %q, want prefix %q", err, want)
	}
	if got := srv.hits.Load(); got != 1 {
		t.Errorf("requests served: got %d, want 1 (a decode failure is not retried)", got)
	}
}

// cutBody promises 100 bytes and sends fewer, then drops the connection.
func cutBody(t *testing.T, w http.ResponseWriter) {
	w.Header().Set("Content-Length", "100")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, `{"name":"wid`)
	w.(http.Flusher).Flush()
	hangUp(t, w, true)
}

func TestClient_GetJSON_BodyCut(t *testing.T) {
	tests := []struct {
		name     string
		cuts     int
		wantCode codes.Code
		wantHits int32
	}{
		{name: "a body cut mid-read is retried", cuts: 1, wantCode: codes.OK, wantHits: 2},
		{name: "cut every time is Aborted, never Unavailable", cuts: 99, wantCode: codes.Aborted, wantHits: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(n int, w http.ResponseWriter, _ *http.Request) {
				if n <= tt.cuts {
					cutBody(t, w)
					return
				}
				reply(w, http.StatusOK, `{"name":"widget"}`)
			})
			var out struct {
				Name string `json:"name"`
			}
			err := newClient(Options{}).GetJSON(context.Background(), srv.URL+"/x", nil, &out)
			if got := status.Code(err); got != tt.wantCode {
				t.Errorf("code: got %v, want %v (error %v)", got, tt.wantCode, err)
			}
			if got := srv.hits.Load(); got != tt.wantHits {
				t.Errorf("requests served: got %d, want %d", got, tt.wantHits)
			}
			if tt.wantCode == codes.OK && out.Name != "widget" {
				t.Errorf("name: got %q, want %q", out.Name, "widget")
			}
		})
	}
}

func TestClient_GetJSON_ChunkedEmptyBody(t *testing.T) {
	srv := newServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush() // no Content-Length: chunked, then nothing
	})
	err := newClient(Options{}).GetJSON(context.Background(), srv.URL+"/x", nil, new(map[string]any))
	if got := status.Code(err); got != codes.Internal || !strings.Contains(fmt.Sprint(err), "empty body") {
		t.Errorf("error: got %v (%v), want Internal naming an empty body", err, got)
	}
}

func TestClient_DoJSON(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		wantName string
	}{
		{name: "204 to a PUT is success", status: 204, wantName: "untouched"},
		{name: "200 with Content-Length 0 is success", status: 200, wantName: "untouched"},
		{name: "201 with a body is decoded", status: 201, body: `{"name":"made"}`, wantName: "made"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) { reply(w, tt.status, tt.body) })
			out := struct {
				Name string `json:"name"`
			}{Name: "untouched"}
			err := newClient(Options{}).DoJSON(context.Background(), http.MethodPut, srv.URL+"/x", nil, []byte(`{"a":1}`), &out)
			if err != nil {
				t.Fatalf("DoJSON: got error %v, want nil", err)
			}
			if out.Name != tt.wantName {
				t.Errorf("name: got %q, want %q", out.Name, tt.wantName)
			}
			if s := srv.seen()[0]; s.body != `{"a":1}` || s.method != http.MethodPut {
				t.Errorf("request: got %s %q, want PUT %q", s.method, s.body, `{"a":1}`)
			}
		})
	}
}

func TestClient_MaxBodyBytes(t *testing.T) {
	srv := newServer(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
		reply(w, http.StatusOK, `{"name":"`+strings.Repeat("x", 100)+`"}`)
	})
	c := newClient(Options{MaxBodyBytes: 64})
	ctx := WithRoute(context.Background(), "/api/members")

	err := c.GetJSON(ctx, srv.URL+"/api/members", nil, new(map[string]any))
	if got := status.Code(err); got != codes.FailedPrecondition {
		t.Errorf("GetJSON code: got %v, want FailedPrecondition (error %v)", got, err)
	}
	for _, want := range []string{"xero: GET /api/members: ", "larger than the limit of 64 bytes"} {
		if !strings.Contains(fmt.Sprint(err), want) {
			t.Errorf("GetJSON message: got %q, want it to contain %q", err, want)
		}
	}
	if got := srv.hits.Load(); got != 1 {
		t.Errorf("requests served: got %d, want 1 (not retried)", got)
	}

	resp, err := send(t, c, ctx, http.MethodGet, srv.URL+"/api/members", "")
	if err != nil {
		t.Fatalf("Do: got error %v, want a response", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if len(b) != 64 || status.Code(err) != codes.FailedPrecondition {
		t.Errorf("reading Do's body: got %d bytes and %v, want 64 and a FailedPrecondition error", len(b), err)
	}
}
