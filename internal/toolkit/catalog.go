package toolkit

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ghmcp/ghmcp/github"
)

// Toolset is a group of tools that --toolsets enables together, with what
// its tools need from a fine-grained token to read and to write.
type Toolset struct {
	Name string
	// Default toolsets are enabled when --toolsets is not given.
	Default bool
	// Read and Write are fine-grained permissions ("issues:read") the
	// toolset's read tools, and in addition its write tools, need.
	Read, Write []string
	// Scopeless toolsets need no classic scope (every other one needs
	// "repo": classic scopes cannot grant read-only access to private
	// repositories).
	Scopeless bool
}

// AllToolsets is the --toolsets value that enables every toolset.
const AllToolsets = "all"

// Selection says which tools a server offers.
type Selection struct {
	// Toolsets to enable; nil means the default toolsets, "all" every one.
	Toolsets []string
	// Tools, if not empty, are the exact tools to offer, whatever their
	// toolset (--tools overrides --toolsets).
	Tools []string
	// ReadOnly offers only tools that do not change GitHub.
	ReadOnly bool
}

// Catalog is every tool and toolset: static data, built once and shared
// by every server. It answers which tools a Selection names and what they
// need from the token; binding them to Deps makes them servable.
type Catalog struct {
	toolsets []Toolset
	tools    []Tool
}

// NewCatalog makes a catalogue of tools grouped in toolsets (listed in
// the order help and errors show them). A tool of an unlisted toolset or
// a name given twice panics: the catalogue is fixed at compile time.
func NewCatalog(toolsets []Toolset, tools ...Tool) *Catalog {
	c := &Catalog{toolsets: slices.Clone(toolsets), tools: slices.Clone(tools)}
	seen := map[string]bool{}
	for _, t := range tools {
		if c.toolset(t.Toolset) == nil {
			panic(fmt.Sprintf("tool %s: unknown toolset %q", t.Name(), t.Toolset))
		}
		if seen[t.Name()] {
			panic("tool " + t.Name() + " is listed twice")
		}
		seen[t.Name()] = true
	}
	return c
}

// UseSchemas defines the catalogue's tools with schemas derived ahead of
// time (see Tool.Derived), so that a server starts without deriving them
// by reflection; a tool missing from schemas derives its own at first use.
// The caller's tests must check that the schemas equal the derived ones.
func (c *Catalog) UseSchemas(schemas map[string]Schemas) *Catalog {
	for i, t := range c.tools {
		if sc, ok := schemas[t.Name()]; ok {
			c.tools[i] = t.withSchemas(sc)
		}
	}
	return c
}

// Tools returns every tool, in catalogue order.
func (c *Catalog) Tools() []Tool { return slices.Clone(c.tools) }

// Toolsets returns every toolset, in order.
func (c *Catalog) Toolsets() []Toolset { return slices.Clone(c.toolsets) }

// Tool returns the named tool.
func (c *Catalog) Tool(name string) (Tool, bool) {
	for _, t := range c.tools {
		if t.Name() == name {
			return t, true
		}
	}
	return Tool{}, false
}

func (c *Catalog) toolset(name string) *Toolset {
	for i := range c.toolsets {
		if c.toolsets[i].Name == name {
			return &c.toolsets[i]
		}
	}
	return nil
}

// Defaults names the toolsets enabled when --toolsets is not given.
func (c *Catalog) Defaults() []string {
	var out []string
	for _, s := range c.toolsets {
		if s.Default {
			out = append(out, s.Name)
		}
	}
	return out
}

func (c *Catalog) toolsetNames() []string {
	names := make([]string, len(c.toolsets))
	for i, s := range c.toolsets {
		names[i] = s.Name
	}
	return names
}

// Select returns the tools sel enables, in catalogue order. An unknown
// toolset or tool name, or a write tool named with ReadOnly, is an error
// that names it and the valid choices. It needs no dependencies, so
// flags are checked with it at start-up.
func (c *Catalog) Select(sel Selection) ([]Tool, error) {
	var keep func(Tool) bool
	if len(sel.Tools) > 0 {
		for _, name := range sel.Tools {
			t, ok := c.Tool(name)
			if !ok {
				return nil, fmt.Errorf("unknown tool %q in --tools; known tools: %s", name, strings.Join(Names(c.tools), ", "))
			}
			if sel.ReadOnly && !t.ReadOnly() {
				return nil, fmt.Errorf("--tools names %s, which changes GitHub, but --read-only is set", name)
			}
		}
		keep = func(t Tool) bool { return slices.Contains(sel.Tools, t.Name()) }
	} else {
		sets := sel.Toolsets
		if sets == nil {
			sets = c.Defaults()
		}
		for _, s := range sets {
			if s != AllToolsets && c.toolset(s) == nil {
				return nil, fmt.Errorf("unknown toolset %q in --toolsets; known toolsets: %s, or %s", s, strings.Join(c.toolsetNames(), ", "), AllToolsets)
			}
		}
		all := slices.Contains(sets, AllToolsets)
		keep = func(t Tool) bool { return all || slices.Contains(sets, t.Toolset) }
	}
	var out []Tool
	for _, t := range c.tools {
		if keep(t) && (t.ReadOnly() || !sel.ReadOnly) {
			out = append(out, t)
		}
	}
	return out, nil
}

// Names returns the names of ts.
func Names(ts []Tool) []string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Name()
	}
	return names
}

// Need returns what the given tools need from the token: the classic
// "repo" scope for any tool of a toolset that is not Scopeless, and the
// fine-grained permissions of their toolsets and kinds.
func (c *Catalog) Need(ts []Tool) github.Need {
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
		s := c.toolset(t.Toolset)
		if s == nil {
			continue
		}
		add(s.Read)
		if !t.ReadOnly() {
			add(s.Write)
		}
		if !s.Scopeless && !slices.Contains(need.Scopes, "repo") {
			need.Scopes = append(need.Scopes, "repo")
		}
	}
	slices.Sort(need.FineGrained)
	return need
}
