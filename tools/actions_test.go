package tools

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestListWorkflows(t *testing.T) {
	f := newFakeGitHub(t)
	s := f.on("GET", "/repos/octo/hello/actions/workflows", 200, `{"total_count":3,"workflows":[
		{"id":161335,"node_id":"MDg6V29ya2Zsb3cxNjEzMzU=","name":"CI","path":".github/workflows/ci.yml","state":"active","created_at":"2020-01-08T23:48:37.000-08:00","updated_at":"2020-01-08T23:50:21.000-08:00","url":"https://api.github.test/repos/octo/hello/actions/workflows/161335","html_url":"https://github.com/octo/hello/blob/main/.github/workflows/ci.yml","badge_url":"https://github.com/octo/hello/workflows/CI/badge.svg"},
		{"id":269289,"node_id":"MDE4OldvcmtmbG93IFNlY29uZGFyeTI2OTI4OQ==","name":"Linter","path":".github/workflows/linter.yml","state":"disabled_manually","created_at":"2020-01-08T23:48:37.000-08:00","updated_at":"2020-01-08T23:50:21.000-08:00","url":"https://api.github.test/repos/octo/hello/actions/workflows/269289","html_url":"https://github.com/octo/hello/blob/main/.github/workflows/linter.yml","badge_url":"https://github.com/octo/hello/workflows/Linter/badge.svg"}]}`,
		query("page=2&per_page=2"))
	s.header = map[string]string{"Link": `<https://api.github.test/repos/octo/hello/actions/workflows?page=3&per_page=2>; rel="next"`}
	res := call(t, f.deps(testToken), "list_workflows", `{"owner":"octo","repo":"hello","page":2,"per_page":2}`)
	if res.IsError {
		t.Fatal(resultText(t, res))
	}
	want := WorkflowList{Workflows: []Workflow{
		{ID: 161335, Name: "CI", Path: ".github/workflows/ci.yml", State: "active"},
		{ID: 269289, Name: "Linter", Path: ".github/workflows/linter.yml", State: "disabled_manually"},
	}, NextPage: 3}
	if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestRunWorkflow(t *testing.T) {
	tests := []struct {
		name     string
		args     string
		path     string
		wantBody string
		wantNext string
	}{
		{
			name:     "by file name with inputs",
			args:     `{"owner":"octo","repo":"hello","workflow":"ci.yml","ref":"main","inputs":{"level":"debug","dry_run":"true"}}`,
			path:     "/repos/octo/hello/actions/workflows/ci.yml/dispatches",
			wantBody: `{"ref":"main","inputs":{"level":"debug","dry_run":"true"}}`,
			wantNext: `list_workflow_runs with workflow "ci.yml", event "workflow_dispatch", branch "main"`,
		},
		{
			name:     "by id on a full ref, without inputs",
			args:     `{"owner":"octo","repo":"hello","workflow":"161335","ref":"refs/heads/release/v1"}`,
			path:     "/repos/octo/hello/actions/workflows/161335/dispatches",
			wantBody: `{"ref":"refs/heads/release/v1"}`,
			wantNext: `branch "release/v1"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("POST", tt.path, 204, "", jsonBody(tt.wantBody))
			res := call(t, f.deps(testToken), "run_workflow", tt.args)
			if res.IsError {
				t.Fatal(resultText(t, res))
			}
			got := res.StructuredContent.(RunAck)
			if got.Status != "queued" || got.RunID != 0 || !strings.Contains(got.Next, tt.wantNext) {
				t.Errorf("result = %+v, want queued and next containing %q", got, tt.wantNext)
			}
		})
	}
}

func TestRunWorkflowErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   string
		status int // 0: no request expected
		body   string
		want   []string
		file   string // "404": the workflow file is asked for and missing
	}{
		{
			name: "a workflow path is refused before any request",
			args: `{"owner":"octo","repo":"hello","workflow":"../../x","ref":"main"}`,
			want: []string{`invalid argument "workflow"`, "neither a workflow id nor a file name", `"ci.yml"`},
		},
		{
			name:   "unknown ref relays GitHub's message",
			args:   `{"owner":"octo","repo":"hello","workflow":"ci.yml","ref":"nope"}`,
			status: 422,
			body:   `{"message":"No ref found for: nope","documentation_url":"https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event","status":"422"}`,
			want:   []string{"run workflow ci.yml in octo/hello", "422 No ref found for: nope"},
			// The file is read to explain the refusal; at this ref it is not found.
			file: "404",
		},
		{
			name:   "unknown workflow",
			args:   `{"owner":"octo","repo":"hello","workflow":"ci.yml","ref":"main"}`,
			status: 404,
			body:   `{"message":"Not Found","status":"404"}`,
			want:   []string{"not found (404"},
		},
		{
			name:   "a token without Actions write",
			args:   `{"owner":"octo","repo":"hello","workflow":"ci.yml","ref":"main"}`,
			status: 403,
			body:   `{"message":"Resource not accessible by personal access token","status":"403"}`,
			want:   []string{"forbidden (403: Resource not accessible by personal access token)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			if tt.status != 0 {
				f.on("POST", "/repos/octo/hello/actions/workflows/ci.yml/dispatches", tt.status, tt.body, nil)
			}
			if tt.file == "404" {
				f.on("GET", "/repos/octo/hello/contents/.github/workflows/ci.yml", 404, `{"message":"Not Found"}`, query("ref=nope"))
			}
			res := call(t, f.deps(testToken), "run_workflow", tt.args)
			wantErrorText(t, res, tt.want...)
		})
	}
}

func TestListWorkflowRuns(t *testing.T) {
	run := readTestdata(t, "workflow_run.json")
	page := `{"total_count":1,"workflow_runs":[` + run + `]}`
	tests := []struct {
		name, args, path, query string
	}{
		{
			name:  "every run of the repository, default page",
			args:  `{"owner":"octo","repo":"hello"}`,
			path:  "/repos/octo/hello/actions/runs",
			query: "page=1&per_page=20",
		},
		{
			name:  "one workflow by file name, every filter",
			args:  `{"owner":"octo","repo":"hello","workflow":"ci.yml","branch":"main","event":"workflow_dispatch","status":"failure","actor":"octo","per_page":5}`,
			path:  "/repos/octo/hello/actions/workflows/ci.yml/runs",
			query: "actor=octo&branch=main&event=workflow_dispatch&page=1&per_page=5&status=failure",
		},
		{
			name:  "one workflow by id",
			args:  `{"owner":"octo","repo":"hello","workflow":"161335"}`,
			path:  "/repos/octo/hello/actions/workflows/161335/runs",
			query: "page=1&per_page=20",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("GET", tt.path, 200, page, query(tt.query))
			res := call(t, f.deps(testToken), "list_workflow_runs", tt.args)
			if res.IsError {
				t.Fatal(resultText(t, res))
			}
			want := WorkflowRunList{Runs: []WorkflowRun{{
				ID: 30433642, Name: "CI", Title: "CI", Status: "completed", Conclusion: "failure",
				Branch: "main", HeadSHA: "727a4ecf43fb7eaa11e7da4eaa28be1e1e1b1409", Event: "workflow_dispatch",
				Actor: "octo", CreatedAt: "2026-01-02T03:05:05Z", HTMLURL: "https://github.com/octo/hello/actions/runs/30433642",
			}}}
			if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestListWorkflowRunsRefusesBadFilters(t *testing.T) {
	tests := []struct{ name, args, want string }{
		{"branch with ..", `{"owner":"octo","repo":"hello","branch":"a..b"}`, `invalid argument "branch": must not contain '..'`},
		{"actor with a slash", `{"owner":"octo","repo":"hello","actor":"octo/hello"}`, `invalid argument "actor"`},
		{"event with spaces", `{"owner":"octo","repo":"hello","event":"pull request"}`, `invalid argument "event"`},
		{"unknown status", `{"owner":"octo","repo":"hello","status":"broken"}`, `invalid argument "status"`},
		{"workflow path", `{"owner":"octo","repo":"hello","workflow":".github/workflows/ci.yml"}`, `invalid argument "workflow"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t) // no request may be made
			res := call(t, f.deps(testToken), "list_workflow_runs", tt.args)
			wantErrorText(t, res, tt.want)
		})
	}
}

func TestGetWorkflowRun(t *testing.T) {
	f := newFakeGitHub(t)
	run, jobs := readTestdata(t, "workflow_run.json"), readTestdata(t, "workflow_run_jobs.json")
	f.on("GET", "/repos/octo/hello/actions/runs/30433642", 200, run, nil)
	f.on("GET", "/repos/octo/hello/actions/runs/30433642/jobs", 200, jobs, query("filter=latest&page=1&per_page=100"))

	res := call(t, f.deps(testToken), "get_workflow_run", `{"owner":"octo","repo":"hello","run_id":30433642}`)
	if res.IsError {
		t.Fatal(resultText(t, res))
	}
	want := WorkflowRunDetails{
		WorkflowRun: WorkflowRun{
			ID: 30433642, Name: "CI", Title: "CI", Status: "completed", Conclusion: "failure",
			Branch: "main", HeadSHA: "727a4ecf43fb7eaa11e7da4eaa28be1e1e1b1409", Event: "workflow_dispatch",
			Actor: "octo", CreatedAt: "2026-01-02T03:05:05Z", HTMLURL: "https://github.com/octo/hello/actions/runs/30433642",
		},
		Attempt:   1,
		UpdatedAt: "2026-01-02T03:07:05Z",
		Jobs: []WorkflowJob{
			{ID: 399444496, Name: "build", Status: "completed", Conclusion: "success"},
			{ID: 399444497, Name: "test", Status: "completed", Conclusion: "failure", Steps: []JobStep{
				{Name: "Set up job", Status: "completed", Conclusion: "success"},
				{Name: "Run actions/checkout@v4", Status: "completed", Conclusion: "success"},
				{Name: "Run test", Status: "completed", Conclusion: "failure"},
				{Name: "Post Run actions/checkout@v4", Status: "completed", Conclusion: "success"},
				{Name: "Complete job", Status: "completed", Conclusion: "success"},
			}},
		},
	}
	if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	text := resultText(t, res)
	raw := compactSize(t, run) + compactSize(t, jobs)
	t.Logf("result %d bytes for GitHub's %d bytes of run and jobs (%.1f%%)", len(text), raw, 100*float64(len(text))/float64(raw))
	if len(text)*4 > raw {
		t.Errorf("result is %d bytes, more than 25%% of GitHub's %d", len(text), raw)
	}
}

func TestGetWorkflowRunErrors(t *testing.T) {
	t.Run("unknown run", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/actions/runs/7", 404, `{"message":"Not Found"}`, nil)
		res := call(t, f.deps(testToken), "get_workflow_run", `{"owner":"octo","repo":"hello","run_id":7}`)
		wantErrorText(t, res, "get workflow run 7 in octo/hello", "not found (404")
	})
	t.Run("jobs that cannot be listed leave the run with a note", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/actions/runs/7", 200, readTestdata(t, "workflow_run.json"), nil)
		f.on("GET", "/repos/octo/hello/actions/runs/7/jobs", 403, `{"message":"Resource not accessible by personal access token"}`, nil)
		var got WorkflowRunDetails
		structured(t, f.deps(testToken), "get_workflow_run", `{"owner":"octo","repo":"hello","run_id":7}`, &got)
		if got.ID != 30433642 || len(got.Jobs) != 0 {
			t.Errorf("run = %+v, want the run without jobs", got)
		}
		for _, w := range []string{"list jobs of workflow run 7 in octo/hello", "forbidden (403", "the run is shown without its jobs"} {
			if !strings.Contains(got.Note, w) {
				t.Errorf("note %q does not contain %q", got.Note, w)
			}
		}
	})
	t.Run("run id must be positive", func(t *testing.T) {
		f := newFakeGitHub(t)
		res := call(t, f.deps(testToken), "get_workflow_run", `{"owner":"octo","repo":"hello","run_id":-1}`)
		wantErrorText(t, res, `invalid argument "run_id"`)
	})
}

// testLog is a job log as GitHub stores it: a byte order mark, then a
// timestamp before every line, colour codes in some.
func testLog(lines int) string {
	var b strings.Builder
	b.WriteString("\ufeff")
	for i := 1; i <= lines; i++ {
		fmt.Fprintf(&b, "2026-01-02T03:04:05.%07dZ line %d\r\n", i, i)
	}
	b.WriteString("2026-01-02T03:04:06.0000000Z \x1b[31;1m##[error]Process completed with exit code 1.\x1b[0m\n")
	return b.String()
}

func TestGetJobLog(t *testing.T) {
	const jobs = `{"total_count":3,"jobs":[
		{"id":1,"name":"build","status":"completed","conclusion":"success"},
		{"id":2,"name":"test (ubuntu)","status":"completed","conclusion":"failure"},
		{"id":3,"name":"test (macos)","status":"completed","conclusion":"timed_out"}]}`
	tests := []struct {
		name string
		args string
		jobs bool // the run's jobs are listed first
		want JobLog
	}{
		{
			name: "a job's tail, cleaned",
			args: `{"owner":"octo","repo":"hello","job_id":2,"lines":3}`,
			want: JobLog{JobID: 2, FromLine: 4, ToLine: 6, Truncated: true,
				Log: "line 4\nline 5\n##[error]Process completed with exit code 1."},
		},
		{
			name: "a whole short log is not truncated",
			args: `{"owner":"octo","repo":"hello","job_id":2}`,
			want: JobLog{JobID: 2, FromLine: 1, ToLine: 6,
				Log: "line 1\nline 2\nline 3\nline 4\nline 5\n##[error]Process completed with exit code 1."},
		},
		{
			name: "reading further back with before",
			args: `{"owner":"octo","repo":"hello","job_id":2,"lines":2,"before":4}`,
			want: JobLog{JobID: 2, FromLine: 2, ToLine: 3, Truncated: true, Log: "line 2\nline 3"},
		},
		{
			name: "a run's first failed job, naming the others",
			args: `{"owner":"octo","repo":"hello","run_id":30433642,"lines":1}`,
			jobs: true,
			want: JobLog{JobID: 2, Job: "test (ubuntu)", OtherFailed: []int64{3}, FromLine: 6, ToLine: 6, Truncated: true,
				Log: "##[error]Process completed with exit code 1."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			if tt.jobs {
				f.on("GET", "/repos/octo/hello/actions/runs/30433642/jobs", 200, jobs, query("filter=latest&per_page=100"))
			}
			s := f.on("GET", "/repos/octo/hello/actions/jobs/2/logs", 302, "", nil)
			s.header = map[string]string{"Location": f.server.URL + "/blobs/logs/2?sig=abc"}
			f.on("GET", "/blobs/logs/2", 200, testLog(5), query("sig=abc"))
			res := call(t, f.deps(testToken), "get_job_log", tt.args)
			if res.IsError {
				t.Fatal(resultText(t, res))
			}
			if diff := cmp.Diff(tt.want, res.StructuredContent); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGetJobLogKeepsTheTokenHome checks that a log stored on another host
// is downloaded without the token.
func TestGetJobLogKeepsTheTokenHome(t *testing.T) {
	storage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if auth := r.Header.Get("Authorization"); auth != "" {
			t.Errorf("the log storage got Authorization %q", auth)
		}
		if r.URL.Query().Get("sig") != "abc" {
			http.Error(w, "AuthenticationFailed", http.StatusForbidden)
			return
		}
		fmt.Fprint(w, testLog(2))
	}))
	defer storage.Close()
	f := newFakeGitHub(t)
	s := f.on("GET", "/repos/octo/hello/actions/jobs/2/logs", 302, "", nil)
	s.header = map[string]string{"Location": storage.URL + "/logs/2?sig=abc"}
	res := call(t, f.deps(testToken), "get_job_log", `{"owner":"octo","repo":"hello","job_id":2}`)
	if res.IsError {
		t.Fatal(resultText(t, res))
	}
	if got := res.StructuredContent.(JobLog).Log; !strings.HasSuffix(string(got), "exit code 1.") {
		t.Errorf("log = %q", got)
	}
}

func TestGetJobLogErrors(t *testing.T) {
	tests := []struct {
		name  string
		args  string
		setup func(f *fakeGitHub)
		want  []string
	}{
		{
			name: "neither job_id nor run_id",
			args: `{"owner":"octo","repo":"hello"}`,
			want: []string{`invalid argument "job_id": give either job_id or run_id (not both)`},
		},
		{
			name: "both job_id and run_id",
			args: `{"owner":"octo","repo":"hello","job_id":1,"run_id":2}`,
			want: []string{"give either job_id or run_id"},
		},
		{
			name: "too many lines",
			args: `{"owner":"octo","repo":"hello","job_id":1,"lines":5000}`,
			want: []string{`invalid argument "lines": is 5000; it must be at most 1000`},
		},
		{
			name: "a run without failed jobs",
			args: `{"owner":"octo","repo":"hello","run_id":9}`,
			setup: func(f *fakeGitHub) {
				f.on("GET", "/repos/octo/hello/actions/runs/9/jobs", 200, `{"total_count":1,"jobs":[{"id":1,"name":"build","status":"completed","conclusion":"success"}]}`, nil)
			},
			want: []string{"find the failed job of run 9 in octo/hello", "run 9 has no failed job", "pass job_id"},
		},
		{
			name: "no log for the job",
			args: `{"owner":"octo","repo":"hello","job_id":4}`,
			setup: func(f *fakeGitHub) {
				f.on("GET", "/repos/octo/hello/actions/jobs/4/logs", 404, `{"message":"Not Found"}`, nil)
			},
			want: []string{"get log of job 4 in octo/hello", "no log (404)", "retention", "get_workflow_run"},
		},
		{
			name: "a token without Actions read",
			args: `{"owner":"octo","repo":"hello","job_id":4}`,
			setup: func(f *fakeGitHub) {
				f.on("GET", "/repos/octo/hello/actions/jobs/4/logs", 403, `{"message":"Resource not accessible by personal access token"}`, nil)
			},
			want: []string{"get log of job 4 in octo/hello", "forbidden (403"},
		},
		{
			name: "an expired download link",
			args: `{"owner":"octo","repo":"hello","job_id":4}`,
			setup: func(f *fakeGitHub) {
				s := f.on("GET", "/repos/octo/hello/actions/jobs/4/logs", 302, "", nil)
				s.header = map[string]string{"Location": f.server.URL + "/blobs/logs/4?sig=old"}
				f.on("GET", "/blobs/logs/4", 403, "AuthenticationFailed", nil)
			},
			want: []string{"downloading the log failed (403 Forbidden)", "retry"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			if tt.setup != nil {
				tt.setup(f)
			}
			res := call(t, f.deps(testToken), "get_job_log", tt.args)
			wantErrorText(t, res, tt.want...)
		})
	}
}

func TestTailLog(t *testing.T) {
	long := strings.Repeat("é", 30) // 60 bytes
	tests := []struct {
		name       string
		log        string
		n, before  int
		maxBytes   int
		want       logTail
		wantPrefix string
	}{
		{name: "empty log", log: "", n: 10, maxBytes: 100, want: logTail{}},
		{name: "no final newline", log: "a\nb", n: 10, maxBytes: 100, want: logTail{text: "a\nb", from: 1, to: 2}},
		{name: "last lines", log: "a\nb\nc\nd\n", n: 2, maxBytes: 100, want: logTail{text: "c\nd", from: 3, to: 4, truncated: true}},
		{name: "before the end", log: "a\nb\nc\nd\n", n: 2, before: 3, maxBytes: 100, want: logTail{text: "a\nb", from: 1, to: 2}},
		{name: "before past the end", log: "a\nb\n", n: 5, before: 99, maxBytes: 100, want: logTail{text: "a\nb", from: 1, to: 2}},
		{name: "before the first line", log: "a\nb\n", n: 5, before: 1, maxBytes: 100, want: logTail{}},
		{name: "byte cap drops whole lines from the start", log: "aaaa\nbbbb\ncccc\n", n: 10, maxBytes: 10, want: logTail{text: "bbbb\ncccc", from: 2, to: 3, truncated: true}},
		{name: "a line over the cap keeps its end on a rune boundary", log: "x" + long + "\n", n: 10, maxBytes: 41, want: logTail{text: strings.Repeat("é", 20), from: 1, to: 1, truncated: true}},
		{name: "timestamps, BOM, CR and colours go", log: "\ufeff2026-01-02T03:04:05.1234567Z \x1b[36;1mgo test\x1b[0m\r\n", n: 10, maxBytes: 100, want: logTail{text: "go test", from: 1, to: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tailLog(strings.NewReader(tt.log), tt.n, tt.before, tt.maxBytes, func(s string) string { return s })
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(logTail{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestTailLogOfALargeLog(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 100000; i++ {
		fmt.Fprintf(&b, "2026-01-02T03:04:05.0000000Z %06d %s\n", i, strings.Repeat("x", 100))
	}
	got, err := tailLog(strings.NewReader(b.String()), 200, 0, maxLogBytes, func(s string) string { return s })
	if err != nil {
		t.Fatal(err)
	}
	if len(got.text) > maxLogBytes || got.to != 100000 || !got.truncated || !strings.HasPrefix(got.text, fmt.Sprintf("%06d ", got.from)) {
		t.Errorf("got %d bytes, lines %d..%d, truncated %v", len(got.text), got.from, got.to, got.truncated)
	}
}

func TestRerunFailedJobs(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("POST", "/repos/octo/hello/actions/runs/30433642/rerun-failed-jobs", 201, `{}`, nil)
	res := call(t, f.deps(testToken), "rerun_failed_jobs", `{"owner":"octo","repo":"hello","run_id":30433642}`)
	if res.IsError {
		t.Fatal(resultText(t, res))
	}
	want := RunAck{RunID: 30433642, Status: "queued", Next: "Follow the new attempt with get_workflow_run"}
	if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestRerunFailedJobsErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   []string
	}{
		{"a run still running", 403, `{"message":"This workflow is already running"}`, []string{"re-run failed jobs of run 5 in octo/hello", "GitHub refused (403: This workflow is already running)", "only after it completed"}},
		{"an old run", 403, `{"message":"This workflow run cannot be retried"}`, []string{"This workflow run cannot be retried"}},
		{"unknown run", 404, `{"message":"Not Found"}`, []string{"not found (404"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("POST", "/repos/octo/hello/actions/runs/5/rerun-failed-jobs", tt.status, tt.body, nil)
			res := call(t, f.deps(testToken), "rerun_failed_jobs", `{"owner":"octo","repo":"hello","run_id":5}`)
			wantErrorText(t, res, tt.want...)
		})
	}
}

func TestCancelWorkflowRun(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("POST", "/repos/octo/hello/actions/runs/30433642/cancel", 202, `{}`, nil)
	res := call(t, f.deps(testToken), "cancel_workflow_run", `{"owner":"octo","repo":"hello","run_id":30433642}`)
	if res.IsError {
		t.Fatal(resultText(t, res))
	}
	if got := res.StructuredContent.(RunAck); got.RunID != 30433642 || got.Status != "cancelling" {
		t.Errorf("result = %+v", got)
	}
}

func TestCancelWorkflowRunErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   []string
	}{
		{"a completed run", 409, `{"message":"Cannot cancel a workflow run that is completed.","status":"409"}`,
			[]string{"cancel run 5 in octo/hello", "already completed, so there is nothing to cancel", "Cannot cancel a workflow run that is completed."}},
		{"unknown run", 404, `{"message":"Not Found"}`, []string{"cancel run 5 in octo/hello", "not found (404"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("POST", "/repos/octo/hello/actions/runs/5/cancel", tt.status, tt.body, nil)
			res := call(t, f.deps(testToken), "cancel_workflow_run", `{"owner":"octo","repo":"hello","run_id":5}`)
			wantErrorText(t, res, tt.want...)
			if text := resultText(t, res); strings.Contains(text, "changed since you read it") {
				t.Errorf("the generic 409 advice does not fit a cancel: %q", text)
			}
		})
	}
}
