// Package fakeapi holds the building blocks every fake vendor API in this
// repository is made of: a Router that counts requests per route and injects
// scripted faults, a controllable Clock, fixed-window and in-flight rate
// counters, pagination and small response helpers.
//
// It knows nothing about any particular vendor. The fakes built from it
// (xerofake, and later the Workato fake) serve real HTTP on loopback so that
// connectors are exercised through their real HTTP clients.
//
// This package is for tests and the demo only; nothing in a production code
// path may import it.
package fakeapi
