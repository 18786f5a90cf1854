package fakegithub

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Pull-request endpoints of the catalog: review requests, updating a
// branch that is behind, line comments outside a review (multi-line ones
// too) and replies to them. Threads (a first comment and its replies) are
// resolved through GraphQL (graphql.go).

const (
	reviewRequestsDoc      = "https://docs.github.com/rest/pulls/review-requests"
	updateBranchDoc        = pullsDoc + "#update-a-pull-request-branch"
	reviewCommentsDoc      = "https://docs.github.com/rest/pulls/comments"
	createReviewCommentDoc = reviewCommentsDoc + "#create-a-review-comment-for-a-pull-request"
	replyToCommentDoc      = reviewCommentsDoc + "#create-a-reply-for-a-review-comment"
	notCollaboratorFmt     = "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the %s/%s repository."
)

// requestedJSON renders the users asked for a review. The caller holds s.mu.
func (s *Server) requestedJSON(p *pullState) []userJSON {
	out := []userJSON{}
	for _, login := range p.requested {
		out = append(out, s.simpleUser(login))
	}
	return out
}

// teamJSON is GitHub's "team" (simple form).
type teamJSON struct {
	ID              int    `json:"id"`
	NodeID          string `json:"node_id"`
	URL             string `json:"url"`
	HTMLURL         string `json:"html_url"`
	Name            string `json:"name"`
	Slug            string `json:"slug"`
	Description     any    `json:"description"`
	Privacy         string `json:"privacy"`
	NotificationSet string `json:"notification_setting"`
	Permission      string `json:"permission"`
	MembersURL      string `json:"members_url"`
	RepositoriesURL string `json:"repositories_url"`
}

// teamsJSON renders the teams asked for a review; ids are stable hashes of
// the slug.
func teamsJSON(repo *repoState, slugs []string) []teamJSON {
	out := []teamJSON{}
	for _, slug := range slugs {
		id := int(hashHex(repo.Owner + "/" + slug)[0])*1000 + len(slug)
		u := apiURL + "/orgs/" + repo.Owner + "/teams/" + slug
		out = append(out, teamJSON{ID: id, NodeID: nodeID("Team", id), URL: u, HTMLURL: webURL + "/orgs/" + repo.Owner + "/teams/" + slug,
			Name: slug, Slug: slug, Privacy: "closed", NotificationSet: "notifications_enabled", Permission: "pull",
			MembersURL: u + "/members{/member}", RepositoriesURL: u + "/repos"})
	}
	return out
}

type reviewersRequest struct {
	Reviewers     []string `json:"reviewers"`
	TeamReviewers []string `json:"team_reviewers"`
}

// requestReviewers serves POST /repos/{owner}/{repo}/pulls/{number}/requested_reviewers.
// https://docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request
// Adds to the requested reviewers; it never replaces them.
func (s *Server) requestReviewers(w http.ResponseWriter, r *http.Request) {
	const doc = reviewRequestsDoc + "#request-reviewers-for-a-pull-request"
	repo, pr, p, ok := s.lookupPull(w, r, doc)
	if !ok {
		return
	}
	var req reviewersRequest
	if !decodeJSONBody(w, r, doc, &req) {
		return
	}
	for _, login := range req.Reviewers {
		if strings.EqualFold(login, p.issue.author) {
			writeUnprocessable(w, doc, "Review cannot be requested from pull request author.")
			return
		}
		if s.users[strings.ToLower(login)] == "" {
			writeUnprocessable(w, doc, fmt.Sprintf(notCollaboratorFmt, repo.Owner, repo.Name))
			return
		}
	}
	for _, login := range req.Reviewers {
		login = s.users[strings.ToLower(login)]
		if !slices.ContainsFunc(p.requested, func(l string) bool { return strings.EqualFold(l, login) }) {
			p.requested = append(p.requested, login)
		}
	}
	for _, slug := range req.TeamReviewers {
		if !slices.Contains(p.requestedTeams, strings.ToLower(slug)) {
			p.requestedTeams = append(p.requestedTeams, strings.ToLower(slug))
		}
	}
	p.updated = s.now()
	writeJSON(w, http.StatusCreated, s.pullJSON(repo, pr, p, false))
}

// removeRequestedReviewers serves DELETE /repos/{owner}/{repo}/pulls/{number}/requested_reviewers.
// https://docs.github.com/rest/pulls/review-requests#remove-requested-reviewers-from-a-pull-request
func (s *Server) removeRequestedReviewers(w http.ResponseWriter, r *http.Request) {
	const doc = reviewRequestsDoc + "#remove-requested-reviewers-from-a-pull-request"
	repo, pr, p, ok := s.lookupPull(w, r, doc)
	if !ok {
		return
	}
	var req reviewersRequest
	if !decodeJSONBody(w, r, doc, &req) {
		return
	}
	p.requested = slices.DeleteFunc(p.requested, func(l string) bool {
		return slices.ContainsFunc(req.Reviewers, func(x string) bool { return strings.EqualFold(x, l) })
	})
	p.requestedTeams = slices.DeleteFunc(p.requestedTeams, func(t string) bool {
		return slices.ContainsFunc(req.TeamReviewers, func(x string) bool { return strings.EqualFold(x, t) })
	})
	p.updated = s.now()
	writeJSON(w, http.StatusOK, s.pullJSON(repo, pr, p, false))
}

// updateBranch serves PUT /repos/{owner}/{repo}/pulls/{number}/update-branch:
// it merges the base's head into the head branch.
// https://docs.github.com/rest/pulls/pulls#update-a-pull-request-branch
func (s *Server) updateBranch(w http.ResponseWriter, r *http.Request) {
	repo, pr, p, ok := s.lookupPull(w, r, updateBranchDoc)
	if !ok {
		return
	}
	var req struct {
		ExpectedHeadSHA string `json:"expected_head_sha"`
	}
	if r.ContentLength != 0 && !decodeJSONBody(w, r, updateBranchDoc, &req) {
		return
	}
	b, base := pr.branches[p.head], pr.branches[p.base]
	merged := b.baseMerged
	if merged == "" {
		merged = b.commits[0]
	}
	switch {
	case p.issue.State != "open":
		writeUnprocessable(w, updateBranchDoc, "Pull request is not open")
		return
	case req.ExpectedHeadSHA != "" && req.ExpectedHeadSHA != b.head():
		writeUnprocessable(w, updateBranchDoc, "expected head sha didn't match current head ref.")
		return
	case base == nil || base.head() == merged:
		writeUnprocessable(w, updateBranchDoc, "There are no new commits on the base branch.")
		return
	}
	b.baseMerged = base.head()
	b.commits = append(b.commits, commitSHA(repoKey(repo.Owner, repo.Name), p.head, b.head(), "Merge branch '"+p.base+"' into "+p.head))
	p.updated = s.now()
	writeJSON(w, http.StatusAccepted, map[string]string{
		"message": "Updating pull request branch.",
		"url":     fmt.Sprintf("%s/%s/%s/pull/%d", webURL, repo.Owner, repo.Name, p.issue.Number),
	})
}

// IsBehind reports whether pull request n's head branch lacks commits of
// its base (update-branch would merge them in).
func (s *Server) IsBehind(owner, repo string, n int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	pr := s.pullRepo(s.mustRepo("IsBehind", owner, repo))
	p := pr.pulls[n]
	b := pr.branches[p.head]
	merged := b.baseMerged
	if merged == "" {
		merged = b.commits[0]
	}
	return pr.branches[p.base].head() != merged
}

type createCommentRequest struct {
	Body      string `json:"body"`
	CommitID  string `json:"commit_id"`
	Path      string `json:"path"`
	Line      int    `json:"line"`
	Side      string `json:"side"`
	StartLine int    `json:"start_line"`
	StartSide string `json:"start_side"`
	InReplyTo int    `json:"in_reply_to"`
}

// createReviewComment serves POST /repos/{owner}/{repo}/pulls/{number}/comments:
// a line comment (start_line..line for several lines), or with
// in_reply_to a reply.
// https://docs.github.com/rest/pulls/comments#create-a-review-comment-for-a-pull-request
func (s *Server) createReviewComment(w http.ResponseWriter, r *http.Request) {
	repo, pr, p, ok := s.lookupPull(w, r, createReviewCommentDoc)
	if !ok {
		return
	}
	var req createCommentRequest
	if !decodeJSONBody(w, r, createReviewCommentDoc, &req) {
		return
	}
	if req.InReplyTo != 0 {
		s.reply(w, repo, p, req.InReplyTo, req.Body, createReviewCommentDoc)
		return
	}
	if req.Side == "" {
		req.Side = "RIGHT"
	}
	if req.StartSide == "" {
		req.StartSide = req.Side
	}
	branch := pr.branches[p.head]
	i := slices.IndexFunc(branch.files, func(f FileChange) bool { return f.Path == req.Path })
	switch {
	case strings.TrimSpace(req.Body) == "":
		writeValidationFailed(w, createReviewCommentDoc, pullError{Resource: "PullRequestReviewComment", Field: "body", Code: "missing_field"})
		return
	case req.CommitID == "" || req.Path == "" || req.Line == 0:
		writeValidationFailed(w, createReviewCommentDoc, pullError{Resource: "PullRequestReviewComment", Code: "missing_field", Message: "commit_id, path and line are required"})
		return
	case req.CommitID != branch.head() && !slices.Contains(branch.commits[1:], req.CommitID):
		writeUnprocessable(w, createReviewCommentDoc, "commit_id is not part of the pull request")
		return
	case i < 0:
		writeUnprocessable(w, createReviewCommentDoc, "Path could not be resolved")
		return
	case req.Line < 1 || req.Line > sideLines(branch.files[i], req.Side):
		writeUnprocessable(w, createReviewCommentDoc, "Pull request review thread line must be part of the diff")
		return
	case req.StartLine != 0 && (req.StartLine < 1 || req.StartLine > sideLines(branch.files[i], req.StartSide)):
		writeUnprocessable(w, createReviewCommentDoc, "Pull request review thread start line must be part of the diff")
		return
	case req.StartLine != 0 && req.StartSide == req.Side && req.StartLine >= req.Line:
		writeUnprocessable(w, createReviewCommentDoc, "Pull request review thread start line must precede the end line.")
		return
	}
	now := s.now()
	s.nextID++
	c := &reviewCommentState{
		id: s.nextID, author: s.viewer, path: req.Path, side: req.Side, line: req.Line, body: req.Body,
		commit: req.CommitID, hunk: hunkUpTo(branch.files[i], req.Side, req.Line), created: now,
		startLine: req.StartLine, startSide: req.StartSide,
	}
	if req.StartLine == 0 {
		c.startSide = ""
	}
	p.comments = append(p.comments, c)
	p.updated = now
	writeJSON(w, http.StatusCreated, s.reviewCommentJSON(repo, p, c))
}

// replyToReviewComment serves POST /repos/{owner}/{repo}/pulls/{number}/comments/{comment_id}/replies.
// https://docs.github.com/rest/pulls/comments#create-a-reply-for-a-review-comment
func (s *Server) replyToReviewComment(w http.ResponseWriter, r *http.Request) {
	repo, _, p, ok := s.lookupPull(w, r, replyToCommentDoc)
	if !ok {
		return
	}
	id, err := strconv.Atoi(r.PathValue("comment_id"))
	if err != nil {
		writeError(w, http.StatusNotFound, "Not Found", replyToCommentDoc)
		return
	}
	var req struct {
		Body string `json:"body"`
	}
	if !decodeJSONBody(w, r, replyToCommentDoc, &req) {
		return
	}
	s.reply(w, repo, p, id, req.Body, replyToCommentDoc)
}

// reply adds a reply to the thread of comment id of p. A reply to a reply
// joins the same thread, as on GitHub.
func (s *Server) reply(w http.ResponseWriter, repo *repoState, p *pullState, id int, body, doc string) {
	i := slices.IndexFunc(p.comments, func(c *reviewCommentState) bool { return c.id == id })
	if i < 0 {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	if strings.TrimSpace(body) == "" {
		writeValidationFailed(w, doc, pullError{Resource: "PullRequestReviewComment", Field: "body", Code: "missing_field"})
		return
	}
	to := p.comments[i]
	root := to.id
	if to.inReplyTo != 0 {
		root = to.inReplyTo
	}
	now := s.now()
	s.nextID++
	c := &reviewCommentState{id: s.nextID, author: s.viewer, path: to.path, side: to.side, line: to.line, body: body,
		commit: to.commit, hunk: to.hunk, created: now, startLine: to.startLine, startSide: to.startSide, inReplyTo: root}
	p.comments = append(p.comments, c)
	p.updated = now
	writeJSON(w, http.StatusCreated, s.reviewCommentJSON(repo, p, c))
}
