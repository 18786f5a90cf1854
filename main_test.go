package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ghmcp/ghmcp/tools"
)

var update = flag.Bool("update", false, "rewrite golden files and transcripts in testdata/")

func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) != "ghmcp" {
		moreParallel()
	}
	// The test binary doubles as the ghmcp binary for transcripts and
	// subprocess tests: run as "ghmcp" it is the real program.
	testscript.Main(m, map[string]func(){
		"ghmcp": main,
	})
}

// moreParallel runs up to 8 tests at once unless -test.parallel is given:
// the tests of this package mostly wait on subprocesses (the binary, a
// fake GitHub, Redis, HAProxy), so the default of GOMAXPROCS (2 on the CI
// machines) leaves the processor idle (go test -race . took 127 s at 2, 51 s
// at 8).
func moreParallel() {
	flag.Parse()
	given := false
	flag.Visit(func(f *flag.Flag) { given = given || f.Name == "test.parallel" })
	if !given {
		flag.Set("test.parallel", "8")
	}
}

// envMap turns a map into a getenv function.
func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// TestToolsListGolden snapshots the full tools/list result, so that every
// change to a name, description, schema or annotation is a reviewed diff.
// Regenerate with: go test -run TestToolsListGolden -update .
func TestToolsListGolden(t *testing.T) {
	got := toolsList(t, nil)
	path := filepath.Join("testdata", "tools_list.golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("tools/list changed (-golden +now); if intended, run go test -run TestToolsListGolden -update .\n%s", diff)
	}
}

// toolsList returns the indented tools/list result of a server built from args.
func toolsList(t *testing.T, args []string) []byte {
	t.Helper()
	srv := newTestServer(t, args)
	resp := srv.HandleMessage(context.Background(), json.RawMessage(`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`))
	r, ok := resp.(mcp.JSONRPCResponse)
	if !ok {
		t.Fatalf("tools/list answered %T: %+v", resp, resp)
	}
	out, err := json.MarshalIndent(r.Result, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(out, '\n')
}

func TestReadOnlyListsNoWriteTools(t *testing.T) {
	var list struct {
		Tools []mcp.Tool `json:"tools"`
	}
	if err := json.Unmarshal(toolsList(t, []string{"--read-only"}), &list); err != nil {
		t.Fatal(err)
	}
	if len(list.Tools) == 0 {
		t.Fatal("read-only mode lists no tools")
	}
	for _, tool := range list.Tools {
		if tool.Annotations.ReadOnlyHint == nil || !*tool.Annotations.ReadOnlyHint {
			t.Errorf("read-only mode lists %s, which is not read-only", tool.Name)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		code int
		// wantErr must appear on stderr, which must be one line.
		wantErr string
		// wantOut must appear on stdout.
		wantOut string
	}{
		{name: "unknown flag", args: []string{"--bogus"}, code: 2, wantErr: "ghmcp: flag provided but not defined: -bogus (see ghmcp --help)"},
		{name: "relative API URL", args: []string{"--api-url", "api.github.test"}, code: 2, wantErr: "want an absolute URL"},
		{name: "clear-text API URL", args: []string{"--api-url", "http://ghe.example.com/api/v3"}, code: 2, wantErr: "http:// would send the token in clear"},
		{name: "API URL from the environment", env: map[string]string{"GITHUB_API_URL": "ftp://x"}, code: 2, wantErr: "scheme must be https"},
		{name: "bad log level", args: []string{"--log-level", "loud"}, code: 2, wantErr: `invalid --log-level "loud": want debug, info, warn or error`},
		{name: "read-only that cannot be read", env: map[string]string{"GHMCP_READ_ONLY": "maybe"}, code: 2, wantErr: `invalid GHMCP_READ_ONLY "maybe": want true or false`},
		{name: "bad duration from the environment", env: map[string]string{"GHMCP_MAX_WAIT": "soon"}, code: 2, wantErr: `invalid GHMCP_MAX_WAIT "soon": want a duration`},
		{name: "bad number from the environment", env: map[string]string{"GHMCP_CACHE_ENTRIES": "many"}, code: 2, wantErr: `invalid GHMCP_CACHE_ENTRIES "many": want a whole number`},
		{name: "stray argument", args: []string{"serve"}, code: 2, wantErr: `unexpected argument "serve"`},
		{name: "concurrency out of range", args: []string{"--max-concurrent", "500"}, code: 2, wantErr: `invalid --max-concurrent "500": want a number from 1 to 100`},
		{name: "unknown toolset", args: []string{"--toolsets", "repos,wiki"}, code: 2, wantErr: `ghmcp: unknown toolset "wiki" in --toolsets; known toolsets: context, repos, issues, pull_requests, actions, collaborators, search, sub_issues, repo_admin, notifications, security, or all (see ghmcp --help)`},
		{name: "unknown toolset from the environment", env: map[string]string{"GHMCP_TOOLSETS": "admin"}, code: 2, wantErr: `unknown toolset "admin"`},
		{name: "unknown tool", args: []string{"--tools", "get_repository_details,rm_rf"}, code: 2, wantErr: `ghmcp: unknown tool "rm_rf" in --tools; known tools: `},
		{name: "write tool in read-only mode", args: []string{"--read-only", "--tools", "create_issue"}, code: 2, wantErr: `--tools names create_issue, which changes GitHub, but --read-only is set`},
		{name: "bad repos pattern", args: []string{"--repos", "octo/hello,evil"}, code: 2, wantErr: `invalid --repos pattern "evil": want owner/name or owner/*`},
		{name: "bad repos pattern from the environment", env: map[string]string{"GHMCP_REPOS": "*/*"}, code: 2, wantErr: `invalid --repos pattern "*/*"`},
		{name: "bad content filter", args: []string{"--content-filter", "maybe"}, code: 2, wantErr: `invalid --content-filter "maybe": want on or off`},
		{name: "bad content filter from the environment", env: map[string]string{"GHMCP_CONTENT_FILTER": "no"}, code: 2, wantErr: `invalid GHMCP_CONTENT_FILTER "no": want on or off`},
		{name: "version", args: []string{"--version"}, code: 0, wantOut: "ghmcp " + devVersion},
		{name: "help", args: []string{"--help"}, code: 0, wantOut: "GITHUB_PERSONAL_ACCESS_TOKEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr, envMap(tt.env))
			if code != tt.code {
				t.Errorf("exit code %d, want %d (stderr %q)", code, tt.code, stderr.String())
			}
			if tt.wantErr != "" {
				if !strings.Contains(stderr.String(), tt.wantErr) {
					t.Errorf("stderr %q does not contain %q", stderr.String(), tt.wantErr)
				}
				if n := strings.Count(stderr.String(), "\n"); n != 1 {
					t.Errorf("stderr has %d lines, want one: %q", n, stderr.String())
				}
				if stdout.Len() != 0 {
					t.Errorf("stdout must stay empty on a usage error, got %q", stdout.String())
				}
			}
			if !strings.Contains(stdout.String(), tt.wantOut) {
				t.Errorf("stdout %q does not contain %q", stdout.String(), tt.wantOut)
			}
		})
	}
}

func TestTranscripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, transcriptParams(t))
}

// TestToolSelection checks which tools --toolsets, --tools and
// --read-only offer.
func TestToolSelection(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{nil, "add_assignees,add_issue_comment,add_labels,convert_to_draft,create_branch,create_issue,create_label,create_or_update_file,create_pull_request,delete_file,get_ci_status,get_commit,get_file_contents,get_issue,get_latest_release,get_me,get_pull_request,get_pull_request_files,get_rate_limit,get_repository_details,get_repository_tree,list_branches,list_commits,list_issue_comments,list_issues,list_labels,list_pull_request_reviews,list_pull_requests,list_releases,list_review_threads,list_tags,mark_ready_for_review,merge_pull_request,push_files,remove_assignees,remove_label,remove_reviewers,reply_to_review_comment,request_reviewers,resolve_review_thread,search_issues,search_repositories,submit_pull_request_review,unresolve_review_thread,update_issue,update_pull_request,update_pull_request_branch"},
		{[]string{"--toolsets", "issues"}, "add_assignees,add_issue_comment,add_labels,create_issue,create_label,get_issue,list_issue_comments,list_issues,list_labels,remove_assignees,remove_label,search_issues,update_issue"},
		{[]string{"--toolsets", "context,actions"}, "cancel_workflow_run,get_job_log,get_me,get_rate_limit,get_workflow_dispatch_inputs,get_workflow_run,list_run_artifacts,list_workflow_runs,list_workflows,rerun_failed_jobs,rerun_workflow_run,run_workflow"},
		{[]string{"--toolsets", "collaborators,search"}, "add_collaborator,get_collaborator_permission,list_collaborators,list_repository_invitations,remove_collaborator,search_code,search_commits,search_users"},
		{[]string{"--toolsets", "issues", "--tools", "get_repository_details,search_code"}, "get_repository_details,search_code"},
		{[]string{"--read-only"}, "get_ci_status,get_commit,get_file_contents,get_issue,get_latest_release,get_me,get_pull_request,get_pull_request_files,get_rate_limit,get_repository_details,get_repository_tree,list_branches,list_commits,list_issue_comments,list_issues,list_labels,list_pull_request_reviews,list_pull_requests,list_releases,list_review_threads,list_tags,search_issues,search_repositories"},
		{[]string{"--read-only", "--toolsets", "issues"}, "get_issue,list_issue_comments,list_issues,list_labels,search_issues"},
	} {
		var list struct {
			Tools []mcp.Tool `json:"tools"`
		}
		if err := json.Unmarshal(toolsList(t, tt.args), &list); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tool := range list.Tools {
			names = append(names, tool.Name)
		}
		if got := strings.Join(names, ","); got != tt.want {
			t.Errorf("%q lists %q, want %q", tt.args, got, tt.want)
		}
	}
	// all is every tool there is.
	var list struct {
		Tools []mcp.Tool `json:"tools"`
	}
	if err := json.Unmarshal(toolsList(t, []string{"--toolsets", "all"}), &list); err != nil {
		t.Fatal(err)
	}
	if got, want := len(list.Tools), len(tools.Catalog().Tools()); got != want || want < 38 {
		t.Errorf("--toolsets all lists %d tools, want all %d", got, want)
	}
}
