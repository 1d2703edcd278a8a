package workato

// Errors of the connector's own steps: "workato: <what failed>: <cause>",
// with the service prefix once, whatever the cause already says, and the
// cause's gRPC code kept.

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
	"github.com/accessgov/baton-connectors/internal/httpx"
)

// servicePrefix starts every message of the connector and of its HTTP
// client.
const servicePrefix = "workato: "

// opError is a failed step: what the connector was doing and why it failed.
type opError struct {
	op  string
	err error
}

func (e *opError) Error() string {
	return servicePrefix + e.op + ": " + strings.TrimPrefix(e.err.Error(), servicePrefix)
}

func (e *opError) Unwrap() error { return e.err }

// GRPCStatus keeps the cause's code with the whole message.
func (e *opError) GRPCStatus() *status.Status {
	return status.New(status.Code(e.err), e.Error())
}

// wrap says which step failed; the cause keeps its code.
func wrap(op string, err error) error {
	return &opError{op: op, err: err}
}

// codeError is a failure the connector itself detected, with its code.
type codeError struct {
	code codes.Code
	msg  string
}

func (e *codeError) Error() string { return e.msg }

func (e *codeError) GRPCStatus() *status.Status { return status.New(e.code, e.msg) }

// inconsistent is an answer the connector refuses to sync from: code
// Internal, which ends the run (the SDK neither retries nor skips it).
func inconsistent(format string, args ...any) error {
	return &codeError{code: codes.Internal, msg: fmt.Sprintf(format, args...)}
}

// writeError explains a failed write, op saying what it was ("add
// collaborator 5 to group …"). A refusal (4xx) changed nothing: 400 and
// 422 are InvalidArgument with Workato's message, 404 and 410 are
// NotFound saying that gone is gone (when gone is not ""), any other (a
// 403 names the client-role privilege) keeps its code. After a server
// error or a lost connection the outcome is unknown, and recheck says how
// to find it out.
func writeError(op, gone, recheck string, err error) error {
	var se *httpx.StatusError
	if !errors.As(err, &se) || se.StatusCode < 400 || se.StatusCode >= 500 {
		return wrap(op+" (the outcome is unknown: "+recheck+")", err)
	}
	switch se.StatusCode {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		msg := workatoapi.Message(se.Body)
		if msg == "" {
			msg = se.Body
		}
		return status.Errorf(codes.InvalidArgument, "workato: Workato refused to %s, nothing was changed: %s", op, msg)
	case http.StatusNotFound, http.StatusGone:
		if gone != "" {
			return status.Errorf(codes.NotFound, "workato: %s: %s (sync again); nothing was changed", op, gone)
		}
	}
	return wrap(op+" (refused, nothing was changed)", err)
}
