// Package xeroapi is the typed client of the three Xero endpoints the
// connector reads: the identity API's GET /connections and the accounting
// API's GET /Organisation and GET /Users. Each method makes exactly one
// request through the shared httpx client, which brings retries, rate
// limits, accounting and gRPC-coded errors. Only the xero connector imports
// it.
package xeroapi
