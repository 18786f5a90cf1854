package tools

// All returns every tool, in the order tools/list shows them. This is the
// one registration list: grep here to find a tool.
func All(d Deps) []Tool {
	return []Tool{
		getRepositoryDetails(d),
		createIssue(d),
	}
}
