// Package xerofake is a stateful, faithful fake of the Xero API (identity
// service, /connections and the read-only accounting calls the connector
// uses) serving real HTTP on loopback. It follows the facts collected in
// shared/reference/xero-api.md: both client-authentication styles,
// refresh-token rotation with a grace period, Custom Connections bound to
// one tenant, the xero-tenant-id check, problem-JSON and plain-text error
// bodies, both MS-JSON date variants, the zone-less /connections dates and
// the per-tenant and per-app rate limits with their headers.
//
// One Server answers on one host for identity.xero.com, login.xero.com and
// api.xero.com alike, so a connector under test points both its identity
// base URL and its API base URL at Server.Start's URL.
//
// This package is for tests and the demo only; it must never be used to
// stand in for Xero anywhere else.
//
// Decisions where the reference marks Xero's behaviour UNCERTAIN, or where
// a fake has to choose:
//   - invalid_client answers Options.InvalidClientStatus: 400 by default, 401
//     when set so.
//   - /connections for a Custom Connection token lists just its tenant.
//   - /connections (and DELETE /connections/{id}) match the path without
//     regard to letter case; the accounting paths are matched exactly, and
//     the plural /Organisations is not served (404, plain text).
//   - PKCE is optional at the authorize endpoint, as for a confidential web
//     app; when a code_challenge was sent, only S256 is accepted and the
//     token exchange must present the matching code_verifier. The client
//     secret is always required (the fake models confidential apps only).
//     Authorization codes live 5 minutes and are consumed by the first
//     exchange attempt, successful or not.
//   - Accounting calls without "Accept: application/json" answer 406 with
//     a plain-text body instead of XML.
//   - Rate limits use fixed windows that open with a key's first call; a
//     refused call does not count. The concurrent-limit 429 carries
//     "Retry-After: 1" and "X-Rate-Limit-Problem: concurrent"; the app-wide
//     one "appminute". 429 bodies are empty. The X-*Limit-Remaining headers
//     are on every accounting response that got past authentication and the
//     tenant check (there is no tenant to count against before that).
//   - Revoking a refresh token (POST /connect/revocation or
//     RevokeRefreshToken) ends the whole consent it came from: every
//     refresh token rotated from it fails with invalid_grant, and its access
//     tokens see no connections (GET /connections answers [] and tenant
//     calls 403), as Xero removes the user's connections on revocation.
//   - client_credentials without a scope grants "accounting.settings.read";
//     offline_access and the OpenID scopes are dropped from a
//     client_credentials request rather than refused, and never produce a
//     refresh token. Retired broad scopes (accounting.transactions[.read],
//     accounting.reports.read) answer invalid_scope.
//   - A person in several organisations has a different UserID in each (the
//     accounting API's users are per organisation); the email address is
//     what they share.
package xerofake
