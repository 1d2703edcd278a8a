package httpx

import (
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"syscall"
)

// isRetryableError reports whether a failure without a response is worth
// another attempt: a timeout, or a connection that was reset, refused,
// aborted or closed early, an unreachable host or network, or a temporary
// DNS failure. TLS and certificate errors, bad URLs and the like are not.
func isRetryableError(err error) bool {
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
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return dnsErr.IsTemporary || dnsErr.IsTimeout
	}
	var netErr net.Error
	return errors.As(err, &netErr) && netErr.Timeout()
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
