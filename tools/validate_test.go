package tools

import (
	"strings"
	"testing"
)

// TestInvalidArgumentsMakeNoRequest feeds bad arguments to the tools. The
// fake has no stubs, so any request would fail the test.
func TestInvalidArgumentsMakeNoRequest(t *testing.T) {
	long := strings.Repeat("a", 40)
	tests := []struct {
		name string
		tool string
		args string
		want string
	}{
		{"owner with a slash", "get_repository_details", `{"owner":"octo/hello","repo":"hello"}`, `invalid argument "owner": got "octo/hello", which is not a GitHub user or organization login (letters, digits, '-'; at most 39); give the owner and the repository name as separate arguments, without '/', e.g. "octocat"`},
		{"empty owner", "get_repository_details", `{"owner":"","repo":"hello"}`, `invalid argument "owner": must not be empty; it must be a GitHub user or organization login (letters, digits, '-'; at most 39), e.g. "octocat"`},
		{"missing owner", "get_repository_details", `{"repo":"hello"}`, `invalid argument "owner": must not be empty`},
		{"owner with spaces", "get_repository_details", `{"owner":"oc to","repo":"hello"}`, `; remove the spaces`},
		{"over-long owner", "get_repository_details", `{"owner":"` + long + `","repo":"hello"}`, `which is not a GitHub user or organization login`},
		{"owner starting with a hyphen", "get_repository_details", `{"owner":"-octo","repo":"hello"}`, `which is not a GitHub user`},
		{"repo ..", "get_repository_details", `{"owner":"octo","repo":".."}`, `invalid argument "repo": must not be . or .., e.g. "hello-world"`},
		{"repo with path traversal", "get_repository_details", `{"owner":"octo","repo":"../../user"}`, `which is not a repository name`},
		{"repo with a space", "get_repository_details", `{"owner":"octo","repo":"hello world"}`, `remove the spaces`},
		{"over-long repo", "get_repository_details", `{"owner":"octo","repo":"` + strings.Repeat("r", 101) + `"}`, `... (101 characters)`},
		{"repo with a query", "get_repository_details", `{"owner":"octo","repo":"hello?x=1"}`, `which is not a repository name`},
		{"unknown argument", "get_repository_details", `{"owner":"octo","repo":"hello","branch":"main"}`, `invalid argument "branch": is not an argument of this tool`},
		{"wrong type", "create_issue", `{"owner":"octo","repo":"hello","title":"x","milestone":"three"}`, `invalid argument "milestone": must be an integer, got string`},
		{"not an object", "create_issue", `["octo"]`, `arguments must be a JSON object, got array`},
		{"empty title", "create_issue", `{"owner":"octo","repo":"hello","title":""}`, `invalid argument "title": must not be empty`},
		{"over-long title", "create_issue", `{"owner":"octo","repo":"hello","title":"` + strings.Repeat("t", 257) + `"}`, `invalid argument "title": has 257 characters; GitHub accepts at most 256`},
		{"bad assignee", "create_issue", `{"owner":"octo","repo":"hello","title":"x","assignees":["ok","not ok"]}`, `invalid argument "assignees[1]"`},
		{"too many assignees", "create_issue", `{"owner":"octo","repo":"hello","title":"x","assignees":["a","b","c","d","e","f","g","h","i","j","k"]}`, `invalid argument "assignees": has 11 elements; at most 10 are allowed`},
		{"negative milestone", "create_issue", `{"owner":"octo","repo":"hello","title":"x","milestone":-1}`, `invalid argument "milestone": is -1; it must be at least 1`},
		{"empty label", "create_issue", `{"owner":"octo","repo":"hello","title":"x","labels":[""]}`, `invalid argument "labels[0]": must not be empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			res := call(t, f.deps(testToken), tt.tool, tt.args)
			if !res.IsError {
				t.Fatal("want an error result")
			}
			if got := resultText(t, res); !strings.Contains(got, tt.want) {
				t.Errorf("error\n got %q\nwant it to contain %q", got, tt.want)
			}
		})
	}
}

func TestNoTokenMakesNoRequest(t *testing.T) {
	f := newFakeGitHub(t)
	for tool, args := range map[string]string{
		"get_repository_details": `{"owner":"octo","repo":"hello"}`,
		"create_issue":           `{"owner":"octo","repo":"hello","title":"x"}`,
	} {
		res := call(t, f.deps(""), tool, args)
		if !res.IsError || !strings.Contains(resultText(t, res), "set GITHUB_PERSONAL_ACCESS_TOKEN (or GITHUB_TOKEN or GH_TOKEN)") {
			t.Errorf("%s without a token: got %v %q", tool, res.IsError, resultText(t, res))
		}
	}
}

func TestEscapePath(t *testing.T) {
	for in, want := range map[string]string{
		"docs/README.md": "docs/README.md",
		"docs/":          "docs",
		"a b/c#d?e%f.md": "a%20b/c%23d%3Fe%25f.md",
		"ünï/cödé.go":    "%C3%BCn%C3%AF/c%C3%B6d%C3%A9.go",
		"x%2e%2e/y":      "x%252e%252e/y",
		`back\slash.txt`: "back%5Cslash.txt",
	} {
		if got := escapePath(in); got != want {
			t.Errorf("escapePath(%q) = %q, want %q", in, got, want)
		}
	}
}
