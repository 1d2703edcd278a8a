// This file holds the redirect policy: a redirect stays on the original
// host and scheme, never carries credentials and never resends a body.
package httpx

import (
	"net/http"
	"net/url"
	"strings"
)

// maxRedirects is how many redirects one attempt follows.
const maxRedirects = 10

// checkRedirect is the CheckRedirect of the Client's http.Clients. It
// refuses a redirect to another host (host and port), from https to http,
// one that would resend the request body (307, 308), and more than
// maxRedirects; and it strips Authorization, Proxy-Authorization and Cookie
// from what it follows (net/http strips them only across hosts). The
// attempt transport adds no token to a redirected request either.
func checkRedirect(req *http.Request, via []*http.Request) error {
	first, prev := via[0], via[len(via)-1]
	refuse := func(reason string) error {
		return &RedirectError{From: withoutQuery(prev.URL), To: withoutQuery(req.URL), Reason: reason}
	}
	switch {
	case len(via) >= maxRedirects:
		return refuse("too many redirects")
	case !strings.EqualFold(req.URL.Host, first.URL.Host):
		return refuse("it leads to another host; check the configured API URL")
	case strings.EqualFold(prev.URL.Scheme, "https") && !strings.EqualFold(req.URL.Scheme, "https"):
		return refuse("it leaves https for " + req.URL.Scheme)
	case req.Body != nil && req.Body != http.NoBody:
		return refuse("it would resend the request body")
	}
	for _, h := range []string{"Authorization", "Proxy-Authorization", "Cookie"} {
		req.Header.Del(h)
	}
	return nil
}

// refuseAllRedirects is the CheckRedirect of StandardClient's outer
// http.Client: the inner one has already followed what checkRedirect
// allows, so a 3xx that reaches it is the final answer.
func refuseAllRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// withoutQuery renders u without its query string, fragment or user info,
// which may hold secrets.
func withoutQuery(u *url.URL) string {
	c := *u
	c.RawQuery, c.Fragment, c.RawFragment, c.User = "", "", "", nil
	c.ForceQuery = false
	return c.String()
}
