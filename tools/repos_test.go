package tools

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

func TestGetRepositoryDetails(t *testing.T) {
	f := newFakeGitHub(t)
	raw := readTestdata(t, "repo.json")
	f.on("GET", "/repos/octo/hello", 200, raw, nil)

	res := call(t, f.deps(testToken), "get_repository_details", `{"owner":"octo","repo":"hello"}`)
	if res.IsError {
		t.Fatalf("unexpected error: %s", resultText(t, res))
	}
	want := RepositoryDetails{
		FullName:      "octo/hello",
		Description:   "My first repository on GitHub!",
		Visibility:    "public",
		DefaultBranch: "main",
		Stars:         80,
		Forks:         9,
		OpenIssues:    2,
		Topics:        []string{"octocat", "atom", "electron", "api"},
		License:       "MIT",
		Language:      "Go",
		HTMLURL:       "https://github.com/octo/hello",
		PushedAt:      "2026-11-27T08:30:00Z",
	}
	if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
		t.Errorf("structured result (-want +got):\n%s", diff)
	}
	// The text content is the same object, for hosts that only read text.
	var fromText RepositoryDetails
	if err := json.Unmarshal([]byte(resultText(t, res)), &fromText); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, fromText); diff != "" {
		t.Errorf("text result (-want +got):\n%s", diff)
	}
	text := resultText(t, res)
	t.Logf("result %d bytes for GitHub's %d bytes (%.0f%%)", len(text), len(raw), 100*float64(len(text))/float64(len(raw)))
	if len(text)*4 > len(raw) {
		t.Errorf("result is %d bytes, more than 25%% of GitHub's %d", len(text), len(raw))
	}
}

func TestGetRepositoryDetailsErrors(t *testing.T) {
	tests := []struct {
		name   string
		status int
		header map[string]string
		body   string
		want   []string
	}{
		{
			name:   "missing or private repository says the token may lack access",
			status: 404,
			body:   `{"message":"Not Found","documentation_url":"https://docs.github.com/rest/repos/repos#get-a-repository"}`,
			want:   []string{"get repository octo/hello", "not found (404", "Stop and ask the user"},
		},
		{
			name:   "bad credentials says which variable to fix",
			status: 401,
			body:   `{"message":"Bad credentials"}`,
			want:   []string{"GitHub rejected the token", "GITHUB_PERSONAL_ACCESS_TOKEN"},
		},
		{
			name:   "permission denied relays GitHub's message",
			status: 403,
			body:   `{"message":"Resource not accessible by personal access token"}`,
			want:   []string{"forbidden (403: Resource not accessible by personal access token)", "permission"},
		},
		{
			name:   "primary limit spent with a far reset fails fast with the reset time",
			status: 403,
			header: map[string]string{"X-RateLimit-Limit": "5000", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "4102444800", "X-RateLimit-Resource": "core"},
			body:   `{"message":"API rate limit exceeded for user ID 1."}`,
			want:   []string{"GitHub core rate limit exhausted", "2100-01-01T00:00:01Z", "Retry after that time"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			s := f.on("GET", "/repos/octo/hello", tt.status, tt.body, nil)
			s.header = tt.header
			res := call(t, f.deps(testToken), "get_repository_details", `{"owner":"octo","repo":"hello"}`)
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

func TestRetriedReadSucceeds(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/repos/octo/hello", http.StatusBadGateway, `{"message":"Server Error"}`, nil)
	f.on("GET", "/repos/octo/hello", 200, readTestdata(t, "repo.json"), nil)
	res := call(t, f.deps(testToken), "get_repository_details", `{"owner":"octo","repo":"hello"}`)
	if res.IsError {
		t.Fatalf("a 502 on a read should be retried, got error %s", resultText(t, res))
	}
}

// both runs several request checks.
func both(checks ...func(t *testing.T, body []byte, r *http.Request)) func(t *testing.T, body []byte, r *http.Request) {
	return func(t *testing.T, body []byte, r *http.Request) {
		t.Helper()
		for _, c := range checks {
			c(t, body, r)
		}
	}
}

// wantAccept checks that the Accept header contains media.
func wantAccept(media string) func(t *testing.T, body []byte, r *http.Request) {
	return func(t *testing.T, body []byte, r *http.Request) {
		t.Helper()
		if got := r.Header.Get("Accept"); !strings.Contains(got, media) {
			t.Errorf("%s: Accept = %q, want it to contain %q", r.URL.Path, got, media)
		}
	}
}

// nextLink is a Link header announcing page n.
func nextLink(path string, n int) map[string]string {
	return map[string]string{"Link": fmt.Sprintf(`<https://api.github.test%s?page=%d>; rel="next"`, path, n)}
}

// decodeResult decodes a successful result's text into T.
func decodeResult[T any](t *testing.T, res *mcp.CallToolResult) T {
	t.Helper()
	if res.IsError {
		t.Fatalf("unexpected error: %s", resultText(t, res))
	}
	var out T
	if err := json.Unmarshal([]byte(resultText(t, res)), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// wantError checks that a result is an error containing every string.
func wantError(t *testing.T, res *mcp.CallToolResult, want ...string) {
	t.Helper()
	if !res.IsError {
		t.Fatalf("want an error result, got %s", resultText(t, res))
	}
	text := resultText(t, res)
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("error %q does not contain %q", text, w)
		}
	}
}

// logRatio logs a result's size against GitHub's raw JSON and fails above 25%.
func logRatio(t *testing.T, res *mcp.CallToolResult, raw string) {
	t.Helper()
	text := resultText(t, res)
	t.Logf("result %d bytes for GitHub's %d bytes (%.0f%%)", len(text), len(raw), 100*float64(len(text))/float64(len(raw)))
	if len(text)*4 > len(raw) {
		t.Errorf("result is %d bytes, more than 25%% of GitHub's %d", len(text), len(raw))
	}
}

// errorCase is a GitHub error answer and what the model must be told.
type errorCase struct {
	name   string
	args   string
	status int
	body   string
	want   []string
}

func TestSearchRepositories(t *testing.T) {
	f := newFakeGitHub(t)
	s := f.on("GET", "/search/repositories", 200, readTestdata(t, "search_repositories.json"),
		wantQuery("q=hello+user:octo&sort=stars&order=asc&page=2&per_page=5"))
	s.header = nextLink("/search/repositories", 3)
	res := call(t, f.deps(testToken), "search_repositories", `{"q":"hello user:octo","sort":"stars","order":"asc","page":2,"per_page":5}`)
	got := decodeResult[RepoSearchResult](t, res)
	want := RepoSearchResult{TotalCount: 1, Items: []RepoItem{{
		FullName: "octo/hello", Description: "My first repository on GitHub!", Visibility: "public",
		Stars: 80, Forks: 9, Language: "Go", Topics: []string{"octocat", "api"},
	}}, NextPage: 3}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestSearchRepositoriesErrors(t *testing.T) {
	tests := []errorCase{
		{name: "a bad sort is refused before calling GitHub", args: `{"q":"x","sort":"size"}`, want: []string{`invalid argument "sort"`, "stars, forks, updated"}},
		{name: "a missing q is refused", args: `{}`, want: []string{`invalid argument "q"`}},
		{
			name: "GitHub's validation failure is relayed", args: `{"q":"stars:>>1"}`, status: 422,
			body: `{"message":"Validation Failed","errors":[{"resource":"Search","field":"q","code":"invalid","message":"The search query is malformed"}]}`,
			want: []string{`search repositories for "stars:>>1"`, "q is invalid: The search query is malformed"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			if tt.status != 0 {
				f.on("GET", "/search/repositories", tt.status, tt.body, nil)
			}
			wantError(t, call(t, f.deps(testToken), "search_repositories", tt.args), tt.want...)
		})
	}
}

func TestListBranches(t *testing.T) {
	tests := []struct {
		name, args, query string
	}{
		{name: "all branches, first page by default", args: `{"owner":"octo","repo":"hello"}`, query: "page=1&per_page=20"},
		{name: "protected only", args: `{"owner":"octo","repo":"hello","protected":true,"per_page":50}`, query: "protected=true&page=1&per_page=50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("GET", "/repos/octo/hello/branches", 200, readTestdata(t, "branches.json"), wantQuery(tt.query))
			got := decodeResult[BranchList](t, call(t, f.deps(testToken), "list_branches", tt.args))
			want := BranchList{Branches: []Branch{{Name: "main", SHA: "c9f72a81e35ec4e1e5c72eae949563a1341c06f4"}}}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("a missing repository says the token may lack access", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/gone/branches", 404, `{"message":"Not Found"}`, nil)
		wantError(t, call(t, f.deps(testToken), "list_branches", `{"owner":"octo","repo":"gone"}`), "list branches of octo/gone", "token may lack access")
	})
}

// contentFile is a contents API answer for a file with the given bytes.
func contentFile(path string, data []byte) string {
	b, _ := json.Marshal(map[string]any{
		"type": "file", "encoding": "base64", "size": len(data), "name": path, "path": path,
		"content": base64.StdEncoding.EncodeToString(data), "sha": "3d21ec53a331a6f037a91c368710b99387d012c1",
	})
	return string(b)
}

func TestGetFileContents(t *testing.T) {
	big := strings.Repeat("abcdefghij\n", 7000) // 77,000 bytes
	tests := []struct {
		name  string
		args  string
		path  string // escaped request path
		query string
		body  string
		want  FileContents
	}{
		{
			name: "a text file is decoded, with its blob sha", args: `{"owner":"octo","repo":"hello","path":"main.go","ref":"main"}`,
			path: "/repos/octo/hello/contents/main.go", query: "ref=main", body: readTestdata(t, "content_file.json"),
			want: FileContents{Type: "file", Path: "main.go", SHA: "f7b60bdeb99641f615e9dca036f3b2bd4f7fd501", Size: 74,
				Content: "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"Hello, world!\")\n}\n"},
		},
		{
			name: "the root directory lists names, types and sizes", args: `{"owner":"octo","repo":"hello"}`,
			path: "/repos/octo/hello/contents/", body: readTestdata(t, "content_dir.json"),
			want: FileContents{Type: "dir", Entries: []DirEntry{{Name: "README.md", Type: "file", Size: 40}, {Name: "docs", Type: "dir"}, {Name: "main.go", Type: "file", Size: 74}}},
		},
		{
			name: "a path is escaped segment by segment", args: `{"owner":"octo","repo":"hello","path":"docs/my notes#1.md"}`,
			path: "/repos/octo/hello/contents/docs/my%20notes%231.md", body: contentFile("docs/my notes#1.md", []byte("hi\n")),
			want: FileContents{Type: "file", Path: "docs/my notes#1.md", SHA: "3d21ec53a331a6f037a91c368710b99387d012c1", Size: 3, Content: "hi\n"},
		},
		{
			name: "a file with NUL bytes is reported as binary, without content", args: `{"owner":"octo","repo":"hello","path":"logo.png"}`,
			path: "/repos/octo/hello/contents/logo.png", body: contentFile("logo.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")),
			want: FileContents{Type: "file", Path: "logo.png", SHA: "3d21ec53a331a6f037a91c368710b99387d012c1", Size: 16, Binary: true},
		},
		{
			name: "invalid UTF-8 is binary too", args: `{"owner":"octo","repo":"hello","path":"latin1.txt"}`,
			path: "/repos/octo/hello/contents/latin1.txt", body: contentFile("latin1.txt", []byte("caf\xe9\n")),
			want: FileContents{Type: "file", Path: "latin1.txt", SHA: "3d21ec53a331a6f037a91c368710b99387d012c1", Size: 5, Binary: true},
		},
		{
			name: "a big file is cut at 64 KB with the offset to read on", args: `{"owner":"octo","repo":"hello","path":"big.txt"}`,
			path: "/repos/octo/hello/contents/big.txt", body: contentFile("big.txt", []byte(big)),
			want: FileContents{Type: "file", Path: "big.txt", SHA: "3d21ec53a331a6f037a91c368710b99387d012c1", Size: 77000,
				Content: toolkit.UntrustedCode(big[:65536]), Truncated: true, NextOffset: 65536},
		},
		{
			name: "reading on from next_offset returns the rest", args: `{"owner":"octo","repo":"hello","path":"big.txt","offset":65536}`,
			path: "/repos/octo/hello/contents/big.txt", body: contentFile("big.txt", []byte(big)),
			want: FileContents{Type: "file", Path: "big.txt", SHA: "3d21ec53a331a6f037a91c368710b99387d012c1", Size: 77000, Content: toolkit.UntrustedCode(big[65536:])},
		},
		{
			name: "an offset inside a character starts at the next one", args: `{"owner":"octo","repo":"hello","path":"u.txt","offset":1}`,
			path: "/repos/octo/hello/contents/u.txt", body: contentFile("u.txt", []byte("éa")),
			want: FileContents{Type: "file", Path: "u.txt", SHA: "3d21ec53a331a6f037a91c368710b99387d012c1", Size: 3, Content: "a"},
		},
		{
			name: "a symlink gives its target", args: `{"owner":"octo","repo":"hello","path":"link"}`,
			path: "/repos/octo/hello/contents/link", body: `{"type":"symlink","target":"docs/guide.md","size":13,"name":"link","path":"link","sha":"abc1234"}`,
			want: FileContents{Type: "symlink", Path: "link", SHA: "abc1234", Size: 13, Target: "docs/guide.md"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("GET", tt.path, 200, tt.body, wantQuery(tt.query))
			got := decodeResult[FileContents](t, call(t, f.deps(testToken), "get_file_contents", tt.args))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("a file over 1 MB is fetched as a raw blob", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/contents/huge.txt", 200,
			`{"type":"file","encoding":"none","content":"","size":1048577,"name":"huge.txt","path":"huge.txt","sha":"95b966ae1c166bd92f8ae7d1c313e738c731dfc3"}`, nil)
		f.on("GET", "/repos/octo/hello/git/blobs/95b966ae1c166bd92f8ae7d1c313e738c731dfc3", 200, "line\n", wantAccept("raw"))
		got := decodeResult[FileContents](t, call(t, f.deps(testToken), "get_file_contents", `{"owner":"octo","repo":"hello","path":"huge.txt"}`))
		want := FileContents{Type: "file", Path: "huge.txt", SHA: "95b966ae1c166bd92f8ae7d1c313e738c731dfc3", Size: 5, Content: "line\n"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
	})
}

func TestGetFileContentsErrors(t *testing.T) {
	tests := []errorCase{
		{name: "a path leaving the repository is refused", args: `{"owner":"octo","repo":"hello","path":"docs/../../etc"}`, want: []string{`invalid argument "path"`, "'..'"}},
		{name: "a bad ref is refused", args: `{"owner":"octo","repo":"hello","ref":"main..dev"}`, want: []string{`invalid argument "ref"`, "must not contain '..'"}},
		{
			name: "a missing path says so", args: `{"owner":"octo","repo":"hello","path":"nope.md"}`, status: 404, body: `{"message":"Not Found"}`,
			want: []string{"get nope.md in octo/hello", "not found (404", `path "nope.md" in octo/hello does not exist`},
		},
		{
			name: "an offset past the end names the size", args: `{"owner":"octo","repo":"hello","path":"nope.md","offset":99}`, status: 200, body: contentFile("nope.md", []byte("short\n")),
			want: []string{`invalid argument "offset"`, "past the end of the file (6 bytes)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			if tt.status != 0 {
				f.on("GET", "/repos/octo/hello/contents/nope.md", tt.status, tt.body, nil)
			}
			wantError(t, call(t, f.deps(testToken), "get_file_contents", tt.args), tt.want...)
		})
	}
}

func TestListCommits(t *testing.T) {
	tests := []struct {
		name, args, query string
	}{
		{name: "the default branch, first page", args: `{"owner":"octo","repo":"hello"}`, query: "page=1&per_page=20"},
		{
			name:  "every filter is sent, dates as RFC 3339",
			args:  `{"owner":"octo","repo":"hello","sha":"feature/x","path":"docs/","author":"octocat","since":"2026-05-01","until":"2026-06-01T12:00:00+02:00","page":2,"per_page":2}`,
			query: "sha=feature/x&path=docs&author=octocat&since=2026-05-01T00:00:00Z&until=2026-06-01T12:00:00%2B02:00&page=2&per_page=2",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			s := f.on("GET", "/repos/octo/hello/commits", 200, readTestdata(t, "commits.json"), wantQuery(tt.query))
			s.header = nextLink("/repos/octo/hello/commits", 2)
			got := decodeResult[CommitList](t, call(t, f.deps(testToken), "list_commits", tt.args))
			want := CommitList{Commits: []CommitItem{
				{SHA: "c9f72a81e35ec4e1e5c72eae949563a1341c06f4", Message: "Greet the world", Author: "octocat", Date: "2020-01-02T03:07:05Z"},
				{SHA: "eed153582c142af264c2eeabb0cb14e5c95cd47a", Message: "Add guide", Author: "octocat", Date: "2020-01-02T03:06:05Z"},
			}, NextPage: 2}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("an author without a GitHub account is named by git", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/commits", 200, `[{"sha":"abc","commit":{"author":{"name":"Ada","email":"ada@example.com","date":"2026-01-01T00:00:00Z"},"message":"Fix"},"author":null}]`, nil)
		got := decodeResult[CommitList](t, call(t, f.deps(testToken), "list_commits", `{"owner":"octo","repo":"hello"}`))
		want := CommitList{Commits: []CommitItem{{SHA: "abc", Message: "Fix", AuthorName: "Ada", Date: "2026-01-01T00:00:00Z"}}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
	})
}

func TestListCommitsErrors(t *testing.T) {
	tests := []errorCase{
		{name: "a time that is not RFC 3339 is refused", args: `{"owner":"octo","repo":"hello","since":"yesterday"}`, want: []string{`invalid argument "since"`, "RFC 3339", "2026-05-01"}},
		{name: "a bad sha is refused", args: `{"owner":"octo","repo":"hello","sha":"a b"}`, want: []string{`invalid argument "sha"`}},
		{
			name: "an empty repository is a conflict", args: `{"owner":"octo","repo":"hello"}`, status: 409, body: `{"message":"Git Repository is empty."}`,
			want: []string{"list commits of octo/hello", "409: Git Repository is empty."},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			if tt.status != 0 {
				f.on("GET", "/repos/octo/hello/commits", tt.status, tt.body, nil)
			}
			wantError(t, call(t, f.deps(testToken), "list_commits", tt.args), tt.want...)
		})
	}
}

func TestGetCommit(t *testing.T) {
	f := newFakeGitHub(t)
	raw := readTestdata(t, "commit.json")
	f.on("GET", "/repos/octo/hello/commits/main", 200, raw, wantQuery("page=1&per_page=20"))
	res := call(t, f.deps(testToken), "get_commit", `{"owner":"octo","repo":"hello","sha":"main"}`)
	got := decodeResult[CommitDetails](t, res)
	want := CommitDetails{
		SHA:       "c9f72a81e35ec4e1e5c72eae949563a1341c06f4",
		Message:   "Greet the world\n\nSay who is greeted.",
		Author:    "octocat",
		Date:      "2020-01-02T03:07:05Z",
		Parents:   []string{"eed153582c142af264c2eeabb0cb14e5c95cd47a"},
		Additions: 1, Deletions: 1,
		Files: []ChangedFile{{
			Filename: "main.go", Status: "modified", Additions: 1, Deletions: 1,
			Patch: "@@ -3,5 +3,5 @@\n import \"fmt\"\n \n func main() {\n-\tfmt.Println(\"Hello\")\n+\tfmt.Println(\"Hello, world!\")\n }",
		}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	logRatio(t, res, raw)
}

func TestGetCommitCapsPatches(t *testing.T) {
	long := "@@ -1,1 +1,900 @@\n" + strings.Repeat("+0123456789\n", 900) // ~10.8 KB each
	var files []map[string]any
	for i := range 6 {
		files = append(files, map[string]any{"filename": fmt.Sprintf("f%d.txt", i), "status": "added", "additions": 900, "patch": long})
	}
	body, _ := json.Marshal(map[string]any{"sha": "abc", "commit": map[string]any{"message": strings.Repeat("m", 9000)}, "files": files})
	f := newFakeGitHub(t)
	s := f.on("GET", "/repos/octo/hello/commits/feature/x%231", 200, string(body), wantQuery("page=1&per_page=6"))
	s.header = nextLink("/repos/octo/hello/commits/feature/x%231", 2)
	got := decodeResult[CommitDetails](t, call(t, f.deps(testToken), "get_commit", `{"owner":"octo","repo":"hello","sha":"feature/x#1","per_page":6}`))
	if !got.MessageTruncated || len(got.Message) != commitMessageCap {
		t.Errorf("message: %d bytes, truncated %v; want %d, true", len(got.Message), got.MessageTruncated, commitMessageCap)
	}
	total := 0
	for i, cf := range got.Files {
		total += len(cf.Patch)
		if !cf.Truncated || len(cf.Patch) > commitPatchCap {
			t.Errorf("file %d: patch %d bytes, truncated %v; want at most %d, true", i, len(cf.Patch), cf.Truncated, commitPatchCap)
		}
	}
	if total > patchTotalCap {
		t.Errorf("patches total %d bytes, more than %d", total, patchTotalCap)
	}
	if last := got.Files[5]; last.Patch != "" || !last.Truncated {
		t.Errorf("past the total cap a patch is left out and marked truncated, got %d bytes, %v", len(last.Patch), last.Truncated)
	}
	if got.NextPage != 2 {
		t.Errorf("next_page = %d, want 2", got.NextPage)
	}
}

func TestGetCommitErrors(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/repos/octo/hello/commits/deadbeef", 422, `{"message":"No commit found for SHA: deadbeef"}`, nil)
	wantError(t, call(t, f.deps(testToken), "get_commit", `{"owner":"octo","repo":"hello","sha":"deadbeef"}`),
		"get commit deadbeef in octo/hello", "422 No commit found for SHA: deadbeef")
	wantError(t, call(t, f.deps(testToken), "get_commit", `{"owner":"octo","repo":"hello"}`), `invalid argument "sha"`, "must not be empty")
}

func TestCreateBranch(t *testing.T) {
	const head = "c9f72a81e35ec4e1e5c72eae949563a1341c06f4"
	t.Run("from the default branch: its head is resolved first", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello", 200, readTestdata(t, "repo.json"), nil)
		f.on("GET", "/repos/octo/hello/commits/main", 200, head, wantAccept("application/vnd.github.v3.sha"))
		f.on("POST", "/repos/octo/hello/git/refs", 201, readTestdata(t, "ref.json"), jsonBody(`{"ref":"refs/heads/feature","sha":"`+head+`"}`))
		got := decodeResult[BranchRef](t, call(t, f.deps(testToken), "create_branch", `{"owner":"octo","repo":"hello","branch":"feature"}`))
		if diff := cmp.Diff(BranchRef{Branch: "feature", SHA: head}, got); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
	})
	t.Run("from a tag with a slash: resolved with its segments escaped", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/commits/release/v1%231", 200, head, nil)
		f.on("POST", "/repos/octo/hello/git/refs", 201, readTestdata(t, "ref.json"), jsonBody(`{"ref":"refs/heads/feature","sha":"`+head+`"}`))
		call(t, f.deps(testToken), "create_branch", `{"owner":"octo","repo":"hello","branch":"feature","from":"release/v1#1"}`)
	})
	t.Run("from a full SHA: no lookup", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("POST", "/repos/octo/hello/git/refs", 201, readTestdata(t, "ref.json"), jsonBody(`{"ref":"refs/heads/feature","sha":"`+head+`"}`))
		call(t, f.deps(testToken), "create_branch", `{"owner":"octo","repo":"hello","branch":"feature","from":"`+head+`"}`)
	})
}

func TestCreateBranchErrors(t *testing.T) {
	const head = "c9f72a81e35ec4e1e5c72eae949563a1341c06f4"
	t.Run("an existing branch", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("POST", "/repos/octo/hello/git/refs", 422, `{"message":"Reference already exists"}`, nil)
		wantError(t, call(t, f.deps(testToken), "create_branch", `{"owner":"octo","repo":"hello","branch":"main","from":"`+head+`"}`),
			"create branch main in octo/hello from "+head, "422 Reference already exists")
	})
	t.Run("an unknown source", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/commits/nope", 422, `{"message":"No commit found for SHA: nope"}`, nil)
		wantError(t, call(t, f.deps(testToken), "create_branch", `{"owner":"octo","repo":"hello","branch":"x","from":"nope"}`),
			"create branch x in octo/hello from nope", "No commit found for SHA: nope")
	})
	t.Run("a bad branch name is refused before any call", func(t *testing.T) {
		f := newFakeGitHub(t)
		wantError(t, call(t, f.deps(testToken), "create_branch", `{"owner":"octo","repo":"hello","branch":"my branch"}`), `invalid argument "branch"`)
		wantError(t, call(t, f.deps(testToken), "create_branch", `{"owner":"octo","repo":"hello","branch":"ok","from":"x.lock"}`), `invalid argument "from"`)
	})
}

func TestCreateOrUpdateFile(t *testing.T) {
	const blob = "95b966ae1c166bd92f8ae7d1c313e738c731dfc3"
	tests := []struct {
		name, args, path, body string
		status                 int
		want                   FileCommit
	}{
		{
			name:   "an update sends the blob sha and the branch",
			args:   `{"owner":"octo","repo":"hello","path":"docs/guide.md","content":"# Guide\n\nStart here, then read on.\n","message":"Expand the guide","branch":"feature","sha":"` + blob + `"}`,
			path:   "/repos/octo/hello/contents/docs/guide.md",
			body:   `{"message":"Expand the guide","content":"IyBHdWlkZQoKU3RhcnQgaGVyZSwgdGhlbiByZWFkIG9uLgo=","branch":"feature","sha":"` + blob + `"}`,
			status: 200,
			want: FileCommit{Path: "docs/guide.md", SHA: "c581cf9b3a9e7bbec9bd2ecd9d246db534657b56", CommitSHA: "553bed07138480a5c98193b2d5c111ec3880be6e",
				HTMLURL: "https://github.com/octo/hello/commit/553bed07138480a5c98193b2d5c111ec3880be6e"},
		},
		{
			name:   "a new file has no sha and a path escaped per segment",
			args:   `{"owner":"octo","repo":"hello","path":"docs/a b?.md","content":"","message":"Add"}`,
			path:   "/repos/octo/hello/contents/docs/a%20b%3F.md",
			body:   `{"message":"Add","content":""}`,
			status: 201,
			want: FileCommit{Path: "docs/guide.md", SHA: "c581cf9b3a9e7bbec9bd2ecd9d246db534657b56", CommitSHA: "553bed07138480a5c98193b2d5c111ec3880be6e",
				HTMLURL: "https://github.com/octo/hello/commit/553bed07138480a5c98193b2d5c111ec3880be6e", Created: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			f.on("PUT", tt.path, tt.status, readTestdata(t, "file_commit.json"), jsonBody(tt.body))
			got := decodeResult[FileCommit](t, call(t, f.deps(testToken), "create_or_update_file", tt.args))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCreateOrUpdateFileErrors(t *testing.T) {
	const blob = "95b966ae1c166bd92f8ae7d1c313e738c731dfc3"
	update := `{"owner":"octo","repo":"hello","path":"README.md","content":"x","message":"m","branch":"feature","sha":"` + blob + `"}`
	create := `{"owner":"octo","repo":"hello","path":"README.md","content":"x","message":"m"}`
	tests := []errorCase{
		{
			name: "a stale sha says to read the file again", args: update, status: 409, body: `{"message":"README.md does not match ` + blob + `"}`,
			want: []string{"write README.md in octo/hello on feature", "409: README.md does not match", "Nothing was written", `read README.md again with get_file_contents (ref "feature")`, "retry with its sha"},
		},
		{
			name: "a missing sha for an existing file says where to get it", args: create, status: 422, body: `{"message":"Invalid request.\n\n\"sha\" wasn't supplied."}`,
			want: []string{"422 Invalid request.", `"sha" wasn't supplied.`, "If README.md already exists, read README.md again with get_file_contents and pass its sha"},
		},
		{
			name: "a missing branch says to create it", args: update, status: 404, body: `{"message":"Branch feature not found"}`,
			want: []string{"not found (404", `branch "feature" does not exist in octo/hello (create_branch creates it)`},
		},
		{
			name: "an archived repository is read-only", args: create, status: 403, body: `{"message":"Repository was archived so is read-only."}`,
			want: []string{"forbidden (403: Repository was archived so is read-only.)"},
		},
		{name: "a short sha is refused", args: strings.Replace(update, blob, "95b9", 1), want: []string{`invalid argument "sha"`}},
		{name: "a bad branch is refused", args: strings.Replace(update, `"feature"`, `"fe ature"`, 1), want: []string{`invalid argument "branch"`}},
		{name: "an empty commit message is refused", args: strings.Replace(create, `"message":"m"`, `"message":" "`, 1), want: []string{`invalid argument "message"`, "must not be empty"}},
		{name: "an absolute path is refused", args: strings.Replace(create, `"README.md"`, `"/etc/passwd"`, 1), want: []string{`invalid argument "path"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			if tt.status != 0 {
				f.on("PUT", "/repos/octo/hello/contents/README.md", tt.status, tt.body, nil)
			}
			wantError(t, call(t, f.deps(testToken), "create_or_update_file", tt.args), tt.want...)
		})
	}
}

// wantRelease is release.json as a Release with its body cut to n bytes.
func wantRelease(body string, n int) Release {
	r := Release{
		Tag: "v1.0.0", Name: "v1.0.0", PublishedAt: "2026-03-04T05:06:07Z", Author: "octocat",
		HTMLURL: "https://github.com/octo/hello/releases/tag/v1.0.0",
		Assets:  []Asset{{Name: "hello_linux_amd64.tar.gz", Size: 1843200, DownloadCount: 42}, {Name: "checksums.txt", Size: 180, DownloadCount: 7}},
	}
	if len(body) > n {
		body, r.Truncated = body[:n], true
	}
	r.Body = toolkit.Untrusted(body)
	return r
}

func TestListReleases(t *testing.T) {
	var rels []map[string]any
	if err := json.Unmarshal([]byte(readTestdata(t, "releases.json")), &rels); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Notes. ", 200)
	rels = append(rels, maps.Clone(rels[0]))
	rels[1]["body"] = long
	raw, _ := json.Marshal(rels)
	f := newFakeGitHub(t)
	f.on("GET", "/repos/octo/hello/releases", 200, string(raw), wantQuery("page=1&per_page=2"))
	got := decodeResult[ReleaseList](t, call(t, f.deps(testToken), "list_releases", `{"owner":"octo","repo":"hello","per_page":2}`))
	body := rels[0]["body"].(string)
	want := ReleaseList{Releases: []Release{wantRelease(body, releaseListCap), wantRelease(long, releaseListCap)}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestGetLatestRelease(t *testing.T) {
	raw := readTestdata(t, "release.json")
	var rel map[string]any
	json.Unmarshal([]byte(raw), &rel)
	body := rel["body"].(string)
	t.Run("the latest release, whole", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/releases/latest", 200, raw, wantQuery(""))
		res := call(t, f.deps(testToken), "get_latest_release", `{"owner":"octo","repo":"hello"}`)
		if diff := cmp.Diff(wantRelease(body, releaseBodyCap), decodeResult[Release](t, res)); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
		logRatio(t, res, raw)
	})
	t.Run("a release by tag", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/releases/tags/v1.0.0", 200, raw, nil)
		res := call(t, f.deps(testToken), "get_latest_release", `{"owner":"octo","repo":"hello","tag":"v1.0.0"}`)
		if diff := cmp.Diff(wantRelease(body, releaseBodyCap), decodeResult[Release](t, res)); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
	})
	t.Run("no release says list_releases shows drafts and prereleases", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/releases/latest", 404, `{"message":"Not Found"}`, nil)
		wantError(t, call(t, f.deps(testToken), "get_latest_release", `{"owner":"octo","repo":"hello"}`),
			"get latest release of octo/hello", "no published release", "list_releases")
	})
	t.Run("an unknown tag", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/releases/tags/v9", 404, `{"message":"Not Found"}`, nil)
		wantError(t, call(t, f.deps(testToken), "get_latest_release", `{"owner":"octo","repo":"hello","tag":"v9"}`),
			"get release v9 of octo/hello", "not found (404")
	})
}
