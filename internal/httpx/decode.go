// This file holds the JSON calls (GetJSON, DoJSON): the body is read whole
// within the attempt, then decoded, and a decoding failure is classified
// into a *MalformedError.
package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// GetJSON GETs url with Accept: application/json and the extra header, and
// decodes the 2xx body into out (see DoJSON for what counts as success).
func (c *Client) GetJSON(ctx context.Context, url string, header http.Header, out any) error {
	return c.DoJSON(ctx, http.MethodGet, url, header, nil, out)
}

// DoJSON sends body (JSON, with Content-Type application/json; nil for
// none) with Accept: application/json and the extra header, and decodes the
// 2xx answer into out (nil to ignore it).
//
// The body is read whole within the attempt, so a connection lost mid-body
// is retried like one lost before the headers, and it is bounded by
// Options.MaxBodyBytes. An empty answer, 204 No Content or a declared
// Content-Length of 0, is success and leaves out untouched. A body that is
// otherwise empty, not JSON, followed by more data, or of a shape out cannot
// hold is a *MalformedError with code Internal naming the endpoint and,
// where encoding/json tells, the field: asking again would not fix it, and
// it is never read as an empty result.
func (c *Client) DoJSON(ctx context.Context, method, url string, header http.Header, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		route, _ := ctx.Value(routeKey{}).(string)
		return &RequestError{
			Service: c.opts.Service, Method: method, Route: route,
			Code: codes.InvalidArgument, Msg: "bad URL", Err: withoutURL(err),
		}
	}
	for name, values := range header {
		for _, v := range values {
			req.Header.Add(name, v)
		}
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	var (
		data  []byte
		empty bool
	)
	read := func(resp *http.Response) error {
		if resp.StatusCode < 200 || resp.StatusCode >= 300 {
			return nil // the status error reads its own excerpt
		}
		defer func() { _ = resp.Body.Close() }()
		if resp.StatusCode == http.StatusNoContent || resp.ContentLength == 0 {
			empty = true
			return nil
		}
		st := stateFrom(resp.Request.Context())
		b, err := io.ReadAll(&limitedBody{ReadCloser: resp.Body, left: c.opts.MaxBodyBytes, c: c, st: st})
		if err != nil {
			return err
		}
		data = b
		return nil
	}
	resp, st, err := c.do(req, read)
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	if empty || out == nil {
		return nil
	}
	if err := decodeJSON(data, out); err != nil {
		return &MalformedError{
			Service: c.opts.Service, Method: st.method, Route: st.route,
			Field: decodeField(err), Attempts: st.attempts,
			Err: classifyDecodeError(err, resp.Header.Get("Content-Type")),
		}
	}
	return nil
}

var (
	errTrailingData = errors.New("unexpected data after the JSON value")
	errEmptyBody    = errors.New("empty body")
)

// decodeJSON decodes exactly one JSON value from data into out.
func decodeJSON(data []byte, out any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(out); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return err
		}
		return errTrailingData
	}
	return nil
}

// classifyDecodeError says in words what was wrong with a 2xx body that
// decodeJSON refused, keeping err for errors.As.
func classifyDecodeError(err error, contentType string) error {
	var (
		typeErr *json.UnmarshalTypeError
		invalid *json.InvalidUnmarshalError
	)
	switch {
	case errors.Is(err, io.EOF):
		return errEmptyBody
	case errors.Is(err, errTrailingData):
		return err
	case errors.As(err, &typeErr):
		return fmt.Errorf("response JSON does not have the expected shape (offset %d): %w", typeErr.Offset, err)
	case errors.As(err, &invalid):
		return fmt.Errorf("cannot decode into the given value: %w", err)
	}
	return fmt.Errorf("response body was not valid JSON (Content-Type %q): %w", contentType, err)
}

// decodeField names the JSON field a decoding error is about, or "".
func decodeField(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return typeErr.Field
	}
	return ""
}

// MalformedError says a 2xx answer did not have the shape the API
// documents: it could not be decoded, or a vendor client's own check of
// the decoded value failed (construct one with Service, Method, Route and
// Err, and Field when known). Its code is Internal: it is never retried and
// never read as an empty result.
type MalformedError struct {
	Service, Method, Route string
	// Field is the JSON field at fault ("data.role_id"), when known.
	Field string
	// Attempts is how many attempts were sent (0 when unknown).
	Attempts int
	Err      error
}

// Error renders e as `workato: GET /api/members: unexpected response:
// field "data.id": <Err>`, with the service prefix once.
func (e *MalformedError) Error() string {
	var b strings.Builder
	writeHead(&b, e.Service, e.Method, e.Route)
	b.WriteString(": unexpected response")
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %q", e.Field)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *MalformedError) Unwrap() error { return e.Err }

// GRPCStatus is Internal: a malformed answer does not heal by asking again.
func (e *MalformedError) GRPCStatus() *status.Status {
	return status.New(codes.Internal, e.Error())
}
