package tools

// Toolsets group the tools; --toolsets enables some of them.
const (
	ToolsetContext      = "context"
	ToolsetRepos        = "repos"
	ToolsetIssues       = "issues"
	ToolsetPullRequests = "pull_requests"
	ToolsetActions      = "actions"
	ToolsetSearch       = "search"
	ToolsetCollabs      = "collaborators"
)

// All returns every tool, grouped by domain. Each domain file has one
// function listing its tools: grep here, then there, to find a tool.
func All(d Deps) []Tool {
	var all []Tool
	for _, domain := range []func(Deps) []Tool{
		contextTools,
		repoTools,
		issueTools,
		actionTools,
		collaboratorTools,
		pullTools,
		searchTools,
		rateLimitTools,
	} {
		all = append(all, domain(d)...)
	}
	return all
}
