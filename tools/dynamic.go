package tools

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// EnableToolsetArgs are the arguments of enable_toolset.
type EnableToolsetArgs struct {
	Toolset string `json:"toolset,omitempty" jsonschema:"Toolset to enable; leave out to list them"`
}

// ToolsetInfo describes one toolset for enable_toolset.
type ToolsetInfo struct {
	Name    string   `json:"name"`
	Enabled bool     `json:"enabled"`
	Tools   []string `json:"tools"`
}

// ToolsetList is enable_toolset's result.
type ToolsetList struct {
	Toolsets []ToolsetInfo `json:"toolsets"`
	// Enabled names the toolset this call enabled, if any.
	Enabled string `json:"enabled,omitempty"`
}

// EnableToolset returns the discovery tool of --dynamic-toolsets: the
// server starts with it alone, and it lists the toolsets of candidates
// and, on request, passes one toolset's tools to add, which registers them
// (the server then sends notifications/tools/list_changed). Enabling costs
// the model the bytes of that toolset only, when it needs it.
func EnableToolset(d Deps, candidates []Tool, add func([]Tool)) Tool {
	var (
		mu      sync.Mutex
		enabled = map[string]bool{}
		order   []string
		byName  = map[string][]Tool{}
	)
	for _, t := range candidates {
		if _, ok := byName[t.Toolset]; !ok {
			order = append(order, t.Toolset)
		}
		byName[t.Toolset] = append(byName[t.Toolset], t)
	}
	list := func() []ToolsetInfo {
		out := make([]ToolsetInfo, 0, len(order))
		for _, name := range order {
			info := ToolsetInfo{Name: name, Enabled: enabled[name]}
			for _, t := range byName[name] {
				info.Tools = append(info.Tools, t.Def.Name)
			}
			out = append(out, info)
		}
		return out
	}
	return newTool(d, spec{
		name:    "enable_toolset",
		toolset: ToolsetContext,
		kind:    read, // it changes what ghmcp offers, never GitHub
		desc:    "List the GitHub toolsets and their tools; with toolset, enable one so its tools appear.",
	}, func(_ context.Context, in EnableToolsetArgs) (ToolsetList, string, error) {
		what := "enable toolset " + in.Toolset
		mu.Lock()
		defer mu.Unlock()
		if in.Toolset == "" {
			return ToolsetList{Toolsets: list()}, "list toolsets", nil
		}
		tools, ok := byName[in.Toolset]
		if !ok {
			return ToolsetList{}, what, &ArgError{Arg: "toolset", Problem: fmt.Sprintf("got %s; it must be one of %s", quoteShort(in.Toolset), strings.Join(order, ", "))}
		}
		if !enabled[in.Toolset] {
			enabled[in.Toolset] = true
			add(slices.Clone(tools))
		}
		return ToolsetList{Toolsets: list(), Enabled: in.Toolset}, what, nil
	})
}
