package tools

import (
	_ "embed"
	"encoding/json"
	"sync"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// Toolsets group the tools; --toolsets enables some of them.
const (
	ToolsetContext      = "context"
	ToolsetRepos        = "repos"
	ToolsetIssues       = "issues"
	ToolsetPullRequests = "pull_requests"
	ToolsetActions      = "actions"
	ToolsetSearch       = "search"
	ToolsetCollabs      = "collaborators"
	// ToolsetSubIssues, ToolsetRepoAdmin, ToolsetNotifications and
	// ToolsetSecurity are not default: rarer work, kept out of the
	// default context budget.
	ToolsetSubIssues     = "sub_issues"
	ToolsetRepoAdmin     = "repo_admin"
	ToolsetNotifications = "notifications"
	ToolsetSecurity      = "security"
)

// Catalog returns every tool and toolset of ghmcp, built once: tool
// definitions are static data, bound to dependencies by the server.
func Catalog() *toolkit.Catalog { return catalog() }

var catalog = sync.OnceValue(func() *toolkit.Catalog { return buildCatalog().UseSchemas(embeddedSchemas()) })

// schemasJSON holds every tool's schemas, derived from its types ahead of
// time so that the server starts without reflecting over 80 tools (about
// 17 ms). TestEmbeddedSchemasAreDerived fails when they differ from what
// the types derive now; go test ./tools -run TestEmbeddedSchemasAreDerived
// -update rewrites the file.
//
//go:embed schemas.json
var schemasJSON []byte

// embeddedSchemas reads schemas.json; a file that cannot be read leaves
// every tool deriving its own (the test reports it).
func embeddedSchemas() map[string]toolkit.Schemas {
	var m map[string]toolkit.Schemas
	if json.Unmarshal(schemasJSON, &m) != nil {
		return nil
	}
	return m
}

// buildCatalog builds every tool definition (schemas derived by
// reflection) and groups them in toolsets.
func buildCatalog() *toolkit.Catalog {
	// Toolsets in the order help and errors show them. The defaults are
	// what an agent needs daily, at a context cost the budget test holds;
	// the permissions are what a fine-grained token needs (every one has
	// metadata:read).
	toolsets := []toolkit.Toolset{
		{Name: ToolsetContext, Default: true, Scopeless: true},
		{Name: ToolsetRepos, Default: true, Read: []string{"metadata:read", "contents:read"}, Write: []string{"contents:write"}},
		{Name: ToolsetIssues, Default: true, Read: []string{"issues:read"}, Write: []string{"issues:write"}},
		{Name: ToolsetPullRequests, Default: true, Read: []string{"pull_requests:read"}, Write: []string{"pull_requests:write", "contents:write"}},
		{Name: ToolsetActions, Read: []string{"actions:read", "contents:read"}, Write: []string{"actions:write"}},
		{Name: ToolsetCollabs, Read: []string{"metadata:read"}, Write: []string{"administration:write"}},
		{Name: ToolsetSearch, Read: []string{"metadata:read", "contents:read", "issues:read", "pull_requests:read"}},
		{Name: ToolsetSubIssues, Read: []string{"issues:read"}, Write: []string{"issues:write"}},
		// Releases need contents:write; forks and new repositories
		// administration:write.
		{Name: ToolsetRepoAdmin, Read: []string{"metadata:read"}, Write: []string{"contents:write", "administration:write"}},
		// GitHub serves notifications to classic tokens only (scope
		// notifications or repo): no fine-grained permission grants them.
		{Name: ToolsetNotifications},
		{Name: ToolsetSecurity, Read: []string{"security_events:read", "vulnerability_alerts:read", "secret_scanning_alerts:read"}},
	}
	// Every tool, grouped by domain. Each domain file has one function
	// listing its tools: grep here, then there, to find a tool.
	var all []toolkit.Tool
	for _, domain := range []func() []toolkit.Tool{
		contextTools,
		repoTools,
		issueTools,
		actionTools,
		collaboratorTools,
		pullTools,
		searchTools,
		rateLimitTools,
		issueLabelTools,
		repoMoreTools,
		collaboratorMoreTools,
		searchMoreTools,
		notificationTools,
		securityTools,
	} {
		all = append(all, domain()...)
	}
	return toolkit.NewCatalog(toolsets, all...)
}
