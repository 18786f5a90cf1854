package fakegithub

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// decodeArray parses a JSON array of objects.
func decodeArray(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, b)
	}
	return out
}

// The seeding commands build what the endpoints then serve: files on
// branches, a pull request from a pushed branch with its labels, merged at
// the time given, comments written by someone else, a release.
func TestSeedCommands(t *testing.T) {
	h := setup(t)
	run := func(line string) string {
		t.Helper()
		out, err := h.srv.Command(strings.Fields(line))
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		return out
	}
	if sha := run("file add octocat/hello docs/a.md Hello there"); len(sha) != 41 {
		t.Errorf("file add printed %q, want a SHA", sha)
	}
	run("branch add octocat/hello topic")
	run("file add octocat/hello docs/a.md Hello topic branch=topic")
	run("push octocat/hello topic docs/a.md")
	if got := run("pull add octocat/hello topic Say it louder labels=bug,docs body=It is too quiet. merged=2026-03-01T00:00:00Z"); got != "1\n" {
		t.Errorf("pull add printed %q, want the number", got)
	}
	run("comment add octocat/hello 1 hubot Looks good to me")
	run("release add octocat/hello v2.0.0 published=2026-03-02T00:00:00Z")

	check := func(path string, want map[string]any, paths ...string) {
		t.Helper()
		res := h.do("GET", path, "")
		if res.status != 200 {
			t.Fatalf("GET %s: %d %s", path, res.status, res.body)
		}
		var doc any = decode(t, res.body)
		if diff := cmp.Diff(want, pick(doc, paths...)); diff != "" {
			t.Errorf("GET %s (-want +got):\n%s", path, diff)
		}
	}
	if got, ok := h.srv.File("octocat", "hello", "topic", "docs/a.md"); !ok || string(got) != "Hello topic" {
		t.Errorf("docs/a.md on topic = %q, %t", got, ok)
	}
	if got, _ := h.srv.File("octocat", "hello", "", "docs/a.md"); string(got) != "Hello there" {
		t.Errorf("docs/a.md on main = %q", got)
	}
	check("/repos/octocat/hello/pulls/1", map[string]any{
		"title": "Say it louder", "body": "It is too quiet.", "state": "closed", "merged": true,
		"merged_at": "2026-03-01T00:00:00Z", "head.ref": "topic", "base.ref": "main",
		"labels.0.name": "bug", "labels.1.name": "docs", "user.login": "octocat",
	}, "title", "body", "state", "merged", "merged_at", "head.ref", "base.ref", "labels.0.name", "labels.1.name", "user.login")
	check("/repos/octocat/hello/issues/1", map[string]any{"comments": 1.0, "labels.0.name": "bug"}, "comments", "labels.0.name")
	check("/repos/octocat/hello/releases/latest", map[string]any{"tag_name": "v2.0.0", "published_at": "2026-03-02T00:00:00Z"}, "tag_name", "published_at")
	comments := decodeArray(t, h.do("GET", "/repos/octocat/hello/issues/1/comments", "").body)
	if len(comments) != 1 || pick(comments[0], "user.login", "body")["user.login"] != "hubot" || comments[0]["body"] != "Looks good to me" {
		t.Errorf("comments = %v", comments)
	}
	branches := decodeArray(t, h.do("GET", "/repos/octocat/hello/branches", "").body)
	var names []string
	for _, b := range branches {
		names = append(names, b["name"].(string))
	}
	if diff := cmp.Diff([]string{"main", "topic"}, names); diff != "" {
		t.Errorf("branches (-want +got):\n%s", diff)
	}
}

func TestSeedCommandErrors(t *testing.T) {
	h := setup(t)
	tests := []struct{ cmd, wantErr string }{
		{"file add octocat/hello README.md", "usage: file add"},
		{"file add octocat/hello a.md text branch=nope", `no branch "nope"`},
		{"file add ghost/repo a.md text", "no repository ghost/repo"},
		{"branch add octocat/hello topic from=nope", `no ref "nope"`},
		{"branch add octocat/hello two words", "usage: branch add"},
		{"comment add octocat/hello 9 hubot hi", "no issue #9"},
		{"comment add octocat/hello one hubot hi", "usage: comment add"},
		{"pull add octocat/hello topic Title", `branch "topic" of octocat/hello has no commits of its own; Push to it first`},
		{"pull add octocat/hello main", "usage: pull add"},
		{"pull add octocat/hello main Title merged=yesterday", "merged must be RFC 3339"},
		{"release add octocat/hello v1 published=soon", "published must be RFC 3339"},
		{"demo now", "usage: demo"},
	}
	for _, tt := range tests {
		if _, err := h.srv.Command(strings.Fields(tt.cmd)); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%s: err = %v, want %q", tt.cmd, err, tt.wantErr)
		}
	}
}

// The viewer sees every repository; by push time for completion, by name
// by default.
func TestListViewerRepos(t *testing.T) {
	h := setup(t)
	names := func(path string) []string {
		t.Helper()
		var out []string
		for _, r := range decodeArray(t, h.do("GET", path, "").body) {
			out = append(out, r["full_name"].(string))
		}
		return out
	}
	h.srv.AddDemo()
	tests := []struct {
		path string
		want []string
	}{
		{"/user/repos", []string{"acme/old", "acme/secret", "octo/hello", "octo/hello-docs", "octocat/hello"}},
		{"/user/repos?sort=pushed", []string{"octo/hello", "octo/hello-docs", "octocat/hello", "acme/old", "acme/secret"}},
		{"/user/repos?sort=full_name&direction=desc&per_page=2", []string{"octocat/hello", "octo/hello-docs"}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, names(tt.path)); diff != "" {
			t.Errorf("GET %s (-want +got):\n%s", tt.path, diff)
		}
	}
}

// The demo data set is what the resources, prompts and interop clients
// read.
func TestDemo(t *testing.T) {
	h := setup(t)
	if _, err := h.srv.Command([]string{"demo"}); err != nil {
		t.Fatal(err)
	}
	if got := h.srv.Pulls("octo", "hello"); len(got) != 2 || got[0].State != "open" || got[1].State != "merged" {
		t.Errorf("pulls = %+v, want #2 open and #3 merged", got)
	}
	if got := h.srv.Comments("octo", "hello", 1); len(got) != 2 || got[1].Author != "alice" {
		t.Errorf("comments = %+v", got)
	}
	if got, _ := h.srv.File("octo", "hello", "feature", "README.md"); string(got) != "# hello\n\nSays hello, loudly.\n" {
		t.Errorf("README.md on feature = %q", got)
	}
	diff := string(h.do("GET", "/repos/octo/hello/pulls/2", "", "Accept", "application/vnd.github.diff").body)
	if !strings.HasPrefix(diff, "diff --git a/README.md b/README.md\n") {
		t.Errorf("diff of #2:\n%s", diff)
	}
}
