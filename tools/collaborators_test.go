package tools

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// collaboratorJSON is a user as GET .../collaborators lists it.
func collaboratorJSON(login string, id int, perms, role string) string {
	u := `{"login":"` + login + `","id":` + strconv.Itoa(id) + `,"node_id":"MDQ6VXNlcjE=","avatar_url":"https://github.com/images/error/octocat_happy.gif","gravatar_id":"","url":"https://api.github.test/users/` + login + `","html_url":"https://github.com/` + login + `","type":"User","site_admin":false,"permissions":` + perms
	if role != "" {
		u += `,"role_name":"` + role + `"`
	}
	return u + "}"
}

func TestListCollaborators(t *testing.T) {
	f := newFakeGitHub(t)
	s := f.on("GET", "/repos/octo/hello/collaborators", 200, "["+
		collaboratorJSON("octo", 1, `{"admin":true,"maintain":true,"push":true,"triage":true,"pull":true}`, "admin")+","+
		collaboratorJSON("hubot", 2, `{"admin":false,"maintain":false,"push":true,"triage":true,"pull":true}`, "write")+","+
		collaboratorJSON("monalisa", 3, `{"admin":false,"maintain":false,"push":false,"triage":false,"pull":true}`, "read")+","+
		collaboratorJSON("auditor", 4, `{"admin":false,"maintain":false,"push":false,"triage":true,"pull":true}`, "security-reviewer")+","+
		collaboratorJSON("oldtimer", 5, `{"admin":false,"maintain":true,"push":true,"triage":true,"pull":true}`, "")+"]",
		query("affiliation=outside&page=1&per_page=20"))
	s.header = map[string]string{"Link": `<https://api.github.test/repos/octo/hello/collaborators?affiliation=outside&page=2&per_page=20>; rel="next"`}
	res := call(t, f.deps(testToken), "list_collaborators", `{"owner":"octo","repo":"hello","affiliation":"outside"}`)
	if res.IsError {
		t.Fatal(resultText(t, res))
	}
	// Role names are given in the words add_collaborator takes.
	want := CollaboratorList{Collaborators: []Collaborator{
		{Login: "octo", Permission: "admin"},
		{Login: "hubot", Permission: "push"},
		{Login: "monalisa", Permission: "pull"},
		{Login: "auditor", Permission: "security-reviewer"},
		{Login: "oldtimer", Permission: "maintain"},
	}, NextPage: 2}
	if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestListCollaboratorsErrors(t *testing.T) {
	t.Run("a token without access", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/collaborators", 403, `{"message":"Must have push access to view repository collaborators."}`, nil)
		res := call(t, f.deps(testToken), "list_collaborators", `{"owner":"octo","repo":"hello"}`)
		wantErrorText(t, res, "list collaborators of octo/hello", "forbidden (403: Must have push access to view repository collaborators.)")
	})
	t.Run("unknown affiliation", func(t *testing.T) {
		f := newFakeGitHub(t)
		res := call(t, f.deps(testToken), "list_collaborators", `{"owner":"octo","repo":"hello","affiliation":"friends"}`)
		wantErrorText(t, res, `invalid argument "affiliation"`, "all, direct, outside")
	})
}

const invitationJSON = `{"id":271804915,"repository":{"id":1296269,"node_id":"MDEwOlJlcG9zaXRvcnkxMjk2MjY5","name":"hello","full_name":"octo/hello","private":false},
	"invitee":{"login":"hubot","id":2,"type":"User","site_admin":false},"inviter":{"login":"octo","id":1,"type":"User","site_admin":false},
	"permissions":"maintain","created_at":"2026-01-02T03:04:05Z","expired":false,"url":"https://api.github.test/user/repository_invitations/271804915",
	"html_url":"https://github.com/octo/hello/invitations","node_id":"MDIwOlJlcG9zaXRvcnlJbnZpdGF0aW9uMjcxODA0OTE1"}`

func TestAddCollaborator(t *testing.T) {
	tests := []struct {
		name     string
		args     string
		status   int
		body     string
		wantBody string
		want     CollaboratorChange
	}{
		{
			name:     "a new collaborator is invited",
			args:     `{"owner":"octo","repo":"hello","login":"hubot","permission":"maintain"}`,
			status:   201,
			body:     invitationJSON,
			wantBody: `{"permission":"maintain"}`,
			want: CollaboratorChange{Login: "hubot", Permission: "maintain", Status: "invited", InvitationID: 271804915,
				Note: "GitHub sent an invitation; hubot gets access after accepting it, within 7 days"},
		},
		{
			name:     "the invitation says what GitHub granted",
			args:     `{"owner":"octo","repo":"hello","login":"hubot","permission":"admin"}`,
			status:   201,
			body:     `{"id":9,"permissions":"write"}`,
			wantBody: `{"permission":"admin"}`,
			want: CollaboratorChange{Login: "hubot", Permission: "push", Status: "invited", InvitationID: 9,
				Note: "GitHub sent an invitation; hubot gets access after accepting it, within 7 days"},
		},
		{
			name:     "an existing collaborator gets the permission, push by default",
			args:     `{"owner":"octo","repo":"hello","login":"hubot"}`,
			status:   204,
			wantBody: `{"permission":"push"}`,
			want: CollaboratorChange{Login: "hubot", Permission: "push", Status: "updated",
				Note: "hubot already had access (collaborator or organization member); no invitation was sent and GitHub applied permission push"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("PUT", "/repos/octo/hello/collaborators/hubot", tt.status, tt.body, jsonBody(tt.wantBody))
			res := call(t, f.deps(testToken), "add_collaborator", tt.args)
			if res.IsError {
				t.Fatal(resultText(t, res))
			}
			if diff := cmp.Diff(tt.want, res.StructuredContent); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAddCollaboratorErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   string
		status int // 0: no request expected
		body   string
		want   []string
	}{
		{
			name:   "not an admin",
			status: 403,
			body:   `{"message":"Must have admin rights to Repository.","status":"403"}`,
			want:   []string{"add collaborator hubot to octo/hello", "forbidden (403: Must have admin rights to Repository.)"},
		},
		{
			name:   "unknown user",
			status: 404,
			body:   `{"message":"Not Found"}`,
			want:   []string{"add collaborator hubot to octo/hello", "not found (404"},
		},
		{
			name:   "the owner",
			status: 422,
			body:   `{"message":"Validation Failed","errors":[{"resource":"Repository","code":"custom","field":"collaborator","message":"Repository owner cannot be a collaborator"}]}`,
			want:   []string{"422 Validation Failed", "Repository owner cannot be a collaborator"},
		},
		{
			name: "an unknown permission is refused before any request",
			args: `{"owner":"octo","repo":"hello","login":"hubot","permission":"write"}`,
			want: []string{`invalid argument "permission"`, "pull, triage, push, maintain, admin"},
		},
		{
			name: "a bad login is refused before any request",
			args: `{"owner":"octo","repo":"hello","login":"hu bot"}`,
			want: []string{`invalid argument "login"`, "remove the spaces"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			if tt.status != 0 {
				f.on("PUT", "/repos/octo/hello/collaborators/hubot", tt.status, tt.body, nil)
			}
			args := tt.args
			if args == "" {
				args = `{"owner":"octo","repo":"hello","login":"hubot"}`
			}
			res := call(t, f.deps(testToken), "add_collaborator", args)
			wantErrorText(t, res, tt.want...)
		})
	}
}

func TestRemoveCollaborator(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("DELETE", "/repos/octo/hello/collaborators/hubot", 204, "", nil)
	res := call(t, f.deps(testToken), "remove_collaborator", `{"owner":"octo","repo":"hello","login":"hubot"}`)
	if res.IsError {
		t.Fatal(resultText(t, res))
	}
	want := CollaboratorChange{Login: "hubot", Status: "removed", Note: "hubot no longer has direct access; any pending invitation is cancelled"}
	if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestRemoveCollaboratorErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   []string
	}{
		{"not an admin", 403, `{"message":"Must have admin rights to Repository."}`, []string{"remove collaborator hubot from octo/hello", "Must have admin rights"}},
		{"unknown repository", 404, `{"message":"Not Found"}`, []string{"remove collaborator hubot from octo/hello", "not found (404"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("DELETE", "/repos/octo/hello/collaborators/hubot", tt.status, tt.body, nil)
			res := call(t, f.deps(testToken), "remove_collaborator", `{"owner":"octo","repo":"hello","login":"hubot"}`)
			wantErrorText(t, res, tt.want...)
		})
	}
}
