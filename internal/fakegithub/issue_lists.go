package fakegithub

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Listing, updating, commenting on and searching issues.

// Where the errors of these endpoints point.
const (
	listIssuesDoc    = "https://docs.github.com/rest/issues/issues#list-repository-issues"
	updateIssueDoc   = "https://docs.github.com/rest/issues/issues#update-an-issue"
	listCommentsDoc  = "https://docs.github.com/rest/issues/comments#list-issue-comments"
	createCommentDoc = "https://docs.github.com/rest/issues/comments#create-an-issue-comment"
	searchIssuesDoc  = "https://docs.github.com/rest/search/search#search-issues-and-pull-requests"
)

// Comment is a comment on an issue, as returned by Comments.
type Comment struct {
	ID     int
	Author string
	Body   string
}

// commentState is a comment and when it was written.
type commentState struct {
	Comment
	created time.Time
}

// Comments returns a snapshot of the comments on issue number of
// owner/repo, oldest first, or nil if there is no such issue.
func (s *Server) Comments(owner, repo string, number int) []Comment {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.repos[repoKey(owner, repo)]
	if st == nil || number < 1 || number > len(st.issues) {
		return nil
	}
	out := []Comment{}
	for _, c := range st.issues[number-1].comments {
		out = append(out, c.Comment)
	}
	return out
}

// AddComment adds a comment to issue or pull request number of owner/repo,
// written by author (the viewer if empty) at at (now if zero). It panics if
// there is no such issue.
func (s *Server) AddComment(owner, repo string, number int, author, body string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.mustRepo("AddComment", owner, repo)
	if number < 1 || number > len(st.issues) {
		panic(fmt.Sprintf("fakegithub: AddComment: no issue #%d in %s/%s", number, owner, repo))
	}
	s.comment(st.issues[number-1], author, body, at)
}

// comment adds a comment to is, written by author (the viewer if empty) at
// at (now if zero). The caller holds s.mu.
func (s *Server) comment(is *issueState, author, body string, at time.Time) *commentState {
	if author == "" {
		author = s.viewer
	}
	if at.IsZero() {
		at = s.now()
	}
	s.nextID++
	c := &commentState{Comment: Comment{ID: s.nextID, Author: author, Body: body}, created: at}
	is.comments = append(is.comments, c)
	if !at.Before(is.lastChange()) {
		is.updated = at
	}
	return c
}

// lastChange is when an issue last changed.
func (is *issueState) lastChange() time.Time {
	if is.updated.IsZero() {
		return is.created
	}
	return is.updated
}

// addActivity fills in what changes after an issue is created: update
// time, closing, state reason and comment count. The caller holds s.mu.
func (s *Server) addActivity(j *issueJSON, is *issueState) {
	j.UpdatedAt = timestamp(is.lastChange())
	j.Comments = len(is.comments)
	if is.StateReason != "" {
		j.StateReason = ptr(is.StateReason)
	}
	if is.State == "closed" {
		j.ClosedAt = ptr(timestamp(is.closed))
		if is.closedBy != "" {
			u := s.simpleUser(is.closedBy)
			j.ClosedBy = &u
		}
	}
}

// association is author_association: how login relates to a repository.
func association(repo *repoState, login string) string {
	if strings.EqualFold(login, repo.Owner) {
		return "OWNER"
	}
	return "COLLABORATOR"
}

// lookupIssue finds the repository and issue named in a request's path.
// The caller holds s.mu.
func (s *Server) lookupIssue(r *http.Request) (*repoState, *issueState) {
	repo := s.lookupRepo(r)
	n, err := strconv.Atoi(r.PathValue("number"))
	if repo == nil || err != nil || n < 1 || n > len(repo.issues) {
		return repo, nil
	}
	return repo, repo.issues[n-1]
}

// validationFailed writes GitHub's 422 with per-field errors.
func validationFailed(w http.ResponseWriter, docURL string, problems []validationError) {
	writeResponse(w, &response{
		status: http.StatusUnprocessableEntity,
		header: jsonHeader(),
		body: mustJSON(errorBody{
			Message:          "Validation Failed",
			Errors:           problems,
			DocumentationURL: docURL,
			Status:           "422",
		}),
	})
}

// repoLinkBase is where a repository's Link headers point: GitHub writes
// them with the repository's id, e.g. https://api.github.test/repositories/7/issues.
func repoLinkBase(repo *repoState, r *http.Request) string {
	rest := strings.TrimPrefix(r.URL.Path, "/repos/"+r.PathValue("owner")+"/"+r.PathValue("repo"))
	return fmt.Sprintf("%s/repositories/%d%s", apiURL, repo.id, rest)
}

// parseSince reads a "since" parameter; "" is the zero time.
func parseSince(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.RFC3339, v)
	return t, err == nil
}

// listIssues serves GET /repos/{owner}/{repo}/issues with GitHub's
// filters (state, labels, assignee, creator, since), sorts and paging.
// https://docs.github.com/rest/issues/issues#list-repository-issues
func (s *Server) listIssues(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", listIssuesDoc)
		return
	}
	q := r.URL.Query()
	var problems []validationError
	invalid := func(field, value string) {
		problems = append(problems, validationError{Resource: "Issue", Field: field, Code: "invalid", Value: value})
	}
	state := cmp.Or(q.Get("state"), "open")
	if state != "open" && state != "closed" && state != "all" {
		invalid("state", state)
	}
	sortBy := cmp.Or(q.Get("sort"), "created")
	if sortBy != "created" && sortBy != "updated" && sortBy != "comments" {
		invalid("sort", sortBy)
	}
	direction := cmp.Or(q.Get("direction"), "desc")
	if direction != "asc" && direction != "desc" {
		invalid("direction", direction)
	}
	since, ok := parseSince(q.Get("since"))
	if !ok {
		invalid("since", q.Get("since"))
	}
	if len(problems) > 0 {
		validationFailed(w, listIssuesDoc, problems)
		return
	}
	var labels []string
	if v := q.Get("labels"); v != "" {
		labels = strings.Split(v, ",")
	}

	var found []*issueState
	for _, is := range repo.issues {
		switch {
		case state != "all" && is.State != state,
			!hasAllLabels(is.Labels, labels),
			!assignedAs(is.Assignees, q.Get("assignee")),
			q.Get("creator") != "" && !strings.EqualFold(is.author, q.Get("creator")),
			is.lastChange().Before(since):
			continue
		}
		found = append(found, is)
	}
	sortIssues(found, sortBy, direction)

	out := []issueJSON{}
	for _, is := range paginate(w, r, repoLinkBase(repo, r), found) {
		out = append(out, s.issueJSON(repo, is))
	}
	writeJSON(w, http.StatusOK, out)
}

// hasAllLabels reports whether have holds every wanted label, ignoring case.
func hasAllLabels(have, want []string) bool {
	for _, w := range want {
		if !slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, strings.TrimSpace(w)) }) {
			return false
		}
	}
	return true
}

// assignedAs applies the assignee filter: a login, "none", "*" or "".
func assignedAs(assignees []string, filter string) bool {
	switch filter {
	case "":
		return true
	case "none":
		return len(assignees) == 0
	case "*":
		return len(assignees) > 0
	}
	return slices.ContainsFunc(assignees, func(a string) bool { return strings.EqualFold(a, filter) })
}

// sortIssues orders issues by created, updated or comments, ties broken
// by number in the same direction.
func sortIssues(issues []*issueState, by, direction string) {
	slices.SortStableFunc(issues, func(a, b *issueState) int {
		var c int
		switch by {
		case "updated":
			c = a.lastChange().Compare(b.lastChange())
		case "comments":
			c = cmp.Compare(len(a.comments), len(b.comments))
		default:
			c = a.created.Compare(b.created)
		}
		if c == 0 {
			c = cmp.Compare(a.id, b.id)
		}
		if direction == "desc" {
			return -c
		}
		return c
	})
}

// updateIssueRequest is the body of PATCH .../issues/{number}. Raw fields
// tell "absent" from null.
type updateIssueRequest struct {
	Title       json.RawMessage   `json:"title"`
	Body        json.RawMessage   `json:"body"`
	State       *string           `json:"state"`
	StateReason json.RawMessage   `json:"state_reason"`
	Labels      []json.RawMessage `json:"labels"`
	Assignees   *[]string         `json:"assignees"`
	Milestone   json.RawMessage   `json:"milestone"`
}

// updateIssue serves PATCH /repos/{owner}/{repo}/issues/{number}: only
// the fields sent change. Closing without a reason closes as completed;
// reopening sets the reason to reopened, as GitHub does.
// https://docs.github.com/rest/issues/issues#update-an-issue
func (s *Server) updateIssue(w http.ResponseWriter, r *http.Request) {
	repo, is := s.lookupIssue(r)
	if is == nil {
		writeError(w, http.StatusNotFound, "Not Found", updateIssueDoc)
		return
	}
	if repo.Archived {
		writeError(w, http.StatusForbidden, "Repository was archived so is read-only.", updateIssueDoc)
		return
	}
	var req updateIssueRequest
	if !decodeJSONBody(w, r, updateIssueDoc, &req) {
		return
	}

	next := is.Issue
	next.Labels = slices.Clone(is.Labels)
	next.Assignees = slices.Clone(is.Assignees)
	var problems []validationError
	problem := func(field, code string, value any) {
		problems = append(problems, validationError{Resource: "Issue", Field: field, Code: code, Value: value})
	}

	if req.Title != nil {
		switch title, ok := scalar(req.Title); {
		case !ok:
			problem("title", "invalid", nil)
		case strings.TrimSpace(title) == "":
			problem("title", "missing_field", nil)
		default:
			next.Title = title
		}
	}
	if req.Body != nil {
		body, ok := scalar(req.Body)
		if !ok {
			problem("body", "invalid", nil)
		}
		next.Body = body
	}

	reason := ""
	if req.StateReason != nil {
		var ok bool
		if reason, ok = scalar(req.StateReason); !ok || !slices.Contains([]string{"", "completed", "not_planned", "reopened"}, reason) {
			problem("state_reason", "invalid", reason)
		}
	}
	state := is.State
	if req.State != nil {
		state = *req.State
		if state != "open" && state != "closed" {
			problem("state", "invalid", state)
		}
	}
	switch {
	case state == "closed" && reason == "reopened", state == "open" && (reason == "completed" || reason == "not_planned"):
		problem("state_reason", "invalid", reason)
	case state == "closed" && is.State == "open":
		next.StateReason = cmp.Or(reason, "completed")
	case state == "open" && is.State == "closed":
		next.StateReason = "reopened"
	case reason != "":
		next.StateReason = reason
	}
	next.State = state

	if req.Labels != nil {
		next.Labels = addLabels([]string{}, req.Labels, problem)
	}
	if req.Assignees != nil {
		next.Assignees = []string{}
		for _, login := range *req.Assignees {
			canonical, ok := s.user(login)
			if !ok {
				problem("assignees", "invalid", login)
				continue
			}
			if !slices.Contains(next.Assignees, canonical) {
				next.Assignees = append(next.Assignees, canonical)
			}
		}
	}
	if req.Milestone != nil {
		if m, ok := scalar(req.Milestone); !ok {
			problem("milestone", "invalid", nil)
		} else if m == "" {
			next.Milestone = 0
		} else if n, err := strconv.Atoi(m); err != nil || n < 1 || n > len(repo.milestones) {
			problem("milestone", "invalid", req.Milestone)
		} else {
			next.Milestone = n
		}
	}
	if len(problems) > 0 {
		validationFailed(w, updateIssueDoc, problems)
		return
	}

	now := s.now()
	if next.State == "closed" && is.State == "open" {
		is.closed, is.closedBy = now, s.viewer
	}
	for _, name := range next.Labels {
		s.label(repo, name)
	}
	is.Issue = next
	is.updated = now
	writeJSON(w, http.StatusOK, s.issueJSON(repo, is))
}

// commentJSON is GitHub's "issue comment".
type commentJSON struct {
	URL                   string           `json:"url"`
	HTMLURL               string           `json:"html_url"`
	IssueURL              string           `json:"issue_url"`
	ID                    int              `json:"id"`
	NodeID                string           `json:"node_id"`
	User                  userJSON         `json:"user"`
	CreatedAt             string           `json:"created_at"`
	UpdatedAt             string           `json:"updated_at"`
	AuthorAssociation     string           `json:"author_association"`
	Body                  string           `json:"body"`
	Reactions             reactionsJSON    `json:"reactions"`
	PerformedViaGithubApp *json.RawMessage `json:"performed_via_github_app"`
}

// commentJSON renders a comment. The caller holds s.mu.
func (s *Server) commentJSON(repo *repoState, is *issueState, c *commentState) commentJSON {
	repoURL := apiURL + "/repos/" + repo.Owner + "/" + repo.Name
	u := fmt.Sprintf("%s/issues/comments/%d", repoURL, c.ID)
	return commentJSON{
		URL:               u,
		HTMLURL:           fmt.Sprintf("%s/%s/%s/issues/%d#issuecomment-%d", webURL, repo.Owner, repo.Name, is.Number, c.ID),
		IssueURL:          fmt.Sprintf("%s/issues/%d", repoURL, is.Number),
		ID:                c.ID,
		NodeID:            nodeID("IssueComment", c.ID),
		User:              s.simpleUser(c.Author),
		CreatedAt:         timestamp(c.created),
		UpdatedAt:         timestamp(c.created),
		AuthorAssociation: association(repo, c.Author),
		Body:              c.Body,
		Reactions:         reactionsJSON{URL: u + "/reactions"},
	}
}

// listComments serves GET /repos/{owner}/{repo}/issues/{number}/comments,
// oldest first, with since and paging.
// https://docs.github.com/rest/issues/comments#list-issue-comments
func (s *Server) listComments(w http.ResponseWriter, r *http.Request) {
	repo, is := s.lookupIssue(r)
	if is == nil {
		writeError(w, http.StatusNotFound, "Not Found", listCommentsDoc)
		return
	}
	since, ok := parseSince(r.URL.Query().Get("since"))
	if !ok {
		validationFailed(w, listCommentsDoc, []validationError{{Resource: "IssueComment", Field: "since", Code: "invalid", Value: r.URL.Query().Get("since")}})
		return
	}
	var found []*commentState
	for _, c := range is.comments {
		if !c.created.Before(since) {
			found = append(found, c)
		}
	}
	out := []commentJSON{}
	for _, c := range paginate(w, r, repoLinkBase(repo, r), found) {
		out = append(out, s.commentJSON(repo, is, c))
	}
	writeJSON(w, http.StatusOK, out)
}

// createComment serves POST /repos/{owner}/{repo}/issues/{number}/comments.
// https://docs.github.com/rest/issues/comments#create-an-issue-comment
func (s *Server) createComment(w http.ResponseWriter, r *http.Request) {
	repo, is := s.lookupIssue(r)
	if is == nil {
		writeError(w, http.StatusNotFound, "Not Found", createCommentDoc)
		return
	}
	if repo.Archived {
		writeError(w, http.StatusForbidden, "Repository was archived so is read-only.", createCommentDoc)
		return
	}
	var req struct {
		Body *string `json:"body"`
	}
	if !decodeJSONBody(w, r, createCommentDoc, &req) {
		return
	}
	if req.Body == nil || strings.TrimSpace(*req.Body) == "" {
		validationFailed(w, createCommentDoc, []validationError{{Resource: "IssueComment", Field: "body", Code: "missing_field"}})
		return
	}
	c := s.comment(is, "", *req.Body, time.Time{})
	j := s.commentJSON(repo, is, c)
	w.Header().Set("Location", j.URL)
	writeJSON(w, http.StatusCreated, j)
}

// searchItemJSON is an issue in search results.
type searchItemJSON struct {
	issueJSON
	Score float64 `json:"score"`
}

// searchResultJSON is GitHub's answer to GET /search/issues.
type searchResultJSON struct {
	TotalCount        int              `json:"total_count"`
	IncompleteResults bool             `json:"incomplete_results"`
	Items             []searchItemJSON `json:"items"`
}

// searchIssues serves GET /search/issues. It understands free words
// (matched in title and body, all must match), quoted phrases, and the
// qualifiers repo:, user:, org:, is:issue, is:pr, is:open, is:closed,
// state:, label:, author:, assignee:, no:assignee, no:label and reason:
// (a leading - negates). The fake has no pull requests, so is:pr finds
// nothing. Like GitHub, a query must say is:issue or is:pull-request.
// Best match is approximated by newest first.
// https://docs.github.com/rest/search/search#search-issues-and-pull-requests
func (s *Server) searchIssues(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	query := q.Get("q")
	if strings.TrimSpace(query) == "" {
		validationFailed(w, searchIssuesDoc, []validationError{{Resource: "Search", Field: "q", Code: "missing"}})
		return
	}
	terms := searchTerms(query)
	wantsPRs, saysType := false, false
	for _, t := range terms {
		switch {
		case t.negated:
		case t.key == "is" && t.value == "issue", t.key == "type" && t.value == "issue":
			saysType = true
		case t.key == "is" && (t.value == "pr" || t.value == "pull-request"), t.key == "type" && t.value == "pr":
			saysType, wantsPRs = true, true
		}
	}
	if !saysType {
		writeError(w, http.StatusUnprocessableEntity, "Query must include 'is:issue' or 'is:pull-request'", searchIssuesDoc)
		return
	}
	sortBy := q.Get("sort")
	switch sortBy {
	case "", "comments", "created", "updated", "reactions", "interactions":
	default:
		validationFailed(w, searchIssuesDoc, []validationError{{Resource: "Search", Field: "sort", Code: "invalid", Value: sortBy}})
		return
	}

	type hit struct {
		repo  *repoState
		issue *issueState
	}
	var hits []hit
	if !wantsPRs {
		for _, repo := range s.repos {
			for _, is := range repo.issues {
				if matchesAll(repo, is, terms) {
					hits = append(hits, hit{repo, is})
				}
			}
		}
	}
	order := cmp.Or(q.Get("order"), "desc")
	if sortBy == "" || sortBy == "reactions" || sortBy == "interactions" {
		sortBy, order = "created", "desc"
	}
	issues := make([]*issueState, len(hits))
	repoOf := map[*issueState]*repoState{}
	for i, h := range hits {
		issues[i] = h.issue
		repoOf[h.issue] = h.repo
	}
	sortIssues(issues, sortBy, order)
	if len(issues) > 1000 {
		issues = issues[:1000] // GitHub serves the first 1000 matches
	}
	out := searchResultJSON{TotalCount: len(hits), Items: []searchItemJSON{}}
	for _, is := range paginate(w, r, apiURL+"/search/issues", issues) {
		out.Items = append(out.Items, searchItemJSON{issueJSON: s.issueJSON(repoOf[is], is), Score: 1})
	}
	writeJSON(w, http.StatusOK, out)
}

// searchTerm is a word, phrase or qualifier of a search query.
type searchTerm struct {
	negated bool
	key     string // qualifier name, lower case; "" for text
	value   string // lower case
}

// searchTerms splits a query into terms, keeping "quoted phrases" and
// qualifier:"quoted values" whole.
func searchTerms(query string) []searchTerm {
	var words []string
	var cur strings.Builder
	quoted := false
	for _, r := range query {
		switch {
		case r == '"':
			quoted = !quoted
		case (r == ' ' || r == '\t' || r == '\n') && !quoted:
			if cur.Len() > 0 {
				words = append(words, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		words = append(words, cur.String())
	}
	var terms []searchTerm
	for _, w := range words {
		w = strings.ToLower(w)
		var t searchTerm
		if strings.HasPrefix(w, "-") && len(w) > 1 {
			t.negated, w = true, w[1:]
		}
		if k, v, ok := strings.Cut(w, ":"); ok && k != "" && !strings.Contains(k, " ") {
			t.key, t.value = k, v
		} else {
			t.value = w
		}
		terms = append(terms, t)
	}
	return terms
}

// matchesAll reports whether an issue matches every term of a query.
func matchesAll(repo *repoState, is *issueState, terms []searchTerm) bool {
	for _, t := range terms {
		if matchesTerm(repo, is, t) == t.negated {
			return false
		}
	}
	return true
}

// matchesTerm reports whether an issue matches one term, ignoring its
// negation. Unknown qualifiers match everything.
func matchesTerm(repo *repoState, is *issueState, t searchTerm) bool {
	eq := strings.EqualFold
	switch t.key {
	case "":
		return strings.Contains(strings.ToLower(is.Title+"\n"+is.Body), t.value)
	case "repo":
		return eq(repo.Owner+"/"+repo.Name, t.value)
	case "user", "org", "owner":
		return eq(repo.Owner, t.value)
	case "is", "state", "type":
		switch t.value {
		case "open", "closed":
			return is.State == t.value
		case "issue":
			return true
		case "pr", "pull-request":
			return false
		}
		return true
	case "label":
		return hasAllLabels(is.Labels, []string{t.value})
	case "author":
		return eq(is.author, t.value)
	case "assignee":
		return assignedAs(is.Assignees, t.value)
	case "no":
		switch t.value {
		case "assignee":
			return len(is.Assignees) == 0
		case "label":
			return len(is.Labels) == 0
		case "milestone":
			return is.Milestone == 0
		}
		return true
	case "reason":
		return strings.ReplaceAll(is.StateReason, "_", " ") == strings.ReplaceAll(t.value, "_", " ")
	case "in":
		return true // where to look for the words; the fake looks everywhere
	}
	return true
}

// cmdComment runs "comment add OWNER/NAME NUMBER LOGIN TEXT".
func (s *Server) cmdComment(args []string) error {
	words, text, _, err := cmdOptions("comment", args, 4)
	if err != nil {
		return err
	}
	n, nerr := strconv.Atoi(words[2])
	if words[0] != "add" || text == "" || nerr != nil {
		return usage("comment")
	}
	owner, repo, err := s.cmdRepoArg("comment", words[1])
	if err != nil {
		return err
	}
	return tryAdd("comment", func() { s.AddComment(owner, repo, n, words[3], text, time.Time{}) })
}
