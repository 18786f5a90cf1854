package tools

import (
	"encoding/json"
	"slices"
	"testing"
)

// The context economy targets (issue 4): what the model sees of the
// default toolsets' definitions (name, description, input schema and
// annotations) averages at most half of the official GitHub MCP server's
// ~1,150 bytes per tool, and the whole default list stays within 25 KB.
const (
	budgetPerTool = 575
	budgetTotal   = 25 * 1024
)

// defaultToolsets are the toolsets enabled when --toolsets is not given.
var defaultToolsets = []string{ToolsetContext, ToolsetRepos, ToolsetIssues, ToolsetPullRequests}

// TestToolListBudget prints the bytes each default tool costs the model
// and fails when the average or the total exceeds the budget, so that
// growth is a deliberate decision. Run with -v to see the figures.
func TestToolListBudget(t *testing.T) {
	total, n := 0, 0
	for _, tool := range Catalog().Tools() {
		if !slices.Contains(defaultToolsets, tool.Toolset) {
			continue
		}
		b, err := json.Marshal(struct {
			Name        string          `json:"name"`
			Description string          `json:"description"`
			InputSchema json.RawMessage `json:"inputSchema"`
			Annotations any             `json:"annotations"`
		}{tool.Name(), tool.Def().Description, tool.Def().RawInputSchema, tool.Def().Annotations})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%-34s %5d bytes", tool.Name(), len(b))
		total += len(b)
		n++
	}
	if n == 0 {
		t.Fatal("no default tools")
	}
	avg := total / n
	t.Logf("default toolsets: %d tools, %d bytes, %d bytes per tool (budget %d per tool, %d total)", n, total, avg, budgetPerTool, budgetTotal)
	if avg > budgetPerTool {
		t.Errorf("average %d bytes per tool exceeds the budget of %d", avg, budgetPerTool)
	}
	if total > budgetTotal {
		t.Errorf("total %d bytes exceeds the budget of %d", total, budgetTotal)
	}
}
