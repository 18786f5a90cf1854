package tools

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// RunArgs names a workflow run.
type RunArgs struct {
	RepoArgs
	RunID int64 `json:"run_id" ghmcp:"range=1.."`
}

// Workflow is a GitHub Actions workflow.
type Workflow struct {
	ID    int64             `json:"id"`
	Name  toolkit.Untrusted `json:"name"`
	Path  string            `json:"path"`
	State string            `json:"state"`
}

// ListWorkflowsArgs are the arguments of list_workflows.
type ListWorkflowsArgs struct {
	RepoArgs
	PageArgs
}

// WorkflowList is a page of workflows.
type WorkflowList struct {
	Workflows []Workflow `json:"workflows"`
	NextPage  int        `json:"next_page,omitempty"`
}

// RunWorkflowArgs are the arguments of run_workflow.
type RunWorkflowArgs struct {
	RepoArgs
	Workflow string            `json:"workflow" jsonschema:"Workflow id or file name, e.g. ci.yml"`
	Ref      string            `json:"ref" jsonschema:"Branch or tag" ghmcp:"ref"`
	Inputs   map[string]string `json:"inputs,omitempty" jsonschema:"Input values by name"`
}

// RunAck is GitHub's acceptance of a request it carries out later.
type RunAck struct {
	RunID  int64  `json:"run_id,omitempty"`
	Status string `json:"status"`
	Next   string `json:"next" jsonschema:"How to follow up"`
}

// ListWorkflowRunsArgs are the arguments of list_workflow_runs.
type ListWorkflowRunsArgs struct {
	RepoArgs
	Workflow string `json:"workflow,omitempty" jsonschema:"Workflow id or file name"`
	Branch   string `json:"branch,omitempty" ghmcp:"ref,quiet"`
	Event    string `json:"event,omitempty" jsonschema:"e.g. push, pull_request"`
	Status   string `json:"status,omitempty" jsonschema:"Status or conclusion" ghmcp:"enum=queued|in_progress|waiting|action_required|completed|success|failure|cancelled|timed_out"`
	Actor    string `json:"actor,omitempty" jsonschema:"Login that started the runs" ghmcp:"login,quiet"`
	PageArgs
}

// WorkflowRun is a workflow run.
type WorkflowRun struct {
	ID         int64             `json:"id"`
	Name       toolkit.Untrusted `json:"name" jsonschema:"Workflow name"`
	Title      toolkit.Untrusted `json:"title"`
	Status     string            `json:"status"`
	Conclusion string            `json:"conclusion,omitempty"`
	Branch     string            `json:"branch"`
	HeadSHA    string            `json:"head_sha"`
	Event      string            `json:"event"`
	Actor      string            `json:"actor"`
	CreatedAt  string            `json:"created_at"`
	HTMLURL    string            `json:"html_url"`
}

// WorkflowRunList is a page of workflow runs.
type WorkflowRunList struct {
	Runs     []WorkflowRun `json:"runs"`
	NextPage int           `json:"next_page,omitempty"`
}

// GetWorkflowRunArgs are the arguments of get_workflow_run.
type GetWorkflowRunArgs struct {
	RunArgs
	JobsPage int `json:"jobs_page,omitempty" jsonschema:"Page of the run's jobs" ghmcp:"range=1..,default=1"`
}

// WorkflowRunDetails is a workflow run with its latest attempt's jobs.
type WorkflowRunDetails struct {
	WorkflowRun
	Attempt      int           `json:"attempt"`
	UpdatedAt    string        `json:"updated_at"`
	Jobs         []WorkflowJob `json:"jobs"`
	NextJobsPage int           `json:"next_jobs_page,omitempty"`
	Note         string        `json:"note,omitempty" jsonschema:"Why jobs are missing"`
}

// WorkflowJob is a job of a workflow run.
type WorkflowJob struct {
	ID         int64             `json:"id"`
	Name       toolkit.Untrusted `json:"name"`
	Status     string            `json:"status"`
	Conclusion string            `json:"conclusion,omitempty"`
	Steps      []JobStep         `json:"steps,omitempty" jsonschema:"Omitted for jobs that succeeded or were skipped"`
}

// JobStep is a step of a job.
type JobStep struct {
	Name       toolkit.Untrusted `json:"name"`
	Status     string            `json:"status"`
	Conclusion string            `json:"conclusion,omitempty"`
}

// GetJobLogArgs are the arguments of get_job_log.
type GetJobLogArgs struct {
	RepoArgs
	JobID  int64 `json:"job_id,omitempty" ghmcp:"range=1.."`
	RunID  int64 `json:"run_id,omitempty" jsonschema:"Instead of job_id: the run whose first failed job to read" ghmcp:"range=1.."`
	Lines  int   `json:"lines,omitempty" jsonschema:"How many log lines, from the end" ghmcp:"range=1..1000,default=200"`
	Before int   `json:"before,omitempty" jsonschema:"End before this line (a from_line) to read further back" ghmcp:"range=1.."`
}

// JobLog is the end of a job's log, or the part before a line.
type JobLog struct {
	JobID       int64                 `json:"job_id"`
	Job         toolkit.Untrusted     `json:"job,omitempty" jsonschema:"Job name, when chosen from run_id"`
	OtherFailed []int64               `json:"other_failed_jobs,omitempty"`
	FromLine    int                   `json:"from_line"`
	ToLine      int                   `json:"to_line"`
	Truncated   bool                  `json:"truncated" jsonschema:"Earlier lines exist: call again with before=from_line"`
	Log         toolkit.UntrustedCode `json:"log" jsonschema:"Timestamps and colour codes removed"`
}

// Log tail limits (the lines when the model gives none are the lines
// argument's default): bytes at most, and the longest a log download may
// take (a log can be tens of megabytes).
const (
	maxLogBytes = 16 << 10
	logTimeout  = 2 * time.Minute
)

// actionTools are the actions toolset.
func actionTools() []toolkit.Tool {
	return []toolkit.Tool{
		listWorkflows(),
		runWorkflow(),
		listWorkflowRuns(),
		getWorkflowRun(),
		getJobLog(),
		rerunFailedJobs(),
		cancelWorkflowRun(),
		rerunWorkflowRun(),
		listRunArtifacts(),
		getWorkflowDispatchInputs(),
	}
}

// listWorkflows calls GET /repos/{owner}/{repo}/actions/workflows.
// https://docs.github.com/rest/actions/workflows#list-repository-workflows
func listWorkflows() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "list_workflows",
		Toolset: ToolsetActions,
		Kind:    toolkit.Read,
		Desc:    "List a repository's GitHub Actions workflows with their ids and file paths.",
	}, func(ctx context.Context, d toolkit.Deps, in ListWorkflowsArgs) (WorkflowList, error) {
		what := "list workflows of " + in.RepoArgs.String()
		opts := in.listOptions()
		ws, resp, err := d.GitHub.Actions.ListWorkflows(ctx, in.Owner, in.Repo, &opts)
		if err != nil {
			return WorkflowList{}, toolkit.Op(what, err)
		}
		out := WorkflowList{Workflows: []Workflow{}, NextPage: nextPage(resp)}
		for _, w := range ws.Workflows {
			out.Workflows = append(out.Workflows, Workflow{ID: w.GetID(), Name: untrusted(w.GetName()), Path: w.GetPath(), State: w.GetState()})
		}
		return out, nil
	})
}

// workflowFile is a workflow file name GitHub accepts in place of an id.
var workflowFile = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._-]+\.ya?ml$`) })

// workflowRef reads a workflow argument: an id or a file name.
func workflowRef(arg, s string) (id int64, file string, err error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return n, "", nil
	}
	if !workflowFile().MatchString(s) {
		return 0, "", &toolkit.ArgError{Arg: arg, Problem: fmt.Sprintf("got %s, which is neither a workflow id nor a file name in .github/workflows", toolkit.QuoteShort(s)), Example: `"ci.yml" or "161335"`}
	}
	return 0, s, nil
}

// runWorkflow calls POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches.
// https://docs.github.com/rest/actions/workflows#create-a-workflow-dispatch-event
func runWorkflow() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "run_workflow",
		Toolset: ToolsetActions,
		Kind:    toolkit.Create,
		Desc:    "Start a workflow that has a workflow_dispatch trigger. GitHub queues the run without returning its id; find it with list_workflow_runs.",
	}, func(ctx context.Context, d toolkit.Deps, in RunWorkflowArgs) (RunAck, error) {
		what := fmt.Sprintf("run workflow %s in %s", in.Workflow, in.RepoArgs)
		id, file, err := workflowRef("workflow", in.Workflow)
		if err != nil {
			return RunAck{}, toolkit.Op(what, err)
		}
		event := gh.CreateWorkflowDispatchEventRequest{Ref: in.Ref}
		if len(in.Inputs) > 0 {
			event.Inputs = make(map[string]any, len(in.Inputs))
			for k, v := range in.Inputs {
				event.Inputs[k] = v
			}
		}
		if file != "" {
			_, err = d.GitHub.Actions.CreateWorkflowDispatchEventByFileName(ctx, in.Owner, in.Repo, file, event)
		} else {
			_, err = d.GitHub.Actions.CreateWorkflowDispatchEventByID(ctx, in.Owner, in.Repo, id, event)
		}
		if err != nil {
			return RunAck{}, toolkit.Op(what, explainDispatch(ctx, d, in, what, err))
		}
		branch := strings.TrimPrefix(strings.TrimPrefix(in.Ref, "refs/heads/"), "refs/tags/")
		return RunAck{
			Status: "queued",
			Next:   fmt.Sprintf("The run appears within seconds: list_workflow_runs with workflow %q, event \"workflow_dispatch\", branch %q", in.Workflow, branch),
		}, nil
	})
}

// explainDispatch explains GitHub's 422 to a dispatch from the workflow's
// own file: no workflow_dispatch trigger (no retry can help), or the
// inputs it accepts. Any other error, or a file that cannot be read,
// keeps GitHub's explanation.
func explainDispatch(ctx context.Context, d toolkit.Deps, in RunWorkflowArgs, what string, err error) error {
	var respErr *gh.ErrorResponse
	if !errors.As(err, &respErr) || respErr.Response == nil || respErr.Response.StatusCode != http.StatusUnprocessableEntity {
		return err
	}
	info, ierr := dispatchInputs(ctx, d, in.RepoArgs, in.Workflow, in.Ref, what)
	if ierr != nil {
		return err
	}
	if !info.Manual {
		return fmt.Errorf("the workflow cannot be run by hand: %s has no workflow_dispatch trigger (422: %s). Do not retry; it runs on %s", info.Path, respErr.Message, strings.Join(info.Triggers, ", "))
	}
	var accepted, required []string
	for _, i := range info.Inputs {
		accepted = append(accepted, i.Name)
		if i.Required && i.Default == "" {
			required = append(required, i.Name)
		}
	}
	msg := fmt.Sprintf("GitHub refused the dispatch (422: %s). %s accepts the inputs [%s]", respErr.Message, info.Path, strings.Join(accepted, ", "))
	if len(required) > 0 {
		msg += fmt.Sprintf(", of which [%s] are required", strings.Join(required, ", "))
	}
	return errors.New(msg + "; ref must be a branch or tag that exists (get_workflow_dispatch_inputs shows types and options)")
}

// listWorkflowRuns calls GET /repos/{owner}/{repo}/actions/runs, or
// GET /repos/{owner}/{repo}/actions/workflows/{workflow_id}/runs for one workflow.
// https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-repository
func listWorkflowRuns() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "list_workflow_runs",
		Toolset: ToolsetActions,
		Kind:    toolkit.Read,
		Desc:    "List workflow runs, newest first. Use get_workflow_run for a run's jobs.",
	}, func(ctx context.Context, d toolkit.Deps, in ListWorkflowRunsArgs) (WorkflowRunList, error) {
		what := "list workflow runs of " + in.RepoArgs.String()
		if in.Event != "" && !eventName().MatchString(in.Event) {
			return WorkflowRunList{}, &toolkit.ArgError{Arg: "event", Problem: fmt.Sprintf("got %s, which is not a GitHub event name (lower case and '_')", toolkit.QuoteShort(in.Event)), Example: `"push"`}
		}
		opts := &gh.ListWorkflowRunsOptions{Actor: in.Actor, Branch: in.Branch, Event: in.Event, Status: in.Status, ListOptions: in.listOptions()}
		var (
			runs *gh.WorkflowRuns
			resp *gh.Response
			id   int64
			file string
			err  error
		)
		if in.Workflow != "" {
			if id, file, err = workflowRef("workflow", in.Workflow); err != nil {
				return WorkflowRunList{}, toolkit.Op(what, err)
			}
		}
		switch {
		case file != "":
			runs, resp, err = d.GitHub.Actions.ListWorkflowRunsByFileName(ctx, in.Owner, in.Repo, file, opts)
		case id != 0:
			runs, resp, err = d.GitHub.Actions.ListWorkflowRunsByID(ctx, in.Owner, in.Repo, id, opts)
		default:
			runs, resp, err = d.GitHub.Actions.ListRepositoryWorkflowRuns(ctx, in.Owner, in.Repo, opts)
		}
		if err != nil {
			return WorkflowRunList{}, toolkit.Op(what, err)
		}
		out := WorkflowRunList{Runs: []WorkflowRun{}, NextPage: nextPage(resp)}
		for _, r := range runs.WorkflowRuns {
			out.Runs = append(out.Runs, workflowRun(r))
		}
		return out, nil
	})
}

// eventName is the form of GitHub event names.
var eventName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z_]{1,50}$`) })

// workflowRun converts a run.
func workflowRun(r *gh.WorkflowRun) WorkflowRun {
	return WorkflowRun{
		ID:         r.GetID(),
		Name:       untrusted(r.GetName()),
		Title:      untrusted(r.GetDisplayTitle()),
		Status:     r.GetStatus(),
		Conclusion: r.GetConclusion(),
		Branch:     r.GetHeadBranch(),
		HeadSHA:    r.GetHeadSHA(),
		Event:      r.GetEvent(),
		Actor:      login(r.GetActor()),
		CreatedAt:  ts(r.CreatedAt),
		HTMLURL:    r.GetHTMLURL(),
	}
}

// getWorkflowRun calls GET /repos/{owner}/{repo}/actions/runs/{run_id} and
// GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs (latest attempt).
// https://docs.github.com/rest/actions/workflow-runs#get-a-workflow-run
// https://docs.github.com/rest/actions/workflow-jobs#list-jobs-for-a-workflow-run
func getWorkflowRun() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "get_workflow_run",
		Toolset: ToolsetActions,
		Kind:    toolkit.Read,
		Desc:    "Get a workflow run with its jobs, and the steps of jobs that did not succeed. Read a job's output with get_job_log.",
	}, func(ctx context.Context, d toolkit.Deps, in GetWorkflowRunArgs) (WorkflowRunDetails, error) {
		what := fmt.Sprintf("get workflow run %d in %s", in.RunID, in.RepoArgs)
		r, _, err := d.GitHub.Actions.GetWorkflowRunByID(ctx, in.Owner, in.Repo, in.RunID)
		if err != nil {
			return WorkflowRunDetails{}, toolkit.Op(what, err)
		}
		page := in.JobsPage
		jobs, resp, err := d.GitHub.Actions.ListWorkflowJobs(ctx, in.Owner, in.Repo, in.RunID, &gh.ListWorkflowJobsOptions{
			Filter: "latest", ListOptions: gh.ListOptions{Page: page, PerPage: 100},
		})
		out := WorkflowRunDetails{
			WorkflowRun:  workflowRun(r),
			Attempt:      r.GetRunAttempt(),
			UpdatedAt:    ts(r.UpdatedAt),
			Jobs:         []WorkflowJob{},
			NextJobsPage: nextPage(resp),
		}
		if err != nil {
			// The run is worth having without its jobs.
			out.Note = toolkit.Explain(fmt.Sprintf("list jobs of workflow run %d in %s", in.RunID, in.RepoArgs), err) + "; the run is shown without its jobs"
			return out, nil
		}
		for _, j := range jobs.Jobs {
			job := WorkflowJob{ID: j.GetID(), Name: untrusted(j.GetName()), Status: j.GetStatus(), Conclusion: j.GetConclusion()}
			if c := j.GetConclusion(); c != "success" && c != "skipped" {
				for _, s := range j.Steps {
					job.Steps = append(job.Steps, JobStep{Name: untrusted(s.GetName()), Status: s.GetStatus(), Conclusion: s.GetConclusion()})
				}
			}
			out.Jobs = append(out.Jobs, job)
		}
		return out, nil
	})
}

// getJobLog calls GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs,
// which redirects to a download URL, then downloads the log from there.
// Given a run, it first calls GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs
// to find the failed job.
// https://docs.github.com/rest/actions/workflow-jobs#download-job-logs-for-a-workflow-run
func getJobLog() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "get_job_log",
		Toolset: ToolsetActions,
		Kind:    toolkit.Read,
		Desc:    "Read the end of a job's log (up to 16 KB). Give job_id, or run_id to read the run's first failed job.",
	}, func(ctx context.Context, d toolkit.Deps, in GetJobLogArgs) (JobLog, error) {
		var what string // set where the operation is known
		if (in.JobID == 0) == (in.RunID == 0) {
			return JobLog{}, &toolkit.ArgError{Arg: "job_id", Problem: "give either job_id or run_id (not both)", Example: `{"run_id": 30433642}`}
		}
		var out JobLog
		if in.RunID != 0 {
			what = fmt.Sprintf("find the failed job of run %d in %s", in.RunID, in.RepoArgs)
			jobs, _, err := d.GitHub.Actions.ListWorkflowJobs(ctx, in.Owner, in.Repo, in.RunID, &gh.ListWorkflowJobsOptions{
				Filter: "latest", ListOptions: gh.ListOptions{PerPage: 100},
			})
			if err != nil {
				return JobLog{}, toolkit.Op(what, err)
			}
			for _, j := range jobs.Jobs {
				if c := j.GetConclusion(); c != "failure" && c != "timed_out" {
					continue
				}
				if out.JobID == 0 {
					out.JobID, out.Job = j.GetID(), untrusted(j.GetName())
				} else {
					out.OtherFailed = append(out.OtherFailed, j.GetID())
				}
			}
			if out.JobID == 0 {
				return JobLog{}, toolkit.Op(what, fmt.Errorf("run %d has no failed job in its latest attempt; pass job_id (get_workflow_run lists the jobs)", in.RunID))
			}
		} else {
			out.JobID = in.JobID
		}

		what = fmt.Sprintf("get log of job %d in %s", out.JobID, in.RepoArgs)
		ctx, cancel := context.WithTimeout(ctx, logTimeout)
		defer cancel()
		loc, resp, err := d.GitHub.Actions.GetWorkflowJobLogs(ctx, in.Owner, in.Repo, out.JobID, 1)
		if err != nil {
			return JobLog{}, toolkit.Op(what, logError(resp, err))
		}
		body, err := download(ctx, d.GitHub, loc)
		if err != nil {
			return JobLog{}, toolkit.Op(what, err)
		}
		defer body.Close()
		tail, err := tailLog(body, in.Lines, in.Before, maxLogBytes, d.RawText)
		if err != nil {
			return JobLog{}, toolkit.Op(what, fmt.Errorf("reading the log: %w", err))
		}
		out.FromLine, out.ToLine, out.Truncated = tail.from, tail.to, tail.truncated
		out.Log = code(tail.text)
		return out, nil
	})
}

// logError explains a failed log request. go-github returns an untyped
// error for any answer but the redirect, so the status is mapped here.
func logError(resp *gh.Response, err error) error {
	if resp == nil || resp.Response == nil {
		return err
	}
	switch resp.StatusCode {
	case http.StatusNotFound, http.StatusGone:
		return fmt.Errorf("no log (%d): the job may not exist in this repository, may not have started yet, or its log was deleted after the retention period; check the job id with get_workflow_run", resp.StatusCode)
	}
	return &gh.ErrorResponse{Response: resp.Response, Message: http.StatusText(resp.StatusCode)}
}

// download fetches a log from the URL GitHub redirected to. A URL on the
// API's own host goes through the client's transport (rate limits,
// retries, the token); any other host is a pre-signed storage URL and
// gets neither the token nor ghmcp's limiter, since the token must never
// leave GitHub.
func download(ctx context.Context, c *gh.Client, loc *url.URL) (io.ReadCloser, error) {
	if loc == nil || (loc.Scheme != "https" && loc.Scheme != "http") {
		return nil, fmt.Errorf("GitHub gave no usable log URL (%v)", loc)
	}
	api := c.BaseURL
	transport := http.DefaultTransport
	if loc.Scheme == api.Scheme && loc.Host == api.Host {
		transport = c.Client().Transport
	} else if loc.Scheme != "https" && api.Scheme != "http" {
		// Plain http is for loopback test servers only, as for the API URL.
		return nil, fmt.Errorf("refusing to download the log over plain http from %s", loc.Host)
	}
	client := &http.Client{
		Transport: transport,
		// A further redirect must not carry the token elsewhere.
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if transport != http.DefaultTransport && req.URL.Host != api.Host {
				return http.ErrUseLastResponse
			}
			if len(via) >= 3 {
				return errors.New("too many redirects")
			}
			return nil
		},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.UserAgent)
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("downloading the log: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("downloading the log failed (%s); the download link lasts a minute, so retry", resp.Status)
	}
	return resp.Body, nil
}

// logTail is a window of a log.
type logTail struct {
	text      string
	from, to  int // line numbers, from 1; 0 and 0 for none
	truncated bool
}

// logNoise is what a model does not need in a log line: the timestamp
// GitHub puts before every line, and ANSI colour codes.
var (
	logTimestamp = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z `) })
	logANSI      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`) })
)

// tailLog reads a log and keeps the last n lines before line before (the
// end if 0), at most maxBytes of them, streaming so that a large log is
// never held whole. A line longer than maxBytes keeps its end. Secrets
// are masked by redact (Deps.RawText) in each line, and in a long line
// before its start is cut, so no cut falls inside a secret.
func tailLog(r io.Reader, n, before, maxBytes int, redact func(string) string) (logTail, error) {
	type line struct {
		text string
		cut  bool
	}
	var (
		window []line
		first  = 1 // number of window[0]
		count  = 0
		cur    []byte
		cut    bool
	)
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		frag, err := br.ReadSlice('\n')
		cur = append(cur, frag...)
		if len(cur) > maxBytes {
			cur, cut = keepEnd([]byte(redact(string(cur))), maxBytes), true
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return logTail{}, err
		}
		if len(cur) > 0 {
			count++
			if before > 0 && count >= before {
				break
			}
			if count == 1 {
				cur = bytes.TrimPrefix(cur, []byte("\ufeff"))
			}
			window = append(window, line{text: redact(cleanLogLine(cur)), cut: cut})
			if len(window) > n {
				window = window[1:]
				first++
			}
			cur, cut = cur[:0], false
		}
		if err != nil {
			break
		}
	}
	size := 0
	for _, l := range window {
		size += len(l.text) + 1
	}
	for len(window) > 1 && size > maxBytes {
		size -= len(window[0].text) + 1
		window = window[1:]
		first++
	}
	if len(window) == 0 {
		return logTail{}, nil
	}
	var b strings.Builder
	for i, l := range window {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.text)
	}
	return logTail{text: b.String(), from: first, to: first + len(window) - 1, truncated: first > 1 || window[0].cut}, nil
}

// keepEnd returns the last max bytes of b, starting on a rune boundary.
func keepEnd(b []byte, max int) []byte {
	start := len(b) - max
	for start < len(b) && !utf8.RuneStart(b[start]) {
		start++
	}
	return append(b[:0:0], b[start:]...)
}

// cleanLogLine removes the line end, the timestamp and colour codes.
func cleanLogLine(b []byte) string {
	b = bytes.TrimRight(b, "\r\n")
	b = logTimestamp().ReplaceAll(b, nil)
	return string(logANSI().ReplaceAll(b, nil))
}

// rerunFailedJobs calls POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun-failed-jobs.
// https://docs.github.com/rest/actions/workflow-runs#re-run-failed-jobs-from-a-workflow-run
func rerunFailedJobs() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "rerun_failed_jobs",
		Toolset: ToolsetActions,
		Kind:    toolkit.Create,
		Desc:    "Re-run the failed jobs of a completed workflow run, and the jobs that depend on them, as a new attempt of the same run.",
	}, func(ctx context.Context, d toolkit.Deps, in RunArgs) (RunAck, error) {
		what := fmt.Sprintf("re-run failed jobs of run %d in %s", in.RunID, in.RepoArgs)
		_, err := d.GitHub.Actions.RerunFailedJobsByID(ctx, in.Owner, in.Repo, in.RunID)
		return rerunAck(what, in.RunID, err)
	})
}

// cancelWorkflowRun calls POST /repos/{owner}/{repo}/actions/runs/{run_id}/cancel.
// https://docs.github.com/rest/actions/workflow-runs#cancel-a-workflow-run
func cancelWorkflowRun() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "cancel_workflow_run",
		Toolset: ToolsetActions,
		Kind:    toolkit.Update,
		Desc:    "Cancel a queued or running workflow run.",
	}, func(ctx context.Context, d toolkit.Deps, in RunArgs) (RunAck, error) {
		what := fmt.Sprintf("cancel run %d in %s", in.RunID, in.RepoArgs)
		_, err := d.GitHub.Actions.CancelWorkflowRunByID(ctx, in.Owner, in.Repo, in.RunID)
		var accepted *gh.AcceptedError
		status, respErr := statusOf(err)
		switch {
		case errors.As(err, &accepted):
			// 202 Accepted is GitHub's success here: it cancels in the background.
		case status == http.StatusConflict:
			return RunAck{}, toolkit.Op(what, fmt.Errorf("the run has already completed, so there is nothing to cancel (409: %s)", respErr.Message))
		case err != nil:
			return RunAck{}, toolkit.Op(what, err)
		}
		return RunAck{RunID: in.RunID, Status: "cancelling", Next: "get_workflow_run shows conclusion cancelled once GitHub has stopped it"}, nil
	})
}

// rerunWorkflowRun calls POST /repos/{owner}/{repo}/actions/runs/{run_id}/rerun.
// https://docs.github.com/rest/actions/workflow-runs#re-run-a-workflow
func rerunWorkflowRun() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "rerun_workflow_run",
		Toolset: ToolsetActions,
		Kind:    toolkit.Create,
		Desc:    "Re-run every job of a completed workflow run as a new attempt. Only the failed ones: rerun_failed_jobs.",
	}, func(ctx context.Context, d toolkit.Deps, in RunArgs) (RunAck, error) {
		what := fmt.Sprintf("re-run run %d in %s", in.RunID, in.RepoArgs)
		_, err := d.GitHub.Actions.RerunWorkflowByID(ctx, in.Owner, in.Repo, in.RunID)
		return rerunAck(what, in.RunID, err)
	})
}

// rerunAck is the answer to a re-run (of a whole run or its failed jobs).
// GitHub answers 403 both for a token without access and for a run it will
// not re-run; its message says which.
func rerunAck(what string, runID int64, err error) (RunAck, error) {
	if status, e := statusOf(err); status == http.StatusForbidden {
		return RunAck{}, toolkit.Op(what, fmt.Errorf("GitHub refused (403: %s). A run can be re-run only after it completed and within 30 days of its start; if the message is about access, the token needs Actions write permission", e.Message))
	}
	if err != nil {
		return RunAck{}, toolkit.Op(what, err)
	}
	return RunAck{RunID: runID, Status: "queued", Next: "Follow the new attempt with get_workflow_run"}, nil
}

// ListArtifactsArgs are the arguments of list_run_artifacts.
type ListArtifactsArgs struct {
	RunArgs
	PageArgs
}

// Artifact is a file a workflow run uploaded.
type Artifact struct {
	ID        int64             `json:"id"`
	Name      toolkit.Untrusted `json:"name"`
	SizeBytes int64             `json:"size_bytes"`
	Expired   bool              `json:"expired,omitempty"`
	ExpiresAt string            `json:"expires_at,omitempty"`
}

// ArtifactList is a page of a run's artifacts.
type ArtifactList struct {
	Artifacts []Artifact `json:"artifacts"`
	NextPage  int        `json:"next_page,omitempty"`
}

// listRunArtifacts calls GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts.
// https://docs.github.com/rest/actions/artifacts#list-workflow-run-artifacts
func listRunArtifacts() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "list_run_artifacts",
		Toolset: ToolsetActions,
		Kind:    toolkit.Read,
		Desc:    "List the artifacts a workflow run uploaded, with sizes and expiry.",
	}, func(ctx context.Context, d toolkit.Deps, in ListArtifactsArgs) (ArtifactList, error) {
		what := fmt.Sprintf("list artifacts of run %d in %s", in.RunID, in.RepoArgs)
		opts := in.listOptions()
		list, resp, err := d.GitHub.Actions.ListWorkflowRunArtifacts(ctx, in.Owner, in.Repo, in.RunID, &opts)
		if err != nil {
			return ArtifactList{}, toolkit.Op(what, err)
		}
		out := ArtifactList{Artifacts: []Artifact{}, NextPage: nextPage(resp)}
		for _, a := range list.Artifacts {
			out.Artifacts = append(out.Artifacts, Artifact{ID: a.GetID(), Name: untrusted(a.GetName()), SizeBytes: a.GetSizeInBytes(), Expired: a.GetExpired(), ExpiresAt: ts(a.ExpiresAt)})
		}
		return out, nil
	})
}

// DispatchInputsArgs are the arguments of get_workflow_dispatch_inputs.
type DispatchInputsArgs struct {
	RepoArgs
	Workflow string `json:"workflow" jsonschema:"Workflow id or file name"`
	Ref      string `json:"ref,omitempty" jsonschema:"Branch to read the file from; default: the default branch" ghmcp:"ref,quiet"`
}

// DispatchInputs is what run_workflow accepts for a workflow.
type DispatchInputs struct {
	Path     string          `json:"path"`
	Manual   bool            `json:"manual" jsonschema:"Has a workflow_dispatch trigger: run_workflow can start it"`
	Triggers []string        `json:"triggers,omitempty"`
	Inputs   []DispatchInput `json:"inputs,omitempty"`
	Note     string          `json:"note,omitempty"`
}

// DispatchInput is one workflow_dispatch input.
type DispatchInput struct {
	Name        string            `json:"name"`
	Type        string            `json:"type,omitempty" jsonschema:"string (default), boolean, choice, number or environment"`
	Required    bool              `json:"required,omitempty"`
	Default     string            `json:"default,omitempty"`
	Options     []string          `json:"options,omitempty" jsonschema:"The values a choice accepts"`
	Description toolkit.Untrusted `json:"description,omitempty"`
}

// getWorkflowDispatchInputs reads the workflow's file: GET
// /repos/{owner}/{repo}/actions/workflows/{workflow_id} for its path when
// given an id, then GET /repos/{owner}/{repo}/contents/{path}.
// https://docs.github.com/rest/actions/workflows#get-a-workflow
// https://docs.github.com/rest/repos/contents#get-repository-content
// https://docs.github.com/actions/writing-workflows/workflow-syntax-for-github-actions#onworkflow_dispatchinputs
func getWorkflowDispatchInputs() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "get_workflow_dispatch_inputs",
		Toolset: ToolsetActions,
		Kind:    toolkit.Read,
		Desc:    "Show whether a workflow can be run by hand and the inputs run_workflow takes, read from its file.",
	}, func(ctx context.Context, d toolkit.Deps, in DispatchInputsArgs) (DispatchInputs, error) {
		what := fmt.Sprintf("get dispatch inputs of workflow %s in %s", in.Workflow, in.RepoArgs)
		return dispatchInputs(ctx, d, in.RepoArgs, in.Workflow, in.Ref, what)
	})
}

// dispatchInputs reads and parses a workflow's file.
func dispatchInputs(ctx context.Context, d toolkit.Deps, repo RepoArgs, workflow, ref, what string) (DispatchInputs, error) {
	id, file, err := workflowRef("workflow", workflow)
	if err != nil {
		return DispatchInputs{}, toolkit.Op(what, err)
	}
	path := ".github/workflows/" + file
	if file == "" {
		wf, _, err := d.GitHub.Actions.GetWorkflowByID(ctx, repo.Owner, repo.Repo, id)
		if err != nil {
			return DispatchInputs{}, toolkit.Op(what, err)
		}
		path = wf.GetPath()
	}
	fc, _, _, err := d.GitHub.Repositories.GetContents(ctx, repo.Owner, repo.Repo, path, &gh.RepositoryContentGetOptions{Ref: ref})
	if err != nil {
		return DispatchInputs{}, toolkit.Op(what+": read "+path, err)
	}
	if fc == nil {
		return DispatchInputs{}, toolkit.Op(what, fmt.Errorf("%s is a directory, not a workflow file", path))
	}
	text, err := fc.GetContent()
	if err != nil {
		return DispatchInputs{}, toolkit.Op(what+": read "+path, err)
	}
	out, err := parseDispatch([]byte(text))
	if err != nil {
		return DispatchInputs{}, toolkit.Op(what, fmt.Errorf("%s is not a workflow GitHub can read: %w", path, err))
	}
	out.Path = path
	if !out.Manual {
		out.Note = "no workflow_dispatch trigger: it cannot be run by hand, and run_workflow will fail; it runs on its triggers"
	}
	return out, nil
}
