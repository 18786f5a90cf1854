package tools

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// jsonBody checks that a request body equals want as JSON.
func jsonBody(want string) func(t *testing.T, body []byte, r *http.Request) {
	return func(t *testing.T, body []byte, r *http.Request) {
		t.Helper()
		var got, w any
		if err := json.Unmarshal(body, &got); err != nil {
			t.Errorf("request body is not JSON: %q", body)
			return
		}
		if err := json.Unmarshal([]byte(want), &w); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("request body (-want +got):\n%s", diff)
		}
	}
}

func TestCreateIssue(t *testing.T) {
	tests := []struct {
		name     string
		args     string
		wantBody string
	}{
		{
			name:     "title only sends only the title",
			args:     `{"owner":"octo","repo":"hello","title":"Found a bug"}`,
			wantBody: `{"title":"Found a bug"}`,
		},
		{
			name:     "every field is sent",
			args:     `{"owner":"octo","repo":"hello","title":"Found a bug","body":"It breaks.","labels":["bug","p1"],"assignees":["octocat"],"milestone":3}`,
			wantBody: `{"title":"Found a bug","body":"It breaks.","labels":["bug","p1"],"assignees":["octocat"],"milestone":3}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("POST", "/repos/octo/hello/issues", 201, readTestdata(t, "issue.json"), jsonBody(tt.wantBody))
			res := call(t, f.deps(testToken), "create_issue", tt.args)
			if res.IsError {
				t.Fatalf("unexpected error: %s", resultText(t, res))
			}
			want := IssueRef{Number: 1347, HTMLURL: "https://github.com/octo/hello/issues/1347", State: "open"}
			if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCreateIssueErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   []string
	}{
		{
			name:   "validation failure relays each field",
			status: 422,
			body:   `{"message":"Validation Failed","errors":[{"resource":"Issue","field":"assignees","code":"invalid"},{"resource":"Issue","field":"milestone","code":"invalid"}],"documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue"}`,
			want:   []string{"create issue in octo/hello", "GitHub rejected the input (422 Validation Failed)", "assignees is invalid", "milestone is invalid", "Fix those arguments"},
		},
		{
			name:   "archived repository",
			status: 403,
			body:   `{"message":"Repository was archived so is read-only."}`,
			want:   []string{"forbidden (403: Repository was archived so is read-only.)"},
		},
		{
			name:   "a 502 on a write is not retried and says so",
			status: 502,
			body:   `{"message":"Server Error"}`,
			want:   []string{"GitHub failed (502"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("POST", "/repos/octo/hello/issues", tt.status, tt.body, nil)
			res := call(t, f.deps(testToken), "create_issue", `{"owner":"octo","repo":"hello","title":"x","assignees":["nobody"],"milestone":9}`)
			if !res.IsError {
				t.Fatal("want an error result")
			}
			text := resultText(t, res)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("error %q does not contain %q", text, w)
				}
			}
		})
	}
}
