package tools

import (
	"context"

	gh "github.com/google/go-github/v62/github"
)

// CreateIssueArgs are the arguments of create_issue.
type CreateIssueArgs struct {
	RepoArgs
	Title     string   `json:"title" ghmcp:"len=1..256"`
	Body      string   `json:"body,omitempty" jsonschema:"Markdown" ghmcp:"len=65536"`
	Labels    []string `json:"labels,omitempty" ghmcp:"items=100,len=1..50"`
	Assignees []string `json:"assignees,omitempty" jsonschema:"Logins" ghmcp:"items=10,login"`
	Milestone int      `json:"milestone,omitempty" jsonschema:"Milestone number" ghmcp:"range=1.."`
}

// IssueRef identifies a created or changed issue.
type IssueRef struct {
	Number  int    `json:"number"`
	HTMLURL string `json:"html_url"`
	State   string `json:"state"`
}

// issueTools are the issues toolset.
func issueTools(d Deps) []Tool {
	return []Tool{
		createIssue(d),
	}
}

// createIssue calls POST /repos/{owner}/{repo}/issues.
// https://docs.github.com/rest/issues/issues#create-an-issue
func createIssue(d Deps) Tool {
	return newTool(d, spec{
		name:    "create_issue",
		toolset: ToolsetIssues,
		kind:    create,
		desc:    "Open a new issue. Each call creates another issue, so do not repeat a call that succeeded.",
	}, func(ctx context.Context, in CreateIssueArgs) (IssueRef, string, error) {
		what := "create issue in " + in.RepoArgs.String()
		req := &gh.IssueRequest{Title: &in.Title}
		if in.Body != "" {
			req.Body = &in.Body
		}
		if len(in.Labels) > 0 {
			req.Labels = &in.Labels
		}
		if len(in.Assignees) > 0 {
			req.Assignees = &in.Assignees
		}
		if in.Milestone > 0 {
			req.Milestone = &in.Milestone
		}
		is, _, err := d.GitHub.Issues.Create(ctx, in.Owner, in.Repo, req)
		if err != nil {
			return IssueRef{}, what, err
		}
		return IssueRef{Number: is.GetNumber(), HTMLURL: is.GetHTMLURL(), State: is.GetState()}, what, nil
	})
}
