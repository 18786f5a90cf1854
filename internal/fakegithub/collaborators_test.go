package fakegithub

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestListCollaborators(t *testing.T) {
	h := setup(t)
	h.srv.AddCollaborator("octocat", "hello", "hubot", "triage")
	res := h.do("GET", "/repos/octocat/hello/collaborators", "")
	if res.status != 200 {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	var got []string
	for _, c := range decodeList(t, res.body) {
		got = append(got, c["login"].(string)+" "+c["role_name"].(string))
	}
	if diff := cmp.Diff([]string{"octocat admin", "hubot triage"}, got); diff != "" {
		t.Errorf("collaborators (-want +got):\n%s", diff)
	}
	outside := decodeList(t, h.do("GET", "/repos/octocat/hello/collaborators?affiliation=outside", "").body)
	if len(outside) != 1 || outside[0]["login"] != "hubot" {
		t.Errorf("outside = %v", outside)
	}
	perms := decodeList(t, res.body)[1]["permissions"]
	if diff := cmp.Diff(map[string]any{"admin": false, "maintain": false, "push": false, "triage": true, "pull": true}, perms); diff != "" {
		t.Errorf("triage permissions (-want +got):\n%s", diff)
	}
	if res := h.do("GET", "/repos/octocat/hello/collaborators?affiliation=friends", ""); res.status != 422 {
		t.Errorf("bad affiliation: %d", res.status)
	}
}

func TestAddAndRemoveCollaborator(t *testing.T) {
	tests := []struct {
		name       string
		viewer     string // "" keeps octocat
		method     string
		path, body string
		status     int
		want       string // in the body
		after      string // "collaborators acme/secret" afterwards
	}{
		{name: "a user is invited with the permission asked", method: "PUT", path: "/repos/acme/secret/collaborators/hubot", body: `{"permission":"maintain"}`,
			status: 201, want: `"permissions":"maintain"`, after: "octocat admin\nhubot maintain invited\n"},
		{name: "the default permission is push", method: "PUT", path: "/repos/acme/secret/collaborators/hubot",
			status: 201, want: `"permissions":"write"`, after: "octocat admin\nhubot write invited\n"},
		{name: "a collaborator gets the new role without invitation", method: "PUT", path: "/repos/acme/secret/collaborators/octocat", body: `{"permission":"pull"}`,
			status: 204, after: "octocat read\n"},
		{name: "a personal repository grants write whatever is asked", method: "PUT", path: "/repos/octocat/hello/collaborators/hubot", body: `{"permission":"admin"}`,
			status: 201, want: `"permissions":"write"`},
		{name: "unknown user", method: "PUT", path: "/repos/acme/secret/collaborators/ghost", status: 404},
		{name: "bad permission", method: "PUT", path: "/repos/acme/secret/collaborators/hubot", body: `{"permission":"owner"}`, status: 422, want: "is not a valid permission"},
		{name: "the owner cannot be a collaborator", method: "PUT", path: "/repos/octocat/hello/collaborators/octocat", status: 422, want: "Repository owner cannot be a collaborator"},
		{name: "only admins add", viewer: "hubot", method: "PUT", path: "/repos/acme/secret/collaborators/octocat", status: 403, want: "Must have admin rights to Repository."},
		{name: "remove takes access away", method: "DELETE", path: "/repos/acme/secret/collaborators/octocat", status: 204, after: ""},
		{name: "only admins remove others", viewer: "hubot", method: "DELETE", path: "/repos/acme/secret/collaborators/octocat", status: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			h.srv.AddCollaborator("acme", "secret", "octocat", "admin")
			if tt.viewer != "" {
				h.srv.SetViewer(tt.viewer)
			}
			res := h.do(tt.method, tt.path, tt.body)
			if res.status != tt.status || !strings.Contains(string(res.body), tt.want) {
				t.Errorf("got %d %s, want %d with %q", res.status, res.body, tt.status, tt.want)
			}
			if tt.after != "" || tt.status == 204 && tt.method == "DELETE" {
				out, err := h.srv.Command([]string{"collaborators", "acme/secret"})
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(tt.after, out); diff != "" {
					t.Errorf("collaborators afterwards (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestRemoveCancelsInvitation(t *testing.T) {
	h := setup(t)
	if res := h.do("PUT", "/repos/octocat/hello/collaborators/hubot", `{"permission":"push"}`); res.status != 201 {
		t.Fatalf("invite: %d %s", res.status, res.body)
	}
	if res := h.do("PUT", "/repos/octocat/hello/collaborators/hubot", ""); res.status != 201 || decode(t, res.body)["id"] != float64(firstInvitationID) {
		t.Errorf("inviting again answers with the same invitation: %d %s", res.status, res.body)
	}
	if res := h.do("DELETE", "/repos/octocat/hello/collaborators/hubot", ""); res.status != 204 {
		t.Fatalf("remove: %d", res.status)
	}
	if got := h.srv.Collaborators("octocat", "hello"); len(got) != 1 || got[0].Login != "octocat" {
		t.Errorf("after remove: %v", got)
	}
}

func TestCollaboratorCommands(t *testing.T) {
	h := setup(t)
	for line, wantErr := range map[string]string{
		"collaborator add acme/secret hubot owner": "ROLE must be",
		"collaborator add ghost/none hubot read":   "no repository ghost/none",
		"collaborators ghost/none":                 "no repository ghost/none",
		"collaborator add acme/secret":             "usage: collaborator add",
	} {
		if _, err := h.srv.Command(strings.Fields(line)); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%s: err = %v, want %q", line, err, wantErr)
		}
	}
	if _, err := h.srv.Command(strings.Fields("collaborator add acme/secret monalisa push")); err == nil {
		t.Error("push is a permission, not a role; want an error")
	}
	if _, err := h.srv.Command(strings.Fields("collaborator add acme/secret monalisa write")); err != nil {
		t.Fatal(err)
	}
	if out, _ := h.srv.Command(strings.Fields("collaborators acme/secret")); out != "monalisa write\n" {
		t.Errorf("collaborators = %q", out)
	}
}
