package tools

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

func TestGetCIStatus(t *testing.T) {
	const sha = "6dcb09b5b57875f334f61aebed695e2e4193db5e"
	runs := `{"total_count":4,"check_runs":[
		{"id":1,"name":"build","status":"completed","conclusion":"success","details_url":"https://github.com/octo/hello/actions/runs/5/job/1"},
		{"id":2,"name":"test","status":"completed","conclusion":"failure","details_url":"https://github.com/octo/hello/actions/runs/5/job/2","html_url":"https://github.com/octo/hello/runs/2"},
		{"id":3,"name":"lint","status":"in_progress","conclusion":null},
		{"id":4,"name":"docs","status":"completed","conclusion":"skipped"}]}`
	status := `{"state":"failure","sha":"` + sha + `","total_count":2,"statuses":[
		{"context":"ci/circleci","state":"error","target_url":"https://circleci.example/1"},
		{"context":"deploy/preview","state":"pending"}]}`
	want := CIStatus{
		SHA: sha, State: "failed", Passed: 2,
		Failed: []CIFailed{
			{Name: "test", Conclusion: "failure", URL: "https://github.com/octo/hello/actions/runs/5/job/2", JobID: 2},
			{Name: "ci/circleci", Conclusion: "error", URL: "https://circleci.example/1"},
		},
		Pending: []toolkit.Untrusted{"lint", "deploy/preview"},
	}
	t.Run("of a pull request's head", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/pulls/1347", 200, readTestdata(t, "pull.json"), nil)
		f.on("GET", "/repos/octo/hello/commits/"+sha+"/check-runs", 200, runs, query("filter=latest&per_page=100"))
		f.on("GET", "/repos/octo/hello/commits/"+sha+"/status", 200, status, query("per_page=100"))
		var got CIStatus
		structured(t, f.deps(testToken), "get_ci_status", `{"owner":"octo","repo":"hello","number":1347}`, &got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
	})
	t.Run("of a branch, all passed", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/commits/main/check-runs", 200, `{"total_count":1,"check_runs":[{"name":"build","status":"completed","conclusion":"success"}]}`, nil)
		f.on("GET", "/repos/octo/hello/commits/main/status", 200, `{"state":"pending","sha":"`+sha+`","total_count":0,"statuses":[]}`, nil)
		var got CIStatus
		structured(t, f.deps(testToken), "get_ci_status", `{"owner":"octo","repo":"hello","ref":"main"}`, &got)
		if diff := cmp.Diff(CIStatus{SHA: sha, State: "passed", Passed: 1}, got); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
	})
	t.Run("no checks at all, and more than a page", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/commits/main/check-runs", 200, `{"total_count":0,"check_runs":[]}`, nil)
		f.on("GET", "/repos/octo/hello/commits/main/status", 200, `{"state":"pending","sha":"`+sha+`","total_count":0,"statuses":[]}`, nil)
		var got CIStatus
		structured(t, f.deps(testToken), "get_ci_status", `{"owner":"octo","repo":"hello","ref":"main"}`, &got)
		if got.State != "none" {
			t.Errorf("state = %q, want none", got.State)
		}
	})
}

func TestGetCIStatusErrors(t *testing.T) {
	t.Run("an unknown ref in GitHub's words", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/commits/nope/check-runs", 422, `{"message":"No commit found for SHA: nope"}`, nil)
		f.on("GET", "/repos/octo/hello/commits/nope/status", 422, `{"message":"No commit found for SHA: nope"}`, nil)
		callWantError(t, f.deps(testToken), "get_ci_status", `{"owner":"octo","repo":"hello","ref":"nope"}`,
			"get CI status of nope in octo/hello", "No commit found for SHA: nope")
	})
	t.Run("check runs that cannot be read leave the statuses, state unknown", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/commits/main/check-runs", 403, `{"message":"Resource not accessible by personal access token"}`, nil)
		f.on("GET", "/repos/octo/hello/commits/main/status", 200, `{"state":"success","sha":"abc","total_count":1,"statuses":[{"context":"ci/x","state":"success"}]}`, nil)
		var got CIStatus
		structured(t, f.deps(testToken), "get_ci_status", `{"owner":"octo","repo":"hello","ref":"main"}`, &got)
		if got.State != "unknown" || got.Passed != 1 || !strings.Contains(got.Note, "list check runs of main: forbidden (403") || !strings.Contains(got.Note, "only commit statuses are counted") {
			t.Errorf("got %+v, want state unknown, 1 passed, and a note naming the failed read", got)
		}
	})
	t.Run("failed statuses stay failed when check runs cannot be read", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/commits/main/check-runs", 200, `{"total_count":1,"check_runs":[{"name":"build","status":"completed","conclusion":"failure"}]}`, nil)
		f.on("GET", "/repos/octo/hello/commits/main/status", 403, `{"message":"Resource not accessible by integration"}`, nil)
		var got CIStatus
		structured(t, f.deps(testToken), "get_ci_status", `{"owner":"octo","repo":"hello","ref":"main"}`, &got)
		if got.State != "failed" || !strings.Contains(got.Note, "only check runs are counted") {
			t.Errorf("got %+v, want failed with a note", got)
		}
	})
	for name, args := range map[string]string{
		"neither number nor ref": `{"owner":"octo","repo":"hello"}`,
		"both number and ref":    `{"owner":"octo","repo":"hello","number":1,"ref":"main"}`,
	} {
		t.Run(name+" is refused before any request", func(t *testing.T) {
			f := newFakeGitHub(t)
			callWantError(t, f.deps(testToken), "get_ci_status", args, `invalid argument "number": give either number (a pull request) or ref (not both)`)
		})
	}
}
