package resources_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/ghmcp/ghmcp/internal/allowlist"
	"github.com/ghmcp/ghmcp/internal/fakegithub"
	"github.com/ghmcp/ghmcp/resources"
)

func TestComplete(t *testing.T) {
	tests := []struct {
		name     string
		arg      string
		value    string
		context  map[string]string
		want     []string
		requests []string // paths GitHub must see
	}{
		{name: "owners are the viewer and the owners of its repositories", arg: "owner", value: "", want: []string{"octocat", "octo"}, requests: []string{"/user", "/user/repos"}},
		{name: "owners filter by prefix, ignoring case", arg: "owner", value: "OCTOC", want: []string{"octocat"}, requests: []string{"/user", "/user/repos"}},
		{name: "repos of an owner come from the viewer's repositories", arg: "repo", value: "", context: map[string]string{"owner": "octo"}, want: []string{"hello", "hello-docs"}, requests: []string{"/user/repos"}},
		{name: "few matches ask the repository search too", arg: "repo", value: "hello-", context: map[string]string{"owner": "octo"}, want: []string{"hello-docs"}, requests: []string{"/user/repos", "/search/repositories"}},
		{name: "branches of a repository", arg: "ref", value: "f", context: map[string]string{"owner": "octo", "repo": "hello"}, want: []string{"feature", "fix-crash"}, requests: []string{"/repos/octo/hello/branches"}},
		{name: "a bad owner in the context asks nothing", arg: "branch", value: "", context: map[string]string{"owner": "../x", "repo": "hello"}, want: []string{}},
		{name: "a prefix with odd characters asks nothing", arg: "repo", value: "he llo", want: []string{}},
		{name: "an argument it does not know gets nothing", arg: "number", value: "1", want: []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, gh := setup(t)
			c := resources.NewCompleter(d)
			got, err := c.CompletePromptArgument(context.Background(), "triage_issue", mcp.CompleteArgument{Name: tt.arg, Value: tt.value}, mcp.CompleteContext{Arguments: tt.context})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.Values); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.requests, paths(gh)); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCompletionsAreCachedAndShared(t *testing.T) {
	d, gh := setup(t)
	c := resources.NewCompleter(d)
	ref := mcp.CompleteArgument{Name: "ref", Value: ""}
	cc := mcp.CompleteContext{Arguments: map[string]string{"owner": "octo", "repo": "hello"}}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := c.CompleteResourceArgument(context.Background(), resources.ContentsTemplate, ref, cc); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got, _ := c.CompleteResourceArgument(context.Background(), resources.ContentsTemplate, mcp.CompleteArgument{Name: "ref", Value: "m"}, cc)
	if diff := cmp.Diff([]string{"main"}, got.Values); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	if n := len(gh.Requests()); n != 1 {
		t.Errorf("nine completions of one repository's branches made %d requests, want 1", n)
	}
}

func TestCompletionSurvivesGitHubFailing(t *testing.T) {
	d, gh := setup(t)
	gh.Inject(fakegithub.Fault{Method: "GET", Path: "/repos/octo/hello/branches", Status: 500, Times: 10})
	got, err := resources.NewCompleter(d).CompletePromptArgument(context.Background(), "p", mcp.CompleteArgument{Name: "branch"}, mcp.CompleteContext{Arguments: map[string]string{"owner": "octo", "repo": "hello"}})
	if err != nil || len(got.Values) != 0 {
		t.Errorf("completion when GitHub fails = %v, %v; want no values and no error", got, err)
	}
}

func paths(gh *fakegithub.Server) []string {
	var out []string
	for _, r := range gh.Requests() {
		out = append(out, r.Path)
	}
	return out
}

// Completions never name what the --repos allow-list leaves out, and ask
// GitHub nothing about a repository outside it.
func TestCompletionKeepsToTheAllowList(t *testing.T) {
	tests := []struct {
		name     string
		list     string
		arg      string
		context  map[string]string
		want     []string
		requests []string
	}{
		{name: "owners: only those the list names", list: "octo/hello-docs", arg: "owner", want: []string{"octo"}, requests: []string{"/user", "/user/repos"}},
		{name: "repos: only listed ones", list: "octo/hello-docs", arg: "repo", context: map[string]string{"owner": "octo"}, want: []string{"hello-docs"}, requests: []string{"/user/repos"}},
		{name: "repos of an owner outside the list: nothing asked", list: "octo/hello-docs", arg: "repo", context: map[string]string{"owner": "acme"}, want: []string{}},
		{name: "branches of a repository outside the list: nothing asked", list: "octo/hello-docs", arg: "ref", context: map[string]string{"owner": "octo", "repo": "hello"}, want: []string{}},
		{name: "a whole owner allows its repositories", list: "octo/*", arg: "repo", context: map[string]string{"owner": "octo"}, want: []string{"hello", "hello-docs"}, requests: []string{"/user/repos"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, gh := setup(t)
			list, err := allowlist.Parse(tt.list)
			if err != nil {
				t.Fatal(err)
			}
			d.Repos = list
			got, err := resources.NewCompleter(d).CompletePromptArgument(context.Background(), "triage_issue", mcp.CompleteArgument{Name: tt.arg}, mcp.CompleteContext{Arguments: tt.context})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.Values); diff != "" {
				t.Errorf("values (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.requests, paths(gh)); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
		})
	}
}

// A branch name carrying hidden text is not offered: inserted as is it
// would hand the model the hidden text, shown with markers it would be
// wrong.
func TestCompletionDropsValuesWithHiddenText(t *testing.T) {
	d, gh := setup(t)
	gh.AddBranch("octo", "hello", "fix\u200b-ignore-previous", "", false)
	got, err := resources.NewCompleter(d).CompletePromptArgument(context.Background(), "p", mcp.CompleteArgument{Name: "branch", Value: "fi"}, mcp.CompleteContext{Arguments: map[string]string{"owner": "octo", "repo": "hello"}})
	if err != nil || !slices.Equal(got.Values, []string{"fix-crash"}) {
		t.Errorf("completion = %v, %v; want only fix-crash", got, err)
	}
}
