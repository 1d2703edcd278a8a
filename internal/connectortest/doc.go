// Package connectortest is the conformance suite every connector's tests
// call. It runs a connector binary for real (built once per test run),
// opens the c1z it wrote with baton-sdk's own reader, checks the graph is
// sound (no duplicate IDs, every grant's entitlement and principal and every
// entitlement's resource exist, every parent exists) and compares the whole
// content with what the fake vendor API holds. Dump and Golden (golden.go)
// render a sync as a normalised, sorted JSON document and compare it with a
// reviewed copy under testdata/; run the test with -update to rewrite it.
// Only tests and benchmarks import it.
package connectortest
