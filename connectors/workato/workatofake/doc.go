// Package workatofake is a stateful, faithful fake of the Workato developer
// API (collaborators, their privileges and roles, legacy custom roles, the
// RBAC 2.0 environment and project roles and project grants, folders,
// projects and workspace details) serving real HTTP on loopback. It follows
// the facts collected in shared/reference/workato-api.md: one host per data
// center, bearer API-client tokens with a client-role allow-list and an
// environment, DEV-only collaborator endpoints, bare-array lists paged with
// page/per_page (clamped at 100, a page below 1 read as 1), the
// {data,total,page} lists of the newer endpoints, 60 requests a minute per
// endpoint group, Workato's {"message": …} error bodies and its timestamps
// ("2020-05-20T11:54:31.706-07:00").
//
// A Server holds one Workspace. Handler(dc) and Start(dc) serve the host of
// one data center; a token works only on the host of its own. Every host
// shares the state, the request counts, the fault script and the rate
// limits.
//
// This package is for tests and the demo only; it must never be used to
// stand in for Workato anywhere else.
//
// Decisions where the reference marks Workato's behaviour UNCERTAIN, or
// where a fake has to choose:
//   - Checks run in this order: scripted fault; bearer token and data
//     center (401 {"message":"Unauthorized"}); the client role's
//     allow-list (403 naming the privilege and endpoint); DEV access for
//     /api/members*, /api/member_invitations and /api/users/me (403; the
//     doc says workspace details need DEV access too); the group's rate
//     limit (429); then the handler. Unknown paths answer 404
//     {"message":"Not found"} before authentication.
//   - Rate limits: a sliding window of Options.PerMinute accepted requests
//     per Options.MinuteWindow per group, for the whole workspace whatever
//     the token: collaborators (/api/members* and /api/member_invitations),
//     roles, environment_roles, project_roles, project_grants, folders
//     (/api/folders and /api/projects together; the doc's value is cut
//     off, 60 assumed) and users_me. Refused requests do not count. A 429
//     is {"message":"Too many requests"} with Retry-After in whole seconds
//     (at least 1) unless Options.OmitRetryAfter.
//   - GET /api/members/:id answers {"data":{member}}; so does PUT.
//   - /privileges answers {"data":[…],"total":N}, one entry per environment
//     the member holds a role in, in the workspace's environment order;
//     folder_ids is always present ([] when the member has no scope there).
//   - PUT /api/members/:id validates every env_roles entry before changing
//     anything (all or nothing). Environments left out keep their roles.
//     Unknown environment: 400 "Environment <x> not found"; unknown role:
//     400 "Role <name> not found"; an environment listed twice, an invalid
//     role_type, role_type "environment" before migration, and
//     role_type "privilege_group" (explicit or by default) or role_name
//     after migration: 400. role_type defaults to privilege_group, so on a
//     migrated workspace it must be sent as "environment" (NoAccess needs
//     no role_type). The deprecated role_name sets dev and is ignored when
//     env_roles is given. Role names match exactly. A newly assigned
//     legacy custom role brings its FolderIDs as the member's folder scope
//     in that environment; re-sending the role a member already holds
//     changes nothing.
//   - DELETE /api/members/:id answers {"success":true} and also drops the
//     member's project grants.
//   - POST /api/member_invitations answers 200 {"data":{"id","email",
//     "name","env_roles","status":"pending","created_at"}} and creates no
//     member (Server.AcceptInvitation does). Checks after the body: a
//     blank name or an email without "@" (400 Validation failed); the same
//     email successfully invited within Options.InviteWindow (20 minutes;
//     429, failed attempts do not start the clock); an email that is
//     already a member (422); members plus other pending invitations at 100
//     (400); env_roles as for PUT (NoAccess entries are dropped; at least
//     one role must remain). Inviting a pending email again after the
//     window replaces that invitation, keeping its id.
//   - GET /api/roles on a migrated workspace answers 400 {"message":"Legacy
//     roles are no longer available: this workspace uses environment and
//     project roles"}. /api/environment_roles, /api/project_roles and
//     /api/projects/:id/project_grants answer 401 {"message":"Unauthorized"}
//     on a workspace that has not migrated, as Workato is reported to.
//   - Project grants: {"data":[{"id","project_id","member_id","role_id",
//     "role_name"}],"total":N,"page":{…}}, paged like the role lists; an
//     unknown project is 404.
//   - GET /api/folders without parent_id, or with the Home folder's id
//     (root_folder_id of /api/users/me), lists the project root folders
//     (parent_id null, is_project true); an unknown parent_id is 404.
//     with_nested_folders is ignored. Absent or malformed page/per_page
//     read as the defaults (1 and 100).
//   - Folders, projects and roles are the same for every environment and
//     every API client; a client's project scope is not modelled.
//   - Timestamps are shown at a fixed -07:00 offset with milliseconds.
//   - Staging (Options, staging.go; all off by default): members removed
//     right after the members list is served; GET /api/members paged, or
//     with a total it never delivers; every list ignoring page; another
//     administrator's change around a PUT; the first answer of a route lost
//     after it was applied; empty 204 answers.
package workatofake
