package tools

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/internal/allowlist"
	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// How much issue and comment text a result carries. GitHub caps a body at
// 65,536 characters; a model pays for every byte, so lists carry excerpts
// and point to the tool that returns the whole text.
const (
	// issueExcerptBytes caps an issue body in list_issues and
	// search_issues; get_issue returns it whole.
	issueExcerptBytes = 300
	// embeddedCommentBytes caps each comment get_issue returns;
	// list_issue_comments returns them whole.
	embeddedCommentBytes = 2000
)

// Body modes of issueFrom.
const (
	noBody    = -1 // leave the body out
	wholeBody = 0  // the whole body
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

// IssueArgs name one issue.
type IssueArgs struct {
	RepoArgs
	IssueNumber int `json:"number" ghmcp:"range=1.."`
}

func (a IssueArgs) String() string { return fmt.Sprintf("%s/%s#%d", a.Owner, a.Repo, a.IssueNumber) }

// Issue is the one shape of an issue in every issues result (get_issue,
// list_issues, search_issues, update_issue). Lists carry a body excerpt
// with body_truncated; update_issue carries no body.
type Issue struct {
	Number        int               `json:"number"`
	Repo          string            `json:"repo,omitempty" jsonschema:"owner/name; in search results only" lockdown:"repo"`
	Title         toolkit.Untrusted `json:"title"`
	State         string            `json:"state" jsonschema:"open or closed"`
	StateReason   string            `json:"state_reason,omitempty" jsonschema:"completed, not_planned, reopened or duplicate"`
	PullRequest   bool              `json:"pull_request,omitempty" jsonschema:"This is a pull request; the pull_requests tools read it"`
	Author        string            `json:"author" lockdown:"author"`
	Labels        []string          `json:"labels,omitempty"`
	Assignees     []string          `json:"assignees,omitempty"`
	Milestone     *MilestoneRef     `json:"milestone,omitempty"`
	CommentCount  int               `json:"comment_count"`
	Locked        bool              `json:"locked,omitempty"`
	CreatedAt     string            `json:"created_at"`
	UpdatedAt     string            `json:"updated_at"`
	ClosedAt      string            `json:"closed_at,omitempty"`
	HTMLURL       string            `json:"html_url"`
	Body          toolkit.Untrusted `json:"body,omitempty" lockdown:"text"`
	BodyTruncated bool              `json:"body_truncated,omitempty" jsonschema:"body is an excerpt; get_issue returns it whole"`
	// AuthorAssociation decides --lockdown; the model does not need it.
	AuthorAssociation string `json:"-" lockdown:"association"`
}

// MilestoneRef names a milestone.
type MilestoneRef struct {
	Number int               `json:"number"`
	Title  toolkit.Untrusted `json:"title"`
}

// IssueComment is a comment on an issue or pull request.
type IssueComment struct {
	ID                int64             `json:"id"`
	Author            string            `json:"author" lockdown:"author"`
	AuthorAssociation string            `json:"author_association,omitempty" jsonschema:"OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, FIRST_TIMER or NONE" lockdown:"association"`
	CreatedAt         string            `json:"created_at"`
	UpdatedAt         string            `json:"updated_at,omitempty" jsonschema:"Set when the comment was edited"`
	Body              toolkit.Untrusted `json:"body" lockdown:"text"`
	Truncated         bool              `json:"truncated,omitempty" jsonschema:"body is cut; list_issue_comments returns it whole"`
}

// IssueCommentRef identifies a created comment.
type IssueCommentRef struct {
	ID      int64  `json:"id"`
	HTMLURL string `json:"html_url"`
}

// issueTools are the issues toolset.
func issueTools() []toolkit.Tool {
	return []toolkit.Tool{
		getIssue(),
		listIssues(),
		searchIssues(),
		createIssue(),
		updateIssue(),
		addIssueComment(),
		listIssueComments(),
	}
}

// createIssue calls POST /repos/{owner}/{repo}/issues.
// https://docs.github.com/rest/issues/issues#create-an-issue
func createIssue() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "create_issue",
		Toolset: ToolsetIssues,
		Kind:    toolkit.Create,
		Desc:    "Open a new issue. Each call creates another issue, so do not repeat a call that succeeded.",
	}, func(ctx context.Context, d toolkit.Deps, in CreateIssueArgs) (IssueRef, error) {
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
			return IssueRef{}, toolkit.Op(what, err)
		}
		return IssueRef{Number: is.GetNumber(), HTMLURL: is.GetHTMLURL(), State: is.GetState()}, nil
	})
}

// GetIssueArgs are the arguments of get_issue.
type GetIssueArgs struct {
	IssueArgs
	WithComments    bool `json:"with_comments,omitempty" jsonschema:"Add the first comments"`
	CommentsPerPage int  `json:"comments_per_page,omitempty" jsonschema:"How many, with with_comments" ghmcp:"range=1..50,default=10"`
}

// IssueDetails is an issue with, on request, its first comments.
type IssueDetails struct {
	Issue
	Comments         []IssueComment `json:"comments,omitempty"`
	CommentsNextPage int            `json:"comments_next_page,omitempty" jsonschema:"More comments: call list_issue_comments with this page and per_page = comments_per_page"`
	Note             string         `json:"note,omitempty"`
}

// getIssue calls GET /repos/{owner}/{repo}/issues/{issue_number} and, with
// comments, GET /repos/{owner}/{repo}/issues/{issue_number}/comments.
// https://docs.github.com/rest/issues/issues#get-an-issue
// https://docs.github.com/rest/issues/comments#list-issue-comments
func getIssue() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "get_issue",
		Toolset: ToolsetIssues,
		Kind:    toolkit.Read,
		Desc:    "Get an issue with its whole body; with_comments adds its first comments.",
	}, func(ctx context.Context, d toolkit.Deps, in GetIssueArgs) (IssueDetails, error) {
		what := "get issue " + in.IssueArgs.String()
		is, _, err := d.GitHub.Issues.Get(ctx, in.Owner, in.Repo, in.IssueNumber)
		if err != nil {
			return IssueDetails{}, toolkit.Op(what, err)
		}
		out := IssueDetails{Issue: issueFrom(d, is, wholeBody)}
		if !in.WithComments || is.GetComments() == 0 {
			return out, nil
		}
		what = "list comments of issue " + in.IssueArgs.String()
		cs, resp, err := d.GitHub.Issues.ListComments(ctx, in.Owner, in.Repo, in.IssueNumber,
			&gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{Page: 1, PerPage: in.CommentsPerPage}})
		if err != nil {
			// The issue is still worth having without its comments.
			out.Note = toolkit.Explain(what, err) + "; the issue is shown without its comments"
			return out, nil
		}
		out.Comments = commentsFrom(d, cs, embeddedCommentBytes)
		out.CommentsNextPage = nextPage(resp)
		return out, nil
	})
}

// ListIssuesArgs are the arguments of list_issues.
type ListIssuesArgs struct {
	RepoArgs
	State     string   `json:"state,omitempty" ghmcp:"enum=open|closed|all,default=open"`
	Labels    []string `json:"labels,omitempty" jsonschema:"Has all of these" ghmcp:"len=1.."`
	Assignee  string   `json:"assignee,omitempty" jsonschema:"Login, none or *"`
	Since     string   `json:"since,omitempty" jsonschema:"Updated since (RFC 3339)"`
	Sort      string   `json:"sort,omitempty" ghmcp:"enum=created|updated|comments"`
	Direction string   `json:"direction,omitempty" ghmcp:"enum=asc|desc"`
	PageArgs
}

// IssueList is a page of issues.
type IssueList struct {
	Issues   []Issue `json:"issues"`
	NextPage int     `json:"next_page,omitempty"`
}

// listIssues calls GET /repos/{owner}/{repo}/issues. GitHub's list includes
// pull requests; they are kept, marked pull_request, so that pages stay
// GitHub's pages and next_page stays exact.
// https://docs.github.com/rest/issues/issues#list-repository-issues
func listIssues() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "list_issues",
		Toolset: ToolsetIssues,
		Kind:    toolkit.Read,
		Desc:    "List a repository's issues, newest first, with body excerpts; pull requests are included, marked pull_request. Text search: search_issues.",
	}, func(ctx context.Context, d toolkit.Deps, in ListIssuesArgs) (IssueList, error) {
		what := "list issues of " + in.RepoArgs.String()
		opts := &gh.IssueListByRepoOptions{
			State:       in.State,
			Labels:      in.Labels,
			Sort:        in.Sort,
			Direction:   in.Direction,
			ListOptions: in.PageArgs.listOptions(),
		}
		for i, l := range in.Labels {
			if strings.Contains(l, ",") {
				return IssueList{}, &toolkit.ArgError{Arg: fmt.Sprintf("labels[%d]", i), Problem: "contains a comma, which GitHub's label filter cannot express; use search_issues with label:\"...\""}
			}
		}
		switch in.Assignee {
		case "", "none", "*":
		default:
			if err := toolkit.CheckName("assignee", "login", in.Assignee); err != nil {
				return IssueList{}, toolkit.Op(what, err)
			}
		}
		opts.Assignee = in.Assignee
		since, err := parseTimeArg("since", in.Since)
		if err != nil {
			return IssueList{}, toolkit.Op(what, err)
		}
		opts.Since = since
		issues, resp, err := d.GitHub.Issues.ListByRepo(ctx, in.Owner, in.Repo, opts)
		if err != nil {
			return IssueList{}, toolkit.Op(what, err)
		}
		out := IssueList{Issues: make([]Issue, 0, len(issues)), NextPage: nextPage(resp)}
		for _, is := range issues {
			out.Issues = append(out.Issues, issueFrom(d, is, issueExcerptBytes))
		}
		return out, nil
	})
}

// UpdateIssueArgs are the arguments of update_issue. Absent fields are not
// sent, so they keep their value on GitHub.
type UpdateIssueArgs struct {
	IssueArgs
	Title       string   `json:"title,omitempty" ghmcp:"len=256"`
	Body        *string  `json:"body,omitempty"`
	State       string   `json:"state,omitempty" ghmcp:"enum=open|closed"`
	StateReason string   `json:"state_reason,omitempty" ghmcp:"enum=completed|not_planned|reopened"`
	Labels      []string `json:"labels,omitempty" jsonschema:"Replaces all labels" ghmcp:"len=1.."`
	Assignees   []string `json:"assignees,omitempty" jsonschema:"Replaces all assignees" ghmcp:"items=10,login"`
	Milestone   *int     `json:"milestone,omitempty" jsonschema:"Number; 0 clears"`
}

// updateIssue calls PATCH /repos/{owner}/{repo}/issues/{issue_number}
// with only the fields given (go-github's IssueRequest cannot send the
// null that removes a milestone, so the body is built here).
// https://docs.github.com/rest/issues/issues#update-an-issue
func updateIssue() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "update_issue",
		Toolset: ToolsetIssues,
		Kind:    toolkit.Update,
		Desc:    "Change an issue; only the fields given change, and labels or assignees replace the current set ([] clears). Close with state closed and state_reason completed or not_planned.",
	}, func(ctx context.Context, d toolkit.Deps, in UpdateIssueArgs) (Issue, error) {
		what := "update issue " + in.IssueArgs.String()
		body, err := in.patch()
		if err != nil {
			return Issue{}, toolkit.Op(what, err)
		}
		req, err := d.GitHub.NewRequest("PATCH", fmt.Sprintf("repos/%s/%s/issues/%d", in.Owner, in.Repo, in.IssueNumber), body)
		if err != nil {
			return Issue{}, toolkit.Op(what, err)
		}
		var is gh.Issue
		if _, err := d.GitHub.Do(ctx, req, &is); err != nil {
			return Issue{}, toolkit.Op(what, err)
		}
		return issueFrom(d, &is, noBody), nil
	})
}

// patch builds update_issue's request body from the fields given.
func (in UpdateIssueArgs) patch() (map[string]any, error) {
	body := map[string]any{}
	if in.Title != "" {
		body["title"] = in.Title
	}
	if in.Body != nil {
		if n := len([]rune(*in.Body)); n > 65536 {
			return nil, &toolkit.ArgError{Arg: "body", Problem: fmt.Sprintf("has %d characters; GitHub accepts at most 65536", n)}
		}
		body["body"] = *in.Body
	}
	switch {
	case in.StateReason != "" && in.State == "":
		return nil, &toolkit.ArgError{Arg: "state_reason", Problem: "needs state: closed with completed or not_planned, open with reopened", Example: `{"state":"closed","state_reason":"completed"}`}
	case in.StateReason == "reopened" && in.State != "open":
		return nil, &toolkit.ArgError{Arg: "state_reason", Problem: "reopened goes with state open", Example: `{"state":"open","state_reason":"reopened"}`}
	case in.StateReason != "" && in.StateReason != "reopened" && in.State != "closed":
		return nil, &toolkit.ArgError{Arg: "state_reason", Problem: in.StateReason + " goes with state closed", Example: `{"state":"closed","state_reason":"` + in.StateReason + `"}`}
	}
	if in.State != "" {
		body["state"] = in.State
	}
	if in.StateReason != "" {
		body["state_reason"] = in.StateReason
	}
	if in.Labels != nil {
		body["labels"] = in.Labels
	}
	if in.Assignees != nil {
		body["assignees"] = in.Assignees
	}
	if in.Milestone != nil {
		switch m := *in.Milestone; {
		case m < 0:
			return nil, &toolkit.ArgError{Arg: "milestone", Problem: fmt.Sprintf("is %d; give a milestone number, or 0 to remove the milestone", m)}
		case m == 0:
			body["milestone"] = nil
		default:
			body["milestone"] = m
		}
	}
	if len(body) == 0 {
		return nil, errors.New("nothing to change: give at least one of title, body, state, labels, assignees, milestone")
	}
	return body, nil
}

// AddIssueCommentArgs are the arguments of add_issue_comment.
type AddIssueCommentArgs struct {
	IssueArgs
	Body string `json:"body" ghmcp:"len=1..65536"`
}

// addIssueComment calls POST /repos/{owner}/{repo}/issues/{issue_number}/comments.
// https://docs.github.com/rest/issues/comments#create-an-issue-comment
func addIssueComment() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "add_issue_comment",
		Toolset: ToolsetIssues,
		Kind:    toolkit.Create,
		Desc:    "Comment on an issue or pull request. Each call posts another comment: do not repeat one that succeeded.",
	}, func(ctx context.Context, d toolkit.Deps, in AddIssueCommentArgs) (IssueCommentRef, error) {
		what := "comment on issue " + in.IssueArgs.String()
		c, _, err := d.GitHub.Issues.CreateComment(ctx, in.Owner, in.Repo, in.IssueNumber, &gh.IssueComment{Body: &in.Body})
		if err != nil {
			return IssueCommentRef{}, toolkit.Op(what, err)
		}
		return IssueCommentRef{ID: c.GetID(), HTMLURL: c.GetHTMLURL()}, nil
	})
}

// ListIssueCommentsArgs are the arguments of list_issue_comments.
type ListIssueCommentsArgs struct {
	IssueArgs
	Since string `json:"since,omitempty" jsonschema:"Updated since (RFC 3339)"`
	PageArgs
}

// IssueCommentList is a page of comments.
type IssueCommentList struct {
	Comments []IssueComment `json:"comments"`
	NextPage int            `json:"next_page,omitempty"`
}

// listIssueComments calls GET /repos/{owner}/{repo}/issues/{issue_number}/comments.
// Bodies are whole: this is where a capped comment is read in full, and
// GitHub caps each at 65,536 characters; per_page bounds the total.
// https://docs.github.com/rest/issues/comments#list-issue-comments
func listIssueComments() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "list_issue_comments",
		Toolset: ToolsetIssues,
		Kind:    toolkit.Read,
		Desc:    "List an issue's or pull request's comments, oldest first, with whole bodies.",
	}, func(ctx context.Context, d toolkit.Deps, in ListIssueCommentsArgs) (IssueCommentList, error) {
		what := "list comments of issue " + in.IssueArgs.String()
		since, err := parseTimeArg("since", in.Since)
		if err != nil {
			return IssueCommentList{}, toolkit.Op(what, err)
		}
		opts := &gh.IssueListCommentsOptions{ListOptions: in.PageArgs.listOptions()}
		if !since.IsZero() {
			opts.Since = &since
		}
		cs, resp, err := d.GitHub.Issues.ListComments(ctx, in.Owner, in.Repo, in.IssueNumber, opts)
		if err != nil {
			return IssueCommentList{}, toolkit.Op(what, err)
		}
		out := IssueCommentList{Comments: commentsFrom(d, cs, wholeBody), NextPage: nextPage(resp)}
		if out.Comments == nil {
			out.Comments = []IssueComment{}
		}
		return out, nil
	})
}

// SearchIssuesArgs are the arguments of search_issues.
type SearchIssuesArgs struct {
	Q     string `json:"q" jsonschema:"GitHub search syntax; is:issue is added unless q has is:pr"`
	Owner string `json:"owner,omitempty" jsonschema:"Scope to this owner, or with repo to owner/repo" ghmcp:"owner"`
	Repo  string `json:"repo,omitempty" ghmcp:"repo"`
	Sort  string `json:"sort,omitempty" ghmcp:"enum=comments|reactions|created|updated"`
	Order string `json:"order,omitempty" ghmcp:"enum=asc|desc"`
	PageArgs
}

// IssueSearchResult is a page of search results.
type IssueSearchResult struct {
	TotalCount int     `json:"total_count" jsonschema:"Matches in all; GitHub serves the first 1000"`
	Incomplete bool    `json:"incomplete_results,omitempty" jsonschema:"GitHub timed out; some matches may be missing"`
	Issues     []Issue `json:"issues"`
	NextPage   int     `json:"next_page,omitempty"`
}

// searchIssues calls GET /search/issues, which spends the search budget
// (30 requests a minute), not the core one.
// https://docs.github.com/rest/search/search#search-issues-and-pull-requests
func searchIssues() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "search_issues",
		Toolset: ToolsetIssues,
		Kind:    toolkit.Read,
		Desc:    "Search issues across repositories. Spends the search rate budget (30/min): within one repository prefer list_issues' filters.",
	}, func(ctx context.Context, d toolkit.Deps, in SearchIssuesArgs) (IssueSearchResult, error) {
		// user: only where --repos allows the whole owner (or is unset).
		_, ownerErr := d.Repos.ScopeQuery("user:" + in.Owner)
		q, err := in.query(ownerErr == nil)
		what := fmt.Sprintf("search issues for %q", q)
		if err != nil {
			return IssueSearchResult{}, toolkit.Op(what, err)
		}
		if q, err = d.Repos.ScopeQuery(q); err != nil {
			return IssueSearchResult{}, toolkit.Op(what, err)
		}
		opts := &gh.SearchOptions{Sort: in.Sort, Order: in.Order, ListOptions: in.PageArgs.listOptions()}
		if in.Sort == "" {
			opts.Order = "" // GitHub ignores order without sort
		}
		res, resp, err := d.GitHub.Search.Issues(ctx, q, opts)
		if err != nil {
			return IssueSearchResult{}, toolkit.Op(what, err)
		}
		// --repos: OR and parentheses can widen a scoped query, and an
		// owner given alone is scoped by --repos instead (see query);
		// when anything is dropped, counts and paging say nothing more.
		kept, counts := allowlist.ScopeSearch(d.Repos, res.Issues, func(is *gh.Issue) bool {
			if !d.Repos.AllowedRepoURL(is.GetRepositoryURL()) {
				return false
			}
			owner, _, _ := strings.Cut(repoOfIssue(is), "/")
			return !(ownerErr != nil && in.Repo == "" && in.Owner != "" && !strings.EqualFold(owner, in.Owner))
		}, allowlist.SearchCounts{TotalCount: res.GetTotal(), Incomplete: res.GetIncompleteResults(), NextPage: nextPage(resp)})
		out := IssueSearchResult{
			TotalCount: counts.TotalCount,
			Incomplete: counts.Incomplete,
			Issues:     make([]Issue, 0, len(kept)),
			NextPage:   counts.NextPage,
		}
		for _, is := range kept {
			i := issueFrom(d, is, issueExcerptBytes)
			i.Repo = repoOfIssue(is)
			out.Issues = append(out.Issues, i)
			// Search answers do not say whether an issue's repository is
			// private: the flow guard looks it up (once per repository).
			if owner, repo, ok := strings.Cut(i.Repo, "/"); ok {
				d.Flow.Read(ctx, owner, repo)
			}
		}
		return out, nil
	})
}

// query builds the search query: q, scoped to the owner or repository
// given, and restricted to issues unless q already says issues or pull
// requests (GitHub answers 422 when a query says neither).
//
// An owner alone becomes user:OWNER only when userOK (--repos allows the
// whole owner, or is unset); otherwise ScopeQuery scopes the query to the
// allowed repositories and results of other owners are dropped.
func (in SearchIssuesArgs) query(userOK bool) (string, error) {
	q := strings.TrimSpace(in.Q)
	if q == "" {
		return "", &toolkit.ArgError{Arg: "q", Problem: "must not be empty", Example: `"crash label:bug is:open"`}
	}
	switch {
	case in.Repo != "" && in.Owner == "":
		return "", &toolkit.ArgError{Arg: "repo", Problem: "needs owner too", Example: `{"owner":"octo","repo":"hello"}`}
	case in.Repo != "":
		q += " repo:" + in.Owner + "/" + in.Repo
	case in.Owner != "" && userOK:
		q += " user:" + in.Owner
	}
	if !hasTypeQualifier(q) {
		q += " is:issue"
	}
	return q, nil
}

// hasTypeQualifier reports whether a search query says whether it wants
// issues or pull requests.
func hasTypeQualifier(q string) bool {
	for _, word := range strings.Fields(strings.ToLower(q)) {
		switch word {
		case "is:issue", "is:pr", "is:pull-request", "type:issue", "type:pr":
			return true
		}
	}
	return false
}

// issueFrom converts GitHub's issue to ours. maxBody is noBody, wholeBody
// or the most bytes of body to keep.
func issueFrom(d toolkit.Deps, is *gh.Issue, maxBody int) Issue {
	out := Issue{
		Number:       is.GetNumber(),
		Title:        untrusted(is.GetTitle()),
		State:        is.GetState(),
		StateReason:  is.GetStateReason(),
		PullRequest:  is.IsPullRequest(),
		Author:       login(is.User),
		Assignees:    logins(is.Assignees),
		CommentCount: is.GetComments(),
		Locked:       is.GetLocked(),
		CreatedAt:    ts(is.CreatedAt),
		UpdatedAt:    ts(is.UpdatedAt),
		ClosedAt:     ts(is.ClosedAt),
		HTMLURL:      is.GetHTMLURL(),

		AuthorAssociation: is.GetAuthorAssociation(),
	}
	for _, l := range is.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	if m := is.Milestone; m != nil {
		out.Milestone = &MilestoneRef{Number: m.GetNumber(), Title: untrusted(m.GetTitle())}
	}
	switch {
	case maxBody == noBody:
	case maxBody == wholeBody:
		out.Body = untrusted(d.RawText(is.GetBody()))
	default:
		body, cut := d.CapText(is.GetBody(), maxBody)
		out.Body, out.BodyTruncated = untrusted(body), cut
	}
	return out
}

// commentsFrom converts comments, cutting each body to maxBody bytes
// unless maxBody is wholeBody.
func commentsFrom(d toolkit.Deps, cs []*gh.IssueComment, maxBody int) []IssueComment {
	if len(cs) == 0 {
		return nil
	}
	out := make([]IssueComment, 0, len(cs))
	for _, c := range cs {
		body, cut := d.RawText(c.GetBody()), false
		if maxBody != wholeBody {
			body, cut = toolkit.CapText(body, maxBody)
		}
		ic := IssueComment{
			ID:                c.GetID(),
			Author:            login(c.User),
			AuthorAssociation: c.GetAuthorAssociation(),
			CreatedAt:         ts(c.CreatedAt),
			Body:              untrusted(body),
			Truncated:         cut,
		}
		if updated := ts(c.UpdatedAt); updated != ic.CreatedAt {
			ic.UpdatedAt = updated
		}
		out = append(out, ic)
	}
	return out
}

// repoOfIssue returns "owner/name" from an issue's repository_url
// (".../repos/owner/name"), which search results always carry.
func repoOfIssue(is *gh.Issue) string {
	u, err := url.Parse(is.GetRepositoryURL())
	if err != nil {
		return ""
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if n := len(parts); n >= 3 && parts[n-3] == "repos" {
		return parts[n-2] + "/" + parts[n-1]
	}
	return ""
}
