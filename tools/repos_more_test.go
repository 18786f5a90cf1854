package tools

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ghmcp/ghmcp/internal/allowlist"
)

const (
	pushHead  = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	newCommit = "cccccccccccccccccccccccccccccccccccccccc"
)

// pushStubs registers the reads push_files makes before writing.
func pushStubs(f *fakeGitHub) {
	f.on("GET", "/repos/octo/hello/git/ref/heads/feature/x", 200, `{"ref":"refs/heads/feature/x","object":{"sha":"`+pushHead+`","type":"commit"}}`, nil)
	f.on("GET", "/repos/octo/hello/git/commits/"+pushHead, 200, `{"sha":"`+pushHead+`","tree":{"sha":"tree0"}}`, nil)
}

func TestPushFiles(t *testing.T) {
	f := newFakeGitHub(t)
	pushStubs(f)
	f.on("POST", "/repos/octo/hello/git/blobs", 201, `{"sha":"blob1"}`, jsonBody(`{"content":"package a\n","encoding":"utf-8"}`))
	f.on("POST", "/repos/octo/hello/git/blobs", 201, `{"sha":"blob2"}`, jsonBody(`{"content":"# A\n","encoding":"utf-8"}`))
	f.on("POST", "/repos/octo/hello/git/trees", 201, `{"sha":"tree1"}`, jsonBody(`{"base_tree":"tree0","tree":[
		{"path":"a/a.go","mode":"100644","type":"blob","sha":"blob1"},
		{"path":"README.md","mode":"100644","type":"blob","sha":"blob2"}]}`))
	f.on("POST", "/repos/octo/hello/git/commits", 201, `{"sha":"`+newCommit+`","html_url":"https://github.com/octo/hello/commit/`+newCommit+`"}`,
		jsonBody(`{"message":"Add a","tree":"tree1","parents":["`+pushHead+`"]}`))
	// Never forced: GitHub refuses an update that is not a fast-forward.
	f.on("PATCH", "/repos/octo/hello/git/refs/heads/feature/x", 200, `{"ref":"refs/heads/feature/x","object":{"sha":"`+newCommit+`"}}`, jsonBody(`{"sha":"`+newCommit+`","force":false}`))
	res := call(t, f.deps(testToken), "push_files", `{"owner":"octo","repo":"hello","branch":"feature/x","message":"Add a","head_sha":"aaaaaaa",
		"files":[{"path":"a/a.go","content":"package a\n"},{"path":"README.md","content":"# A\n"}]}`)
	if res.IsError {
		t.Fatal(resultText(t, res))
	}
	want := PushResult{Branch: "feature/x", CommitSHA: newCommit, Parent: pushHead, Files: 2, HTMLURL: "https://github.com/octo/hello/commit/" + newCommit}
	if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestPushFilesRefusals(t *testing.T) {
	t.Run("the branch is not at head_sha: nothing is written", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/git/ref/heads/feature/x", 200, `{"object":{"sha":"`+pushHead+`"}}`, nil)
		res := call(t, f.deps(testToken), "push_files", `{"owner":"octo","repo":"hello","branch":"feature/x","message":"m","head_sha":"bbbbbbb","files":[{"path":"a","content":"x"}]}`)
		wantErrorText(t, res, "branch feature/x is at "+pushHead+", not at head_sha bbbbbbb", "Nothing was written")
	})
	t.Run("the branch moved between read and update", func(t *testing.T) {
		f := newFakeGitHub(t)
		pushStubs(f)
		f.on("POST", "/repos/octo/hello/git/blobs", 201, `{"sha":"blob1"}`, nil)
		f.on("POST", "/repos/octo/hello/git/trees", 201, `{"sha":"tree1"}`, nil)
		f.on("POST", "/repos/octo/hello/git/commits", 201, `{"sha":"`+newCommit+`"}`, nil)
		f.on("PATCH", "/repos/octo/hello/git/refs/heads/feature/x", 422, `{"message":"Update is not a fast forward"}`, nil)
		res := call(t, f.deps(testToken), "push_files", `{"owner":"octo","repo":"hello","branch":"feature/x","message":"m","files":[{"path":"a","content":"x"}]}`)
		wantErrorText(t, res, "branch feature/x moved since it was read at "+pushHead, "no force push", "Commit "+newCommit+" was made but is on no branch")
	})
	t.Run("a missing branch", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/git/ref/heads/nope", 404, `{"message":"Not Found"}`, nil)
		res := call(t, f.deps(testToken), "push_files", `{"owner":"octo","repo":"hello","branch":"nope","message":"m","files":[{"path":"a","content":"x"}]}`)
		wantErrorText(t, res, `branch "nope" in octo/hello does not exist`, "create_branch creates it")
	})
	for _, tt := range []struct{ name, args, want string }{
		{"no files", `"files":[]`, `invalid argument "files": must list at least one file`},
		{"a file twice", `"files":[{"path":"a","content":"x"},{"path":"a","content":"y"}]`, `invalid argument "files[1].path": "a" is listed twice`},
		{"a path outside the repository", `"files":[{"path":"../a","content":"x"}]`, `invalid argument "files[0].path"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := call(t, newFakeGitHub(t).deps(testToken), "push_files", `{"owner":"octo","repo":"hello","branch":"main","message":"m",`+tt.args+`}`)
			wantErrorText(t, res, tt.want)
		})
	}
}

func TestDeleteFile(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("DELETE", "/repos/octo/hello/contents/docs/old%20notes.md", 200, `{"content":null,"commit":{"sha":"`+newCommit+`","html_url":"https://github.com/octo/hello/commit/`+newCommit+`"}}`,
		jsonBody(`{"content":null,"message":"Remove notes","sha":"6dcb09b5b57875f334f61aebed695e2e4193db5e","branch":"dev"}`))
	res := call(t, f.deps(testToken), "delete_file", `{"owner":"octo","repo":"hello","path":"docs/old notes.md","message":"Remove notes","sha":"6dcb09b5b57875f334f61aebed695e2e4193db5e","branch":"dev"}`)
	if res.IsError {
		t.Fatal(resultText(t, res))
	}
	want := DeletedFile{Path: "docs/old notes.md", CommitSHA: newCommit, HTMLURL: "https://github.com/octo/hello/commit/" + newCommit}
	if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	t.Run("a stale sha", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("DELETE", "/repos/octo/hello/contents/a.md", 409, `{"message":"a.md does not match 6dcb09b"}`, nil)
		res := call(t, f.deps(testToken), "delete_file", `{"owner":"octo","repo":"hello","path":"a.md","message":"m","sha":"6dcb09b"}`)
		wantErrorText(t, res, "the file changed since you read it", "read a.md again with get_file_contents")
	})
}

func TestGetRepositoryTree(t *testing.T) {
	tree := `{"sha":"tree1","truncated":false,"tree":[
		{"path":"README.md","mode":"100644","type":"blob","sha":"b1","size":12},
		{"path":"cmd","mode":"040000","type":"tree","sha":"t1"},
		{"path":"cmd/main.go","mode":"100644","type":"blob","sha":"b2","size":300},
		{"path":"cmd/util.go","mode":"100644","type":"blob","sha":"b3","size":40},
		{"path":"vendor/lib","mode":"160000","type":"commit","sha":"c1"}]}`
	t.Run("the default branch, paged", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/git/trees/HEAD", 200, tree, query("recursive=1"))
		res := call(t, f.deps(testToken), "get_repository_tree", `{"owner":"octo","repo":"hello","per_page":2,"page":2}`)
		if res.IsError {
			t.Fatal(resultText(t, res))
		}
		want := TreeResult{SHA: "tree1", Total: 5, Entries: []TreeEntry{{Path: "cmd/main.go", Type: "file", Size: 300}, {Path: "cmd/util.go", Type: "file", Size: 40}}, NextPage: 3}
		if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
	})
	t.Run("under a directory of a branch", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/git/trees/release/v1", 200, tree, query("recursive=1"))
		res := call(t, f.deps(testToken), "get_repository_tree", `{"owner":"octo","repo":"hello","ref":"release/v1","path":"cmd/"}`)
		want := TreeResult{SHA: "tree1", Total: 2, Entries: []TreeEntry{{Path: "cmd/main.go", Type: "file", Size: 300}, {Path: "cmd/util.go", Type: "file", Size: 40}}}
		if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
	})
	t.Run("a page past the end", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/git/trees/HEAD", 200, tree, nil)
		res := call(t, f.deps(testToken), "get_repository_tree", `{"owner":"octo","repo":"hello","page":9}`)
		if diff := cmp.Diff(TreeResult{SHA: "tree1", Total: 5, Entries: []TreeEntry{}}, res.StructuredContent); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
	})
}

func TestListTags(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/repos/octo/hello/tags", 200, `[{"name":"v1.1","commit":{"sha":"c2","url":"u"},"zipball_url":"z","tarball_url":"t","node_id":"n"},{"name":"v1.0","commit":{"sha":"c1"}}]`, query("page=1&per_page=20"))
	res := call(t, f.deps(testToken), "list_tags", `{"owner":"octo","repo":"hello"}`)
	if diff := cmp.Diff(TagList{Tags: []Tag{{Name: "v1.1", SHA: "c2"}, {Name: "v1.0", SHA: "c1"}}}, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestCreateRelease(t *testing.T) {
	t.Run("a draft by default", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("POST", "/repos/octo/hello/releases", 201, `{"id":5,"tag_name":"v1.2","draft":true,"html_url":"https://github.com/octo/hello/releases/tag/untagged-1"}`,
			jsonBody(`{"tag_name":"v1.2","name":"v1.2","body":"Fixes","draft":true,"prerelease":false}`))
		res := call(t, f.deps(testToken), "create_release", `{"owner":"octo","repo":"hello","tag":"v1.2","name":"v1.2","body":"Fixes"}`)
		if diff := cmp.Diff(ReleaseRef{ID: 5, Tag: "v1.2", Draft: true, HTMLURL: "https://github.com/octo/hello/releases/tag/untagged-1"}, res.StructuredContent); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
	})
	t.Run("published from a branch with generated notes", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("POST", "/repos/octo/hello/releases", 201, `{"id":6,"tag_name":"v2","draft":false,"html_url":"h"}`,
			jsonBody(`{"tag_name":"v2","target_commitish":"dev","draft":false,"prerelease":true,"generate_release_notes":true}`))
		res := call(t, f.deps(testToken), "create_release", `{"owner":"octo","repo":"hello","tag":"v2","target":"dev","draft":false,"prerelease":true,"generate_notes":true}`)
		if diff := cmp.Diff(ReleaseRef{ID: 6, Tag: "v2", HTMLURL: "h"}, res.StructuredContent); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
	})
	t.Run("a tag that has a release", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("POST", "/repos/octo/hello/releases", 422, `{"message":"Validation Failed","errors":[{"resource":"Release","code":"already_exists","field":"tag_name"}]}`, nil)
		res := call(t, f.deps(testToken), "create_release", `{"owner":"octo","repo":"hello","tag":"v1"}`)
		wantErrorText(t, res, "tag_name already exists", "list_releases shows them")
	})
}

func TestForkRepository(t *testing.T) {
	t.Run("GitHub forks in the background (202)", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("POST", "/repos/octo/hello/forks", 202, `{"full_name":"acme/hello2","default_branch":"main","private":false,"html_url":"https://github.com/acme/hello2"}`,
			jsonBody(`{"organization":"acme","name":"hello2","default_branch_only":true}`))
		res := call(t, f.deps(testToken), "fork_repository", `{"owner":"octo","repo":"hello","organization":"acme","name":"hello2","default_branch_only":true}`)
		if res.IsError {
			t.Fatal(resultText(t, res))
		}
		want := NewRepo{FullName: "acme/hello2", DefaultBranch: "main", HTMLURL: "https://github.com/acme/hello2",
			Note: "GitHub copies the repository in the background: its files may take a few seconds to appear"}
		if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
	})
	t.Run("--repos must allow the fork too", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/user", 200, `{"login":"mona"}`, nil)
		d := f.deps(testToken)
		d.Repos, _ = allowlist.Parse("octo/hello")
		res := call(t, d, "fork_repository", `{"owner":"octo","repo":"hello"}`)
		wantErrorText(t, res, "fork octo/hello into mona/hello: mona/hello is outside the repositories this server may use (--repos octo/hello)")
	})
	t.Run("--repos allows the fork into an allowed owner", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("POST", "/repos/octo/hello/forks", 202, `{"full_name":"acme/hello","html_url":"https://github.com/acme/hello"}`, nil)
		d := f.deps(testToken)
		d.Repos, _ = allowlist.Parse("octo/hello,acme/*")
		if res := call(t, d, "fork_repository", `{"owner":"octo","repo":"hello","organization":"acme"}`); res.IsError {
			t.Fatal(resultText(t, res))
		}
	})
}

func TestCreateRepository(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("POST", "/user/repos", 201, `{"full_name":"mona/tool","default_branch":"main","private":true,"html_url":"https://github.com/mona/tool"}`,
		jsonBody(`{"name":"tool","description":"A tool","private":true,"auto_init":true}`))
	res := call(t, f.deps(testToken), "create_repository", `{"name":"tool","description":"A tool","private":true}`)
	if diff := cmp.Diff(NewRepo{FullName: "mona/tool", DefaultBranch: "main", Private: true, HTMLURL: "https://github.com/mona/tool"}, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	t.Run("--repos must allow it", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/user", 200, `{"login":"mona"}`, nil)
		d := f.deps(testToken)
		d.Repos, _ = allowlist.Parse("octo/*")
		res := call(t, d, "create_repository", `{"name":"tool"}`)
		wantErrorText(t, res, "create repository tool: mona/tool is outside the repositories")
	})
	t.Run("a name taken", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("POST", "/user/repos", 422, `{"message":"Repository creation failed.","errors":[{"resource":"Repository","code":"custom","field":"name","message":"name already exists on this account"}]}`,
			func(t *testing.T, body []byte, r *http.Request) {
				var m map[string]any
				json.Unmarshal(body, &m)
				if m["auto_init"] != false {
					t.Errorf("auto_init = %v, want false as given", m["auto_init"])
				}
			})
		res := call(t, f.deps(testToken), "create_repository", `{"name":"tool","auto_init":false}`)
		wantErrorText(t, res, "name already exists on this account", "pick another")
	})
}
