package workato

// How one activity-log entry becomes a feed event: a sign-in is a usage
// event, a change to an object the sync lists is a resource-change event
// naming that object by the resource ID the sync gives it, anything else
// is passed over (counted at debug by the caller).
//
// UNCERTAIN: Workato documents the log's objects in prose only and few of
// its type strings (see the reference, §2.8). Resource types are matched
// without regard to case, underscores or spaces; event types other than
// user_login and the API-client ones are kept opaque.

import (
	"context"
	"strings"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"go.uber.org/zap"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
)

// The feed's own usage target.
const (
	// workspaceTypeID is the target of a sign-in: the Workato workspace,
	// one resource per environment ("dev", "prod", ...). The sync lists
	// no such resource; ConductorOne attributes usage to the actor (a
	// synced collaborator, matched by resource ID and email) and the
	// target only says where the sign-in happened.
	workspaceTypeID = "workspace"
)

// changeKind is what kind of synced object a log resource type names.
type changeKind int

const (
	changeNone changeKind = iota
	changeCollaborator
	changeCustomRole
	changeEnvRole
	changeProjectRole
	changeGroup
	changeProject
	changeProjectGrant
	changeFolder
	changeAPIClient
	changeClientRole
)

// changeKinds maps normalised resource types (see normType) to kinds. The
// documented ones are User, ManagedUserGrant, PrivilegeGroup, ApiClient,
// ApiPrivilegeGroup, Project and Folder; the rest are guesses for RBAC 2.0
// objects (UNCERTAIN).
var changeKinds = map[string]changeKind{
	"user": changeCollaborator, "managedusergrant": changeCollaborator, "member": changeCollaborator, "collaborator": changeCollaborator,
	"privilegegroup": changeCustomRole, "role": changeCustomRole, "customrole": changeCustomRole,
	"environmentrole": changeEnvRole, "envrole": changeEnvRole,
	"projectrole": changeProjectRole,
	"usergroup":   changeGroup, "group": changeGroup, "collaboratorgroup": changeGroup,
	"project":      changeProject,
	"projectgrant": changeProjectGrant,
	"folder":       changeFolder,
	"apiclient":    changeAPIClient, "developerapiclient": changeAPIClient,
	"apiprivilegegroup": changeClientRole, "clientrole": changeClientRole, "apiclientrole": changeClientRole, "developerapiclientrole": changeClientRole,
}

// normType folds "ManagedUserGrant", "managed_user_grant" and "Managed user
// grant" together.
func normType(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '_', ' ', '-', '.':
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(s)))
}

// isSignIn reports whether a is a sign-in: event type user_login, which
// Workato also writes for a workspace switch (details.activity
// switch_workspace).
func isSignIn(a workatoapi.ActivityEntry) bool {
	t := normType(a.EventType)
	return t == "userlogin" || t == "userswitchworkspace" || (t == "" && normType(a.Activity) == "switchworkspace")
}

// isSession reports events about sessions rather than access (a failed
// sign-in, a sign-out): nothing the sync lists changed.
func isSession(eventType string) bool {
	t := normType(eventType)
	for _, w := range []string{"login", "logout", "signin", "signout"} {
		if strings.Contains(t, w) {
			return true
		}
	}
	return false
}

// signInUser is the collaborator who signed in: the entry's user, else its
// resource when that is a user.
func signInUser(a workatoapi.ActivityEntry) (id workatoapi.ID, name, email string) {
	if u := a.User; u != nil && !u.ID.IsZero() {
		return u.ID, u.Name, u.Email
	}
	if r := a.Resource; r != nil && !r.ID.IsZero() && changeKinds[normType(entryResourceType(a))] == changeCollaborator {
		return r.ID, r.Name, r.Email
	}
	return "", "", ""
}

// entryResourceType is resource_type, else resource.type.
func entryResourceType(a workatoapi.ActivityEntry) string {
	if a.ResourceType != "" {
		return a.ResourceType
	}
	if a.Resource != nil {
		return a.Resource.Type
	}
	return ""
}

// event maps a, read from e's log, to a feed event, or returns nil and
// why it was passed over. An error is a failed read that a later call can
// repeat.
func (f *activityFeed) event(ctx context.Context, e envClient, a workatoapi.ActivityEntry) (*v2.Event, string, error) {
	b := v2.Event_builder{Id: e.Env + ":" + a.ID.String(), OccurredAt: timestamppb.New(a.CreatedAt.Time)}
	if isSignIn(a) {
		id, name, email := signInUser(a)
		if id.IsZero() {
			return nil, "sign-in without a user", nil
		}
		actor, err := signInActor(id, name, email)
		if err != nil {
			return nil, "sign-in of an unusable user", nil
		}
		b.UsageEvent = v2.UsageEvent_builder{ActorResource: actor, TargetResource: workspaceResource(e.Env)}.Build()
		return b.Build(), "", nil
	}
	if isSession(a.EventType) {
		return nil, "session event " + a.EventType, nil
	}
	rid, why, err := f.changedResource(ctx, e, a)
	if rid == nil {
		return nil, why, err
	}
	b.ResourceChangeEvent = v2.ResourceChangeEvent_builder{ResourceId: rid}.Build()
	return b.Build(), "", nil
}

// signInActor is the collaborator as the sync lists it (same type, ID and
// login), so ConductorOne can match the usage to the account.
func signInActor(id workatoapi.ID, name, email string) (*v2.Resource, error) {
	display := name
	if display == "" {
		display = email
	}
	if display == "" {
		display = id.String()
	}
	var traits []resource.UserTraitOption
	if email != "" {
		traits = append(traits, resource.WithEmail(email, true), resource.WithUserLogin(email))
	}
	return resource.NewUserResource(display, collaboratorResourceType, id.String(), traits)
}

// workspaceResource is the target of a sign-in to env.
func workspaceResource(env string) *v2.Resource {
	return v2.Resource_builder{
		Id:          v2.ResourceId_builder{ResourceType: workspaceTypeID, Resource: env}.Build(),
		DisplayName: "Workato workspace (" + env + ")",
	}.Build()
}

// changedResource is the resource ID, as the sync gives it, of the object
// a changed.
func (f *activityFeed) changedResource(ctx context.Context, e envClient, a workatoapi.ActivityEntry) (*v2.ResourceId, string, error) {
	rtype := entryResourceType(a)
	kind := changeKinds[normType(rtype)]
	if kind == changeNone && isAPIClientEvent(a.EventType) {
		kind = changeAPIClient
	}
	if kind == changeNone {
		return nil, "event " + a.EventType + " on " + orUnset(rtype), nil
	}
	var id workatoapi.ID
	if a.Resource != nil {
		id = a.Resource.ID
	}
	if id.IsZero() {
		return nil, "change to a " + orUnset(rtype) + " without an ID", nil
	}
	rid := func(typ, res string) *v2.ResourceId {
		return v2.ResourceId_builder{ResourceType: typ, Resource: res}.Build()
	}
	switch kind {
	case changeCollaborator:
		return rid(collaboratorTypeID, id.String()), "", nil
	case changeCustomRole:
		return rid(roleTypeID, customRoleRID(id)), "", nil
	case changeEnvRole:
		return rid(roleTypeID, envRoleRID(id)), "", nil
	case changeProjectRole:
		return rid(roleTypeID, projectRoleRID(id)), "", nil
	case changeGroup:
		return rid(groupTypeID, groupRID(id)), "", nil
	case changeProject:
		return rid(projectTypeID, envResourceID(e.Env, id)), "", nil
	case changeFolder:
		return rid(folderTypeID, envResourceID(e.Env, id)), "", nil
	case changeAPIClient:
		return rid(apiClientTypeID, apiClientRID(id)), "", nil
	case changeClientRole:
		return rid(clientRoleTypeID, clientRoleRID(id)), "", nil
	case changeProjectGrant:
		return f.grantProject(ctx, e, id)
	}
	return nil, "change of an unmapped kind", nil
}

// grantProject is the project of project grant id: the sync lists grants
// on their project. The log names the grant only, so the grant is read
// back. A grant already gone (404) or out of the client's reach (403)
// cannot be placed: it is skipped with an info line, and the next full sync
// shows the change. Any other failure is returned, so the page is read
// again by a later call rather than lost.
func (f *activityFeed) grantProject(ctx context.Context, e envClient, id workatoapi.ID) (*v2.ResourceId, string, error) {
	g, err := e.API.GetProjectGrant(ctx, id)
	switch {
	case err != nil && !logUnavailable(err):
		return nil, "", wrap("read project grant "+id.String()+" named by the "+e.Env+" activity log", err)
	case err != nil || g == nil || g.Project.ID.IsZero():
		f.log.Info("workato: activity feed: a changed project grant cannot be read back, so its project is unknown; the change waits for the next full sync",
			zap.String("env", e.Env), zap.String("project_grant_id", id.String()), zap.Error(err))
		return nil, "change to a project grant that cannot be placed", nil
	}
	return v2.ResourceId_builder{ResourceType: projectTypeID, Resource: envResourceID(e.Env, g.Project.ID)}.Build(), "", nil
}

// isAPIClientEvent: developer_api_client_created|deleted|updated,
// token_leaked, token_regenerated.
func isAPIClientEvent(t string) bool {
	t = normType(t)
	return strings.HasPrefix(t, "developerapiclient") || t == "tokenleaked" || t == "tokenregenerated"
}

func orUnset(s string) string {
	if s == "" {
		return "(no resource type)"
	}
	return s
}
