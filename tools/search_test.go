package tools

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ghmcp/ghmcp/internal/allowlist"
	"github.com/ghmcp/ghmcp/internal/toolkit"
)

func TestSearchCode(t *testing.T) {
	f := newFakeGitHub(t)
	s := f.on("GET", "/search/code", 200, readTestdata(t, "search_code.json"),
		both(wantQuery("q=Println+repo:octo/hello&page=1&per_page=10"), wantAccept("text-match")))
	s.header = nextLink("/search/code", 2)
	got := decodeResult[CodeSearchResult](t, call(t, f.deps(testToken), "search_code", `{"q":"Println repo:octo/hello","per_page":10}`))
	want := CodeSearchResult{TotalCount: 1, Items: []CodeHit{{
		Repo: "octo/hello", Path: "main.go", SHA: "f7b60bdeb99641f615e9dca036f3b2bd4f7fd501",
		HTMLURL: "https://github.com/octo/hello/blob/c9f72a81e35ec4e1e5c72eae949563a1341c06f4/main.go",
		Matches: []toolkit.Untrusted{"func main() {\n\tfmt.Println(\"Hello, world!\")\n}"},
	}}, NextPage: 2}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestSearchCodeErrors(t *testing.T) {
	tests := []errorCase{
		{name: "a blank q is refused before calling GitHub", args: `{"q":"  "}`, want: []string{`invalid argument "q"`, "must not be empty"}},
		{name: "a q over 256 characters is refused", args: `{"q":"` + strings.Repeat("a", 257) + `"}`, want: []string{`invalid argument "q"`, "at most 256"}},
		{
			name: "GitHub's validation failure is relayed", args: `{"q":"repo:octo/hello"}`, status: 422,
			body: `{"message":"Validation Failed","errors":[{"resource":"Search","field":"q","code":"invalid","message":"The search must include at least one search term."}]}`,
			want: []string{`search code for "repo:octo/hello"`, "422 Validation Failed", "q is invalid: The search must include at least one search term."},
		},
		{
			name: "the code search budget spent fails fast with its reset", args: `{"q":"x"}`, status: 403,
			body: `{"message":"API rate limit exceeded for user ID 1."}`,
			want: []string{"code_search rate limit exhausted", "2100-01-01T00:00:01Z"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			if tt.status != 0 {
				s := f.on("GET", "/search/code", tt.status, tt.body, nil)
				if tt.status == 403 {
					s.header = map[string]string{"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "4102444800", "X-RateLimit-Resource": "code_search"}
				}
			}
			wantError(t, call(t, f.deps(testToken), "search_code", tt.args), tt.want...)
		})
	}
}

// When --repos drops a search hit (OR widened the query), the counts,
// the timeout flag and the paging say nothing about other repositories.
func TestSearchCodeFilteredRevealsNoCounts(t *testing.T) {
	f := newFakeGitHub(t)
	s := f.on("GET", "/search/code", 200, `{"total_count":5000,"incomplete_results":true,"items":[
		{"name":"a.go","path":"a.go","sha":"aa","html_url":"https://github.com/octo/hello/blob/x/a.go","repository":{"full_name":"octo/hello"}},
		{"name":"s.go","path":"s.go","sha":"bb","html_url":"https://github.com/octo/secret/blob/x/s.go","repository":{"full_name":"octo/secret"}}]}`, nil)
	s.header = nextLink("/search/code", 2)
	d := f.deps(testToken)
	var err error
	if d.Repos, err = allowlist.Parse("octo/hello"); err != nil {
		t.Fatal(err)
	}
	got := decodeResult[CodeSearchResult](t, call(t, d, "search_code", `{"q":"x"}`))
	if got.TotalCount != 1 || got.Incomplete || got.NextPage != 0 || len(got.Items) != 1 || got.Items[0].Repo != "octo/hello" {
		t.Errorf("result %+v, want octo/hello's hit alone, total 1, complete, no next page", got)
	}
}
