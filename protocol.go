package main

import (
	"context"
	"log/slog"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/ghmcp/ghmcp/internal/toolkit"
	"github.com/ghmcp/ghmcp/prompts"
	"github.com/ghmcp/ghmcp/resources"
)

// ghmcp serves every protocol revision mcp-go knows: the initialize
// handshake for 2025-11-25, 2025-06-18, 2025-03-26 and 2024-11-05 (an
// unknown version is answered with 2025-11-25), and the stateless
// 2026-07-28 core (server/discover, the version and client capabilities in
// each request's _meta). Besides tools it offers what the protocol has for
// hosts: log notifications (hostlog.go), progress (progress.go),
// cancellation (cancel.go), resources, prompts and completions.
//
// Results follow the revision in use: a revision before 2025-06-18 has no
// structured tool output, so its clients get neither outputSchema in
// tools/list nor structuredContent in results (the same JSON is in the
// text content for every revision).

// firstStructured is the first revision with outputSchema and
// structuredContent.
const firstStructured = mcp.ProtocolVersion20250618

// protocol is the MCP machinery around the tools.
type protocol struct {
	deps     toolkit.Deps
	logger   *slog.Logger
	host     *hostLog
	versions sync.Map // session id → the version its initialize negotiated
}

func newProtocol(deps toolkit.Deps, host *hostLog) *protocol {
	logger := deps.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &protocol{deps: deps, logger: logger, host: host}
}

// options are the server options for capabilities, hooks and middleware;
// they add their hooks to hooks, the server's one set (server.WithHooks
// replaces any earlier set). Middleware runs in the order given, after
// the options before these.
func (p *protocol) options(hooks *server.Hooks) []server.ServerOption {
	hooks.AddAfterInitialize(p.rememberVersion)
	hooks.AddBeforeCallTool(tagRequest)
	p.host.hooks(hooks)
	complete := resources.NewCompleter(p.deps)
	return []server.ServerOption{
		server.WithLogging(),
		server.WithResourceCapabilities(false, false),
		server.WithPromptCapabilities(false),
		server.WithCompletions(),
		server.WithHooks(hooks),
		server.WithToolFilter(p.toolsForVersion),
		server.WithToolHandlerMiddleware(cancellation(p.logger)),
		server.WithToolHandlerMiddleware(progressTools),
		server.WithToolHandlerMiddleware(p.resultForVersion),
		server.WithResourceHandlerMiddleware(progressResources),
		server.WithPromptHandlerMiddleware(progressPrompts),
		server.WithResourceCompletionProvider(complete),
		server.WithPromptCompletionProvider(complete),
	}
}

// register adds the resource templates and prompts, and lets the host log
// reach srv's sessions.
func (p *protocol) register(srv *server.MCPServer) {
	p.host.attach(srv)
	for _, t := range resources.Templates(p.deps) {
		srv.AddResourceTemplate(t.Template, t.Handler)
	}
	for _, pr := range prompts.All(p.deps) {
		srv.AddPrompt(pr.Prompt, pr.Handler)
	}
}

// rememberVersion records the version a session's initialize negotiated:
// mcp-go's stdio session does not keep it.
func (p *protocol) rememberVersion(ctx context.Context, _ any, _ *mcp.InitializeRequest, res *mcp.InitializeResult) {
	if s := server.ClientSessionFromContext(ctx); s != nil && res != nil {
		p.versions.Store(s.SessionID(), res.ProtocolVersion)
	}
}

// version is the protocol revision of the request being handled.
func (p *protocol) version(ctx context.Context) string {
	if v := server.RequestProtocolVersion(ctx); v != "" {
		return v
	}
	if s := server.ClientSessionFromContext(ctx); s != nil {
		if v, ok := p.versions.Load(s.SessionID()); ok {
			return v.(string)
		}
	}
	// No handshake seen (a pipe that skipped it): the newest legacy
	// revision, which has every feature ghmcp uses.
	return mcp.LATEST_LEGACY_PROTOCOL_VERSION
}

// toolsForVersion drops output schemas for revisions that lack them. It is
// a tool filter: it gets copies of the tools, and keeps all of them.
func (p *protocol) toolsForVersion(ctx context.Context, ts []mcp.Tool) []mcp.Tool {
	if p.version(ctx) >= firstStructured {
		return ts
	}
	for i := range ts {
		ts[i].RawOutputSchema = nil
		ts[i].OutputSchema = mcp.ToolOutputSchema{}
	}
	return ts
}

// resultForVersion drops structuredContent for revisions that lack it; the
// text content carries the same JSON.
func (p *protocol) resultForVersion(next server.ToolHandlerFunc) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		res, err := next(ctx, req)
		if res != nil && res.StructuredContent != nil && p.version(ctx) < firstStructured {
			res.StructuredContent = nil
		}
		return res, err
	}
}
