package tools

import (
	"context"
	"fmt"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// A user's permission on a repository, and pending invitations.

// collaboratorMoreTools are the collaborators toolset's read tools of
// this file.
func collaboratorMoreTools() []toolkit.Tool {
	return []toolkit.Tool{
		getCollaboratorPermission(),
		listRepositoryInvitations(),
	}
}

// UserPermission is a user's permission on a repository.
type UserPermission struct {
	Login      string `json:"login"`
	Permission string `json:"permission" jsonschema:"none, pull, triage, push, maintain, admin or a custom role"`
}

// getCollaboratorPermission calls GET /repos/{owner}/{repo}/collaborators/{username}/permission.
// https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user
func getCollaboratorPermission() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "get_collaborator_permission",
		Toolset: ToolsetCollabs,
		Kind:    toolkit.Read,
		Desc:    "Get a user's permission on a repository, from any source (collaborator, team, organization).",
	}, func(ctx context.Context, d toolkit.Deps, in CollaboratorArgs) (UserPermission, error) {
		what := fmt.Sprintf("get permission of %s on %s", in.Login, in.RepoArgs)
		p, _, err := d.GitHub.Repositories.GetPermissionLevel(ctx, in.Owner, in.Repo, in.Login)
		if err != nil {
			return UserPermission{}, toolkit.Op(what, err)
		}
		// role_name is finer (triage, maintain, custom roles) than
		// permission (admin, write, read, none); go-github v62 drops it.
		perm := permissionName(p.GetUser().GetRoleName())
		if perm == "" {
			perm = permissionName(p.GetPermission())
		}
		return UserPermission{Login: p.GetUser().GetLogin(), Permission: perm}, nil
	})
}

// Invitation is a pending invitation to a repository.
type Invitation struct {
	ID         int64  `json:"id"`
	Invitee    string `json:"invitee"`
	Inviter    string `json:"inviter"`
	Permission string `json:"permission"`
	CreatedAt  string `json:"created_at" jsonschema:"Invitations expire after 7 days; add_collaborator invites again"`
}

// InvitationList is a page of invitations.
type InvitationList struct {
	Invitations []Invitation `json:"invitations"`
	NextPage    int          `json:"next_page,omitempty"`
}

// listRepositoryInvitations calls GET /repos/{owner}/{repo}/invitations.
// https://docs.github.com/rest/collaborators/invitations#list-repository-invitations
func listRepositoryInvitations() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "list_repository_invitations",
		Toolset: ToolsetCollabs,
		Kind:    toolkit.Read,
		Desc:    "List invitations to a repository not accepted yet.",
	}, func(ctx context.Context, d toolkit.Deps, in struct {
		RepoArgs
		PageArgs
	}) (InvitationList, error) {
		what := "list invitations of " + in.RepoArgs.String()
		opts := in.listOptions()
		invs, resp, err := d.GitHub.Repositories.ListInvitations(ctx, in.Owner, in.Repo, &opts)
		if err != nil {
			return InvitationList{}, toolkit.Op(what, err)
		}
		out := InvitationList{Invitations: []Invitation{}, NextPage: nextPage(resp)}
		for _, inv := range invs {
			out.Invitations = append(out.Invitations, Invitation{
				ID: inv.GetID(), Invitee: login(inv.Invitee), Inviter: login(inv.Inviter),
				Permission: permissionName(inv.GetPermissions()), CreatedAt: ts(inv.CreatedAt),
			})
		}
		return out, nil
	})
}
