package tools

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// graphQLVars checks a GraphQL request: its document holds every one of
// fields, and its variables are exactly want.
func graphQLVars(want string, fields ...string) func(t *testing.T, body []byte, r *http.Request) {
	return func(t *testing.T, body []byte, r *http.Request) {
		t.Helper()
		var req struct {
			Query     string          `json:"query"`
			Variables json.RawMessage `json:"variables"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			t.Fatalf("GraphQL body is not JSON: %q", body)
		}
		for _, f := range fields {
			if !strings.Contains(req.Query, f) {
				t.Errorf("document %q lacks %q", req.Query, f)
			}
		}
		jsonBody(want)(t, req.Variables, r)
	}
}

func TestRequestReviewers(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("POST", "/repos/octo/hello/pulls/1347/requested_reviewers", 201,
		`{"number":1347,"requested_reviewers":[{"login":"monalisa"},{"login":"hubot"}],"requested_teams":[{"slug":"core"}]}`,
		jsonBody(`{"reviewers":["hubot"],"team_reviewers":["core"]}`))
	var got Reviewers
	structured(t, f.deps(testToken), "request_reviewers", `{"owner":"octo","repo":"hello","number":1347,"reviewers":["hubot"],"teams":["core"]}`, &got)
	want := Reviewers{Number: 1347, Reviewers: []string{"monalisa", "hubot"}, Teams: []string{"core"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestRequestReviewersErrors(t *testing.T) {
	t.Run("someone without access: GitHub's words", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("POST", "/repos/octo/hello/pulls/1/requested_reviewers", 422, `{"message":"Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the octo/hello repository."}`, nil)
		callWantError(t, f.deps(testToken), "request_reviewers", `{"owner":"octo","repo":"hello","number":1,"reviewers":["stranger"]}`,
			"request reviewers for pull request octo/hello#1", "Reviews may only be requested from collaborators")
	})
	for name, tc := range map[string]struct{ args, want string }{
		"nobody":     {`{"owner":"octo","repo":"hello","number":1}`, `invalid argument "reviewers": give at least one login in reviewers or one team slug in teams`},
		"a bad user": {`{"owner":"octo","repo":"hello","number":1,"reviewers":["a b"]}`, `invalid argument "reviewers[0]"`},
		"a bad team": {`{"owner":"octo","repo":"hello","number":1,"teams":["org/core"]}`, `invalid argument "teams[0]": must be a team slug`},
	} {
		t.Run(name+" is refused before any request", func(t *testing.T) {
			f := newFakeGitHub(t)
			callWantError(t, f.deps(testToken), "request_reviewers", tc.args, tc.want)
		})
	}
}

func TestRemoveReviewers(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("DELETE", "/repos/octo/hello/pulls/1347/requested_reviewers", 200, `{"number":1347}`, jsonBody(`{"reviewers":["monalisa"]}`))
	f.on("GET", "/repos/octo/hello/pulls/1347", 200, `{"number":1347,"requested_reviewers":[]}`, nil)
	var got Reviewers
	structured(t, f.deps(testToken), "remove_reviewers", `{"owner":"octo","repo":"hello","number":1347,"reviewers":["monalisa"]}`, &got)
	if diff := cmp.Diff(Reviewers{Number: 1347, Reviewers: []string{}}, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestMarkReadyForReview(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/repos/octo/hello/pulls/7", 200, `{"number":7,"state":"open","draft":true,"node_id":"PR_kwDOA7","html_url":"https://github.com/octo/hello/pull/7"}`, nil)
	f.on("POST", "/graphql", 200, `{"data":{"markPullRequestReadyForReview":{"pullRequest":{"isDraft":false}}}}`,
		graphQLVars(`{"id":"PR_kwDOA7"}`, "mutation", "markPullRequestReadyForReview(input: {pullRequestId: $id})"))
	var got DraftState
	structured(t, f.deps(testToken), "mark_ready_for_review", `{"owner":"octo","repo":"hello","number":7}`, &got)
	if diff := cmp.Diff(DraftState{Number: 7, Draft: false, HTMLURL: "https://github.com/octo/hello/pull/7"}, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestConvertToDraft(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/repos/octo/hello/pulls/7", 200, `{"number":7,"state":"open","draft":false,"node_id":"PR_kwDOA7","html_url":"https://github.com/octo/hello/pull/7"}`, nil)
	f.on("POST", "/graphql", 200, `{"data":{"convertPullRequestToDraft":{"pullRequest":{"isDraft":true}}}}`,
		graphQLVars(`{"id":"PR_kwDOA7"}`, "convertPullRequestToDraft(input: {pullRequestId: $id})"))
	var got DraftState
	structured(t, f.deps(testToken), "convert_to_draft", `{"owner":"octo","repo":"hello","number":7}`, &got)
	if !got.Draft {
		t.Errorf("result %+v, want a draft", got)
	}
}

func TestDraftStatusUnchanged(t *testing.T) {
	t.Run("a pull request already ready needs no mutation", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/pulls/7", 200, `{"number":7,"state":"open","draft":false,"node_id":"PR_kwDOA7","html_url":"https://github.com/octo/hello/pull/7"}`, nil)
		var got DraftState
		structured(t, f.deps(testToken), "mark_ready_for_review", `{"owner":"octo","repo":"hello","number":7}`, &got)
		if got.Draft {
			t.Errorf("result %+v", got)
		}
	})
	t.Run("a merged pull request cannot change", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/pulls/7", 200, `{"number":7,"state":"closed","merged":true,"draft":false}`, nil)
		callWantError(t, f.deps(testToken), "convert_to_draft", `{"owner":"octo","repo":"hello","number":7}`,
			"convert pull request octo/hello#7 to a draft: it is merged, so its draft status cannot change")
	})
	t.Run("GitHub's GraphQL error in its words", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/pulls/7", 200, `{"number":7,"state":"open","draft":true,"node_id":"PR_kwDOA7"}`, nil)
		f.on("POST", "/graphql", 200, `{"data":{"markPullRequestReadyForReview":null},"errors":[{"type":"FORBIDDEN","message":"Resource not accessible by personal access token"}]}`, nil)
		callWantError(t, f.deps(testToken), "mark_ready_for_review", `{"owner":"octo","repo":"hello","number":7}`,
			"mark pull request octo/hello#7 ready for review: GitHub GraphQL: FORBIDDEN: Resource not accessible by personal access token")
	})
}

func TestUpdatePullRequestBranch(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("PUT", "/repos/octo/hello/pulls/1347/update-branch", 202, `{"message":"Updating pull request branch.","url":"https://github.com/octo/hello/pull/1347"}`,
		jsonBody(`{"expected_head_sha":"`+headSHA+`"}`))
	var got RunAck
	structured(t, f.deps(testToken), "update_pull_request_branch", `{"owner":"octo","repo":"hello","number":1347,"expected_head_sha":"`+headSHA+`"}`, &got)
	if diff := cmp.Diff(RunAck{Status: "updating", Next: "get_pull_request shows the new head_sha within seconds"}, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestUpdatePullRequestBranchErrors(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("PUT", "/repos/octo/hello/pulls/1347/update-branch", 422, `{"message":"expected head sha didn't match current head ref."}`, nil)
	callWantError(t, f.deps(testToken), "update_pull_request_branch", `{"owner":"octo","repo":"hello","number":1347,"expected_head_sha":"`+headSHA+`"}`,
		"update the branch of pull request octo/hello#1347: GitHub refused (422: expected head sha didn't match current head ref.). If the head moved, read it again with get_pull_request")
}

func TestListReviewThreads(t *testing.T) {
	f := newFakeGitHub(t)
	long := strings.Repeat("x", 400)
	f.on("POST", "/graphql", 200, `{"data":{"repository":{"pullRequest":{"reviewThreads":{
		"pageInfo":{"hasNextPage":true,"endCursor":"Y3Vyc29yOjMw"},
		"nodes":[
		 {"id":"PRRT_1","isResolved":false,"isOutdated":false,"path":"greet/greet.go","line":4,"startLine":2,"comments":{"nodes":[{"databaseId":11,"author":{"login":"hubot"},"body":"Why a default?"},{"databaseId":12,"author":{"login":"octocat"},"body":"Empty names."}]}},
		 {"id":"PRRT_2","isResolved":true,"isOutdated":true,"path":"README.md","line":null,"startLine":null,"comments":{"nodes":[{"databaseId":13,"author":{"login":"hubot"},"body":"`+long+`"}]}}
		]}}},"rateLimit":{"cost":1,"limit":5000,"remaining":4999,"resetAt":"2026-01-02T04:00:00Z"}}}`,
		graphQLVars(`{"owner":"octo","name":"hello","number":1347,"first":30,"after":"Y3Vyc29yOjA="}`, "reviewThreads(first: $first, after: $after)", "rateLimit"))
	var got ReviewThreadList
	structured(t, f.deps(testToken), "list_review_threads", `{"owner":"octo","repo":"hello","number":1347,"after":"Y3Vyc29yOjA="}`, &got)
	want := ReviewThreadList{
		Threads: []ReviewThread{
			{ID: "PRRT_1", Path: "greet/greet.go", Line: 4, StartLine: 2, Author: "hubot", Excerpt: "Why a default?", CommentIDs: []int64{11, 12}},
			{ID: "PRRT_2", Resolved: true, Outdated: true, Path: "README.md", Author: "hubot", Excerpt: untrusted(long[:threadExcerpt]), CommentIDs: []int64{13}},
		},
		NextCursor: "Y3Vyc29yOjMw",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestListReviewThreadsErrors(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("POST", "/graphql", 200, `{"data":{"repository":{"pullRequest":null}},"errors":[{"type":"NOT_FOUND","path":["repository","pullRequest"],"message":"Could not resolve to a PullRequest with the number of 9."}]}`, nil)
	callWantError(t, f.deps(testToken), "list_review_threads", `{"owner":"octo","repo":"hello","number":9}`,
		"list review threads of pull request octo/hello#9: GitHub GraphQL: NOT_FOUND: Could not resolve to a PullRequest with the number of 9.")
}

func TestReplyToReviewComment(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("POST", "/repos/octo/hello/pulls/1347/comments", 201, `{"id":14,"in_reply_to_id":11,"html_url":"https://github.com/octo/hello/pull/1347#discussion_r14"}`,
		jsonBody(`{"body":"Done.","in_reply_to":11}`))
	var got ReviewCommentRef
	structured(t, f.deps(testToken), "reply_to_review_comment", `{"owner":"octo","repo":"hello","number":1347,"comment_id":11,"body":"Done."}`, &got)
	if diff := cmp.Diff(ReviewCommentRef{ID: 14, InReplyTo: 11, HTMLURL: "https://github.com/octo/hello/pull/1347#discussion_r14"}, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	callWantError(t, f.deps(testToken), "reply_to_review_comment", `{"owner":"octo","repo":"hello","number":1347,"comment_id":11,"body":" "}`, `invalid argument "body": must not be empty`)
}

func TestResolveReviewThread(t *testing.T) {
	for _, tt := range []struct {
		tool, mutation string
		resolved       bool
	}{
		{"resolve_review_thread", "resolveReviewThread", true},
		{"unresolve_review_thread", "unresolveReviewThread", false},
	} {
		t.Run(tt.tool, func(t *testing.T) {
			f := newFakeGitHub(t)
			answer, _ := json.Marshal(map[string]any{"data": map[string]any{tt.mutation: map[string]any{"thread": map[string]any{"id": "PRRT_1", "isResolved": tt.resolved}}}})
			f.on("POST", "/graphql", 200, string(answer), graphQLVars(`{"id":"PRRT_1"}`, tt.mutation+"(input: {threadId: $id})"))
			var got ThreadState
			structured(t, f.deps(testToken), tt.tool, `{"owner":"octo","repo":"hello","thread_id":"PRRT_1"}`, &got)
			if diff := cmp.Diff(ThreadState{ThreadID: "PRRT_1", Resolved: tt.resolved}, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("an unknown thread says where ids come from", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("POST", "/graphql", 200, `{"data":{"resolveReviewThread":null},"errors":[{"type":"NOT_FOUND","path":["resolveReviewThread"],"message":"Could not resolve to a node with the global id of 'nope'"}]}`, nil)
		callWantError(t, f.deps(testToken), "resolve_review_thread", `{"owner":"octo","repo":"hello","thread_id":"nope"}`,
			"resolve review thread nope: GitHub GraphQL: NOT_FOUND: Could not resolve to a node with the global id of 'nope'. Take thread ids from list_review_threads")
	})
}
