package workato

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	v2 "github.com/conductorone/baton-sdk/pb/c1/connector/v2"
	"github.com/conductorone/baton-sdk/pkg/annotations"
	"github.com/conductorone/baton-sdk/pkg/connectorbuilder"
	"github.com/conductorone/baton-sdk/pkg/types/resource"
	"go.uber.org/zap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/accessgov/baton-connectors/connectors/workato/internal/workatoapi"
	"github.com/accessgov/baton-connectors/internal/httpx"
)

// Accounts: creating a collaborator invites them (POST
// /api/member_invitations) and deleting one removes them from the workspace
// (DELETE /api/members/:id).
//
// An invitation is pending until the person accepts it, and until then
// there is no collaborator: CreateAccount answers "action required" with a
// resource that stands for the invitation (ID "invitation:<id>", its email
// and the roles it will give). The collaborator appears, with their member
// ID, in the first sync after they accept.

var (
	_ connectorbuilder.AccountManagerV2      = (*collaboratorSyncer)(nil)
	_ connectorbuilder.ResourceDeleterV2     = (*collaboratorSyncer)(nil)
	_ connectorbuilder.ResourceProvisionerV2 = (*roleSyncer)(nil)
)

// CreateAccountCapabilityDetails says invitations carry no credential:
// the invitee sets their own password or signs in with SSO.
func (s *collaboratorSyncer) CreateAccountCapabilityDetails(context.Context) (*v2.CredentialDetailsAccountProvisioning, annotations.Annotations, error) {
	return v2.CredentialDetailsAccountProvisioning_builder{
		SupportedCredentialOptions: []v2.CapabilityDetailCredentialOption{v2.CapabilityDetailCredentialOption_CAPABILITY_DETAIL_CREDENTIAL_OPTION_NO_PASSWORD},
		PreferredCredentialOption:  v2.CapabilityDetailCredentialOption_CAPABILITY_DETAIL_CREDENTIAL_OPTION_NO_PASSWORD,
	}.Build(), nil, nil
}

// CreateAccount invites a collaborator. The profile holds "name", "email",
// "env_roles": either {"dev": "Analyst", "prod": "Operator"} or a list of
// {"environment_type", "name", "role_type"} ("role_type" at the top level
// applies to the map form), and "user_group_ids": the resource IDs of the
// collaborator groups to join (a list, or one comma-separated string).
//
// Roles and groups are checked against lists read now, so an invitation
// Workato would refuse, or one naming a group that is not there, is
// InvalidArgument and nothing is sent. A role given without role_type is
// an RBAC 2.0 environment role where the environment uses them (sent with
// role_type "environment" and the name as GET /api/environment_roles
// spells it), else a legacy role (sent without role_type, Workato's
// default).
func (s *collaboratorSyncer) CreateAccount(ctx context.Context, info *v2.AccountInfo, _ *v2.LocalCredentialOptions) (
	connectorbuilder.CreateAccountResponse, []*v2.PlaintextData, annotations.Annotations, error,
) {
	profile := info.GetProfile().AsMap()
	str := func(k string) string {
		v, _ := profile[k].(string)
		return strings.TrimSpace(v)
	}
	email := str("email")
	if email == "" {
		for _, e := range info.GetEmails() {
			if e.GetAddress() != "" {
				email = e.GetAddress()
				break
			}
		}
	}
	if email == "" {
		email = info.GetLogin()
	}
	if email == "" || !strings.Contains(email, "@") {
		return nil, nil, nil, status.Error(codes.InvalidArgument, `workato: an invitation needs an email address: set "email" in the account profile (--create-account-email)`)
	}
	name := str("name")
	if name == "" {
		name = strings.TrimSpace(str("first_name") + " " + str("last_name"))
	}
	if name == "" {
		name = email
	}
	roles, err := parseEnvRoles(profile["env_roles"], str("role_type"))
	if err != nil {
		return nil, nil, nil, err
	}
	if roles, err = s.prov.inviteRoles(ctx, roles); err != nil {
		return nil, nil, nil, err
	}
	groupIDs, err := s.prov.inviteGroups(ctx, profile["user_group_ids"])
	if err != nil {
		return nil, nil, nil, err
	}
	inv, err := s.prov.dev().InviteMember(ctx, name, email, roles, groupIDs)
	if err != nil {
		var se *httpx.StatusError
		if errors.As(err, &se) && (se.StatusCode == http.StatusBadRequest || se.StatusCode == http.StatusUnprocessableEntity) {
			return nil, nil, nil, status.Errorf(codes.InvalidArgument, "workato: Workato refused the invitation of %s: %s", email, workatoapi.Message(se.Body))
		}
		if se := (*httpx.StatusError)(nil); !errors.As(err, &se) || se.StatusCode >= 500 {
			// POST is not idempotent and is never re-sent once it may have
			// reached Workato; say so rather than invite twice.
			return nil, nil, nil, status.Errorf(codes.Aborted,
				"workato: invite %s: the invitation may have been sent (%v): check Workato's pending invitations before trying again", email, strings.TrimPrefix(err.Error(), servicePrefix))
		}
		return nil, nil, nil, wrap("invite "+email, err)
	}
	s.prov.log.Info("workato: invitation sent", zap.String("invitation", inv.ID.String()))
	r, err := invitationResource(inv, name, email, roles, groupIDs)
	if err != nil {
		return nil, nil, nil, err
	}
	return v2.CreateAccountResponse_ActionRequiredResult_builder{
		Resource: r,
		Message: fmt.Sprintf("Invitation %s sent to %s. The invitation is pending: %s becomes a collaborator, with the roles asked for, "+
			"only after accepting it, and appears in the first sync after that.", inv.ID, email, name),
		IsCreateAccountResult: true,
	}.Build(), nil, nil, nil
}

// parseEnvRoles reads env_roles from an account profile.
func parseEnvRoles(v any, roleType string) ([]workatoapi.EnvRole, error) {
	var out []workatoapi.EnvRole
	switch x := v.(type) {
	case nil:
		return nil, nil
	case map[string]any:
		for env, name := range x {
			n, ok := name.(string)
			if !ok || n == "" {
				return nil, status.Errorf(codes.InvalidArgument, "workato: env_roles[%q] must be a role name", env)
			}
			out = append(out, workatoapi.EnvRole{EnvironmentType: strings.ToLower(env), Name: n, RoleType: roleType})
		}
	case []any:
		for i, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, status.Errorf(codes.InvalidArgument, "workato: env_roles[%d] must be an object with environment_type and name", i)
			}
			env, _ := m["environment_type"].(string)
			n, _ := m["name"].(string)
			rt, _ := m["role_type"].(string)
			if env == "" || n == "" {
				return nil, status.Errorf(codes.InvalidArgument, "workato: env_roles[%d] needs environment_type and name", i)
			}
			if rt == "" {
				rt = roleType
			}
			out = append(out, workatoapi.EnvRole{EnvironmentType: strings.ToLower(env), Name: n, RoleType: rt})
		}
	default:
		return nil, status.Error(codes.InvalidArgument, `workato: env_roles must be {"dev": "Analyst", ...} or a list of {"environment_type", "name"}`)
	}
	sort.Slice(out, func(i, j int) bool { return envOrder[out[i].EnvironmentType] < envOrder[out[j].EnvironmentType] })
	return out, nil
}

func invitationResource(inv *workatoapi.Invitation, name, email string, roles []workatoapi.EnvRole, groupIDs []workatoapi.ID) (*v2.Resource, error) {
	// Workato's answer to an invitation is undocumented; an empty 2xx
	// carries no ID, so the invitation is named by its email (a guess,
	// marked in the README).
	rid := "invitation:" + inv.ID.String()
	if inv.ID.IsZero() {
		rid = "invitation:" + email
	}
	profile := map[string]interface{}{"invitation_id": inv.ID.String(), "email": email, "name": name, "status": "pending"}
	for _, r := range roles {
		profile["role_"+r.EnvironmentType] = r.Name
	}
	if len(groupIDs) > 0 {
		ids := make([]interface{}, len(groupIDs))
		for i, g := range groupIDs {
			ids[i] = g.String()
		}
		profile["user_group_ids"] = ids
	}
	return resource.NewUserResource(name, collaboratorResourceType, rid,
		[]resource.UserTraitOption{resource.WithEmail(email, true), resource.WithUserLogin(email)},
		resource.WithResourceProfile(profile),
		resource.WithResourceStatus(v2.Status_RESOURCE_STATUS_DISABLED, "invitation pending"))
}

// inviteRoles checks each role of an invitation against the role lists
// read now and settles its role type (see CreateAccount).
func (p *provisioner) inviteRoles(ctx context.Context, roles []workatoapi.EnvRole) ([]workatoapi.EnvRole, error) {
	out := make([]workatoapi.EnvRole, 0, len(roles))
	for _, r := range roles {
		known, err := p.knownEnv(ctx, r.EnvironmentType)
		if err != nil {
			return nil, err
		}
		if !known {
			return nil, status.Errorf(codes.InvalidArgument,
				"workato: env_roles: unknown environment %q: use %s, an environment with a token or one collaborators hold roles in; nothing was sent",
				r.EnvironmentType, strings.Join(environments, ", "))
		}
		switch {
		case r.RoleType == "":
			t, err := p.findByName(ctx, r.EnvironmentType, r.Name)
			if err != nil {
				return nil, err
			}
			r.Name = t.Name
			if t.RoleType == workatoapi.RoleTypeEnvironment {
				r.RoleType = t.RoleType
			}
		case strings.EqualFold(r.RoleType, workatoapi.RoleTypeEnvironment):
			envRoles, migrated, err := p.environmentRoles(ctx)
			if err != nil {
				return nil, err
			}
			i := slices.IndexFunc(envRoles, func(e workatoapi.RBACRole) bool { return strings.EqualFold(e.Name, r.Name) })
			if migrated && i < 0 {
				return nil, status.Errorf(codes.InvalidArgument,
					"workato: env_roles: %q is not one of the workspace's environment roles (GET /api/environment_roles): nothing was sent", r.Name)
			}
			if i >= 0 {
				r.Name = envRoles[i].Name
			}
			r.RoleType = workatoapi.RoleTypeEnvironment
		}
		out = append(out, r)
	}
	return out, nil
}

// inviteGroups reads "user_group_ids" of an account profile: group
// resource IDs (Workato's group IDs), each checked against the group list
// read now. An unknown group, or "All collaborators" (which holds every
// collaborator anyway and cannot be changed), is InvalidArgument.
func (p *provisioner) inviteGroups(ctx context.Context, v any) ([]workatoapi.ID, error) {
	var raw []string
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		for _, s := range strings.Split(x, ",") {
			if s = strings.TrimSpace(s); s != "" {
				raw = append(raw, s)
			}
		}
	case []any:
		for i, e := range x {
			switch id := e.(type) {
			case string:
				raw = append(raw, strings.TrimSpace(id))
			case float64:
				raw = append(raw, strconv.FormatFloat(id, 'f', -1, 64))
			default:
				return nil, status.Errorf(codes.InvalidArgument, "workato: user_group_ids[%d] must be a group ID", i)
			}
		}
	default:
		return nil, status.Error(codes.InvalidArgument, `workato: user_group_ids must be a list of group IDs, e.g. ["am-WxEKCibh-dTXBtz"]`)
	}
	if len(raw) == 0 {
		return nil, nil
	}
	groups, err := readPages(ctx, workatoapi.RouteGroups, groupID, shortPaged(p.dev().ListGroups))
	if err != nil {
		return nil, wrap("list collaborator groups", err)
	}
	var out []workatoapi.ID
	for _, s := range raw {
		id, err := workatoapi.ParseID(s)
		if err != nil {
			return nil, status.Errorf(codes.InvalidArgument, "workato: user_group_ids: %v", err)
		}
		i := slices.IndexFunc(groups, func(g workatoapi.Group) bool { return g.ID == id })
		switch {
		case i < 0:
			return nil, status.Errorf(codes.InvalidArgument,
				"workato: user_group_ids: collaborator group %s is not in the workspace: nothing was sent (sync again to refresh the groups)", id)
		case groups[i].System:
			return nil, status.Errorf(codes.InvalidArgument,
				"workato: user_group_ids: %q (%s) is Workato's system group of every collaborator, which a new collaborator joins anyway: leave it out; nothing was sent", groups[i].Name, id)
		case !slices.Contains(out, id):
			out = append(out, id)
		}
	}
	return out, nil
}

// Delete removes a collaborator from the workspace.
func (s *collaboratorSyncer) Delete(ctx context.Context, id *v2.ResourceId, _ *v2.ResourceId) (annotations.Annotations, error) {
	mid, err := collaboratorIDOf(id, "only collaborators can be deleted")
	if err != nil {
		return nil, err
	}
	defer s.prov.lock(memberLock(mid))()
	if err := s.prov.dev().DeleteMember(ctx, mid); err != nil {
		var se *httpx.StatusError
		if errors.As(err, &se) && httpx.IsNotFound(err) {
			if se.Attempts > 1 {
				// An earlier attempt removed them and its answer was lost.
				s.prov.log.Info("workato: collaborator removed (the first answer was lost; the retry found them gone)", zap.String("collaborator", mid.String()))
				return nil, nil
			}
			return nil, status.Errorf(codes.NotFound, "workato: collaborator %s is not in the workspace (already removed?)", mid)
		}
		return nil, wrap(fmt.Sprintf("delete collaborator %s", mid), err)
	}
	s.prov.log.Info("workato: collaborator removed", zap.String("collaborator", mid.String()))
	return nil, nil
}
