// This file holds the error types a call returns and the gRPC code each
// HTTP status maps to.
package httpx

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// StatusError is a non-2xx response. Its gRPC code is Code (see
// CodeForStatus and the package documentation for retried requests).
type StatusError struct {
	Service, Method, Route string
	StatusCode             int
	Code                   codes.Code
	// Body is an excerpt of the response body: at most BodyExcerptBytes
	// bytes, secrets redacted (see Redact), whitespace collapsed.
	Body string
	// Header holds the response headers, for vendor-specific parsing. It is
	// never part of the message.
	Header http.Header
	// RetryAfter is the parsed Retry-After header, if any.
	RetryAfter time.Duration
	// Attempts is how many attempts were sent.
	Attempts int
	// Msg is an optional explanation, put between the status and the body.
	Msg string
}

// Error renders e as `xero: GET /api.xro/2.0/Users: 403 Forbidden: <Msg>: <Body>`.
func (e *StatusError) Error() string {
	var b strings.Builder
	writeHead(&b, e.Service, e.Method, e.Route)
	fmt.Fprintf(&b, ": %d", e.StatusCode)
	if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteString(" ")
		b.WriteString(text)
	}
	if e.Msg != "" {
		b.WriteString(": ")
		b.WriteString(e.Msg)
	}
	if e.Body != "" {
		b.WriteString(": ")
		b.WriteString(e.Body)
	}
	return b.String()
}

// GRPCStatus lets status.FromError and status.Code see e's code, also when e
// is wrapped. A zero Code falls back to CodeForStatus(StatusCode).
func (e *StatusError) GRPCStatus() *status.Status {
	code := e.Code
	if code == codes.OK {
		code = CodeForStatus(e.StatusCode)
	}
	if code == codes.OK {
		code = codes.Unknown
	}
	return status.New(code, e.Error())
}

// RequestError is a request that ended without a usable response: a
// network failure, an ended context, a TokenSource error, a refused
// redirect, a 2xx body that could not be read or was too large, or a
// request that could not be built.
type RequestError struct {
	Service, Method, Route string
	Code                   codes.Code
	// Attempts is how many attempts were sent.
	Attempts int
	// Msg says what failed, e.g. "gave up after 6 attempts over 41s".
	Msg string
	// Err is the underlying error.
	Err error
}

// Error renders e as `xero: GET /connections: <Msg>: <Err>`.
func (e *RequestError) Error() string {
	var b strings.Builder
	writeHead(&b, e.Service, e.Method, e.Route)
	if e.Msg != "" {
		b.WriteString(": ")
		b.WriteString(e.Msg)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *RequestError) Unwrap() error { return e.Err }

// GRPCStatus lets status.FromError and status.Code see e's code, also when e
// is wrapped.
func (e *RequestError) GRPCStatus() *status.Status {
	code := e.Code
	if code == codes.OK {
		code = codes.Unknown
	}
	return status.New(code, e.Error())
}

// CodeForStatus maps an HTTP status to the gRPC code of an error for a
// request that was not retried:
//
//	400, 413, 414, 415, 422  InvalidArgument
//	401                      Unauthenticated
//	403                      PermissionDenied
//	404, 410                 FailedPrecondition (see IsNotFound)
//	405, 501                 Unimplemented
//	408                      Aborted
//	409                      AlreadyExists (connectors mostly see it on creating what exists)
//	412                      FailedPrecondition
//	429                      ResourceExhausted
//	other 4xx                FailedPrecondition
//	other 5xx                Aborted
//	2xx                      OK
//	anything else            Unknown
//
// It never returns Unavailable or DeadlineExceeded: baton-sdk retries those
// without limit, re-reading everything each time, and by the time a status
// reaches a caller httpx has already retried what was worth retrying.
func CodeForStatus(httpStatus int) codes.Code {
	switch httpStatus {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusRequestURITooLong,
		http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		return codes.InvalidArgument
	case http.StatusUnauthorized:
		return codes.Unauthenticated
	case http.StatusForbidden:
		return codes.PermissionDenied
	case http.StatusNotFound, http.StatusGone:
		// Never NotFound: baton-sdk reads NotFound from a syncer call as a
		// warning and drops that action, so a vendor 404 would become a
		// quiet hole in a sync. A caller that knows the 404 means "this one
		// object is gone" checks IsNotFound and says so itself.
		return codes.FailedPrecondition
	case http.StatusMethodNotAllowed, http.StatusNotImplemented:
		return codes.Unimplemented
	case http.StatusRequestTimeout:
		return codes.Aborted
	case http.StatusConflict:
		return codes.AlreadyExists
	case http.StatusPreconditionFailed:
		return codes.FailedPrecondition
	case http.StatusTooManyRequests:
		return codes.ResourceExhausted
	}
	switch {
	case httpStatus >= 200 && httpStatus < 300:
		return codes.OK
	case httpStatus >= 400 && httpStatus < 500:
		return codes.FailedPrecondition
	case httpStatus >= 500 && httpStatus < 600:
		return codes.Aborted
	}
	return codes.Unknown
}

// IsNotFound reports whether err is, or wraps, a 404 Not Found or 410 Gone
// answer. Callers use it to tell "the object this request named is gone"
// (skip it explicitly, or return codes.NotFound where that is the SDK's
// meaning) from every other failure.
func IsNotFound(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && (se.StatusCode == http.StatusNotFound || se.StatusCode == http.StatusGone)
}

// RedirectError is a redirect the Client refused to follow: to another
// host, from https to http, or one that would resend the request body.
// From and To carry no query string.
type RedirectError struct {
	From, To string
	Reason   string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("refused redirect from %s to %s: %s", e.From, e.To, e.Reason)
}

// BodyTooLargeError is a 2xx body longer than Options.MaxBodyBytes. The
// Client returns it inside a *RequestError that names the endpoint.
type BodyTooLargeError struct {
	Limit int64
}

func (e *BodyTooLargeError) Error() string {
	return fmt.Sprintf("response body is larger than the limit of %d bytes (Options.MaxBodyBytes); it was not read", e.Limit)
}

// Explain adds a hint for the user to the *StatusError inside err, when
// hint returns one and the error has no Msg yet, and returns err: the gRPC
// code and the wrapping are kept. Vendor clients use it to say what to do
// about a 401 or 403 ("re-authorise the app", "add the privilege ...").
// Call it before wrapping err with fmt.Errorf, which renders the message
// when it wraps.
func Explain(err error, hint func(*StatusError) string) error {
	var se *StatusError
	if errors.As(err, &se) && se.Msg == "" {
		se.Msg = hint(se)
	}
	return err
}

// writeHead writes "service: METHOD route", the start of every error of
// this package: the one place the service prefix is added.
func writeHead(b *strings.Builder, service, method, route string) {
	if service != "" {
		b.WriteString(service)
		b.WriteString(": ")
	}
	b.WriteString(method)
	if route != "" {
		b.WriteString(" ")
		b.WriteString(route)
	}
}
