// This file classifies failures that left no response: which are worth
// another attempt (timeouts, resets, HTTP/2 stream resets and GOAWAYs) and
// which certainly never reached the server.
package httpx

import (
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/net/http2"
)

// isRetryableError reports whether a failure without a response is worth
// another attempt: a timeout, or a connection that was reset, refused,
// aborted or closed early, an unreachable host or network, a temporary DNS
// failure, or a transient HTTP/2 fault (isTransientHTTP2). TLS and
// certificate errors, bad URLs, refused redirects and the like are not.
func isRetryableError(err error) bool {
	var redirect *RedirectError
	if errors.As(err, &redirect) {
		return false
	}
	var timeout *attemptTimeoutError
	if errors.As(err, &timeout) {
		return true
	}
	for _, target := range []error{
		io.EOF, io.ErrUnexpectedEOF,
		syscall.ECONNRESET, syscall.ECONNREFUSED, syscall.ECONNABORTED, syscall.EPIPE,
		syscall.EHOSTUNREACH, syscall.ENETUNREACH, syscall.ETIMEDOUT,
	} {
		if errors.Is(err, target) {
			return true
		}
	}
	if isTransientHTTP2(err) {
		return true
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.IsTemporary || dnsErr.IsTimeout
	}
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
}

// transientStreamCodes are the RST_STREAM codes of a stream that may well
// succeed when sent again: the server failed, refused or cancelled it, or
// asked the client to calm down. Protocol, flow-control, frame-size and
// compression errors are bugs and are not retried.
// GUESS: the references are silent; see the package documentation.
var transientStreamCodes = map[http2.ErrCode]bool{
	http2.ErrCodeNo:              true,
	http2.ErrCodeInternal:        true,
	http2.ErrCodeRefusedStream:   true,
	http2.ErrCodeCancel:          true,
	http2.ErrCodeEnhanceYourCalm: true,
	http2.ErrCodeStreamClosed:    true,
	http2.ErrCodeConnect:         true,
	http2.ErrCodeSettingsTimeout: true,
}

// isTransientHTTP2 reports whether err is an HTTP/2 fault as transient as
// a connection reset: a stream reset (RST_STREAM) with a transient code, a
// GOAWAY that closed the connection mid-request, or a lost connection.
//
// net/http bundles its own copy of the HTTP/2 code with unexported error
// types. Its StreamError converts to x/net's http2.StreamError through
// errors.As (net/http gives it an As method), and a transport built from
// x/net/http2 returns x/net's types directly; the GOAWAY and lost-connection
// errors have no exported form in net/http, so they are known by their
// messages, which net/http has kept unchanged since Go 1.6.
func isTransientHTTP2(err error) bool {
	var se http2.StreamError
	if errors.As(err, &se) {
		return transientStreamCodes[se.Code]
	}
	var ga http2.GoAwayError
	if errors.As(err, &ga) {
		return true
	}
	var ce http2.ConnectionError
	if errors.As(err, &ce) {
		return transientStreamCodes[http2.ErrCode(ce)]
	}
	msg := err.Error()
	for _, m := range []string{
		"http2: server sent GOAWAY and closed the connection",
		"http2: Transport received Server's graceful shutdown GOAWAY",
		"http2: client connection lost",
		"http2: client conn is closed",
		"http2: client connection force closed",
	} {
		if strings.Contains(msg, m) {
			return true
		}
	}
	// "stream error: stream ID 3; INTERNAL_ERROR; received from peer"
	if _, rest, ok := strings.Cut(msg, "stream error: stream ID "); ok {
		if _, codeName, ok := strings.Cut(rest, "; "); ok {
			codeName, _, _ = strings.Cut(codeName, ";")
			for code, transient := range transientStreamCodes {
				if transient && code.String() == strings.TrimSpace(codeName) {
					return true
				}
			}
		}
	}
	return false
}

// isNotSentError reports whether err certainly happened before the request
// reached the server: the connection was refused or could not be dialled.
func isNotSentError(err error) bool {
	if errors.Is(err, syscall.ECONNREFUSED) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// parseRemaining parses a remaining-quota header value.
func parseRemaining(v string) (int, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, false
	}
	return max(0, n), true
}
