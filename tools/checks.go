package tools

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	gh "github.com/google/go-github/v62/github"
	"golang.org/x/sync/errgroup"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// ciCap is the most check runs, and the most commit statuses, that
// get_ci_status reads: one page of each.
const ciCap = 100

// CIStatusArgs are the arguments of get_ci_status.
type CIStatusArgs struct {
	RepoArgs
	Number int    `json:"number,omitempty" jsonschema:"Pull request; or give ref" ghmcp:"range=1..,quiet"`
	Ref    string `json:"ref,omitempty" jsonschema:"Branch, tag or SHA" ghmcp:"ref,quiet"`
}

// CIStatus is the state of every check on a commit, in one summary.
type CIStatus struct {
	SHA   string `json:"sha"`
	State string `json:"state" jsonschema:"passed, failed, pending, none (no checks) or unknown (see note)"`
	// Counts of checks (check runs and commit statuses together).
	Passed  int                 `json:"passed"`
	Failed  []CIFailed          `json:"failed,omitempty"`
	Pending []toolkit.Untrusted `json:"pending,omitempty" jsonschema:"Names of checks not finished"`
	Note    string              `json:"note,omitempty"`
}

// CIFailed is a check that did not pass.
type CIFailed struct {
	Name       toolkit.Untrusted `json:"name"`
	Conclusion string            `json:"conclusion"`
	URL        string            `json:"url,omitempty"`
	JobID      int64             `json:"job_id,omitempty" jsonschema:"For get_job_log"`
}

// actionsJobURL is a GitHub Actions check run's details URL, whose last
// number is the job's id.
var actionsJobURL = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`/actions/runs/\d+/job/(\d+)$`) })

// getCIStatus calls GET /repos/{owner}/{repo}/commits/{ref}/check-runs and
// GET /repos/{owner}/{repo}/commits/{ref}/status (after GET
// /repos/{owner}/{repo}/pulls/{pull_number} for a pull request's head).
// https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference
// https://docs.github.com/rest/commits/statuses#get-the-combined-status-for-a-specific-reference
//
// Check runs (GitHub Actions and other apps) and commit statuses (older
// integrations) are two APIs for the same question; the model gets one
// answer.
func getCIStatus() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "get_ci_status",
		Toolset: ToolsetPullRequests,
		Kind:    toolkit.Read,
		Desc:    "CI of a pull request's head or a ref: passed, failed (with links and job ids) or pending, from check runs and commit statuses.",
	}, func(ctx context.Context, d toolkit.Deps, in CIStatusArgs) (CIStatus, error) {
		if (in.Number == 0) == (in.Ref == "") {
			return CIStatus{}, &toolkit.ArgError{Arg: "number", Problem: "give either number (a pull request) or ref (not both)", Example: `{"number": 42}`}
		}
		ref := in.Ref
		what := fmt.Sprintf("get CI status of %s in %s", ref, in.RepoArgs)
		if in.Number != 0 {
			what = fmt.Sprintf("get CI status of pull request %s/%s#%d", in.Owner, in.Repo, in.Number)
			pr, _, err := d.GitHub.PullRequests.Get(ctx, in.Owner, in.Repo, in.Number)
			if err != nil {
				return CIStatus{}, toolkit.Op(what, err)
			}
			ref = pr.GetHead().GetSHA()
		}
		var (
			runs     *gh.ListCheckRunsResults
			combined *gh.CombinedStatus
		)
		// Both requests run to the end (no shared cancellation): they are
		// reads, and an answer for each keeps the error deterministic.
		var g errgroup.Group
		var runsErr, statusErr error
		g.Go(func() (err error) {
			runs, _, runsErr = d.GitHub.Checks.ListCheckRunsForRef(ctx, in.Owner, in.Repo, ref, &gh.ListCheckRunsOptions{
				Filter: gh.String("latest"), ListOptions: gh.ListOptions{PerPage: ciCap},
			})
			return nil
		})
		g.Go(func() (err error) {
			combined, _, statusErr = d.GitHub.Repositories.GetCombinedStatus(ctx, in.Owner, in.Repo, ref, &gh.ListOptions{PerPage: ciCap})
			return nil
		})
		_ = g.Wait()
		// Half an answer beats none: a token may read commit statuses but
		// not check runs. The state is not "passed" on half the checks.
		switch {
		case runsErr != nil && statusErr != nil:
			return CIStatus{}, toolkit.Op(what, runsErr)
		case runsErr != nil:
			out := summarizeCI(ref, &gh.ListCheckRunsResults{}, combined)
			return partialCI(out, toolkit.Explain("list check runs of "+ref, runsErr)+"; only commit statuses are counted"), nil
		case statusErr != nil:
			out := summarizeCI(ref, runs, &gh.CombinedStatus{})
			return partialCI(out, toolkit.Explain("get commit statuses of "+ref, statusErr)+"; only check runs are counted"), nil
		}
		return summarizeCI(ref, runs, combined), nil
	})
}

// partialCI marks a summary made from one kind of check: failed stays
// failed, anything else is unknown.
func partialCI(out CIStatus, note string) CIStatus {
	if out.State != "failed" {
		out.State = "unknown"
	}
	out.Note = strings.TrimPrefix(out.Note+"; "+note, "; ")
	return out
}

// summarizeCI combines check runs and commit statuses: failed if any
// failed, else pending if any is not finished, else passed.
func summarizeCI(ref string, runs *gh.ListCheckRunsResults, combined *gh.CombinedStatus) CIStatus {
	out := CIStatus{SHA: combined.GetSHA()}
	if out.SHA == "" {
		out.SHA = ref
	}
	for _, r := range runs.CheckRuns {
		if r.GetStatus() != "completed" {
			out.Pending = append(out.Pending, untrusted(r.GetName()))
			continue
		}
		switch c := r.GetConclusion(); c {
		case "success", "neutral", "skipped":
			out.Passed++
		default:
			f := CIFailed{Name: untrusted(r.GetName()), Conclusion: c, URL: r.GetDetailsURL()}
			if f.URL == "" {
				f.URL = r.GetHTMLURL()
			}
			if m := actionsJobURL().FindStringSubmatch(f.URL); m != nil {
				f.JobID, _ = strconv.ParseInt(m[1], 10, 64)
			}
			out.Failed = append(out.Failed, f)
		}
	}
	for _, s := range combined.Statuses {
		switch s.GetState() {
		case "success":
			out.Passed++
		case "pending":
			out.Pending = append(out.Pending, untrusted(s.GetContext()))
		default:
			out.Failed = append(out.Failed, CIFailed{Name: untrusted(s.GetContext()), Conclusion: s.GetState(), URL: s.GetTargetURL()})
		}
	}
	switch {
	case len(out.Failed) > 0:
		out.State = "failed"
	case len(out.Pending) > 0:
		out.State = "pending"
	case out.Passed > 0:
		out.State = "passed"
	default:
		out.State = "none"
	}
	if runs.GetTotal() > len(runs.CheckRuns) || combined.GetTotalCount() > len(combined.Statuses) {
		out.Note = fmt.Sprintf("more than %d checks: only the first %d of each kind are counted", ciCap, ciCap)
	}
	return out
}
