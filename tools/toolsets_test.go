package tools

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/ghmcp/ghmcp/internal/allowlist"
)

// fakeTools stands for a full catalog: one read and one write tool in
// each of three toolsets.
func fakeTools() []Tool {
	mk := func(name, set string, ro bool) Tool {
		return Tool{Def: mcp.Tool{Name: name}, Toolset: set, ReadOnly: ro}
	}
	return []Tool{
		mk("get_me", ToolsetContext, true),
		mk("get_repo", ToolsetRepos, true),
		mk("write_file", ToolsetRepos, false),
		mk("get_issue", ToolsetIssues, true),
		mk("create_issue", ToolsetIssues, false),
		mk("list_runs", ToolsetActions, true),
		mk("cancel_run", ToolsetActions, false),
	}
}

func TestSelect(t *testing.T) {
	tests := []struct {
		name string
		sel  Selection
		want []string
		err  string
	}{
		{"default toolsets", Selection{}, []string{"get_me", "get_repo", "write_file", "get_issue", "create_issue"}, ""},
		{"one toolset", Selection{Toolsets: []string{"actions"}}, []string{"list_runs", "cancel_run"}, ""},
		{"all", Selection{Toolsets: []string{"all"}}, []string{"get_me", "get_repo", "write_file", "get_issue", "create_issue", "list_runs", "cancel_run"}, ""},
		{"read-only", Selection{Toolsets: []string{"all"}, ReadOnly: true}, []string{"get_me", "get_repo", "get_issue", "list_runs"}, ""},
		{"tools override toolsets", Selection{Toolsets: []string{"repos"}, Tools: []string{"cancel_run", "get_me"}}, []string{"get_me", "cancel_run"}, ""},
		{"read tools in read-only mode", Selection{Tools: []string{"get_issue"}, ReadOnly: true}, []string{"get_issue"}, ""},
		{"unknown toolset", Selection{Toolsets: []string{"repos", "wiki"}}, nil, `unknown toolset "wiki" in --toolsets; known toolsets: context, repos, issues, pull_requests, actions, collaborators, search, or all`},
		{"unknown tool", Selection{Tools: []string{"get_issue", "drop_database"}}, nil, `unknown tool "drop_database" in --tools; known tools: get_me, get_repo, write_file, get_issue, create_issue, list_runs, cancel_run`},
		{"write tool with read-only", Selection{Tools: []string{"cancel_run"}, ReadOnly: true}, nil, `--tools names cancel_run, which changes GitHub, but --read-only is set`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Select(fakeTools(), tt.sel)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, toolNames(got)); diff != "" {
				t.Errorf("tools (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNeedOf(t *testing.T) {
	all := fakeTools()
	pick := func(names ...string) []Tool {
		var out []Tool
		for _, t := range all {
			if slices.Contains(names, t.Def.Name) {
				out = append(out, t)
			}
		}
		return out
	}
	for _, tt := range []struct {
		tools       []Tool
		scopes, fgp string
	}{
		{pick("get_me"), "", ""},
		{pick("get_me", "get_repo", "get_issue"), "repo", "contents:read,issues:read,metadata:read"},
		{pick("get_repo", "write_file", "get_issue", "create_issue"), "repo", "contents:write,issues:write,metadata:read"},
		{pick("list_runs", "cancel_run"), "repo", "actions:write"},
	} {
		n := NeedOf(tt.tools)
		if got := strings.Join(n.Scopes, ","); got != tt.scopes {
			t.Errorf("%v: scopes %q, want %q", toolNames(tt.tools), got, tt.scopes)
		}
		if got := strings.Join(n.FineGrained, ","); got != tt.fgp {
			t.Errorf("%v: permissions %q, want %q", toolNames(tt.tools), got, tt.fgp)
		}
	}
}

// TestAllowListEnforcedForEveryTool calls each tool with a repository
// outside --repos. The fake has no stubs: any request fails the test.
func TestAllowListEnforcedForEveryTool(t *testing.T) {
	f := newFakeGitHub(t)
	d := f.deps(testToken)
	var err error
	if d.Repos, err = allowlist.Parse("octo/hello,acme/*"); err != nil {
		t.Fatal(err)
	}
	tested := 0
	for _, tool := range All(d) {
		rf := repoFieldsOf(tool.args)
		if rf.owner == nil {
			continue
		}
		tested++
		t.Run(tool.Def.Name, func(t *testing.T) {
			args := validArgs(t, tool.args)
			args["owner"] = "other"
			want := `owner other is outside the repositories this server may use (--repos octo/hello,acme/*); use one of those, or ask the user to add it to --repos`
			if rf.repo != nil {
				args["owner"], args["repo"] = "octo", "secret"
				want = `octo/secret is outside the repositories this server may use (--repos octo/hello,acme/*); use one of those, or ask the user to add it to --repos`
			}
			raw, _ := json.Marshal(args)
			res := call(t, d, tool.Def.Name, string(raw))
			if !res.IsError || resultText(t, res) != want {
				t.Errorf("%s: got %v %q, want the refusal %q", raw, res.IsError, resultText(t, res), want)
			}
		})
	}
	if tested == 0 {
		t.Fatal("no tool takes a repository")
	}
}

// validArgs builds arguments that pass every ghmcp rule of an input type:
// required fields get a valid value of their kind, optional ones are left
// out.
func validArgs(t *testing.T, typ reflect.Type) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, f := range fieldsOf(typ) {
		if f.optional {
			continue
		}
		out[f.name] = validValue(t, f)
	}
	return out
}

func validValue(t *testing.T, f field) any {
	t.Helper()
	ft := f.typ
	for ft.Kind() == reflect.Pointer {
		ft = ft.Elem()
	}
	if ft.Kind() == reflect.Slice {
		elem := f
		elem.typ = ft.Elem()
		return []any{validValue(t, elem)}
	}
	if ft.Kind() == reflect.Struct {
		return validArgs(t, ft)
	}
	examples := map[string]any{"owner": "octo", "repo": "hello", "login": "octocat", "label": "bug", "ref": "main", "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e", "path": "README.md"}
	for _, r := range f.rules {
		switch r.op {
		case "name":
			for k, kind := range nameKinds {
				if kind == r.kind {
					return examples[k]
				}
			}
		case "enum":
			return r.enum[0]
		case "range":
			if r.min != nil {
				return *r.min
			}
		}
	}
	switch ft.Kind() {
	case reflect.String:
		return "x"
	case reflect.Bool:
		return false
	case reflect.Int, reflect.Int64, reflect.Int32:
		return 1
	case reflect.Map:
		return map[string]any{}
	}
	t.Fatalf("validArgs: no value for %s (%s)", f.name, ft)
	return nil
}

func TestAllowListLetsListedReposThrough(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/repos/Octo/Hello", 200, `{"full_name":"octo/hello"}`, nil)
	f.on("GET", "/repos/acme/anything", 200, `{"full_name":"acme/anything"}`, nil)
	d := f.deps(testToken)
	d.Repos, _ = allowlist.Parse("octo/hello,acme/*")
	for _, args := range []string{`{"owner":"Octo","repo":"Hello"}`, `{"owner":"acme","repo":"anything"}`} {
		if res := call(t, d, "get_repository_details", args); res.IsError {
			t.Errorf("%s: %s", args, resultText(t, res))
		}
	}
}
