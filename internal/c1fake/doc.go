// Package c1fake is a fake ConductorOne for tests and the demo only: never
// import it from production code (depguard enforces this). baton-sdk
// v0.25.0 reaches it unchanged in service mode through BATON_C1_API_HOST
// and SSL_CERT_FILE. It serves the token endpoint (POST /auth/v1/token,
// which checks the EdDSA client assertion the SDK signs) and
// c1.connectorapi.baton.v1.BatonService on one TLS listener with h2,
// hands out a script of tasks the test controls, records what the
// connector sends back (hellos, heartbeats, uploads reassembled to files,
// finish results) and has a few fault switches for recovery tests.
//
// Guesses, where baton-sdk's source does not say what ConductorOne does:
// requests are checked against their generated validation rules
// (InvalidArgument); a task never handed out is NotFound on Heartbeat,
// FinishTask and UploadAsset; a client assertion's nonce is single use; a
// checksum mismatch is DataLoss; the token answer's token_type is
// "bearer". Each is marked where it is coded.
//
// Facts it is built to: ../shared/reference/baton-sdk.md, section "Service
// mode", and the SDK's pkg/ugrpc, pkg/crypto and pkg/tasks/c1api.
package c1fake
