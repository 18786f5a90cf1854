package mcpserver

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/ghmcp/ghmcp/internal/allowlist"
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

// subscribeWithin refuses resources/subscribe to a repository outside
// --repos: a subscription reports activity (webhook deliveries) on the
// repository it names, which must be one this server may use.
func subscribeWithin(repos *allowlist.List) server.OnRequestInitializationFunc {
	return func(_ context.Context, _ any, message any) error {
		raw, ok := message.(json.RawMessage)
		if !ok || repos == nil {
			return nil
		}
		var m struct {
			Method mcp.MCPMethod `json:"method"`
			Params struct {
				URI string `json:"uri"`
			} `json:"params"`
		}
		if json.Unmarshal(raw, &m) != nil || m.Method != mcp.MethodResourcesSubscribe {
			return nil
		}
		owner, repo, ok := resources.RepoOf(m.Params.URI)
		if !ok {
			return fmt.Errorf("invalid request: subscribe to a repo://OWNER/REPO/issues/N or /pulls/N resource, got %q", m.Params.URI)
		}
		return repos.Check(owner, repo)
	}
}
