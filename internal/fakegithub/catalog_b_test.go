package fakegithub

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

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
