package fakegithub

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// wantStatus fails the test unless res has the status, showing the body.
func wantStatus(t *testing.T, what string, res result, status int) {
	t.Helper()
	if res.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, res.status, status, res.body)
	}
}

// openPull pushes a branch "feature" to octocat/hello and opens a pull
// request from it as the viewer, returning the head SHA.
func openPull(t *testing.T, h *harness) string {
	t.Helper()
	sha := h.srv.Push("octocat", "hello", "feature", FileChange{Path: "greet.go", Status: "added", Additions: 3}, FileChange{Path: "README.md", Additions: 2, Deletions: 1})
	res := h.do("POST", "/repos/octocat/hello/pulls", `{"title":"Add a greeting","head":"feature","base":"main","body":"Greets."}`)
	wantStatus(t, "create", res, 201)
	return sha
}

func TestPullRequestLifecycle(t *testing.T) {
	h := setup(t)
	first := openPull(t, h)

	pr := decode(t, h.do("GET", "/repos/octocat/hello/pulls/1", "").body)
	want := map[string]any{
		"number": 1.0, "state": "open", "title": "Add a greeting", "body": "Greets.", "user.login": "octocat",
		"head.ref": "feature", "head.sha": first, "head.label": "octocat:feature", "base.ref": "main",
		"draft": false, "merged": false, "mergeable": true, "mergeable_state": "clean", "merged_by": nil,
		"commits": 1.0, "additions": 5.0, "deletions": 1.0, "changed_files": 2.0,
		"html_url": "https://github.com/octocat/hello/pull/1", "author_association": "OWNER",
	}
	if diff := cmp.Diff(want, pick(pr, keysOf(want)...)); diff != "" {
		t.Errorf("pull request (-want +got):\n%s", diff)
	}
	// A pull request is an issue too: it took issue number 1.
	wantStatus(t, "issue", h.do("GET", "/repos/octocat/hello/issues/1", ""), 200)

	files := h.do("GET", "/repos/octocat/hello/pulls/1/files", "")
	var fs []map[string]any
	json.Unmarshal(files.body, &fs)
	if len(fs) != 2 || fs[0]["filename"] != "greet.go" || fs[0]["status"] != "added" || fs[0]["patch"] != "@@ -0,0 +1,3 @@\n+greet.go: new line 1\n+greet.go: new line 2\n+greet.go: new line 3" {
		t.Errorf("files: %s", files.body)
	}
	diff := h.do("GET", "/repos/octocat/hello/pulls/1", "", "Accept", "application/vnd.github.v3.diff")
	wantStatus(t, "diff", diff, 200)
	if !strings.HasPrefix(string(diff.body), "diff --git a/greet.go b/greet.go\nnew file mode 100644\n") || !strings.Contains(string(diff.body), "--- a/README.md\n+++ b/README.md\n@@ -1,2 +1,3 @@\n README.md: line 1\n-README.md: old line 2\n+README.md: new line 2\n+README.md: new line 3\n") {
		t.Errorf("diff:\n%s", diff.body)
	}

	// Its author may not approve it; another user may, with a line comment.
	own := h.do("POST", "/repos/octocat/hello/pulls/1/reviews", `{"event":"APPROVE"}`)
	wantStatus(t, "own approval", own, 422)
	if got := pick(decode(t, own.body), "message", "errors.0"); got["errors.0"] != "Can not approve your own pull request" {
		t.Errorf("own approval: %s", own.body)
	}
	h.srv.SetViewer("hubot")
	rev := h.do("POST", "/repos/octocat/hello/pulls/1/reviews", `{"event":"APPROVE","body":"Ship it","comments":[{"path":"greet.go","line":2,"side":"RIGHT","body":"Nice."}]}`)
	wantStatus(t, "review", rev, 200)
	if got := pick(decode(t, rev.body), "state", "user.login", "commit_id", "body"); got["state"] != "APPROVED" || got["user.login"] != "hubot" || got["commit_id"] != first {
		t.Errorf("review: %v", got)
	}
	var comments []map[string]any
	json.Unmarshal(h.do("GET", "/repos/octocat/hello/pulls/1/comments", "").body, &comments)
	if len(comments) != 1 || comments[0]["line"] != 2.0 || comments[0]["diff_hunk"] != "@@ -0,0 +1,3 @@\n+greet.go: new line 1\n+greet.go: new line 2" {
		t.Errorf("review comments: %v", comments)
	}

	// The author pushes again: the head moves, and a merge of the head
	// the reviewer saw is refused.
	h.clock.Advance(time.Minute)
	second := h.srv.Push("octocat", "hello", "feature", FileChange{Path: "greet.go", Additions: 1, Deletions: 1})
	if second == first {
		t.Fatal("a push did not move the head")
	}
	stale := h.do("PUT", "/repos/octocat/hello/pulls/1/merge", `{"sha":"`+first+`"}`)
	wantStatus(t, "stale merge", stale, 409)
	if got := pick(decode(t, stale.body), "message")["message"]; got != "Head branch was modified. Review and try the merge again." {
		t.Errorf("stale merge: %v", got)
	}
	merged := h.do("PUT", "/repos/octocat/hello/pulls/1/merge", `{"sha":"`+second+`","merge_method":"squash"}`)
	wantStatus(t, "merge", merged, 200)
	m := pick(decode(t, merged.body), "merged", "message", "sha")
	if m["merged"] != true || m["message"] != "Pull Request successfully merged" || len(m["sha"].(string)) != 40 {
		t.Errorf("merge: %v", m)
	}

	pr = decode(t, h.do("GET", "/repos/octocat/hello/pulls/1", "").body)
	want = map[string]any{
		"state": "closed", "merged": true, "merged_by.login": "hubot", "head.sha": second, "merge_commit_sha": m["sha"],
		"mergeable": nil, "mergeable_state": "unknown", "commits": 2.0, "merged_at": "2026-03-04T05:07:07Z",
	}
	if diff := cmp.Diff(want, pick(pr, keysOf(want)...)); diff != "" {
		t.Errorf("merged pull request (-want +got):\n%s", diff)
	}
	again := h.do("PUT", "/repos/octocat/hello/pulls/1/merge", `{}`)
	wantStatus(t, "second merge", again, 405)

	got, err := h.srv.Command([]string{"pulls", "octocat/hello"})
	if err != nil || got != "#1 merged feature->main "+second[:7]+" hubot:APPROVED\n" {
		t.Errorf("pulls command = %q, %v", got, err)
	}
	if issues := h.srv.Issues("octocat", "hello"); len(issues) != 1 || issues[0].State != "closed" {
		t.Errorf("the pull request's issue: %+v", issues)
	}
}

// keysOf lists a map's keys in a stable order.
func keysOf(m map[string]any) []string {
	ks := keys(m)
	slices.Sort(ks)
	return ks
}

func TestPullJSONHasGitHubsFields(t *testing.T) {
	h := setup(t)
	openPull(t, h)
	raw, err := os.ReadFile(filepath.Join("..", "..", "testdata", "github", "pull.json"))
	if err != nil {
		t.Fatal(err)
	}
	// Compare field names in order, as GitHub sends them.
	order := func(b []byte) []string {
		dec := json.NewDecoder(strings.NewReader(string(b)))
		var names []string
		depth := 0
		for {
			tok, err := dec.Token()
			if err != nil {
				return names
			}
			switch tok {
			case json.Delim('{'), json.Delim('['):
				depth++
			case json.Delim('}'), json.Delim(']'):
				depth--
			default:
				if s, ok := tok.(string); ok && depth == 1 && dec.More() {
					names = append(names, s)
					// Skip the value.
					var v json.RawMessage
					dec.Decode(&v)
				}
			}
		}
	}
	got := order(h.do("GET", "/repos/octocat/hello/pulls/1", "").body)
	if len(got) < 40 {
		t.Fatalf("only %d fields: %q", len(got), got)
	}
	if diff := cmp.Diff(order(raw), got); diff != "" {
		t.Errorf("pull request fields (-GitHub +fake):\n%s", diff)
	}
}

func TestCreatePullErrors(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		status int
		want   string
	}{
		{"missing fields", `{"head":"feature"}`, 422, `"errors":[{"resource":"PullRequest","field":"title","code":"missing_field"},{"resource":"PullRequest","field":"base","code":"missing_field"}]`},
		{"unknown head", `{"title":"t","head":"nope","base":"main"}`, 422, `{"resource":"PullRequest","field":"head","code":"invalid"}`},
		{"unknown base", `{"title":"t","head":"feature","base":"nope"}`, 422, `{"resource":"PullRequest","field":"base","code":"invalid"}`},
		{"a fork's head", `{"title":"t","head":"hubot:feature","base":"main"}`, 422, `"field":"head","code":"invalid"`},
		{"no commits", `{"title":"t","head":"empty","base":"main"}`, 422, `"code":"custom","message":"No commits between main and empty"`},
		{"head is base", `{"title":"t","head":"main","base":"main"}`, 422, `No commits between main and main`},
		{"already open", `{"title":"t","head":"octocat:feature","base":"main"}`, 422, `"message":"A pull request already exists for octocat:feature."`},
		{"not JSON", `{`, 400, `Problems parsing JSON`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			openPull(t, h)
			h.srv.mu.Lock()
			pr := h.srv.pullRepo(h.srv.repos["octocat/hello"])
			pr.branches["empty"] = &branchState{commits: []string{pr.branches["main"].head()}}
			h.srv.mu.Unlock()
			res := h.do("POST", "/repos/octocat/hello/pulls", tt.body)
			wantStatus(t, tt.name, res, tt.status)
			if !strings.Contains(string(res.body), tt.want) {
				t.Errorf("body %s does not contain %s", res.body, tt.want)
			}
		})
	}
	t.Run("archived repository", func(t *testing.T) {
		h := setup(t)
		res := h.do("POST", "/repos/acme/old/pulls", `{"title":"t","head":"a","base":"main"}`)
		wantStatus(t, "archived", res, 403)
	})
}

func TestListPulls(t *testing.T) {
	h := setup(t)
	for i, branch := range []string{"a", "b", "c"} {
		h.srv.Push("octocat", "hello", branch, FileChange{Path: branch + ".go"})
		wantStatus(t, branch, h.do("POST", "/repos/octocat/hello/pulls", `{"title":"`+branch+`","head":"`+branch+`","base":"main"}`), 201)
		h.clock.Advance(time.Duration(3-i) * time.Minute)
	}
	wantStatus(t, "close", h.do("PATCH", "/repos/octocat/hello/pulls/2", `{"state":"closed"}`), 200)

	numbers := func(path string) ([]float64, string) {
		t.Helper()
		res := h.do("GET", path, "")
		wantStatus(t, path, res, 200)
		var list []map[string]any
		json.Unmarshal(res.body, &list)
		var ns []float64
		for _, p := range list {
			ns = append(ns, p["number"].(float64))
			if _, ok := p["mergeable"]; ok {
				t.Errorf("%s: a list item has the details of a single pull request", path)
			}
		}
		return ns, res.header.Get("Link")
	}
	tests := []struct {
		path     string
		want     []float64
		wantLink string
	}{
		{"/repos/octocat/hello/pulls", []float64{3, 1}, ""},
		{"/repos/octocat/hello/pulls?state=all&direction=asc", []float64{1, 2, 3}, ""},
		{"/repos/octocat/hello/pulls?state=closed", []float64{2}, ""},
		{"/repos/octocat/hello/pulls?state=all&head=octocat:b", []float64{2}, ""},
		{"/repos/octocat/hello/pulls?head=hubot:a", nil, ""},
		{"/repos/octocat/hello/pulls?base=develop", nil, ""},
		{"/repos/octocat/hello/pulls?state=all&sort=updated&direction=desc", []float64{2, 3, 1}, ""},
		{"/repos/octocat/hello/pulls?state=all&per_page=2", []float64{3, 2}, `<https://api.github.test/repos/octocat/hello/pulls?page=2&per_page=2&state=all>; rel="next", <https://api.github.test/repos/octocat/hello/pulls?page=2&per_page=2&state=all>; rel="last"`},
		{"/repos/octocat/hello/pulls?state=all&per_page=2&page=2", []float64{1}, `<https://api.github.test/repos/octocat/hello/pulls?page=1&per_page=2&state=all>; rel="prev", <https://api.github.test/repos/octocat/hello/pulls?page=1&per_page=2&state=all>; rel="first"`},
	}
	for _, tt := range tests {
		got, link := numbers(tt.path)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.path, diff)
		}
		if link != tt.wantLink {
			t.Errorf("%s: Link %q, want %q", tt.path, link, tt.wantLink)
		}
	}
	if got, _ := numbers("/repos/octocat/hello/pulls?page=9223372036854775807&per_page=100"); got != nil {
		t.Errorf("a page far past the end = %v, want none", got)
	}
	wantStatus(t, "bad state", h.do("GET", "/repos/octocat/hello/pulls?state=merged", ""), 422)
	wantStatus(t, "no repo", h.do("GET", "/repos/octocat/nope/pulls", ""), 404)
}

func TestUpdatePull(t *testing.T) {
	h := setup(t)
	openPull(t, h)
	h.srv.Push("octocat", "hello", "develop", FileChange{Path: "x.go"})
	steps := []struct {
		body   string
		status int
		check  map[string]any
	}{
		{`{"title":"Better","body":"More.","base":"develop"}`, 200, map[string]any{"title": "Better", "body": "More.", "base.ref": "develop", "state": "open"}},
		{`{"title":""}`, 422, nil},
		{`{"state":"merged"}`, 422, nil},
		{`{"base":"nope"}`, 422, nil},
		{`{"state":"closed"}`, 200, map[string]any{"state": "closed", "closed_at": "2026-03-04T05:06:07Z", "mergeable": nil}},
		{`{"base":"main"}`, 422, nil},
		{`{"state":"open"}`, 200, map[string]any{"state": "open", "closed_at": nil}},
	}
	for _, s := range steps {
		res := h.do("PATCH", "/repos/octocat/hello/pulls/1", s.body)
		wantStatus(t, s.body, res, s.status)
		if s.check != nil {
			if diff := cmp.Diff(s.check, pick(decode(t, res.body), keysOf(s.check)...)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", s.body, diff)
			}
		}
	}
	if issues := h.srv.Issues("octocat", "hello"); issues[0].Title != "Better" || issues[0].State != "open" {
		t.Errorf("the issue did not follow: %+v", issues[0])
	}
	wantStatus(t, "missing", h.do("PATCH", "/repos/octocat/hello/pulls/9", `{"title":"x"}`), 404)
}

func TestMergeRefusals(t *testing.T) {
	h := setup(t)
	h.srv.Push("octocat", "hello", "wip", FileChange{Path: "w.go"})
	wantStatus(t, "draft", h.do("POST", "/repos/octocat/hello/pulls", `{"title":"WIP","head":"wip","base":"main","draft":true}`), 201)
	if got := pick(decode(t, h.do("GET", "/repos/octocat/hello/pulls/1", "").body), "mergeable_state"); got["mergeable_state"] != "draft" {
		t.Errorf("draft mergeable_state = %v", got["mergeable_state"])
	}
	for body, want := range map[string]struct {
		status int
		msg    string
	}{
		`{}`:                         {405, `"message":"Pull Request is still a draft"`},
		`{"merge_method":"octopus"}`: {422, `"field":"merge_method","code":"invalid"`},
	} {
		res := h.do("PUT", "/repos/octocat/hello/pulls/1/merge", body)
		wantStatus(t, body, res, want.status)
		if !strings.Contains(string(res.body), want.msg) {
			t.Errorf("%s: %s", body, res.body)
		}
	}
	wantStatus(t, "missing", h.do("PUT", "/repos/octocat/hello/pulls/2/merge", `{}`), 404)
}

func TestReviewRefusals(t *testing.T) {
	h := setup(t)
	head := openPull(t, h)
	h.srv.SetViewer("hubot")
	tests := []struct {
		body string
		want string
	}{
		{`{"event":"REQUEST_CHANGES"}`, "Body is required when using REQUEST_CHANGES or COMMENT event"},
		{`{"event":"COMMENT"}`, "Body is required"},
		{`{"event":"SHIP"}`, "Event must be one of"},
		{`{"event":"APPROVE","commit_id":"0123456789012345678901234567890123456789"}`, "commit_id is not part of the pull request"},
		{`{"event":"COMMENT","comments":[{"path":"nope.go","line":1,"body":"x"}]}`, "Path could not be resolved"},
		{`{"event":"COMMENT","comments":[{"path":"greet.go","line":4,"body":"x"}]}`, "Pull request review thread line must be part of the diff"},
		{`{"event":"COMMENT","comments":[{"path":"greet.go","line":1,"side":"LEFT","body":"x"}]}`, "Pull request review thread line must be part of the diff"},
	}
	for _, tt := range tests {
		res := h.do("POST", "/repos/octocat/hello/pulls/1/reviews", tt.body)
		wantStatus(t, tt.body, res, 422)
		if !strings.Contains(string(res.body), `"message":"Unprocessable Entity","errors":["`+tt.want) {
			t.Errorf("%s: %s", tt.body, res.body)
		}
	}
	// A LEFT comment on a modified file's deleted line, on the head the
	// reviewer names, and a review without an event stays pending.
	ok := h.do("POST", "/repos/octocat/hello/pulls/1/reviews", `{"event":"COMMENT","commit_id":"`+head+`","comments":[{"path":"README.md","line":2,"side":"LEFT","body":"Why drop this?"}]}`)
	wantStatus(t, "left comment", ok, 200)
	pending := h.do("POST", "/repos/octocat/hello/pulls/1/reviews", `{"body":"draft"}`)
	wantStatus(t, "pending", pending, 200)
	if got := decode(t, pending.body); got["state"] != "PENDING" || got["submitted_at"] != nil {
		t.Errorf("pending review: %v", got)
	}
	var reviews []map[string]any
	json.Unmarshal(h.do("GET", "/repos/octocat/hello/pulls/1/reviews", "").body, &reviews)
	if len(reviews) != 2 || reviews[0]["state"] != "COMMENTED" {
		t.Errorf("reviews: %v", reviews)
	}
}

func TestPatches(t *testing.T) {
	tests := []struct {
		f           FileChange
		patch       string
		right, left int
	}{
		{FileChange{Path: "a", Status: "added", Additions: 2}, "@@ -0,0 +1,2 @@\n+a: new line 1\n+a: new line 2", 2, 0},
		{FileChange{Path: "r", Status: "removed", Deletions: 1}, "@@ -1,1 +0,0 @@\n-r: old line 1", 0, 1},
		{FileChange{Path: "m", Status: "modified", Additions: 1, Deletions: 2}, "@@ -1,3 +1,2 @@\n m: line 1\n-m: old line 2\n-m: old line 3\n+m: new line 2", 2, 3},
		{FileChange{Path: "bin", Status: "modified"}, "", 0, 0},
	}
	for _, tt := range tests {
		if got := patchOf(tt.f); got != tt.patch {
			t.Errorf("patchOf(%+v) = %q, want %q", tt.f, got, tt.patch)
		}
		if r, l := sideLines(tt.f, "RIGHT"), sideLines(tt.f, "LEFT"); r != tt.right || l != tt.left {
			t.Errorf("sideLines(%+v) = %d right, %d left; want %d, %d", tt.f, r, l, tt.right, tt.left)
		}
	}
	m := FileChange{Path: "m", Status: "modified", Additions: 1, Deletions: 2}
	if got := hunkUpTo(m, "LEFT", 3); got != "@@ -1,3 +1,2 @@\n m: line 1\n-m: old line 2\n-m: old line 3" {
		t.Errorf("hunk up to LEFT 3 = %q", got)
	}
	if got := hunkUpTo(m, "RIGHT", 2); got != "@@ -1,3 +1,2 @@\n m: line 1\n-m: old line 2\n-m: old line 3\n+m: new line 2" {
		t.Errorf("hunk up to RIGHT 2 = %q", got)
	}
}

func TestPushCommand(t *testing.T) {
	h := setup(t)
	tests := []struct {
		cmd     string
		wantErr string
	}{
		{"push octocat/hello", "usage: push OWNER/NAME BRANCH"},
		{"push ghost/x b a.go", "no repository ghost/x"},
		{"push octocat/hello b a.go:+x", `"+x" is not a line count`},
		{"push octocat/hello b a.go:renamed", `neither added, removed, modified nor a line count`},
		{"pulls ghost/x", "no repository"},
	}
	for _, tt := range tests {
		if _, err := h.srv.Command(strings.Fields(tt.cmd)); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: err = %v, want %q", tt.cmd, err, tt.wantErr)
		}
	}
	sha, err := h.srv.Command(strings.Fields("push octocat/hello topic new.go:added:+4 old.go:removed README.md:+2:-1 main.go"))
	if err != nil || len(sha) != 41 {
		t.Fatalf("push = %q, %v", sha, err)
	}
	h.srv.mu.Lock()
	got := h.srv.pulls["octocat/hello"].branches["topic"].files
	h.srv.mu.Unlock()
	want := []FileChange{
		{Path: "new.go", Status: "added", Additions: 4},
		{Path: "old.go", Status: "removed", Deletions: 1},
		{Path: "README.md", Status: "modified", Additions: 2, Deletions: 1},
		{Path: "main.go", Status: "modified", Additions: 1, Deletions: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	again, _ := h.srv.Command(strings.Fields("push octocat/hello topic main.go:+3"))
	if again == sha {
		t.Error("a second push made the same SHA")
	}
	if out, err := h.srv.Command([]string{"pulls", "octocat/hello"}); out != "" || err != nil {
		t.Errorf("pulls with none = %q, %v", out, err)
	}
}
