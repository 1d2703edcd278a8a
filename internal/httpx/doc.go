// Package httpx is the HTTP client every connector uses to call its vendor's
// API. It wraps github.com/hashicorp/go-retryablehttp and adds what every
// connector needs: a User-Agent, a per-attempt timeout, OAuth bearer tokens,
// client-side rate limiting (package ratelimit), request accounting (package
// accounting), redacted error excerpts and errors that carry the gRPC code the
// baton-sdk sync loop acts on.
//
// # When a request is retried
//
// A request is retried only if it is idempotent: its method is GET, HEAD,
// PUT, DELETE or OPTIONS, or its context was marked WithIdempotent (the
// transport of StandardClient(true) also treats POST as idempotent). Such a
// request is sent again, up to RetryPolicy.MaxAttempts attempts in all, when
//
//   - the response status is 429, 500, 502, 503 or 504;
//   - the attempt ran past Options.Timeout, or any other network timeout;
//   - the connection was reset, refused, aborted or closed before a response
//     (EOF, unexpected EOF, broken pipe), the host or network was
//     unreachable, or a DNS lookup failed temporarily.
//
// Before the n-th retry (n from 0) it sleeps a random duration between 0 and
// MinBackoff·2ⁿ capped at MaxBackoff ("full jitter"), except that a 429 or 503
// carrying a positive Retry-After (seconds or an HTTP date) sleeps exactly
// that long instead. A Retry-After longer than RetryPolicy.MaxRetryAfter is
// not waited for at all: the request fails at once with ResourceExhausted and
// a message saying when to run again.
//
// Independently of the method, a 401 is retried once, immediately, when the
// Options.TokenSource implements Invalidator: the token that was sent is
// invalidated and the retry carries a fresh one.
//
// Nothing else is retried: not other 4xx, not 501 or other 5xx, not TLS or
// certificate failures, not malformed URLs, not errors from the TokenSource,
// and never once the request's context has ended. A backoff sleep ends as
// soon as the context does.
//
// # Errors and gRPC codes
//
// The baton-sdk sync loop retries errors with code Unavailable or
// DeadlineExceeded forever, so errors are coded with that in mind:
//
//   - a non-2xx response becomes a *StatusError coded by CodeForStatus;
//   - a 429 or 5xx that was still failing when the retries were spent becomes
//     ResourceExhausted (429) or Aborted (5xx), with Msg "gave up after N
//     attempts over D"; a 5xx that was not retried (a POST, say) stays
//     Unavailable;
//   - a Retry-After beyond MaxRetryAfter becomes ResourceExhausted;
//   - a request that got no response becomes a *RequestError: Aborted when
//     the retries were spent, Unavailable for a transient network error that
//     was not retried, Unknown for a permanent one (TLS, bad URL), and the
//     code of the context's own error when the caller's context ended;
//   - an error from the TokenSource keeps its own gRPC code, or is
//     Unauthenticated if it has none;
//   - a 2xx body that GetJSON cannot decode is Internal: asking again will not
//     fix it.
//
// All of them implement GRPCStatus, so status.Code works through fmt.Errorf
// ("%w") wrapping, and every message starts with Options.Service.
//
// # Secrets
//
// Nothing logged or put in an error holds a header, a token, a query string
// or a request body. Response bodies appear only as the redacted excerpt in
// StatusError.Body (see Redact).
package httpx
