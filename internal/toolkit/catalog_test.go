package toolkit

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mark3labs/mcp-go/mcp"
)

// fakeCatalog stands for a full catalogue: one read and one write tool in
// each of three toolsets, with the toolsets and permissions of ghmcp's.
func fakeCatalog() *Catalog {
	mk := func(name, set string, k Kind) Tool {
		return Tool{name: name, def: func() mcp.Tool { return mcp.Tool{Name: name} }, Toolset: set, Kind: k}
	}
	return NewCatalog([]Toolset{
		{Name: "context", Default: true, Scopeless: true},
		{Name: "repos", Default: true, Read: []string{"metadata:read", "contents:read"}, Write: []string{"contents:write"}},
		{Name: "issues", Default: true, Read: []string{"issues:read"}, Write: []string{"issues:write"}},
		{Name: "pull_requests", Default: true},
		{Name: "actions", Read: []string{"actions:read"}, Write: []string{"actions:write"}},
		{Name: "collaborators"},
		{Name: "search"},
	},
		mk("get_me", "context", Read),
		mk("get_repo", "repos", Read),
		mk("write_file", "repos", Create),
		mk("get_issue", "issues", Read),
		mk("create_issue", "issues", Create),
		mk("list_runs", "actions", Read),
		mk("cancel_run", "actions", Destructive),
	)
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
			got, err := fakeCatalog().Select(tt.sel)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, Names(got)); diff != "" {
				t.Errorf("tools (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNeed(t *testing.T) {
	c := fakeCatalog()
	all := c.Tools()
	pick := func(names ...string) []Tool {
		var out []Tool
		for _, t := range all {
			if slices.Contains(names, t.Name()) {
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
		n := c.Need(tt.tools)
		if got := strings.Join(n.Scopes, ","); got != tt.scopes {
			t.Errorf("%v: scopes %q, want %q", Names(tt.tools), got, tt.scopes)
		}
		if got := strings.Join(n.FineGrained, ","); got != tt.fgp {
			t.Errorf("%v: permissions %q, want %q", Names(tt.tools), got, tt.fgp)
		}
	}
}
