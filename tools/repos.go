package tools

import (
	"context"
)

// RepoArgs names a repository.
type RepoArgs struct {
	Owner string `json:"owner" ghmcp:"owner"`
	Repo  string `json:"repo" ghmcp:"repo"`
}

func (a RepoArgs) String() string { return a.Owner + "/" + a.Repo }

// RepositoryDetails is the compact summary of a repository.
type RepositoryDetails struct {
	FullName      string    `json:"full_name"`
	Description   Untrusted `json:"description,omitempty"`
	Visibility    string    `json:"visibility"`
	DefaultBranch string    `json:"default_branch"`
	Stars         int       `json:"stars"`
	Forks         int       `json:"forks"`
	OpenIssues    int       `json:"open_issues" jsonschema:"Open issues plus open pull requests"`
	Topics        []string  `json:"topics,omitempty"`
	License       string    `json:"license,omitempty" jsonschema:"SPDX id"`
	Language      string    `json:"language,omitempty"`
	Archived      bool      `json:"archived"`
	Fork          bool      `json:"fork,omitempty"`
	HTMLURL       string    `json:"html_url"`
	PushedAt      string    `json:"pushed_at,omitempty"`
}

// repoTools are the repos toolset.
func repoTools(d Deps) []Tool {
	return []Tool{
		getRepositoryDetails(d),
	}
}

// getRepositoryDetails calls GET /repos/{owner}/{repo}.
// https://docs.github.com/rest/repos/repos#get-a-repository
func getRepositoryDetails(d Deps) Tool {
	return newTool(d, spec{
		name:    "get_repository_details",
		toolset: ToolsetRepos,
		kind:    read,
		desc:    "Get a repository's summary: description, visibility, default branch, stars, forks, open issues, topics, license, language, archived, URL, last push.",
	}, func(ctx context.Context, in RepoArgs) (RepositoryDetails, string, error) {
		what := "get repository " + in.String()
		r, _, err := d.GitHub.Repositories.Get(ctx, in.Owner, in.Repo)
		if err != nil {
			return RepositoryDetails{}, what, err
		}
		out := RepositoryDetails{
			FullName:      r.GetFullName(),
			Description:   untrusted(r.GetDescription()),
			Visibility:    r.GetVisibility(),
			DefaultBranch: r.GetDefaultBranch(),
			Stars:         r.GetStargazersCount(),
			Forks:         r.GetForksCount(),
			OpenIssues:    r.GetOpenIssuesCount(),
			Topics:        r.Topics,
			License:       r.GetLicense().GetSPDXID(),
			Language:      r.GetLanguage(),
			Archived:      r.GetArchived(),
			Fork:          r.GetFork(),
			HTMLURL:       r.GetHTMLURL(),
			PushedAt:      timeString(r.PushedAt.GetTime()),
		}
		if out.Visibility == "" {
			out.Visibility = "public"
			if r.GetPrivate() {
				out.Visibility = "private"
			}
		}
		if out.License == "NOASSERTION" {
			out.License = "other"
		}
		return out, what, nil
	})
}
