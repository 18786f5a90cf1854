package mcpserver

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/ghmcp/ghmcp/internal/flowguard"
	"github.com/ghmcp/ghmcp/resources"
)

// Resources and prompts read GitHub too: the flow guard must learn that a
// session read a private repository through them as through a read tool
// (internal/toolkit tells it for tools). Both name their repository in
// the request: the repo:// URI, the owner and repo arguments.

// flowResources tells the guard which repository a resource read came
// from.
func flowResources(g *flowguard.Guard) server.ResourceHandlerMiddleware {
	return func(next server.ResourceHandlerFunc) server.ResourceHandlerFunc {
		return func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
			res, err := next(ctx, req)
			if owner, repo, ok := resources.RepoOf(req.Params.URI); ok && err == nil {
				g.Read(ctx, owner, repo)
			}
			return res, err
		}
	}
}

// flowPrompts tells the guard which repository a prompt's text came from.
func flowPrompts(g *flowguard.Guard) server.PromptHandlerMiddleware {
	return func(next server.PromptHandlerFunc) server.PromptHandlerFunc {
		return func(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
			res, err := next(ctx, req)
			if owner, repo := req.Params.Arguments["owner"], req.Params.Arguments["repo"]; err == nil && owner != "" && repo != "" {
				g.Read(ctx, owner, repo)
			}
			return res, err
		}
	}
}
