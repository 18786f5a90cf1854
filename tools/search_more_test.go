package tools

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ghmcp/ghmcp/internal/allowlist"
)

const commitSearchJSON = `{"total_count":2,"incomplete_results":false,"items":[
	{"sha":"c1","commit":{"message":"Fix crash\n\nDetails","author":{"name":"Octo Cat","date":"2026-01-02T03:04:05Z"}},"author":{"login":"octo"},"repository":{"full_name":"octo/hello"},"html_url":"h"},
	{"sha":"c2","commit":{"message":"Fix crash too","author":{"name":"Some One","date":"2026-01-03T03:04:05Z"}},"author":null,"repository":{"full_name":"evil/other"}}]}`

func TestSearchCommits(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/search/commits", 200, commitSearchJSON, query("q=fix crash&sort=author-date&order=asc&page=1&per_page=20"))
	res := call(t, f.deps(testToken), "search_commits", `{"q":"fix crash","sort":"author-date","order":"asc"}`)
	want := CommitSearchResult{TotalCount: 2, Items: []CommitHit{
		{Repo: "octo/hello", SHA: "c1", Message: "Fix crash", Author: "octo", Date: "2026-01-02T03:04:05Z"},
		{Repo: "evil/other", SHA: "c2", Message: "Fix crash too", AuthorName: "Some One", Date: "2026-01-03T03:04:05Z"},
	}}
	if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestSearchCommitsUnderAllowList(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/search/commits", 200, commitSearchJSON, query("q=fix crash repo:octo/hello&page=1&per_page=20"))
	d := f.deps(testToken)
	d.Repos, _ = allowlist.Parse("octo/hello")
	res := call(t, d, "search_commits", `{"q":"fix crash"}`)
	got := res.StructuredContent.(CommitSearchResult)
	if len(got.Items) != 1 || got.Items[0].Repo != "octo/hello" {
		t.Errorf("items = %+v, want only octo/hello", got.Items)
	}
	res = call(t, d, "search_commits", `{"q":"fix repo:evil/other"}`)
	wantErrorText(t, res, "search qualifier repo:evil/other is outside the repositories")
}

func TestSearchUsers(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/search/users", 200, `{"total_count":1,"incomplete_results":false,"items":[{"login":"mona","id":1,"type":"User","html_url":"https://github.com/mona","score":1}]}`,
		query("q=mona in:login&page=1&per_page=20"))
	res := call(t, f.deps(testToken), "search_users", `{"q":"mona in:login","order":"asc"}`)
	want := UserSearchResult{TotalCount: 1, Items: []UserHit{{Login: "mona", Type: "User", HTMLURL: "https://github.com/mona"}}}
	if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	t.Run("refused under --repos", func(t *testing.T) {
		d := newFakeGitHub(t).deps(testToken)
		d.Repos, _ = allowlist.Parse("octo/hello")
		res := call(t, d, "search_users", `{"q":"mona"}`)
		wantErrorText(t, res, "user search cannot be limited to the repositories this server may use (--repos octo/hello)", "list_collaborators")
	})
}
