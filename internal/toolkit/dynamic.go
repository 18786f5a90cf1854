package toolkit

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/server"
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

// EnableToolset returns the discovery tool of --dynamic-toolsets, bound
// to d: the server starts with it alone, and it lists the toolsets of
// candidates and, on request, binds one toolset's tools to d and passes
// them to add, which registers them (the server then sends
// notifications/tools/list_changed). Enabling costs the model the bytes
// of that toolset only, when it needs it.
func EnableToolset(d Deps, candidates []Tool, add func([]server.ServerTool)) server.ServerTool {
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
			info := ToolsetInfo{Name: name, Enabled: enabled[name], Tools: Names(byName[name])}
			out = append(out, info)
		}
		return out
	}
	return New(Spec{
		Name: "enable_toolset",
		Kind: Read, // it changes what ghmcp offers, never GitHub
		Desc: "List the GitHub toolsets and their tools; with toolset, enable one so its tools appear.",
	}, func(_ context.Context, d Deps, in EnableToolsetArgs) (ToolsetList, error) {
		mu.Lock()
		defer mu.Unlock()
		if in.Toolset == "" {
			return ToolsetList{Toolsets: list()}, nil
		}
		tools, ok := byName[in.Toolset]
		if !ok {
			return ToolsetList{}, &ArgError{Arg: "toolset", Problem: fmt.Sprintf("got %s; it must be one of %s", QuoteShort(in.Toolset), strings.Join(order, ", "))}
		}
		if !enabled[in.Toolset] {
			enabled[in.Toolset] = true
			add(Bind(d, tools))
		}
		return ToolsetList{Toolsets: list(), Enabled: in.Toolset}, nil
	}).Bind(d)
}
