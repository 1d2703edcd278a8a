package workato

// Group membership: granting and revoking a collaborator group's "member"
// entitlement, with POST and DELETE /api/user_groups/:id/members through
// the DEV client. The group and its member list are read fresh first (a
// member already: no write; not a member: no write) and the list again
// after the write, to confirm. "All collaborators", Workato's system group
// of every collaborator, cannot be changed.
//
// Groups may be managed by the identity provider (SAML role sync or SCIM
// passing workato_user_groups): Workato then overwrites a change made
// here at the member's next SSO sign-in. The API does not say whether
// that is so (workato-api.md §2.5), so every change carries a warning.

import (
	"context"
	"fmt"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/connectorbuilder"
	"github.com/conductorone/baton-sdk/pkg/types/grant"
	"go.uber.org/zap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/structpb"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
	"github.com/accessgov/baton-connectors/internal/httpx"
)

var _ connectorbuilder.ResourceProvisionerV2 = (*groupSyncer)(nil)

// Grant adds a collaborator to the group.
func (s *groupSyncer) Grant(ctx context.Context, principal *v2.Resource, ent *v2.Entitlement) ([]*v2.Grant, annotations.Annotations, error) {
	return s.prov.grantGroupMember(ctx, principal, ent)
}

// Revoke removes a collaborator from the group.
func (s *groupSyncer) Revoke(ctx context.Context, g *v2.Grant) (annotations.Annotations, error) {
	return s.prov.revokeGroupMember(ctx, g)
}

// idpWarning is said with every group change that succeeded.
const idpWarning = "if this workspace's collaborator groups are managed by the identity provider (SAML role sync or SCIM passing workato_user_groups), " +
	"Workato overwrites this change at the collaborator's next SSO sign-in; Workato's API does not say whether they are"

// idpWarningAnnotations carry idpWarning in a Grant or Revoke result. The
// SDK has no warning annotation, so it is the documented generic
// GrantMetadata, whose metadata holds {"warning": …}.
func idpWarningAnnotations() annotations.Annotations {
	md, _ := structpb.NewStruct(map[string]any{"warning": idpWarning}) // a string value cannot fail
	return annotations.New(&v2.GrantMetadata{Metadata: md})
}

// parseGroupEntitlement reads "group:<id>:member".
func parseGroupEntitlement(ent *v2.Entitlement) (workatoapi.ID, error) {
	rid, slug, err := splitEntitlementID(ent.GetId(), groupTypeID)
	if err != nil {
		return "", err
	}
	if slug != memberEntitlement {
		return "", status.Errorf(codes.InvalidArgument, "workato: %q is not a group membership entitlement (want group:<id>:%s)", ent.GetId(), memberEntitlement)
	}
	if res := ent.GetResource().GetId(); res.GetResource() != "" && (res.GetResource() != rid || res.GetResourceType() != groupTypeID) {
		return "", status.Errorf(codes.InvalidArgument,
			"workato: the entitlement %q names the group %q but its resource is %s %q: nothing was changed", ent.GetId(), rid, res.GetResourceType(), res.GetResource())
	}
	id, err := workatoapi.ParseID(rid)
	if err != nil {
		return "", status.Errorf(codes.InvalidArgument, "workato: entitlement %q: group %v", ent.GetId(), err)
	}
	return id, nil
}

// group reads the group fresh from the group list; nil if it is not there.
func (p *provisioner) group(ctx context.Context, id workatoapi.ID) (*workatoapi.Group, error) {
	// The total's meaning is ambiguous (§2.5): the list ends on a short page.
	groups, err := readPages(ctx, workatoapi.RouteGroups, groupID, shortPaged(p.dev().ListGroups))
	if err != nil {
		return nil, wrap("list collaborator groups", err)
	}
	for i := range groups {
		if groups[i].ID == id {
			return &groups[i], nil
		}
	}
	return nil, nil
}

// groupHasMember reads the group's members fresh. A group that is gone
// is NotFound.
func (p *provisioner) groupHasMember(ctx context.Context, gid, mid workatoapi.ID) (bool, error) {
	members, err := readPages(ctx, workatoapi.RouteGroupMembers, groupMemberID,
		shortPaged(func(ctx context.Context, page int) ([]workatoapi.GroupMember, int, error) {
			return p.dev().ListGroupMembers(ctx, gid, page)
		}))
	if httpx.IsNotFound(err) {
		return false, status.Errorf(codes.NotFound, "workato: collaborator group %s is no longer in the workspace (deleted?)", gid)
	}
	if err != nil {
		return false, wrap(fmt.Sprintf("list the members of collaborator group %s", gid), err)
	}
	for _, m := range members {
		if m.ID == mid {
			return true, nil
		}
	}
	return false, nil
}

// changeableGroup reads group gid and refuses the system group.
func (p *provisioner) changeableGroup(ctx context.Context, gid workatoapi.ID) (*workatoapi.Group, error) {
	g, err := p.group(ctx, gid)
	if err != nil || g == nil {
		return g, err
	}
	if g.System {
		return nil, status.Errorf(codes.InvalidArgument,
			"workato: %q (%s) is Workato's system group of every collaborator: its members cannot be added or removed; nothing was changed", g.Name, g.ID)
	}
	return g, nil
}

// grantGroupMember adds the collaborator to the group.
func (p *provisioner) grantGroupMember(ctx context.Context, principal *v2.Resource, ent *v2.Entitlement) ([]*v2.Grant, annotations.Annotations, error) {
	gid, err := parseGroupEntitlement(ent)
	if err != nil {
		return nil, nil, err
	}
	mid, err := collaboratorIDOf(principal.GetId(), "only collaborators can be members of a collaborator group")
	if err != nil {
		return nil, nil, err
	}
	defer p.lock("group:" + gid.String())()
	g, err := p.changeableGroup(ctx, gid)
	if err != nil {
		return nil, nil, err
	}
	if g == nil {
		return nil, nil, status.Errorf(codes.NotFound, "workato: collaborator group %s is not in the workspace (deleted?): sync again; nothing was changed", gid)
	}
	if _, err := p.member(ctx, mid); err != nil {
		return nil, nil, err
	}
	out := []*v2.Grant{grant.NewGrant(ent.GetResource(), memberEntitlement, principal.GetId())}
	in, err := p.groupHasMember(ctx, gid, mid)
	if err != nil {
		return nil, nil, err
	}
	if in {
		return out, annotations.New(&v2.GrantAlreadyExists{}), nil
	}
	werr := p.dev().AddGroupMember(ctx, gid, mid)
	if werr != nil && !outcomeUnknown(ctx, werr) {
		return nil, nil, groupWriteError("add", g, mid, werr)
	}
	in, err = p.groupHasMember(ctx, gid, mid)
	switch {
	case err != nil && werr != nil:
		return nil, nil, groupWriteError("add", g, mid, werr)
	case err != nil:
		return nil, nil, wrap(fmt.Sprintf("confirm that collaborator %s was added to group %s", mid, gid), err)
	case !in && werr != nil:
		return nil, nil, groupWriteError("add", g, mid, werr)
	case !in:
		return nil, nil, status.Errorf(codes.Aborted,
			"workato: Workato accepted adding collaborator %s to group %q, but its member list read right after does not show them (a concurrent change?): sync again to see the current members", mid, g.Name)
	}
	p.log.Warn("workato: added collaborator to group; "+idpWarning, zap.String("collaborator", mid.String()), zap.String("group", gid.String()))
	return out, idpWarningAnnotations(), nil
}

// revokeGroupMember removes the collaborator from the group.
func (p *provisioner) revokeGroupMember(ctx context.Context, gr *v2.Grant) (annotations.Annotations, error) {
	gid, err := parseGroupEntitlement(gr.GetEntitlement())
	if err != nil {
		return nil, err
	}
	mid, err := collaboratorIDOf(gr.GetPrincipal().GetId(), "only collaborators are members of a collaborator group")
	if err != nil {
		return nil, err
	}
	defer p.lock("group:" + gid.String())()
	g, err := p.changeableGroup(ctx, gid)
	if err != nil {
		return nil, err
	}
	if g == nil {
		p.log.Info("workato: collaborator group gone: the membership is revoked already", zap.String("group", gid.String()))
		return annotations.New(&v2.GrantAlreadyRevoked{}), nil
	}
	in, err := p.groupHasMember(ctx, gid, mid)
	if status.Code(err) == codes.NotFound {
		return annotations.New(&v2.GrantAlreadyRevoked{}), nil
	}
	if err != nil {
		return nil, err
	}
	if !in {
		return annotations.New(&v2.GrantAlreadyRevoked{}), nil
	}
	werr := p.dev().RemoveGroupMember(ctx, gid, mid)
	if werr != nil && !httpx.IsNotFound(werr) && !outcomeUnknown(ctx, werr) {
		return nil, groupWriteError("remove", g, mid, werr)
	}
	in, err = p.groupHasMember(ctx, gid, mid)
	switch {
	case status.Code(err) == codes.NotFound:
		return nil, nil // the group went with its members
	case err != nil && werr != nil && !httpx.IsNotFound(werr):
		return nil, groupWriteError("remove", g, mid, werr)
	case err != nil:
		return nil, wrap(fmt.Sprintf("confirm that collaborator %s was removed from group %s", mid, gid), err)
	case in && werr != nil:
		return nil, groupWriteError("remove", g, mid, werr)
	case in:
		return nil, status.Errorf(codes.Aborted,
			"workato: Workato accepted removing collaborator %s from group %q, but its member list read right after still shows them (a concurrent change?): sync again to see the current members", mid, g.Name)
	}
	p.log.Warn("workato: removed collaborator from group; "+idpWarning, zap.String("collaborator", mid.String()), zap.String("group", gid.String()))
	return idpWarningAnnotations(), nil
}

// groupWriteError explains a failed member change. A refusal (4xx)
// changed nothing and says why (a 403 names the client-role privilege);
// after a server error or a lost connection the outcome is unknown.
func groupWriteError(what string, g *workatoapi.Group, mid workatoapi.ID, err error) error {
	prep := "to"
	if what == "remove" {
		prep = "from"
	}
	op := fmt.Sprintf("%s collaborator %s %s group %q (%s)", what, mid, prep, g.Name, g.ID)
	return writeError(op, "the group or the collaborator is gone", "sync again to see the current members", err)
}
