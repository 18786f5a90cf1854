package fakegithub

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// GitHub Actions: workflows, their runs, the runs' jobs and the jobs' logs.
//
// A workflow is declared with AddWorkflow (or "workflow add"), with the jobs
// every run of it has and the conclusion each job reaches. A dispatch
// queues a run; FinishRun (or "run finish") completes it, fills in the
// steps and writes the logs. Re-running failed jobs queues a new attempt of
// the failed ones; cancelling completes the run as cancelled.
//
// Times of Actions objects come from a clock of their own, which starts at
// actionsEpoch and moves one minute per event, so that transcripts showing
// run times are stable.

// actionsEpoch is when the Actions clock starts.
var actionsEpoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// First ids, so that ids look like GitHub's (and weigh as much).
const (
	firstWorkflowID = 161335
	firstRunID      = 30433642
	firstJobID      = 399444496
	firstSuiteID    = 4209318392
)

// Docs the Actions errors point at.
const (
	workflowsDoc    = "https://docs.github.com/rest/actions/workflows"
	workflowRunsDoc = "https://docs.github.com/rest/actions/workflow-runs"
	workflowJobsDoc = "https://docs.github.com/rest/actions/workflow-jobs"
)

// Workflow describes a workflow added with AddWorkflow.
type Workflow struct {
	Owner, Repo string
	File        string // file name in .github/workflows, e.g. "ci.yml"
	Name        string // e.g. "CI"
	// Jobs are the jobs of every run, in order, each with the conclusion
	// FinishRun gives it. None means one job "build" that succeeds.
	Jobs []WorkflowJob
	// Inputs are the workflow_dispatch inputs; a dispatch with another
	// input is refused. Nil accepts any input.
	Inputs []string
	// NoDispatch means the workflow has no workflow_dispatch trigger.
	NoDispatch bool
}

// WorkflowJob is a job of a Workflow and the conclusion it reaches:
// success, failure, cancelled, skipped or timed_out.
type WorkflowJob struct {
	Name       string
	Conclusion string
}

// Run is a workflow run as returned by Runs.
type Run struct {
	ID         int64
	Number     int
	Workflow   string // workflow name
	Event      string
	Branch     string
	Status     string // queued or completed
	Conclusion string // "" until completed
	Attempt    int
}

// actionsState holds the workflows and runs of every repository, by
// repoKey. Its zero value is ready to use (see actions()).
type actionsState struct {
	workflows map[string][]*workflowState
	runs      map[string][]*runState // oldest first
	nextWF    int64
	nextRun   int64
	nextJob   int64
	clock     time.Time
}

type workflowState struct {
	Workflow
	id      int64
	created time.Time
	runs    int // runs so far, for run numbers
}

type runState struct {
	id         int64
	number     int
	repo       *repoState
	workflow   *workflowState
	branch     string
	sha        string
	event      string
	actor      string
	status     string
	conclusion string
	attempt    int
	created    time.Time
	started    time.Time
	updated    time.Time
	jobs       []*jobState     // every attempt's jobs, in creation order
	artifacts  []artifactState // uploaded files (actions_runs.go)
}

type jobState struct {
	id         int64
	run        *runState
	name       string
	attempt    int
	plan       string // the conclusion it will reach
	status     string
	conclusion string
	created    time.Time
	started    time.Time
	completed  time.Time
	steps      []stepState
	log        string
}

type stepState struct {
	name, status, conclusion string
	number                   int
	started, completed       time.Time
}

// actions returns the Actions state, making it on first use. The caller
// holds s.mu.
func (s *Server) actions() *actionsState {
	a := &s.actionsData
	if a.workflows == nil {
		a.workflows = map[string][]*workflowState{}
		a.runs = map[string][]*runState{}
		a.clock = actionsEpoch
	}
	return a
}

// tick advances the Actions clock by a minute and returns the new time.
func (a *actionsState) tick() time.Time {
	a.clock = a.clock.Add(time.Minute)
	return a.clock
}

// AddWorkflow adds an active workflow to a repository added before, and
// returns its id. It panics if the repository does not exist.
func (s *Server) AddWorkflow(w Workflow) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := repoKey(w.Owner, w.Repo)
	if s.repos[key] == nil {
		panic(fmt.Sprintf("fakegithub: AddWorkflow: no repository %s/%s; call AddRepo first", w.Owner, w.Repo))
	}
	if len(w.Jobs) == 0 {
		w.Jobs = []WorkflowJob{{Name: "build", Conclusion: "success"}}
	}
	w.Jobs = slices.Clone(w.Jobs)
	w.Inputs = slices.Clone(w.Inputs)
	a := s.actions()
	wf := &workflowState{Workflow: w, id: firstWorkflowID + a.nextWF, created: createdAt}
	a.nextWF++
	a.workflows[key] = append(a.workflows[key], wf)
	return wf.id
}

// Runs returns a snapshot of a repository's runs, newest first, or nil if
// there is none.
func (s *Server) Runs(owner, repo string) []Run {
	s.mu.Lock()
	defer s.mu.Unlock()
	runs := s.actions().runs[repoKey(owner, repo)]
	var out []Run
	for i := len(runs) - 1; i >= 0; i-- {
		r := runs[i]
		out = append(out, Run{ID: r.id, Number: r.number, Workflow: r.workflow.Name, Event: r.event,
			Branch: r.branch, Status: r.status, Conclusion: r.conclusion, Attempt: r.attempt})
	}
	return out
}

// FinishRun completes a run's unfinished jobs, each with the conclusion
// its workflow declares, or with conclusion if it is not empty, and then
// the run itself. It fails if there is no such run or it is completed.
func (s *Server) FinishRun(owner, repo string, id int64, conclusion string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.actions()
	run := a.run(repoKey(owner, repo), id)
	if run == nil {
		return fmt.Errorf("no run %d in %s/%s", id, owner, repo)
	}
	if run.status == "completed" {
		return fmt.Errorf("run %d is already completed", id)
	}
	start := a.tick()
	if run.started.IsZero() || run.attempt > 1 {
		run.started = start
	}
	for _, j := range run.jobs {
		if j.status == "completed" {
			continue
		}
		c := j.plan
		if conclusion != "" {
			c = conclusion
		}
		a.finishJob(j, c, start)
	}
	run.status, run.conclusion = "completed", runConclusion(run.latestJobs())
	run.updated = a.tick()
	return nil
}

// run finds a run of a repository. The caller holds s.mu.
func (a *actionsState) run(key string, id int64) *runState {
	for _, r := range a.runs[key] {
		if r.id == id {
			return r
		}
	}
	return nil
}

// job finds a job by id, in any repository. The caller holds s.mu.
func (a *actionsState) job(id int64) *jobState {
	for _, runs := range a.runs {
		for _, r := range runs {
			for _, j := range r.jobs {
				if j.id == id {
					return j
				}
			}
		}
	}
	return nil
}

// latestJobs are the jobs of the run's latest attempt: for each job name,
// its most recent execution (a job that passed before a re-run keeps its
// earlier execution).
func (r *runState) latestJobs() []*jobState {
	var out []*jobState
	for _, j := range r.jobs {
		i := slices.IndexFunc(out, func(o *jobState) bool { return o.name == j.name })
		if i < 0 {
			out = append(out, j)
		} else {
			out[i] = j
		}
	}
	return out
}

// runConclusion is what a run concludes from its jobs.
func runConclusion(jobs []*jobState) string {
	for _, c := range []string{"failure", "timed_out", "cancelled"} {
		for _, j := range jobs {
			if j.conclusion == c {
				if c == "timed_out" {
					return "failure"
				}
				return c
			}
		}
	}
	return "success"
}

// finishJob completes a job with a conclusion: its steps and log follow
// from it.
func (a *actionsState) finishJob(j *jobState, conclusion string, at time.Time) {
	j.status, j.conclusion = "completed", conclusion
	j.started, j.completed = at, at.Add(42*time.Second)
	j.steps = jobSteps(j.name, conclusion, j.started)
	if conclusion != "skipped" {
		j.log = jobLog(j, conclusion)
	}
}

// jobSteps are the steps of a job that ended with conclusion: the main
// step fails, times out or is cancelled; the post steps run anyway.
func jobSteps(name, conclusion string, at time.Time) []stepState {
	names := []string{"Set up job", "Run actions/checkout@v4", "Run " + name, "Post Run actions/checkout@v4", "Complete job"}
	steps := make([]stepState, len(names))
	for i, n := range names {
		st := stepState{name: n, status: "completed", conclusion: "success", number: i + 1,
			started: at.Add(time.Duration(i*8) * time.Second), completed: at.Add(time.Duration(i*8+7) * time.Second)}
		switch {
		case conclusion == "skipped":
			st.conclusion = "skipped"
		case i == 2 && conclusion != "success":
			st.conclusion = conclusion
			if conclusion == "timed_out" {
				st.conclusion = "cancelled"
			}
		}
		steps[i] = st
	}
	return steps
}

// jobLog writes the log of a finished job, in GitHub's format: a byte
// order mark, then each line after a timestamp with seven decimals. A job
// named "test" prints a long go test run; a failing job ends its main step
// with an error.
func jobLog(j *jobState, conclusion string) string {
	var b strings.Builder
	b.WriteString("\ufeff")
	t := j.started
	line := func(format string, args ...any) {
		b.WriteString(t.UTC().Format("2006-01-02T15:04:05.0000000Z"))
		b.WriteByte(' ')
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
		t = t.Add(37 * time.Millisecond)
	}
	repo := j.run.repo.Owner + "/" + j.run.repo.Name
	line("Current runner version: '2.321.0'")
	line("##[group]Operating System")
	line("Ubuntu")
	line("24.04.1")
	line("LTS")
	line("##[endgroup]")
	line("##[group]Runner Image")
	line("Image: ubuntu-24.04")
	line("Version: 20260105.1.0")
	line("##[endgroup]")
	line("Secret source: Actions")
	line("Prepare workflow directory")
	line("Prepare all required actions")
	line("Getting action download info")
	line("Download action repository 'actions/checkout@v4' (SHA:11bd71901bbe5b1630ceea73d27597364c9af683)")
	line("Complete job name: %s", j.name)
	line("##[group]Run actions/checkout@v4")
	line("with:")
	line("  repository: %s", repo)
	line("##[endgroup]")
	line("Syncing repository: %s", repo)
	line("[command]/usr/bin/git init %s", "/home/runner/work/"+j.run.repo.Name+"/"+j.run.repo.Name)
	line("[command]/usr/bin/git checkout --progress --force -B %s refs/remotes/origin/%s", j.run.branch, j.run.branch)
	line("\x1b[36;1mHEAD is now at %s Update README.md\x1b[0m", j.run.sha[:7])
	line("##[group]Run %s", j.name)
	line("\x1b[36;1mgo %s ./...\x1b[0m", j.name)
	line("shell: /usr/bin/bash -e {0}")
	line("##[endgroup]")
	if j.name == "test" {
		for i := 1; i <= 240; i++ {
			line("=== RUN   TestCase%03d", i)
			if i%2 == 0 {
				line("--- PASS: TestCase%03d (0.00s)", i-1)
			}
		}
	}
	switch conclusion {
	case "success":
		line("ok  \tgithub.com/%s\t0.412s", repo)
	case "failure":
		line("=== RUN   TestParseVersion")
		line("    version_test.go:42: ParseVersion(\"1.2.3\") = 1.2.0, want 1.2.3")
		line("--- FAIL: TestParseVersion (0.00s)")
		line("FAIL")
		line("FAIL\tgithub.com/%s\t0.412s", repo)
		line("##[error]Process completed with exit code 1.")
	case "timed_out":
		line("##[error]The job running on runner GitHub Actions 2 has exceeded the maximum execution time of 360 minutes.")
	case "cancelled":
		line("##[error]The operation was canceled.")
	}
	line("Post job cleanup.")
	line("[command]/usr/bin/git version")
	line("git version 2.47.1")
	line("Cleaning up orphan processes")
	return b.String()
}

// lookupWorkflow finds a workflow by id or file name. The caller holds s.mu.
func (a *actionsState) lookupWorkflow(key, idOrFile string) *workflowState {
	for _, wf := range a.workflows[key] {
		if strconv.FormatInt(wf.id, 10) == idOrFile || wf.File == idOrFile {
			return wf
		}
	}
	return nil
}

// listWorkflows serves GET /repos/{owner}/{repo}/actions/workflows.
// https://docs.github.com/rest/actions/workflows#list-repository-workflows
func (s *Server) listWorkflows(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", workflowsDoc+"#list-repository-workflows")
		return
	}
	all := s.actions().workflows[repoKey(repo.Owner, repo.Name)]
	page, ok := fakePage(w, r, len(all))
	if !ok {
		return
	}
	items := make([]workflowJSON, 0, page.end-page.start)
	for _, wf := range all[page.start:page.end] {
		items = append(items, workflowOf(repo, wf))
	}
	writeJSON(w, http.StatusOK, struct {
		TotalCount int            `json:"total_count"`
		Workflows  []workflowJSON `json:"workflows"`
	}{len(all), items})
}

// workflowJSON is GitHub's "workflow".
type workflowJSON struct {
	ID        int64  `json:"id"`
	NodeID    string `json:"node_id"`
	Name      string `json:"name"`
	Path      string `json:"path"`
	State     string `json:"state"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
	URL       string `json:"url"`
	HTMLURL   string `json:"html_url"`
	BadgeURL  string `json:"badge_url"`
}

func workflowOf(repo *repoState, wf *workflowState) workflowJSON {
	full := repo.Owner + "/" + repo.Name
	p := ".github/workflows/" + wf.File
	return workflowJSON{
		ID:        wf.id,
		NodeID:    nodeID("Workflow", int(wf.id)),
		Name:      wf.Name,
		Path:      p,
		State:     "active",
		CreatedAt: timestamp(wf.created),
		UpdatedAt: timestamp(wf.created),
		URL:       fmt.Sprintf("%s/repos/%s/actions/workflows/%d", apiURL, full, wf.id),
		HTMLURL:   fmt.Sprintf("%s/%s/blob/%s/%s", webURL, full, defaultBranch(repo), p),
		BadgeURL:  fmt.Sprintf("%s/%s/workflows/%s/badge.svg", webURL, full, url.PathEscape(wf.Name)),
	}
}

// pushedAt is when a repository's head commit was made.
func pushedAt(repo *repoState) time.Time {
	if repo.PushedAt.IsZero() {
		return createdAt
	}
	return repo.PushedAt
}

// defaultBranch is a repository's default branch.
func defaultBranch(repo *repoState) string {
	if repo.DefaultBranch == "" {
		return "main"
	}
	return repo.DefaultBranch
}

// dispatchRequest is the body of a workflow dispatch.
type dispatchRequest struct {
	Ref    *string        `json:"ref"`
	Inputs map[string]any `json:"inputs"`
}

// dispatchWorkflow serves POST /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches.
// https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event
func (s *Server) dispatchWorkflow(w http.ResponseWriter, r *http.Request) {
	const doc = workflowsDoc + "#create-a-workflow-dispatch-event"
	repo := s.lookupRepo(r)
	a := s.actions()
	var wf *workflowState
	if repo != nil {
		wf = a.lookupWorkflow(repoKey(repo.Owner, repo.Name), r.PathValue("workflow"))
	}
	if wf == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	var req dispatchRequest
	if !decodeJSONBody(w, r, doc, &req) {
		return
	}
	if req.Ref == nil || *req.Ref == "" {
		writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"ref\" wasn't supplied.", doc)
		return
	}
	if wf.NoDispatch {
		writeError(w, http.StatusUnprocessableEntity, "Workflow does not have 'workflow_dispatch' trigger", doc)
		return
	}
	branch := strings.TrimPrefix(*req.Ref, "refs/heads/")
	if branch != defaultBranch(repo) {
		writeError(w, http.StatusUnprocessableEntity, "No ref found for: "+*req.Ref, doc)
		return
	}
	if wf.Inputs != nil {
		var unexpected []string
		for name := range req.Inputs {
			if !slices.Contains(wf.Inputs, name) {
				unexpected = append(unexpected, name)
			}
		}
		if len(unexpected) > 0 {
			slices.Sort(unexpected)
			writeError(w, http.StatusUnprocessableEntity, "Unexpected inputs provided: "+string(mustJSON(unexpected)), doc)
			return
		}
	}

	now := a.tick()
	wf.runs++
	run := &runState{
		id: firstRunID + a.nextRun, number: wf.runs, repo: repo, workflow: wf,
		branch: branch, sha: headSHA(repo, branch), event: "workflow_dispatch", actor: s.viewer,
		status: "queued", attempt: 1, created: now, updated: now,
	}
	a.nextRun++
	for _, spec := range wf.Jobs {
		run.jobs = append(run.jobs, a.newJob(run, spec.Name, spec.Conclusion, now))
	}
	key := repoKey(repo.Owner, repo.Name)
	a.runs[key] = append(a.runs[key], run)
	w.WriteHeader(http.StatusNoContent)
}

// newJob queues a job of the run's current attempt.
func (a *actionsState) newJob(run *runState, name, plan string, now time.Time) *jobState {
	j := &jobState{id: firstJobID + a.nextJob, run: run, name: name, attempt: run.attempt, plan: plan, status: "queued", created: now}
	a.nextJob++
	return j
}

// headSHA is the commit a branch points at: made up, but stable.
func headSHA(repo *repoState, branch string) string {
	sum := sha1.Sum([]byte(repo.Owner + "/" + repo.Name + "@" + branch))
	return hex.EncodeToString(sum[:])
}

// listWorkflowRuns serves GET /repos/{owner}/{repo}/actions/runs and
// GET /repos/{owner}/{repo}/actions/workflows/{workflow}/runs, newest first.
// https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-repository
func (s *Server) listWorkflowRuns(w http.ResponseWriter, r *http.Request) {
	const doc = workflowRunsDoc + "#list-workflow-runs-for-a-repository"
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	a := s.actions()
	key := repoKey(repo.Owner, repo.Name)
	var wf *workflowState
	if id := r.PathValue("workflow"); id != "" {
		if wf = a.lookupWorkflow(key, id); wf == nil {
			writeError(w, http.StatusNotFound, "Not Found", workflowRunsDoc+"#list-workflow-runs-for-a-workflow")
			return
		}
	}
	q := r.URL.Query()
	var match []*runState
	runs := a.runs[key]
	for i := len(runs) - 1; i >= 0; i-- {
		run := runs[i]
		switch {
		case wf != nil && run.workflow != wf,
			q.Get("actor") != "" && !strings.EqualFold(q.Get("actor"), run.actor),
			q.Get("branch") != "" && q.Get("branch") != run.branch,
			q.Get("event") != "" && q.Get("event") != run.event,
			q.Get("head_sha") != "" && q.Get("head_sha") != run.sha,
			q.Get("status") != "" && q.Get("status") != run.status && q.Get("status") != run.conclusion:
			continue
		}
		match = append(match, run)
	}
	page, ok := fakePage(w, r, len(match))
	if !ok {
		return
	}
	items := make([]workflowRunJSON, 0, page.end-page.start)
	for _, run := range match[page.start:page.end] {
		items = append(items, s.workflowRunJSON(run))
	}
	writeJSON(w, http.StatusOK, struct {
		TotalCount   int               `json:"total_count"`
		WorkflowRuns []workflowRunJSON `json:"workflow_runs"`
	}{len(match), items})
}

// lookupRun finds the run named in a request's path. The caller holds s.mu.
func (s *Server) lookupRun(r *http.Request) *runState {
	repo := s.lookupRepo(r)
	id, err := strconv.ParseInt(r.PathValue("run"), 10, 64)
	if repo == nil || err != nil {
		return nil
	}
	return s.actions().run(repoKey(repo.Owner, repo.Name), id)
}

// getWorkflowRun serves GET /repos/{owner}/{repo}/actions/runs/{run}.
// https://docs.github.com/rest/actions/workflow-runs#get-a-workflow-run
func (s *Server) getWorkflowRun(w http.ResponseWriter, r *http.Request) {
	run := s.lookupRun(r)
	if run == nil {
		writeError(w, http.StatusNotFound, "Not Found", workflowRunsDoc+"#get-a-workflow-run")
		return
	}
	writeJSON(w, http.StatusOK, s.workflowRunJSON(run))
}

// listRunJobs serves GET /repos/{owner}/{repo}/actions/runs/{run}/jobs;
// filter=latest (the default) gives each job's latest execution, all every
// attempt's.
// https://docs.github.com/rest/actions/workflow-jobs#list-jobs-for-a-workflow-run
func (s *Server) listRunJobs(w http.ResponseWriter, r *http.Request) {
	const doc = workflowJobsDoc + "#list-jobs-for-a-workflow-run"
	run := s.lookupRun(r)
	if run == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	jobs := run.latestJobs()
	switch r.URL.Query().Get("filter") {
	case "", "latest":
	case "all":
		jobs = run.jobs
	default:
		writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\nInvalid property /filter: `"+r.URL.Query().Get("filter")+"` is not a possible value. Must be one of the following: latest, all.", doc)
		return
	}
	page, ok := fakePage(w, r, len(jobs))
	if !ok {
		return
	}
	items := make([]jobJSON, 0, page.end-page.start)
	for _, j := range jobs[page.start:page.end] {
		items = append(items, jobOf(j))
	}
	writeJSON(w, http.StatusOK, struct {
		TotalCount int       `json:"total_count"`
		Jobs       []jobJSON `json:"jobs"`
	}{len(jobs), items})
}

// rerunFailedJobs serves POST /repos/{owner}/{repo}/actions/runs/{run}/rerun-failed-jobs:
// a new attempt of the run with its failed, timed out and cancelled jobs.
// https://docs.github.com/rest/actions/workflow-runs#re-run-failed-jobs-from-a-workflow-run
func (s *Server) rerunFailedJobs(w http.ResponseWriter, r *http.Request) {
	const doc = workflowRunsDoc + "#re-run-failed-jobs-from-a-workflow-run"
	run := s.lookupRun(r)
	if run == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	if run.status != "completed" {
		writeError(w, http.StatusForbidden, "This workflow is already running", doc)
		return
	}
	var failed []*jobState
	for _, j := range run.latestJobs() {
		if j.conclusion == "failure" || j.conclusion == "timed_out" || j.conclusion == "cancelled" {
			failed = append(failed, j)
		}
	}
	if len(failed) == 0 {
		writeError(w, http.StatusForbidden, "This workflow run cannot be retried", doc)
		return
	}
	a := s.actions()
	now := a.tick()
	run.attempt++
	run.status, run.conclusion, run.updated = "queued", "", now
	for _, j := range failed {
		run.jobs = append(run.jobs, a.newJob(run, j.name, j.plan, now))
	}
	writeJSON(w, http.StatusCreated, struct{}{})
}

// cancelWorkflowRun serves POST /repos/{owner}/{repo}/actions/runs/{run}/cancel.
// GitHub cancels asynchronously; the fake at once.
// https://docs.github.com/rest/actions/workflow-runs#cancel-a-workflow-run
func (s *Server) cancelWorkflowRun(w http.ResponseWriter, r *http.Request) {
	const doc = workflowRunsDoc + "#cancel-a-workflow-run"
	run := s.lookupRun(r)
	if run == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	if run.status == "completed" {
		writeError(w, http.StatusConflict, "Cannot cancel a workflow run that is completed.", doc)
		return
	}
	a := s.actions()
	now := a.tick()
	for _, j := range run.jobs {
		if j.status != "completed" {
			a.finishJob(j, "cancelled", now)
		}
	}
	run.status, run.conclusion, run.updated = "completed", "cancelled", now
	writeJSON(w, http.StatusAccepted, struct{}{})
}

// jobLogRedirect serves GET /repos/{owner}/{repo}/actions/jobs/{job}/logs:
// like GitHub, a 302 to a short-lived signed download URL, here on the
// fake itself (see downloadJobLog).
// https://docs.github.com/rest/actions/workflow-jobs#download-job-logs-for-a-workflow-run
func (s *Server) jobLogRedirect(w http.ResponseWriter, r *http.Request) {
	const doc = workflowJobsDoc + "#download-job-logs-for-a-workflow-run"
	repo := s.lookupRepo(r)
	id, err := strconv.ParseInt(r.PathValue("job"), 10, 64)
	var j *jobState
	if repo != nil && err == nil {
		j = s.actions().job(id)
	}
	if j == nil || j.run.repo != repo || j.log == "" {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("http://%s%s?sig=%s", r.Host, jobLogPath(id), logSignature(id)))
	w.WriteHeader(http.StatusFound)
}

// jobLogPath is where a job's log is downloaded from.
func jobLogPath(id int64) string {
	return "/_blobs/job-logs/" + strconv.FormatInt(id, 10)
}

// logSignature signs a log download URL, as the blob store's SAS does.
func logSignature(id int64) string {
	sum := sha256.Sum256([]byte("fakegithub job log " + strconv.FormatInt(id, 10)))
	return hex.EncodeToString(sum[:8])
}

// downloadJobLog serves GET /_blobs/job-logs/{job}?sig=...: the log as
// plain text, when the signature is right.
func (s *Server) downloadJobLog(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("job"), 10, 64)
	if err != nil || r.URL.Query().Get("sig") != logSignature(id) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, "AuthenticationFailed: Server failed to authenticate the request.")
		return
	}
	j := s.actions().job(id)
	if j == nil || j.log == "" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, "BlobNotFound: The specified blob does not exist.")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprint(w, j.log)
}

// workflowRunJSON is GitHub's "workflow run", field for field and in the
// same order.
type workflowRunJSON struct {
	ID                  int64             `json:"id"`
	Name                string            `json:"name"`
	NodeID              string            `json:"node_id"`
	HeadBranch          string            `json:"head_branch"`
	HeadSHA             string            `json:"head_sha"`
	Path                string            `json:"path"`
	DisplayTitle        string            `json:"display_title"`
	RunNumber           int               `json:"run_number"`
	Event               string            `json:"event"`
	Status              string            `json:"status"`
	Conclusion          *string           `json:"conclusion"`
	WorkflowID          int64             `json:"workflow_id"`
	CheckSuiteID        int64             `json:"check_suite_id"`
	CheckSuiteNodeID    string            `json:"check_suite_node_id"`
	URL                 string            `json:"url"`
	HTMLURL             string            `json:"html_url"`
	PullRequests        []json.RawMessage `json:"pull_requests"`
	CreatedAt           string            `json:"created_at"`
	UpdatedAt           string            `json:"updated_at"`
	Actor               userJSON          `json:"actor"`
	RunAttempt          int               `json:"run_attempt"`
	ReferencedWorkflows []json.RawMessage `json:"referenced_workflows"`
	RunStartedAt        string            `json:"run_started_at"`
	TriggeringActor     userJSON          `json:"triggering_actor"`
	JobsURL             string            `json:"jobs_url"`
	LogsURL             string            `json:"logs_url"`
	CheckSuiteURL       string            `json:"check_suite_url"`
	ArtifactsURL        string            `json:"artifacts_url"`
	CancelURL           string            `json:"cancel_url"`
	RerunURL            string            `json:"rerun_url"`
	PreviousAttemptURL  *string           `json:"previous_attempt_url"`
	WorkflowURL         string            `json:"workflow_url"`
	HeadCommit          headCommitJSON    `json:"head_commit"`
	Repository          minimalRepoJSON   `json:"repository"`
	HeadRepository      minimalRepoJSON   `json:"head_repository"`
}

// headCommitJSON is GitHub's "simple commit".
type headCommitJSON struct {
	ID        string        `json:"id"`
	TreeID    string        `json:"tree_id"`
	Message   string        `json:"message"`
	Timestamp string        `json:"timestamp"`
	Author    gitPersonJSON `json:"author"`
	Committer gitPersonJSON `json:"committer"`
}

type gitPersonJSON struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// workflowRunJSON renders a run. The caller holds s.mu.
func (s *Server) workflowRunJSON(run *runState) workflowRunJSON {
	full := run.repo.Owner + "/" + run.repo.Name
	u := fmt.Sprintf("%s/repos/%s/actions/runs/%d", apiURL, full, run.id)
	suite := firstSuiteID + run.id - firstRunID
	var conclusion, previous *string
	if run.conclusion != "" {
		conclusion = ptr(run.conclusion)
	}
	if run.attempt > 1 {
		previous = ptr(fmt.Sprintf("%s/attempts/%d", u, run.attempt-1))
	}
	started := run.started
	if started.IsZero() {
		started = run.created
	}
	actor := s.simpleUser(run.actor)
	tree := sha1.Sum([]byte("tree " + run.sha))
	repo := s.minimalRepoJSON(run.repo)
	return workflowRunJSON{
		ID:                  run.id,
		Name:                run.workflow.Name,
		NodeID:              nodeID("WorkflowRun", int(run.id)),
		HeadBranch:          run.branch,
		HeadSHA:             run.sha,
		Path:                ".github/workflows/" + run.workflow.File,
		DisplayTitle:        run.workflow.Name,
		RunNumber:           run.number,
		Event:               run.event,
		Status:              run.status,
		Conclusion:          conclusion,
		WorkflowID:          run.workflow.id,
		CheckSuiteID:        suite,
		CheckSuiteNodeID:    nodeID("CheckSuite", int(suite)),
		URL:                 u,
		HTMLURL:             fmt.Sprintf("%s/%s/actions/runs/%d", webURL, full, run.id),
		PullRequests:        []json.RawMessage{},
		CreatedAt:           timestamp(run.created),
		UpdatedAt:           timestamp(run.updated),
		Actor:               actor,
		RunAttempt:          run.attempt,
		ReferencedWorkflows: []json.RawMessage{},
		RunStartedAt:        timestamp(started),
		TriggeringActor:     actor,
		JobsURL:             u + "/jobs",
		LogsURL:             u + "/logs",
		CheckSuiteURL:       fmt.Sprintf("%s/repos/%s/check-suites/%d", apiURL, full, suite),
		ArtifactsURL:        u + "/artifacts",
		CancelURL:           u + "/cancel",
		RerunURL:            u + "/rerun",
		PreviousAttemptURL:  previous,
		WorkflowURL:         fmt.Sprintf("%s/repos/%s/actions/workflows/%d", apiURL, full, run.workflow.id),
		HeadCommit: headCommitJSON{
			ID:        run.sha,
			TreeID:    hex.EncodeToString(tree[:]),
			Message:   "Update README.md",
			Timestamp: timestamp(pushedAt(run.repo)),
			Author:    gitPersonJSON{Name: "Monalisa Octocat", Email: "octocat@github.com"},
			Committer: gitPersonJSON{Name: "GitHub", Email: "noreply@github.com"},
		},
		Repository:     repo,
		HeadRepository: repo,
	}
}

// minimalRepoJSON renders a repository the way a workflow run embeds it.
// The caller holds s.mu.
func (s *Server) minimalRepoJSON(st *repoState) minimalRepoJSON {
	return s.repoJSON(st).minimalRepoJSON
}

// jobJSON is GitHub's "job", field for field and in the same order.
type jobJSON struct {
	ID              int64      `json:"id"`
	RunID           int64      `json:"run_id"`
	WorkflowName    string     `json:"workflow_name"`
	HeadBranch      string     `json:"head_branch"`
	RunURL          string     `json:"run_url"`
	RunAttempt      int        `json:"run_attempt"`
	NodeID          string     `json:"node_id"`
	HeadSHA         string     `json:"head_sha"`
	URL             string     `json:"url"`
	HTMLURL         string     `json:"html_url"`
	Status          string     `json:"status"`
	Conclusion      *string    `json:"conclusion"`
	CreatedAt       string     `json:"created_at"`
	StartedAt       string     `json:"started_at"`
	CompletedAt     *string    `json:"completed_at"`
	Name            string     `json:"name"`
	Steps           []stepJSON `json:"steps"`
	CheckRunURL     string     `json:"check_run_url"`
	Labels          []string   `json:"labels"`
	RunnerID        *int       `json:"runner_id"`
	RunnerName      *string    `json:"runner_name"`
	RunnerGroupID   *int       `json:"runner_group_id"`
	RunnerGroupName *string    `json:"runner_group_name"`
}

// stepJSON is a step of a job.
type stepJSON struct {
	Name        string  `json:"name"`
	Status      string  `json:"status"`
	Conclusion  *string `json:"conclusion"`
	Number      int     `json:"number"`
	StartedAt   *string `json:"started_at"`
	CompletedAt *string `json:"completed_at"`
}

// jobOf renders a job.
func jobOf(j *jobState) jobJSON {
	full := j.run.repo.Owner + "/" + j.run.repo.Name
	out := jobJSON{
		ID:           j.id,
		RunID:        j.run.id,
		WorkflowName: j.run.workflow.Name,
		HeadBranch:   j.run.branch,
		RunURL:       fmt.Sprintf("%s/repos/%s/actions/runs/%d", apiURL, full, j.run.id),
		RunAttempt:   j.attempt,
		NodeID:       nodeID("Job", int(j.id)),
		HeadSHA:      j.run.sha,
		URL:          fmt.Sprintf("%s/repos/%s/actions/jobs/%d", apiURL, full, j.id),
		HTMLURL:      fmt.Sprintf("%s/%s/actions/runs/%d/job/%d", webURL, full, j.run.id, j.id),
		Status:       j.status,
		CreatedAt:    timestamp(j.created),
		StartedAt:    timestamp(j.created),
		Name:         j.name,
		Steps:        []stepJSON{},
		CheckRunURL:  fmt.Sprintf("%s/repos/%s/check-runs/%d", apiURL, full, j.id),
		Labels:       []string{"ubuntu-latest"},
	}
	if j.status == "completed" {
		out.Conclusion = ptr(j.conclusion)
		out.StartedAt = timestamp(j.started)
		out.CompletedAt = ptr(timestamp(j.completed))
		out.RunnerID, out.RunnerName = ptr(2), ptr("GitHub Actions 2")
		out.RunnerGroupID, out.RunnerGroupName = ptr(2), ptr("GitHub Actions")
	}
	for _, st := range j.steps {
		out.Steps = append(out.Steps, stepJSON{
			Name: st.name, Status: st.status, Conclusion: ptr(st.conclusion), Number: st.number,
			StartedAt: ptr(timestamp(st.started)), CompletedAt: ptr(timestamp(st.completed)),
		})
	}
	return out
}

// cmdWorkflow runs "workflow add OWNER/NAME FILE NAME [JOB=CONCLUSION ...]
// [inputs=A,B] [nodispatch]" and prints the workflow's id.
func (s *Server) cmdWorkflow(args []string) (string, error) {
	if len(args) < 4 || args[0] != "add" {
		return "", usage("workflow")
	}
	owner, name, ok := splitRepo(args[1])
	if !ok {
		return "", fmt.Errorf("repository must be OWNER/NAME, got %q\n%s", args[1], usage("workflow"))
	}
	if !s.hasRepo(owner, name) {
		return "", fmt.Errorf("no repository %s/%s; add it first with: repo add %s/%s", owner, name, owner, name)
	}
	wf := Workflow{Owner: owner, Repo: name, File: args[2], Name: args[3]}
	for _, opt := range args[4:] {
		key, value, found := strings.Cut(opt, "=")
		switch {
		case opt == "nodispatch":
			wf.NoDispatch = true
		case key == "inputs" && found:
			wf.Inputs = strings.Split(value, ",")
		case found && slices.Contains([]string{"success", "failure", "cancelled", "skipped", "timed_out"}, value):
			wf.Jobs = append(wf.Jobs, WorkflowJob{Name: key, Conclusion: value})
		default:
			return "", fmt.Errorf("workflow option must be JOB=success|failure|cancelled|skipped|timed_out, inputs=A,B or nodispatch, got %q\n%s", opt, usage("workflow"))
		}
	}
	return strconv.FormatInt(s.AddWorkflow(wf), 10) + "\n", nil
}

// cmdRun runs "run finish OWNER/NAME ID [CONCLUSION]".
func (s *Server) cmdRun(args []string) error {
	if len(args) < 3 || len(args) > 4 || args[0] != "finish" {
		return usage("run")
	}
	owner, name, ok := splitRepo(args[1])
	if !ok {
		return fmt.Errorf("repository must be OWNER/NAME, got %q\n%s", args[1], usage("run"))
	}
	id, err := strconv.ParseInt(args[2], 10, 64)
	if err != nil {
		return fmt.Errorf("ID must be a run id, got %q\n%s", args[2], usage("run"))
	}
	conclusion := ""
	if len(args) == 4 {
		conclusion = args[3]
	}
	return s.FinishRun(owner, name, id, conclusion)
}

// cmdRuns runs "runs OWNER/NAME": one line per run, newest first.
func (s *Server) cmdRuns(args []string) (string, error) {
	if len(args) != 1 {
		return "", usage("runs")
	}
	owner, name, ok := splitRepo(args[0])
	if !ok {
		return "", fmt.Errorf("repository must be OWNER/NAME, got %q\n%s", args[0], usage("runs"))
	}
	if !s.hasRepo(owner, name) {
		return "", fmt.Errorf("no repository %s/%s; add it first with: repo add %s/%s", owner, name, owner, name)
	}
	var b strings.Builder
	for _, r := range s.Runs(owner, name) {
		fmt.Fprintf(&b, "%d #%d %s %s %s attempt=%d %s", r.ID, r.Number, r.Workflow, r.Event, r.Branch, r.Attempt, r.Status)
		if r.Conclusion != "" {
			b.WriteString(" " + r.Conclusion)
		}
		b.WriteByte('\n')
	}
	return b.String(), nil
}
