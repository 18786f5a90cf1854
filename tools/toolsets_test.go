package tools

import (
	"encoding/json"
	"testing"

	"github.com/ghmcp/ghmcp/internal/allowlist"
)

// TestAllowListEnforcedForEveryTool calls each tool with a repository
// outside --repos. The fake has no stubs: any request fails the test.
func TestAllowListEnforcedForEveryTool(t *testing.T) {
	f := newFakeGitHub(t)
	d := f.deps(testToken)
	var err error
	if d.Repos, err = allowlist.Parse("octo/hello,acme/*"); err != nil {
		t.Fatal(err)
	}
	tested := 0
	for _, tool := range Catalog().Tools() {
		owner, repo := tool.NamesRepository()
		if !owner {
			continue
		}
		tested++
		t.Run(tool.Name(), func(t *testing.T) {
			args, err := tool.ExampleArgs()
			if err != nil {
				t.Fatal(err)
			}
			args["owner"] = "other"
			want := `owner other is outside the repositories this server may use (--repos octo/hello,acme/*); use one of those, or ask the user to add it to --repos`
			if repo {
				args["owner"], args["repo"] = "octo", "secret"
				want = `octo/secret is outside the repositories this server may use (--repos octo/hello,acme/*); use one of those, or ask the user to add it to --repos`
			}
			raw, _ := json.Marshal(args)
			res := call(t, d, tool.Name(), string(raw))
			if !res.IsError || resultText(t, res) != want {
				t.Errorf("%s: got %v %q, want the refusal %q", raw, res.IsError, resultText(t, res), want)
			}
		})
	}
	if tested == 0 {
		t.Fatal("no tool takes a repository")
	}
}

func TestAllowListLetsListedReposThrough(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/repos/Octo/Hello", 200, `{"full_name":"octo/hello","html_url":"https://github.com/octo/hello"}`, nil)
	f.on("GET", "/repos/acme/anything", 200, `{"full_name":"acme/anything","html_url":"https://github.com/acme/anything"}`, nil)
	d := f.deps(testToken)
	d.Repos, _ = allowlist.Parse("octo/hello,acme/*")
	for _, args := range []string{`{"owner":"Octo","repo":"Hello"}`, `{"owner":"acme","repo":"anything"}`} {
		if res := call(t, d, "get_repository_details", args); res.IsError {
			t.Errorf("%s: %s", args, resultText(t, res))
		}
	}
}
