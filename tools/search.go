package tools

import (
	"context"
	"fmt"
	"strings"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/internal/allowlist"
	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// fragmentCap bounds one text-match fragment of a code search hit.
const fragmentCap = 300

// SearchCodeArgs are the arguments of search_code.
type SearchCodeArgs struct {
	Q string `json:"q" jsonschema:"e.g. \"NewServer repo:octo/hello language:go\"" ghmcp:"len=256"`
	PageArgs
}

// CodeHit is a file that matches a code search.
type CodeHit struct {
	Repo    string              `json:"repo" jsonschema:"owner/name"`
	Path    string              `json:"path"`
	SHA     string              `json:"sha" jsonschema:"Blob SHA"`
	HTMLURL string              `json:"html_url"`
	Matches []toolkit.Untrusted `json:"matches,omitempty" jsonschema:"Lines around the matches"`
}

// CodeSearchResult is a page of code search hits.
type CodeSearchResult struct {
	TotalCount int       `json:"total_count"`
	Incomplete bool      `json:"incomplete_results,omitempty" jsonschema:"GitHub timed out; the results may miss matches"`
	Items      []CodeHit `json:"items"`
	NextPage   int       `json:"next_page,omitempty"`
}

// searchTools are the search toolset.
func searchTools() []toolkit.Tool {
	return []toolkit.Tool{
		searchCode(),
	}
}

// searchCode calls GET /search/code with the text-match media type.
// https://docs.github.com/rest/search/search#search-code
func searchCode() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "search_code",
		Toolset: ToolsetSearch,
		Kind:    toolkit.Read,
		Desc:    "Search code on default branches, with matching lines. Budget: 10 calls a minute, so narrow q with repo:, org: or path:.",
	}, func(ctx context.Context, d toolkit.Deps, in SearchCodeArgs) (CodeSearchResult, error) {
		what := fmt.Sprintf("search code for %q", in.Q)
		if strings.TrimSpace(in.Q) == "" {
			return CodeSearchResult{}, &toolkit.ArgError{Arg: "q", Problem: "must not be empty", Example: `"NewServer repo:octo/hello"`}
		}
		q, err := d.Repos.ScopeQuery(in.Q)
		if err != nil {
			return CodeSearchResult{}, toolkit.Op(what, err)
		}
		res, resp, err := d.GitHub.Search.Code(ctx, q, &gh.SearchOptions{TextMatch: true, ListOptions: in.listOptions()})
		if err != nil {
			return CodeSearchResult{}, toolkit.Op(what, err)
		}
		// --repos: OR and parentheses can widen a scoped query; when
		// anything is dropped, counts and paging say nothing more.
		items, counts := allowlist.ScopeSearch(d.Repos, res.CodeResults,
			func(c *gh.CodeResult) bool { return d.Repos.AllowedFullName(c.GetRepository().GetFullName()) },
			allowlist.SearchCounts{TotalCount: res.GetTotal(), Incomplete: res.GetIncompleteResults(), NextPage: nextPage(resp)})
		out := CodeSearchResult{TotalCount: counts.TotalCount, Incomplete: counts.Incomplete, Items: []CodeHit{}, NextPage: counts.NextPage}
		for _, c := range items {
			hit := CodeHit{Repo: c.GetRepository().GetFullName(), Path: c.GetPath(), SHA: c.GetSHA(), HTMLURL: c.GetHTMLURL()}
			for _, m := range c.TextMatches {
				frag, _ := d.CapText(m.GetFragment(), fragmentCap)
				hit.Matches = append(hit.Matches, untrusted(frag))
			}
			out.Items = append(out.Items, hit)
		}
		return out, nil
	})
}
