package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"

	"golang.org/x/net/http2"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/internal/accounting"
	"github.com/accessgov/baton-connectors/internal/fakeapi"
)

// TestClient_Do_HTTP2Faults stages a stream reset and a GOAWAY on a real
// HTTP/2 connection and checks each is retried and the call ends exact.
func TestClient_Do_HTTP2Faults(t *testing.T) {
	tests := []struct {
		name         string
		fault        fakeapi.Fault
		method       string
		wantCode     codes.Code
		wantAttempts int
	}{
		{name: "RST_STREAM is retried", fault: fakeapi.Fault{StreamReset: true}, wantAttempts: 2},
		{name: "GOAWAY mid-request is retried", fault: fakeapi.Fault{GoAway: true}, wantAttempts: 2},
		{name: "RST_STREAM spent is Aborted", fault: fakeapi.Fault{StreamReset: true, Times: 3}, wantCode: codes.Aborted, wantAttempts: 3},
		{name: "RST_STREAM to a POST is not retried", fault: fakeapi.Fault{StreamReset: true}, method: http.MethodPost, wantCode: codes.Aborted, wantAttempts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			faults := &fakeapi.Faults{}
			faults.Add(tt.fault)
			rec := &accounting.Recorder{}
			rt := fakeapi.NewRouter(fakeapi.WithFaults(faults), fakeapi.WithRecorder(rec))
			rt.Handle("/api/members", func(w http.ResponseWriter, r *http.Request) {
				_, _ = fmt.Fprintf(w, `{"proto":%d}`, r.ProtoMajor)
			})
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			srv, err := fakeapi.ServeTLS(ln, rt)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(srv.Close)

			c := newClient(Options{Transport: srv.Transport()})
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			req, err := http.NewRequestWithContext(context.Background(), method, srv.URL+"/api/members", nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.Do(req)
			if got := rec.Total(); got != tt.wantAttempts {
				t.Errorf("requests served: got %d, want %d", got, tt.wantAttempts)
			}
			if tt.wantCode != codes.OK {
				if got := status.Code(err); got != tt.wantCode {
					t.Errorf("code: got %v, want %v (error %v)", got, tt.wantCode, err)
				}
				if got := attemptsOf(err); got != tt.wantAttempts {
					t.Errorf("error attempts: got %d, want %d", got, tt.wantAttempts)
				}
				return
			}
			if err != nil {
				t.Fatalf("Do: got error %v, want success", err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.ProtoMajor != 2 || string(body) != `{"proto":2}` {
				t.Errorf("response: got proto %d body %q, want HTTP/2 and {\"proto\":2}", resp.ProtoMajor, body)
			}
		})
	}
}

// TestNew_DefaultTransportNegotiatesHTTP2 checks the default transport
// offers h2: both vendors serve it.
func TestNew_DefaultTransportNegotiatesHTTP2(t *testing.T) {
	tr, ok := New(Options{}).base.(*http.Transport)
	if !ok || !tr.ForceAttemptHTTP2 {
		t.Fatalf("default transport: got %T (ForceAttemptHTTP2 %v), want an *http.Transport attempting HTTP/2", New(Options{}).base, ok && tr.ForceAttemptHTTP2)
	}
}

// msgError stands for net/http's unexported HTTP/2 errors, known by
// their messages.
type msgError string

func (e msgError) Error() string { return string(e) }

func TestIsRetryableError(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{name: "x/net stream error INTERNAL", err: http2.StreamError{StreamID: 3, Code: http2.ErrCodeInternal}, want: true},
		{name: "x/net stream error REFUSED_STREAM", err: http2.StreamError{StreamID: 3, Code: http2.ErrCodeRefusedStream}, want: true},
		{name: "x/net stream error PROTOCOL", err: http2.StreamError{StreamID: 3, Code: http2.ErrCodeProtocol}, want: false},
		{name: "x/net GOAWAY", err: http2.GoAwayError{LastStreamID: 1, ErrCode: http2.ErrCodeNo}, want: true},
		{name: "x/net connection error INTERNAL", err: http2.ConnectionError(http2.ErrCodeInternal), want: true},
		{name: "bundled stream reset message", err: fmt.Errorf("wrapped: %w", msgError("stream error: stream ID 3; INTERNAL_ERROR; received from peer")), want: true},
		{name: "bundled stream protocol message", err: msgError("stream error: stream ID 3; PROTOCOL_ERROR"), want: false},
		{name: "bundled GOAWAY message", err: msgError(`http2: server sent GOAWAY and closed the connection; LastStreamID=1, ErrCode=NO_ERROR, debug=""`), want: true},
		{name: "bundled lost connection", err: msgError("http2: client connection lost"), want: true},
		{name: "connection reset", err: &net.OpError{Op: "read", Err: syscall.ECONNRESET}, want: true},
		{name: "unexpected EOF", err: io.ErrUnexpectedEOF, want: true},
		{name: "refused redirect", err: &RedirectError{From: "a", To: "b", Reason: "x"}, want: false},
		{name: "certificate", err: errors.New("tls: failed to verify certificate: x509: certificate signed by unknown authority"), want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isRetryableError(tt.err); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
