package tools

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/github"
	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// The pull-request tools of the everyday catalogue (issue 12): review
// requests, draft status, bringing a branch up to date, review threads and
// replies. Draft status and threads exist only in GitHub's GraphQL API;
// the rest is REST.

// threadExcerpt is the most of a thread's first comment list_review_threads
// returns; list_pull_request_reviews with comments=true has them whole.
const threadExcerpt = 300

// morePullTools are the pull-request tools added for the catalogue.
func morePullTools() []toolkit.Tool {
	return []toolkit.Tool{
		getCIStatus(),
		requestReviewers(),
		removeReviewers(),
		markReadyForReview(),
		convertToDraft(),
		updatePullRequestBranch(),
		listReviewThreads(),
		replyToReviewComment(),
		resolveReviewThread(),
		unresolveReviewThread(),
	}
}

// ReviewersArgs are the arguments of request_reviewers and remove_reviewers.
type ReviewersArgs struct {
	PullArgs
	Reviewers []string `json:"reviewers,omitempty" ghmcp:"items=100,login,quiet"`
	Teams     []string `json:"teams,omitempty" jsonschema:"Team slugs" ghmcp:"items=100,quiet"`
}

// Reviewers are the review requests a pull request has after a change.
type Reviewers struct {
	Number    int      `json:"number"`
	Reviewers []string `json:"requested_reviewers"`
	Teams     []string `json:"requested_teams,omitempty"`
}

func (in ReviewersArgs) check() error {
	if len(in.Reviewers) == 0 && len(in.Teams) == 0 {
		return &toolkit.ArgError{Arg: "reviewers", Problem: "give at least one login in reviewers or one team slug in teams", Example: `["octocat"]`}
	}
	for i, t := range in.Teams {
		if !toolkit.IsName("repo", t) {
			return &toolkit.ArgError{Arg: fmt.Sprintf("teams[%d]", i), Problem: "must be a team slug (letters, digits, '-', '_', '.'), got " + toolkit.QuoteShort(t), Example: `"core-team"`}
		}
	}
	return nil
}

func reviewersOf(pr *gh.PullRequest) Reviewers {
	out := Reviewers{Number: pr.GetNumber(), Reviewers: logins(pr.RequestedReviewers)}
	if out.Reviewers == nil {
		out.Reviewers = []string{}
	}
	for _, t := range pr.RequestedTeams {
		out.Teams = append(out.Teams, t.GetSlug())
	}
	return out
}

// requestReviewers calls POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers.
// https://docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request
func requestReviewers() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "request_reviewers",
		Toolset: ToolsetPullRequests,
		Kind:    toolkit.Update,
		Desc:    "Request reviews of a pull request from users or teams. Adds to the requests; does not replace them.",
	}, func(ctx context.Context, d toolkit.Deps, in ReviewersArgs) (Reviewers, error) {
		what := "request reviewers for pull request " + in.PullArgs.String()
		if err := in.check(); err != nil {
			return Reviewers{}, err
		}
		pr, _, err := d.GitHub.PullRequests.RequestReviewers(ctx, in.Owner, in.Repo, in.Number, gh.ReviewersRequest{Reviewers: in.Reviewers, TeamReviewers: in.Teams})
		if err != nil {
			return Reviewers{}, toolkit.Op(what, messagesAsCustom(err))
		}
		return reviewersOf(pr), nil
	})
}

// removeReviewers calls DELETE /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers,
// then GET /repos/{owner}/{repo}/pulls/{pull_number} for the requests left
// (go-github drops the DELETE's answer).
// https://docs.github.com/rest/pulls/review-requests#remove-requested-reviewers-from-a-pull-request
func removeReviewers() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "remove_reviewers",
		Toolset: ToolsetPullRequests,
		Kind:    toolkit.Update,
		Desc:    "Withdraw review requests from users or teams; other requests stay.",
	}, func(ctx context.Context, d toolkit.Deps, in ReviewersArgs) (Reviewers, error) {
		what := "remove reviewers from pull request " + in.PullArgs.String()
		if err := in.check(); err != nil {
			return Reviewers{}, err
		}
		if _, err := d.GitHub.PullRequests.RemoveReviewers(ctx, in.Owner, in.Repo, in.Number, gh.ReviewersRequest{Reviewers: in.Reviewers, TeamReviewers: in.Teams}); err != nil {
			return Reviewers{}, toolkit.Op(what, messagesAsCustom(err))
		}
		pr, _, err := d.GitHub.PullRequests.Get(ctx, in.Owner, in.Repo, in.Number)
		if err != nil {
			return Reviewers{}, toolkit.Op("read pull request "+in.PullArgs.String()+" after removing reviewers (they were removed)", err)
		}
		return reviewersOf(pr), nil
	})
}

// DraftState is a pull request's draft status after a change.
type DraftState struct {
	Number  int    `json:"number"`
	Draft   bool   `json:"draft"`
	HTMLURL string `json:"html_url"`
}

// markReadyForReview reads the pull request's node id with GET
// /repos/{owner}/{repo}/pulls/{pull_number}, then sends GraphQL's
// markPullRequestReadyForReview (REST cannot change draft status).
// https://docs.github.com/graphql/reference/mutations#markpullrequestreadyforreview
func markReadyForReview() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "mark_ready_for_review",
		Toolset: ToolsetPullRequests,
		Kind:    toolkit.Update,
		Desc:    "Mark a draft pull request ready for review.",
	}, func(ctx context.Context, d toolkit.Deps, in PullArgs) (DraftState, error) {
		return setDraft(ctx, d, in, false)
	})
}

// convertToDraft is markReadyForReview's reverse, with GraphQL's
// convertPullRequestToDraft.
// https://docs.github.com/graphql/reference/mutations#convertpullrequesttodraft
func convertToDraft() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "convert_to_draft",
		Toolset: ToolsetPullRequests,
		Kind:    toolkit.Update,
		Desc:    "Convert an open pull request to a draft.",
	}, func(ctx context.Context, d toolkit.Deps, in PullArgs) (DraftState, error) {
		return setDraft(ctx, d, in, true)
	})
}

// setDraft sets a pull request's draft status; a pull request already in
// that state is left alone, without a mutation.
func setDraft(ctx context.Context, d toolkit.Deps, in PullArgs, draft bool) (DraftState, error) {
	what, mutation := "mark pull request "+in.String()+" ready for review", "markPullRequestReadyForReview"
	if draft {
		what, mutation = "convert pull request "+in.String()+" to a draft", "convertPullRequestToDraft"
	}
	pr, _, err := d.GitHub.PullRequests.Get(ctx, in.Owner, in.Repo, in.Number)
	if err != nil {
		return DraftState{}, toolkit.Op(what, err)
	}
	out := DraftState{Number: pr.GetNumber(), Draft: pr.GetDraft(), HTMLURL: pr.GetHTMLURL()}
	switch {
	case pr.GetState() != "open":
		return DraftState{}, toolkit.Op(what, fmt.Errorf("it is %s, so its draft status cannot change", closedOrMerged(pr)))
	case out.Draft == draft:
		return out, nil
	}
	var data map[string]struct {
		PullRequest struct {
			IsDraft bool `json:"isDraft"`
		} `json:"pullRequest"`
	}
	q := "mutation($id: ID!) { " + mutation + "(input: {pullRequestId: $id}) { pullRequest { isDraft } } }"
	if err := d.GraphQLClient().Mutation(ctx, q, map[string]any{"id": pr.GetNodeID()}, &data); err != nil {
		return DraftState{}, toolkit.Op(what, err)
	}
	out.Draft = data[mutation].PullRequest.IsDraft
	return out, nil
}

// closedOrMerged says how a pull request that is not open ended.
func closedOrMerged(pr *gh.PullRequest) string {
	if pr.GetMerged() || pr.MergedAt != nil {
		return "merged"
	}
	return "closed"
}

// UpdateBranchArgs are the arguments of update_pull_request_branch.
type UpdateBranchArgs struct {
	PullArgs
	ExpectedHeadSHA string `json:"expected_head_sha,omitempty" jsonschema:"Refuse if the head moved from this SHA" ghmcp:"sha,quiet"`
}

// updatePullRequestBranch calls PUT /repos/{owner}/{repo}/pulls/{pull_number}/update-branch.
// https://docs.github.com/rest/pulls/pulls#update-a-pull-request-branch
func updatePullRequestBranch() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "update_pull_request_branch",
		Toolset: ToolsetPullRequests,
		Kind:    toolkit.Update,
		Desc:    "Merge the base branch into a pull request's head branch when it is behind.",
	}, func(ctx context.Context, d toolkit.Deps, in UpdateBranchArgs) (RunAck, error) {
		what := "update the branch of pull request " + in.PullArgs.String()
		opts := &gh.PullRequestBranchUpdateOptions{}
		if in.ExpectedHeadSHA != "" {
			opts.ExpectedHeadSHA = &in.ExpectedHeadSHA
		}
		_, _, err := d.GitHub.PullRequests.UpdateBranch(ctx, in.Owner, in.Repo, in.Number, opts)
		var accepted *gh.AcceptedError
		status, respErr := statusOf(err)
		switch {
		case errors.As(err, &accepted):
			// 202: GitHub merges in the background.
		case status == http.StatusUnprocessableEntity:
			return RunAck{}, toolkit.Op(what, fmt.Errorf("GitHub refused (422: %s). If the head moved, read it again with get_pull_request; if there is nothing new on the base, the branch is up to date", respErr.Message))
		case err != nil:
			return RunAck{}, toolkit.Op(what, err)
		}
		return RunAck{Status: "updating", Next: "get_pull_request shows the new head_sha within seconds"}, nil
	})
}

// ListThreadsArgs are the arguments of list_review_threads.
type ListThreadsArgs struct {
	PullArgs
	After string `json:"after,omitempty" jsonschema:"next_cursor of the previous page"`
}

// threadsPage is how many review threads list_review_threads returns at
// once: threads are few, and a per_page argument would cost every session
// its bytes.
const threadsPage = 30

// ReviewThread is a review thread: a line comment and its replies.
type ReviewThread struct {
	ID         string            `json:"id" jsonschema:"thread_id for resolve_review_thread"`
	Resolved   bool              `json:"resolved"`
	Outdated   bool              `json:"outdated,omitempty"`
	Path       string            `json:"path"`
	Line       int               `json:"line,omitempty"`
	StartLine  int               `json:"start_line,omitempty"`
	Author     string            `json:"author" lockdown:"author"`
	Excerpt    toolkit.Untrusted `json:"excerpt" jsonschema:"Start of the first comment" lockdown:"text"`
	CommentIDs []int64           `json:"comment_ids" jsonschema:"Oldest first; comment_id for reply_to_review_comment"`
	// AuthorAssociation decides --lockdown; the model does not need it.
	AuthorAssociation string `json:"-" lockdown:"association"`
}

// ReviewThreadList is a page of review threads.
type ReviewThreadList struct {
	Threads    []ReviewThread `json:"threads"`
	NextCursor string         `json:"next_cursor,omitempty"`
}

// reviewThreadsQuery reads a page of a pull request's review threads.
const reviewThreadsQuery = `query($owner: String!, $name: String!, $number: Int!, $first: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviewThreads(first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        nodes {
          id isResolved isOutdated path line startLine
          comments(first: 50) { nodes { databaseId author { login } authorAssociation body } }
        }
      }
    }
  }
}`

type gqlThreads struct {
	Repository *struct {
		PullRequest *struct {
			ReviewThreads struct {
				PageInfo struct {
					HasNextPage bool   `json:"hasNextPage"`
					EndCursor   string `json:"endCursor"`
				} `json:"pageInfo"`
				Nodes []struct {
					ID         string `json:"id"`
					IsResolved bool   `json:"isResolved"`
					IsOutdated bool   `json:"isOutdated"`
					Path       string `json:"path"`
					Line       int    `json:"line"`
					StartLine  int    `json:"startLine"`
					Comments   struct {
						Nodes []struct {
							DatabaseID int64 `json:"databaseId"`
							Author     struct {
								Login string `json:"login"`
							} `json:"author"`
							AuthorAssociation string `json:"authorAssociation"`
							Body              string `json:"body"`
						} `json:"nodes"`
					} `json:"comments"`
				} `json:"nodes"`
			} `json:"reviewThreads"`
		} `json:"pullRequest"`
	} `json:"repository"`
}

// listReviewThreads sends GraphQL's repository.pullRequest.reviewThreads:
// REST has no threads, nor their resolved state.
// https://docs.github.com/graphql/reference/objects#pullrequestreviewthread
func listReviewThreads() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "list_review_threads",
		Toolset: ToolsetPullRequests,
		Kind:    toolkit.Read,
		Desc:    "List a pull request's review threads: resolved or not, outdated, where, the first comment's start.",
	}, func(ctx context.Context, d toolkit.Deps, in ListThreadsArgs) (ReviewThreadList, error) {
		what := "list review threads of pull request " + in.PullArgs.String()
		vars := map[string]any{"owner": in.Owner, "name": in.Repo, "number": in.Number, "first": threadsPage}
		if in.After != "" {
			vars["after"] = in.After
		}
		var data gqlThreads
		if err := d.GraphQLClient().Query(ctx, reviewThreadsQuery, vars, &data); err != nil {
			return ReviewThreadList{}, toolkit.Op(what, err)
		}
		if data.Repository == nil || data.Repository.PullRequest == nil {
			return ReviewThreadList{}, toolkit.Op(what, errors.New("GitHub returned no pull request; check the owner, name and number"))
		}
		rt := data.Repository.PullRequest.ReviewThreads
		out := ReviewThreadList{Threads: make([]ReviewThread, 0, len(rt.Nodes))}
		if rt.PageInfo.HasNextPage {
			out.NextCursor = rt.PageInfo.EndCursor
		}
		for _, n := range rt.Nodes {
			t := ReviewThread{ID: n.ID, Resolved: n.IsResolved, Outdated: n.IsOutdated, Path: n.Path, Line: n.Line, StartLine: n.StartLine, CommentIDs: []int64{}}
			for i, c := range n.Comments.Nodes {
				if i == 0 {
					body, _ := toolkit.CapText(c.Body, threadExcerpt)
					t.Author, t.Excerpt, t.AuthorAssociation = c.Author.Login, untrusted(body), c.AuthorAssociation
				}
				t.CommentIDs = append(t.CommentIDs, c.DatabaseID)
			}
			out.Threads = append(out.Threads, t)
		}
		return out, nil
	})
}

// ReplyArgs are the arguments of reply_to_review_comment.
type ReplyArgs struct {
	PullArgs
	CommentID int64  `json:"comment_id" ghmcp:"range=1..,quiet"`
	Body      string `json:"body"`
}

// ReviewCommentRef identifies a created review comment.
type ReviewCommentRef struct {
	ID        int64  `json:"id"`
	InReplyTo int64  `json:"in_reply_to,omitempty" jsonschema:"The thread's first comment"`
	HTMLURL   string `json:"html_url"`
}

// replyToReviewComment calls POST /repos/{owner}/{repo}/pulls/{pull_number}/comments
// with in_reply_to.
// https://docs.github.com/rest/pulls/comments#create-a-review-comment-for-a-pull-request
func replyToReviewComment() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "reply_to_review_comment",
		Toolset: ToolsetPullRequests,
		Kind:    toolkit.Create,
		Desc:    "Reply in the thread of a review comment.",
	}, func(ctx context.Context, d toolkit.Deps, in ReplyArgs) (ReviewCommentRef, error) {
		what := fmt.Sprintf("reply to review comment %d of pull request %s", in.CommentID, in.PullArgs)
		if strings.TrimSpace(in.Body) == "" {
			return ReviewCommentRef{}, &toolkit.ArgError{Arg: "body", Problem: "must not be empty"}
		}
		c, _, err := d.GitHub.PullRequests.CreateCommentInReplyTo(ctx, in.Owner, in.Repo, in.Number, in.Body, in.CommentID)
		if err != nil {
			return ReviewCommentRef{}, toolkit.Op(what, messagesAsCustom(err))
		}
		return ReviewCommentRef{ID: c.GetID(), InReplyTo: c.GetInReplyTo(), HTMLURL: c.GetHTMLURL()}, nil
	})
}

// ThreadArgs name a review thread. Owner and repo are what --repos checks;
// the thread's node id alone names it to GitHub.
type ThreadArgs struct {
	RepoArgs
	ThreadID string `json:"thread_id" jsonschema:"id from list_review_threads" ghmcp:"len=1..100,quiet"`
}

// ThreadState is a thread's resolved state after a change.
type ThreadState struct {
	ThreadID string `json:"thread_id"`
	Resolved bool   `json:"resolved"`
}

// resolveReviewThread sends GraphQL's resolveReviewThread.
// https://docs.github.com/graphql/reference/mutations#resolvereviewthread
func resolveReviewThread() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "resolve_review_thread",
		Toolset: ToolsetPullRequests,
		Kind:    toolkit.Update,
		Desc:    "Mark a review thread resolved.",
	}, func(ctx context.Context, d toolkit.Deps, in ThreadArgs) (ThreadState, error) {
		return setResolved(ctx, d, in, true)
	})
}

// unresolveReviewThread sends GraphQL's unresolveReviewThread.
// https://docs.github.com/graphql/reference/mutations#unresolvereviewthread
func unresolveReviewThread() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "unresolve_review_thread",
		Toolset: ToolsetPullRequests,
		Kind:    toolkit.Update,
		Desc:    "Reopen a resolved review thread.",
	}, func(ctx context.Context, d toolkit.Deps, in ThreadArgs) (ThreadState, error) {
		return setResolved(ctx, d, in, false)
	})
}

func setResolved(ctx context.Context, d toolkit.Deps, in ThreadArgs, resolved bool) (ThreadState, error) {
	what, mutation := "resolve review thread "+in.ThreadID, "resolveReviewThread"
	if !resolved {
		what, mutation = "unresolve review thread "+in.ThreadID, "unresolveReviewThread"
	}
	var data map[string]struct {
		Thread struct {
			ID         string `json:"id"`
			IsResolved bool   `json:"isResolved"`
		} `json:"thread"`
	}
	q := "mutation($id: ID!) { " + mutation + "(input: {threadId: $id}) { thread { id isResolved } } }"
	if err := d.GraphQLClient().Mutation(ctx, q, map[string]any{"id": in.ThreadID}, &data); err != nil {
		if errors.Is(err, github.ErrGraphQLNotFound) {
			err = fmt.Errorf("%w. Take thread ids from list_review_threads", err)
		}
		return ThreadState{}, toolkit.Op(what, err)
	}
	return ThreadState{ThreadID: in.ThreadID, Resolved: data[mutation].Thread.IsResolved}, nil
}
