package workatoapi

// Errors: Workato's error bodies, what to do about a 401 or 403, and the
// MalformedError of a 2xx answer that could not be decoded.

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/internal/httpx"
)

// errorBody is either of Workato's error shapes.
type errorBody struct {
	Message string `json:"message"`
	Errors  []struct {
		Title string `json:"title"`
	} `json:"errors"`
}

// Message returns the error message in a Workato error body, or "".
func Message(body string) string {
	var e errorBody
	if json.Unmarshal([]byte(body), &e) != nil {
		return ""
	}
	if e.Message != "" {
		return e.Message
	}
	var titles []string
	for _, t := range e.Errors {
		if t.Title != "" {
			titles = append(titles, t.Title)
		}
	}
	return strings.Join(titles, "; ")
}

// explain adds what to do to 401 and 403 answers (httpx.Explain); the gRPC
// code is kept.
func (c *Client) explain(method, route string, err error) error {
	return httpx.Explain(err, func(se *httpx.StatusError) string {
		switch se.StatusCode {
		case http.StatusUnauthorized:
			return "the API token was rejected: check " + c.tokenFlag + " and --workato-data-center (a token works only in the data center that issued it)"
		case http.StatusForbidden:
			key := method + " " + route
			if name, ok := privilegeNames[key]; ok {
				return fmt.Sprintf("the API client's client role lacks the privilege %q (%s): add it under Workspace admin > API clients > Client roles", name, key)
			}
			return fmt.Sprintf("the API client may not call %s: check its client role and environment", key)
		}
		return ""
	})
}

// malformed reports a 2xx answer to method route that did not have the
// documented shape, as httpx's MalformedError (code Internal: never
// retried, never read as an empty result). field names the JSON field at
// fault, when known.
func malformed(method, route string, err error) error {
	me := &httpx.MalformedError{Service: "workato", Method: method, Route: route, Err: err}
	var fe *fieldError
	if errors.As(err, &fe) {
		me.Field, me.Err = fe.field, fe.err
	}
	return me
}

// fieldError is a decoding failure of one named JSON field.
type fieldError struct {
	field string
	err   error
}

func (e *fieldError) Error() string { return fmt.Sprintf("field %q: %v", e.field, e.err) }

func (e *fieldError) Unwrap() error { return e.err }

// invalid is a request this client refuses to send (code InvalidArgument):
// the message reads "workato: …" like every other error here.
func invalid(format string, args ...any) error {
	return &argError{msg: "workato: " + fmt.Sprintf(format, args...)}
}

// argError is a refused request; see invalid.
type argError struct{ msg string }

func (e *argError) Error() string { return e.msg }

// GRPCStatus is InvalidArgument: the caller asked for something Workato
// would refuse, and asking again will not help.
func (e *argError) GRPCStatus() *status.Status { return status.New(codes.InvalidArgument, e.msg) }
