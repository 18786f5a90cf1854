package toolkit

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	gh "github.com/google/go-github/v62/github"
)

// answer is a GitHub error answer with status to a request for path.
func answer(status int, path, msg string, errs ...gh.Error) *gh.ErrorResponse {
	u := &url.URL{Scheme: "https", Host: "api.github.com", Path: path}
	return &gh.ErrorResponse{
		Response: &http.Response{StatusCode: status, Request: &http.Request{Method: "GET", URL: u}},
		Message:  msg,
		Errors:   errs,
	}
}

func TestExplainResponseNamesTheMissingObjectAndTheListingTool(t *testing.T) {
	tests := []struct {
		name, path string
		want       string
	}{
		{"a repository may be private: ask, do not guess", "/repos/octo/secret",
			`not found (404 Not Found): repository octo/secret does not exist, or it is private and the token may lack access to it. Stop and ask the user for the right name or for access; do not guess other names`},
		{"a repository on GitHub Enterprise Server", "/api/v3/repos/octo/secret",
			`not found (404 Not Found): repository octo/secret does not exist, or it is private and the token may lack access to it. Stop and ask the user for the right name or for access; do not guess other names`},
		{"an issue", "/repos/octo/hello/issues/9",
			`not found (404 Not Found): issue #9 in octo/hello does not exist (or the token may lack access to it); list_issues shows the valid ones`},
		{"a list of issues names the repository", "/repos/octo/nope/issues", "repository octo/nope does not exist, or it is private"},
		{"an issue's comments", "/repos/octo/hello/issues/9/comments", "issue #9 in octo/hello does not exist"},
		{"a pull request", "/repos/octo/hello/pulls/7/reviews", "pull request #7 in octo/hello does not exist (or the token may lack access to it); list_pull_requests shows the valid ones"},
		{"a branch", "/repos/octo/hello/branches/feature/x", `branch "feature" in octo/hello does not exist`},
		{"a branch ref", "/repos/octo/hello/git/ref/heads/feature/x", `branch "feature/x" in octo/hello does not exist (or the token may lack access to it); list_branches shows the valid ones`},
		{"a workflow", "/repos/octo/hello/actions/workflows/ci.yml/dispatches", `workflow "ci.yml" in octo/hello does not exist (or the token may lack access to it); list_workflows shows the valid ones`},
		{"a run", "/repos/octo/hello/actions/runs/5/jobs", `workflow run "5" in octo/hello does not exist (or the token may lack access to it); list_workflow_runs shows the valid ones`},
		{"a job", "/repos/octo/hello/actions/jobs/8/logs", `job "8" in octo/hello does not exist (or the token may lack access to it); get_workflow_run shows the valid ones`},
		{"a file", "/repos/octo/hello/contents/docs/a.md", `path "docs/a.md" in octo/hello does not exist (or the token may lack access to it); get_repository_tree shows the valid ones`},
		{"a label", "/repos/octo/hello/labels/bug", `label "bug" in octo/hello does not exist (or the token may lack access to it); list_labels shows the valid ones`},
		{"a release by tag", "/repos/octo/hello/releases/tags/v9", `release for tag "v9" in octo/hello does not exist (or the token may lack access to it); list_releases shows the valid ones`},
		{"a user", "/users/ghost", `user "ghost" does not exist (or the token may lack access to it); search_users shows the valid ones`},
		{"an unknown path", "/meta/x", "the resource does not exist (or the token may lack access to it). Check the owner, name and number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ExplainResponse(answer(404, tt.path, "Not Found"))
			if !strings.Contains(got, tt.want) {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestExplainResponse422SaysWhetherAnArgumentCanFixIt(t *testing.T) {
	tests := []struct {
		name string
		err  *gh.ErrorResponse
		want string
	}{
		{"invalid fields are the arguments' fault",
			answer(422, "/repos/octo/hello/issues", "Validation Failed",
				gh.Error{Resource: "Issue", Field: "assignees", Code: "invalid"},
				gh.Error{Resource: "Issue", Field: "milestone", Code: "invalid", Message: "milestone 9 is closed"}),
			"GitHub rejected the input (422 Validation Failed): Issue assignees is invalid; Issue milestone is invalid: milestone 9 is closed. Fix those arguments and retry"},
		{"an existing label name is an argument",
			answer(422, "/repos/octo/hello/labels", "Validation Failed", gh.Error{Resource: "Label", Field: "name", Code: "already_exists"}),
			"GitHub rejected the input (422 Validation Failed): Label name already exists. Fix those arguments and retry"},
		{"a closed pull request is its state, not an argument",
			answer(422, "/repos/octo/hello/pulls/3/reviews", "Pull request is closed"),
			"GitHub rejected the input (422 Pull request is closed). No argument can fix this: GitHub refuses it in the current state of the pull request (get_pull_request shows its state); do not retry unchanged"},
		{"an unknown commit is the ref given",
			answer(422, "/repos/octo/hello/commits/nope/status", "No commit found for SHA: nope"),
			"GitHub rejected the input (422 No commit found for SHA: nope). Check the ref or SHA given: list_branches and list_commits show valid ones"},
		{"a custom error is relayed in GitHub's words",
			answer(422, "/repos/octo/hello/git/refs", "Validation Failed", gh.Error{Resource: "Reference", Code: "custom", Message: "Reference already exists"}),
			"GitHub rejected the input (422 Validation Failed): Reference already exists. No argument can fix this"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ExplainResponse(tt.err); !strings.Contains(got, tt.want) {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

type embeddedNumber struct {
	Number int `json:"issue_number" ghmcp:"range=1.."`
}

type withEmbedded struct {
	embeddedNumber
	Comments []lineComment `json:"comments,omitempty"`
}

func TestTypeErrorsNameTheJSONPathNotGoTypes(t *testing.T) {
	for args, want := range map[string]string{
		`{"issue_number":"seven"}`:        `invalid argument "issue_number"`,
		`{"comments":[{"line":"three"}]}`: `invalid argument "comments.line"`,
	} {
		err := decodeArgs(json.RawMessage(args), &withEmbedded{})
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: got %v, want %s...", args, err, want)
		}
	}
}
