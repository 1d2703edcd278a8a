// Package workatoapi is the typed client of the Workato developer API
// endpoints the connector uses. Each method makes exactly one request (one
// page in, one page out) through the shared httpx client, which brings
// retries, rate limits, accounting and gRPC-coded errors; this package adds
// Workato's error bodies and the client-role privilege a 403 is missing.
// Only the workato connector imports it.
package workatoapi
