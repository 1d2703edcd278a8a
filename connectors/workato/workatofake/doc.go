// Package workatofake is a stateful, faithful fake of the Workato developer
// API (collaborators, their privileges and roles, legacy custom roles, the
// RBAC 2.0 environment and project roles, project grants and collaborator
// groups, API clients and client roles, the activity audit log, folders,
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
//     roles, environment_roles, project_roles, project_grants
//     (/api/projects/:id/project_grants and /api/project_grants/:id),
//     folders (/api/folders and /api/projects together; the doc's value
//     is cut off, 60 assumed), users_me, user_groups, api_clients and
//     activity_logs. Refused requests do not count. A 429
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
//     member's project grants and group memberships.
//   - POST /api/member_invitations answers 200 {"data":{"id","email",
//     "name","env_roles","status":"pending","created_at"}} and creates no
//     member (Server.AcceptInvitation does). Checks after the body: a
//     blank name or an email without "@" (400 Validation failed); the same
//     email successfully invited within Options.InviteWindow (20 minutes;
//     429, failed attempts do not start the clock); an email that is
//     already a member (422); members plus other pending invitations at 100
//     (400); env_roles as for PUT (NoAccess entries are dropped; at least
//     one role must remain); user_group_ids must name groups (400). The
//     invitee joins those groups on acceptance. Inviting a pending email
//     again after the window replaces that invitation, keeping its id.
//     The 100-collaborator cap is lifted by Workspace.NoMemberCap.
//   - GET /api/roles on a migrated workspace answers 400 {"message":"Legacy
//     roles are no longer available: this workspace uses environment and
//     project roles"}. /api/environment_roles, /api/project_roles and
//     /api/projects/:id/project_grants answer 401 {"message":"Unauthorized"}
//     on a workspace that has not migrated, as Workato is reported to.
//   - Project grants are served in the documented shape {"id":"pg-…",
//     "project":{"id","name","environment":{"id","type"}},"project_role":
//     {"id","name"},"user_group":null|{…},"user":null|{…}}, listed
//     {data,total,page} with page[number]/page[size] ≤ 100. A client
//     reaches only its own environment's projects and grants: others
//     (and unknown ones) are 404. PUT /api/projects/:id/project_grants
//     takes {"project_grants":[…]} or the query form
//     (project_grants[][assignment_type]=…, zipped in order); more than
//     100 grants or none is 400; every entry is checked before anything
//     changes (unknown project role 400, unknown user or group 404, bad
//     assignment_type 400); one grant per (project, assignee), so a
//     re-PUT changes the role and keeps the id; the answer is
//     {"data":[grant…]}. PUT /api/project_grants/:id takes
//     project_role_id (JSON or query); DELETE answers {"success":true}.
//   - /api/members/:id/project_grants lists a collaborator's direct
//     grants in every environment; /api/members/:id/projects_privileges
//     their effective access per project ({"project","project_role",
//     "granted_via":[…]}; item keys are a guess): the highest-ranked role
//     of their direct grant and every group's (All collaborators
//     included). Rank: Project admin > Advanced builder > Builder >
//     Project operator; custom roles by NewRole.Rank.
//   - Collaborator groups (/api/user_groups*): {data,total,page} lists
//     with page[number]/page[size] ≤ 100, name (groups) and text
//     (members) filters; {data:group} for one group; members served as
//     {id,name,email} (a guess). POST/DELETE …/members take user_ids as
//     repeated query parameters, user_ids[] or a JSON body (and
//     member_invitation_ids on DELETE), check every id first (unknown:
//     404), change nothing for ids already in or out, answer
//     {"success":true}, and log one entry per change. "All collaborators"
//     (system) lists every member and answers member changes with 422
//     {"message":…}. IdP-managed groups accept changes, which SignIn
//     reverts for that member. Served to every client unless
//     Options.GroupsDevOnly (UNCERTAIN).
//   - API clients and client roles: {"result":{"count","items"}} paged
//     with page/per_page ≤ 100, every client of the workspace whatever the
//     caller's environment; items never carry a token value, only
//     token.updated_at (UTC, "Z"). Options.APIClientsDevOnly and
//     APIClientsForbidden stage the 403s.
//   - /api/activity_logs answers the calling client's environment's log,
//     ascending by id: entries with id > page[after], page[size] ≤ 100;
//     from/to (any offset, inclusive), users_ids[], and
//     include/exclude_resource_types[] and _event_types[] (compared
//     without regard to case); total counts the filtered entries,
//     page[after] aside. 403 {"message":…} when Workspace.AuditLog is
//     false. Entries follow the reference's sample (id, event_type,
//     resource_type, created_at, workspace, user, details, resource);
//     API-client writes carry "user": null. Event strings other than
//     user_login and token_regenerated are guesses (see activity.go).
//     A PUT of member roles logs one entry per env_roles entry, in that
//     environment's log; invitations, member deletes and group changes
//     go to the DEV log, grant changes to their project's environment.
//   - GET /api/folders and /api/projects answer the calling client's
//     environment only (a project's Env; folders follow their project).
//     Without parent_id, or with the Home folder's id (root_folder_id of
//     /api/users/me), /api/folders lists the environment's project root
//     folders (parent_id null, is_project true); an unknown parent_id, or
//     one in another environment, is 404. Options.NestedFolders:
//     NestedUnsupported ignores with_nested_folders; NestedSubtree
//     answers every descendant of parent_id (Home: the whole
//     environment), depth first, each with its parent_id, paged. Absent
//     or malformed page/per_page read as the defaults (1 and 100).
//   - Roles are the same for every environment and every API client; a
//     client's project scope (folder_ids) is shown, not enforced.
//   - On a migrated workspace with LegacyEnvs (mid-migration) /api/roles
//     still serves the legacy custom roles, and PUT takes role_type
//     privilege_group only in those environments.
//   - Shapes the reference leaves open are servable by Options:
//     ActivityKeys (type/timestamp instead of event_type/created_at),
//     APIClientsEnvelope ({data,total} or a bare array),
//     OtherEnvForbidden (403 instead of 404 for another environment's
//     project or grant) and RBACErrorsForm ({"errors":[{"title"}]} error
//     bodies on the group, grant, API-client and activity-log endpoints).
//   - Timestamps are shown at a fixed -07:00 offset with milliseconds.
//   - Staging (Options, staging.go; all off by default): members removed
//     right after the members list is served; GET /api/members paged, or
//     with a total it never delivers; every list ignoring page; another
//     administrator's change around a PUT; the first answer of a route lost
//     after it was applied; empty 204 answers.
package workatofake
