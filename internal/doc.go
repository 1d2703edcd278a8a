// Package internal is the root of the shared core of baton-connectors: the
// HTTP client, rate limiting, credential loading, token storage, request
// accounting and the building blocks of fake vendor APIs. Connectors import
// its sub-packages; it imports no connector.
package internal
