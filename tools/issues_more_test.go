package tools

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// labelJSON is a label as GitHub sends it.
func labelJSON(name, color string) string {
	return `{"id":208045946,"node_id":"MDU6TGFiZWwyMDgwNDU5NDY=","url":"https://api.github.test/repos/octo/hello/labels/` + name + `","name":"` + name + `","description":"Something isn't working","color":"` + color + `","default":true}`
}

func TestListLabels(t *testing.T) {
	f := newFakeGitHub(t)
	s := f.on("GET", "/repos/octo/hello/labels", 200, "["+labelJSON("bug", "d73a4a")+","+labelJSON("docs", "0075ca")+"]", query("page=2&per_page=2"))
	s.header = map[string]string{"Link": `<https://api.github.test/repositories/1/labels?page=3&per_page=2>; rel="next"`}
	res := call(t, f.deps(testToken), "list_labels", `{"owner":"octo","repo":"hello","page":2,"per_page":2}`)
	if res.IsError {
		t.Fatal(resultText(t, res))
	}
	want := LabelList{Labels: []Label{
		{Name: "bug", Color: "d73a4a", Description: "Something isn't working"},
		{Name: "docs", Color: "0075ca", Description: "Something isn't working"},
	}, NextPage: 3}
	if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestAddLabelsKeepsTheOthers(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("POST", "/repos/octo/hello/issues/7/labels", 200, "["+labelJSON("bug", "d73a4a")+","+labelJSON("needs triage", "ffffff")+"]", jsonBody(`{"labels":["needs triage"]}`))
	res := call(t, f.deps(testToken), "add_labels", `{"owner":"octo","repo":"hello","number":7,"labels":["needs triage"]}`)
	if res.IsError {
		t.Fatal(resultText(t, res))
	}
	want := IssueLabels{Labels: []toolkit.Untrusted{"bug", "needs triage"}}
	if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	t.Run("no labels", func(t *testing.T) {
		res := call(t, newFakeGitHub(t).deps(testToken), "add_labels", `{"owner":"octo","repo":"hello","number":7,"labels":[]}`)
		wantErrorText(t, res, `invalid argument "labels": must name at least one label`)
	})
}

func TestRemoveLabel(t *testing.T) {
	f := newFakeGitHub(t)
	// The name is escaped as one path segment: spaces and '/' stay in it.
	f.on("DELETE", "/repos/octo/hello/issues/7/labels/area%2Fcli%20tools", 200, "["+labelJSON("bug", "d73a4a")+"]", nil)
	res := call(t, f.deps(testToken), "remove_label", `{"owner":"octo","repo":"hello","number":7,"label":"area/cli tools"}`)
	if res.IsError {
		t.Fatal(resultText(t, res))
	}
	if diff := cmp.Diff(IssueLabels{Labels: []toolkit.Untrusted{"bug"}}, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	t.Run("a label the issue does not have", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("DELETE", "/repos/octo/hello/issues/7/labels/wontfix", 404, `{"message":"Label does not exist"}`, nil)
		res := call(t, f.deps(testToken), "remove_label", `{"owner":"octo","repo":"hello","number":7,"label":"wontfix"}`)
		wantErrorText(t, res, `remove label "wontfix" from octo/hello#7`, "or the issue does not have this label: get_issue shows its labels")
	})
}

func TestCreateLabel(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("POST", "/repos/octo/hello/labels", 201, labelJSON("bug", "d73a4a"), jsonBody(`{"name":"bug","color":"d73a4a","description":"Something isn't working"}`))
	res := call(t, f.deps(testToken), "create_label", `{"owner":"octo","repo":"hello","name":"bug","color":"D73A4A","description":"Something isn't working"}`)
	if res.IsError {
		t.Fatal(resultText(t, res))
	}
	if diff := cmp.Diff(Label{Name: "bug", Color: "d73a4a", Description: "Something isn't working"}, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	t.Run("a color that is not hex", func(t *testing.T) {
		res := call(t, newFakeGitHub(t).deps(testToken), "create_label", `{"owner":"octo","repo":"hello","name":"bug","color":"red123"}`)
		wantErrorText(t, res, `invalid argument "color"`, "not 6 hex digits", `"d73a4a"`)
	})
}

const assignedIssueJSON = `{"number":7,"title":"Crash","state":"open","user":{"login":"octo"},"assignees":[{"login":"octo"},{"login":"hubot"}],"html_url":"https://github.com/octo/hello/issues/7"}`

func TestAddAssignees(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("POST", "/repos/octo/hello/issues/7/assignees", 201, assignedIssueJSON, jsonBody(`{"assignees":["hubot","ghost"]}`))
	res := call(t, f.deps(testToken), "add_assignees", `{"owner":"octo","repo":"hello","number":7,"assignees":["hubot","ghost"]}`)
	if res.IsError {
		t.Fatal(resultText(t, res))
	}
	// GitHub silently skips users it cannot assign: the result says so.
	want := IssueAssignees{Assignees: []string{"octo", "hubot"}, Ignored: []string{"ghost"}}
	if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestRemoveAssignees(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("DELETE", "/repos/octo/hello/issues/7/assignees", 200, `{"number":7,"assignees":[]}`, jsonBody(`{"assignees":["octo","hubot"]}`))
	res := call(t, f.deps(testToken), "remove_assignees", `{"owner":"octo","repo":"hello","number":7,"assignees":["octo","hubot"]}`)
	if res.IsError {
		t.Fatal(resultText(t, res))
	}
	if diff := cmp.Diff(IssueAssignees{Assignees: []string{}}, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestListSubIssues(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/repos/octo/hello/issues/1/sub_issues", 200, `[
		{"id":11,"number":2,"title":"Parser","state":"open","body":"long text","user":{"login":"octo"},"comments":1,"created_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z","html_url":"https://github.com/octo/hello/issues/2","repository_url":"https://api.github.test/repos/octo/hello"},
		{"id":12,"number":9,"title":"Docs","state":"closed","user":{"login":"hubot"},"created_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-03T03:04:05Z","html_url":"https://github.com/octo/docs/issues/9","repository_url":"https://api.github.test/repos/octo/docs"}]`,
		query("page=1&per_page=20"))
	res := call(t, f.deps(testToken), "list_sub_issues", `{"owner":"octo","repo":"hello","number":1}`)
	if res.IsError {
		t.Fatal(resultText(t, res))
	}
	want := IssueList{Issues: []Issue{
		{Number: 2, Title: "Parser", State: "open", Author: "octo", CommentCount: 1, CreatedAt: "2026-01-02T03:04:05Z", UpdatedAt: "2026-01-02T03:04:05Z", HTMLURL: "https://github.com/octo/hello/issues/2"},
		{Number: 9, Repo: "octo/docs", Title: "Docs", State: "closed", Author: "hubot", CreatedAt: "2026-01-02T03:04:05Z", UpdatedAt: "2026-01-03T03:04:05Z", HTMLURL: "https://github.com/octo/docs/issues/9"},
	}}
	if diff := cmp.Diff(want, res.StructuredContent); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestAddAndRemoveSubIssue(t *testing.T) {
	t.Run("add resolves the number to GitHub's id", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/issues/2", 200, `{"id":1002,"number":2}`, nil)
		f.on("POST", "/repos/octo/hello/issues/1/sub_issues", 201, `{"id":1001,"number":1}`, jsonBody(`{"sub_issue_id":1002,"replace_parent":true}`))
		res := call(t, f.deps(testToken), "add_sub_issue", `{"owner":"octo","repo":"hello","number":1,"sub_issue":2,"replace_parent":true}`)
		if res.IsError {
			t.Fatal(resultText(t, res))
		}
		if diff := cmp.Diff(SubIssueChange{Parent: 1, SubIssue: 2, Status: "added"}, res.StructuredContent); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
	})
	t.Run("a sub-issue with another parent", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/issues/2", 200, `{"id":1002,"number":2}`, nil)
		f.on("POST", "/repos/octo/hello/issues/1/sub_issues", 422, `{"message":"Validation Failed","errors":[{"resource":"Issue","code":"custom","message":"Issue may not contain duplicate sub-issues and Sub issue may only have one parent"}]}`, jsonBody(`{"sub_issue_id":1002}`))
		res := call(t, f.deps(testToken), "add_sub_issue", `{"owner":"octo","repo":"hello","number":1,"sub_issue":2}`)
		wantErrorText(t, res, "add #2 as sub-issue of octo/hello#1", "may only have one parent", "retry with replace_parent true")
	})
	t.Run("an issue cannot be its own sub-issue", func(t *testing.T) {
		res := call(t, newFakeGitHub(t).deps(testToken), "add_sub_issue", `{"owner":"octo","repo":"hello","number":1,"sub_issue":1}`)
		wantErrorText(t, res, `invalid argument "sub_issue": is the parent itself`)
	})
	t.Run("remove", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/issues/2", 200, `{"id":1002,"number":2}`, nil)
		f.on("DELETE", "/repos/octo/hello/issues/1/sub_issue", 200, `{"id":1001,"number":1}`, jsonBody(`{"sub_issue_id":1002}`))
		res := call(t, f.deps(testToken), "remove_sub_issue", `{"owner":"octo","repo":"hello","number":1,"sub_issue":2}`)
		if res.IsError {
			t.Fatal(resultText(t, res))
		}
		if diff := cmp.Diff(SubIssueChange{Parent: 1, SubIssue: 2, Status: "removed"}, res.StructuredContent); diff != "" {
			t.Errorf("result (-want +got):\n%s", diff)
		}
	})
	t.Run("a missing sub-issue is named", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/repos/octo/hello/issues/5", 404, `{"message":"Not Found"}`, nil)
		res := call(t, f.deps(testToken), "remove_sub_issue", `{"owner":"octo","repo":"hello","number":1,"sub_issue":5}`)
		wantErrorText(t, res, "remove sub-issue #5 from octo/hello#1: sub-issue #5: not found (404")
	})
}
