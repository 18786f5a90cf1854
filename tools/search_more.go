package tools

import (
	"context"
	"fmt"
	"strings"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// Searching commits and users, next to search_code (search.go),
// search_issues and search_repositories.

// searchMoreTools are the search toolset's tools of this file.
func searchMoreTools() []toolkit.Tool {
	return []toolkit.Tool{
		searchCommits(),
		searchUsers(),
	}
}

// SearchCommitsArgs are the arguments of search_commits.
type SearchCommitsArgs struct {
	Q     string `json:"q" jsonschema:"e.g. \"fix crash repo:octo/hello author:octocat\"" ghmcp:"len=256"`
	Sort  string `json:"sort,omitempty" ghmcp:"enum=author-date|committer-date"`
	Order string `json:"order,omitempty" ghmcp:"enum=asc|desc"`
	PageArgs
}

// CommitHit is a commit found by search_commits.
type CommitHit struct {
	Repo       string                `json:"repo" jsonschema:"owner/name"`
	SHA        string                `json:"sha"`
	Message    toolkit.UntrustedCode `json:"message" jsonschema:"First line"`
	Author     string                `json:"author,omitempty"`
	AuthorName toolkit.Untrusted     `json:"author_name,omitempty" jsonschema:"Git author name, when no GitHub account matches"`
	Date       string                `json:"date"`
}

// CommitSearchResult is a page of commits found.
type CommitSearchResult struct {
	TotalCount int         `json:"total_count"`
	Incomplete bool        `json:"incomplete_results,omitempty" jsonschema:"GitHub timed out; the results may miss matches"`
	Items      []CommitHit `json:"items"`
	NextPage   int         `json:"next_page,omitempty"`
}

// searchCommits calls GET /search/commits on default branches; --repos
// scopes the query and filters the results like the other searches.
// https://docs.github.com/rest/search/search#search-commits
func searchCommits() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "search_commits",
		Toolset: ToolsetSearch,
		Kind:    toolkit.Read,
		Desc:    "Search commit messages on default branches (search budget: 30/min). Within one repository prefer list_commits.",
	}, func(ctx context.Context, d toolkit.Deps, in SearchCommitsArgs) (CommitSearchResult, error) {
		what := fmt.Sprintf("search commits for %q", in.Q)
		if strings.TrimSpace(in.Q) == "" {
			return CommitSearchResult{}, &toolkit.ArgError{Arg: "q", Problem: "must not be empty", Example: `"fix crash repo:octo/hello"`}
		}
		q, err := d.Repos.ScopeQuery(in.Q)
		if err != nil {
			return CommitSearchResult{}, toolkit.Op(what, err)
		}
		opts := &gh.SearchOptions{Sort: in.Sort, Order: in.Order, ListOptions: in.listOptions()}
		if in.Sort == "" {
			opts.Order = "" // GitHub ignores order without sort
		}
		res, resp, err := d.GitHub.Search.Commits(ctx, q, opts)
		if err != nil {
			return CommitSearchResult{}, toolkit.Op(what, err)
		}
		out := CommitSearchResult{TotalCount: res.GetTotal(), Incomplete: res.GetIncompleteResults(), Items: []CommitHit{}, NextPage: nextPage(resp)}
		for _, c := range res.Commits {
			repo := c.GetRepository().GetFullName()
			if !d.Repos.AllowedFullName(repo) {
				continue // --repos: OR and parentheses can widen a scoped query
			}
			first, _, _ := strings.Cut(c.GetCommit().GetMessage(), "\n")
			first, _ = d.CapText(first, firstLineCap)
			hit := CommitHit{Repo: repo, SHA: c.GetSHA(), Message: code(first), Author: c.GetAuthor().GetLogin()}
			if hit.Author == "" {
				hit.AuthorName = untrusted(c.GetCommit().GetAuthor().GetName())
			}
			date := c.GetCommit().GetAuthor().GetDate()
			hit.Date = ts(&date)
			out.Items = append(out.Items, hit)
		}
		return out, nil
	})
}

// SearchUsersArgs are the arguments of search_users.
type SearchUsersArgs struct {
	Q     string `json:"q" jsonschema:"e.g. \"mona in:login type:user\"" ghmcp:"len=256"`
	Sort  string `json:"sort,omitempty" ghmcp:"enum=followers|repositories|joined"`
	Order string `json:"order,omitempty" ghmcp:"enum=asc|desc"`
	PageArgs
}

// UserHit is a user or organization found by search_users.
type UserHit struct {
	Login   string `json:"login"`
	Type    string `json:"type" jsonschema:"User or Organization"`
	HTMLURL string `json:"html_url"`
}

// UserSearchResult is a page of users found.
type UserSearchResult struct {
	TotalCount int       `json:"total_count"`
	Incomplete bool      `json:"incomplete_results,omitempty" jsonschema:"GitHub timed out; the results may miss matches"`
	Items      []UserHit `json:"items"`
	NextPage   int       `json:"next_page,omitempty"`
}

// searchUsers calls GET /search/users. Users are not repositories, so no
// query can be scoped to --repos: under an allow-list the tool refuses,
// and points to the collaborator tools, which stay inside it.
// https://docs.github.com/rest/search/search#search-users
func searchUsers() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "search_users",
		Toolset: ToolsetSearch,
		Kind:    toolkit.Read,
		Desc:    "Search users and organizations by login, name or email (search budget: 30/min).",
	}, func(ctx context.Context, d toolkit.Deps, in SearchUsersArgs) (UserSearchResult, error) {
		what := fmt.Sprintf("search users for %q", in.Q)
		if strings.TrimSpace(in.Q) == "" {
			return UserSearchResult{}, &toolkit.ArgError{Arg: "q", Problem: "must not be empty", Example: `"mona in:login"`}
		}
		if d.Repos.Restricted() {
			return UserSearchResult{}, toolkit.Op(what, fmt.Errorf("user search cannot be limited to the repositories this server may use (--repos %s); list_collaborators and get_collaborator_permission show who has access to one of them", d.Repos))
		}
		opts := &gh.SearchOptions{Sort: in.Sort, Order: in.Order, ListOptions: in.listOptions()}
		if in.Sort == "" {
			opts.Order = ""
		}
		res, resp, err := d.GitHub.Search.Users(ctx, in.Q, opts)
		if err != nil {
			return UserSearchResult{}, toolkit.Op(what, err)
		}
		out := UserSearchResult{TotalCount: res.GetTotal(), Incomplete: res.GetIncompleteResults(), Items: []UserHit{}, NextPage: nextPage(resp)}
		for _, u := range res.Users {
			out.Items = append(out.Items, UserHit{Login: u.GetLogin(), Type: u.GetType(), HTMLURL: u.GetHTMLURL()})
		}
		return out, nil
	})
}
