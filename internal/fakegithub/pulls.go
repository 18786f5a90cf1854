package fakegithub

import (
	"cmp"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Pull requests, and the little of git they need.
//
// A pull request is an issue too, as on GitHub: it takes the next issue
// number, and its title, body and open/closed state live in that issue.
//
// A branch is a line of commits. A branch other than the default one
// leaves the default branch's head on its first push (Push), and the files
// of a pull request are the changes its head branch made since: each
// commit is a list of changed files with line counts, from which the fake
// writes patches. Merging adds a commit to the base branch.

// Where the pull-request errors point.
const (
	pullsDoc        = "https://docs.github.com/rest/pulls/pulls"
	createPullDoc   = pullsDoc + "#create-a-pull-request"
	updatePullDoc   = pullsDoc + "#update-a-pull-request"
	mergePullDoc    = pullsDoc + "#merge-a-pull-request"
	getPullDoc      = pullsDoc + "#get-a-pull-request"
	createReviewDoc = "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request"
)

// FileChange is one file a pushed commit changes.
type FileChange struct {
	Path      string
	Status    string // "added", "modified" (when empty) or "removed"
	Additions int
	Deletions int
}

// Pull is a pull request as Pulls reports it.
type Pull struct {
	Number     int
	Title      string
	State      string // "open", "closed" or "merged"
	Draft      bool
	Head, Base string // branch names
	HeadSHA    string
	Reviews    []string // "LOGIN STATE", oldest first
}

// pullRepo is what a repository holds for pull requests.
type pullRepo struct {
	branches map[string]*branchState
	pulls    map[int]*pullState // by number
	// CI by commit SHA (checks.go).
	checkRuns map[string][]*checkRunState
	statuses  map[string][]*statusState
}

// branchState is a branch: its commits, oldest first (the first is where
// it left the default branch), and the files it changed since.
type branchState struct {
	commits []string
	files   []FileChange
	// baseMerged is the base head last merged in by update-branch; empty
	// while the branch holds only the base as it left it.
	baseMerged string
}

func (b *branchState) head() string { return b.commits[len(b.commits)-1] }

// pullState is a pull request; its title, body and state are in issue.
type pullState struct {
	issue               *issueState
	id                  int
	head, base          string
	draft               bool
	maintainerCanModify bool
	updated             time.Time
	closed              time.Time
	merged              time.Time
	mergedBy            string
	mergeCommit         string
	finalHead           string // the head when it was closed or merged
	reviews             []*reviewState
	comments            []*reviewCommentState
	requested           []string // logins asked for a review (pull_reviews.go)
	requestedTeams      []string // team slugs asked for a review
}

// reviewState is a submitted (or pending) review.
type reviewState struct {
	id        int
	author    string
	state     string // APPROVED, CHANGES_REQUESTED, COMMENTED or PENDING
	body      string
	commit    string
	submitted time.Time
}

// reviewCommentState is a line comment of a review.
type reviewCommentState struct {
	id, reviewID int
	author       string
	path, side   string
	line         int
	body         string
	commit       string
	hunk         string
	created      time.Time
	// Multi-line comments and threads (pull_reviews.go, graphql.go).
	startLine  int    // 0: a single-line comment
	startSide  string // side of startLine
	inReplyTo  int    // the thread's first comment; 0 for a first comment
	resolvedBy string // on a thread's first comment: who resolved it
}

// pullError is one entry of a 422's "errors" list, with the message GitHub
// adds to custom errors.
type pullError struct {
	Resource string `json:"resource"`
	Field    string `json:"field,omitempty"`
	Code     string `json:"code"`
	Message  string `json:"message,omitempty"`
}

// writeValidationFailed writes GitHub's 422 "Validation Failed".
func writeValidationFailed(w http.ResponseWriter, doc string, errs ...pullError) {
	writeJSON(w, http.StatusUnprocessableEntity, struct {
		Message          string      `json:"message"`
		Errors           []pullError `json:"errors"`
		DocumentationURL string      `json:"documentation_url"`
		Status           string      `json:"status"`
	}{"Validation Failed", errs, doc, "422"})
}

// writeUnprocessable writes the other 422 GitHub uses for pull requests:
// "Unprocessable Entity" with its reasons as bare strings.
func writeUnprocessable(w http.ResponseWriter, doc string, reasons ...string) {
	writeJSON(w, http.StatusUnprocessableEntity, struct {
		Message          string   `json:"message"`
		Errors           []string `json:"errors"`
		DocumentationURL string   `json:"documentation_url"`
		Status           string   `json:"status"`
	}{"Unprocessable Entity", reasons, doc, "422"})
}

// pullRepo returns a repository's branches and pull requests, creating them
// (with the default branch at its first commit) on first use. The caller
// holds s.mu.
func (s *Server) pullRepo(repo *repoState) *pullRepo {
	key := repoKey(repo.Owner, repo.Name)
	if s.pulls == nil {
		s.pulls = map[string]*pullRepo{}
	}
	pr := s.pulls[key]
	if pr == nil {
		pr = &pullRepo{branches: map[string]*branchState{}, pulls: map[int]*pullState{}}
		pr.branches[defaultBranch(repo)] = &branchState{commits: []string{commitSHA(key, "initial commit")}}
		s.pulls[key] = pr
	}
	return pr
}

// commitSHA makes a commit's SHA from what identifies it, so that a
// transcript sees the same SHAs on every run.
func commitSHA(parts ...string) string {
	sum := sha1.Sum([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:])
}

// Push adds a commit changing files to branch of owner/repo, creating the
// branch from the default branch's head if it does not exist, and returns
// the commit's SHA. It panics if the repository was not added first.
func (s *Server) Push(owner, repo, branch string, files ...FileChange) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.repos[repoKey(owner, repo)]
	if st == nil {
		panic(fmt.Sprintf("fakegithub: Push: no repository %s/%s; call AddRepo first", owner, repo))
	}
	pr := s.pullRepo(st)
	b := pr.branches[branch]
	if b == nil {
		b = &branchState{commits: []string{pr.branches[defaultBranch(st)].head()}}
		pr.branches[branch] = b
	}
	sha := commitSHA(repoKey(owner, repo), branch, b.head(), fmt.Sprint(files))
	b.commits = append(b.commits, sha)
	for _, f := range files {
		b.files = addChange(b.files, f)
	}
	for _, p := range pr.pulls {
		if p.head == branch && p.issue.State == "open" {
			p.updated = s.now()
		}
	}
	return sha
}

// addChange adds one commit's change of a file to a branch's changes.
func addChange(changes []FileChange, f FileChange) []FileChange {
	if f.Status == "" {
		f.Status = "modified"
	}
	for i, c := range changes {
		if c.Path != f.Path {
			continue
		}
		c.Additions += f.Additions
		c.Deletions += f.Deletions
		if f.Status == "removed" {
			c.Status = "removed"
		}
		changes[i] = c
		return changes
	}
	return append(changes, f)
}

// Pulls returns a snapshot of the pull requests of owner/repo in number
// order, or nil if there is no such repository.
func (s *Server) Pulls(owner, repo string) []Pull {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.repos[repoKey(owner, repo)]
	if st == nil {
		return nil
	}
	pr := s.pullRepo(st)
	out := []Pull{}
	for _, n := range pr.numbers() {
		p := pr.pulls[n]
		state := p.issue.State
		if !p.merged.IsZero() {
			state = "merged"
		}
		pull := Pull{Number: n, Title: p.issue.Title, State: state, Draft: p.draft, Head: p.head, Base: p.base, HeadSHA: pr.headSHA(p)}
		for _, r := range p.reviews {
			pull.Reviews = append(pull.Reviews, r.author+" "+r.state)
		}
		out = append(out, pull)
	}
	return out
}

// numbers lists the pull request numbers in order.
func (pr *pullRepo) numbers() []int {
	return slices.Sorted(maps.Keys(pr.pulls))
}

// headSHA is a pull request's head: the branch's while it is open, the
// last one it had once closed.
func (pr *pullRepo) headSHA(p *pullState) string {
	if p.finalHead != "" {
		return p.finalHead
	}
	return pr.branches[p.head].head()
}

// lookupPull finds the repository and pull request named in a request's
// path, or writes GitHub's 404. The caller holds s.mu.
func (s *Server) lookupPull(w http.ResponseWriter, r *http.Request, doc string) (*repoState, *pullRepo, *pullState, bool) {
	repo := s.lookupRepo(r)
	n, err := strconv.Atoi(r.PathValue("number"))
	if repo == nil || err != nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return nil, nil, nil, false
	}
	pr := s.pullRepo(repo)
	p := pr.pulls[n]
	if p == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return nil, nil, nil, false
	}
	return repo, pr, p, true
}

// PullRequest describes a pull request added with AddPull.
type PullRequest struct {
	Title, Body string
	Author      string // default: the viewer
	Labels      []string
	Head, Base  string // Head must have been pushed (Push); Base defaults to the default branch
	Draft       bool
	Created     time.Time // default: now
	MergedAt    time.Time // if set, merged then (by the viewer)
	ClosedAt    time.Time // if set and MergedAt is not, closed unmerged then
}

// AddPull opens a pull request in owner/repo, merged or closed if p says
// so, and returns its number. It panics if the repository or a branch is
// missing, or the head branch has no commits of its own.
func (s *Server) AddPull(owner, repo string, p PullRequest) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.mustRepo("AddPull", owner, repo)
	pr := s.pullRepo(st)
	if p.Base == "" {
		p.Base = defaultBranch(st)
	}
	if b := pr.branches[p.Head]; b == nil || len(b.commits) < 2 {
		panic(fmt.Sprintf("fakegithub: AddPull: branch %q of %s/%s has no commits of its own; Push to it first", p.Head, owner, repo))
	}
	if pr.branches[p.Base] == nil {
		panic(fmt.Sprintf("fakegithub: AddPull: no branch %q in %s/%s", p.Base, owner, repo))
	}
	is := s.openIssue(st, p.Author, p.Created, Issue{Title: p.Title, Body: p.Body, Labels: p.Labels})
	pull := s.openPull(pr, is, p.Head, p.Base, p.Draft)
	switch {
	case !p.MergedAt.IsZero():
		s.merge(st, pr, pull, "merge", p.MergedAt)
	case !p.ClosedAt.IsZero():
		pr.close(pull, p.ClosedAt)
	}
	return is.Number
}

// openPull makes the issue is a pull request from head into base. The
// caller holds s.mu.
func (s *Server) openPull(pr *pullRepo, is *issueState, head, base string, draft bool) *pullState {
	s.nextID++
	p := &pullState{issue: is, id: s.nextID, head: head, base: base, draft: draft, maintainerCanModify: true, updated: is.created}
	pr.pulls[is.Number] = p
	return p
}

// createPullRequest is the body of POST /repos/{owner}/{repo}/pulls.
type createPullRequest struct {
	Title               *string `json:"title"`
	Head                *string `json:"head"`
	Base                *string `json:"base"`
	Body                *string `json:"body"`
	Draft               bool    `json:"draft"`
	MaintainerCanModify *bool   `json:"maintainer_can_modify"`
}

// createPull serves POST /repos/{owner}/{repo}/pulls.
// https://docs.github.com/rest/pulls/pulls#create-a-pull-request
func (s *Server) createPull(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", createPullDoc)
		return
	}
	if repo.Archived {
		writeError(w, http.StatusForbidden, "Repository was archived so is read-only.", createPullDoc)
		return
	}
	var req createPullRequest
	if !decodeJSONBody(w, r, createPullDoc, &req) {
		return
	}
	var missing []pullError
	for _, f := range []struct {
		name  string
		value *string
	}{{"title", req.Title}, {"head", req.Head}, {"base", req.Base}} {
		if f.value == nil || strings.TrimSpace(*f.value) == "" {
			missing = append(missing, pullError{Resource: "PullRequest", Field: f.name, Code: "missing_field"})
		}
	}
	if len(missing) > 0 {
		writeValidationFailed(w, createPullDoc, missing...)
		return
	}
	pr := s.pullRepo(repo)
	head, base := *req.Head, *req.Base
	if owner, branch, ok := strings.Cut(head, ":"); ok {
		if !strings.EqualFold(owner, repo.Owner) {
			// Forks are not modelled: another owner has no branches here.
			writeValidationFailed(w, createPullDoc, pullError{Resource: "PullRequest", Field: "head", Code: "invalid"})
			return
		}
		head = branch
	}
	switch {
	case pr.branches[head] == nil:
		writeValidationFailed(w, createPullDoc, pullError{Resource: "PullRequest", Field: "head", Code: "invalid"})
		return
	case pr.branches[base] == nil:
		writeValidationFailed(w, createPullDoc, pullError{Resource: "PullRequest", Field: "base", Code: "invalid"})
		return
	case head == base || len(pr.branches[head].commits) < 2:
		writeValidationFailed(w, createPullDoc, pullError{Resource: "PullRequest", Code: "custom", Message: fmt.Sprintf("No commits between %s and %s", base, head)})
		return
	}
	for _, p := range pr.pulls {
		if p.head == head && p.base == base && p.issue.State == "open" {
			writeValidationFailed(w, createPullDoc, pullError{Resource: "PullRequest", Code: "custom", Message: fmt.Sprintf("A pull request already exists for %s:%s.", repo.Owner, head)})
			return
		}
	}

	issue := Issue{Title: *req.Title}
	if req.Body != nil {
		issue.Body = *req.Body
	}
	p := s.openPull(pr, s.openIssue(repo, "", time.Time{}, issue), head, base, req.Draft)
	p.maintainerCanModify = req.MaintainerCanModify == nil || *req.MaintainerCanModify
	j := s.pullJSON(repo, pr, p, true)
	w.Header().Set("Location", j.URL)
	writeJSON(w, http.StatusCreated, j)
}

// listPulls serves GET /repos/{owner}/{repo}/pulls.
// https://docs.github.com/rest/pulls/pulls#list-pull-requests
func (s *Server) listPulls(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", pullsDoc+"#list-pull-requests")
		return
	}
	pr := s.pullRepo(repo)
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	if state != "open" && state != "closed" && state != "all" {
		writeValidationFailed(w, pullsDoc+"#list-pull-requests", pullError{Resource: "Search", Field: "state", Code: "invalid"})
		return
	}
	var list []*pullState
	for _, n := range pr.numbers() {
		p := pr.pulls[n]
		if state != "all" && p.issue.State != state {
			continue
		}
		if h := q.Get("head"); h != "" {
			owner, branch, _ := strings.Cut(h, ":")
			if !strings.EqualFold(owner, repo.Owner) || (branch != "" && branch != p.head) {
				continue
			}
		}
		if b := q.Get("base"); b != "" && b != p.base {
			continue
		}
		list = append(list, p)
	}
	sortBy := q.Get("sort")
	// GitHub's default direction is desc for created, asc for the others.
	desc := q.Get("direction") == "desc" || (q.Get("direction") == "" && (sortBy == "" || sortBy == "created"))
	slices.SortStableFunc(list, func(a, b *pullState) int {
		c := 0
		switch sortBy {
		case "updated":
			c = a.updated.Compare(b.updated)
		case "popularity":
			c = cmp.Compare(len(a.comments), len(b.comments))
		case "long-running":
			c = a.issue.created.Compare(b.issue.created)
		}
		if c == 0 {
			c = cmp.Compare(a.issue.Number, b.issue.Number)
		}
		if desc {
			return -c
		}
		return c
	})
	page, ok := fakePage(w, r, len(list))
	if !ok {
		return
	}
	lo, hi := page.start, page.end
	out := make([]pullJSON, 0, hi-lo)
	for _, p := range list[lo:hi] {
		out = append(out, s.pullJSON(repo, pr, p, false))
	}
	writeJSON(w, http.StatusOK, out)
}

// getPull serves GET /repos/{owner}/{repo}/pulls/{number}, as JSON or, for
// the diff media type, as a unified diff.
// https://docs.github.com/rest/pulls/pulls#get-a-pull-request
func (s *Server) getPull(w http.ResponseWriter, r *http.Request) {
	repo, pr, p, ok := s.lookupPull(w, r, getPullDoc)
	if !ok {
		return
	}
	if strings.Contains(r.Header.Get("Accept"), "diff") {
		w.Header().Set("Content-Type", "application/vnd.github.diff; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, pullDiff(pr.branches[p.head].files))
		return
	}
	writeJSON(w, http.StatusOK, s.pullJSON(repo, pr, p, true))
}

// updatePullRequest is the body of PATCH /repos/{owner}/{repo}/pulls/{number}.
type updatePullRequest struct {
	Title               *string `json:"title"`
	Body                *string `json:"body"`
	State               *string `json:"state"`
	Base                *string `json:"base"`
	MaintainerCanModify *bool   `json:"maintainer_can_modify"`
}

// updatePull serves PATCH /repos/{owner}/{repo}/pulls/{number}.
// https://docs.github.com/rest/pulls/pulls#update-a-pull-request
func (s *Server) updatePull(w http.ResponseWriter, r *http.Request) {
	repo, pr, p, ok := s.lookupPull(w, r, updatePullDoc)
	if !ok {
		return
	}
	if repo.Archived {
		writeError(w, http.StatusForbidden, "Repository was archived so is read-only.", updatePullDoc)
		return
	}
	var req updatePullRequest
	if !decodeJSONBody(w, r, updatePullDoc, &req) {
		return
	}
	switch {
	case req.Title != nil && strings.TrimSpace(*req.Title) == "":
		writeValidationFailed(w, updatePullDoc, pullError{Resource: "PullRequest", Field: "title", Code: "missing_field"})
		return
	case req.State != nil && *req.State != "open" && *req.State != "closed":
		writeValidationFailed(w, updatePullDoc, pullError{Resource: "PullRequest", Field: "state", Code: "invalid"})
		return
	case req.State != nil && *req.State == "open" && !p.merged.IsZero():
		writeValidationFailed(w, updatePullDoc, pullError{Resource: "PullRequest", Field: "state", Code: "custom", Message: "state cannot be changed. The pull request has been merged."})
		return
	case req.Base != nil && p.issue.State == "closed":
		writeValidationFailed(w, updatePullDoc, pullError{Resource: "PullRequest", Field: "base", Code: "custom", Message: "Cannot change the base branch of a closed pull request."})
		return
	case req.Base != nil && pr.branches[*req.Base] == nil:
		writeValidationFailed(w, updatePullDoc, pullError{Resource: "PullRequest", Field: "base", Code: "invalid"})
		return
	}
	now := s.now()
	if req.Title != nil {
		p.issue.Title = *req.Title
	}
	if req.Body != nil {
		p.issue.Body = *req.Body
	}
	if req.Base != nil {
		p.base = *req.Base
	}
	if req.MaintainerCanModify != nil {
		p.maintainerCanModify = *req.MaintainerCanModify
	}
	if req.State != nil && *req.State != p.issue.State {
		if *req.State == "closed" {
			pr.close(p, now)
		} else {
			p.finalHead, p.closed = "", time.Time{}
			p.issue.State = "open"
		}
	}
	p.updated = now
	writeJSON(w, http.StatusOK, s.pullJSON(repo, pr, p, true))
}

// mergePullRequest is the body of PUT /repos/{owner}/{repo}/pulls/{number}/merge.
type mergePullRequest struct {
	CommitTitle   string `json:"commit_title"`
	CommitMessage string `json:"commit_message"`
	SHA           string `json:"sha"`
	MergeMethod   string `json:"merge_method"`
}

// mergePull serves PUT /repos/{owner}/{repo}/pulls/{number}/merge.
// https://docs.github.com/rest/pulls/pulls#merge-a-pull-request
func (s *Server) mergePull(w http.ResponseWriter, r *http.Request) {
	repo, pr, p, ok := s.lookupPull(w, r, mergePullDoc)
	if !ok {
		return
	}
	if repo.Archived {
		writeError(w, http.StatusForbidden, "Repository was archived so is read-only.", mergePullDoc)
		return
	}
	var req mergePullRequest
	if !decodeJSONBody(w, r, mergePullDoc, &req) {
		return
	}
	switch {
	case req.MergeMethod != "" && req.MergeMethod != "merge" && req.MergeMethod != "squash" && req.MergeMethod != "rebase":
		writeValidationFailed(w, mergePullDoc, pullError{Resource: "PullRequest", Field: "merge_method", Code: "invalid"})
		return
	case p.issue.State != "open":
		writeError(w, http.StatusMethodNotAllowed, "Pull Request is not mergeable", mergePullDoc)
		return
	case p.draft:
		writeError(w, http.StatusMethodNotAllowed, "Pull Request is still a draft", mergePullDoc)
		return
	case req.SHA != "" && req.SHA != pr.headSHA(p):
		writeError(w, http.StatusConflict, "Head branch was modified. Review and try the merge again.", mergePullDoc)
		return
	}
	sha := s.merge(repo, pr, p, req.MergeMethod, s.now())
	writeJSON(w, http.StatusOK, struct {
		SHA     string `json:"sha"`
		Merged  bool   `json:"merged"`
		Message string `json:"message"`
	}{sha, true, "Pull Request successfully merged"})
}

// merge merges an open pull request at at by the viewer, adding a commit to
// its base branch, and returns that commit's SHA. The caller holds s.mu.
func (s *Server) merge(repo *repoState, pr *pullRepo, p *pullState, method string, at time.Time) string {
	head := pr.headSHA(p)
	base := pr.branches[p.base]
	sha := commitSHA(repoKey(repo.Owner, repo.Name), p.base, base.head(), head, method)
	base.commits = append(base.commits, sha)
	p.finalHead, p.mergeCommit = head, sha
	p.merged, p.closed, p.updated = at, at, at
	p.mergedBy = s.viewer
	p.issue.State = "closed"
	return sha
}

// close closes an open pull request without merging it, at at.
func (pr *pullRepo) close(p *pullState, at time.Time) {
	p.finalHead = pr.headSHA(p)
	p.closed, p.updated = at, at
	p.issue.State = "closed"
}

// listPullFiles serves GET /repos/{owner}/{repo}/pulls/{number}/files.
// https://docs.github.com/rest/pulls/pulls#list-pull-requests-files
func (s *Server) listPullFiles(w http.ResponseWriter, r *http.Request) {
	repo, pr, p, ok := s.lookupPull(w, r, pullsDoc+"#list-pull-requests-files")
	if !ok {
		return
	}
	files := pr.branches[p.head].files
	head := pr.headSHA(p)
	page, ok := fakePage(w, r, len(files))
	if !ok {
		return
	}
	lo, hi := page.start, page.end
	out := make([]pullFileJSON, 0, hi-lo)
	for _, f := range files[lo:hi] {
		out = append(out, pullFile(repo, head, f))
	}
	writeJSON(w, http.StatusOK, out)
}

// createReviewRequest is the body of POST .../pulls/{number}/reviews.
type createReviewRequest struct {
	CommitID string `json:"commit_id"`
	Body     string `json:"body"`
	Event    string `json:"event"`
	Comments []struct {
		Path      string `json:"path"`
		Line      int    `json:"line"`
		Side      string `json:"side"`
		StartLine int    `json:"start_line"`
		StartSide string `json:"start_side"`
		Body      string `json:"body"`
	} `json:"comments"`
}

// reviewStates maps a review event to the state of the review it makes.
var reviewStates = map[string]string{"": "PENDING", "APPROVE": "APPROVED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "COMMENT": "COMMENTED"}

// createReview serves POST /repos/{owner}/{repo}/pulls/{number}/reviews.
// https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request
func (s *Server) createReview(w http.ResponseWriter, r *http.Request) {
	repo, pr, p, ok := s.lookupPull(w, r, createReviewDoc)
	if !ok {
		return
	}
	if repo.Archived {
		writeError(w, http.StatusForbidden, "Repository was archived so is read-only.", createReviewDoc)
		return
	}
	var req createReviewRequest
	if !decodeJSONBody(w, r, createReviewDoc, &req) {
		return
	}
	state, known := reviewStates[req.Event]
	own := strings.EqualFold(p.issue.author, s.viewer)
	branch := pr.branches[p.head]
	switch {
	case !known:
		writeUnprocessable(w, createReviewDoc, "Event must be one of APPROVE, REQUEST_CHANGES, COMMENT")
		return
	case own && req.Event == "APPROVE":
		writeUnprocessable(w, createReviewDoc, "Can not approve your own pull request")
		return
	case own && req.Event == "REQUEST_CHANGES":
		writeUnprocessable(w, createReviewDoc, "Can not request changes on your own pull request")
		return
	case strings.TrimSpace(req.Body) == "" && (req.Event == "REQUEST_CHANGES" || (req.Event == "COMMENT" && len(req.Comments) == 0)):
		writeUnprocessable(w, createReviewDoc, "Body is required when using REQUEST_CHANGES or COMMENT event")
		return
	case req.CommitID != "" && !slices.Contains(branch.commits[1:], req.CommitID):
		writeUnprocessable(w, createReviewDoc, "commit_id is not part of the pull request")
		return
	}
	commit := req.CommitID
	if commit == "" {
		commit = pr.headSHA(p)
	}
	now := s.now()
	s.nextID++
	rev := &reviewState{id: s.nextID, author: s.viewer, state: state, body: req.Body, commit: commit}
	if state != "PENDING" {
		rev.submitted = now
	}
	var comments []*reviewCommentState
	for _, c := range req.Comments {
		side := c.Side
		if side == "" {
			side = "RIGHT"
		}
		i := slices.IndexFunc(branch.files, func(f FileChange) bool { return f.Path == c.Path })
		if i < 0 {
			writeUnprocessable(w, createReviewDoc, "Path could not be resolved")
			return
		}
		f := branch.files[i]
		if c.Line < 1 || c.Line > sideLines(f, side) {
			writeUnprocessable(w, createReviewDoc, "Pull request review thread line must be part of the diff")
			return
		}
		startSide := c.StartSide
		if startSide == "" {
			startSide = side
		}
		if c.StartLine != 0 && (c.StartLine < 1 || c.StartLine > sideLines(f, startSide) || (startSide == side && c.StartLine >= c.Line)) {
			writeUnprocessable(w, createReviewDoc, "Pull request review thread start line must precede the end line and be part of the diff")
			return
		}
		if c.StartLine == 0 {
			startSide = ""
		}
		s.nextID++
		comments = append(comments, &reviewCommentState{
			id: s.nextID, reviewID: rev.id, author: s.viewer, path: c.Path, side: side, line: c.Line,
			body: c.Body, commit: commit, hunk: hunkUpTo(f, side, c.Line), created: now,
			startLine: c.StartLine, startSide: startSide,
		})
	}
	p.reviews = append(p.reviews, rev)
	p.comments = append(p.comments, comments...)
	p.updated = now
	writeJSON(w, http.StatusOK, s.reviewJSON(repo, p, rev))
}

// listReviews serves GET /repos/{owner}/{repo}/pulls/{number}/reviews.
// https://docs.github.com/rest/pulls/reviews#list-reviews-for-a-pull-request
func (s *Server) listReviews(w http.ResponseWriter, r *http.Request) {
	repo, _, p, ok := s.lookupPull(w, r, "https://docs.github.com/rest/pulls/reviews#list-reviews-for-a-pull-request")
	if !ok {
		return
	}
	page, ok := fakePage(w, r, len(p.reviews))
	if !ok {
		return
	}
	lo, hi := page.start, page.end
	out := make([]reviewJSON, 0, hi-lo)
	for _, rev := range p.reviews[lo:hi] {
		out = append(out, s.reviewJSON(repo, p, rev))
	}
	writeJSON(w, http.StatusOK, out)
}

// listReviewComments serves GET /repos/{owner}/{repo}/pulls/{number}/comments.
// https://docs.github.com/rest/pulls/comments#list-review-comments-on-a-pull-request
func (s *Server) listReviewComments(w http.ResponseWriter, r *http.Request) {
	repo, _, p, ok := s.lookupPull(w, r, "https://docs.github.com/rest/pulls/comments#list-review-comments-on-a-pull-request")
	if !ok {
		return
	}
	page, ok := fakePage(w, r, len(p.comments))
	if !ok {
		return
	}
	lo, hi := page.start, page.end
	out := make([]reviewCommentJSON, 0, hi-lo)
	for _, c := range p.comments[lo:hi] {
		out = append(out, s.reviewCommentJSON(repo, p, c))
	}
	writeJSON(w, http.StatusOK, out)
}

// Patches. The fake writes each changed file's patch from its line counts:
// an added file's lines, a removed file's lines, or for a modified file one
// line of context followed by the deleted and the added lines.

// patchOf writes a file's patch as GitHub's files list gives it (no final
// newline); a change of no lines has none.
func patchOf(f FileChange) string {
	a, d := f.Additions, f.Deletions
	if a == 0 && d == 0 {
		return ""
	}
	var b strings.Builder
	switch f.Status {
	case "added":
		fmt.Fprintf(&b, "@@ -0,0 +1,%d @@", a)
	case "removed":
		fmt.Fprintf(&b, "@@ -1,%d +0,0 @@", d)
	default:
		fmt.Fprintf(&b, "@@ -1,%d +1,%d @@\n %s: line 1", d+1, a+1, f.Path)
	}
	first := 1
	if f.Status != "added" && f.Status != "removed" {
		first = 2
	}
	for i := range d {
		fmt.Fprintf(&b, "\n-%s: old line %d", f.Path, first+i)
	}
	for i := range a {
		fmt.Fprintf(&b, "\n+%s: new line %d", f.Path, first+i)
	}
	return b.String()
}

// sideLines is the number of lines of a file's patch a review comment can
// be on: the new version's (RIGHT) or the old's (LEFT).
func sideLines(f FileChange, side string) int {
	n, other := f.Additions, f.Deletions
	if side == "LEFT" {
		n, other = other, n
	}
	switch {
	case n == 0 && other == 0:
		return 0
	case f.Status == "modified":
		return n + 1
	case (f.Status == "added") == (side == "RIGHT"):
		return n
	}
	return 0
}

// hunkUpTo is the diff_hunk of a review comment: the patch up to its line.
func hunkUpTo(f FileChange, side string, line int) string {
	lines := strings.Split(patchOf(f), "\n")
	n := 0
	for i, l := range lines[1:] {
		if l[0] == ' ' || (l[0] == '+') == (side == "RIGHT") {
			n++
		}
		if n == line {
			return strings.Join(lines[:i+2], "\n")
		}
	}
	return strings.Join(lines, "\n")
}

// pullDiff writes the unified diff of a branch's changes.
func pullDiff(files []FileChange) string {
	var b strings.Builder
	for _, f := range files {
		blob := commitSHA("blob", f.Path, fmt.Sprint(f))[:7]
		fmt.Fprintf(&b, "diff --git a/%s b/%s\n", f.Path, f.Path)
		switch f.Status {
		case "added":
			fmt.Fprintf(&b, "new file mode 100644\nindex 0000000..%s\n--- /dev/null\n+++ b/%s\n", blob, f.Path)
		case "removed":
			fmt.Fprintf(&b, "deleted file mode 100644\nindex %s..0000000\n--- a/%s\n+++ /dev/null\n", blob, f.Path)
		default:
			fmt.Fprintf(&b, "index %s..%s 100644\n--- a/%s\n+++ b/%s\n", commitSHA("old", f.Path)[:7], blob, f.Path, f.Path)
		}
		if p := patchOf(f); p != "" {
			b.WriteString(p + "\n")
		}
	}
	return b.String()
}

// The JSON of pull requests, files, reviews and review comments: GitHub's,
// field for field and in the same order.

// hrefJSON is one entry of a _links object.
type hrefJSON struct {
	Href string `json:"href"`
}

// pullBranchJSON is a pull request's head or base.
type pullBranchJSON struct {
	Label string   `json:"label"`
	Ref   string   `json:"ref"`
	SHA   string   `json:"sha"`
	User  userJSON `json:"user"`
	Repo  repoJSON `json:"repo"`
}

// pullLinksJSON is a pull request's _links.
type pullLinksJSON struct {
	Self           hrefJSON `json:"self"`
	HTML           hrefJSON `json:"html"`
	Issue          hrefJSON `json:"issue"`
	Comments       hrefJSON `json:"comments"`
	ReviewComments hrefJSON `json:"review_comments"`
	ReviewComment  hrefJSON `json:"review_comment"`
	Commits        hrefJSON `json:"commits"`
	Statuses       hrefJSON `json:"statuses"`
}

// pullJSON is GitHub's "pull request"; in lists ("pull request simple")
// the details are left out.
type pullJSON struct {
	URL                string           `json:"url"`
	ID                 int              `json:"id"`
	NodeID             string           `json:"node_id"`
	HTMLURL            string           `json:"html_url"`
	DiffURL            string           `json:"diff_url"`
	PatchURL           string           `json:"patch_url"`
	IssueURL           string           `json:"issue_url"`
	CommitsURL         string           `json:"commits_url"`
	ReviewCommentsURL  string           `json:"review_comments_url"`
	ReviewCommentURL   string           `json:"review_comment_url"`
	CommentsURL        string           `json:"comments_url"`
	StatusesURL        string           `json:"statuses_url"`
	Number             int              `json:"number"`
	State              string           `json:"state"`
	Locked             bool             `json:"locked"`
	Title              string           `json:"title"`
	User               userJSON         `json:"user"`
	Body               *string          `json:"body"`
	Labels             []labelJSON      `json:"labels"`
	Milestone          *milestoneJSON   `json:"milestone"`
	ActiveLockReason   *string          `json:"active_lock_reason"`
	CreatedAt          string           `json:"created_at"`
	UpdatedAt          string           `json:"updated_at"`
	ClosedAt           *string          `json:"closed_at"`
	MergedAt           *string          `json:"merged_at"`
	MergeCommitSHA     *string          `json:"merge_commit_sha"`
	Assignee           *userJSON        `json:"assignee"`
	Assignees          []userJSON       `json:"assignees"`
	RequestedReviewers []userJSON       `json:"requested_reviewers"`
	RequestedTeams     []teamJSON       `json:"requested_teams"`
	Head               pullBranchJSON   `json:"head"`
	Base               pullBranchJSON   `json:"base"`
	Links              pullLinksJSON    `json:"_links"`
	AuthorAssociation  string           `json:"author_association"`
	AutoMerge          *json.RawMessage `json:"auto_merge"`
	Draft              bool             `json:"draft"`
	*pullDetailsJSON                    // only in a single pull request
}

// pullDetailsJSON are the fields only a single pull request has.
type pullDetailsJSON struct {
	Merged              bool      `json:"merged"`
	Mergeable           *bool     `json:"mergeable"`
	Rebaseable          *bool     `json:"rebaseable"`
	MergeableState      string    `json:"mergeable_state"`
	MergedBy            *userJSON `json:"merged_by"`
	Comments            int       `json:"comments"`
	ReviewComments      int       `json:"review_comments"`
	MaintainerCanModify bool      `json:"maintainer_can_modify"`
	Commits             int       `json:"commits"`
	Additions           int       `json:"additions"`
	Deletions           int       `json:"deletions"`
	ChangedFiles        int       `json:"changed_files"`
}

// pullJSON renders a pull request, with its details if full. The caller
// holds s.mu.
func (s *Server) pullJSON(repo *repoState, pr *pullRepo, p *pullState, full bool) pullJSON {
	name := repo.Owner + "/" + repo.Name
	repoURL := apiURL + "/repos/" + name
	n := p.issue.Number
	u := fmt.Sprintf("%s/pulls/%d", repoURL, n)
	html := fmt.Sprintf("%s/%s/pull/%d", webURL, name, n)
	issueURL := fmt.Sprintf("%s/issues/%d", repoURL, n)
	head := pr.headSHA(p)
	rj := s.repoJSON(repo)
	owner := s.simpleUser(repo.Owner)
	j := pullJSON{
		URL:                u,
		ID:                 p.id,
		NodeID:             nodeID("PullRequest", p.id),
		HTMLURL:            html,
		DiffURL:            html + ".diff",
		PatchURL:           html + ".patch",
		IssueURL:           issueURL,
		CommitsURL:         u + "/commits",
		ReviewCommentsURL:  u + "/comments",
		ReviewCommentURL:   repoURL + "/pulls/comments{/number}",
		CommentsURL:        issueURL + "/comments",
		StatusesURL:        repoURL + "/statuses/" + head,
		Number:             n,
		State:              p.issue.State,
		Title:              p.issue.Title,
		User:               s.simpleUser(p.issue.author),
		Body:               nullable(p.issue.Body),
		Labels:             s.labelsJSON(repo, p.issue.Labels),
		CreatedAt:          timestamp(p.issue.created),
		UpdatedAt:          timestamp(p.updated),
		Assignees:          []userJSON{},
		RequestedReviewers: s.requestedJSON(p),
		RequestedTeams:     teamsJSON(repo, p.requestedTeams),
		Head:               pullBranchJSON{Label: repo.Owner + ":" + p.head, Ref: p.head, SHA: head, User: owner, Repo: rj},
		Base:               pullBranchJSON{Label: repo.Owner + ":" + p.base, Ref: p.base, SHA: pr.branches[p.base].head(), User: owner, Repo: rj},
		Links: pullLinksJSON{
			Self:           hrefJSON{u},
			HTML:           hrefJSON{html},
			Issue:          hrefJSON{issueURL},
			Comments:       hrefJSON{issueURL + "/comments"},
			ReviewComments: hrefJSON{u + "/comments"},
			ReviewComment:  hrefJSON{repoURL + "/pulls/comments{/number}"},
			Commits:        hrefJSON{u + "/commits"},
			Statuses:       hrefJSON{repoURL + "/statuses/" + head},
		},
		AuthorAssociation: authorAssociation(repo, p.issue.author),
		Draft:             p.draft,
	}
	if !p.closed.IsZero() {
		j.ClosedAt = ptr(timestamp(p.closed))
	}
	if !p.merged.IsZero() {
		j.MergedAt = ptr(timestamp(p.merged))
		j.MergeCommitSHA = ptr(p.mergeCommit)
	} else if p.issue.State == "open" {
		// GitHub fills it with a test merge commit while open.
		j.MergeCommitSHA = ptr(commitSHA("test merge", name, head))
	}
	if !full {
		return j
	}
	files := pr.branches[p.head].files
	d := &pullDetailsJSON{
		Merged:              !p.merged.IsZero(),
		MergeableState:      "unknown",
		ReviewComments:      len(p.comments),
		MaintainerCanModify: p.maintainerCanModify,
		Commits:             len(pr.branches[p.head].commits) - 1,
		ChangedFiles:        len(files),
	}
	for _, f := range files {
		d.Additions += f.Additions
		d.Deletions += f.Deletions
	}
	if p.issue.State == "open" {
		d.Mergeable, d.Rebaseable = ptr(true), ptr(true)
		d.MergeableState = "clean"
		if p.draft {
			d.MergeableState = "draft"
		}
	}
	if d.Merged {
		d.MergedBy = ptr(s.simpleUser(p.mergedBy))
	}
	j.pullDetailsJSON = d
	return j
}

// pullFileJSON is GitHub's "diff entry".
type pullFileJSON struct {
	SHA         string `json:"sha"`
	Filename    string `json:"filename"`
	Status      string `json:"status"`
	Additions   int    `json:"additions"`
	Deletions   int    `json:"deletions"`
	Changes     int    `json:"changes"`
	BlobURL     string `json:"blob_url"`
	RawURL      string `json:"raw_url"`
	ContentsURL string `json:"contents_url"`
	Patch       string `json:"patch,omitempty"`
}

// pullFile renders one changed file at commit head.
func pullFile(repo *repoState, head string, f FileChange) pullFileJSON {
	full := repo.Owner + "/" + repo.Name
	path := url.PathEscape(f.Path)
	path = strings.ReplaceAll(path, "%2F", "/")
	return pullFileJSON{
		SHA:         commitSHA("blob", f.Path, fmt.Sprint(f)),
		Filename:    f.Path,
		Status:      f.Status,
		Additions:   f.Additions,
		Deletions:   f.Deletions,
		Changes:     f.Additions + f.Deletions,
		BlobURL:     fmt.Sprintf("%s/%s/blob/%s/%s", webURL, full, head, path),
		RawURL:      fmt.Sprintf("%s/%s/raw/%s/%s", webURL, full, head, path),
		ContentsURL: fmt.Sprintf("%s/repos/%s/contents/%s?ref=%s", apiURL, full, path, head),
		Patch:       patchOf(f),
	}
}

// reviewJSON is GitHub's "pull request review".
type reviewJSON struct {
	ID                int      `json:"id"`
	NodeID            string   `json:"node_id"`
	User              userJSON `json:"user"`
	Body              string   `json:"body"`
	State             string   `json:"state"`
	HTMLURL           string   `json:"html_url"`
	PullRequestURL    string   `json:"pull_request_url"`
	AuthorAssociation string   `json:"author_association"`
	Links             struct {
		HTML        hrefJSON `json:"html"`
		PullRequest hrefJSON `json:"pull_request"`
	} `json:"_links"`
	SubmittedAt *string `json:"submitted_at,omitempty"`
	CommitID    string  `json:"commit_id"`
}

// reviewJSON renders a review. The caller holds s.mu.
func (s *Server) reviewJSON(repo *repoState, p *pullState, rev *reviewState) reviewJSON {
	full := repo.Owner + "/" + repo.Name
	pullURL := fmt.Sprintf("%s/repos/%s/pulls/%d", apiURL, full, p.issue.Number)
	html := fmt.Sprintf("%s/%s/pull/%d#pullrequestreview-%d", webURL, full, p.issue.Number, rev.id)
	j := reviewJSON{
		ID:                rev.id,
		NodeID:            nodeID("PullRequestReview", rev.id),
		User:              s.simpleUser(rev.author),
		Body:              rev.body,
		State:             rev.state,
		HTMLURL:           html,
		PullRequestURL:    pullURL,
		AuthorAssociation: authorAssociation(repo, rev.author),
		CommitID:          rev.commit,
	}
	j.Links.HTML, j.Links.PullRequest = hrefJSON{html}, hrefJSON{pullURL}
	if !rev.submitted.IsZero() {
		j.SubmittedAt = ptr(timestamp(rev.submitted))
	}
	return j
}

// authorAssociation is how login relates to repo, as far as the fake knows.
func authorAssociation(repo *repoState, login string) string {
	if strings.EqualFold(login, repo.Owner) {
		return "OWNER"
	}
	return "COLLABORATOR"
}

// reviewCommentJSON is GitHub's "pull request review comment".
type reviewCommentJSON struct {
	URL                 string   `json:"url"`
	PullRequestReviewID int      `json:"pull_request_review_id"`
	ID                  int      `json:"id"`
	NodeID              string   `json:"node_id"`
	DiffHunk            string   `json:"diff_hunk"`
	Path                string   `json:"path"`
	CommitID            string   `json:"commit_id"`
	OriginalCommitID    string   `json:"original_commit_id"`
	User                userJSON `json:"user"`
	Body                string   `json:"body"`
	CreatedAt           string   `json:"created_at"`
	UpdatedAt           string   `json:"updated_at"`
	HTMLURL             string   `json:"html_url"`
	PullRequestURL      string   `json:"pull_request_url"`
	AuthorAssociation   string   `json:"author_association"`
	Links               struct {
		Self        hrefJSON `json:"self"`
		HTML        hrefJSON `json:"html"`
		PullRequest hrefJSON `json:"pull_request"`
	} `json:"_links"`
	Reactions         reactionsJSON `json:"reactions"`
	StartLine         *int          `json:"start_line"`
	OriginalStartLine *int          `json:"original_start_line"`
	StartSide         *string       `json:"start_side"`
	Line              int           `json:"line"`
	OriginalLine      int           `json:"original_line"`
	Side              string        `json:"side"`
	OriginalPosition  int           `json:"original_position"`
	Position          int           `json:"position"`
	SubjectType       string        `json:"subject_type"`
	InReplyToID       *int          `json:"in_reply_to_id,omitempty"`
}

// reviewCommentJSON renders a review comment. The caller holds s.mu.
func (s *Server) reviewCommentJSON(repo *repoState, p *pullState, c *reviewCommentState) reviewCommentJSON {
	full := repo.Owner + "/" + repo.Name
	u := fmt.Sprintf("%s/repos/%s/pulls/comments/%d", apiURL, full, c.id)
	pullURL := fmt.Sprintf("%s/repos/%s/pulls/%d", apiURL, full, p.issue.Number)
	html := fmt.Sprintf("%s/%s/pull/%d#discussion_r%d", webURL, full, p.issue.Number, c.id)
	position := strings.Count(c.hunk, "\n")
	j := reviewCommentJSON{
		URL:                 u,
		PullRequestReviewID: c.reviewID,
		ID:                  c.id,
		NodeID:              nodeID("PullRequestReviewComment", c.id),
		DiffHunk:            c.hunk,
		Path:                c.path,
		CommitID:            c.commit,
		OriginalCommitID:    c.commit,
		User:                s.simpleUser(c.author),
		Body:                c.body,
		CreatedAt:           timestamp(c.created),
		UpdatedAt:           timestamp(c.created),
		HTMLURL:             html,
		PullRequestURL:      pullURL,
		AuthorAssociation:   authorAssociation(repo, c.author),
		Reactions:           reactionsJSON{URL: u + "/reactions"},
		Line:                c.line,
		OriginalLine:        c.line,
		Side:                c.side,
		OriginalPosition:    position,
		Position:            position,
		SubjectType:         "line",
	}
	if c.startLine > 0 {
		j.StartLine, j.OriginalStartLine, j.StartSide = ptr(c.startLine), ptr(c.startLine), ptr(c.startSide)
	}
	if c.inReplyTo > 0 {
		j.InReplyToID = ptr(c.inReplyTo)
	}
	j.Links.Self, j.Links.HTML, j.Links.PullRequest = hrefJSON{u}, hrefJSON{html}, hrefJSON{pullURL}
	return j
}

// cmdPush runs "push OWNER/NAME BRANCH FILE...".
func (s *Server) cmdPush(args []string) (string, error) {
	if len(args) < 3 {
		return "", usage("push")
	}
	owner, name, ok := splitRepo(args[0])
	if !ok {
		return "", fmt.Errorf("repository must be OWNER/NAME, got %q\n%s", args[0], usage("push"))
	}
	s.mu.Lock()
	exists := s.repos[repoKey(owner, name)] != nil
	s.mu.Unlock()
	if !exists {
		return "", fmt.Errorf("no repository %s/%s; add it first with: repo add %s/%s", owner, name, owner, name)
	}
	var files []FileChange
	for _, arg := range args[2:] {
		f, err := parseFileChange(arg)
		if err != nil {
			return "", fmt.Errorf("%v\n%s", err, usage("push"))
		}
		files = append(files, f)
	}
	return s.Push(owner, name, args[1], files...) + "\n", nil
}

// parseFileChange reads PATH[:added|:removed][:+N][:-N]. A bare path is a
// modified file with one line added and one deleted; an added file without
// counts has one line, a removed one too.
func parseFileChange(arg string) (FileChange, error) {
	parts := strings.Split(arg, ":")
	f := FileChange{Path: parts[0], Status: "modified"}
	if f.Path == "" {
		return f, fmt.Errorf("file %q has no path", arg)
	}
	counted := false
	for _, p := range parts[1:] {
		switch {
		case p == "added" || p == "removed" || p == "modified":
			f.Status = p
		case strings.HasPrefix(p, "+") || strings.HasPrefix(p, "-"):
			n, err := strconv.Atoi(p[1:])
			if err != nil || n < 0 {
				return f, fmt.Errorf("file %q: %q is not a line count such as +3 or -1", arg, p)
			}
			if p[0] == '+' {
				f.Additions = n
			} else {
				f.Deletions = n
			}
			counted = true
		default:
			return f, fmt.Errorf("file %q: %q is neither added, removed, modified nor a line count such as +3", arg, p)
		}
	}
	if !counted {
		switch f.Status {
		case "added":
			f.Additions = 1
		case "removed":
			f.Deletions = 1
		default:
			f.Additions, f.Deletions = 1, 1
		}
	}
	return f, nil
}

// cmdPulls runs "pulls OWNER/NAME".
func (s *Server) cmdPulls(args []string) (string, error) {
	if len(args) != 1 {
		return "", usage("pulls")
	}
	owner, name, ok := splitRepo(args[0])
	if !ok {
		return "", fmt.Errorf("repository must be OWNER/NAME, got %q\n%s", args[0], usage("pulls"))
	}
	pulls := s.Pulls(owner, name)
	if pulls == nil {
		return "", fmt.Errorf("no repository %s/%s; add it first with: repo add %s/%s", owner, name, owner, name)
	}
	var b strings.Builder
	for _, p := range pulls {
		fmt.Fprintf(&b, "#%d %s %s->%s %s", p.Number, p.State, p.Head, p.Base, p.HeadSHA[:7])
		for _, r := range p.Reviews {
			b.WriteString(" " + strings.ReplaceAll(r, " ", ":"))
		}
		b.WriteByte('\n')
	}
	return b.String(), nil
}

// cmdPull runs "pull add OWNER/NAME HEAD TITLE [options]" and prints the
// pull request's number.
func (s *Server) cmdPull(args []string) (string, error) {
	words, title, opts, err := cmdOptions("pull", args, 3, "base", "author", "labels", "body", "merged", "closed")
	if err != nil {
		return "", err
	}
	if words[0] != "add" || title == "" {
		return "", usage("pull")
	}
	owner, repo, err := s.cmdRepoArg("pull", words[1])
	if err != nil {
		return "", err
	}
	p := PullRequest{Title: title, Head: words[2], Base: opts["base"], Author: opts["author"], Body: opts["body"]}
	if opts["labels"] != "" {
		p.Labels = strings.Split(opts["labels"], ",")
	}
	if p.MergedAt, err = cmdTime("pull", "merged", opts["merged"]); err != nil {
		return "", err
	}
	if p.ClosedAt, err = cmdTime("pull", "closed", opts["closed"]); err != nil {
		return "", err
	}
	var n int
	if err := tryAdd("pull", func() { n = s.AddPull(owner, repo, p) }); err != nil {
		return "", err
	}
	return strconv.Itoa(n) + "\n", nil
}
