package tools

import (
	"encoding/base64"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRerunWorkflowRun(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("POST", "/repos/octo/hello/actions/runs/30433642/rerun", 201, `{}`, nil)
	var got RunAck
	structured(t, f.deps(testToken), "rerun_workflow_run", `{"owner":"octo","repo":"hello","run_id":30433642}`, &got)
	if diff := cmp.Diff(RunAck{RunID: 30433642, Status: "queued", Next: "Follow the new attempt with get_workflow_run"}, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	f.on("POST", "/repos/octo/hello/actions/runs/5/rerun", 403, `{"message":"This workflow is already running"}`, nil)
	callWantError(t, f.deps(testToken), "rerun_workflow_run", `{"owner":"octo","repo":"hello","run_id":5}`,
		"re-run run 5 in octo/hello: GitHub refused (403: This workflow is already running)")
}

func TestListRunArtifacts(t *testing.T) {
	f := newFakeGitHub(t)
	s := f.on("GET", "/repos/octo/hello/actions/runs/30433642/artifacts", 200, `{"total_count":3,"artifacts":[
		{"id":11,"name":"coverage","size_in_bytes":20480,"expired":false,"expires_at":"2026-04-01T03:04:05Z","archive_download_url":"https://api.github.test/x"},
		{"id":12,"name":"old-build","size_in_bytes":10,"expired":true,"expires_at":"2026-01-01T00:00:00Z"}]}`, query("page=1&per_page=2"))
	s.header = map[string]string{"Link": `<https://api.github.test/repositories/1/actions/runs/30433642/artifacts?page=2>; rel="next"`}
	var got ArtifactList
	structured(t, f.deps(testToken), "list_run_artifacts", `{"owner":"octo","repo":"hello","run_id":30433642,"per_page":2}`, &got)
	want := ArtifactList{Artifacts: []Artifact{
		{ID: 11, Name: "coverage", SizeBytes: 20480, ExpiresAt: "2026-04-01T03:04:05Z"},
		{ID: 12, Name: "old-build", SizeBytes: 10, Expired: true, ExpiresAt: "2026-01-01T00:00:00Z"},
	}, NextPage: 2}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

// workflowFileJSON is the contents answer for a workflow file.
func workflowFileJSON(path, text string) string {
	b, _ := json.Marshal(map[string]any{"type": "file", "encoding": "base64", "path": path, "content": base64.StdEncoding.EncodeToString([]byte(text))})
	return string(b)
}

const releaseWorkflow = `name: Release
on:
  push:
    branches: [main]
  workflow_dispatch:
    inputs:
      version:
        description: Version to release
        required: true
      channel:
        type: choice
        options: [stable, beta]
        default: stable
      dry_run:
        type: boolean
        default: false
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - run: echo ${{ inputs.version }}
`

func TestGetWorkflowDispatchInputs(t *testing.T) {
	t.Run("by file name", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/contents/.github/workflows/release.yml", 200, workflowFileJSON(".github/workflows/release.yml", releaseWorkflow), query("ref=v2"))
		var got DispatchInputs
		structured(t, f.deps(testToken), "get_workflow_dispatch_inputs", `{"owner":"octo","repo":"hello","workflow":"release.yml","ref":"v2"}`, &got)
		want := DispatchInputs{
			Path: ".github/workflows/release.yml", Manual: true, Triggers: []string{"push", "workflow_dispatch"},
			Inputs: []DispatchInput{
				{Name: "version", Required: true, Description: "Version to release"},
				{Name: "channel", Type: "choice", Default: "stable", Options: []string{"stable", "beta"}},
				{Name: "dry_run", Type: "boolean", Default: "false"},
			},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
	})
	t.Run("by id, without workflow_dispatch", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/actions/workflows/161335", 200, `{"id":161335,"name":"CI","path":".github/workflows/ci.yml"}`, nil)
		f.on("GET", "/repos/octo/hello/contents/.github/workflows/ci.yml", 200, workflowFileJSON(".github/workflows/ci.yml", "on: [push, pull_request]\njobs: {}\n"), nil)
		var got DispatchInputs
		structured(t, f.deps(testToken), "get_workflow_dispatch_inputs", `{"owner":"octo","repo":"hello","workflow":"161335"}`, &got)
		want := DispatchInputs{Path: ".github/workflows/ci.yml", Triggers: []string{"push", "pull_request"},
			Note: "no workflow_dispatch trigger: it cannot be run by hand, and run_workflow will fail; it runs on its triggers"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
	})
	t.Run("a file that is no workflow", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/contents/.github/workflows/ci.yml", 200, workflowFileJSON(".github/workflows/ci.yml", "- a\n- b\n"), nil)
		callWantError(t, f.deps(testToken), "get_workflow_dispatch_inputs", `{"owner":"octo","repo":"hello","workflow":"ci.yml"}`,
			"get dispatch inputs of workflow ci.yml in octo/hello: .github/workflows/ci.yml is not a workflow GitHub can read: it is not a YAML mapping")
	})
}

func TestParseDispatch(t *testing.T) {
	tests := []struct {
		name, src string
		want      DispatchInputs
	}{
		{"a single trigger", "on: workflow_dispatch\n", DispatchInputs{Manual: true, Triggers: []string{"workflow_dispatch"}}},
		{"a null workflow_dispatch", "on:\n  workflow_dispatch:\n  schedule:\n    - cron: '0 0 * * *'\n", DispatchInputs{Manual: true, Triggers: []string{"workflow_dispatch", "schedule"}}},
		{"a quoted on key", "\"on\": [workflow_dispatch]\n", DispatchInputs{Manual: true, Triggers: []string{"workflow_dispatch"}}},
		{"an on key a YAML 1.1 writer made true", "true:\n  workflow_dispatch: {inputs: {n: {required: yes}}}\n", DispatchInputs{Manual: true, Triggers: []string{"workflow_dispatch"}, Inputs: []DispatchInput{{Name: "n", Required: true}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseDispatch([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for name, src := range map[string]string{
		"no on key":   "jobs: {}\n",
		"broken YAML": "on: [push\n",
		"a scalar":    "hello\n",
	} {
		t.Run(name+" is an error", func(t *testing.T) {
			if _, err := parseDispatch([]byte(src)); err == nil {
				t.Error("no error")
			}
		})
	}
}

func TestRunWorkflowWithoutDispatch(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("POST", "/repos/octo/hello/actions/workflows/ci.yml/dispatches", 422, `{"message":"Workflow does not have 'workflow_dispatch' trigger","status":"422"}`, nil)
	f.on("GET", "/repos/octo/hello/contents/.github/workflows/ci.yml", 200, workflowFileJSON(".github/workflows/ci.yml", "on:\n  push:\n  pull_request:\n"), query("ref=main"))
	callWantError(t, f.deps(testToken), "run_workflow", `{"owner":"octo","repo":"hello","workflow":"ci.yml","ref":"main"}`,
		"run workflow ci.yml in octo/hello: the workflow cannot be run by hand: .github/workflows/ci.yml has no workflow_dispatch trigger (422: Workflow does not have 'workflow_dispatch' trigger). Do not retry; it runs on push, pull_request")
}

func TestRunWorkflowWithUnexpectedInputs(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("POST", "/repos/octo/hello/actions/workflows/release.yml/dispatches", 422, `{"message":"Unexpected inputs provided: [\"versoin\"]"}`, nil)
	f.on("GET", "/repos/octo/hello/contents/.github/workflows/release.yml", 200, workflowFileJSON(".github/workflows/release.yml", releaseWorkflow), nil)
	callWantError(t, f.deps(testToken), "run_workflow", `{"owner":"octo","repo":"hello","workflow":"release.yml","ref":"main","inputs":{"versoin":"1"}}`,
		`GitHub refused the dispatch (422: Unexpected inputs provided: ["versoin"]). .github/workflows/release.yml accepts the inputs [version, channel, dry_run], of which [version] are required`)
}
