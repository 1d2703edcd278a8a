// This file starts a fake on loopback for a test or a demo, the pair every
// fake's Start and NewTestServer are made of.
package fakeapi

import (
	"fmt"
	"net"
	"net/http"
)

// TB is the part of testing.TB that StartForTest needs, so that fakeapi
// and the fakes' commands do not link the testing package.
type TB interface {
	Helper()
	Cleanup(func())
}

// Start serves h on 127.0.0.1 at a random port. It returns the base URL
// ("http://127.0.0.1:PORT", no trailing slash) and a stop function that
// closes the listener and every connection and waits for the server to
// finish. It panics when it cannot listen, like httptest.NewServer.
//
// It does not use httptest.Server: its Close waits for every handler to
// return, and a fake's slow or hanging fault must not hold a test's
// cleanup; Serve closes connections at once.
func Start(h http.Handler) (baseURL string, stop func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("fakeapi: listening on loopback: %v", err))
	}
	return Serve(ln, h)
}

// StartForTest is Start for the length of a test (t is usually a
// *testing.T): the server stops in t's cleanup.
func StartForTest(t TB, h http.Handler) (baseURL string) {
	t.Helper()
	url, stop := Start(h)
	t.Cleanup(stop)
	return url
}
