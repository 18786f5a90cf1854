package tools

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// Labels, assignees and sub-issues: the issue tools that add to or remove
// from a list without replacing it (update_issue replaces).

// Label is a repository label.
type Label struct {
	Name        toolkit.Untrusted `json:"name"`
	Color       string            `json:"color,omitempty"`
	Description toolkit.Untrusted `json:"description,omitempty"`
}

// LabelList is a page of labels.
type LabelList struct {
	Labels   []Label `json:"labels"`
	NextPage int     `json:"next_page,omitempty"`
}

// IssueLabels are an issue's labels after a change.
type IssueLabels struct {
	Labels []toolkit.Untrusted `json:"labels"`
}

// AddLabelsArgs are the arguments of add_labels.
type AddLabelsArgs struct {
	IssueArgs
	Labels []string `json:"labels" jsonschema:"Added to the current ones" ghmcp:"items=100,label,quiet"`
}

// RemoveLabelArgs are the arguments of remove_label.
type RemoveLabelArgs struct {
	IssueArgs
	Label string `json:"label" ghmcp:"label,quiet"`
}

// CreateLabelArgs are the arguments of create_label.
type CreateLabelArgs struct {
	RepoArgs
	Name        string `json:"name" ghmcp:"label,quiet"`
	Color       string `json:"color,omitempty" jsonschema:"6 hex digits" ghmcp:"len=6..6"`
	Description string `json:"description,omitempty" ghmcp:"len=100"`
}

// AssigneesArgs are the arguments of add_assignees and remove_assignees.
type AssigneesArgs struct {
	IssueArgs
	Assignees []string `json:"assignees" jsonschema:"Logins" ghmcp:"items=10,login"`
}

// IssueAssignees are an issue's assignees after a change.
type IssueAssignees struct {
	Assignees []string `json:"assignees"`
	Ignored   []string `json:"ignored,omitempty" jsonschema:"Logins GitHub did not assign: no access to the repository, or already 10 assignees"`
}

// ListSubIssuesArgs are the arguments of list_sub_issues.
type ListSubIssuesArgs struct {
	IssueArgs
	PageArgs
}

// SubIssueArgs are the arguments of add_sub_issue and remove_sub_issue.
type SubIssueArgs struct {
	IssueArgs
	SubIssue int `json:"sub_issue" jsonschema:"Number of an issue of the same repository" ghmcp:"range=1.."`
}

// AddSubIssueArgs are the arguments of add_sub_issue.
type AddSubIssueArgs struct {
	SubIssueArgs
	ReplaceParent bool `json:"replace_parent,omitempty" jsonschema:"Move it from its current parent"`
}

// SubIssueChange is what add_sub_issue or remove_sub_issue did.
type SubIssueChange struct {
	Parent   int    `json:"parent"`
	SubIssue int    `json:"sub_issue"`
	Status   string `json:"status" jsonschema:"added or removed"`
}

// issueLabelTools are the label, assignee and sub-issue tools of the
// issues toolset (labels and assignees) and of sub_issues.
func issueLabelTools() []toolkit.Tool {
	return []toolkit.Tool{
		listLabels(),
		addLabels(),
		removeLabel(),
		createLabel(),
		addAssignees(),
		removeAssignees(),
		listSubIssues(),
		addSubIssue(),
		removeSubIssue(),
	}
}

// labelNames returns the names of labels.
func labelNames(ls []*gh.Label) []toolkit.Untrusted {
	out := make([]toolkit.Untrusted, 0, len(ls))
	for _, l := range ls {
		out = append(out, untrusted(l.GetName()))
	}
	return out
}

// listLabels calls GET /repos/{owner}/{repo}/labels.
// https://docs.github.com/rest/issues/labels#list-labels-for-a-repository
func listLabels() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "list_labels",
		Toolset: ToolsetIssues,
		Kind:    toolkit.Read,
		Desc:    "List a repository's labels.",
	}, func(ctx context.Context, d toolkit.Deps, in struct {
		RepoArgs
		PageArgs
	}) (LabelList, error) {
		what := "list labels of " + in.RepoArgs.String()
		opts := in.listOptions()
		ls, resp, err := d.GitHub.Issues.ListLabels(ctx, in.Owner, in.Repo, &opts)
		if err != nil {
			return LabelList{}, toolkit.Op(what, err)
		}
		out := LabelList{Labels: []Label{}, NextPage: nextPage(resp)}
		for _, l := range ls {
			out.Labels = append(out.Labels, Label{Name: untrusted(l.GetName()), Color: l.GetColor(), Description: untrusted(l.GetDescription())})
		}
		return out, nil
	})
}

// addLabels calls POST /repos/{owner}/{repo}/issues/{issue_number}/labels
// with {"labels": [...]}.
// https://docs.github.com/rest/issues/labels#add-labels-to-an-issue
func addLabels() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "add_labels",
		Toolset: ToolsetIssues,
		Kind:    toolkit.Update,
		Desc:    "Add labels to an issue or pull request, keeping its other labels. Unknown names become new labels.",
	}, func(ctx context.Context, d toolkit.Deps, in AddLabelsArgs) (IssueLabels, error) {
		what := "add labels to " + in.IssueArgs.String()
		if len(in.Labels) == 0 {
			return IssueLabels{}, &toolkit.ArgError{Arg: "labels", Problem: "must name at least one label", Example: `["bug"]`}
		}
		// The documented object body; go-github sends a bare array.
		req, err := d.GitHub.NewRequest(http.MethodPost, fmt.Sprintf("repos/%s/%s/issues/%d/labels", in.Owner, in.Repo, in.IssueNumber), map[string][]string{"labels": in.Labels})
		if err != nil {
			return IssueLabels{}, toolkit.Op(what, err)
		}
		var ls []*gh.Label
		if _, err := d.GitHub.Do(ctx, req, &ls); err != nil {
			return IssueLabels{}, toolkit.Op(what, err)
		}
		return IssueLabels{Labels: labelNames(ls)}, nil
	})
}

// removeLabel calls DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}.
// https://docs.github.com/rest/issues/labels#remove-a-label-from-an-issue
func removeLabel() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "remove_label",
		Toolset: ToolsetIssues,
		Kind:    toolkit.Destructive,
		Desc:    "Remove one label from an issue or pull request, keeping its other labels.",
	}, func(ctx context.Context, d toolkit.Deps, in RemoveLabelArgs) (IssueLabels, error) {
		what := fmt.Sprintf("remove label %q from %s", in.Label, in.IssueArgs)
		// go-github does not escape the name; labels may hold spaces, '/' or '?'.
		u := fmt.Sprintf("repos/%s/%s/issues/%d/labels/%s", in.Owner, in.Repo, in.IssueNumber, url.PathEscape(in.Label))
		req, err := d.GitHub.NewRequest(http.MethodDelete, u, nil)
		if err != nil {
			return IssueLabels{}, toolkit.Op(what, err)
		}
		var ls []*gh.Label
		if _, err := d.GitHub.Do(ctx, req, &ls); err != nil {
			if status, e := statusOf(err); status == http.StatusNotFound {
				return IssueLabels{}, toolkit.Op(what, fmt.Errorf("%s; or the issue does not have this label: get_issue shows its labels", toolkit.ExplainResponse(e)))
			}
			return IssueLabels{}, toolkit.Op(what, err)
		}
		return IssueLabels{Labels: labelNames(ls)}, nil
	})
}

// createLabel calls POST /repos/{owner}/{repo}/labels.
// https://docs.github.com/rest/issues/labels#create-a-label
func createLabel() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "create_label",
		Toolset: ToolsetIssues,
		Kind:    toolkit.Create,
		Desc:    "Create a repository label.",
	}, func(ctx context.Context, d toolkit.Deps, in CreateLabelArgs) (Label, error) {
		what := fmt.Sprintf("create label %q in %s", in.Name, in.RepoArgs)
		color := strings.ToLower(in.Color)
		if color != "" && !isHexColor(color) {
			return Label{}, &toolkit.ArgError{Arg: "color", Problem: fmt.Sprintf("got %s, which is not 6 hex digits", toolkit.QuoteShort(in.Color)), Example: `"d73a4a"`}
		}
		l := &gh.Label{Name: &in.Name}
		if color != "" {
			l.Color = &color
		}
		if in.Description != "" {
			l.Description = &in.Description
		}
		got, _, err := d.GitHub.Issues.CreateLabel(ctx, in.Owner, in.Repo, l)
		if err != nil {
			return Label{}, toolkit.Op(what, err)
		}
		return Label{Name: untrusted(got.GetName()), Color: got.GetColor(), Description: untrusted(got.GetDescription())}, nil
	})
}

// addAssignees calls POST /repos/{owner}/{repo}/issues/{issue_number}/assignees.
// GitHub ignores users it cannot assign without an error; the result names
// them.
// https://docs.github.com/rest/issues/assignees#add-assignees-to-an-issue
func addAssignees() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "add_assignees",
		Toolset: ToolsetIssues,
		Kind:    toolkit.Update,
		Desc:    "Assign users to an issue or pull request, keeping its other assignees (at most 10).",
	}, func(ctx context.Context, d toolkit.Deps, in AssigneesArgs) (IssueAssignees, error) {
		what := "add assignees to " + in.IssueArgs.String()
		if len(in.Assignees) == 0 {
			return IssueAssignees{}, &toolkit.ArgError{Arg: "assignees", Problem: "must name at least one login", Example: `["octocat"]`}
		}
		is, _, err := d.GitHub.Issues.AddAssignees(ctx, in.Owner, in.Repo, in.IssueNumber, in.Assignees)
		if err != nil {
			return IssueAssignees{}, toolkit.Op(what, err)
		}
		out := IssueAssignees{Assignees: logins(is.Assignees)}
		if out.Assignees == nil {
			out.Assignees = []string{}
		}
		for _, a := range in.Assignees {
			if !slices.ContainsFunc(out.Assignees, func(b string) bool { return strings.EqualFold(a, b) }) {
				out.Ignored = append(out.Ignored, a)
			}
		}
		return out, nil
	})
}

// removeAssignees calls DELETE /repos/{owner}/{repo}/issues/{issue_number}/assignees.
// https://docs.github.com/rest/issues/assignees#remove-assignees-from-an-issue
func removeAssignees() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "remove_assignees",
		Toolset: ToolsetIssues,
		Kind:    toolkit.Destructive,
		Desc:    "Unassign users from an issue or pull request, keeping its other assignees.",
	}, func(ctx context.Context, d toolkit.Deps, in AssigneesArgs) (IssueAssignees, error) {
		what := "remove assignees from " + in.IssueArgs.String()
		if len(in.Assignees) == 0 {
			return IssueAssignees{}, &toolkit.ArgError{Arg: "assignees", Problem: "must name at least one login", Example: `["octocat"]`}
		}
		is, _, err := d.GitHub.Issues.RemoveAssignees(ctx, in.Owner, in.Repo, in.IssueNumber, in.Assignees)
		if err != nil {
			return IssueAssignees{}, toolkit.Op(what, err)
		}
		out := IssueAssignees{Assignees: logins(is.Assignees)}
		if out.Assignees == nil {
			out.Assignees = []string{}
		}
		return out, nil
	})
}

// listSubIssues calls GET /repos/{owner}/{repo}/issues/{issue_number}/sub_issues
// (go-github v62 predates sub-issues: the request is built here).
// https://docs.github.com/rest/issues/sub-issues#list-sub-issues
func listSubIssues() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "list_sub_issues",
		Toolset: ToolsetSubIssues,
		Kind:    toolkit.Read,
		Desc:    "List an issue's sub-issues, without bodies.",
	}, func(ctx context.Context, d toolkit.Deps, in ListSubIssuesArgs) (IssueList, error) {
		what := "list sub-issues of " + in.IssueArgs.String()
		req, err := d.GitHub.NewRequest(http.MethodGet, pagedPath(fmt.Sprintf("repos/%s/%s/issues/%d/sub_issues", in.Owner, in.Repo, in.IssueNumber), in.PageArgs), nil)
		if err != nil {
			return IssueList{}, toolkit.Op(what, err)
		}
		var issues []*gh.Issue
		resp, err := d.GitHub.Do(ctx, req, &issues)
		if err != nil {
			return IssueList{}, toolkit.Op(what, err)
		}
		out := IssueList{Issues: make([]Issue, 0, len(issues)), NextPage: nextPage(resp)}
		for _, is := range issues {
			i := issueFrom(d, is, noBody)
			if r := repoOfIssue(is); !strings.EqualFold(r, in.RepoArgs.String()) {
				i.Repo = r // a sub-issue of another repository of the owner
			}
			out.Issues = append(out.Issues, i)
		}
		return out, nil
	})
}

// pagedPath appends paging arguments to a request path.
func pagedPath(path string, p PageArgs) string {
	return fmt.Sprintf("%s?page=%d&per_page=%d", path, p.Page, p.PerPage)
}

// isHexColor reports whether s is a color of 6 hex digits.
func isHexColor(s string) bool {
	if len(s) != 6 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}

// subIssueID resolves the sub-issue's number to the id GitHub's sub-issue
// endpoints take, with GET /repos/{owner}/{repo}/issues/{issue_number}.
func subIssueID(ctx context.Context, d toolkit.Deps, in SubIssueArgs) (int64, error) {
	is, _, err := d.GitHub.Issues.Get(ctx, in.Owner, in.Repo, in.SubIssue)
	if status, e := statusOf(err); status == http.StatusNotFound {
		return 0, fmt.Errorf("sub-issue #%d: %s", in.SubIssue, toolkit.ExplainResponse(e))
	}
	return is.GetID(), err
}

// addSubIssue calls POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues.
// https://docs.github.com/rest/issues/sub-issues#add-sub-issue
func addSubIssue() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "add_sub_issue",
		Toolset: ToolsetSubIssues,
		Kind:    toolkit.Update,
		Desc:    "Make an issue a sub-issue of another, keeping the parent's other sub-issues.",
	}, func(ctx context.Context, d toolkit.Deps, in AddSubIssueArgs) (SubIssueChange, error) {
		what := fmt.Sprintf("add #%d as sub-issue of %s", in.SubIssue, in.IssueArgs)
		if in.SubIssue == in.IssueNumber {
			return SubIssueChange{}, &toolkit.ArgError{Arg: "sub_issue", Problem: "is the parent itself; give another issue's number"}
		}
		id, err := subIssueID(ctx, d, in.SubIssueArgs)
		if err != nil {
			return SubIssueChange{}, toolkit.Op(what, err)
		}
		body := map[string]any{"sub_issue_id": id}
		if in.ReplaceParent {
			body["replace_parent"] = true
		}
		req, err := d.GitHub.NewRequest(http.MethodPost, fmt.Sprintf("repos/%s/%s/issues/%d/sub_issues", in.Owner, in.Repo, in.IssueNumber), body)
		if err != nil {
			return SubIssueChange{}, toolkit.Op(what, err)
		}
		if _, err := d.GitHub.Do(ctx, req, nil); err != nil {
			if status, e := statusOf(err); status == http.StatusUnprocessableEntity && !in.ReplaceParent {
				return SubIssueChange{}, toolkit.Op(what, fmt.Errorf("%s. If #%d already has another parent, retry with replace_parent true", toolkit.ExplainResponse(e), in.SubIssue))
			}
			return SubIssueChange{}, toolkit.Op(what, err)
		}
		return SubIssueChange{Parent: in.IssueNumber, SubIssue: in.SubIssue, Status: "added"}, nil
	})
}

// removeSubIssue calls DELETE /repos/{owner}/{repo}/issues/{issue_number}/sub_issue.
// https://docs.github.com/rest/issues/sub-issues#remove-sub-issue
func removeSubIssue() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "remove_sub_issue",
		Toolset: ToolsetSubIssues,
		Kind:    toolkit.Destructive,
		Desc:    "Detach a sub-issue from its parent; both issues stay.",
	}, func(ctx context.Context, d toolkit.Deps, in SubIssueArgs) (SubIssueChange, error) {
		what := fmt.Sprintf("remove sub-issue #%d from %s", in.SubIssue, in.IssueArgs)
		id, err := subIssueID(ctx, d, in)
		if err != nil {
			return SubIssueChange{}, toolkit.Op(what, err)
		}
		req, err := d.GitHub.NewRequest(http.MethodDelete, fmt.Sprintf("repos/%s/%s/issues/%d/sub_issue", in.Owner, in.Repo, in.IssueNumber), map[string]any{"sub_issue_id": id})
		if err != nil {
			return SubIssueChange{}, toolkit.Op(what, err)
		}
		if _, err := d.GitHub.Do(ctx, req, nil); err != nil {
			return SubIssueChange{}, toolkit.Op(what, err)
		}
		return SubIssueChange{Parent: in.IssueNumber, SubIssue: in.SubIssue, Status: "removed"}, nil
	})
}
