package tools

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ghmcp/ghmcp/internal/allowlist"
	"github.com/google/go-cmp/cmp"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// jsonBody checks that a request body equals want as JSON.
func jsonBody(want string) func(t *testing.T, body []byte, r *http.Request) {
	return func(t *testing.T, body []byte, r *http.Request) {
		t.Helper()
		var got, w any
		if err := json.Unmarshal(body, &got); err != nil {
			t.Errorf("request body is not JSON: %q", body)
			return
		}
		if err := json.Unmarshal([]byte(want), &w); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("request body (-want +got):\n%s", diff)
		}
	}
}

func TestCreateIssue(t *testing.T) {
	tests := []struct {
		name     string
		args     string
		wantBody string
	}{
		{
			name:     "title only sends only the title",
			args:     `{"owner":"octo","repo":"hello","title":"Found a bug"}`,
			wantBody: `{"title":"Found a bug"}`,
		},
		{
			name:     "every field is sent",
			args:     `{"owner":"octo","repo":"hello","title":"Found a bug","body":"It breaks.","labels":["bug","p1"],"assignees":["octocat"],"milestone":3}`,
			wantBody: `{"title":"Found a bug","body":"It breaks.","labels":["bug","p1"],"assignees":["octocat"],"milestone":3}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("POST", "/repos/octo/hello/issues", 201, readTestdata(t, "issue.json"), jsonBody(tt.wantBody))
			res := call(t, f.deps(testToken), "create_issue", tt.args)
			if res.IsError {
				t.Fatalf("unexpected error: %s", resultText(t, res))
			}
			want := IssueRef{Number: 1347, HTMLURL: "https://github.com/octo/hello/issues/1347", State: "open"}
			if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCreateIssueErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   []string
	}{
		{
			name:   "validation failure relays each field",
			status: 422,
			body:   `{"message":"Validation Failed","errors":[{"resource":"Issue","field":"assignees","code":"invalid"},{"resource":"Issue","field":"milestone","code":"invalid"}],"documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue"}`,
			want:   []string{"create issue in octo/hello", "GitHub rejected the input (422 Validation Failed)", "assignees is invalid", "milestone is invalid", "Fix those arguments"},
		},
		{
			name:   "archived repository",
			status: 403,
			body:   `{"message":"Repository was archived so is read-only."}`,
			want:   []string{"forbidden (403: Repository was archived so is read-only.)"},
		},
		{
			name:   "a 502 on a write is not retried and says so",
			status: 502,
			body:   `{"message":"Server Error"}`,
			want:   []string{"GitHub failed (502"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("POST", "/repos/octo/hello/issues", tt.status, tt.body, nil)
			res := call(t, f.deps(testToken), "create_issue", `{"owner":"octo","repo":"hello","title":"x","assignees":["nobody"],"milestone":9}`)
			if !res.IsError {
				t.Fatal("want an error result")
			}
			text := resultText(t, res)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("error %q does not contain %q", text, w)
				}
			}
		})
	}
}

// wantQuery checks that a request's query string equals want.
func wantQuery(want string) func(t *testing.T, body []byte, r *http.Request) {
	return func(t *testing.T, _ []byte, r *http.Request) {
		t.Helper()
		w, err := url.ParseQuery(want)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(w, r.URL.Query()); diff != "" {
			t.Errorf("%s %s query (-want +got):\n%s", r.Method, r.URL.Path, diff)
		}
	}
}

// rawField reads one top-level string field of a recorded GitHub object,
// or of the i-th element of a recorded list.
func rawField(t *testing.T, name string, i int, field string) string {
	t.Helper()
	raw := readTestdata(t, name)
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		t.Fatal(err)
	}
	if list, ok := v.([]any); ok {
		v = list[i]
	}
	s, _ := v.(map[string]any)[field].(string)
	return s
}

// closedIssue is testdata/github/issue_closed.json as ghmcp returns it.
func closedIssue(t *testing.T) Issue {
	return Issue{
		Number:       1347,
		Title:        "Panic on start with --config",
		State:        "closed",
		StateReason:  "completed",
		Author:       "hubot",
		Labels:       []string{"bug", "p1"},
		Assignees:    []string{"octo"},
		Milestone:    &MilestoneRef{Number: 3, Title: "v1.0"},
		CommentCount: 2,
		CreatedAt:    "2026-11-02T10:15:00Z",
		UpdatedAt:    "2026-11-20T16:40:00Z",
		ClosedAt:     "2026-11-20T16:40:00Z",
		HTMLURL:      "https://github.com/octo/hello/issues/1347",
		Body:         toolkit.Untrusted(rawField(t, "issue_closed.json", 0, "body")),
	}
}

func TestGetIssue(t *testing.T) {
	longLog := rawField(t, "issue_comments.json", 1, "body")
	tests := []struct {
		name  string
		args  string
		stubs func(f *fakeGitHub)
		want  func(t *testing.T) IssueDetails
	}{
		{
			name: "without comments one request returns the whole body",
			args: `{"owner":"octo","repo":"hello","number":1347}`,
			stubs: func(f *fakeGitHub) {
				f.on("GET", "/repos/octo/hello/issues/1347", 200, readTestdata(t, "issue_closed.json"), wantQuery(""))
			},
			want: func(t *testing.T) IssueDetails { return IssueDetails{Issue: closedIssue(t)} },
		},
		{
			name: "with comments the first page follows, each comment capped",
			args: `{"owner":"octo","repo":"hello","number":1347,"with_comments":true,"comments_per_page":2}`,
			stubs: func(f *fakeGitHub) {
				f.on("GET", "/repos/octo/hello/issues/1347", 200, readTestdata(t, "issue_closed.json"), nil)
				s := f.on("GET", "/repos/octo/hello/issues/1347/comments", 200, readTestdata(t, "issue_comments.json"), wantQuery("page=1&per_page=2"))
				s.header = map[string]string{"Link": `<https://api.github.test/repositories/1/issues/1347/comments?page=2&per_page=2>; rel="next", <https://api.github.test/repositories/1/issues/1347/comments?page=3&per_page=2>; rel="last"`}
			},
			want: func(t *testing.T) IssueDetails {
				return IssueDetails{
					Issue: closedIssue(t),
					Comments: []IssueComment{
						{ID: 1001, Author: "octo", AuthorAssociation: "OWNER", CreatedAt: "2026-11-02T11:00:00Z", Body: "Thanks! Can you attach the full log?"},
						{ID: 1002, Author: "hubot", AuthorAssociation: "CONTRIBUTOR", CreatedAt: "2026-11-02T12:00:00Z", UpdatedAt: "2026-11-02T12:05:00Z",
							Body: toolkit.Untrusted(longLog[:embeddedCommentBytes]), Truncated: true},
					},
					CommentsNextPage: 2,
				}
			},
		},
		{
			name: "with comments the default page size is 10",
			args: `{"owner":"octo","repo":"hello","number":1347,"with_comments":true}`,
			stubs: func(f *fakeGitHub) {
				f.on("GET", "/repos/octo/hello/issues/1347", 200, readTestdata(t, "issue_closed.json"), nil)
				f.on("GET", "/repos/octo/hello/issues/1347/comments", 200, `[]`, wantQuery("page=1&per_page=10"))
			},
			want: func(t *testing.T) IssueDetails { return IssueDetails{Issue: closedIssue(t)} },
		},
		{
			name: "an issue without comments is not asked for them",
			args: `{"owner":"octo","repo":"hello","number":1347,"with_comments":true}`,
			stubs: func(f *fakeGitHub) {
				f.on("GET", "/repos/octo/hello/issues/1347", 200, strings.Replace(readTestdata(t, "issue_closed.json"), `"comments": 2`, `"comments": 0`, 1), nil)
			},
			want: func(t *testing.T) IssueDetails {
				is := closedIssue(t)
				is.CommentCount = 0
				return IssueDetails{Issue: is}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			tt.stubs(f)
			res := call(t, f.deps(testToken), "get_issue", tt.args)
			if res.IsError {
				t.Fatalf("unexpected error: %s", resultText(t, res))
			}
			if diff := cmp.Diff(tt.want(t), res.StructuredContent); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGetIssueSize keeps a single issue at most a quarter of GitHub's JSON
// for it (compacted, which is smaller than what GitHub sends).
func TestGetIssueSize(t *testing.T) {
	f := newFakeGitHub(t)
	raw := readTestdata(t, "issue_closed.json")
	f.on("GET", "/repos/octo/hello/issues/1347", 200, raw, nil)
	res := call(t, f.deps(testToken), "get_issue", `{"owner":"octo","repo":"hello","number":1347}`)
	if res.IsError {
		t.Fatalf("unexpected error: %s", resultText(t, res))
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	text := resultText(t, res)
	t.Logf("get_issue result %d bytes for GitHub's %d compact bytes (%.0f%%)", len(text), compact.Len(), 100*float64(len(text))/float64(compact.Len()))
	if len(text)*4 > compact.Len() {
		t.Errorf("result is %d bytes, more than 25%% of GitHub's %d", len(text), compact.Len())
	}
}

func TestGetIssueErrors(t *testing.T) {
	tests := []struct {
		name  string
		args  string
		stubs func(f *fakeGitHub)
		want  []string
	}{
		{
			name: "a missing issue says the token may lack access",
			args: `{"owner":"octo","repo":"hello","number":9}`,
			stubs: func(f *fakeGitHub) {
				f.on("GET", "/repos/octo/hello/issues/9", 404, `{"message":"Not Found"}`, nil)
			},
			want: []string{"get issue octo/hello#9", "not found (404", "token may lack access"},
		},
		{
			name: "a deleted issue is gone",
			args: `{"owner":"octo","repo":"hello","number":9}`,
			stubs: func(f *fakeGitHub) {
				f.on("GET", "/repos/octo/hello/issues/9", 410, `{"message":"This issue was deleted"}`, nil)
			},
			want: []string{"get issue octo/hello#9", "410: This issue was deleted"},
		},
		{
			name:  "a missing issue number makes no request",
			args:  `{"owner":"octo","repo":"hello"}`,
			stubs: func(f *fakeGitHub) {},
			want:  []string{`invalid argument "number": is missing or 0`},
		},
		{
			name:  "an owner with the repository in it makes no request",
			args:  `{"owner":"octo/hello","repo":"hello","number":1}`,
			stubs: func(f *fakeGitHub) {},
			want:  []string{`invalid argument "owner"`, "without '/'"},
		},
		{
			name:  "issue_number instead of number makes no request",
			args:  `{"owner":"octo","repo":"hello","issue_number":1}`,
			stubs: func(f *fakeGitHub) {},
			want:  []string{`invalid argument "issue_number": is not an argument of this tool`},
		},
		{
			name:  "a page size above 50 makes no request",
			args:  `{"owner":"octo","repo":"hello","number":1,"with_comments":true,"comments_per_page":51}`,
			stubs: func(f *fakeGitHub) {},
			want:  []string{`invalid argument "comments_per_page": is 51; it must be at most 50`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			tt.stubs(f)
			wantErrorText(t, call(t, f.deps(testToken), "get_issue", tt.args), tt.want...)
		})
	}
}

func TestListIssues(t *testing.T) {
	docsBody := rawField(t, "issues_list.json", 1, "body")
	want := IssueList{
		Issues: []Issue{
			{
				Number: 1350, Title: "Fix nil config on start", State: "open", PullRequest: true, Author: "monalisa",
				Labels: []string{"bug"}, CommentCount: 1, CreatedAt: "2026-11-21T08:00:00Z", UpdatedAt: "2026-11-21T09:30:00Z",
				HTMLURL: "https://github.com/octo/hello/pull/1350",
				Body:    "Fixes #1347.\n\nThe config loader returned nil when the file had no `greeting` key.",
			},
			{
				Number: 1349, Title: "Document the --config flag", State: "open", Author: "hubot",
				Labels: []string{"documentation"}, CreatedAt: "2026-11-20T18:00:00Z", UpdatedAt: "2026-11-20T18:00:00Z",
				HTMLURL: "https://github.com/octo/hello/issues/1349",
				Body:    toolkit.Untrusted(docsBody[:issueExcerptBytes]), BodyTruncated: true,
			},
		},
		NextPage: 3,
	}
	tests := []struct {
		name      string
		args      string
		wantQuery string
	}{
		{
			name:      "no filters sends the paging and the default state",
			args:      `{"owner":"octo","repo":"hello"}`,
			wantQuery: "state=open&page=1&per_page=20",
		},
		{
			name:      "every filter is sent",
			args:      `{"owner":"octo","repo":"hello","state":"all","labels":["bug","good first issue"],"assignee":"octo","since":"2026-11-01T00:00:00Z","sort":"updated","direction":"asc","page":2,"per_page":2}`,
			wantQuery: "state=all&labels=bug,good first issue&assignee=octo&since=2026-11-01T00:00:00Z&sort=updated&direction=asc&page=2&per_page=2",
		},
		{
			name:      "unassigned issues",
			args:      `{"owner":"octo","repo":"hello","assignee":"none"}`,
			wantQuery: "state=open&assignee=none&page=1&per_page=20",
		},
		{
			name:      "issues with any assignee",
			args:      `{"owner":"octo","repo":"hello","assignee":"*"}`,
			wantQuery: "state=open&assignee=*&page=1&per_page=20",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			s := f.on("GET", "/repos/octo/hello/issues", 200, readTestdata(t, "issues_list.json"), wantQuery(tt.wantQuery))
			s.header = map[string]string{"Link": `<https://api.github.test/repositories/1/issues?page=3&per_page=2>; rel="next"`}
			res := call(t, f.deps(testToken), "list_issues", tt.args)
			if res.IsError {
				t.Fatalf("unexpected error: %s", resultText(t, res))
			}
			if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestListIssuesEmptyLastPage(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/repos/octo/hello/issues", 200, `[]`, nil)
	res := call(t, f.deps(testToken), "list_issues", `{"owner":"octo","repo":"hello","state":"closed"}`)
	if got := resultText(t, res); got != `{"issues":[]}` {
		t.Errorf("result = %s, want an empty list and no next_page", got)
	}
}

func TestListIssuesErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   string
		status int // 0: no request is expected
		body   string
		want   []string
	}{
		{name: "a missing repository", args: `{"owner":"octo","repo":"nope"}`, status: 404, body: `{"message":"Not Found"}`,
			want: []string{"list issues of octo/nope", "not found (404"}},
		{name: "issues turned off", args: `{"owner":"octo","repo":"nope"}`, status: 410, body: `{"message":"Issues are disabled for this repo"}`,
			want: []string{"gone (410: Issues are disabled for this repo)"}},
		{name: "a since that is not RFC 3339", args: `{"owner":"octo","repo":"hello","since":"yesterday"}`,
			want: []string{`invalid argument "since": got "yesterday", which is not an RFC 3339 time or a date, e.g. "2026-05-01T00:00:00Z" or "2026-05-01"`}},
		{name: "a label with a comma", args: `{"owner":"octo","repo":"hello","labels":["a,b"]}`,
			want: []string{`invalid argument "labels[0]": contains a comma`, "search_issues"}},
		{name: "an assignee that is not a login", args: `{"owner":"octo","repo":"hello","assignee":"octo cat"}`,
			want: []string{`invalid argument "assignee"`, "remove the spaces"}},
		{name: "an unknown state", args: `{"owner":"octo","repo":"hello","state":"merged"}`,
			want: []string{`invalid argument "state": got "merged"; it must be one of open, closed, all`}},
		{name: "an unknown sort", args: `{"owner":"octo","repo":"hello","sort":"votes"}`,
			want: []string{`invalid argument "sort"`}},
		{name: "a page size above 100", args: `{"owner":"octo","repo":"hello","per_page":500}`,
			want: []string{`invalid argument "per_page": is 500; it must be at most 100`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			if tt.status != 0 {
				f.on("GET", "/repos/octo/nope/issues", tt.status, tt.body, nil)
			}
			wantErrorText(t, call(t, f.deps(testToken), "list_issues", tt.args), tt.want...)
		})
	}
}

func TestUpdateIssue(t *testing.T) {
	tests := []struct {
		name     string
		args     string
		wantBody string
	}{
		{
			name:     "closing as completed sends state and reason only",
			args:     `{"owner":"octo","repo":"hello","number":1347,"state":"closed","state_reason":"completed"}`,
			wantBody: `{"state":"closed","state_reason":"completed"}`,
		},
		{
			name:     "reopening",
			args:     `{"owner":"octo","repo":"hello","number":1347,"state":"open","state_reason":"reopened"}`,
			wantBody: `{"state":"open","state_reason":"reopened"}`,
		},
		{
			name:     "empty lists and milestone 0 clear labels, assignees and milestone",
			args:     `{"owner":"octo","repo":"hello","number":1347,"labels":[],"assignees":[],"milestone":0}`,
			wantBody: `{"labels":[],"assignees":[],"milestone":null}`,
		},
		{
			name:     "an empty body is sent, to clear it",
			args:     `{"owner":"octo","repo":"hello","number":1347,"body":""}`,
			wantBody: `{"body":""}`,
		},
		{
			name:     "every field is sent",
			args:     `{"owner":"octo","repo":"hello","number":1347,"title":"Panic on start","body":"New body","state":"closed","state_reason":"not_planned","labels":["bug"],"assignees":["octo","hubot"],"milestone":3}`,
			wantBody: `{"title":"Panic on start","body":"New body","state":"closed","state_reason":"not_planned","labels":["bug"],"assignees":["octo","hubot"],"milestone":3}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("PATCH", "/repos/octo/hello/issues/1347", 200, readTestdata(t, "issue_closed.json"), jsonBody(tt.wantBody))
			res := call(t, f.deps(testToken), "update_issue", tt.args)
			if res.IsError {
				t.Fatalf("unexpected error: %s", resultText(t, res))
			}
			want := closedIssue(t)
			want.Body = "" // the model just wrote it
			if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUpdateIssueErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   string
		status int // 0: no request is expected
		body   string
		want   []string
	}{
		{name: "nothing to change", args: `{"owner":"octo","repo":"hello","number":1}`,
			want: []string{"update issue octo/hello#1: nothing to change"}},
		{name: "a reason without a state", args: `{"owner":"octo","repo":"hello","number":1,"state_reason":"completed"}`,
			want: []string{`invalid argument "state_reason": needs state`, `{"state":"closed","state_reason":"completed"}`}},
		{name: "closing as reopened", args: `{"owner":"octo","repo":"hello","number":1,"state":"closed","state_reason":"reopened"}`,
			want: []string{`invalid argument "state_reason": reopened goes with state open`}},
		{name: "opening as not planned", args: `{"owner":"octo","repo":"hello","number":1,"state":"open","state_reason":"not_planned"}`,
			want: []string{`invalid argument "state_reason": not_planned goes with state closed`}},
		{name: "an unknown reason", args: `{"owner":"octo","repo":"hello","number":1,"state":"closed","state_reason":"duplicate"}`,
			want: []string{`invalid argument "state_reason": got "duplicate"; it must be one of completed, not_planned, reopened`}},
		{name: "a negative milestone", args: `{"owner":"octo","repo":"hello","number":1,"milestone":-2}`,
			want: []string{`invalid argument "milestone": is -2; give a milestone number, or 0 to remove the milestone`}},
		{name: "an over-long body", args: `{"owner":"octo","repo":"hello","number":1,"body":"` + strings.Repeat("é", 65537) + `"}`,
			want: []string{`invalid argument "body": has 65537 characters; GitHub accepts at most 65536`}},
		{name: "an assignee that is not a login", args: `{"owner":"octo","repo":"hello","number":1,"assignees":["octo/hello"]}`,
			want: []string{`invalid argument "assignees[0]"`}},
		{name: "a missing issue number", args: `{"owner":"octo","repo":"hello","state":"closed"}`,
			want: []string{`invalid argument "number": is missing or 0`}},
		{name: "GitHub's validation failure is relayed per field", args: `{"owner":"octo","repo":"hello","number":1,"assignees":["ghost"]}`,
			status: 422, body: `{"message":"Validation Failed","errors":[{"resource":"Issue","field":"assignees","code":"invalid","value":"ghost"}]}`,
			want: []string{"update issue octo/hello#1", "422 Validation Failed", "assignees is invalid"}},
		{name: "no permission", args: `{"owner":"octo","repo":"hello","number":1,"state":"closed","state_reason":"completed"}`,
			status: 403, body: `{"message":"Must have admin rights to Repository."}`,
			want: []string{"forbidden (403: Must have admin rights to Repository.)", "permission"}},
		{name: "a missing issue", args: `{"owner":"octo","repo":"hello","number":1,"title":"x"}`,
			status: 404, body: `{"message":"Not Found"}`,
			want: []string{"update issue octo/hello#1: not found (404"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			if tt.status != 0 {
				f.on("PATCH", "/repos/octo/hello/issues/1", tt.status, tt.body, nil)
			}
			wantErrorText(t, call(t, f.deps(testToken), "update_issue", tt.args), tt.want...)
		})
	}
}

func TestAddIssueComment(t *testing.T) {
	f := newFakeGitHub(t)
	created := rawComment(t, 0)
	f.on("POST", "/repos/octo/hello/issues/1347/comments", 201, created, jsonBody(`{"body":"Fixed in #1350, thanks!"}`))
	res := call(t, f.deps(testToken), "add_issue_comment", `{"owner":"octo","repo":"hello","number":1347,"body":"Fixed in #1350, thanks!"}`)
	if res.IsError {
		t.Fatalf("unexpected error: %s", resultText(t, res))
	}
	want := IssueCommentRef{ID: 1001, HTMLURL: "https://github.com/octo/hello/issues/1347#issuecomment-1001"}
	if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

// rawComment returns the i-th recorded comment as JSON.
func rawComment(t *testing.T, i int) string {
	t.Helper()
	var list []json.RawMessage
	if err := json.Unmarshal([]byte(readTestdata(t, "issue_comments.json")), &list); err != nil {
		t.Fatal(err)
	}
	return string(list[i])
}

func TestAddIssueCommentErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   string
		status int // 0: no request is expected
		body   string
		want   []string
	}{
		{name: "a locked issue", args: `{"owner":"octo","repo":"hello","number":1,"body":"hi"}`,
			status: 403, body: `{"message":"Unable to create comment because issue is locked."}`,
			want: []string{"comment on issue octo/hello#1", "forbidden (403: Unable to create comment because issue is locked.)"}},
		{name: "a missing issue", args: `{"owner":"octo","repo":"hello","number":1,"body":"hi"}`,
			status: 404, body: `{"message":"Not Found"}`,
			want: []string{"comment on issue octo/hello#1: not found (404"}},
		{name: "an empty body", args: `{"owner":"octo","repo":"hello","number":1,"body":""}`,
			want: []string{`invalid argument "body": must not be empty`}},
		{name: "no body", args: `{"owner":"octo","repo":"hello","number":1}`,
			want: []string{`invalid argument "body": must not be empty`}},
		{name: "a missing issue number", args: `{"owner":"octo","repo":"hello","body":"hi"}`,
			want: []string{`invalid argument "number": is missing or 0`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			if tt.status != 0 {
				f.on("POST", "/repos/octo/hello/issues/1/comments", tt.status, tt.body, nil)
			}
			wantErrorText(t, call(t, f.deps(testToken), "add_issue_comment", tt.args), tt.want...)
		})
	}
}

func TestListIssueComments(t *testing.T) {
	want := IssueCommentList{
		Comments: []IssueComment{
			{ID: 1001, Author: "octo", AuthorAssociation: "OWNER", CreatedAt: "2026-11-02T11:00:00Z", Body: "Thanks! Can you attach the full log?"},
			{ID: 1002, Author: "hubot", AuthorAssociation: "CONTRIBUTOR", CreatedAt: "2026-11-02T12:00:00Z", UpdatedAt: "2026-11-02T12:05:00Z",
				Body: toolkit.Untrusted(rawField(t, "issue_comments.json", 1, "body"))},
		},
		NextPage: 2,
	}
	tests := []struct {
		name      string
		args      string
		wantQuery string
	}{
		{name: "default paging", args: `{"owner":"octo","repo":"hello","number":1347}`, wantQuery: "page=1&per_page=20"},
		{name: "since and paging", args: `{"owner":"octo","repo":"hello","number":1347,"since":"2026-11-02T00:00:00+02:00","page":1,"per_page":2}`,
			wantQuery: "since=2026-11-02T00:00:00%2B02:00&page=1&per_page=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			s := f.on("GET", "/repos/octo/hello/issues/1347/comments", 200, readTestdata(t, "issue_comments.json"), wantQuery(tt.wantQuery))
			s.header = map[string]string{"Link": `<https://api.github.test/repositories/1/issues/1347/comments?page=2&per_page=2>; rel="next"`}
			res := call(t, f.deps(testToken), "list_issue_comments", tt.args)
			if res.IsError {
				t.Fatalf("unexpected error: %s", resultText(t, res))
			}
			if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestListIssueCommentsErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   string
		status int // 0: no request is expected
		want   []string
	}{
		{name: "a missing issue", args: `{"owner":"octo","repo":"hello","number":1}`, status: 404,
			want: []string{"list comments of issue octo/hello#1: not found (404"}},
		{name: "a bad since", args: `{"owner":"octo","repo":"hello","number":1,"since":"2026-13-01T00:00:00Z"}`,
			want: []string{`invalid argument "since"`}},
		{name: "a missing issue number", args: `{"owner":"octo","repo":"hello"}`,
			want: []string{`invalid argument "number": is missing or 0`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			if tt.status != 0 {
				f.on("GET", "/repos/octo/hello/issues/1/comments", tt.status, `{"message":"Not Found"}`, nil)
			}
			wantErrorText(t, call(t, f.deps(testToken), "list_issue_comments", tt.args), tt.want...)
		})
	}
}

func TestSearchIssues(t *testing.T) {
	found := IssueSearchResult{
		TotalCount: 41,
		Issues: []Issue{
			{
				Number: 1347, Repo: "octo/hello", Title: "Panic on start with --config", State: "closed", StateReason: "completed",
				Author: "hubot", Labels: []string{"bug", "p1"}, Assignees: []string{"octo"}, CommentCount: 2,
				CreatedAt: "2026-11-02T10:15:00Z", UpdatedAt: "2026-11-20T16:40:00Z", ClosedAt: "2026-11-20T16:40:00Z",
				HTMLURL: "https://github.com/octo/hello/issues/1347",
				Body:    toolkit.Untrusted(rawField(t, "issue_closed.json", 0, "body")[:issueExcerptBytes]), BodyTruncated: true,
			},
			{
				Number: 88, Repo: "acme/tools", Title: "Config file ignored on Windows", State: "open", Author: "monalisa",
				CreatedAt: "2026-09-01T10:00:00Z", UpdatedAt: "2026-09-03T10:00:00Z",
				HTMLURL: "https://github.com/acme/tools/issues/88", Body: "The `--config` flag has no effect on Windows.",
			},
		},
		NextPage: 2,
	}
	tests := []struct {
		name      string
		args      string
		wantQuery string
	}{
		{name: "is:issue is added to a bare query", args: `{"q":"config panic"}`,
			wantQuery: "q=config panic is:issue&page=1&per_page=20"},
		{name: "owner and repo scope the query", args: `{"q":"config","owner":"octo","repo":"hello"}`,
			wantQuery: "q=config repo:octo/hello is:issue&page=1&per_page=20"},
		{name: "owner alone scopes to the owner's repositories", args: `{"q":"config","owner":"acme"}`,
			wantQuery: "q=config user:acme is:issue&page=1&per_page=20"},
		{name: "a query that names pull requests is kept", args: `{"q":"config is:pr is:merged"}`,
			wantQuery: "q=config is:pr is:merged&page=1&per_page=20"},
		{name: "a query that names issues is kept", args: `{"q":"Is:Issue config"}`,
			wantQuery: "q=Is:Issue config&page=1&per_page=20"},
		{name: "sort, order and paging are sent", args: `{"q":"config","sort":"updated","order":"asc","page":3,"per_page":2}`,
			wantQuery: "q=config is:issue&sort=updated&order=asc&page=3&per_page=2"},
		{name: "order without sort is dropped, since GitHub ignores it", args: `{"q":"config","order":"asc"}`,
			wantQuery: "q=config is:issue&page=1&per_page=20"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			s := f.on("GET", "/search/issues", 200, readTestdata(t, "search_issues.json"), wantQuery(tt.wantQuery))
			s.header = map[string]string{"Link": `<https://api.github.test/search/issues?q=config&page=2>; rel="next"`}
			res := call(t, f.deps(testToken), "search_issues", tt.args)
			if res.IsError {
				t.Fatalf("unexpected error: %s", resultText(t, res))
			}
			if diff := cmp.Diff(found, res.StructuredContent); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSearchIssuesErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   string
		status int // 0: no request is expected
		header map[string]string
		body   string
		want   []string
	}{
		{name: "GitHub's query validation is relayed", args: `{"q":"repo:octo/secret x"}`, status: 422,
			body: `{"message":"Validation Failed","errors":[{"message":"The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.","resource":"Search","field":"q","code":"invalid"}]}`,
			want: []string{`search issues for "repo:octo/secret x is:issue"`, "422 Validation Failed", "q is invalid: The listed users and repositories cannot be searched"}},
		{name: "the search budget is spent", args: `{"q":"x"}`, status: 403,
			header: map[string]string{"X-RateLimit-Limit": "30", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "4102444800", "X-RateLimit-Resource": "search"},
			body:   `{"message":"API rate limit exceeded for user ID 1."}`,
			want:   []string{"GitHub search rate limit exhausted", "2100-01-01T00:00:01Z"}},
		{name: "an empty query", args: `{"q":"  "}`,
			want: []string{`invalid argument "q": must not be empty`}},
		{name: "repo without owner", args: `{"q":"x","repo":"hello"}`,
			want: []string{`invalid argument "repo": needs owner too`}},
		{name: "an owner that is not a login", args: `{"q":"x","owner":"octo/hello"}`,
			want: []string{`invalid argument "owner"`, "without '/'"}},
		{name: "a repository name with a space", args: `{"q":"x","owner":"octo","repo":"he llo"}`,
			want: []string{`invalid argument "repo"`}},
		{name: "an unknown sort", args: `{"q":"x","sort":"best"}`,
			want: []string{`invalid argument "sort"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			if tt.status != 0 {
				s := f.on("GET", "/search/issues", tt.status, tt.body, nil)
				s.header = tt.header
			}
			wantErrorText(t, call(t, f.deps(testToken), "search_issues", tt.args), tt.want...)
		})
	}
}

// TestSearchIssuesOwnerUnderRepoList gives an owner alone while --repos
// names only one repository of it: the query is scoped to that repository
// (not user:, which the list does not allow), and results of other owners
// are dropped.
func TestSearchIssuesOwnerUnderRepoList(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/search/issues", 200, `{"total_count":2,"incomplete_results":false,"items":[
		{"number":1,"title":"a","state":"open","repository_url":"https://api.github.test/repos/octo/hello","html_url":"https://github.com/octo/hello/issues/1"},
		{"number":2,"title":"b","state":"open","repository_url":"https://api.github.test/repos/other/x","html_url":"https://github.com/other/x/issues/2"}]}`,
		func(t *testing.T, _ []byte, r *http.Request) {
			q := r.URL.Query().Get("q")
			if !strings.Contains(q, "repo:octo/hello") || strings.Contains(q, "user:") {
				t.Errorf("q = %q, want it scoped with repo:octo/hello and no user:", q)
			}
		})
	d := f.deps(testToken)
	var err error
	if d.Repos, err = allowlist.Parse("octo/hello"); err != nil {
		t.Fatal(err)
	}
	res := call(t, d, "search_issues", `{"q":"crash","owner":"octo"}`)
	if res.IsError {
		t.Fatalf("error: %s", resultText(t, res))
	}
	text := resultText(t, res)
	if !strings.Contains(text, `"repo":"octo/hello"`) || strings.Contains(text, "other/x") {
		t.Errorf("result %s, want octo/hello's issue only", text)
	}
}

func TestGetIssueWithCommentsThatCannotBeReadKeepsTheIssue(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/repos/octo/hello/issues/1347", 200, readTestdata(t, "issue_closed.json"), nil)
	f.on("GET", "/repos/octo/hello/issues/1347/comments", 403, `{"message":"Resource not accessible by personal access token"}`, nil)
	var got IssueDetails
	structured(t, f.deps(testToken), "get_issue", `{"owner":"octo","repo":"hello","number":1347,"with_comments":true}`, &got)
	if got.Number != 1347 || len(got.Comments) != 0 {
		t.Errorf("issue = %+v, want the issue without comments", got)
	}
	for _, w := range []string{"list comments of issue octo/hello#1347", "forbidden (403", "the issue is shown without its comments"} {
		if !strings.Contains(got.Note, w) {
			t.Errorf("note %q does not contain %q", got.Note, w)
		}
	}
}
