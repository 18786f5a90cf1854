package fakegithub

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// actionsSetup is the harness with a CI workflow in octocat/hello whose
// runs have a passing build job and a failing test job.
func actionsSetup(t *testing.T) (*harness, int64) {
	t.Helper()
	h := setup(t)
	id := h.srv.AddWorkflow(Workflow{Owner: "octocat", Repo: "hello", File: "ci.yml", Name: "CI",
		Jobs: []WorkflowJob{{"build", "success"}, {"test", "failure"}}, Inputs: []string{"level"}})
	h.srv.AddWorkflow(Workflow{Owner: "octocat", Repo: "hello", File: "push.yml", Name: "Push", NoDispatch: true})
	return h, id
}

func TestListWorkflows(t *testing.T) {
	h, id := actionsSetup(t)
	res := h.do("GET", "/repos/octocat/hello/actions/workflows?per_page=1", "")
	if res.status != 200 {
		t.Fatalf("status %d: %s", res.status, res.body)
	}
	doc := decode(t, res.body)
	if doc["total_count"] != 2.0 {
		t.Errorf("total_count = %v, want 2", doc["total_count"])
	}
	wf := doc["workflows"].([]any)[0].(map[string]any)
	want := map[string]any{
		"id": float64(id), "name": "CI", "path": ".github/workflows/ci.yml", "state": "active",
		"html_url": "https://github.com/octocat/hello/blob/main/.github/workflows/ci.yml",
	}
	for k, v := range want {
		if wf[k] != v {
			t.Errorf("%s = %v, want %v", k, wf[k], v)
		}
	}
	if link := res.header.Get("Link"); !strings.Contains(link, `page=2&per_page=1>; rel="next"`) {
		t.Errorf("Link = %q, want a next page", link)
	}
	if res := h.do("GET", "/repos/ghost/none/actions/workflows", ""); res.status != 404 {
		t.Errorf("unknown repository: %d", res.status)
	}
}

func TestDispatchErrors(t *testing.T) {
	tests := []struct {
		name, path, body string
		status           int
		message          string
	}{
		{"unknown workflow", "/repos/octocat/hello/actions/workflows/nope.yml/dispatches", `{"ref":"main"}`, 404, "Not Found"},
		{"missing ref", "/repos/octocat/hello/actions/workflows/ci.yml/dispatches", `{}`, 422, "\"ref\" wasn't supplied"},
		{"unknown ref", "/repos/octocat/hello/actions/workflows/ci.yml/dispatches", `{"ref":"nope"}`, 422, "No ref found for: nope"},
		{"no dispatch trigger", "/repos/octocat/hello/actions/workflows/push.yml/dispatches", `{"ref":"main"}`, 422, "does not have 'workflow_dispatch' trigger"},
		{"unexpected input", "/repos/octocat/hello/actions/workflows/ci.yml/dispatches", `{"ref":"main","inputs":{"zz":"1","level":"2"}}`, 422, `Unexpected inputs provided: ["zz"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := actionsSetup(t)
			res := h.do("POST", tt.path, tt.body)
			if res.status != tt.status || !strings.Contains(decode(t, res.body)["message"].(string), tt.message) {
				t.Errorf("got %d %s, want %d %q", res.status, res.body, tt.status, tt.message)
			}
			if runs := h.srv.Runs("octocat", "hello"); len(runs) != 0 {
				t.Errorf("a refused dispatch made runs: %v", runs)
			}
		})
	}
}

// TestRunLifecycle follows a run: dispatch, list, finish, jobs, log,
// re-run of the failed job, and cancel.
func TestRunLifecycle(t *testing.T) {
	h, wfID := actionsSetup(t)
	if res := h.do("POST", "/repos/octocat/hello/actions/workflows/ci.yml/dispatches", `{"ref":"main","inputs":{"level":"debug"}}`); res.status != 204 || len(res.body) != 0 {
		t.Fatalf("dispatch: %d %s", res.status, res.body)
	}
	runs := h.srv.Runs("octocat", "hello")
	if len(runs) != 1 {
		t.Fatalf("runs = %v", runs)
	}
	id := strconv.FormatInt(runs[0].ID, 10)
	base := "/repos/octocat/hello/actions/runs/" + id

	for _, q := range []string{"", "?status=queued", "?event=workflow_dispatch&branch=main&actor=OctoCat"} {
		res := h.do("GET", "/repos/octocat/hello/actions/workflows/"+strconv.FormatInt(wfID, 10)+"/runs"+q, "")
		if doc := decode(t, res.body); doc["total_count"] != 1.0 {
			t.Errorf("runs%s: total_count = %v, want 1", q, doc["total_count"])
		}
	}
	if doc := decode(t, h.do("GET", "/repos/octocat/hello/actions/runs?status=failure", "").body); doc["total_count"] != 0.0 {
		t.Errorf("status=failure before the end: %v", doc["total_count"])
	}
	if res := h.do("POST", base+"/rerun-failed-jobs", ""); res.status != 403 || !strings.Contains(string(res.body), "already running") {
		t.Errorf("rerun of a queued run: %d %s", res.status, res.body)
	}

	if err := h.srv.FinishRun("octocat", "hello", runs[0].ID, ""); err != nil {
		t.Fatal(err)
	}
	run := decode(t, h.do("GET", base, "").body)
	got := map[string]any{"status": run["status"], "conclusion": run["conclusion"], "run_attempt": run["run_attempt"], "event": run["event"], "actor": run["actor"].(map[string]any)["login"]}
	want := map[string]any{"status": "completed", "conclusion": "failure", "run_attempt": 1.0, "event": "workflow_dispatch", "actor": "octocat"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("finished run (-want +got):\n%s", diff)
	}
	jobs := decode(t, h.do("GET", base+"/jobs", "").body)["jobs"].([]any)
	if len(jobs) != 2 {
		t.Fatalf("jobs = %v", jobs)
	}
	test := jobs[1].(map[string]any)
	if test["name"] != "test" || test["conclusion"] != "failure" || test["steps"].([]any)[2].(map[string]any)["conclusion"] != "failure" {
		t.Errorf("test job = %v", test)
	}
	jobID := strconv.FormatInt(int64(test["id"].(float64)), 10)

	// The log endpoint redirects to a signed URL on the same server.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	h.client = noRedirect
	res := h.do("GET", "/repos/octocat/hello/actions/jobs/"+jobID+"/logs", "")
	loc := res.header.Get("Location")
	if res.status != 302 || !strings.HasPrefix(loc, h.base+"/_blobs/job-logs/"+jobID+"?sig=") {
		t.Fatalf("log redirect: %d Location %q", res.status, loc)
	}
	log := h.do("GET", strings.TrimPrefix(loc, h.base), "")
	if log.status != 200 || !strings.HasPrefix(string(log.body), "\ufeff2026-") || !strings.Contains(string(log.body), "##[error]Process completed with exit code 1.") {
		t.Errorf("log: %d %.200q", log.status, log.body)
	}
	if res := h.do("GET", "/_blobs/job-logs/"+jobID+"?sig=forged", ""); res.status != 403 {
		t.Errorf("forged signature: %d", res.status)
	}
	if res := h.do("GET", "/repos/octocat/hello/actions/jobs/1/logs", ""); res.status != 404 {
		t.Errorf("unknown job's log: %d", res.status)
	}

	if res := h.do("POST", base+"/cancel", ""); res.status != 409 || !strings.Contains(string(res.body), "Cannot cancel a workflow run that is completed.") {
		t.Errorf("cancel of a completed run: %d %s", res.status, res.body)
	}
	if res := h.do("POST", base+"/rerun-failed-jobs", ""); res.status != 201 || string(res.body) != "{}" {
		t.Fatalf("rerun: %d %s", res.status, res.body)
	}
	run = decode(t, h.do("GET", base, "").body)
	if run["status"] != "queued" || run["run_attempt"] != 2.0 || run["previous_attempt_url"] != "https://api.github.test/repos/octocat/hello/actions/runs/"+id+"/attempts/1" {
		t.Errorf("re-run run: status %v attempt %v previous %v", run["status"], run["run_attempt"], run["previous_attempt_url"])
	}
	latest := decode(t, h.do("GET", base+"/jobs", "").body)
	all := decode(t, h.do("GET", base+"/jobs?filter=all", "").body)
	if latest["total_count"] != 2.0 || all["total_count"] != 3.0 {
		t.Errorf("jobs after re-run: latest %v, all %v; want 2 and 3", latest["total_count"], all["total_count"])
	}
	if j := latest["jobs"].([]any)[1].(map[string]any); j["name"] != "test" || j["status"] != "queued" || j["run_attempt"] != 2.0 {
		t.Errorf("re-run test job = %v", j)
	}

	if res := h.do("POST", base+"/cancel", ""); res.status != 202 {
		t.Fatalf("cancel: %d %s", res.status, res.body)
	}
	run = decode(t, h.do("GET", base, "").body)
	if run["status"] != "completed" || run["conclusion"] != "cancelled" {
		t.Errorf("cancelled run: %v %v", run["status"], run["conclusion"])
	}
	if res := h.do("GET", "/repos/octocat/hello/actions/runs/1", ""); res.status != 404 {
		t.Errorf("unknown run: %d", res.status)
	}
}

func TestRunJSONWeighsAsMuchAsGitHubs(t *testing.T) {
	h, _ := actionsSetup(t)
	h.do("POST", "/repos/octocat/hello/actions/workflows/ci.yml/dispatches", `{"ref":"main"}`)
	id := h.srv.Runs("octocat", "hello")[0].ID
	if err := h.srv.FinishRun("octocat", "hello", id, ""); err != nil {
		t.Fatal(err)
	}
	run := h.do("GET", "/repos/octocat/hello/actions/runs/"+strconv.FormatInt(id, 10), "")
	jobs := h.do("GET", "/repos/octocat/hello/actions/runs/"+strconv.FormatInt(id, 10)+"/jobs", "")
	// GitHub's run is about 11 KB, most of it its two embedded
	// repositories; a job with five steps about 1.8 KB.
	if n := len(run.body); n < 9000 || n > 13000 {
		t.Errorf("run JSON is %d bytes, want about 11 KB like GitHub's", n)
	}
	if n := len(jobs.body); n < 3000 || n > 5000 {
		t.Errorf("jobs JSON is %d bytes for two jobs, want about 3.6 KB like GitHub's", n)
	}
}

func TestActionsCommands(t *testing.T) {
	h := setup(t)
	run := func(line string) (string, error) { return h.srv.Command(strings.Fields(line)) }
	if out, err := run("workflow add octocat/hello ci.yml CI build=success test=failure inputs=level"); err != nil || out != "161335\n" {
		t.Fatalf("workflow add: %q %v", out, err)
	}
	for line, wantErr := range map[string]string{
		"workflow add octocat/hello x.yml X test=broken": "workflow option must be",
		"workflow add ghost/none x.yml X":                "no repository ghost/none",
		"run finish octocat/hello 1":                     "no run 1",
		"run finish octocat/hello x":                     "ID must be a run id",
		"runs":                                           "usage: runs OWNER/NAME",
	} {
		if _, err := run(line); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%s: err = %v, want %q", line, err, wantErr)
		}
	}
	h.do("POST", "/repos/octocat/hello/actions/workflows/161335/dispatches", `{"ref":"refs/heads/main"}`)
	if out, _ := run("runs octocat/hello"); out != "30433642 #1 CI workflow_dispatch main attempt=1 queued\n" {
		t.Errorf("runs = %q", out)
	}
	if _, err := run("run finish octocat/hello 30433642 success"); err != nil {
		t.Fatal(err)
	}
	if out, _ := run("runs octocat/hello"); out != "30433642 #1 CI workflow_dispatch main attempt=1 completed success\n" {
		t.Errorf("runs = %q", out)
	}
	if _, err := run("run finish octocat/hello 30433642"); err == nil || !strings.Contains(err.Error(), "already completed") {
		t.Errorf("finishing twice: %v", err)
	}
}
