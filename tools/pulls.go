package tools

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// Caps on the text a pull-request tool returns, in bytes.
const (
	// patchCap is the most of one file's patch get_pull_request_files
	// lists; the rest is read with path and offset.
	patchCap = 3000
	// diffChunk is the most of one file's patch read with path.
	diffChunk = 20000
	// reviewBodyCap is the most of a review or review comment body in a
	// list; with per_page=1 a body is returned whole.
	reviewBodyCap = 4000
)

// maxReviewComments is the most line comments one review may carry here.
const maxReviewComments = 100

// PullArgs names a pull request. The number's rule is quiet: "minimum":1
// would cost every tool's schema bytes to say what the model knows.
type PullArgs struct {
	RepoArgs
	Number int `json:"number" ghmcp:"range=1..,quiet"`
}

func (a PullArgs) String() string { return fmt.Sprintf("%s/%s#%d", a.Owner, a.Repo, a.Number) }

// PullRequestSummary is a pull request in a list.
type PullRequestSummary struct {
	Number    int               `json:"number"`
	Title     toolkit.Untrusted `json:"title"`
	State     string            `json:"state" jsonschema:"open or closed"`
	Draft     bool              `json:"draft,omitempty"`
	Merged    bool              `json:"merged,omitempty"`
	Author    string            `json:"author"`
	Head      string            `json:"head" jsonschema:"Branch with the changes; owner:branch when it is in a fork"`
	Base      string            `json:"base"`
	UpdatedAt string            `json:"updated_at"`
}

// PullRequestList is a page of pull requests.
type PullRequestList struct {
	PullRequests []PullRequestSummary `json:"pull_requests"`
	NextPage     int                  `json:"next_page,omitempty"`
}

// PullRequest is the compact form of one pull request.
type PullRequest struct {
	Number             int               `json:"number"`
	Title              toolkit.Untrusted `json:"title"`
	State              string            `json:"state" jsonschema:"open or closed"`
	Draft              bool              `json:"draft"`
	Merged             bool              `json:"merged"`
	Mergeable          *bool             `json:"mergeable,omitempty" jsonschema:"Absent while GitHub computes it; read the PR again in a few seconds"`
	MergeableState     string            `json:"mergeable_state,omitempty" jsonschema:"clean; dirty (conflicts); blocked (required reviews or checks missing); behind (base moved on); unstable (failing checks); unknown (still computing)"`
	Author             string            `json:"author" lockdown:"author"`
	Head               string            `json:"head" jsonschema:"Branch with the changes"`
	HeadSHA            string            `json:"head_sha" jsonschema:"Pass it as expected_head_sha to merge_pull_request"`
	HeadRepo           string            `json:"head_repo,omitempty" jsonschema:"owner/name of the fork the head branch is in, when it is not this repository"`
	Base               string            `json:"base"`
	Body               toolkit.Untrusted `json:"body,omitempty" lockdown:"text"`
	Labels             []string          `json:"labels,omitempty"`
	RequestedReviewers []string          `json:"requested_reviewers,omitempty"`
	Commits            int               `json:"commits"`
	Additions          int               `json:"additions"`
	Deletions          int               `json:"deletions"`
	ChangedFiles       int               `json:"changed_files"`
	HTMLURL            string            `json:"html_url"`
	CreatedAt          string            `json:"created_at"`
	UpdatedAt          string            `json:"updated_at"`
	ClosedAt           string            `json:"closed_at,omitempty"`
	MergedAt           string            `json:"merged_at,omitempty"`
	MergedBy           string            `json:"merged_by,omitempty"`
	MergeCommitSHA     string            `json:"merge_commit_sha,omitempty"`
	// AuthorAssociation decides --lockdown; the model does not need it.
	AuthorAssociation string `json:"-" lockdown:"association"`
}

// PullRequestRef identifies a created or changed pull request.
type PullRequestRef struct {
	Number  int    `json:"number"`
	HTMLURL string `json:"html_url"`
	State   string `json:"state"`
	HeadSHA string `json:"head_sha" jsonschema:"Pass it as expected_head_sha to merge_pull_request"`
}

// PullRequestFile is one changed file and its patch.
type PullRequestFile struct {
	Path         string                `json:"path"`
	PreviousPath string                `json:"previous_path,omitempty" jsonschema:"The old path of a renamed file"`
	Status       string                `json:"status,omitempty" jsonschema:"added, removed, modified, renamed, copied, changed or unchanged"`
	Additions    int                   `json:"additions"`
	Deletions    int                   `json:"deletions"`
	Patch        toolkit.UntrustedCode `json:"patch,omitempty"`
	Truncated    bool                  `json:"truncated,omitempty" jsonschema:"The patch goes on (or GitHub left it out of the list): call again with this path and offset=next_offset for the rest"`
	NextOffset   int                   `json:"next_offset,omitempty"`
}

// PullRequestFiles is a page of changed files, or the patch of one file.
type PullRequestFiles struct {
	Files    []PullRequestFile `json:"files"`
	HeadSHA  string            `json:"head_sha,omitempty" jsonschema:"The head these patches are from; pass it as expected_head_sha to merge_pull_request"`
	NextPage int               `json:"next_page,omitempty"`
}

// Review is one review of a pull request.
type Review struct {
	ID          int64             `json:"id"`
	Author      string            `json:"author" lockdown:"author"`
	State       string            `json:"state" jsonschema:"APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING"`
	Body        toolkit.Untrusted `json:"body,omitempty" lockdown:"text"`
	Truncated   bool              `json:"truncated,omitempty" jsonschema:"The body was cut; call again with per_page=1 and page=its position in the list to read it whole"`
	CommitID    string            `json:"commit_id" jsonschema:"The head SHA the review was made on"`
	SubmittedAt string            `json:"submitted_at,omitempty"`
	// AuthorAssociation decides --lockdown; the model does not need it.
	AuthorAssociation string `json:"-" lockdown:"association"`
}

// ReviewComment is one line comment of a review.
type ReviewComment struct {
	ID        int64             `json:"id"`
	ReviewID  int64             `json:"review_id,omitempty"`
	InReplyTo int64             `json:"in_reply_to,omitempty"`
	Author    string            `json:"author" lockdown:"author"`
	Path      string            `json:"path"`
	Line      int               `json:"line,omitempty" jsonschema:"Absent when the line is gone from the current diff (outdated)"`
	Side      string            `json:"side,omitempty" jsonschema:"RIGHT: the new version; LEFT: the old"`
	Body      toolkit.Untrusted `json:"body" lockdown:"text"`
	Truncated bool              `json:"truncated,omitempty" jsonschema:"The body was cut; call again with per_page=1 and page=its position in the list to read it whole"`
	CommitID  string            `json:"commit_id"`
	CreatedAt string            `json:"created_at"`
	// AuthorAssociation decides --lockdown; the model does not need it.
	AuthorAssociation string `json:"-" lockdown:"association"`
}

// ReviewList is a page of reviews or of review comments.
type ReviewList struct {
	Reviews  []Review        `json:"reviews,omitempty"`
	Comments []ReviewComment `json:"comments,omitempty"`
	NextPage int             `json:"next_page,omitempty"`
}

// ReviewRef identifies a submitted review.
type ReviewRef struct {
	ID       int64  `json:"id"`
	State    string `json:"state"`
	CommitID string `json:"commit_id"`
}

// MergeResult is the outcome of a merge.
type MergeResult struct {
	Merged bool   `json:"merged"`
	SHA    string `json:"sha" jsonschema:"The commit the merge made on the base branch"`
}

// pullTools are the pull_requests toolset.
func pullTools() []toolkit.Tool {
	return append([]toolkit.Tool{
		listPullRequests(),
		getPullRequest(),
		getPullRequestFiles(),
		listPullRequestReviews(),
		createPullRequest(),
		submitPullRequestReview(),
		updatePullRequest(),
		mergePullRequest(),
	}, morePullTools()...)
}

// ListPullRequestsArgs are the arguments of list_pull_requests.
type ListPullRequestsArgs struct {
	RepoArgs
	State string `json:"state,omitempty" ghmcp:"enum=open|closed|all,default=open"`
	Head  string `json:"head,omitempty" jsonschema:"Branch or owner:branch"`
	Base  string `json:"base,omitempty" ghmcp:"ref,quiet"`
	Sort  string `json:"sort,omitempty" ghmcp:"enum=created|updated"`
	PageArgs
}

// listPullRequests calls GET /repos/{owner}/{repo}/pulls.
// https://docs.github.com/rest/pulls/pulls#list-pull-requests
func listPullRequests() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "list_pull_requests",
		Toolset: ToolsetPullRequests,
		Kind:    toolkit.Read,
		Desc:    "List pull requests, newest first.",
	}, func(ctx context.Context, d toolkit.Deps, in ListPullRequestsArgs) (PullRequestList, error) {
		what := "list pull requests of " + in.RepoArgs.String()
		head, err := headFilter(in.Owner, in.Head)
		if err != nil {
			return PullRequestList{}, toolkit.Op(what, err)
		}
		opts := &gh.PullRequestListOptions{
			State:       in.State,
			Head:        head,
			Base:        in.Base,
			Sort:        in.Sort,
			ListOptions: in.PageArgs.listOptions(),
		}
		prs, resp, err := d.GitHub.PullRequests.List(ctx, in.Owner, in.Repo, opts)
		if err != nil {
			return PullRequestList{}, toolkit.Op(what, err)
		}
		out := PullRequestList{PullRequests: make([]PullRequestSummary, 0, len(prs)), NextPage: nextPage(resp)}
		for _, pr := range prs {
			out.PullRequests = append(out.PullRequests, PullRequestSummary{
				Number:    pr.GetNumber(),
				Title:     untrusted(pr.GetTitle()),
				State:     pr.GetState(),
				Draft:     pr.GetDraft(),
				Merged:    pr.MergedAt != nil,
				Author:    login(pr.GetUser()),
				Head:      headName(pr),
				Base:      pr.GetBase().GetRef(),
				UpdatedAt: ts(pr.UpdatedAt),
			})
		}
		return out, nil
	})
}

// getPullRequest calls GET /repos/{owner}/{repo}/pulls/{pull_number}.
// https://docs.github.com/rest/pulls/pulls#get-a-pull-request
func getPullRequest() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "get_pull_request",
		Toolset: ToolsetPullRequests,
		Kind:    toolkit.Read,
		Desc:    "Get a pull request: state, mergeability, head SHA, body.",
	}, func(ctx context.Context, d toolkit.Deps, in PullArgs) (PullRequest, error) {
		what := "get pull request " + in.String()
		pr, _, err := d.GitHub.PullRequests.Get(ctx, in.Owner, in.Repo, in.Number)
		if err != nil {
			return PullRequest{}, toolkit.Op(what, err)
		}
		out := PullRequest{
			Number:             pr.GetNumber(),
			Title:              untrusted(pr.GetTitle()),
			State:              pr.GetState(),
			Draft:              pr.GetDraft(),
			Merged:             pr.GetMerged(),
			Mergeable:          pr.Mergeable,
			MergeableState:     pr.GetMergeableState(),
			Author:             login(pr.GetUser()),
			Head:               pr.GetHead().GetRef(),
			HeadSHA:            pr.GetHead().GetSHA(),
			Base:               pr.GetBase().GetRef(),
			Body:               untrusted(pr.GetBody()),
			AuthorAssociation:  pr.GetAuthorAssociation(),
			RequestedReviewers: logins(pr.RequestedReviewers),
			Commits:            pr.GetCommits(),
			Additions:          pr.GetAdditions(),
			Deletions:          pr.GetDeletions(),
			ChangedFiles:       pr.GetChangedFiles(),
			HTMLURL:            pr.GetHTMLURL(),
			CreatedAt:          ts(pr.CreatedAt),
			UpdatedAt:          ts(pr.UpdatedAt),
			ClosedAt:           ts(pr.ClosedAt),
			MergedAt:           ts(pr.MergedAt),
			MergedBy:           login(pr.MergedBy),
		}
		if out.Merged {
			out.MergeCommitSHA = pr.GetMergeCommitSHA()
		}
		if head, base := pr.GetHead().GetRepo().GetFullName(), pr.GetBase().GetRepo().GetFullName(); head != "" && !strings.EqualFold(head, base) {
			out.HeadRepo = head
		}
		for _, l := range pr.Labels {
			out.Labels = append(out.Labels, l.GetName())
		}
		return out, nil
	})
}

// PullRequestFilesArgs are the arguments of get_pull_request_files.
type PullRequestFilesArgs struct {
	PullArgs
	Path   string `json:"path,omitempty" ghmcp:"path,quiet"`
	Offset int    `json:"offset,omitempty" jsonschema:"With path: a file's next_offset"`
	PageArgs
}

// getPullRequestFiles calls GET /repos/{owner}/{repo}/pulls/{pull_number}/files,
// or, for one path, GET /repos/{owner}/{repo}/pulls/{pull_number} with the
// diff media type.
// https://docs.github.com/rest/pulls/pulls#list-pull-requests-files
// https://docs.github.com/rest/pulls/pulls#get-a-pull-request
//
// One tool, not two: the files list already carries each file's patch, so
// a separate diff tool would cost the model its whole definition (about 450
// bytes in every session) to say the same thing. The raw diff is used only
// to read one file's patch past the list's cap, in one request whatever
// the number of files.
func getPullRequestFiles() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "get_pull_request_files",
		Toolset: ToolsetPullRequests,
		Kind:    toolkit.Read,
		Desc:    fmt.Sprintf("List a pull request's changed files with patches (%d KB each); pass path and next_offset for the rest of one.", patchCap/1000),
	}, func(ctx context.Context, d toolkit.Deps, in PullRequestFilesArgs) (PullRequestFiles, error) {
		var what string // set where the operation is known
		if in.Offset < 0 {
			return PullRequestFiles{}, &toolkit.ArgError{Arg: "offset", Problem: fmt.Sprintf("is %d; it must be 0 or more", in.Offset)}
		}
		if in.Path == "" {
			if in.Offset != 0 {
				return PullRequestFiles{}, &toolkit.ArgError{Arg: "offset", Problem: "needs path: it is a byte offset into that file's patch"}
			}
			return listPullFiles(ctx, d, in)
		}
		what = fmt.Sprintf("get the patch of %s in pull request %s", in.Path, in.PullArgs)
		raw, _, err := d.GitHub.PullRequests.GetRaw(ctx, in.Owner, in.Repo, in.Number, gh.RawOptions{Type: gh.Diff})
		if err != nil {
			if status, e := statusOf(err); status == http.StatusNotAcceptable {
				return PullRequestFiles{}, toolkit.Op(what, fmt.Errorf("GitHub does not render diffs this large (406: %s); read the file itself at head_sha with the repository contents tools", e.Message))
			}
			return PullRequestFiles{}, toolkit.Op(what, err)
		}
		f, patch, ok := fileDiff(raw, in.Path)
		patch = d.RawText(patch) // before the offset: it counts in redacted text, as next_offset does
		if !ok {
			return PullRequestFiles{}, toolkit.Op(what, fmt.Errorf("%s is not among the files this pull request changes; list them by calling without path", in.Path))
		}
		if in.Offset > len(patch) {
			return PullRequestFiles{}, &toolkit.ArgError{Arg: "offset", Problem: fmt.Sprintf("is %d, past the end of the patch (%d bytes)", in.Offset, len(patch))}
		}
		start := in.Offset
		for start < len(patch) && !utf8.RuneStart(patch[start]) {
			start++
		}
		chunk, cut := capLines(patch[start:], diffChunk)
		f.Patch = code(chunk)
		if cut {
			f.Truncated, f.NextOffset = true, start+len(chunk)
		}
		return PullRequestFiles{Files: []PullRequestFile{f}}, nil
	})
}

// listPullFiles lists one page of a pull request's files.
func listPullFiles(ctx context.Context, d toolkit.Deps, in PullRequestFilesArgs) (PullRequestFiles, error) {
	what := "get changed files of pull request " + in.PullArgs.String()
	opts := in.PageArgs.listOptions()
	files, resp, err := d.GitHub.PullRequests.ListFiles(ctx, in.Owner, in.Repo, in.Number, &opts)
	if err != nil {
		return PullRequestFiles{}, toolkit.Op(what, err)
	}
	out := PullRequestFiles{Files: make([]PullRequestFile, 0, len(files)), NextPage: nextPage(resp)}
	for _, f := range files {
		pf := PullRequestFile{
			Path:         f.GetFilename(),
			PreviousPath: f.GetPreviousFilename(),
			Status:       f.GetStatus(),
			Additions:    f.GetAdditions(),
			Deletions:    f.GetDeletions(),
		}
		patch, cut := capLines(d.RawText(f.GetPatch()), patchCap)
		pf.Patch = code(patch)
		switch {
		case cut:
			pf.Truncated, pf.NextOffset = true, len(patch)
		case f.Patch == nil && f.GetChanges() > 0:
			// GitHub leaves out patches of large files; the raw
			// diff still has them.
			pf.Truncated = true
		}
		out.Files = append(out.Files, pf)
		if out.HeadSHA == "" {
			out.HeadSHA = refOf(f.GetContentsURL())
		}
	}
	return out, nil
}

// refOf returns the ref a contents URL names (GitHub gives each changed
// file's as .../contents/PATH?ref=HEAD_SHA), so that the files list says
// which head its patches are from.
func refOf(contentsURL string) string {
	u, err := url.Parse(contentsURL)
	if err != nil {
		return ""
	}
	ref := u.Query().Get("ref")
	if !toolkit.IsName("sha", ref) {
		return ""
	}
	return ref
}

// ListReviewsArgs are the arguments of list_pull_request_reviews.
type ListReviewsArgs struct {
	PullArgs
	Comments bool `json:"comments,omitempty" jsonschema:"Line comments instead of reviews"`
	PageArgs
}

// listPullRequestReviews calls GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews
// or GET /repos/{owner}/{repo}/pulls/{pull_number}/comments.
// https://docs.github.com/rest/pulls/reviews#list-reviews-for-a-pull-request
// https://docs.github.com/rest/pulls/comments#list-review-comments-on-a-pull-request
//
// One tool with a switch rather than two: the two lists answer the
// same question (what did reviewers say?) and share every argument, so a
// second definition would cost the model about 450 bytes for one enum.
func listPullRequestReviews() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "list_pull_request_reviews",
		Toolset: ToolsetPullRequests,
		Kind:    toolkit.Read,
		Desc:    "List a pull request's reviews, or with comments=true their line comments.",
	}, func(ctx context.Context, d toolkit.Deps, in ListReviewsArgs) (ReviewList, error) {
		bodyCap := reviewBodyCap
		if in.PerPage == 1 {
			bodyCap = 1 << 30 // one item: the caller asked for it whole
		}
		opts := in.PageArgs.listOptions()
		if in.Comments {
			what := "list review comments of pull request " + in.PullArgs.String()
			cs, resp, err := d.GitHub.PullRequests.ListComments(ctx, in.Owner, in.Repo, in.Number, &gh.PullRequestListCommentsOptions{ListOptions: opts})
			if err != nil {
				return ReviewList{}, toolkit.Op(what, err)
			}
			out := ReviewList{Comments: make([]ReviewComment, 0, len(cs)), NextPage: nextPage(resp)}
			for _, c := range cs {
				body, cut := d.CapText(c.GetBody(), bodyCap)
				out.Comments = append(out.Comments, ReviewComment{
					ID:        c.GetID(),
					ReviewID:  c.GetPullRequestReviewID(),
					InReplyTo: c.GetInReplyTo(),
					Author:    login(c.GetUser()),
					Path:      c.GetPath(),
					Line:      c.GetLine(),
					Side:      c.GetSide(),
					Body:      untrusted(body),
					Truncated: cut,
					CommitID:  c.GetCommitID(),

					AuthorAssociation: c.GetAuthorAssociation(),
					CreatedAt:         ts(c.CreatedAt),
				})
			}
			return out, nil
		}
		what := "list reviews of pull request " + in.PullArgs.String()
		rs, resp, err := d.GitHub.PullRequests.ListReviews(ctx, in.Owner, in.Repo, in.Number, &opts)
		if err != nil {
			return ReviewList{}, toolkit.Op(what, err)
		}
		out := ReviewList{Reviews: make([]Review, 0, len(rs)), NextPage: nextPage(resp)}
		for _, r := range rs {
			body, cut := d.CapText(r.GetBody(), bodyCap)
			out.Reviews = append(out.Reviews, Review{
				ID:          r.GetID(),
				Author:      login(r.GetUser()),
				State:       r.GetState(),
				Body:        untrusted(body),
				Truncated:   cut,
				CommitID:    r.GetCommitID(),
				SubmittedAt: ts(r.SubmittedAt),

				AuthorAssociation: r.GetAuthorAssociation(),
			})
		}
		return out, nil
	})
}

// CreatePullRequestArgs are the arguments of create_pull_request.
type CreatePullRequestArgs struct {
	RepoArgs
	Title               string `json:"title"`
	Head                string `json:"head" jsonschema:"Branch with the changes, or owner:branch"`
	Base                string `json:"base"`
	Body                string `json:"body,omitempty"`
	Draft               bool   `json:"draft,omitempty"`
	MaintainerCanModify *bool  `json:"maintainer_can_modify,omitempty"`
}

// createPullRequest calls POST /repos/{owner}/{repo}/pulls.
// https://docs.github.com/rest/pulls/pulls#create-a-pull-request
func createPullRequest() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "create_pull_request",
		Toolset: ToolsetPullRequests,
		Kind:    toolkit.Create,
		Desc:    "Open a pull request; each call opens another.",
	}, func(ctx context.Context, d toolkit.Deps, in CreatePullRequestArgs) (PullRequestRef, error) {
		what := "create pull request in " + in.RepoArgs.String()
		if err := checkTitle(in.Title, true); err != nil {
			return PullRequestRef{}, toolkit.Op(what, err)
		}
		if err := checkHead("head", in.Head); err != nil {
			return PullRequestRef{}, toolkit.Op(what, err)
		}
		if err := toolkit.CheckName("base", "ref", in.Base); err != nil {
			return PullRequestRef{}, toolkit.Op(what, err)
		}
		req := &gh.NewPullRequest{Title: &in.Title, Head: &in.Head, Base: &in.Base, MaintainerCanModify: in.MaintainerCanModify}
		if in.Body != "" {
			req.Body = &in.Body
		}
		if in.Draft {
			req.Draft = &in.Draft
		}
		pr, _, err := d.GitHub.PullRequests.Create(ctx, in.Owner, in.Repo, req)
		if err != nil {
			return PullRequestRef{}, toolkit.Op(what, explainCreatePull(ctx, d, in, messagesAsCustom(err)))
		}
		return pullRef(pr), nil
	})
}

// ReviewArgs are the arguments of submit_pull_request_review.
type ReviewArgs struct {
	PullArgs
	Event    string              `json:"event" ghmcp:"enum=APPROVE|REQUEST_CHANGES|COMMENT"`
	Body     string              `json:"body,omitempty"`
	Comments []ReviewLineComment `json:"comments,omitempty"`
	CommitID string              `json:"commit_id,omitempty" jsonschema:"SHA you read; default: the head" ghmcp:"sha,quiet"`
}

// ReviewLineComment is a comment on one line of a pull request's diff.
type ReviewLineComment struct {
	Path string `json:"path"`
	Line int    `json:"line" ghmcp:"range=1..,quiet"`
	// StartLine makes the comment span start_line..line, on side.
	StartLine int    `json:"start_line,omitempty" ghmcp:"range=1..,quiet"`
	Side      string `json:"side,omitempty" ghmcp:"enum=LEFT|RIGHT"`
	Body      string `json:"body"`
}

// submitPullRequestReview calls POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews.
// https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request
func submitPullRequestReview() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "submit_pull_request_review",
		Toolset: ToolsetPullRequests,
		Kind:    toolkit.Create,
		Desc:    "Approve, request changes or comment on a pull request, with line comments. Plain comments: add_issue_comment.",
	}, func(ctx context.Context, d toolkit.Deps, in ReviewArgs) (ReviewRef, error) {
		what := "review pull request " + in.PullArgs.String()
		if err := in.checkReview(); err != nil {
			return ReviewRef{}, toolkit.Op(what, err)
		}
		req := &gh.PullRequestReviewRequest{Event: &in.Event}
		if in.Body != "" {
			req.Body = &in.Body
		}
		if in.CommitID != "" {
			req.CommitID = &in.CommitID
		}
		for _, c := range in.Comments {
			side := c.Side
			if side == "" {
				side = "RIGHT"
			}
			rc := &gh.DraftReviewComment{Path: gh.String(c.Path), Line: gh.Int(c.Line), Side: gh.String(side), Body: gh.String(c.Body)}
			if c.StartLine != 0 {
				rc.StartLine, rc.StartSide = gh.Int(c.StartLine), gh.String(side)
			}
			req.Comments = append(req.Comments, rc)
		}
		r, _, err := d.GitHub.PullRequests.CreateReview(ctx, in.Owner, in.Repo, in.Number, req)
		if err != nil {
			return ReviewRef{}, toolkit.Op(what, explainOwnReview(ctx, d, in, messagesAsCustom(err)))
		}
		return ReviewRef{ID: r.GetID(), State: r.GetState(), CommitID: r.GetCommitID()}, nil
	})
}

// explainCreatePull explains GitHub's 422 to a new pull request whose head
// already has an open one: it looks that one up, so that the model gets
// its number rather than opening another.
func explainCreatePull(ctx context.Context, d toolkit.Deps, in CreatePullRequestArgs, err error) error {
	if !isStatus(err, http.StatusUnprocessableEntity) {
		return err
	}
	head, herr := headFilter(in.Owner, in.Head)
	if herr != nil {
		return err
	}
	prs, _, lerr := d.GitHub.PullRequests.List(ctx, in.Owner, in.Repo, &gh.PullRequestListOptions{State: "open", Head: head, Base: in.Base, ListOptions: gh.ListOptions{PerPage: 1}})
	if lerr != nil || len(prs) == 0 {
		return err
	}
	return fmt.Errorf("pull request #%d (%s) is already open for %s into %s (422: %s). Change it with update_pull_request, or push to %s to add commits", prs[0].GetNumber(), prs[0].GetHTMLURL(), in.Head, in.Base, githubWords(err), in.Head)
}

// explainOwnReview explains GitHub's 422 to an approval or a request for
// changes on one's own pull request, which GitHub allows only as a
// comment.
func explainOwnReview(ctx context.Context, d toolkit.Deps, in ReviewArgs, err error) error {
	if in.Event == "COMMENT" || !isStatus(err, http.StatusUnprocessableEntity) {
		return err
	}
	pr, _, perr := d.GitHub.PullRequests.Get(ctx, in.Owner, in.Repo, in.Number)
	if perr != nil {
		return err
	}
	me, _, uerr := d.GitHub.Users.Get(ctx, "")
	if uerr != nil || !strings.EqualFold(me.GetLogin(), login(pr.GetUser())) {
		return err
	}
	return fmt.Errorf("%s opened this pull request, and GitHub lets an author neither approve nor request changes on their own (422: %s). Submit the review with event COMMENT instead", me.GetLogin(), githubWords(err))
}

// githubWords is GitHub's message in an error answer with its per-field
// messages. The explanations that quote it do not wrap the answer, so
// that explain shows them rather than the generic advice for its status.
func githubWords(err error) string {
	var e *gh.ErrorResponse
	if !errors.As(err, &e) {
		return err.Error()
	}
	words := e.Message
	for _, fe := range e.Errors {
		if fe.Message != "" {
			words += ": " + fe.Message
		}
	}
	return words
}

// isStatus reports whether err is GitHub's answer with that status.
func isStatus(err error, status int) bool {
	got, _ := statusOf(err)
	return got == status
}

// checkReview checks what validate cannot: a required enum, the rules of
// each line comment, and GitHub's rule that only an approval may come
// without a text.
func (in ReviewArgs) checkReview() error {
	if in.Event == "" {
		return &toolkit.ArgError{Arg: "event", Problem: "is required: one of APPROVE, REQUEST_CHANGES, COMMENT"}
	}
	if len(in.Comments) > maxReviewComments {
		return &toolkit.ArgError{Arg: "comments", Problem: fmt.Sprintf("has %d elements; at most %d are allowed in one review", len(in.Comments), maxReviewComments)}
	}
	for i, c := range in.Comments {
		arg := fmt.Sprintf("comments[%d].", i)
		if err := toolkit.CheckName(arg+"path", "path", c.Path); err != nil {
			return err
		}
		if strings.TrimSpace(c.Body) == "" {
			return &toolkit.ArgError{Arg: arg + "body", Problem: "must not be empty"}
		}
		if c.StartLine != 0 && c.StartLine >= c.Line {
			return &toolkit.ArgError{Arg: arg + "start_line", Problem: fmt.Sprintf("is %d; it must be before line (%d)", c.StartLine, c.Line)}
		}
		var argErr *toolkit.ArgError
		if err := toolkit.Validate(&c); errors.As(err, &argErr) {
			argErr.Arg = arg + argErr.Arg
			return argErr
		} else if err != nil {
			return err
		}
	}
	switch {
	case in.Event == "REQUEST_CHANGES" && in.Body == "":
		return &toolkit.ArgError{Arg: "body", Problem: "is required with REQUEST_CHANGES: say what must change"}
	case in.Event == "COMMENT" && in.Body == "" && len(in.Comments) == 0:
		return &toolkit.ArgError{Arg: "body", Problem: "is required with COMMENT unless there are line comments"}
	}
	return nil
}

// UpdatePullRequestArgs are the arguments of update_pull_request.
type UpdatePullRequestArgs struct {
	PullArgs
	Title string `json:"title,omitempty"`
	Body  string `json:"body,omitempty"`
	State string `json:"state,omitempty" ghmcp:"enum=open|closed"`
	Base  string `json:"base,omitempty" ghmcp:"ref,quiet"`
}

// updatePullRequest calls PATCH /repos/{owner}/{repo}/pulls/{pull_number}.
// https://docs.github.com/rest/pulls/pulls#update-a-pull-request
//
// Draft status is not offered: the REST API cannot change it (only GraphQL's
// markPullRequestReadyForReview and convertPullRequestToDraft can). Nor is
// maintainer_can_modify, which matters only for pull requests from forks
// and is set when one is created: not worth its bytes in every session.
func updatePullRequest() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "update_pull_request",
		Toolset: ToolsetPullRequests,
		Kind:    toolkit.Update,
		Desc:    "Change a pull request's title, body, base or state (not its draft status).",
	}, func(ctx context.Context, d toolkit.Deps, in UpdatePullRequestArgs) (PullRequestRef, error) {
		what := "update pull request " + in.PullArgs.String()
		if err := checkTitle(in.Title, false); err != nil {
			return PullRequestRef{}, toolkit.Op(what, err)
		}
		if in.Title == "" && in.Body == "" && in.State == "" && in.Base == "" {
			return PullRequestRef{}, &toolkit.ArgError{Arg: "title", Problem: "nothing to change: give at least one of title, body, state, base"}
		}
		if in.State == "closed" && in.Base != "" {
			// go-github drops base when closing, and GitHub refuses
			// to change the base of a closed pull request.
			return PullRequestRef{}, &toolkit.ArgError{Arg: "base", Problem: "cannot change while closing; change the base first, then close"}
		}
		pr := &gh.PullRequest{}
		if in.Title != "" {
			pr.Title = &in.Title
		}
		if in.Body != "" {
			pr.Body = &in.Body
		}
		if in.State != "" {
			pr.State = &in.State
		}
		if in.Base != "" {
			pr.Base = &gh.PullRequestBranch{Ref: &in.Base}
		}
		got, _, err := d.GitHub.PullRequests.Edit(ctx, in.Owner, in.Repo, in.Number, pr)
		if err != nil {
			return PullRequestRef{}, toolkit.Op(what, messagesAsCustom(err))
		}
		return pullRef(got), nil
	})
}

// MergeArgs are the arguments of merge_pull_request.
type MergeArgs struct {
	PullArgs
	MergeMethod     string `json:"merge_method,omitempty" ghmcp:"enum=merge|squash|rebase,default=merge"`
	CommitTitle     string `json:"commit_title,omitempty"`
	CommitMessage   string `json:"commit_message,omitempty"`
	ExpectedHeadSHA string `json:"expected_head_sha,omitempty"`
}

// mergePullRequest calls PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge.
// https://docs.github.com/rest/pulls/pulls#merge-a-pull-request
//
// expected_head_sha travels as GitHub's sha parameter: GitHub refuses the
// merge (409) if the head moved, so code the model has not seen is never
// merged.
func mergePullRequest() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "merge_pull_request",
		Toolset: ToolsetPullRequests,
		Kind:    toolkit.Destructive,
		Desc:    "Merge a pull request. Set expected_head_sha to the head_sha you read, so nothing unseen is merged.",
	}, func(ctx context.Context, d toolkit.Deps, in MergeArgs) (MergeResult, error) {
		what := "merge pull request " + in.PullArgs.String()
		if s := in.ExpectedHeadSHA; s != "" && (len(s) != 40 || !toolkit.IsName("sha", s)) {
			return MergeResult{}, &toolkit.ArgError{Arg: "expected_head_sha", Problem: "must be the full 40-hex-digit head_sha of get_pull_request, got " + toolkit.QuoteShort(s), Example: `"6dcb09b5b57875f334f61aebed695e2e4193db5e"`}
		}
		opts := &gh.PullRequestOptions{CommitTitle: in.CommitTitle, SHA: in.ExpectedHeadSHA, MergeMethod: in.MergeMethod}
		r, _, err := d.GitHub.PullRequests.Merge(ctx, in.Owner, in.Repo, in.Number, in.CommitMessage, opts)
		if err != nil {
			return MergeResult{}, toolkit.Op(what, explainMerge(ctx, d, in.PullArgs, messagesAsCustom(err)))
		}
		return MergeResult{Merged: r.GetMerged(), SHA: r.GetSHA()}, nil
	})
}

// explainMerge says what the merge endpoint's own refusals mean. The
// result deliberately does not wrap GitHub's error, so that explain shows
// this message rather than the generic one for the status.
//
// A 405 says only "not mergeable": the pull request itself, read again,
// says why (a draft, merged already, closed), so that the model is told
// the one step that helps.
func explainMerge(ctx context.Context, d toolkit.Deps, in PullArgs, err error) error {
	var e *gh.ErrorResponse
	if !errors.As(err, &e) || e.Response == nil {
		return err
	}
	switch e.Response.StatusCode {
	case http.StatusMethodNotAllowed:
		pr, _, gerr := d.GitHub.PullRequests.Get(ctx, in.Owner, in.Repo, in.Number)
		switch {
		case gerr != nil:
		case pr.GetMerged():
			return fmt.Errorf("it is already merged (405: %s): its merge commit is %s. Nothing more to do", e.Message, pr.GetMergeCommitSHA())
		case pr.GetState() == "closed":
			return fmt.Errorf("it is closed (405: %s). Reopen it with update_pull_request state=open first, if it should be merged", e.Message)
		case pr.GetDraft():
			return fmt.Errorf("it is a draft (405: %s). Mark it ready with mark_ready_for_review, then merge", e.Message)
		}
	}
	switch e.Response.StatusCode {
	case http.StatusConflict:
		return fmt.Errorf("the head moved since you read it (409: %s). Nothing was merged. Read the pull request again with get_pull_request and its new changes with get_pull_request_files, then merge with expected_head_sha set to the new head_sha", e.Message)
	case http.StatusMethodNotAllowed:
		return fmt.Errorf("not mergeable (405: %s). Nothing was merged. get_pull_request shows why: mergeable_state dirty = conflicts to resolve, blocked = required reviews or checks missing, behind = the branch must be brought up to date; a draft, closed or merged pull request cannot be merged, and the repository may not allow this merge_method", e.Message)
	}
	return err
}

// messagesAsCustom marks GitHub's bare-string validation errors (as in
// {"errors":["Can not approve your own pull request"]}, which the pulls
// endpoints use) as custom ones, so that explain relays the message as it
// stands instead of an empty field name.
func messagesAsCustom(err error) error {
	var e *gh.ErrorResponse
	if errors.As(err, &e) {
		for i, fe := range e.Errors {
			if fe.Code == "" && fe.Field == "" && fe.Message != "" {
				e.Errors[i].Code = "custom"
			}
		}
	}
	return err
}

// checkTitle checks a pull request title, required or not.
func checkTitle(title string, required bool) error {
	n := utf8.RuneCountInString(title)
	switch {
	case n == 0 && required:
		return &toolkit.ArgError{Arg: "title", Problem: "must not be empty"}
	case n > 256:
		return &toolkit.ArgError{Arg: "title", Problem: fmt.Sprintf("has %d characters; GitHub accepts at most 256", n)}
	}
	return nil
}

// pullRef is the reference to a pull request a write returns.
func pullRef(pr *gh.PullRequest) PullRequestRef {
	return PullRequestRef{Number: pr.GetNumber(), HTMLURL: pr.GetHTMLURL(), State: pr.GetState(), HeadSHA: pr.GetHead().GetSHA()}
}

// headName is a pull request's head branch, as owner:branch when it is in
// another repository than the base.
func headName(pr *gh.PullRequest) string {
	head, base := pr.GetHead(), pr.GetBase()
	if r := head.GetRepo().GetFullName(); r != "" && !strings.EqualFold(r, base.GetRepo().GetFullName()) {
		return head.GetLabel()
	}
	return head.GetRef()
}

// headFilter turns list_pull_requests' head into GitHub's owner:branch
// filter, prefixing a bare branch with the repository's owner.
func headFilter(owner, head string) (string, error) {
	if head == "" {
		return "", nil
	}
	if err := checkHead("head", head); err != nil {
		return "", err
	}
	if !strings.Contains(head, ":") {
		head = owner + ":" + head
	}
	return head, nil
}

// checkHead checks a head branch given as branch or owner:branch.
func checkHead(arg, head string) error {
	owner, branch, fork := strings.Cut(head, ":")
	if !fork {
		if err := toolkit.CheckName(arg, "ref", head); err != nil {
			return err
		}
		return nil
	}
	if err := toolkit.CheckName(arg, "owner", owner); err != nil {
		err.Problem = "the owner before ':' " + strings.TrimPrefix(err.Problem, "got ")
		err.Example = `"octocat:fix-typo"`
		return err
	}
	if err := toolkit.CheckName(arg, "ref", branch); err != nil {
		err.Example = `"octocat:fix-typo"`
		return err
	}
	return nil
}

// fileDiff finds path's section in a unified diff and returns the file (its
// status and line counts) and its patch: the hunks, as the files list gives
// them, so that offsets into one are offsets into the other.
func fileDiff(diff, path string) (PullRequestFile, string, bool) {
	for _, sec := range splitDiff(diff) {
		f := PullRequestFile{Status: "modified"}
		var oldPath, newPath string
		lines := strings.SplitAfter(sec, "\n")
		hunks := -1
		for i, l := range lines {
			if strings.HasPrefix(l, "@@") {
				hunks = i
				break
			}
			switch {
			case strings.HasPrefix(l, "--- a/"):
				oldPath = strings.TrimSpace(strings.TrimPrefix(l, "--- a/"))
			case strings.HasPrefix(l, "+++ b/"):
				newPath = strings.TrimSpace(strings.TrimPrefix(l, "+++ b/"))
			case strings.HasPrefix(l, "rename from "):
				oldPath = strings.TrimSpace(strings.TrimPrefix(l, "rename from "))
				f.Status = "renamed"
			case strings.HasPrefix(l, "rename to "):
				newPath = strings.TrimSpace(strings.TrimPrefix(l, "rename to "))
			case strings.HasPrefix(l, "new file mode"):
				f.Status = "added"
			case strings.HasPrefix(l, "deleted file mode"):
				f.Status = "removed"
			}
		}
		if newPath == "" && oldPath == "" {
			// No ---/+++ lines (binary or mode-only change): the
			// header names the file as "diff --git a/X b/X".
			header, _, _ := strings.Cut(sec, "\n")
			if i := strings.LastIndex(header, " b/"); i >= 0 {
				newPath = header[i+len(" b/"):]
			}
		}
		f.Path = newPath
		if f.Status == "removed" || f.Path == "" {
			f.Path = oldPath
		}
		if f.Status == "renamed" {
			f.PreviousPath = oldPath
		}
		if f.Path != path {
			continue
		}
		var patch string
		if hunks >= 0 {
			patch = strings.Join(lines[hunks:], "")
			for _, l := range lines[hunks:] {
				switch {
				case strings.HasPrefix(l, "+"):
					f.Additions++
				case strings.HasPrefix(l, "-"):
					f.Deletions++
				}
			}
		} else {
			// Nothing to show line by line: say what git says.
			patch = strings.Join(lines[1:], "")
		}
		return f, strings.TrimSuffix(patch, "\n"), true
	}
	return PullRequestFile{}, "", false
}

// splitDiff cuts a unified diff into one section per file.
func splitDiff(diff string) []string {
	var out []string
	for {
		i := strings.Index(diff, "\ndiff --git ")
		if i < 0 {
			if strings.HasPrefix(diff, "diff --git ") {
				out = append(out, diff)
			}
			return out
		}
		if strings.HasPrefix(diff, "diff --git ") {
			out = append(out, diff[:i+1])
		}
		diff = diff[i+1:]
	}
}

// capLines cuts text already redacted (Deps.RawText) like toolkit.CapText,
// but prefers to cut at the end of a line, so that a
// cut patch ends with whole lines when it can.
func capLines(s string, max int) (string, bool) {
	out, cut := toolkit.CapText(s, max)
	if cut {
		if i := strings.LastIndexByte(out, '\n'); i >= max/2 {
			out = out[:i+1]
		}
	}
	return out, cut
}
