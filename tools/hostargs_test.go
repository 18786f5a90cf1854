package tools

import (
	"strings"
	"testing"
)

// Arguments as hosts send them: nulls for optional arguments (OpenAI's
// Agents SDK) mean left out, so the defaults apply; Gemini CLI's
// wait_for_previous is ignored. A required argument left out or null is
// refused with ghmcp's message naming it, before any request.
func TestArgumentsAsHostsSendThem(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/repos/octo/hello/issues", 200, `[]`, query("state=open&page=1&per_page=20"))
	f.on("GET", "/repos/octo/hello", 200, `{"full_name":"octo/hello","html_url":"https://github.com/octo/hello"}`, nil)
	d := f.deps(testToken)
	for _, c := range []struct{ tool, args string }{
		{"list_issues", `{"owner":"octo","repo":"hello","state":null,"labels":null,"assignee":null,"page":null,"per_page":null}`},
		{"get_repository_details", `{"owner":"octo","repo":"hello","wait_for_previous":true}`},
	} {
		if res := call(t, d, c.tool, c.args); res.IsError {
			t.Errorf("%s %s: %s", c.tool, c.args, resultText(t, res))
		}
	}
	for _, c := range []struct{ tool, args, want string }{
		{"get_pull_request", `{"owner":"octo","repo":"hello"}`, `invalid argument "number": is missing or 0; it must be at least 1`},
		{"search_code", `{}`, `invalid argument "q": is required; give a value`},
		{"search_issues", `{"q":null}`, `invalid argument "q": is required but null; give a value`},
		{"get_issue", `{"owner":"octo","repo":null,"number":1}`, `invalid argument "repo": is required but null; give a value`},
	} {
		res := call(t, d, c.tool, c.args)
		wantErrorText(t, res, c.want)
		if strings.Contains(resultText(t, res), "input schema validation failed") {
			t.Errorf("%s: mcp-go's message: %s", c.tool, resultText(t, res))
		}
	}
}
