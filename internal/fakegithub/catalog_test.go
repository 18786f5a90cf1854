package fakegithub

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// gql sends a GraphQL request and decodes the answer.
func gql(t *testing.T, h *harness, query string, vars map[string]any) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	res := h.do("POST", "/graphql", string(body))
	wantStatus(t, "graphql", res, 200)
	if res.header.Get("X-RateLimit-Resource") != "graphql" {
		t.Errorf("graphql answered with X-RateLimit-Resource %q", res.header.Get("X-RateLimit-Resource"))
	}
	return decode(t, res.body)
}

func TestGraphQLDraftAndReady(t *testing.T) {
	h := setup(t)
	openPull(t, h)
	id := decode(t, h.do("GET", "/repos/octocat/hello/pulls/1", "").body)["node_id"].(string)

	tests := []struct {
		name, query string
		vars        map[string]any
		want        map[string]any
	}{
		{"convertPullRequestToDraft makes it a draft",
			`mutation($id: ID!) { convertPullRequestToDraft(input: {pullRequestId: $id}) { pullRequest { id isDraft } } }`,
			map[string]any{"id": id}, map[string]any{"data.convertPullRequestToDraft.pullRequest.isDraft": true, "errors": nil}},
		{"markPullRequestReadyForReview takes pullRequestId inside input",
			`mutation($input: MarkPullRequestReadyForReviewInput!) { markPullRequestReadyForReview(input: $input) { pullRequest { isDraft } } }`,
			map[string]any{"input": map[string]any{"pullRequestId": id}}, map[string]any{"data.markPullRequestReadyForReview.pullRequest.isDraft": false, "errors": nil}},
		{"an unknown node id is NOT_FOUND in GitHub's words",
			`mutation($id: ID!) { markPullRequestReadyForReview(input: {pullRequestId: $id}) { pullRequest { isDraft } } }`,
			map[string]any{"id": "PR_nope"}, map[string]any{"data.markPullRequestReadyForReview": nil, "errors.0.type": "NOT_FOUND", "errors.0.message": "Could not resolve to a node with the global id of 'PR_nope'"}},
		{"rateLimit comes beside any query",
			`{ rateLimit { cost remaining } }`, nil, map[string]any{"data.rateLimit.cost": 1.0, "data.rateLimit.limit": 5000.0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := gql(t, h, tt.query, tt.vars)
			if diff := cmp.Diff(tt.want, pick(got, keysOf(tt.want)...)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// The draft state is the REST one: merging a draft is refused.
	gql(t, h, `mutation($id: ID!) { convertPullRequestToDraft(input: {pullRequestId: $id}) { pullRequest { id } } }`, map[string]any{"id": id})
	res := h.do("PUT", "/repos/octocat/hello/pulls/1/merge", `{}`)
	wantStatus(t, "merge a draft", res, 405)
}

func TestReviewCommentsThreadsAndReplies(t *testing.T) {
	h := setup(t)
	head := openPull(t, h)

	// A multi-line comment, then invalid ones.
	res := h.do("POST", "/repos/octocat/hello/pulls/1/comments", fmt.Sprintf(`{"body":"Split this.","commit_id":%q,"path":"greet.go","start_line":1,"line":3,"side":"RIGHT"}`, head))
	wantStatus(t, "multi-line comment", res, 201)
	c := decode(t, res.body)
	want := map[string]any{"start_line": 1.0, "line": 3.0, "side": "RIGHT", "start_side": "RIGHT", "path": "greet.go", "body": "Split this."}
	if diff := cmp.Diff(want, pick(c, keysOf(want)...)); diff != "" {
		t.Errorf("comment (-want +got):\n%s", diff)
	}
	rootID := int(c["id"].(float64))
	for _, bad := range []struct{ body, msg string }{
		{fmt.Sprintf(`{"body":"x","commit_id":%q,"path":"greet.go","start_line":3,"line":2}`, head), "start line must precede the end line"},
		{fmt.Sprintf(`{"body":"x","commit_id":%q,"path":"greet.go","line":9}`, head), "line must be part of the diff"},
		{fmt.Sprintf(`{"body":"x","commit_id":%q,"path":"nope.go","line":1}`, head), "Path could not be resolved"},
	} {
		res := h.do("POST", "/repos/octocat/hello/pulls/1/comments", bad.body)
		if res.status != 422 || !strings.Contains(string(res.body), bad.msg) {
			t.Errorf("%s: %d %s, want 422 %q", bad.body, res.status, res.body, bad.msg)
		}
	}

	// Replies, by the replies endpoint and by in_reply_to, join one thread.
	res = h.do("POST", fmt.Sprintf("/repos/octocat/hello/pulls/1/comments/%d/replies", rootID), `{"body":"Done."}`)
	wantStatus(t, "reply", res, 201)
	reply := decode(t, res.body)
	if reply["in_reply_to_id"] != float64(rootID) {
		t.Errorf("reply in_reply_to_id = %v, want %d", reply["in_reply_to_id"], rootID)
	}
	res = h.do("POST", "/repos/octocat/hello/pulls/1/comments", fmt.Sprintf(`{"body":"Thanks.","in_reply_to":%v}`, reply["id"]))
	wantStatus(t, "reply to a reply", res, 201)
	if got := decode(t, res.body)["in_reply_to_id"]; got != float64(rootID) {
		t.Errorf("a reply to a reply joins the thread of %d, got %v", rootID, got)
	}
	wantStatus(t, "reply to a missing comment", h.do("POST", "/repos/octocat/hello/pulls/1/comments/999999/replies", `{"body":"?"}`), 404)

	// The thread through GraphQL: resolve, list, unresolve.
	const threads = `query($owner: String!, $name: String!, $number: Int!) { repository(owner: $owner, name: $name) { pullRequest(number: $number) { reviewThreads(first: 50) { totalCount nodes { id isResolved isOutdated comments(first: 50) { nodes { body } } } } } } }`
	vars := map[string]any{"owner": "octocat", "name": "hello", "number": 1}
	got := gql(t, h, threads, vars)
	wantThreads := map[string]any{
		"data.repository.pullRequest.reviewThreads.totalCount":                    1.0,
		"data.repository.pullRequest.reviewThreads.nodes.0.isResolved":            false,
		"data.repository.pullRequest.reviewThreads.nodes.0.isOutdated":            false,
		"data.repository.pullRequest.reviewThreads.nodes.0.startLine":             1.0,
		"data.repository.pullRequest.reviewThreads.nodes.0.comments.totalCount":   3.0,
		"data.repository.pullRequest.reviewThreads.nodes.0.comments.nodes.2.body": "Thanks.",
	}
	if diff := cmp.Diff(wantThreads, pick(got, keysOf(wantThreads)...)); diff != "" {
		t.Errorf("threads (-want +got):\n%s", diff)
	}
	threadID := pick(got, "data.repository.pullRequest.reviewThreads.nodes.0.id")["data.repository.pullRequest.reviewThreads.nodes.0.id"]
	res2 := gql(t, h, `mutation($threadId: ID!) { resolveReviewThread(input: {threadId: $threadId}) { thread { isResolved } } }`, map[string]any{"threadId": threadID})
	if v := pick(res2, "data.resolveReviewThread.thread.isResolved"); v["data.resolveReviewThread.thread.isResolved"] != true {
		t.Errorf("resolve: %v", res2)
	}
	if diff := cmp.Diff(map[int]bool{rootID: true}, h.srv.ReviewThreads("octocat", "hello", 1)); diff != "" {
		t.Errorf("after resolve (-want +got):\n%s", diff)
	}
	gql(t, h, `mutation($id: ID!) { unresolveReviewThread(input: {threadId: $id}) { thread { isResolved } } }`, map[string]any{"id": threadID})
	if diff := cmp.Diff(map[int]bool{rootID: false}, h.srv.ReviewThreads("octocat", "hello", 1)); diff != "" {
		t.Errorf("after unresolve (-want +got):\n%s", diff)
	}

	// A push makes the thread outdated; a missing pull request is NOT_FOUND.
	h.srv.Push("octocat", "hello", "feature", FileChange{Path: "greet.go", Additions: 1, Deletions: 1})
	got = gql(t, h, threads, vars)
	if v := pick(got, "data.repository.pullRequest.reviewThreads.nodes.0.isOutdated"); v["data.repository.pullRequest.reviewThreads.nodes.0.isOutdated"] != true {
		t.Errorf("after a push the thread is not outdated: %v", got)
	}
	got = gql(t, h, threads, map[string]any{"owner": "octocat", "name": "hello", "number": 42})
	wantErr := map[string]any{"errors.0.type": "NOT_FOUND", "errors.0.message": "Could not resolve to a PullRequest with the number of 42."}
	if diff := cmp.Diff(wantErr, pick(got, keysOf(wantErr)...)); diff != "" {
		t.Errorf("missing pull request (-want +got):\n%s", diff)
	}
}

func TestReviewRequestsAndUpdateBranch(t *testing.T) {
	h := setup(t)
	head := openPull(t, h)
	h.srv.AddUser("hubot")

	tests := []struct {
		name, method, body string
		status             int
		want               map[string]any
	}{
		{"the author cannot be asked", "POST", `{"reviewers":["octocat"]}`, 422, map[string]any{"errors.0": "Review cannot be requested from pull request author."}},
		{"an unknown user is not a collaborator", "POST", `{"reviewers":["ghost"]}`, 422, map[string]any{"errors.0": "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the octocat/hello repository."}},
		{"a user and a team are added", "POST", `{"reviewers":["hubot"],"team_reviewers":["Core"]}`, 201, map[string]any{"requested_reviewers.0.login": "hubot", "requested_teams.0.slug": "core"}},
		{"asking again adds nothing", "POST", `{"reviewers":["HUBOT"]}`, 201, map[string]any{"requested_reviewers.1": nil}},
		{"removing leaves the others", "DELETE", `{"reviewers":["hubot"]}`, 200, map[string]any{"requested_reviewers.0": nil, "requested_teams.0.slug": "core"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := h.do(tt.method, "/repos/octocat/hello/pulls/1/requested_reviewers", tt.body)
			wantStatus(t, tt.name, res, tt.status)
			if diff := cmp.Diff(tt.want, pick(decode(t, res.body), keysOf(tt.want)...)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}

	res := h.do("PUT", "/repos/octocat/hello/pulls/1/update-branch", `{}`)
	if res.status != 422 || !strings.Contains(string(res.body), "There are no new commits on the base branch.") {
		t.Errorf("update a branch that is not behind: %d %s", res.status, res.body)
	}
	h.srv.Push("octocat", "hello", "main", FileChange{Path: "CHANGELOG.md", Status: "added", Additions: 1})
	if !h.srv.IsBehind("octocat", "hello", 1) {
		t.Fatal("not behind after a push to main")
	}
	res = h.do("PUT", "/repos/octocat/hello/pulls/1/update-branch", `{"expected_head_sha":"0000000000000000000000000000000000000000"}`)
	if res.status != 422 || !strings.Contains(string(res.body), "expected head sha didn't match current head ref.") {
		t.Errorf("update with a stale expected head: %d %s", res.status, res.body)
	}
	res = h.do("PUT", "/repos/octocat/hello/pulls/1/update-branch", fmt.Sprintf(`{"expected_head_sha":%q}`, head))
	wantStatus(t, "update-branch", res, 202)
	if decode(t, res.body)["message"] != "Updating pull request branch." || h.srv.IsBehind("octocat", "hello", 1) {
		t.Errorf("update-branch: %s; behind %v", res.body, h.srv.IsBehind("octocat", "hello", 1))
	}
}

func TestChecksAndStatuses(t *testing.T) {
	h := setup(t)
	head := openPull(t, h)
	h.srv.SetCheckRun("octocat", "hello", head, CheckRun{Name: "build", Conclusion: "failure"})
	h.srv.SetCheckRun("octocat", "hello", head, CheckRun{Name: "lint", Status: "in_progress"})
	h.srv.SetCheckRun("octocat", "hello", head, CheckRun{Name: "build", Conclusion: "success"}) // a re-run replaces
	h.srv.SetStatus("octocat", "hello", head, Status{Context: "ci/legacy", State: "pending"})
	h.srv.SetStatus("octocat", "hello", head, Status{Context: "ci/legacy", State: "failure", Description: "2 tests failed"})
	h.srv.SetStatus("octocat", "hello", head, Status{Context: "deploy", State: "success"})

	for _, ref := range []string{"feature", head} {
		got := decode(t, h.do("GET", "/repos/octocat/hello/commits/"+ref+"/check-runs", "").body)
		want := map[string]any{
			"total_count": 2.0, "check_runs.0.name": "lint", "check_runs.0.status": "in_progress", "check_runs.0.conclusion": nil,
			"check_runs.1.name": "build", "check_runs.1.conclusion": "success", "check_runs.1.head_sha": head,
		}
		if diff := cmp.Diff(want, pick(got, keysOf(want)...)); diff != "" {
			t.Errorf("check runs of %s (-want +got):\n%s", ref, diff)
		}
	}
	got := decode(t, h.do("GET", "/repos/octocat/hello/commits/feature/check-runs?status=completed", "").body)
	if got["total_count"] != 1.0 {
		t.Errorf("status=completed: %v", got)
	}
	got = decode(t, h.do("GET", "/repos/octocat/hello/commits/feature/status", "").body)
	want := map[string]any{"state": "failure", "total_count": 2.0, "sha": head, "statuses.0.context": "ci/legacy", "statuses.0.description": "2 tests failed", "statuses.1.state": "success"}
	if diff := cmp.Diff(want, pick(got, keysOf(want)...)); diff != "" {
		t.Errorf("combined status (-want +got):\n%s", diff)
	}
	got = decode(t, h.do("GET", "/repos/octocat/hello/commits/main/status", "").body)
	if got["state"] != "pending" || got["total_count"] != 0.0 {
		t.Errorf("a commit without statuses: %v", got)
	}
	res := h.do("GET", "/repos/octocat/hello/commits/no-such-branch/check-runs", "")
	if res.status != 422 || !strings.Contains(string(res.body), "No commit found for SHA: no-such-branch") {
		t.Errorf("unknown ref: %d %s", res.status, res.body)
	}
}

func TestLabelsAndAssignees(t *testing.T) {
	h := setup(t)
	h.srv.AddUser("hubot")
	wantStatus(t, "issue", h.do("POST", "/repos/octocat/hello/issues", `{"title":"Crash","labels":["bug"]}`), 201)
	n := len(h.srv.Issues("octocat", "hello"))
	issue := fmt.Sprintf("/repos/octocat/hello/issues/%d", n)

	labels := decodeList(t, h.do("GET", "/repos/octocat/hello/labels?per_page=100", "").body)
	if len(labels) != 9 || labels[0]["name"] != "bug" {
		t.Errorf("default labels: %d, first %v", len(labels), labels[0]["name"])
	}
	tests := []struct {
		name, method, path, body string
		status                   int
		want                     string // in the body
	}{
		{"a new label is created", "POST", "/repos/octocat/hello/labels", `{"name":"triage","color":"#FBCA04","description":"Needs a look"}`, 201, `"color":"fbca04"`},
		{"a label that exists is 422 already_exists", "POST", "/repos/octocat/hello/labels", `{"name":"Triage"}`, 422, `"code":"already_exists"`},
		{"a default label exists too", "POST", "/repos/octocat/hello/labels", `{"name":"bug"}`, 422, `"code":"already_exists"`},
		{"a bad color is 422 invalid", "POST", "/repos/octocat/hello/labels", `{"name":"x","color":"red"}`, 422, `"code":"invalid"`},
		{"adding labels keeps the others", "POST", issue + "/labels", `{"labels":["triage","bug"]}`, 200, `"name":"bug"`},
		{"removing a label it lacks is 404", "DELETE", issue + "/labels/wontfix", "", 404, "Label does not exist"},
		{"removing one keeps the others", "DELETE", issue + "/labels/BUG", "", 200, `"name":"triage"`},
		{"adding assignees ignores unknown users", "POST", issue + "/assignees", `{"assignees":["hubot","ghost"]}`, 201, `"login":"hubot"`},
		{"removing assignees", "DELETE", issue + "/assignees", `{"assignees":["hubot"]}`, 200, `"assignees":[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := h.do(tt.method, tt.path, tt.body)
			if res.status != tt.status || !strings.Contains(string(res.body), tt.want) {
				t.Errorf("%d %s\nwant %d with %s", res.status, res.body, tt.status, tt.want)
			}
		})
	}
	is := h.srv.Issues("octocat", "hello")[n-1]
	if diff := cmp.Diff([]string{"triage"}, is.Labels); diff != "" {
		t.Errorf("labels in the end (-want +got):\n%s", diff)
	}
	if len(is.Assignees) != 0 {
		t.Errorf("assignees in the end: %v", is.Assignees)
	}
}
