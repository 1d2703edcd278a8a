// Package fakeapi holds the building blocks every fake vendor API in this
// repository is made of: a Router that counts requests per route and injects
// scripted faults (HTTP/2 stream resets and GOAWAYs included), a
// controllable Clock, fixed-window, sliding-window and in-flight rate
// counters, pagination and small response helpers, plain and TLS (h2 and
// http/1.1) servers on loopback, and the command scaffolding of the fakes'
// mains (RunMain).
//
// It knows nothing about any particular vendor. The fakes built from it,
// xerofake and workatofake, serve real HTTP on loopback so that connectors
// are exercised through their real HTTP clients.
//
// This package is for tests and the demo only; nothing in a production code
// path may import it.
package fakeapi
