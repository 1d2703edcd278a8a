package httpx

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func TestStatusError_Error(t *testing.T) {
	tests := []struct {
		name string
		err  *StatusError
		want string
	}{
		{
			name: "with body",
			err:  &StatusError{Service: "xero", Method: "GET", Route: "/api.xro/2.0/Users", StatusCode: 403, Body: `{"Title":"Forbidden"}`},
			want: `xero: GET /api.xro/2.0/Users: 403 Forbidden: {"Title":"Forbidden"}`,
		},
		{
			name: "with message and body",
			err:  &StatusError{Service: "xero", Method: "GET", Route: "/Users", StatusCode: 401, Msg: "re-authorise the app", Body: "nope"},
			want: "xero: GET /Users: 401 Unauthorized: re-authorise the app: nope",
		},
		{
			name: "unknown status, no service",
			err:  &StatusError{Method: "POST", Route: "/x", StatusCode: 599},
			want: "POST /x: 599",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStatusError_GRPCStatus(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want codes.Code
	}{
		{name: "explicit code", err: &StatusError{StatusCode: 503, Code: codes.Aborted}, want: codes.Aborted},
		{name: "zero code falls back to the status", err: &StatusError{StatusCode: 404}, want: codes.FailedPrecondition},
		{name: "wrapped once", err: fmt.Errorf("list users: %w", &StatusError{StatusCode: 403, Code: codes.PermissionDenied}), want: codes.PermissionDenied},
		{name: "wrapped twice", err: fmt.Errorf("sync: %w", fmt.Errorf("list users: %w", &StatusError{StatusCode: 429, Code: codes.ResourceExhausted})), want: codes.ResourceExhausted},
		{name: "request error wrapped", err: fmt.Errorf("sync: %w", &RequestError{Code: codes.Aborted, Err: errors.New("EOF")}), want: codes.Aborted},
		{name: "request error without code", err: &RequestError{Err: errors.New("x")}, want: codes.Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := status.Code(tt.err); got != tt.want {
				t.Errorf("status.Code: got %v, want %v", got, tt.want)
			}
			s, ok := status.FromError(tt.err)
			if !ok {
				t.Fatalf("status.FromError ok: got false, want true")
			}
			if s.Message() != tt.err.Error() {
				t.Errorf("status message: got %q, want %q", s.Message(), tt.err.Error())
			}
		})
	}
}

func TestRequestError_Error(t *testing.T) {
	tests := []struct {
		name string
		err  *RequestError
		want string
	}{
		{
			name: "gave up",
			err:  &RequestError{Service: "xero", Method: "GET", Route: "/Users", Msg: "gave up after 6 attempts over 3s", Err: errors.New("EOF")},
			want: "xero: GET /Users: gave up after 6 attempts over 3s: EOF",
		},
		{
			name: "no message",
			err:  &RequestError{Service: "xero", Method: "GET", Route: "/Users", Err: errors.New("connection refused")},
			want: "xero: GET /Users: connection refused",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCodeForStatus(t *testing.T) {
	tests := []struct {
		name   string
		status int
		want   codes.Code
	}{
		{name: "200", status: 200, want: codes.OK},
		{name: "204", status: 204, want: codes.OK},
		{name: "304", status: 304, want: codes.Unknown},
		{name: "400", status: 400, want: codes.InvalidArgument},
		{name: "401", status: 401, want: codes.Unauthenticated},
		{name: "403", status: 403, want: codes.PermissionDenied},
		{name: "404", status: 404, want: codes.FailedPrecondition},
		{name: "405", status: 405, want: codes.Unimplemented},
		{name: "408", status: 408, want: codes.Aborted},
		{name: "409", status: 409, want: codes.AlreadyExists},
		{name: "410", status: 410, want: codes.FailedPrecondition},
		{name: "412", status: 412, want: codes.FailedPrecondition},
		{name: "418", status: 418, want: codes.FailedPrecondition},
		{name: "422", status: 422, want: codes.InvalidArgument},
		{name: "429", status: 429, want: codes.ResourceExhausted},
		{name: "500", status: 500, want: codes.Aborted},
		{name: "501", status: 501, want: codes.Unimplemented},
		{name: "503", status: 503, want: codes.Aborted},
		{name: "505", status: 505, want: codes.Aborted},
		{name: "507", status: 507, want: codes.Aborted},
		{name: "511", status: 511, want: codes.Aborted},
		{name: "520", status: 520, want: codes.Aborted},
		{name: "599", status: 599, want: codes.Aborted},
		{name: "0", status: 0, want: codes.Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CodeForStatus(tt.status); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		value  string
		want   time.Duration
		wantOK bool
	}{
		{name: "seconds", value: "120", want: 2 * time.Minute, wantOK: true},
		{name: "zero", value: "0", want: 0, wantOK: true},
		{name: "spaces", value: " 7 ", want: 7 * time.Second, wantOK: true},
		{name: "HTTP date", value: "Wed, 01 May 2024 12:00:30 GMT", want: 30 * time.Second, wantOK: true},
		{name: "RFC 850 date", value: "Wednesday, 01-May-24 13:00:00 GMT", want: time.Hour, wantOK: true},
		{name: "date in the past", value: "Wed, 01 May 2024 11:00:00 GMT", want: 0, wantOK: true},
		{name: "huge seconds do not overflow", value: "99999999999999999", want: time.Duration(1<<63-1) / time.Second * time.Second, wantOK: true},
		{name: "negative", value: "-5", wantOK: false},
		{name: "empty", value: "", wantOK: false},
		{name: "garbage", value: "soon", wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := parseRetryAfter(tt.value, now)
			if ok != tt.wantOK || got != tt.want {
				t.Errorf("got (%v, %v), want (%v, %v)", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{
			name: "JSON tokens",
			in:   `{"access_token":"at1","refresh_token": "rt1","token_type":"Bearer","expires_in":1800}`,
			want: `{"access_token":"[REDACTED]","refresh_token": "[REDACTED]","token_type":"Bearer","expires_in":1800}`,
		},
		{
			name: "JSON keys in any case, escaped quotes and numbers",
			in:   `{"Password":"p\"w","API_KEY":"k","apikey":"k2","client_secret":"cs","Code":12345,"code_verifier":"cv","id_token":"it","token":"t"}`,
			want: `{"Password":"[REDACTED]","API_KEY":"[REDACTED]","apikey":"[REDACTED]","client_secret":"[REDACTED]","Code":"[REDACTED]","code_verifier":"[REDACTED]","id_token":"[REDACTED]","token":"[REDACTED]"}`,
		},
		{
			name: "JSON string cut short",
			in:   `{"refresh_token":"abcdef`,
			want: `{"refresh_token":"[REDACTED]"`,
		},
		{
			name: "JSON escaped inside a string",
			in:   `{"detail":"{\"access_token\":\"inner\",\"ok\":1}"}`,
			want: `{"detail":"{\"access_token\":\"[REDACTED]\",\"ok\":1}"}`,
		},
		{
			name: "similar keys are kept",
			in:   `{"tokens":3,"token_type":"bearer","postcode":"2000","error_code":"E1"}`,
			want: `{"tokens":3,"token_type":"bearer","postcode":"2000","error_code":"E1"}`,
		},
		{
			name: "form fields",
			in:   `grant_type=authorization_code&code=abc123&client_secret=s3&redirect_uri=https%3A%2F%2Fx`,
			want: `grant_type=authorization_code&code=[REDACTED]&client_secret=[REDACTED]&redirect_uri=https%3A%2F%2Fx`,
		},
		{
			name: "bearer token in text",
			in:   "request had Authorization: Bearer eyJhbGciOi.JIUzI1.NiJ9 and failed",
			want: "request had Authorization: Bearer [REDACTED] and failed",
		},
		{
			name: "XML elements",
			in:   `<Error><Code>AccessDenied</Code><Password>hunter2</Password></Error>`,
			want: `<Error><Code>AccessDenied</Code><Password>[REDACTED]</Password></Error>`,
		},
		{
			name: "plain text without secrets is unchanged",
			in:   "Service Unavailable: try again later (ref 1234)",
			want: "Service Unavailable: try again later (ref 1234)",
		},
		{
			name: "XML without secrets is unchanged",
			in:   `<?xml version="1.0"?><ApiException><ErrorNumber>10</ErrorNumber><Message>A validation exception occurred</Message></ApiException>`,
			want: `<?xml version="1.0"?><ApiException><ErrorNumber>10</ErrorNumber><Message>A validation exception occurred</Message></ApiException>`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Redact(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "whitespace collapsed", in: "  a \n\n b\t\tc  ", want: "a b c"},
		{name: "invalid UTF-8 replaced", in: "ok \xff\xfe done", want: "ok \uFFFD done"},
		{name: "cut at a rune boundary", in: strings.Repeat("é", 400), want: strings.Repeat("é", 254) + "..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := excerpt([]byte(tt.in))
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if len(got) > BodyExcerptBytes {
				t.Errorf("length: got %d, want at most %d", len(got), BodyExcerptBytes)
			}
		})
	}
}

func TestExplain(t *testing.T) {
	hint := func(se *StatusError) string {
		if se.StatusCode == 403 {
			return "add the privilege"
		}
		return ""
	}
	tests := []struct {
		name    string
		err     error
		wantMsg string
	}{
		{
			name: "403 gets the hint", err: &StatusError{Service: "workato", Method: "GET", Route: "/api/roles", StatusCode: 403, Code: codes.PermissionDenied},
			wantMsg: "workato: GET /api/roles: 403 Forbidden: add the privilege",
		},
		{name: "a Msg already set is kept", err: &StatusError{Method: "GET", Route: "/x", StatusCode: 403, Msg: "mine"}, wantMsg: "GET /x: 403 Forbidden: mine"},
		{name: "other statuses unchanged", err: &StatusError{Method: "GET", Route: "/x", StatusCode: 500}, wantMsg: "GET /x: 500 Internal Server Error"},
		{name: "not a status error", err: errors.New("EOF"), wantMsg: "EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Explain(tt.err, hint)
			if got.Error() != tt.wantMsg {
				t.Errorf("got %q, want %q", got, tt.wantMsg)
			}
			if status.Code(got) != status.Code(tt.err) {
				t.Errorf("code: got %v, want %v", status.Code(got), status.Code(tt.err))
			}
		})
	}
}

func TestMalformedError(t *testing.T) {
	tests := []struct {
		name string
		err  *MalformedError
		want string
	}{
		{
			name: "a vendor's shape check", err: &MalformedError{Service: "xero", Method: "GET", Route: "/api.xro/2.0/Users", Err: errors.New("user 3 has no UserID")},
			want: "xero: GET /api.xro/2.0/Users: unexpected response: user 3 has no UserID",
		},
		{
			name: "with a field", err: &MalformedError{Service: "workato", Method: "GET", Route: "/api/project_roles", Field: "data.id", Err: errors.New("not a number")},
			want: `workato: GET /api/project_roles: unexpected response: field "data.id": not a number`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wrapped := fmt.Errorf("sync: %w", tt.err)
			if got := tt.err.Error(); got != tt.want {
				t.Errorf("Error: got %q, want %q", got, tt.want)
			}
			if got := status.Code(wrapped); got != codes.Internal {
				t.Errorf("code: got %v, want Internal", got)
			}
			if strings.Count(wrapped.Error(), tt.err.Service+":") != 1 {
				t.Errorf("message %q: want the service prefix once", wrapped)
			}
		})
	}
}
