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

// field returns a string at a dotted path of a JSON object.
func field(t *testing.T, body []byte, path string) any {
	t.Helper()
	return pick(decode(t, body), path)[path]
}

func TestGitDataCommitsOnTheContentsBranches(t *testing.T) {
	h := setup(t)
	ref := h.do("GET", "/repos/octocat/hello/git/ref/heads/main", "")
	wantStatus(t, "get ref", ref, 200)
	head := field(t, ref.body, "object.sha").(string)
	tree := field(t, h.do("GET", "/repos/octocat/hello/git/commits/"+head, "").body, "tree.sha").(string)

	blob := h.do("POST", "/repos/octocat/hello/git/blobs", `{"content":"package a\n","encoding":"utf-8"}`)
	wantStatus(t, "create blob", blob, 201)
	blobSHA := field(t, blob.body, "sha").(string)
	newTree := h.do("POST", "/repos/octocat/hello/git/trees", `{"base_tree":"`+tree+`","tree":[{"path":"a/a.go","mode":"100644","type":"blob","sha":"`+blobSHA+`"},{"path":"b.txt","mode":"100644","type":"blob","content":"b\n"}]}`)
	wantStatus(t, "create tree", newTree, 201)
	treeSHA := field(t, newTree.body, "sha").(string)
	commit := h.do("POST", "/repos/octocat/hello/git/commits", `{"message":"Add a and b","tree":"`+treeSHA+`","parents":["`+head+`"]}`)
	wantStatus(t, "create commit", commit, 201)
	sha := field(t, commit.body, "sha").(string)
	if got := field(t, commit.body, "tree.sha"); got != treeSHA {
		t.Errorf("commit tree = %v, want %s", got, treeSHA)
	}

	// The branch is the contents API's: it moves only by fast-forward.
	wantStatus(t, "fast-forward", h.do("PATCH", "/repos/octocat/hello/git/refs/heads/main", `{"sha":"`+sha+`","force":false}`), 200)
	if b, ok := h.srv.File("octocat", "hello", "main", "a/a.go"); !ok || string(b) != "package a\n" {
		t.Errorf("a/a.go on main = %q, %v", b, ok)
	}
	if _, ok := h.srv.File("octocat", "hello", "main", "README.md"); !ok {
		t.Error("README.md of the base tree is gone")
	}
	stale := h.do("POST", "/repos/octocat/hello/git/commits", `{"message":"From the old head","tree":"`+tree+`","parents":["`+head+`"]}`)
	res := h.do("PATCH", "/repos/octocat/hello/git/refs/heads/main", `{"sha":"`+field(t, stale.body, "sha").(string)+`"}`)
	wantStatus(t, "not a fast-forward", res, 422)
	if !strings.Contains(string(res.body), "Update is not a fast forward") {
		t.Errorf("body %s", res.body)
	}
	if got := h.srv.Commits("octocat", "hello", "main")[0]; !strings.HasSuffix(got, "Add a and b") {
		t.Errorf("main is at %q after the refused update", got)
	}

	// The tree, recursively, from a branch name.
	entries := decode(t, h.do("GET", "/repos/octocat/hello/git/trees/main?recursive=1", "").body)["tree"].([]any)
	var paths []string
	for _, e := range entries {
		m := e.(map[string]any)
		paths = append(paths, m["path"].(string)+" "+m["type"].(string))
	}
	if diff := cmp.Diff([]string{"README.md blob", "a tree", "a/a.go blob", "b.txt blob"}, paths); diff != "" {
		t.Errorf("tree (-want +got):\n%s", diff)
	}
	top := decode(t, h.do("GET", "/repos/octocat/hello/git/trees/"+treeSHA, "").body)["tree"].([]any)
	if len(top) != 3 {
		t.Errorf("non-recursive tree has %d entries, want 3: %v", len(top), top)
	}
	wantStatus(t, "unknown tree", h.do("GET", "/repos/octocat/hello/git/trees/nope", ""), 404)
	wantStatus(t, "unknown ref", h.do("GET", "/repos/octocat/hello/git/ref/heads/nope", ""), 404)
}

func TestDeleteFileNeedsTheCurrentSHA(t *testing.T) {
	h := setup(t)
	h.srv.AddFile("octocat", "hello", "", "old.txt", []byte("old\n"), "Add old")
	sha := blobSHA([]byte("old\n"))
	wantStatus(t, "no sha", h.do("DELETE", "/repos/octocat/hello/contents/old.txt", `{"message":"rm"}`), 422)
	wantStatus(t, "stale sha", h.do("DELETE", "/repos/octocat/hello/contents/old.txt", `{"message":"rm","sha":"6dcb09b5b57875f334f61aebed695e2e4193db5e"}`), 409)
	wantStatus(t, "missing file", h.do("DELETE", "/repos/octocat/hello/contents/nope.txt", `{"message":"rm","sha":"`+sha+`"}`), 404)
	res := h.do("DELETE", "/repos/octocat/hello/contents/old.txt", `{"message":"Remove old","sha":"`+sha+`","content":null}`)
	wantStatus(t, "delete", res, 200)
	if field(t, res.body, "content") != nil || field(t, res.body, "commit.message") != "Remove old" {
		t.Errorf("answer %s", res.body)
	}
	if _, ok := h.srv.File("octocat", "hello", "main", "old.txt"); ok {
		t.Error("old.txt still exists")
	}
}

func TestTagsReleasesForksAndNewRepositories(t *testing.T) {
	h := setup(t)
	// A published release creates its tag; a draft does not.
	wantStatus(t, "release", h.do("POST", "/repos/octocat/hello/releases", `{"tag_name":"v1.0","name":"One"}`), 201)
	draft := h.do("POST", "/repos/octocat/hello/releases", `{"tag_name":"v2.0","draft":true}`)
	wantStatus(t, "draft", draft, 201)
	if u := field(t, draft.body, "html_url").(string); !strings.Contains(u, "/releases/tag/untagged-") {
		t.Errorf("draft html_url %s", u)
	}
	wantStatus(t, "again", h.do("POST", "/repos/octocat/hello/releases", `{"tag_name":"v1.0"}`), 422)
	tags := decodeList(t, h.do("GET", "/repos/octocat/hello/tags", "").body)
	if len(tags) != 1 || tags[0]["name"] != "v1.0" {
		t.Errorf("tags = %v", tags)
	}

	fork := h.do("POST", "/repos/octocat/hello/forks", `{"organization":"acme","name":"hello-fork","default_branch_only":true}`)
	wantStatus(t, "fork", fork, 202)
	if field(t, fork.body, "full_name") != "acme/hello-fork" {
		t.Errorf("fork %s", fork.body)
	}
	if _, ok := h.srv.File("acme", "hello-fork", "main", "README.md"); !ok {
		t.Error("the fork has no README.md")
	}
	wantStatus(t, "fork again", h.do("POST", "/repos/octocat/hello/forks", `{"organization":"acme","name":"hello-fork"}`), 202)

	repo := h.do("POST", "/user/repos", `{"name":"tool","private":true,"auto_init":true}`)
	wantStatus(t, "create repo", repo, 201)
	if field(t, repo.body, "full_name") != "octocat/tool" || field(t, repo.body, "private") != true {
		t.Errorf("repo %s", repo.body)
	}
	taken := h.do("POST", "/user/repos", `{"name":"tool"}`)
	wantStatus(t, "taken", taken, 422)
	if !strings.Contains(string(taken.body), "name already exists on this account") {
		t.Errorf("taken: %s", taken.body)
	}
}

func TestSubIssues(t *testing.T) {
	h := setup(t)
	for _, title := range []string{"Epic", "Part one", "Part two"} {
		wantStatus(t, "issue", h.do("POST", "/repos/octocat/hello/issues", `{"title":"`+title+`"}`), 201)
	}
	id := func(n string) string {
		return strings.TrimSuffix(strings.TrimSuffix(string(mustJSON(field(t, h.do("GET", "/repos/octocat/hello/issues/"+n, "").body, "id"))), ".0"), "\n")
	}
	wantStatus(t, "add", h.do("POST", "/repos/octocat/hello/issues/1/sub_issues", `{"sub_issue_id":`+id("2")+`}`), 201)
	wantStatus(t, "add again", h.do("POST", "/repos/octocat/hello/issues/1/sub_issues", `{"sub_issue_id":`+id("2")+`}`), 422)
	wantStatus(t, "second parent", h.do("POST", "/repos/octocat/hello/issues/3/sub_issues", `{"sub_issue_id":`+id("2")+`}`), 422)
	wantStatus(t, "itself", h.do("POST", "/repos/octocat/hello/issues/1/sub_issues", `{"sub_issue_id":`+id("1")+`}`), 422)
	wantStatus(t, "add", h.do("POST", "/repos/octocat/hello/issues/1/sub_issues", `{"sub_issue_id":`+id("3")+`}`), 201)
	titles := func() []string {
		var out []string
		for _, is := range decodeList(t, h.do("GET", "/repos/octocat/hello/issues/1/sub_issues", "").body) {
			out = append(out, is["title"].(string))
		}
		return out
	}
	if diff := cmp.Diff([]string{"Part one", "Part two"}, titles()); diff != "" {
		t.Errorf("sub-issues (-want +got):\n%s", diff)
	}
	wantStatus(t, "remove", h.do("DELETE", "/repos/octocat/hello/issues/1/sub_issue", `{"sub_issue_id":`+id("2")+`}`), 200)
	wantStatus(t, "remove again", h.do("DELETE", "/repos/octocat/hello/issues/1/sub_issue", `{"sub_issue_id":`+id("2")+`}`), 404)
	if diff := cmp.Diff([]string{"Part two"}, titles()); diff != "" {
		t.Errorf("after removal (-want +got):\n%s", diff)
	}
	// replace_parent moves it.
	wantStatus(t, "move", h.do("POST", "/repos/octocat/hello/issues/2/sub_issues", `{"sub_issue_id":`+id("3")+`,"replace_parent":true}`), 201)
	if titles() != nil {
		t.Errorf("issue 1 still has %v", titles())
	}
}

func TestCollaboratorPermissionAndInvitations(t *testing.T) {
	h := setup(t)
	h.srv.AddCollaborator("acme", "secret", "octocat", "admin")
	h.srv.AddCollaborator("acme", "secret", "hubot", "triage")
	h.srv.AddUser("monalisa")
	for _, tt := range []struct{ login, permission, role string }{
		{"octocat", "admin", "admin"}, {"hubot", "read", "triage"}, {"monalisa", "none", "none"},
	} {
		res := h.do("GET", "/repos/acme/secret/collaborators/"+tt.login+"/permission", "")
		wantStatus(t, tt.login, res, 200)
		got := pick(decode(t, res.body), "permission", "role_name", "user.login")
		if diff := cmp.Diff(map[string]any{"permission": tt.permission, "role_name": tt.role, "user.login": tt.login}, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.login, diff)
		}
	}
	wantStatus(t, "unknown user", h.do("GET", "/repos/acme/secret/collaborators/ghost/permission", ""), 404)
	wantStatus(t, "invite", h.do("PUT", "/repos/acme/secret/collaborators/monalisa", `{"permission":"push"}`), 201)
	invs := decodeList(t, h.do("GET", "/repos/acme/secret/invitations", "").body)
	if len(invs) != 1 || pick(invs[0], "invitee.login")["invitee.login"] != "monalisa" || invs[0]["permissions"] != "write" {
		t.Errorf("invitations = %v", invs)
	}
}

func TestSearchCommitsAndUsers(t *testing.T) {
	h := setup(t)
	h.srv.AddFile("octocat", "hello", "", "a.go", []byte("a"), "Fix the crash in the parser")
	h.srv.AddFile("octocat", "hello", "", "b.go", []byte("b"), "Add docs")
	res := h.do("GET", "/search/commits?q=crash+repo:octocat/hello", "")
	wantStatus(t, "commits", res, 200)
	doc := decode(t, res.body)
	if doc["total_count"] != 1.0 || pick(doc, "items.0.commit.message")["items.0.commit.message"] != "Fix the crash in the parser" || pick(doc, "items.0.repository.full_name")["items.0.repository.full_name"] != "octocat/hello" {
		t.Errorf("commit search: %s", res.body)
	}
	if decode(t, h.do("GET", "/search/commits?q=crash+repo:acme/old", "").body)["total_count"] != 0.0 {
		t.Error("repo: qualifier ignored")
	}
	wantStatus(t, "no q", h.do("GET", "/search/commits", ""), 422)

	users := decode(t, h.do("GET", "/search/users?q=hub", "").body)
	if users["total_count"] != 1.0 || pick(users, "items.0.login")["items.0.login"] != "hubot" {
		t.Errorf("user search: %v", users)
	}
	orgs := decode(t, h.do("GET", "/search/users?q=acme+type:org", "").body)
	if orgs["total_count"] != 1.0 || pick(orgs, "items.0.type")["items.0.type"] != "Organization" {
		t.Errorf("org search: %v", orgs)
	}
}

func TestNotifications(t *testing.T) {
	h := setup(t)
	first := h.srv.AddNotification(Notification{Repo: "octocat/hello", Type: "Issue", Number: 1, Reason: "mention", Title: "Crash"})
	h.clock.Advance(60e9)
	h.srv.AddNotification(Notification{Repo: "acme/secret", Type: "Release", Reason: "subscribed", Title: "v1"})
	ids := func(path string) []string {
		var out []string
		for _, n := range decodeList(t, h.do("GET", path, "").body) {
			out = append(out, n["id"].(string)+" "+n["subject"].(map[string]any)["title"].(string))
		}
		return out
	}
	if diff := cmp.Diff([]string{"9000002 v1", "9000001 Crash"}, ids("/notifications")); diff != "" {
		t.Errorf("newest first (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"9000001 Crash"}, ids("/notifications?participating=true")); diff != "" {
		t.Errorf("participating (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"9000001 Crash"}, ids("/repos/octocat/hello/notifications")); diff != "" {
		t.Errorf("one repository (-want +got):\n%s", diff)
	}
	thread := h.do("GET", "/notifications/threads/9000001", "")
	if field(t, thread.body, "subject.url") != "https://api.github.test/repos/octocat/hello/issues/1" {
		t.Errorf("thread %s", thread.body)
	}
	wantStatus(t, "mark one", h.do("PATCH", "/notifications/threads/"+itoa(first), ""), 205)
	if diff := cmp.Diff([]string{"9000002 v1"}, ids("/notifications")); diff != "" {
		t.Errorf("after marking one (-want +got):\n%s", diff)
	}
	if len(ids("/notifications?all=true")) != 2 {
		t.Error("all=true misses read threads")
	}
	wantStatus(t, "mark all", h.do("PUT", "/notifications", `{"last_read_at":"2020-01-01T00:00:00Z"}`), 205)
	if len(ids("/notifications")) != 1 {
		t.Error("last_read_at before the thread marked it read")
	}
	wantStatus(t, "mark all", h.do("PUT", "/repos/acme/secret/notifications", `{}`), 205)
	out, _ := h.srv.Command([]string{"notifications"})
	if out != "9000001 read octocat/hello Crash\n9000002 read acme/secret v1\n" {
		t.Errorf("notifications command:\n%s", out)
	}
	wantStatus(t, "unknown thread", h.do("PATCH", "/notifications/threads/1", ""), 404)
}

func itoa(n int) string { return strings.TrimSpace(string(mustJSON(n))) }

func TestSecurityAlerts(t *testing.T) {
	h := setup(t)
	for _, cmd := range [][]string{
		{"alert", "add", "octocat/hello", "code", "go/sql-injection", "high", "db.go:42", "Query built from user input"},
		{"alert", "add", "octocat/hello", "dependabot", "golang.org/x/net", "critical", "0.17.0", "HTTP/2 rapid reset"},
		{"alert", "add", "octocat/hello", "secret", "github_personal_access_token", "ghp_leakedLEAKEDleaked0123456789abcdefgh"},
	} {
		if out, err := h.srv.Command(cmd); err != nil || out != "1\n" {
			t.Fatalf("%v: %q %v", cmd, out, err)
		}
	}
	for _, tt := range []struct {
		path string
		want map[string]any
	}{
		{"/repos/octocat/hello/code-scanning/alerts/1", map[string]any{"rule.id": "go/sql-injection", "rule.security_severity_level": "high", "most_recent_instance.location.path": "db.go", "state": "open"}},
		{"/repos/octocat/hello/dependabot/alerts/1", map[string]any{"dependency.package.name": "golang.org/x/net", "security_advisory.severity": "critical", "security_vulnerability.first_patched_version.identifier": "0.17.0"}},
		{"/repos/octocat/hello/secret-scanning/alerts/1", map[string]any{"secret_type": "github_personal_access_token", "secret": "ghp_leakedLEAKEDleaked0123456789abcdefgh"}},
	} {
		res := h.do("GET", tt.path, "")
		wantStatus(t, tt.path, res, 200)
		if diff := cmp.Diff(tt.want, pick(decode(t, res.body), keysOf(tt.want)...)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.path, diff)
		}
	}
	if n := len(decodeList(t, h.do("GET", "/repos/octocat/hello/code-scanning/alerts?state=open", "").body)); n != 1 {
		t.Errorf("open code scanning alerts: %d", n)
	}
	if n := len(decodeList(t, h.do("GET", "/repos/octocat/hello/dependabot/alerts?state=fixed", "").body)); n != 0 {
		t.Errorf("fixed Dependabot alerts: %d", n)
	}
	wantStatus(t, "unknown alert", h.do("GET", "/repos/octocat/hello/secret-scanning/alerts/2", ""), 404)
}

func TestCommandsB(t *testing.T) {
	h := setup(t)
	h.srv.AddFile("octocat", "hello", "", "a.txt", []byte("A\n"), "Add a")
	for _, tt := range []struct {
		args []string
		want string
		err  string
	}{
		{args: []string{"cat", "octocat/hello", "main", "a.txt"}, want: "A\n"},
		{args: []string{"log", "octocat/hello"}, want: "Add a"},
		{args: []string{"notification", "add", "octocat/hello", "PullRequest", "7", "review_requested", "Add parser"}, want: "9000001\n"},
		{args: []string{"notification", "add", "nope/nope", "Issue", "1", "mention", "x"}, err: "no repository nope/nope"},
		{args: []string{"alert", "add", "octocat/hello", "secret"}, err: "usage: alert add"},
		{args: []string{"cat", "octocat/hello", "main", "nope"}, err: "no file nope"},
	} {
		out, err := h.srv.Command(tt.args)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%v: error %v, want %q", tt.args, err, tt.err)
			}
			continue
		}
		if err != nil || !strings.Contains(out, tt.want) {
			t.Errorf("%v: %q %v, want %q", tt.args, out, err, tt.want)
		}
	}
}
