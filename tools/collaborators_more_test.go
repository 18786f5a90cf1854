package tools

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGetCollaboratorPermission(t *testing.T) {
	for _, tt := range []struct{ name, body, want string }{
		{"the role name is finer than the permission", `{"permission":"write","role_name":"maintain","user":{"login":"hubot","role_name":"maintain"}}`, "maintain"},
		{"read is pull", `{"permission":"read","user":{"login":"hubot","role_name":"read"}}`, "pull"},
		{"no access", `{"permission":"none","user":{"login":"hubot"}}`, "none"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("GET", "/repos/octo/hello/collaborators/hubot/permission", 200, tt.body, nil)
			res := call(t, f.deps(testToken), "get_collaborator_permission", `{"owner":"octo","repo":"hello","login":"hubot"}`)
			if diff := cmp.Diff(UserPermission{Login: "hubot", Permission: tt.want}, res.StructuredContent); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestListRepositoryInvitations(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/repos/octo/hello/invitations", 200, "["+invitationJSON+"]", query("page=1&per_page=20"))
	res := call(t, f.deps(testToken), "list_repository_invitations", `{"owner":"octo","repo":"hello"}`)
	want := InvitationList{Invitations: []Invitation{{ID: 271804915, Invitee: "hubot", Inviter: "octo", Permission: "maintain", CreatedAt: "2026-01-02T03:04:05Z"}}}
	if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}
