package fakegithub

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Actions endpoints of the catalog (issue 12): one workflow, re-running a
// whole run, and a run's artifacts, which tests add with AddArtifact.

const artifactsDoc = "https://docs.github.com/rest/actions/artifacts"

// artifactRetention is how long an artifact lasts after its run.
const artifactRetention = 90 * 24 * time.Hour

type artifactState struct {
	id      int64
	name    string
	size    int64
	created time.Time
}

// getWorkflow serves GET /repos/{owner}/{repo}/actions/workflows/{workflow}
// (an id or a file name).
// https://docs.github.com/rest/actions/workflows#get-a-workflow
func (s *Server) getWorkflow(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	var wf *workflowState
	if repo != nil {
		wf = s.actions().lookupWorkflow(repoKey(repo.Owner, repo.Name), r.PathValue("workflow"))
	}
	if wf == nil {
		writeError(w, http.StatusNotFound, "Not Found", workflowsDoc+"#get-a-workflow")
		return
	}
	writeJSON(w, http.StatusOK, workflowOf(repo, wf))
}

// rerunWorkflowRun serves POST /repos/{owner}/{repo}/actions/runs/{run}/rerun:
// a new attempt of a completed run with every job.
// https://docs.github.com/rest/actions/workflow-runs#re-run-a-workflow
func (s *Server) rerunWorkflowRun(w http.ResponseWriter, r *http.Request) {
	const doc = workflowRunsDoc + "#re-run-a-workflow"
	run := s.lookupRun(r)
	if run == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	if run.status != "completed" {
		writeError(w, http.StatusForbidden, "This workflow is already running", doc)
		return
	}
	a := s.actions()
	now := a.tick()
	jobs := run.latestJobs()
	run.attempt++
	run.status, run.conclusion, run.updated = "queued", "", now
	for _, j := range jobs {
		run.jobs = append(run.jobs, a.newJob(run, j.name, j.plan, now))
	}
	writeJSON(w, http.StatusCreated, struct{}{})
}

type artifactJSON struct {
	ID                 int64  `json:"id"`
	NodeID             string `json:"node_id"`
	Name               string `json:"name"`
	SizeInBytes        int64  `json:"size_in_bytes"`
	URL                string `json:"url"`
	ArchiveDownloadURL string `json:"archive_download_url"`
	Expired            bool   `json:"expired"`
	CreatedAt          string `json:"created_at"`
	UpdatedAt          string `json:"updated_at"`
	ExpiresAt          string `json:"expires_at"`
	WorkflowRun        struct {
		ID         int64  `json:"id"`
		HeadBranch string `json:"head_branch"`
		HeadSHA    string `json:"head_sha"`
	} `json:"workflow_run"`
}

// listRunArtifacts serves GET /repos/{owner}/{repo}/actions/runs/{run}/artifacts.
// https://docs.github.com/rest/actions/artifacts#list-workflow-run-artifacts
func (s *Server) listRunArtifacts(w http.ResponseWriter, r *http.Request) {
	run := s.lookupRun(r)
	if run == nil {
		writeError(w, http.StatusNotFound, "Not Found", artifactsDoc+"#list-workflow-run-artifacts")
		return
	}
	page, ok := fakePage(w, r, len(run.artifacts))
	if !ok {
		return
	}
	full := run.repo.Owner + "/" + run.repo.Name
	now := s.now()
	items := []artifactJSON{}
	for _, a := range run.artifacts[page.start:page.end] {
		u := fmt.Sprintf("%s/repos/%s/actions/artifacts/%d", apiURL, full, a.id)
		j := artifactJSON{ID: a.id, NodeID: nodeID("Artifact", int(a.id)), Name: a.name, SizeInBytes: a.size, URL: u,
			ArchiveDownloadURL: u + "/zip", Expired: now.After(a.created.Add(artifactRetention)),
			CreatedAt: timestamp(a.created), UpdatedAt: timestamp(a.created), ExpiresAt: timestamp(a.created.Add(artifactRetention))}
		j.WorkflowRun.ID, j.WorkflowRun.HeadBranch, j.WorkflowRun.HeadSHA = run.id, run.branch, run.sha
		items = append(items, j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"total_count": len(run.artifacts), "artifacts": items})
}

// AddArtifact adds an artifact of size bytes to run id of owner/repo and
// returns its id. It panics if there is no such run.
func (s *Server) AddArtifact(owner, repo string, id int64, name string, size int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	run := s.actions().run(repoKey(owner, repo), id)
	if run == nil {
		panic(fmt.Sprintf("fakegithub: AddArtifact: no run %d in %s/%s", id, owner, repo))
	}
	s.nextID++
	a := artifactState{id: int64(s.nextID), name: name, size: size, created: run.updated}
	run.artifacts = append(run.artifacts, a)
	return a.id
}

// cmdArtifact runs "artifact add OWNER/NAME RUN NAME SIZE" and prints the
// artifact's id.
func (s *Server) cmdArtifact(args []string) (string, error) {
	if len(args) != 5 || args[0] != "add" {
		return "", usage("artifact")
	}
	owner, repo, err := s.cmdRepoArg("artifact", args[1])
	if err != nil {
		return "", err
	}
	id, err1 := strconv.ParseInt(args[2], 10, 64)
	size, err2 := strconv.ParseInt(args[4], 10, 64)
	if err1 != nil || err2 != nil || strings.TrimSpace(args[3]) == "" {
		return "", usage("artifact")
	}
	var out int64
	if err := tryAdd("artifact", func() { out = s.AddArtifact(owner, repo, id, args[3], size) }); err != nil {
		return "", err
	}
	return strconv.FormatInt(out, 10) + "\n", nil
}
