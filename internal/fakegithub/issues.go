package fakegithub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// createIssueDoc is where the create-issue errors point.
const createIssueDoc = "https://docs.github.com/rest/issues/issues#create-an-issue"

// Issue is an issue as created through the API, as returned by Issues.
type Issue struct {
	Number      int
	Title       string
	Body        string
	State       string   // "open" or "closed"
	StateReason string   // "", "completed", "not_planned" or "reopened"
	Labels      []string // label names, in the order given
	Assignees   []string // logins
	Milestone   int      // milestone number, 0 for none
}

// issueState is an issue and what GitHub remembers about it besides.
type issueState struct {
	Issue
	id      int
	author  string
	created time.Time
	// Changed by update, close and comments (issue_lists.go).
	updated  time.Time // zero until the issue changes
	closed   time.Time // when last closed; zero while open
	closedBy string
	comments []*commentState
}

// labelState is a label of a repository. Labels are created on first use,
// as GitHub does when someone with push access names an unknown label.
type labelState struct {
	id          int
	name        string
	color       string
	description string
	isDefault   bool
}

// defaultLabels are the labels every new GitHub repository has.
var defaultLabels = map[string]struct{ color, description string }{
	"bug":              {"d73a4a", "Something isn't working"},
	"documentation":    {"0075ca", "Improvements or additions to documentation"},
	"duplicate":        {"cfd3d7", "This issue or pull request already exists"},
	"enhancement":      {"a2eeef", "New feature or request"},
	"good first issue": {"7057ff", "Good for newcomers"},
	"help wanted":      {"008672", "Extra attention is needed"},
	"invalid":          {"e4e669", "This doesn't seem right"},
	"question":         {"d876e3", "Further information is requested"},
	"wontfix":          {"ffffff", "This will not be worked on"},
}

// milestoneState is a milestone of a repository.
type milestoneState struct {
	id      int
	number  int
	title   string
	creator string
	created time.Time
}

// Issues returns a snapshot of the issues created in owner/repo, in number
// order, or nil if there is no such repository.
func (s *Server) Issues(owner, repo string) []Issue {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.repos[repoKey(owner, repo)]
	if st == nil {
		return nil
	}
	out := make([]Issue, len(st.issues))
	for i, is := range st.issues {
		out[i] = is.Issue
		out[i].Labels = slices.Clone(is.Labels)
		out[i].Assignees = slices.Clone(is.Assignees)
	}
	return out
}

// AddMilestone adds an open milestone to owner/repo, created by the viewer,
// and returns its number (1 for the first). It panics if the repository
// was not added first.
func (s *Server) AddMilestone(owner, repo, title string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.repos[repoKey(owner, repo)]
	if st == nil {
		panic(fmt.Sprintf("fakegithub: AddMilestone: no repository %s/%s; call AddRepo first", owner, repo))
	}
	s.nextID++
	m := &milestoneState{id: s.nextID, number: len(st.milestones) + 1, title: title, creator: s.viewer, created: s.now()}
	st.milestones = append(st.milestones, m)
	return m.number
}

// AddIssue opens an issue in owner/repo with is's title, body, labels,
// assignees and milestone (its Number and State are ignored), written by
// author (the viewer if empty) at at (now if zero), and returns its number.
// It panics if the repository was not added first.
func (s *Server) AddIssue(owner, repo, author string, at time.Time, is Issue) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.openIssue(s.mustRepo("AddIssue", owner, repo), author, at, is).Number
}

// openIssue adds issue to repo as the next number, open, written by author
// (the viewer if empty) at at (now if zero). Pull requests are opened this
// way too. The caller holds s.mu.
func (s *Server) openIssue(repo *repoState, author string, at time.Time, issue Issue) *issueState {
	if author == "" {
		author = s.viewer
	}
	if at.IsZero() {
		at = s.now()
	}
	issue.Number, issue.State = len(repo.issues)+1, "open"
	issue.Labels, issue.Assignees = slices.Clone(issue.Labels), slices.Clone(issue.Assignees)
	for _, name := range issue.Labels {
		s.label(repo, name)
	}
	s.nextID++
	is := &issueState{Issue: issue, id: s.nextID, author: author, created: at}
	repo.issues = append(repo.issues, is)
	return is
}

// createIssueRequest is the body of POST /repos/{owner}/{repo}/issues. The
// loosely typed fields accept every form GitHub accepts: a title may be a
// number, a label a name or a {"name": ...} object, a milestone a number,
// a numeric string or null.
type createIssueRequest struct {
	Title     json.RawMessage   `json:"title"`
	Body      *string           `json:"body"`
	Assignee  *string           `json:"assignee"`
	Milestone json.RawMessage   `json:"milestone"`
	Labels    []json.RawMessage `json:"labels"`
	Assignees []string          `json:"assignees"`
}

// createIssue serves POST /repos/{owner}/{repo}/issues.
// https://docs.github.com/rest/issues/issues#create-an-issue
func (s *Server) createIssue(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", createIssueDoc)
		return
	}
	if repo.Archived {
		writeError(w, http.StatusForbidden, "Repository was archived so is read-only.", createIssueDoc)
		return
	}
	var req createIssueRequest
	if !decodeJSONBody(w, r, createIssueDoc, &req) {
		return
	}

	issue, problems := s.validateIssue(repo, req)
	if len(problems) > 0 {
		writeResponse(w, &response{
			status: http.StatusUnprocessableEntity,
			header: jsonHeader(),
			body: mustJSON(errorBody{
				Message:          "Validation Failed",
				Errors:           problems,
				DocumentationURL: createIssueDoc,
				Status:           "422",
			}),
		})
		return
	}

	is := s.openIssue(repo, "", time.Time{}, issue)
	j := s.issueJSON(repo, is)
	w.Header().Set("Location", j.URL)
	writeJSON(w, http.StatusCreated, j)
}

// validateIssue turns a create request into an issue, or lists what is
// wrong with it the way GitHub's 422 does. The caller holds s.mu.
func (s *Server) validateIssue(repo *repoState, req createIssueRequest) (Issue, []validationError) {
	var issue Issue
	var problems []validationError
	problem := func(field, code string, value any) {
		problems = append(problems, validationError{Resource: "Issue", Field: field, Code: code, Value: value})
	}

	switch title, ok := scalar(req.Title); {
	case !ok:
		problem("title", "invalid", nil)
	case strings.TrimSpace(title) == "":
		problem("title", "missing_field", nil)
	default:
		issue.Title = title
	}
	if req.Body != nil {
		issue.Body = *req.Body
	}

	issue.Labels = addLabels(issue.Labels, req.Labels, problem)

	logins := req.Assignees
	if req.Assignee != nil && *req.Assignee != "" {
		logins = append([]string{*req.Assignee}, logins...)
	}
	for _, login := range logins {
		canonical, ok := s.user(login)
		if !ok {
			problem("assignees", "invalid", login)
			continue
		}
		if !slices.Contains(issue.Assignees, canonical) {
			issue.Assignees = append(issue.Assignees, canonical)
		}
	}

	if m, ok := scalar(req.Milestone); ok && m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 1 || n > len(repo.milestones) {
			problem("milestone", "invalid", req.Milestone)
		} else {
			issue.Milestone = n
		}
	} else if !ok {
		problem("milestone", "invalid", nil)
	}
	return issue, problems
}

// scalar reads a JSON string or number as text. Absent and null read as
// "", true; anything else (object, array, bool) as "", false.
func scalar(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", true
	}
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return str, true
	}
	var num json.Number
	if json.Unmarshal(raw, &num) == nil {
		return num.String(), true
	}
	return "", false
}

// getIssue serves GET /repos/{owner}/{repo}/issues/{number}.
// https://docs.github.com/rest/issues/issues#get-an-issue
func (s *Server) getIssue(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	n, err := strconv.Atoi(r.PathValue("number"))
	if repo == nil || err != nil || n < 1 || n > len(repo.issues) {
		writeError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/issues/issues#get-an-issue")
		return
	}
	writeJSON(w, http.StatusOK, s.issueJSON(repo, repo.issues[n-1]))
}

// label returns a repository's label, creating it on first use.
// The caller holds s.mu.
func (s *Server) label(repo *repoState, name string) *labelState {
	key := strings.ToLower(name)
	if l := repo.labels[key]; l != nil {
		return l
	}
	s.nextID++
	l := &labelState{id: s.nextID, name: name, color: "ededed"}
	if d, ok := defaultLabels[key]; ok {
		l.color, l.description, l.isDefault = d.color, d.description, true
	}
	repo.labels[key] = l
	return l
}

// issueJSON is GitHub's "issue", field for field and in the same order.
type issueJSON struct {
	URL                   string           `json:"url"`
	RepositoryURL         string           `json:"repository_url"`
	LabelsURL             string           `json:"labels_url"`
	CommentsURL           string           `json:"comments_url"`
	EventsURL             string           `json:"events_url"`
	HTMLURL               string           `json:"html_url"`
	ID                    int              `json:"id"`
	NodeID                string           `json:"node_id"`
	Number                int              `json:"number"`
	Title                 string           `json:"title"`
	User                  userJSON         `json:"user"`
	Labels                []labelJSON      `json:"labels"`
	State                 string           `json:"state"`
	Locked                bool             `json:"locked"`
	Assignee              *userJSON        `json:"assignee"`
	Assignees             []userJSON       `json:"assignees"`
	Milestone             *milestoneJSON   `json:"milestone"`
	Comments              int              `json:"comments"`
	CreatedAt             string           `json:"created_at"`
	UpdatedAt             string           `json:"updated_at"`
	ClosedAt              *string          `json:"closed_at"`
	AuthorAssociation     string           `json:"author_association"`
	Type                  *json.RawMessage `json:"type"`
	ActiveLockReason      *string          `json:"active_lock_reason"`
	SubIssuesSummary      subIssuesJSON    `json:"sub_issues_summary"`
	Body                  *string          `json:"body"`
	ClosedBy              *userJSON        `json:"closed_by"`
	Reactions             reactionsJSON    `json:"reactions"`
	TimelineURL           string           `json:"timeline_url"`
	PerformedViaGithubApp *json.RawMessage `json:"performed_via_github_app"`
	StateReason           *string          `json:"state_reason"`
}

// labelJSON is GitHub's "label".
type labelJSON struct {
	ID          int     `json:"id"`
	NodeID      string  `json:"node_id"`
	URL         string  `json:"url"`
	Name        string  `json:"name"`
	Color       string  `json:"color"`
	Default     bool    `json:"default"`
	Description *string `json:"description"`
}

// milestoneJSON is GitHub's "milestone".
type milestoneJSON struct {
	URL          string   `json:"url"`
	HTMLURL      string   `json:"html_url"`
	LabelsURL    string   `json:"labels_url"`
	ID           int      `json:"id"`
	NodeID       string   `json:"node_id"`
	Number       int      `json:"number"`
	Title        string   `json:"title"`
	Description  *string  `json:"description"`
	Creator      userJSON `json:"creator"`
	OpenIssues   int      `json:"open_issues"`
	ClosedIssues int      `json:"closed_issues"`
	State        string   `json:"state"`
	CreatedAt    string   `json:"created_at"`
	UpdatedAt    string   `json:"updated_at"`
	DueOn        *string  `json:"due_on"`
	ClosedAt     *string  `json:"closed_at"`
}

// subIssuesJSON summarises an issue's sub-issues.
type subIssuesJSON struct {
	Total            int `json:"total"`
	Completed        int `json:"completed"`
	PercentCompleted int `json:"percent_completed"`
}

// reactionsJSON counts an issue's reactions.
type reactionsJSON struct {
	URL        string `json:"url"`
	TotalCount int    `json:"total_count"`
	PlusOne    int    `json:"+1"`
	MinusOne   int    `json:"-1"`
	Laugh      int    `json:"laugh"`
	Hooray     int    `json:"hooray"`
	Confused   int    `json:"confused"`
	Heart      int    `json:"heart"`
	Rocket     int    `json:"rocket"`
	Eyes       int    `json:"eyes"`
}

// issueJSON renders an issue. The caller holds s.mu.
func (s *Server) issueJSON(repo *repoState, is *issueState) issueJSON {
	repoURL := apiURL + "/repos/" + repo.Owner + "/" + repo.Name
	u := fmt.Sprintf("%s/issues/%d", repoURL, is.Number)
	association := "COLLABORATOR"
	if strings.EqualFold(is.author, repo.Owner) {
		association = "OWNER"
	}
	j := issueJSON{
		URL:               u,
		RepositoryURL:     repoURL,
		LabelsURL:         u + "/labels{/name}",
		CommentsURL:       u + "/comments",
		EventsURL:         u + "/events",
		HTMLURL:           fmt.Sprintf("%s/%s/%s/issues/%d", webURL, repo.Owner, repo.Name, is.Number),
		ID:                is.id,
		NodeID:            nodeID("Issue", is.id),
		Number:            is.Number,
		Title:             is.Title,
		User:              s.simpleUser(is.author),
		State:             is.State,
		Assignees:         []userJSON{},
		CreatedAt:         timestamp(is.created),
		UpdatedAt:         timestamp(is.created),
		AuthorAssociation: association,
		Body:              nullable(is.Body),
		Reactions:         reactionsJSON{URL: u + "/reactions"},
		TimelineURL:       u + "/timeline",
	}
	j.Labels = s.labelsJSON(repo, is.Labels)
	for _, login := range is.Assignees {
		j.Assignees = append(j.Assignees, s.simpleUser(login))
	}
	if len(j.Assignees) > 0 {
		j.Assignee = &j.Assignees[0]
	}
	if is.Milestone > 0 {
		j.Milestone = s.milestoneJSON(repo, repo.milestones[is.Milestone-1])
	}
	s.addActivity(&j, is)
	return j
}

// labelsJSON renders the labels of an issue or pull request, creating
// unknown ones. The caller holds s.mu.
func (s *Server) labelsJSON(repo *repoState, names []string) []labelJSON {
	repoURL := apiURL + "/repos/" + repo.Owner + "/" + repo.Name
	out := []labelJSON{}
	for _, name := range names {
		l := s.label(repo, name)
		out = append(out, labelJSON{
			ID:          l.id,
			NodeID:      nodeID("Label", l.id),
			URL:         repoURL + "/labels/" + url.PathEscape(l.name),
			Name:        l.name,
			Color:       l.color,
			Default:     l.isDefault,
			Description: nullable(l.description),
		})
	}
	return out
}

// milestoneJSON renders a milestone. The caller holds s.mu.
func (s *Server) milestoneJSON(repo *repoState, m *milestoneState) *milestoneJSON {
	repoURL := apiURL + "/repos/" + repo.Owner + "/" + repo.Name
	u := fmt.Sprintf("%s/milestones/%d", repoURL, m.number)
	j := &milestoneJSON{
		URL:         u,
		HTMLURL:     fmt.Sprintf("%s/%s/%s/milestone/%d", webURL, repo.Owner, repo.Name, m.number),
		LabelsURL:   u + "/labels",
		ID:          m.id,
		NodeID:      nodeID("Milestone", m.id),
		Number:      m.number,
		Title:       m.title,
		Creator:     s.simpleUser(m.creator),
		State:       "open",
		CreatedAt:   timestamp(m.created),
		UpdatedAt:   timestamp(m.created),
		Description: nil,
	}
	for _, is := range repo.issues {
		if is.Milestone != m.number {
			continue
		}
		if is.State == "open" {
			j.OpenIssues++
		} else {
			j.ClosedIssues++
		}
	}
	return j
}

// addLabels adds to have the labels of a request (names, or objects with a
// name, as GitHub accepts), each once whatever its case; an unusable one is
// reported to problem as GitHub's 422 would.
func addLabels(have []string, raws []json.RawMessage, problem func(field, code string, value any)) []string {
	for _, raw := range raws {
		name, ok := scalar(raw)
		if !ok {
			var obj struct{ Name string }
			ok = json.Unmarshal(raw, &obj) == nil
			name = obj.Name
		}
		if !ok || strings.TrimSpace(name) == "" {
			problem("labels", "invalid", nil)
			continue
		}
		if !slices.ContainsFunc(have, func(l string) bool { return strings.EqualFold(l, name) }) {
			have = append(have, name)
		}
	}
	return have
}
