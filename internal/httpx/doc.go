// Package httpx is the HTTP client every connector uses to call its vendor's
// API. It wraps github.com/hashicorp/go-retryablehttp and adds what every
// connector needs: a User-Agent, a per-attempt timeout and a per-call time
// limit, OAuth bearer tokens, client-side rate limiting (package
// ratelimit), request accounting (package accounting), redacted error
// excerpts and errors that carry the gRPC code the baton-sdk sync loop acts
// on.
//
// # Files
//
//	options.go     Options, Client and New
//	policy.go      RetryPolicy and the named defaults
//	reqcontext.go  WithRoute, WithLimitKeys, WithIdempotent, WithNoReplay; per-call state
//	client.go      Do and StandardClient, through go-retryablehttp
//	transport.go   one attempt: limiter, token, timeout, accounting, logs
//	retry.go       the CheckRetry decision and the backoff
//	retryable.go   which failures without a response are transient (HTTP/2 included)
//	redirect.go    the redirect policy
//	decode.go      GetJSON, DoJSON, decode-error classification, MalformedError
//	classify.go    the error a call ends with
//	errors.go      StatusError, RequestError, RedirectError, CodeForStatus, Explain
//	redact.go      what of an error body may be shown
//
// # When a request is retried
//
// A request is retried only if it is idempotent: its method is GET, HEAD,
// PUT, DELETE or OPTIONS, or its context was marked WithIdempotent (the
// transport of StandardClient(RetryPOST) also treats POST as idempotent).
// Such a request is sent again, up to RetryPolicy.MaxAttempts attempts in
// all, when
//
//   - the response status is 408, 429 or any 5xx but 501 (a CDN's 52x
//     included);
//   - the attempt ran past Options.Timeout, or any other network timeout;
//   - the connection was reset, refused, aborted or closed before a response
//     (EOF, unexpected EOF, broken pipe), the host or network was
//     unreachable, or a DNS lookup failed temporarily;
//   - an HTTP/2 stream was reset (RST_STREAM with INTERNAL_ERROR,
//     REFUSED_STREAM, CANCEL, …), or the server sent GOAWAY and closed the
//     connection mid-request;
//   - for GetJSON and DoJSON, the body could not be read to its end.
//
// Before the n-th retry (n from 0) it sleeps a random duration between 0 and
// MinBackoff·2ⁿ capped at MaxBackoff ("full jitter"), except that a 429 or 503
// carrying a positive Retry-After (seconds or an HTTP date) sleeps exactly
// that long instead. A Retry-After longer than RetryPolicy.MaxRetryAfter is
// not waited for at all: the request fails at once with ResourceExhausted and
// a message saying when to run again.
//
// A whole call, its attempts, limiter waits and sleeps together, never runs
// longer than RetryPolicy.MaxElapsed: an attempt ends at that deadline, and
// a retry whose sleep would cross it is not made (Aborted; ResourceExhausted
// naming the reset time when a Retry-After asked for the sleep).
//
// Independently of the method, a 401 is retried once, immediately, when the
// Options.TokenSource implements Invalidator: the token that was sent is
// invalidated and the retry carries a fresh one.
//
// A request whose context is marked WithNoReplay (a PUT built from an earlier
// read) is never sent again once the server may have acted on it: it is
// retried only on a refused dial, a 429, or the fresh-token 401 retry, so
// that a stale read-modify-write never puts back what someone else changed.
//
// Nothing else is retried: not other 4xx, not 501, not TLS or certificate
// failures, not malformed URLs, not refused redirects, not bodies past
// Options.MaxBodyBytes, not errors from the TokenSource, and never once the
// request's context has ended. A backoff sleep ends as soon as the context
// does.
//
// # Errors and gRPC codes
//
// The baton-sdk sync loop retries errors with code Unavailable or
// DeadlineExceeded forever, so httpx never gives either once it has given
// up; only the caller's own ended context keeps its code:
//
//   - a non-2xx response becomes a *StatusError coded by CodeForStatus
//     (408 and 5xx are Aborted);
//   - a 429 or other transient status still failing when the retries were
//     spent becomes ResourceExhausted (429) or Aborted, with Msg "gave up
//     after N attempts over D";
//   - a Retry-After beyond MaxRetryAfter, or past MaxElapsed, becomes
//     ResourceExhausted;
//   - a request that got no response becomes a *RequestError: Aborted when
//     the retries or the time were spent or a transient failure was not
//     retried (a POST), FailedPrecondition for a refused redirect (a
//     *RedirectError inside) or a body too large (*BodyTooLargeError),
//     Unknown for a permanent failure (TLS, bad URL), and the code of the
//     context's own error when the caller's context ended;
//   - an error from the TokenSource keeps its own gRPC code, or is
//     Unauthenticated if it has none;
//   - a 2xx body that GetJSON or DoJSON cannot decode is a *MalformedError
//     with code Internal naming the endpoint and the field: asking again
//     will not fix it. An empty 2xx (204, Content-Length 0) is success.
//
// Every error carries Attempts, so a caller can tell a DELETE whose retry
// got 404 (the first answer was lost) from one that never existed. All of
// them implement GRPCStatus, so status.Code works through fmt.Errorf ("%w")
// wrapping, and every message starts with Options.Service, once.
//
// # Redirects
//
// A redirect is followed only on the original host (and port) and scheme
// (never https to http), and never when it would resend the request body
// (307, 308); it never carries Authorization, Proxy-Authorization or Cookie,
// nor the bearer token. A refused redirect names both URLs without their
// query strings.
//
// # Guesses
//
// The vendor references do not say which RST_STREAM codes are transient
// (transientStreamCodes), which error-body fields are worth showing
// (errorFields: the shapes the references show), how long one call may take
// in all (DefaultRetryPolicy.MaxElapsed, 5 minutes, the old MaxRetryAfter)
// or how large a body may be (DefaultMaxBodyBytes, 64 MiB). These are
// marked where they are defined; change them there.
//
// # Secrets
//
// Nothing logged or put in an error holds a header, a token, a query string
// or a request body. Response bodies appear only as StatusError.Body: of a
// JSON body only the known error fields (error, error_description,
// message, title, detail, type, code, status, ErrorNumber, errors[…],
// Elements[].ValidationErrors[]), every string in them redacted; of any
// other body, the text with every secret shape Redact knows hidden.
package httpx
