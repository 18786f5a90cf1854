package tools

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ghmcp/ghmcp/github"
)

// toolsets lists every toolset, in the order help and errors show them.
var toolsets = []string{ToolsetContext, ToolsetRepos, ToolsetIssues, ToolsetPullRequests, ToolsetActions, ToolsetCollabs, ToolsetSearch}

// DefaultToolsets are enabled when --toolsets is not given: what an agent
// needs daily, at a context cost the budget test holds.
var DefaultToolsets = []string{ToolsetContext, ToolsetRepos, ToolsetIssues, ToolsetPullRequests}

// AllToolsets is the --toolsets value that enables every toolset.
const AllToolsets = "all"

// Selection says which tools a server offers.
type Selection struct {
	// Toolsets to enable; nil means DefaultToolsets, "all" every one.
	Toolsets []string
	// Tools, if not empty, are the exact tools to offer, whatever their
	// toolset (--tools overrides --toolsets).
	Tools []string
	// ReadOnly offers only tools that do not change GitHub.
	ReadOnly bool
}

// Select returns the tools of all that sel enables, in their order. An
// unknown toolset or tool name, or a write tool named with ReadOnly, is an
// error that names it and the valid choices.
func Select(all []Tool, sel Selection) ([]Tool, error) {
	known := map[string]Tool{}
	for _, t := range all {
		known[t.Def.Name] = t
	}
	var keep func(Tool) bool
	if len(sel.Tools) > 0 {
		for _, name := range sel.Tools {
			t, ok := known[name]
			if !ok {
				return nil, fmt.Errorf("unknown tool %q in --tools; known tools: %s", name, strings.Join(toolNames(all), ", "))
			}
			if sel.ReadOnly && !t.ReadOnly {
				return nil, fmt.Errorf("--tools names %s, which changes GitHub, but --read-only is set", name)
			}
		}
		keep = func(t Tool) bool { return slices.Contains(sel.Tools, t.Def.Name) }
	} else {
		sets := sel.Toolsets
		if sets == nil {
			sets = DefaultToolsets
		}
		for _, s := range sets {
			if s != AllToolsets && !slices.Contains(toolsets, s) {
				return nil, fmt.Errorf("unknown toolset %q in --toolsets; known toolsets: %s, or %s", s, strings.Join(toolsets, ", "), AllToolsets)
			}
		}
		all := slices.Contains(sets, AllToolsets)
		keep = func(t Tool) bool { return all || slices.Contains(sets, t.Toolset) }
	}
	var out []Tool
	for _, t := range all {
		if keep(t) && (t.ReadOnly || !sel.ReadOnly) {
			out = append(out, t)
		}
	}
	return out, nil
}

func toolNames(ts []Tool) []string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Def.Name
	}
	return names
}

// permissions are what a toolset's tools need from a fine-grained token,
// to read and to write. Every fine-grained token has metadata:read.
var permissions = map[string]struct{ read, write []string }{
	ToolsetContext:      {},
	ToolsetRepos:        {read: []string{"metadata:read", "contents:read"}, write: []string{"contents:write"}},
	ToolsetIssues:       {read: []string{"issues:read"}, write: []string{"issues:write"}},
	ToolsetPullRequests: {read: []string{"pull_requests:read"}, write: []string{"pull_requests:write", "contents:write"}},
	ToolsetActions:      {read: []string{"actions:read"}, write: []string{"actions:write"}},
	ToolsetCollabs:      {read: []string{"metadata:read"}, write: []string{"administration:write"}},
	ToolsetSearch:       {read: []string{"metadata:read", "contents:read", "issues:read", "pull_requests:read"}},
}

// NeedOf returns what the given tools need from the token: the classic
// "repo" scope for anything beyond the context toolset (classic scopes
// cannot grant read-only access to private repositories), and the
// fine-grained permissions of their toolsets and kinds.
func NeedOf(ts []Tool) github.Need {
	var need github.Need
	add := func(perms []string) {
		for _, p := range perms {
			// "x:write" makes "x:read" redundant.
			if base, ok := strings.CutSuffix(p, ":read"); ok && slices.Contains(need.FineGrained, base+":write") {
				continue
			}
			if base, ok := strings.CutSuffix(p, ":write"); ok {
				need.FineGrained = slices.DeleteFunc(need.FineGrained, func(q string) bool { return q == base+":read" })
			}
			if !slices.Contains(need.FineGrained, p) {
				need.FineGrained = append(need.FineGrained, p)
			}
		}
	}
	for _, t := range ts {
		p := permissions[t.Toolset]
		add(p.read)
		if !t.ReadOnly {
			add(p.write)
		}
		if t.Toolset != ToolsetContext && !slices.Contains(need.Scopes, "repo") {
			need.Scopes = append(need.Scopes, "repo")
		}
	}
	slices.Sort(need.FineGrained)
	return need
}
