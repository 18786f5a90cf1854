package fakegithub

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// readmeSHA is git's blob id of octocat/hello's first README.md,
// "# hello\n\nMy first repo\n" (git hash-object prints the same).
const readmeSHA = "e09307aec714976433bb5091e6fc8d7ca26a8b0b"

// decodeAny parses any JSON document.
func decodeAny(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return v
}

// b64 encodes s for a contents request.
func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// step is one request of a scenario and what its answer must contain.
type step struct {
	name, method, path, body string
	header                   []string
	wantStatus               int
	want                     map[string]any // dotted paths, see pick
}

// run plays steps in order against one server.
func run(t *testing.T, h *harness, steps []step) {
	t.Helper()
	for _, s := range steps {
		res := h.do(s.method, s.path, s.body, s.header...)
		if res.status != s.wantStatus {
			t.Fatalf("%s: %s %s = %d, want %d\n%s", s.name, s.method, s.path, res.status, s.wantStatus, res.body)
		}
		if s.want == nil {
			continue
		}
		if diff := cmp.Diff(s.want, pick(decodeAny(t, res.body), keysOf(s.want)...)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", s.name, diff)
		}
	}
}

func TestContents(t *testing.T) {
	h := setup(t)
	h.srv.AddFile("octocat", "hello", "", "docs/guide.md", []byte("# Guide\n"), "Add guide")
	h.srv.AddFile("octocat", "hello", "", "logo.png", []byte("\x89PNG\x00"), "Add logo")
	run(t, h, []step{
		{
			name: "a new repository has a README on its default branch", method: "GET", path: "/repos/octocat/hello/contents/README.md", wantStatus: 200,
			want: map[string]any{
				"type": "file", "name": "README.md", "path": "README.md", "sha": readmeSHA, "size": 23.0,
				"encoding": "base64", "content": b64("# hello\n\nMy first repo\n") + "\n",
				"html_url": "https://github.com/octocat/hello/blob/main/README.md",
				"url":      "https://api.github.test/repos/octocat/hello/contents/README.md?ref=main",
			},
		},
		{
			name: "the root lists files and directories by name", method: "GET", path: "/repos/octocat/hello/contents/", wantStatus: 200,
			want: map[string]any{
				"0.name": "README.md", "0.type": "file", "1.name": "docs", "1.type": "dir", "1.size": 0.0, "1.download_url": nil,
				"2.name": "logo.png", "2.size": 5.0, "3": nil,
			},
		},
		{
			name: "a subdirectory lists its entries with full paths", method: "GET", path: "/repos/octocat/hello/contents/docs", wantStatus: 200,
			want: map[string]any{"0.path": "docs/guide.md", "0.size": 8.0, "1": nil},
		},
		{
			name: "an older commit is read by ref", method: "GET", path: "/repos/octocat/hello/contents/docs?ref=" + h.srv.Commits("octocat", "hello", "")[2][:7], wantStatus: 404,
			want: map[string]any{"message": "Not Found"},
		},
		{name: "a missing path is a 404", method: "GET", path: "/repos/octocat/hello/contents/nope.md", wantStatus: 404},
		{
			name: "an unknown ref is a 404 naming it", method: "GET", path: "/repos/octocat/hello/contents/README.md?ref=nope", wantStatus: 404,
			want: map[string]any{"message": "No commit found for the ref nope"},
		},
		{
			name: "a blob is served raw for the raw media type", method: "GET", path: "/repos/octocat/hello/git/blobs/" + readmeSHA,
			header: []string{"Accept", "application/vnd.github.raw"}, wantStatus: 200,
		},
		{
			name: "a blob is JSON otherwise", method: "GET", path: "/repos/octocat/hello/git/blobs/" + readmeSHA, wantStatus: 200,
			want: map[string]any{"sha": readmeSHA, "size": 23.0, "encoding": "base64"},
		},
	})
	raw := h.do("GET", "/repos/octocat/hello/git/blobs/"+readmeSHA, "", "Accept", "application/vnd.github.raw")
	if string(raw.body) != "# hello\n\nMy first repo\n" {
		t.Errorf("raw blob = %q", raw.body)
	}
}

func TestContentsOverOneMegabyteHaveNoContent(t *testing.T) {
	h := setup(t)
	h.srv.AddFile("octocat", "hello", "", "big.bin", []byte(strings.Repeat("x", maxInlineBlob+1)), "Add big")
	got := pick(decodeAny(t, h.do("GET", "/repos/octocat/hello/contents/big.bin", "").body), "encoding", "content", "size")
	want := map[string]any{"encoding": "none", "content": "", "size": float64(maxInlineBlob + 1)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestPutFile(t *testing.T) {
	h := setup(t)
	newSHA := blobSHA([]byte("# hello\n\nBetter.\n"))
	run(t, h, []step{
		{
			name: "a new file is created (201) without a sha", method: "PUT", path: "/repos/octocat/hello/contents/docs/new%20file.md",
			body: `{"message":"Add notes","content":"` + b64("notes\n") + `"}`, wantStatus: 201,
			want: map[string]any{
				"content.path": "docs/new file.md", "content.name": "new file.md", "content.sha": blobSHA([]byte("notes\n")),
				"content.url":    "https://api.github.test/repos/octocat/hello/contents/docs/new%20file.md",
				"commit.message": "Add notes", "commit.author.name": "octocat", "commit.verification.reason": "unsigned",
			},
		},
		{
			name: "updating without the sha is a 422", method: "PUT", path: "/repos/octocat/hello/contents/README.md",
			body: `{"message":"Edit","content":"` + b64("x") + `"}`, wantStatus: 422,
			want: map[string]any{"message": "Invalid request.\n\n\"sha\" wasn't supplied."},
		},
		{
			name: "updating with the current sha works (200)", method: "PUT", path: "/repos/octocat/hello/contents/README.md",
			body: `{"message":"Edit","content":"` + b64("# hello\n\nBetter.\n") + `","sha":"` + readmeSHA + `"}`, wantStatus: 200,
			want: map[string]any{"content.sha": newSHA, "content.size": 17.0},
		},
		{
			name: "the same write again has a stale sha: 409", method: "PUT", path: "/repos/octocat/hello/contents/README.md",
			body: `{"message":"Edit","content":"` + b64("# hello\n\nBetter.\n") + `","sha":"` + readmeSHA + `"}`, wantStatus: 409,
			want: map[string]any{"message": "README.md does not match " + readmeSHA},
		},
		{
			name: "a sha for a file that does not exist is a 409", method: "PUT", path: "/repos/octocat/hello/contents/ghost.md",
			body: `{"message":"Edit","content":"","sha":"` + readmeSHA + `"}`, wantStatus: 409,
		},
		{
			name: "an unknown branch is a 404", method: "PUT", path: "/repos/octocat/hello/contents/README.md",
			body: `{"message":"Edit","content":"","branch":"nope","sha":"` + newSHA + `"}`, wantStatus: 404,
			want: map[string]any{"message": "Branch nope not found"},
		},
		{
			name: "a directory cannot be written", method: "PUT", path: "/repos/octocat/hello/contents/docs",
			body: `{"message":"Edit","content":""}`, wantStatus: 422,
		},
		{
			name: "a message is required", method: "PUT", path: "/repos/octocat/hello/contents/x.md",
			body: `{"content":""}`, wantStatus: 422, want: map[string]any{"message": "Invalid request.\n\n\"message\" wasn't supplied."},
		},
		{
			name: "an archived repository is read-only", method: "PUT", path: "/repos/acme/old/contents/x.md",
			body: `{"message":"m","content":""}`, wantStatus: 403,
		},
	})
	if got, _ := h.srv.File("octocat", "hello", "", "README.md"); string(got) != "# hello\n\nBetter.\n" {
		t.Errorf("README.md = %q after the update", got)
	}
	log := h.srv.Commits("octocat", "hello", "main")
	if len(log) != 3 || !strings.HasSuffix(log[0], " Edit") || !strings.HasSuffix(log[2], " Initial commit") {
		t.Errorf("history = %q, want Edit, Add notes, Initial commit", log)
	}
	if st := h.srv.Stats(); st.DuplicateWrites != 0 {
		t.Errorf("a refused write counted as a duplicate: %+v", st)
	}
}

func TestBranchesAndRefs(t *testing.T) {
	h := setup(t)
	head := string(h.do("GET", "/repos/octocat/hello/commits/main", "", "Accept", "application/vnd.github.sha").body)
	if len(head) != 40 {
		t.Fatalf("the sha media type answered %q, want a 40-digit SHA", head)
	}
	h.srv.AddBranch("octocat", "hello", "release", "main", true)
	run(t, h, []step{
		{
			name: "a branch is created from a commit", method: "POST", path: "/repos/octocat/hello/git/refs",
			body: `{"ref":"refs/heads/feature/x","sha":"` + head + `"}`, wantStatus: 201,
			want: map[string]any{"ref": "refs/heads/feature/x", "object.sha": head, "object.type": "commit",
				"url": "https://api.github.test/repos/octocat/hello/git/refs/heads/feature/x"},
		},
		{
			name: "an existing ref is a 422", method: "POST", path: "/repos/octocat/hello/git/refs",
			body: `{"ref":"refs/heads/main","sha":"` + head + `"}`, wantStatus: 422, want: map[string]any{"message": "Reference already exists"},
		},
		{
			name: "a short SHA does not name an object", method: "POST", path: "/repos/octocat/hello/git/refs",
			body: `{"ref":"refs/heads/y","sha":"` + head[:7] + `"}`, wantStatus: 422, want: map[string]any{"message": "Object does not exist"},
		},
		{
			name: "a ref must be fully qualified", method: "POST", path: "/repos/octocat/hello/git/refs",
			body: `{"ref":"heads/y","sha":"` + head + `"}`, wantStatus: 422,
		},
		{
			name: "branches are listed by name with their heads", method: "GET", path: "/repos/octocat/hello/branches", wantStatus: 200,
			want: map[string]any{"0.name": "feature/x", "0.commit.sha": head, "1.name": "main", "2.name": "release", "2.protected": true, "3": nil},
		},
		{
			name: "the protected filter", method: "GET", path: "/repos/octocat/hello/branches?protected=true", wantStatus: 200,
			want: map[string]any{"0.name": "release", "1": nil},
		},
		{
			name: "a new branch can be read from and written to", method: "PUT", path: "/repos/octocat/hello/contents/README.md",
			body: `{"message":"On x","content":"","branch":"feature/x","sha":"` + readmeSHA + `"}`, wantStatus: 200,
		},
	})
	res := h.do("GET", "/repos/octocat/hello/branches?per_page=1&page=2", "")
	if link := res.header.Get("Link"); !strings.Contains(link, `page=3&per_page=1>; rel="next"`) || !strings.Contains(link, `rel="prev"`) {
		t.Errorf("Link = %q, want next page 3 and prev", link)
	}
	if main := h.srv.Commits("octocat", "hello", "main"); len(main) != 1 {
		t.Errorf("main moved: %q", main)
	}
}

func TestCommits(t *testing.T) {
	h := setup(t)
	h.srv.AddUser("hubot")
	h.srv.AddFile("octocat", "hello", "", "a.txt", []byte("one\ntwo\nthree\n"), "Add a")
	h.srv.SetViewer("hubot")
	h.srv.AddFile("octocat", "hello", "", "a.txt", []byte("one\n2\nthree\nfour\n"), "Change a\n\nDetails.")
	h.srv.SetViewer("octocat")
	h.srv.AddFile("octocat", "hello", "", "docs/b.md", []byte("b\n"), "Add b")
	// History: Initial commit 03:04:05, Add a 03:05:05, Change a 03:06:05, Add b 03:07:05 (2026-01-02, from pushed_at).
	run(t, h, []step{
		{
			name: "newest first", method: "GET", path: "/repos/octocat/hello/commits", wantStatus: 200,
			want: map[string]any{"0.commit.message": "Add b", "1.commit.message": "Change a\n\nDetails.", "3.commit.message": "Initial commit",
				"0.commit.author.date": "2026-01-02T03:07:05Z", "1.author.login": "hubot", "4": nil},
		},
		{
			name: "by path", method: "GET", path: "/repos/octocat/hello/commits?path=a.txt", wantStatus: 200,
			want: map[string]any{"0.commit.message": "Change a\n\nDetails.", "1.commit.message": "Add a", "2": nil},
		},
		{
			name: "by directory", method: "GET", path: "/repos/octocat/hello/commits?path=docs", wantStatus: 200,
			want: map[string]any{"0.commit.message": "Add b", "1": nil},
		},
		{
			name: "by author", method: "GET", path: "/repos/octocat/hello/commits?author=hubot", wantStatus: 200,
			want: map[string]any{"0.commit.message": "Change a\n\nDetails.", "1": nil},
		},
		{
			name: "by time", method: "GET", path: "/repos/octocat/hello/commits?since=2026-01-02T03:05:05Z&until=2026-01-02T03:06:05Z", wantStatus: 200,
			want: map[string]any{"0.commit.message": "Change a\n\nDetails.", "1.commit.message": "Add a", "2": nil},
		},
		{
			name: "paged", method: "GET", path: "/repos/octocat/hello/commits?per_page=3&page=2", wantStatus: 200,
			want: map[string]any{"0.commit.message": "Initial commit", "1": nil},
		},
		{name: "a bad time is a 422", method: "GET", path: "/repos/octocat/hello/commits?since=yesterday", wantStatus: 422},
		{name: "an unknown start is a 404", method: "GET", path: "/repos/octocat/hello/commits?sha=nope", wantStatus: 404},
		{
			name: "a ref it cannot resolve is a 422", method: "GET", path: "/repos/octocat/hello/commits/main~0", wantStatus: 422,
		},
		{
			name: "a commit's changed files with patches", method: "GET", path: "/repos/octocat/hello/commits/" + strings.Fields(h.srv.Commits("octocat", "hello", "")[1])[0], wantStatus: 200,
			want: map[string]any{
				"commit.message": "Change a\n\nDetails.", "stats.additions": 2.0, "stats.deletions": 1.0, "stats.total": 3.0,
				"files.0.filename": "a.txt", "files.0.status": "modified", "files.0.changes": 3.0,
				"files.0.patch": "@@ -1,3 +1,4 @@\n one\n-two\n+2\n three\n+four", "files.1": nil,
			},
		},
	})
}

func TestUnifiedDiff(t *testing.T) {
	lines := func(n int) string {
		var b strings.Builder
		for i := 1; i <= n; i++ {
			b.WriteString("l" + string(rune('a'+i-1)) + "\n")
		}
		return b.String()
	}
	tests := []struct {
		name, a, b, want string
		adds, dels       int
	}{
		{name: "a new file", a: "", b: "x\ny\n", want: "@@ -0,0 +1,2 @@\n+x\n+y", adds: 2},
		{name: "a removed file", a: "x\n", b: "", want: "@@ -1,1 +0,0 @@\n-x", dels: 1},
		{name: "no change", a: "x\n", b: "x\n", want: ""},
		{
			name: "distant changes make two hunks with three lines of context",
			a:    lines(20), b: strings.Replace(strings.Replace(lines(20), "lb\n", "LB\n", 1), "ls\n", "LS\n", 1),
			want: "@@ -1,5 +1,5 @@\n la\n-lb\n+LB\n lc\n ld\n le\n@@ -16,5 +16,5 @@\n lp\n lq\n lr\n-ls\n+LS\n lt",
			adds: 2, dels: 2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, adds, dels := unifiedDiff(tt.a, tt.b)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("patch (-want +got):\n%s", diff)
			}
			if adds != tt.adds || dels != tt.dels {
				t.Errorf("adds, dels = %d, %d; want %d, %d", adds, dels, tt.adds, tt.dels)
			}
		})
	}
}

func TestReleases(t *testing.T) {
	h := setup(t)
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h.srv.AddRelease("octocat", "hello", Release{Tag: "v1.0.0", Name: "One", Body: "First.", PublishedAt: day, Assets: []Asset{{Name: "a.tgz", Size: 10, Downloads: 3}}})
	h.srv.AddRelease("octocat", "hello", Release{Tag: "v1.1.0", Name: "One one", PublishedAt: day.Add(24 * time.Hour)})
	h.srv.AddRelease("octocat", "hello", Release{Tag: "v2.0.0-rc1", Prerelease: true, PublishedAt: day.Add(48 * time.Hour)})
	h.srv.AddRelease("octocat", "hello", Release{Tag: "v2.0.0", Draft: true})
	run(t, h, []step{
		{
			name: "listed newest first, drafts included", method: "GET", path: "/repos/octocat/hello/releases", wantStatus: 200,
			want: map[string]any{"0.tag_name": "v2.0.0", "0.draft": true, "0.published_at": nil, "1.tag_name": "v2.0.0-rc1", "3.tag_name": "v1.0.0",
				"3.assets.0.name": "a.tgz", "3.assets.0.download_count": 3.0, "3.body": "First.", "2.body": nil},
		},
		{
			name: "the latest skips drafts and prereleases", method: "GET", path: "/repos/octocat/hello/releases/latest", wantStatus: 200,
			want: map[string]any{"tag_name": "v1.1.0", "name": "One one", "published_at": "2026-01-02T00:00:00Z",
				"html_url": "https://github.com/octocat/hello/releases/tag/v1.1.0", "author.login": "octocat"},
		},
		{
			name: "by tag", method: "GET", path: "/repos/octocat/hello/releases/tags/v1.0.0", wantStatus: 200,
			want: map[string]any{"name": "One"},
		},
		{name: "a draft is not found by tag", method: "GET", path: "/repos/octocat/hello/releases/tags/v2.0.0", wantStatus: 404},
		{name: "no release at all is a 404", method: "GET", path: "/repos/acme/secret/releases/latest", wantStatus: 404},
	})
	// A release's tag points at the default branch's head.
	if log := h.srv.Commits("octocat", "hello", "v1.0.0"); len(log) != 1 {
		t.Errorf("tag v1.0.0 history = %q", log)
	}
}

func TestSearch(t *testing.T) {
	h := setup(t)
	h.srv.AddFile("octocat", "hello", "", "cmd/main.go", []byte("package main\n\n// NewServer starts it.\nfunc main() { NewServer() }\n"), "Add main")
	h.srv.AddFile("octocat", "hello", "", "docs/server.md", []byte("Call NewServer.\n"), "Docs")
	run(t, h, []step{
		{
			name: "repositories by word and qualifier", method: "GET", path: "/search/repositories?q=first+language:go", wantStatus: 200,
			want: map[string]any{"total_count": 1.0, "incomplete_results": false, "items.0.full_name": "octocat/hello", "items.0.score": 1.0, "items.1": nil},
		},
		{
			name: "repositories by owner, sorted by stars", method: "GET", path: "/search/repositories?q=user:acme&sort=stars", wantStatus: 200,
			want: map[string]any{"total_count": 2.0, "items.0.full_name": "acme/old", "items.1.full_name": "acme/secret"},
		},
		{
			name: "private repositories", method: "GET", path: "/search/repositories?q=is:private", wantStatus: 200,
			want: map[string]any{"total_count": 1.0, "items.0.full_name": "acme/secret"},
		},
		{
			name: "an empty q is a 422", method: "GET", path: "/search/repositories?q=", wantStatus: 422,
			want: map[string]any{"message": "Validation Failed", "errors.0.field": "q", "errors.0.code": "missing"},
		},
		{
			name: "code with text matches", method: "GET", path: "/search/code?q=NewServer+repo:octocat/hello+language:go",
			header: []string{"Accept", "application/vnd.github.v3.text-match+json"}, wantStatus: 200,
			want: map[string]any{
				"total_count": 1.0, "items.0.path": "cmd/main.go", "items.0.name": "main.go", "items.0.repository.full_name": "octocat/hello",
				"items.0.text_matches.0.fragment":          "\n// NewServer starts it.\nfunc main() { NewServer() }",
				"items.0.text_matches.0.matches.0.text":    "NewServer",
				"items.0.text_matches.0.matches.0.indices": []any{4.0, 13.0},
			},
		},
		{
			name: "code by path, without text matches by default", method: "GET", path: "/search/code?q=newserver+path:docs", wantStatus: 200,
			want: map[string]any{"total_count": 1.0, "items.0.path": "docs/server.md", "items.0.text_matches": nil},
		},
		{
			name: "code search needs a word", method: "GET", path: "/search/code?q=repo:octocat/hello", wantStatus: 422,
			want: map[string]any{"errors.0.code": "invalid", "errors.0.message": "The search must include at least one search term."},
		},
	})
	res := h.do("GET", "/search/code?q=x", "")
	if got := res.header.Get("X-RateLimit-Resource"); got != "code_search" {
		t.Errorf("code search spends %q, want code_search", got)
	}
}
