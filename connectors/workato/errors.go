package workato

// Errors of the connector's own steps: "workato: <what failed>: <cause>",
// with the service prefix once, whatever the cause already says, and the
// cause's gRPC code kept.

import (
	"fmt"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
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
