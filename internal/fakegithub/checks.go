package fakegithub

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// CI on commits: check runs (GitHub Actions and other apps) and commit
// statuses (the older API), which tests set with SetCheckRun and
// SetStatus and tools read per ref.

const (
	checkRunsDoc      = "https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference"
	combinedStatusDoc = "https://docs.github.com/rest/commits/statuses#get-the-combined-status-for-a-specific-reference"
)

// CheckRun is a check run as a test sets it.
type CheckRun struct {
	Name       string
	Status     string // "queued", "in_progress" or "completed" (when empty)
	Conclusion string // for a completed run: "success", "failure", "cancelled", "skipped", ...
	DetailsURL string // defaults to the run's page
}

// Status is a commit status as a test sets it.
type Status struct {
	Context     string
	State       string // "success", "failure", "error" or "pending"
	Description string
	TargetURL   string
}

type checkRunState struct {
	CheckRun
	id      int
	started time.Time
	ended   time.Time
}

type statusState struct {
	Status
	id      int
	created time.Time
}

// SetCheckRun records a check run on sha of owner/repo, replacing one of
// the same name (a re-run), and returns its id.
func (s *Server) SetCheckRun(owner, repo, sha string, run CheckRun) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	pr := s.pullRepo(s.mustRepo("SetCheckRun", owner, repo))
	if pr.checkRuns == nil {
		pr.checkRuns = map[string][]*checkRunState{}
	}
	if run.Status == "" {
		run.Status = "completed"
	}
	s.nextID++
	now := s.now()
	st := &checkRunState{CheckRun: run, id: s.nextID, started: now}
	if run.Status == "completed" {
		st.ended = now
	}
	runs := slices.DeleteFunc(pr.checkRuns[sha], func(c *checkRunState) bool { return c.Name == run.Name })
	pr.checkRuns[sha] = append(runs, st)
	return st.id
}

// SetStatus adds a commit status on sha of owner/repo; the latest of a
// context wins, as on GitHub.
func (s *Server) SetStatus(owner, repo, sha string, st Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pr := s.pullRepo(s.mustRepo("SetStatus", owner, repo))
	if pr.statuses == nil {
		pr.statuses = map[string][]*statusState{}
	}
	s.nextID++
	pr.statuses[sha] = append(pr.statuses[sha], &statusState{Status: st, id: s.nextID, created: s.now()})
}

// commitOf resolves a ref of a CI request: a branch, or a commit SHA. It
// writes GitHub's 422 when it names nothing. The caller holds s.mu.
func (s *Server) commitOf(w http.ResponseWriter, r *http.Request, doc string) (*repoState, *pullRepo, string, bool) {
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return nil, nil, "", false
	}
	pr := s.pullRepo(repo)
	ref := strings.TrimPrefix(strings.TrimPrefix(r.PathValue("ref"), "refs/"), "heads/")
	if b := pr.branches[ref]; b != nil {
		return repo, pr, b.head(), true
	}
	if len(ref) == 40 && isHex(ref) {
		return repo, pr, strings.ToLower(ref), true
	}
	if cm := s.code(repo).resolve(repo, ref); cm != nil {
		return repo, pr, cm.sha, true
	}
	writeError(w, http.StatusUnprocessableEntity, "No commit found for SHA: "+ref, doc)
	return nil, nil, "", false
}

type checkRunJSON struct {
	ID          int     `json:"id"`
	HeadSHA     string  `json:"head_sha"`
	NodeID      string  `json:"node_id"`
	ExternalID  string  `json:"external_id"`
	URL         string  `json:"url"`
	HTMLURL     string  `json:"html_url"`
	DetailsURL  string  `json:"details_url"`
	Status      string  `json:"status"`
	Conclusion  *string `json:"conclusion"`
	StartedAt   string  `json:"started_at"`
	CompletedAt *string `json:"completed_at"`
	Output      struct {
		Title            *string `json:"title"`
		Summary          *string `json:"summary"`
		Text             *string `json:"text"`
		AnnotationsCount int     `json:"annotations_count"`
		AnnotationsURL   string  `json:"annotations_url"`
	} `json:"output"`
	Name       string `json:"name"`
	CheckSuite struct {
		ID int `json:"id"`
	} `json:"check_suite"`
	App struct {
		ID   int    `json:"id"`
		Slug string `json:"slug"`
		Name string `json:"name"`
	} `json:"app"`
	PullRequests []any `json:"pull_requests"`
}

// listCheckRuns serves GET /repos/{owner}/{repo}/commits/{ref}/check-runs,
// filtered by check_name and status.
// https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference
func (s *Server) listCheckRuns(w http.ResponseWriter, r *http.Request) {
	repo, pr, sha, ok := s.commitOf(w, r, checkRunsDoc)
	if !ok {
		return
	}
	q := r.URL.Query()
	var runs []*checkRunState
	for _, c := range pr.checkRuns[sha] {
		if (q.Get("check_name") == "" || q.Get("check_name") == c.Name) && (q.Get("status") == "" || q.Get("status") == c.Status) {
			runs = append(runs, c)
		}
	}
	page, ok := fakePage(w, r, len(runs))
	if !ok {
		return
	}
	full := repo.Owner + "/" + repo.Name
	out := []checkRunJSON{}
	for _, c := range runs[page.start:page.end] {
		j := checkRunJSON{ID: c.id, HeadSHA: sha, NodeID: nodeID("CheckRun", c.id), ExternalID: "",
			URL:     fmt.Sprintf("%s/repos/%s/check-runs/%d", apiURL, full, c.id),
			HTMLURL: fmt.Sprintf("%s/%s/runs/%d", webURL, full, c.id), Status: c.Status, StartedAt: timestamp(c.started),
			Name: c.Name, PullRequests: []any{}}
		j.DetailsURL = c.DetailsURL
		if j.DetailsURL == "" {
			j.DetailsURL = j.HTMLURL
		}
		if c.Status == "completed" {
			j.Conclusion, j.CompletedAt = ptr(c.Conclusion), ptr(timestamp(c.ended))
		}
		j.Output.AnnotationsURL = j.URL + "/annotations"
		j.CheckSuite.ID = c.id + 1000000
		j.App.ID, j.App.Slug, j.App.Name = 15368, "github-actions", "GitHub Actions"
		out = append(out, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"total_count": len(runs), "check_runs": out})
}

type statusJSONItem struct {
	URL         string  `json:"url"`
	AvatarURL   string  `json:"avatar_url"`
	ID          int     `json:"id"`
	NodeID      string  `json:"node_id"`
	State       string  `json:"state"`
	Description *string `json:"description"`
	TargetURL   *string `json:"target_url"`
	Context     string  `json:"context"`
	CreatedAt   string  `json:"created_at"`
	UpdatedAt   string  `json:"updated_at"`
}

// combinedStatus serves GET /repos/{owner}/{repo}/commits/{ref}/status:
// the latest status of each context, and their combination (failure if
// any failed or errored, pending if any is pending or there are none).
// https://docs.github.com/rest/commits/statuses#get-the-combined-status-for-a-specific-reference
func (s *Server) combinedStatus(w http.ResponseWriter, r *http.Request) {
	repo, pr, sha, ok := s.commitOf(w, r, combinedStatusDoc)
	if !ok {
		return
	}
	latest := map[string]*statusState{}
	var order []string
	for _, st := range pr.statuses[sha] {
		if latest[st.Context] == nil {
			order = append(order, st.Context)
		}
		latest[st.Context] = st
	}
	full := repo.Owner + "/" + repo.Name
	state := "success"
	if len(order) == 0 {
		state = "pending"
	}
	items := []statusJSONItem{}
	for _, ctx := range order {
		st := latest[ctx]
		switch {
		case st.State == "failure" || st.State == "error":
			state = "failure"
		case st.State == "pending" && state != "failure":
			state = "pending"
		}
		items = append(items, statusJSONItem{URL: fmt.Sprintf("%s/repos/%s/statuses/%s", apiURL, full, sha),
			AvatarURL: "https://avatars.githubusercontent.com/oa/4808?v=4", ID: st.id, NodeID: nodeID("StatusContext", st.id),
			State: st.State, Description: nullable(st.Description), TargetURL: nullable(st.TargetURL), Context: st.Context,
			CreatedAt: timestamp(st.created), UpdatedAt: timestamp(st.created)})
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"state": state, "statuses": items, "sha": sha, "total_count": len(items),
		"repository": s.repoJSON(repo).minimalRepoJSON,
		"commit_url": fmt.Sprintf("%s/repos/%s/commits/%s", apiURL, full, sha),
		"url":        fmt.Sprintf("%s/repos/%s/commits/%s/status", apiURL, full, sha),
	})
}
