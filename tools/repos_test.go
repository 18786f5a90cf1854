package tools

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGetRepositoryDetails(t *testing.T) {
	f := newFakeGitHub(t)
	raw := readTestdata(t, "repo.json")
	f.on("GET", "/repos/octo/hello", 200, raw, nil)

	res := call(t, f.deps(testToken), "get_repository_details", `{"owner":"octo","repo":"hello"}`)
	if res.IsError {
		t.Fatalf("unexpected error: %s", resultText(t, res))
	}
	want := RepositoryDetails{
		FullName:      "octo/hello",
		Description:   "My first repository on GitHub!",
		Visibility:    "public",
		DefaultBranch: "main",
		Stars:         80,
		Forks:         9,
		OpenIssues:    2,
		Topics:        []string{"octocat", "atom", "electron", "api"},
		License:       "MIT",
		Language:      "Go",
		HTMLURL:       "https://github.com/octo/hello",
		PushedAt:      "2026-11-27T08:30:00Z",
	}
	if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
		t.Errorf("structured result (-want +got):\n%s", diff)
	}
	// The text content is the same object, for hosts that only read text.
	var fromText RepositoryDetails
	if err := json.Unmarshal([]byte(resultText(t, res)), &fromText); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, fromText); diff != "" {
		t.Errorf("text result (-want +got):\n%s", diff)
	}
	text := resultText(t, res)
	t.Logf("result %d bytes for GitHub's %d bytes (%.0f%%)", len(text), len(raw), 100*float64(len(text))/float64(len(raw)))
	if len(text)*4 > len(raw) {
		t.Errorf("result is %d bytes, more than 25%% of GitHub's %d", len(text), len(raw))
	}
}

func TestGetRepositoryDetailsErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		header map[string]string
		body   string
		want   []string
	}{
		{
			name:   "missing or private repository says the token may lack access",
			status: 404,
			body:   `{"message":"Not Found","documentation_url":"https://docs.github.com/rest/repos/repos#get-a-repository"}`,
			want:   []string{"get repository octo/hello", "not found (404)", "token may lack access"},
		},
		{
			name:   "bad credentials says which variable to fix",
			status: 401,
			body:   `{"message":"Bad credentials"}`,
			want:   []string{"GitHub rejected the token", "GITHUB_PERSONAL_ACCESS_TOKEN"},
		},
		{
			name:   "permission denied relays GitHub's message",
			status: 403,
			body:   `{"message":"Resource not accessible by personal access token"}`,
			want:   []string{"forbidden (403: Resource not accessible by personal access token)", "permission"},
		},
		{
			name:   "primary limit spent with a far reset fails fast with the reset time",
			status: 403,
			header: map[string]string{"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "4102444800", "X-RateLimit-Resource": "core"},
			body:   `{"message":"API rate limit exceeded for user ID 1."}`,
			want:   []string{"GitHub core rate limit exhausted", "2100-01-01T00:00:01Z", "Retry after that time"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			s := f.on("GET", "/repos/octo/hello", tt.status, tt.body, nil)
			s.header = tt.header
			res := call(t, f.deps(testToken), "get_repository_details", `{"owner":"octo","repo":"hello"}`)
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

func TestRetriedReadSucceeds(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/repos/octo/hello", http.StatusBadGateway, `{"message":"Server Error"}`, nil)
	f.on("GET", "/repos/octo/hello", 200, readTestdata(t, "repo.json"), nil)
	res := call(t, f.deps(testToken), "get_repository_details", `{"owner":"octo","repo":"hello"}`)
	if res.IsError {
		t.Fatalf("a 502 on a read should be retried, got error %s", resultText(t, res))
	}
}
