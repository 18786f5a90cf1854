package tools

import (
	"context"
	"fmt"
	"net/http"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// ListCollaboratorsArgs are the arguments of list_collaborators.
type ListCollaboratorsArgs struct {
	RepoArgs
	Affiliation string `json:"affiliation,omitempty" jsonschema:"outside: not organization members; direct: not via teams" ghmcp:"enum=all|direct|outside,default=all"`
	PageArgs
}

// Collaborator is a person with access to a repository.
type Collaborator struct {
	Login      string `json:"login"`
	Permission string `json:"permission" jsonschema:"pull, triage, push, maintain, admin or a custom role"`
}

// CollaboratorList is a page of collaborators.
type CollaboratorList struct {
	Collaborators []Collaborator `json:"collaborators"`
	NextPage      int            `json:"next_page,omitempty"`
}

// CollaboratorArgs name a user of a repository.
type CollaboratorArgs struct {
	RepoArgs
	Login string `json:"login" ghmcp:"login"`
}

// AddCollaboratorArgs are the arguments of add_collaborator.
type AddCollaboratorArgs struct {
	CollaboratorArgs
	Permission string `json:"permission,omitempty" jsonschema:"Organization repositories only; personal ones grant push" ghmcp:"enum=pull|triage|push|maintain|admin,default=push"`
}

// CollaboratorChange is what add_collaborator and remove_collaborator did.
type CollaboratorChange struct {
	Login        string `json:"login"`
	Permission   string `json:"permission,omitempty"`
	Status       string `json:"status" jsonschema:"invited, updated or removed"`
	InvitationID int64  `json:"invitation_id,omitempty"`
	Note         string `json:"note"`
}

// collaboratorTools are the collaborators toolset.
func collaboratorTools() []toolkit.Tool {
	return []toolkit.Tool{
		listCollaborators(),
		addCollaborator(),
		removeCollaborator(),
	}
}

// permissionName turns GitHub's role names (read, write, ...) and
// invitation permissions into the words the permission argument of
// add_collaborator takes, so that both tools speak alike. Custom roles
// keep their name.
func permissionName(role string) string {
	switch role {
	case "read":
		return "pull"
	case "write":
		return "push"
	}
	return role
}

// highestPermission reads the permissions hash, for answers without a
// role name.
func highestPermission(p map[string]bool) string {
	for _, name := range []string{"admin", "maintain", "push", "triage", "pull"} {
		if p[name] {
			return name
		}
	}
	return ""
}

// listCollaborators calls GET /repos/{owner}/{repo}/collaborators.
// https://docs.github.com/rest/collaborators/collaborators#list-repository-collaborators
func listCollaborators() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "list_collaborators",
		Toolset: ToolsetCollabs,
		Kind:    toolkit.Read,
		Desc:    "List the people with access to a repository and their permission. Pending invitations are not listed.",
	}, func(ctx context.Context, d toolkit.Deps, in ListCollaboratorsArgs) (CollaboratorList, error) {
		what := "list collaborators of " + in.RepoArgs.String()
		users, resp, err := d.GitHub.Repositories.ListCollaborators(ctx, in.Owner, in.Repo, &gh.ListCollaboratorsOptions{
			Affiliation: in.Affiliation, ListOptions: in.listOptions(),
		})
		if err != nil {
			return CollaboratorList{}, toolkit.Op(what, err)
		}
		out := CollaboratorList{Collaborators: []Collaborator{}, NextPage: nextPage(resp)}
		for _, u := range users {
			p := permissionName(u.GetRoleName())
			if p == "" {
				p = highestPermission(u.Permissions)
			}
			out.Collaborators = append(out.Collaborators, Collaborator{Login: u.GetLogin(), Permission: p})
		}
		return out, nil
	})
}

// addCollaborator calls PUT /repos/{owner}/{repo}/collaborators/{username}.
// It is destructive: on an existing collaborator it sets the permission,
// which may lower it.
// https://docs.github.com/rest/collaborators/collaborators#add-a-repository-collaborator
func addCollaborator() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "add_collaborator",
		Toolset: ToolsetCollabs,
		Kind:    toolkit.Destructive,
		Desc:    "Invite a user to a repository, or change a collaborator's permission (possibly lowering it).",
	}, func(ctx context.Context, d toolkit.Deps, in AddCollaboratorArgs) (CollaboratorChange, error) {
		what := fmt.Sprintf("add collaborator %s to %s", in.Login, in.RepoArgs)
		permission := in.Permission
		inv, resp, err := d.GitHub.Repositories.AddCollaborator(ctx, in.Owner, in.Repo, in.Login, &gh.RepositoryAddCollaboratorOptions{Permission: permission})
		if err != nil {
			return CollaboratorChange{}, toolkit.Op(what, err)
		}
		if resp.StatusCode == http.StatusNoContent {
			return CollaboratorChange{
				Login: in.Login, Permission: permission, Status: "updated",
				Note: fmt.Sprintf("%s already had access (collaborator or organization member); no invitation was sent and GitHub applied permission %s", in.Login, permission),
			}, nil
		}
		if p := permissionName(inv.GetPermissions()); p != "" {
			permission = p
		}
		return CollaboratorChange{
			Login: in.Login, Permission: permission, Status: "invited", InvitationID: inv.GetID(),
			Note: fmt.Sprintf("GitHub sent an invitation; %s gets access after accepting it, within 7 days", in.Login),
		}, nil
	})
}

// removeCollaborator calls DELETE /repos/{owner}/{repo}/collaborators/{username}.
// https://docs.github.com/rest/collaborators/collaborators#remove-a-repository-collaborator
func removeCollaborator() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "remove_collaborator",
		Toolset: ToolsetCollabs,
		Kind:    toolkit.Destructive,
		Desc:    "Remove a user's access to a repository, cancelling any pending invitation. Access through an organization or team remains.",
	}, func(ctx context.Context, d toolkit.Deps, in CollaboratorArgs) (CollaboratorChange, error) {
		what := fmt.Sprintf("remove collaborator %s from %s", in.Login, in.RepoArgs)
		if _, err := d.GitHub.Repositories.RemoveCollaborator(ctx, in.Owner, in.Repo, in.Login); err != nil {
			return CollaboratorChange{}, toolkit.Op(what, err)
		}
		return CollaboratorChange{Login: in.Login, Status: "removed", Note: in.Login + " no longer has direct access; any pending invitation is cancelled"}, nil
	})
}
