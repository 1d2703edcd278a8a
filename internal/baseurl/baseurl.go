// Package baseurl checks the base-URL overrides that point a connector at a
// test server or the demo fake. Real vendor hosts are https; plain http is
// accepted only to loopback, so a typo can never send credentials in clear
// text across a network.
package baseurl

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Parse checks raw and returns it without a trailing slash. flag names the
// setting in error messages.
func Parse(flag, raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("--%s: %q is not a URL: %w", flag, raw, err)
	}
	if u.Host == "" {
		return "", fmt.Errorf("--%s: %q has no host; write it like https://api.example.com", flag, raw)
	}
	if u.User != nil {
		return "", fmt.Errorf("--%s: credentials in the URL are not allowed", flag)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("--%s: %q must not have a query or fragment", flag, raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopback(u.Hostname()) {
			return "", fmt.Errorf("--%s: plain http is allowed only to loopback (localhost, 127.0.0.0/8, ::1); use https for %s", flag, u.Host)
		}
	default:
		return "", fmt.Errorf("--%s: scheme %q is not supported; use https", flag, u.Scheme)
	}
	return strings.TrimRight(u.String(), "/"), nil
}

// IsLoopback reports whether host names this machine only.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
