package tools

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// headSHA is the head of pull request octo/hello#1347 in testdata/github.
const headSHA = "6dcb09b5b57875f334f61aebed695e2e4193db5e"

// header checks one request header.
func header(name, want string) func(t *testing.T, body []byte, r *http.Request) {
	return func(t *testing.T, body []byte, r *http.Request) {
		t.Helper()
		if got := r.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

// wantError calls a tool and checks that it fails with every one of want.
func callWantError(t *testing.T, d toolkit.Deps, tool, args string, want ...string) {
	t.Helper()
	wantErrorText(t, call(t, d, tool, args), want...)
}

// structured calls a tool, fails on an error result, and decodes its
// structured content into out.
func structured(t *testing.T, d toolkit.Deps, tool, args string, out any) string {
	t.Helper()
	res := call(t, d, tool, args)
	if res.IsError {
		t.Fatalf("unexpected error: %s", resultText(t, res))
	}
	b, err := json.Marshal(res.StructuredContent)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
	return resultText(t, res)
}

func TestListPullRequests(t *testing.T) {
	tests := []struct {
		name      string
		args      string
		wantQuery string
	}{
		{
			name:      "defaults ask for the first small page",
			args:      `{"owner":"octo","repo":"hello"}`,
			wantQuery: "state=open&page=1&per_page=20",
		},
		{
			name:      "a bare head branch is qualified with the owner",
			args:      `{"owner":"octo","repo":"hello","state":"closed","head":"new-topic","base":"main","sort":"updated","page":2,"per_page":5}`,
			wantQuery: "state=closed&head=octo:new-topic&base=main&sort=updated&page=2&per_page=5",
		},
		{
			name:      "a fork's head is sent as given",
			args:      `{"owner":"octo","repo":"hello","head":"hubot:patch-1"}`,
			wantQuery: "state=open&head=hubot:patch-1&page=1&per_page=20",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			s := f.on("GET", "/repos/octo/hello/pulls", 200, readTestdata(t, "pulls.json"), query(tt.wantQuery))
			s.header = map[string]string{"Link": `<https://api.github.test/repositories/1296269/pulls?page=3>; rel="next"`}
			var got PullRequestList
			structured(t, f.deps(testToken), "list_pull_requests", tt.args, &got)
			want := PullRequestList{
				PullRequests: []PullRequestSummary{
					{Number: 1347, Title: "Amazing new feature", State: "open", Author: "hubot", Head: "new-topic", Base: "main", UpdatedAt: "2026-11-27T08:30:00Z"},
					{Number: 1346, Title: "Fix the build", State: "closed", Merged: true, Author: "hubot", Head: "fix-build", Base: "main", UpdatedAt: "2026-11-27T08:30:00Z"},
				},
				NextPage: 3,
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestListPullRequestsErrors(t *testing.T) {
	t.Run("a missing repository may be one the token cannot see", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/pulls", 404, `{"message":"Not Found"}`, nil)
		callWantError(t, f.deps(testToken), "list_pull_requests", `{"owner":"octo","repo":"hello"}`,
			"list pull requests of octo/hello: not found (404", "token may lack access")
	})
	for name, args := range map[string]string{
		"a head with a space":    `{"owner":"octo","repo":"hello","head":"my branch"}`,
		"a head with a bad user": `{"owner":"octo","repo":"hello","head":"-x:patch"}`,
		"a base with ..":         `{"owner":"octo","repo":"hello","base":"a..b"}`,
		"an unknown state":       `{"owner":"octo","repo":"hello","state":"merged"}`,
	} {
		t.Run(name+" is refused before any request", func(t *testing.T) {
			f := newFakeGitHub(t)
			callWantError(t, f.deps(testToken), "list_pull_requests", args, "invalid argument")
		})
	}
}

func TestGetPullRequest(t *testing.T) {
	f := newFakeGitHub(t)
	raw := readTestdata(t, "pull.json")
	f.on("GET", "/repos/octo/hello/pulls/1347", 200, raw, nil)
	var got PullRequest
	text := structured(t, f.deps(testToken), "get_pull_request", `{"owner":"octo","repo":"hello","number":1347}`, &got)
	yes := true
	want := PullRequest{
		Number:             1347,
		Title:              "Amazing new feature",
		State:              "open",
		Mergeable:          &yes,
		MergeableState:     "clean",
		Author:             "hubot",
		Head:               "new-topic",
		HeadSHA:            headSHA,
		Base:               "main",
		Body:               "Please pull these awesome changes in!\n\nFixes #1300. Adds a greeting and documents it.",
		Labels:             []string{"bug"},
		RequestedReviewers: []string{"monalisa"},
		Commits:            3,
		Additions:          100,
		Deletions:          3,
		ChangedFiles:       5,
		HTMLURL:            "https://github.com/octo/hello/pull/1347",
		CreatedAt:          "2026-11-20T19:01:12Z",
		UpdatedAt:          "2026-11-27T08:30:00Z",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	size := compactSize(t, raw)
	t.Logf("result %d bytes for GitHub's %d bytes (%.1f%%)", len(text), size, 100*float64(len(text))/float64(size))
	if len(text)*4 > size {
		t.Errorf("result is %d bytes, more than 25%% of GitHub's %d", len(text), size)
	}
}

func TestGetPullRequestErrors(t *testing.T) {
	t.Run("a missing pull request names it", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/pulls/9", 404, `{"message":"Not Found"}`, nil)
		callWantError(t, f.deps(testToken), "get_pull_request", `{"owner":"octo","repo":"hello","number":9}`,
			"get pull request octo/hello#9: not found (404")
	})
	t.Run("a missing number is refused before any request", func(t *testing.T) {
		f := newFakeGitHub(t)
		callWantError(t, f.deps(testToken), "get_pull_request", `{"owner":"octo","repo":"hello"}`,
			`invalid argument "number": is missing or 0; it must be at least 1`)
	})
	t.Run("a number as a string is refused", func(t *testing.T) {
		f := newFakeGitHub(t)
		callWantError(t, f.deps(testToken), "get_pull_request", `{"owner":"octo","repo":"hello","number":"#3"}`,
			`invalid argument "number": must be an integer, got string`)
	})
}

func TestGetPullRequestFiles(t *testing.T) {
	f := newFakeGitHub(t)
	raw := readTestdata(t, "pull_files.json")
	s := f.on("GET", "/repos/octo/hello/pulls/1347/files", 200, raw, query("page=2&per_page=6"))
	s.header = map[string]string{"Link": `<https://api.github.test/repositories/1296269/pulls/1347/files?page=3&per_page=6>; rel="next"`}
	var got PullRequestFiles
	structured(t, f.deps(testToken), "get_pull_request_files", `{"owner":"octo","repo":"hello","number":1347,"page":2,"per_page":6}`, &got)

	var gh []struct{ Patch string }
	if err := json.Unmarshal([]byte(raw), &gh); err != nil {
		t.Fatal(err)
	}
	if len(got.Files) != 6 {
		t.Fatalf("got %d files, want 6", len(got.Files))
	}
	long := got.Files[2]
	if !long.Truncated || long.NextOffset != len(long.Patch) || len(long.Patch) > patchCap || !strings.HasPrefix(gh[2].Patch, string(long.Patch)) || !strings.HasSuffix(string(long.Patch), "\n") {
		t.Errorf("long patch: truncated=%v next_offset=%d len=%d; want it cut at a line end under %d bytes, next_offset its length", long.Truncated, long.NextOffset, len(long.Patch), patchCap)
	}
	long.Patch = ""
	want := []PullRequestFile{
		{Path: "greet/greet.go", Status: "added", Additions: 12, Patch: toolkit.UntrustedCode(gh[0].Patch)},
		{Path: "README.md", Status: "modified", Additions: 2, Deletions: 1, Patch: toolkit.UntrustedCode(gh[1].Patch)},
		{Path: "docs/long.go", Status: "modified", Additions: 200, Deletions: 1, Truncated: true, NextOffset: long.NextOffset},
		{Path: "assets/logo.png", Status: "added"},
		{Path: "data/big.json", Status: "modified", Additions: 2000, Truncated: true},
		{Path: "cmd/hello/main.go", PreviousPath: "main.go", Status: "renamed"},
	}
	got.Files[2] = long
	if diff := cmp.Diff(want, got.Files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	if got.NextPage != 3 || got.HeadSHA != headSHA {
		t.Errorf("next_page = %d, head_sha = %q; want 3, %q", got.NextPage, got.HeadSHA, headSHA)
	}
}

func TestGetPullRequestFilesOnePath(t *testing.T) {
	diff := readTestdata(t, "pull.diff")
	var files []struct{ Filename, Patch string }
	if err := json.Unmarshal([]byte(readTestdata(t, "pull_files.json")), &files); err != nil {
		t.Fatal(err)
	}
	acceptDiff := header("Accept", "application/vnd.github.v3.diff")
	tests := []struct {
		name string
		args string
		want PullRequestFile
	}{
		{
			name: "a cut patch goes on where the list stopped",
			args: `{"owner":"octo","repo":"hello","number":1347,"path":"docs/long.go","offset":2900}`,
			want: PullRequestFile{Path: "docs/long.go", Status: "modified", Additions: 200, Deletions: 1, Patch: toolkit.UntrustedCode(files[2].Patch[2900:])},
		},
		{
			name: "a new file is read whole",
			args: `{"owner":"octo","repo":"hello","number":1347,"path":"greet/greet.go"}`,
			want: PullRequestFile{Path: "greet/greet.go", Status: "added", Additions: 12, Patch: toolkit.UntrustedCode(files[0].Patch)},
		},
		{
			name: "a binary file says so",
			args: `{"owner":"octo","repo":"hello","number":1347,"path":"assets/logo.png"}`,
			want: PullRequestFile{Path: "assets/logo.png", Status: "added", Patch: "new file mode 100644\nindex 0000000..8e3c2a1\nBinary files /dev/null and b/assets/logo.png differ"},
		},
		{
			name: "a rename names the old path",
			args: `{"owner":"octo","repo":"hello","number":1347,"path":"cmd/hello/main.go"}`,
			want: PullRequestFile{Path: "cmd/hello/main.go", PreviousPath: "main.go", Status: "renamed", Patch: "similarity index 100%\nrename from main.go\nrename to cmd/hello/main.go"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("GET", "/repos/octo/hello/pulls/1347", 200, diff, acceptDiff)
			var got PullRequestFiles
			structured(t, f.deps(testToken), "get_pull_request_files", tt.args, &got)
			if diff := cmp.Diff(PullRequestFiles{Files: []PullRequestFile{tt.want}}, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("a patch larger than a chunk is read in chunks that join up", func(t *testing.T) {
		f := newFakeGitHub(t)
		var whole strings.Builder
		offset := 0
		for i := 0; ; i++ {
			f.on("GET", "/repos/octo/hello/pulls/1347", 200, diff, acceptDiff)
			var got PullRequestFiles
			structured(t, f.deps(testToken), "get_pull_request_files", `{"owner":"octo","repo":"hello","number":1347,"path":"data/big.json","offset":`+itoa(offset)+`}`, &got)
			file := got.Files[0]
			if len(file.Patch) > diffChunk {
				t.Fatalf("chunk %d is %d bytes, more than %d", i, len(file.Patch), diffChunk)
			}
			whole.WriteString(string(file.Patch))
			if !file.Truncated {
				break
			}
			if file.NextOffset != offset+len(file.Patch) {
				t.Fatalf("chunk %d: next_offset %d, want %d", i, file.NextOffset, offset+len(file.Patch))
			}
			offset = file.NextOffset
			if i > 5 {
				t.Fatal("too many chunks")
			}
		}
		start := strings.Index(diff, "@@ -1,1 +1,2001 @@")
		end := strings.Index(diff, "\ndiff --git a/main.go")
		if whole.String() != diff[start:end] {
			t.Errorf("the chunks do not join up to the patch (%d bytes, want %d)", whole.Len(), end-start)
		}
	})
}

// itoa formats an int for hand-built JSON.
func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestGetPullRequestFilesErrors(t *testing.T) {
	t.Run("a path the pull request does not change", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/pulls/1347", 200, readTestdata(t, "pull.diff"), nil)
		callWantError(t, f.deps(testToken), "get_pull_request_files", `{"owner":"octo","repo":"hello","number":1347,"path":"nope.go"}`,
			"get the patch of nope.go in pull request octo/hello#1347: nope.go is not among the files this pull request changes; list them by calling without path")
	})
	t.Run("an offset past the end", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/pulls/1347", 200, readTestdata(t, "pull.diff"), nil)
		callWantError(t, f.deps(testToken), "get_pull_request_files", `{"owner":"octo","repo":"hello","number":1347,"path":"README.md","offset":5000}`,
			`invalid argument "offset": is 5000, past the end of the patch (`)
	})
	t.Run("a diff too large for GitHub", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/pulls/1347", 406, `{"message":"Sorry, the diff exceeded the maximum number of lines (20000)","errors":[{"resource":"PullRequest","field":"diff","code":"too_large"}]}`, nil)
		callWantError(t, f.deps(testToken), "get_pull_request_files", `{"owner":"octo","repo":"hello","number":1347,"path":"README.md"}`,
			"GitHub does not render diffs this large (406: Sorry, the diff exceeded the maximum number of lines (20000)); read the file itself at head_sha")
	})
	for name, args := range map[string]string{
		"an offset without a path": `{"owner":"octo","repo":"hello","number":1347,"offset":10}`,
		"a negative offset":        `{"owner":"octo","repo":"hello","number":1347,"path":"a.go","offset":-1}`,
		"an absolute path":         `{"owner":"octo","repo":"hello","number":1347,"path":"/etc/passwd"}`,
		"a path with ..":           `{"owner":"octo","repo":"hello","number":1347,"path":"a/../../b"}`,
	} {
		t.Run(name+" is refused before any request", func(t *testing.T) {
			f := newFakeGitHub(t)
			callWantError(t, f.deps(testToken), "get_pull_request_files", args, "invalid argument")
		})
	}
}

func TestListPullRequestReviews(t *testing.T) {
	t.Run("reviews, with long bodies cut", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/pulls/1347/reviews", 200, readTestdata(t, "pull_reviews.json"), query("page=1&per_page=20"))
		var got ReviewList
		structured(t, f.deps(testToken), "list_pull_request_reviews", `{"owner":"octo","repo":"hello","number":1347}`, &got)
		if len(got.Reviews) != 2 || len(got.Comments) != 0 {
			t.Fatalf("got %d reviews and %d comments, want 2 and 0", len(got.Reviews), len(got.Comments))
		}
		long := got.Reviews[1]
		if !long.Truncated || len(long.Body) != reviewBodyCap {
			t.Errorf("long body: truncated=%v, %d bytes; want it cut at %d", long.Truncated, len(long.Body), reviewBodyCap)
		}
		long.Body = ""
		want := []Review{
			{ID: 80, Author: "monalisa", State: "CHANGES_REQUESTED", Body: "The greeting needs a test.", CommitID: "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091", SubmittedAt: "2026-11-21T09:00:00Z"},
			{ID: 81, Author: "monalisa", State: "APPROVED", Truncated: true, CommitID: "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091", SubmittedAt: "2026-11-22T09:00:00Z"},
		}
		got.Reviews[1] = long
		if diff := cmp.Diff(want, got.Reviews); diff != "" {
			t.Errorf("reviews (-want +got):\n%s", diff)
		}
	})
	t.Run("one review at a time comes whole", func(t *testing.T) {
		f := newFakeGitHub(t)
		var all []json.RawMessage
		if err := json.Unmarshal([]byte(readTestdata(t, "pull_reviews.json")), &all); err != nil {
			t.Fatal(err)
		}
		f.on("GET", "/repos/octo/hello/pulls/1347/reviews", 200, "["+string(all[1])+"]", query("page=2&per_page=1"))
		var got ReviewList
		structured(t, f.deps(testToken), "list_pull_request_reviews", `{"owner":"octo","repo":"hello","number":1347,"page":2,"per_page":1}`, &got)
		if r := got.Reviews[0]; r.Truncated || len(r.Body) != len("Looks good now. ")+4100 {
			t.Errorf("truncated=%v, %d bytes; want the whole body", r.Truncated, len(r.Body))
		}
	})
	t.Run("line comments", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/pulls/1347/comments", 200, readTestdata(t, "pull_comments.json"), query("page=1&per_page=20"))
		var got ReviewList
		structured(t, f.deps(testToken), "list_pull_request_reviews", `{"owner":"octo","repo":"hello","number":1347,"comments":true}`, &got)
		want := ReviewList{Comments: []ReviewComment{
			{ID: 10, ReviewID: 80, Author: "monalisa", Path: "greet/greet.go", Line: 7, Side: "RIGHT", Body: "Handle the empty name in a test too.", CommitID: "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091", CreatedAt: "2026-11-21T09:00:00Z"},
			{ID: 11, ReviewID: 81, InReplyTo: 10, Author: "hubot", Path: "greet/greet.go", Side: "RIGHT", Body: "Done in the next commit.", CommitID: "ecdd80bb57125d7ba9641ffaa4d7d2c19d3f3091", CreatedAt: "2026-11-21T09:00:00Z"},
		}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
	})
	t.Run("a missing pull request", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/pulls/9/comments", 404, `{"message":"Not Found"}`, nil)
		callWantError(t, f.deps(testToken), "list_pull_request_reviews", `{"owner":"octo","repo":"hello","number":9,"comments":true}`,
			"list review comments of pull request octo/hello#9: not found (404")
	})
}

func TestCreatePullRequest(t *testing.T) {
	tests := []struct {
		name     string
		args     string
		wantBody string
	}{
		{
			name:     "the required fields only",
			args:     `{"owner":"octo","repo":"hello","title":"Amazing new feature","head":"new-topic","base":"main"}`,
			wantBody: `{"title":"Amazing new feature","head":"new-topic","base":"main"}`,
		},
		{
			name:     "every field, from a fork",
			args:     `{"owner":"octo","repo":"hello","title":"Amazing new feature","head":"hubot:new-topic","base":"main","body":"Please pull.","draft":true,"maintainer_can_modify":false}`,
			wantBody: `{"title":"Amazing new feature","head":"hubot:new-topic","base":"main","body":"Please pull.","draft":true,"maintainer_can_modify":false}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("POST", "/repos/octo/hello/pulls", 201, readTestdata(t, "pull.json"), jsonBody(tt.wantBody))
			var got PullRequestRef
			structured(t, f.deps(testToken), "create_pull_request", tt.args, &got)
			want := PullRequestRef{Number: 1347, HTMLURL: "https://github.com/octo/hello/pull/1347", State: "open", HeadSHA: headSHA}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCreatePullRequestErrors(t *testing.T) {
	args := `{"owner":"octo","repo":"hello","title":"T","head":"new-topic","base":"main"}`
	tests := []struct {
		name   string
		status int
		body   string
		open   string // the open pull requests of the head
		want   []string
	}{
		{
			name:   "an open pull request for the branch already exists",
			status: 422,
			body:   `{"message":"Validation Failed","errors":[{"resource":"PullRequest","code":"custom","message":"A pull request already exists for octo:new-topic."}]}`,
			open:   `[{"number":1347,"html_url":"https://github.com/octo/hello/pull/1347"}]`,
			want:   []string{"create pull request in octo/hello: pull request #1347 (https://github.com/octo/hello/pull/1347) is already open for new-topic into main (422: Validation Failed: A pull request already exists for octo:new-topic.). Change it with update_pull_request"},
		},
		{
			name:   "the head branch does not exist",
			status: 422,
			body:   `{"message":"Validation Failed","errors":[{"resource":"PullRequest","field":"head","code":"invalid"}]}`,
			open:   `[]`,
			want:   []string{"head is invalid"},
		},
		{
			name:   "nothing to merge",
			status: 422,
			body:   `{"message":"Validation Failed","errors":[{"resource":"PullRequest","code":"custom","message":"No commits between main and new-topic"}]}`,
			open:   `[]`,
			want:   []string{"No commits between main and new-topic"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("POST", "/repos/octo/hello/pulls", tt.status, tt.body, nil)
			// A 422 looks for an open pull request of the same head.
			f.on("GET", "/repos/octo/hello/pulls", 200, tt.open, query("state=open&head=octo:new-topic&base=main&per_page=1"))
			callWantError(t, f.deps(testToken), "create_pull_request", args, tt.want...)
		})
	}
	for name, tc := range map[string]struct{ args, want string }{
		"an empty title":        {`{"owner":"octo","repo":"hello","title":"","head":"a","base":"main"}`, `invalid argument "title": must not be empty`},
		"an over-long title":    {`{"owner":"octo","repo":"hello","title":"` + strings.Repeat("t", 257) + `","head":"a","base":"main"}`, `has 257 characters; GitHub accepts at most 256`},
		"a missing head":        {`{"owner":"octo","repo":"hello","title":"T","base":"main"}`, `invalid argument "head": is required; give a value`},
		"a head with a space":   {`{"owner":"octo","repo":"hello","title":"T","head":"my branch","base":"main"}`, `invalid argument "head"`},
		"a head with two users": {`{"owner":"octo","repo":"hello","title":"T","head":"a:b:c","base":"main"}`, `invalid argument "head"`},
		"a missing base":        {`{"owner":"octo","repo":"hello","title":"T","head":"a"}`, `invalid argument "base": is required; give a value`},
	} {
		t.Run(name+" is refused before any request", func(t *testing.T) {
			f := newFakeGitHub(t)
			callWantError(t, f.deps(testToken), "create_pull_request", tc.args, tc.want)
		})
	}
}

func TestSubmitPullRequestReview(t *testing.T) {
	tests := []struct {
		name     string
		args     string
		wantBody string
	}{
		{
			name:     "an approval needs no text",
			args:     `{"owner":"octo","repo":"hello","number":1347,"event":"APPROVE"}`,
			wantBody: `{"event":"APPROVE"}`,
		},
		{
			name:     "an approval with a line comment on the head it read",
			args:     `{"owner":"octo","repo":"hello","number":1347,"event":"APPROVE","body":"Ship it","commit_id":"` + headSHA + `","comments":[{"path":"greet/greet.go","line":7,"body":"Nice default."},{"path":"README.md","line":3,"side":"LEFT","body":"Good riddance."}]}`,
			wantBody: `{"event":"APPROVE","body":"Ship it","commit_id":"` + headSHA + `","comments":[{"path":"greet/greet.go","line":7,"side":"RIGHT","body":"Nice default."},{"path":"README.md","line":3,"side":"LEFT","body":"Good riddance."}]}`,
		},
		{
			name:     "a comment-only review of line comments",
			args:     `{"owner":"octo","repo":"hello","number":1347,"event":"COMMENT","comments":[{"path":"greet/greet.go","line":1,"body":"Why?"}]}`,
			wantBody: `{"event":"COMMENT","comments":[{"path":"greet/greet.go","line":1,"side":"RIGHT","body":"Why?"}]}`,
		},
		{
			name:     "a comment on several lines starts on the same side",
			args:     `{"owner":"octo","repo":"hello","number":1347,"event":"COMMENT","comments":[{"path":"greet/greet.go","start_line":2,"line":4,"side":"LEFT","body":"These three."}]}`,
			wantBody: `{"event":"COMMENT","comments":[{"path":"greet/greet.go","line":4,"side":"LEFT","start_line":2,"start_side":"LEFT","body":"These three."}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("POST", "/repos/octo/hello/pulls/1347/reviews", 200, readTestdata(t, "pull_review.json"), jsonBody(tt.wantBody))
			var got ReviewRef
			structured(t, f.deps(testToken), "submit_pull_request_review", tt.args, &got)
			if diff := cmp.Diff(ReviewRef{ID: 82, State: "APPROVED", CommitID: headSHA}, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSubmitPullRequestReviewErrors(t *testing.T) {
	t.Run("approving one's own pull request says to COMMENT instead", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("POST", "/repos/octo/hello/pulls/1347/reviews", 422, `{"message":"Unprocessable Entity","errors":["Can not approve your own pull request"],"documentation_url":"https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request","status":"422"}`, nil)
		f.on("GET", "/repos/octo/hello/pulls/1347", 200, readTestdata(t, "pull.json"), nil)
		f.on("GET", "/user", 200, `{"login":"hubot"}`, nil)
		res := call(t, f.deps(testToken), "submit_pull_request_review", `{"owner":"octo","repo":"hello","number":1347,"event":"APPROVE"}`)
		want := "review pull request octo/hello#1347: hubot opened this pull request, and GitHub lets an author neither approve nor request changes on their own (422: Unprocessable Entity: Can not approve your own pull request). Submit the review with event COMMENT instead"
		if got := resultText(t, res); !res.IsError || got != want {
			t.Errorf("got %q\nwant %q", got, want)
		}
	})
	t.Run("another 422 on someone else's pull request relays GitHub's reason", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("POST", "/repos/octo/hello/pulls/1347/reviews", 422, `{"message":"Unprocessable Entity","errors":["Pull request is closed"]}`, nil)
		f.on("GET", "/repos/octo/hello/pulls/1347", 200, readTestdata(t, "pull.json"), nil)
		f.on("GET", "/user", 200, `{"login":"octocat"}`, nil)
		callWantError(t, f.deps(testToken), "submit_pull_request_review", `{"owner":"octo","repo":"hello","number":1347,"event":"APPROVE"}`,
			"review pull request octo/hello#1347: GitHub rejected the input (422 Unprocessable Entity): Pull request is closed")
	})
	t.Run("a line outside the diff", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("POST", "/repos/octo/hello/pulls/1347/reviews", 422, `{"message":"Unprocessable Entity","errors":["Pull request review thread line must be part of the diff"]}`, nil)
		callWantError(t, f.deps(testToken), "submit_pull_request_review", `{"owner":"octo","repo":"hello","number":1347,"event":"COMMENT","comments":[{"path":"a.go","line":999,"body":"x"}]}`,
			"Pull request review thread line must be part of the diff")
	})
	for name, tc := range map[string]struct{ args, want string }{
		"a missing event":                 {`{"owner":"octo","repo":"hello","number":1,"body":"x"}`, `invalid argument "event": got ""; it must be one of APPROVE, REQUEST_CHANGES, COMMENT`},
		"an unknown event":                {`{"owner":"octo","repo":"hello","number":1,"event":"MERGE"}`, `invalid argument "event": got "MERGE"; it must be one of APPROVE, REQUEST_CHANGES, COMMENT`},
		"changes requested without a why": {`{"owner":"octo","repo":"hello","number":1,"event":"REQUEST_CHANGES"}`, `invalid argument "body": is required with REQUEST_CHANGES`},
		"an empty comment":                {`{"owner":"octo","repo":"hello","number":1,"event":"COMMENT"}`, `invalid argument "body": is required with COMMENT unless there are line comments`},
		"a line comment without a line":   {`{"owner":"octo","repo":"hello","number":1,"event":"COMMENT","comments":[{"path":"a.go","body":"x"}]}`, `invalid argument "comments[0].line": is missing or 0; it must be at least 1`},
		"a line comment on an odd path":   {`{"owner":"octo","repo":"hello","number":1,"event":"COMMENT","comments":[{"path":"a.go","line":1,"body":"x"},{"path":"/a.go","line":1,"body":"x"}]}`, `invalid argument "comments[1].path"`},
		"a line comment on a bad side":    {`{"owner":"octo","repo":"hello","number":1,"event":"COMMENT","comments":[{"path":"a.go","line":1,"side":"BOTH","body":"x"}]}`, `invalid argument "comments[0].side": got "BOTH"; it must be one of LEFT, RIGHT`},
		"a start line after the line":     {`{"owner":"octo","repo":"hello","number":1,"event":"COMMENT","comments":[{"path":"a.go","start_line":5,"line":5,"body":"x"}]}`, `invalid argument "comments[0].start_line": is 5; it must be before line (5)`},
		"a blank line comment":            {`{"owner":"octo","repo":"hello","number":1,"event":"COMMENT","comments":[{"path":"a.go","line":1,"body":" "}]}`, `invalid argument "comments[0].body": must not be empty`},
		"a commit id that is no SHA":      {`{"owner":"octo","repo":"hello","number":1,"event":"APPROVE","commit_id":"main"}`, `invalid argument "commit_id": got "main", which is not a commit SHA`},
	} {
		t.Run(name+" is refused before any request", func(t *testing.T) {
			f := newFakeGitHub(t)
			callWantError(t, f.deps(testToken), "submit_pull_request_review", tc.args, tc.want)
		})
	}
}

func TestUpdatePullRequest(t *testing.T) {
	tests := []struct {
		name     string
		args     string
		wantBody string
	}{
		{
			name:     "closing sends only the state",
			args:     `{"owner":"octo","repo":"hello","number":1347,"state":"closed"}`,
			wantBody: `{"state":"closed"}`,
		},
		{
			name:     "retitling and rebasing send only those",
			args:     `{"owner":"octo","repo":"hello","number":1347,"title":"Better title","body":"New body","base":"develop"}`,
			wantBody: `{"title":"Better title","body":"New body","base":"develop"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("PATCH", "/repos/octo/hello/pulls/1347", 200, readTestdata(t, "pull.json"), jsonBody(tt.wantBody))
			var got PullRequestRef
			structured(t, f.deps(testToken), "update_pull_request", tt.args, &got)
			want := PullRequestRef{Number: 1347, HTMLURL: "https://github.com/octo/hello/pull/1347", State: "open", HeadSHA: headSHA}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUpdatePullRequestErrors(t *testing.T) {
	t.Run("a base branch that does not exist", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("PATCH", "/repos/octo/hello/pulls/1347", 422, `{"message":"Validation Failed","errors":[{"resource":"PullRequest","field":"base","code":"invalid"}]}`, nil)
		callWantError(t, f.deps(testToken), "update_pull_request", `{"owner":"octo","repo":"hello","number":1347,"base":"nope"}`,
			"update pull request octo/hello#1347: GitHub rejected the input (422 Validation Failed): PullRequest base is invalid. Fix those arguments")
	})
	for name, tc := range map[string]struct{ args, want string }{
		"nothing to change":           {`{"owner":"octo","repo":"hello","number":1}`, `nothing to change: give at least one of title, body, state, base`},
		"a new base while closing":    {`{"owner":"octo","repo":"hello","number":1,"state":"closed","base":"dev"}`, `invalid argument "base": cannot change while closing`},
		"a state GitHub does not set": {`{"owner":"octo","repo":"hello","number":1,"state":"merged"}`, `invalid argument "state": got "merged"; it must be one of open, closed`},
		"draft is not offered":        {`{"owner":"octo","repo":"hello","number":1,"draft":false}`, `invalid argument "draft": is not an argument of this tool`},
	} {
		t.Run(name+" is refused before any request", func(t *testing.T) {
			f := newFakeGitHub(t)
			callWantError(t, f.deps(testToken), "update_pull_request", tc.args, tc.want)
		})
	}
}

func TestMergePullRequest(t *testing.T) {
	tests := []struct {
		name     string
		args     string
		wantBody string
	}{
		{
			name:     "no options sends the default merge method",
			args:     `{"owner":"octo","repo":"hello","number":1347}`,
			wantBody: `{"merge_method":"merge"}`,
		},
		{
			name:     "the expected head travels as sha",
			args:     `{"owner":"octo","repo":"hello","number":1347,"merge_method":"squash","commit_title":"Amazing new feature (#1347)","commit_message":"Adds a greeting.","expected_head_sha":"` + headSHA + `"}`,
			wantBody: `{"merge_method":"squash","commit_title":"Amazing new feature (#1347)","commit_message":"Adds a greeting.","sha":"` + headSHA + `"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("PUT", "/repos/octo/hello/pulls/1347/merge", 200, `{"sha":"6dcb09b5b57875f334f61aebed695e2e4193db5e","merged":true,"message":"Pull Request successfully merged"}`, jsonBody(tt.wantBody))
			var got MergeResult
			structured(t, f.deps(testToken), "merge_pull_request", tt.args, &got)
			if diff := cmp.Diff(MergeResult{Merged: true, SHA: headSHA}, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMergePullRequestErrors(t *testing.T) {
	args := `{"owner":"octo","repo":"hello","number":1347,"expected_head_sha":"` + headSHA + `"}`
	tests := []struct {
		name   string
		status int
		body   string
		pull   string // the pull request read again after a 405
		want   []string
	}{
		{
			name:   "a head that moved since it was read",
			status: 409,
			body:   `{"message":"Head branch was modified. Review and try the merge again.","documentation_url":"https://docs.github.com/rest/pulls/pulls#merge-a-pull-request","status":"409"}`,
			want:   []string{"merge pull request octo/hello#1347: the head moved since you read it (409: Head branch was modified. Review and try the merge again.). Nothing was merged. Read the pull request again with get_pull_request", "expected_head_sha set to the new head_sha"},
		},
		{
			name:   "a pull request that cannot merge says where to look",
			status: 405,
			body:   `{"message":"Pull Request is not mergeable","documentation_url":"https://docs.github.com/rest/pulls/pulls#merge-a-pull-request","status":"405"}`,
			pull:   `{"number":1347,"state":"open","mergeable_state":"dirty"}`,
			want:   []string{"merge pull request octo/hello#1347: not mergeable (405: Pull Request is not mergeable). Nothing was merged. get_pull_request shows why: mergeable_state dirty = conflicts"},
		},
		{
			name:   "a draft names the tool that marks it ready",
			status: 405,
			body:   `{"message":"Pull Request is still a draft"}`,
			pull:   `{"number":1347,"state":"open","draft":true}`,
			want:   []string{"merge pull request octo/hello#1347: it is a draft (405: Pull Request is still a draft). Mark it ready with mark_ready_for_review, then merge"},
		},
		{
			name:   "a merged pull request gives its merge commit",
			status: 405,
			body:   `{"message":"Pull Request is not mergeable"}`,
			pull:   `{"number":1347,"state":"closed","merged":true,"merge_commit_sha":"e5bd3914e2e596debea16f433f57875b5b90bcd6"}`,
			want:   []string{"merge pull request octo/hello#1347: it is already merged (405: Pull Request is not mergeable): its merge commit is e5bd3914e2e596debea16f433f57875b5b90bcd6. Nothing more to do"},
		},
		{
			name:   "a closed pull request",
			status: 405,
			body:   `{"message":"Pull Request is not mergeable"}`,
			pull:   `{"number":1347,"state":"closed"}`,
			want:   []string{"it is closed (405: Pull Request is not mergeable). Reopen it with update_pull_request state=open"},
		},
		{
			name:   "a missing pull request",
			status: 404,
			body:   `{"message":"Not Found"}`,
			want:   []string{"merge pull request octo/hello#1347: not found (404", "token may lack access"},
		},
		{
			name:   "a token without write access",
			status: 403,
			body:   `{"message":"Resource not accessible by personal access token"}`,
			want:   []string{"forbidden (403: Resource not accessible by personal access token)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("PUT", "/repos/octo/hello/pulls/1347/merge", tt.status, tt.body, nil)
			if tt.pull != "" {
				f.on("GET", "/repos/octo/hello/pulls/1347", 200, tt.pull, nil)
			}
			callWantError(t, f.deps(testToken), "merge_pull_request", args, tt.want...)
		})
	}
	for name, tc := range map[string]struct{ args, want string }{
		"a short expected sha":     {`{"owner":"octo","repo":"hello","number":1,"expected_head_sha":"6dcb09b"}`, `invalid argument "expected_head_sha": must be the full 40-hex-digit head_sha of get_pull_request, got "6dcb09b"`},
		"a branch as expected sha": {`{"owner":"octo","repo":"hello","number":1,"expected_head_sha":"main"}`, `invalid argument "expected_head_sha"`},
		"an unknown merge method":  {`{"owner":"octo","repo":"hello","number":1,"merge_method":"fast-forward"}`, `invalid argument "merge_method": got "fast-forward"; it must be one of merge, squash, rebase`},
		"a missing number":         {`{"owner":"octo","repo":"hello"}`, `invalid argument "number"`},
	} {
		t.Run(name+" is refused before any request", func(t *testing.T) {
			f := newFakeGitHub(t)
			callWantError(t, f.deps(testToken), "merge_pull_request", tc.args, tc.want)
		})
	}
}
