package mcpserver

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// ghmcp serves every protocol revision mcp-go knows: the initialize
// handshake for 2025-11-25, 2025-06-18, 2025-03-26 and 2024-11-05 (an
// unknown version is answered with 2025-11-25), and the stateless
// 2026-07-28 core (server/discover, the version and client capabilities in
// each request's _meta).
//
// What ghmcp offers follows the revision in use: a revision before
// 2025-06-18 has no structured tool output, so its clients get neither
// outputSchema in tools/list nor structuredContent in results (the same
// JSON is in the text content for every revision), and 2024-11-05 has no
// completions, so that capability is not declared to it.

// Revisions that introduced what ghmcp shapes.
const (
	firstStructured  = mcp.ProtocolVersion20250618 // outputSchema, structuredContent
	firstCompletions = mcp.ProtocolVersion20250326 // completion/complete
)

// protocolVersion is the revision of the request being handled.
func protocolVersion(ctx context.Context) string {
	if v := server.RequestProtocolVersion(ctx); v != "" {
		return v
	}
	// No handshake seen (a pipe that skipped it): the newest legacy
	// revision, which has every feature ghmcp uses.
	return mcp.LATEST_LEGACY_PROTOCOL_VERSION
}

// toolsForVersion drops output schemas for revisions that lack them. It is
// a tool filter: it gets copies of the tools, and keeps all of them.
func toolsForVersion(ctx context.Context, ts []mcp.Tool) []mcp.Tool {
	if protocolVersion(ctx) >= firstStructured {
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
func resultForVersion(next server.ToolHandlerFunc) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		res, err := next(ctx, req)
		if res != nil && res.StructuredContent != nil && protocolVersion(ctx) < firstStructured {
			res.StructuredContent = nil
		}
		return res, err
	}
}

// capabilitiesForVersion is an after-initialize hook: it withdraws the
// capabilities the negotiated revision does not define.
func capabilitiesForVersion(_ context.Context, _ any, _ *mcp.InitializeRequest, res *mcp.InitializeResult) {
	if res != nil && res.ProtocolVersion < firstCompletions {
		res.Capabilities.Completions = nil
	}
}
