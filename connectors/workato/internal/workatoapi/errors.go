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

// explain adds what to do to 401 and 403 answers; the gRPC code is kept.
func explain(method, route string, err error) error {
	var se *httpx.StatusError
	if !errors.As(err, &se) {
		return err
	}
	switch se.StatusCode {
	case http.StatusUnauthorized:
		if se.Msg == "" {
			se.Msg = "the API token was rejected: check --workato-api-key and --workato-data-center (a token works only in the data center that issued it)"
		}
	case http.StatusForbidden:
		if se.Msg == "" {
			key := method + " " + route
			if name, ok := privilegeNames[key]; ok {
				se.Msg = fmt.Sprintf("the API client's client role lacks the privilege %q (%s): add it under Workspace admin > API clients > Client roles", name, key)
			} else {
				se.Msg = fmt.Sprintf("the API client may not call %s: check its client role and environment", key)
			}
		}
	}
	return err
}

// MalformedError says a 2xx answer did not have the documented shape. It
// is never retried and never read as an empty result.
type MalformedError struct {
	Method, Route string
	Err           error
}

func (e *MalformedError) Error() string {
	return fmt.Sprintf("%s %s: unexpected response from Workato: %v", e.Method, e.Route, e.Err)
}

func (e *MalformedError) Unwrap() error { return e.Err }

// GRPCStatus makes the sync fail rather than retry.
func (e *MalformedError) GRPCStatus() *status.Status {
	return status.New(codes.Internal, "workato: "+e.Error())
}

func malformed(method, route string, err error) error {
	return &MalformedError{Method: method, Route: route, Err: err}
}
