package mcpserver

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Cancellation, per the MCP spec: when the host cancels a request, ghmcp
// stops working on it (the GitHub request and any rate-limit wait end with
// its context) and the transport sends no response for it. A write that
// GitHub may already have applied is never silently lost: the limiter logs
// one cancelled after it was sent, and loggedCancellation logs a call that
// finished its write just as it was cancelled, with its result, since the
// host will see no response.
func loggedCancellation(logger *slog.Logger) server.ToolHandlerMiddleware {
	return func(next server.ToolHandlerFunc) server.ToolHandlerFunc {
		return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			res, err := next(ctx, req)
			if ctx.Err() != nil && err == nil && res != nil && !res.IsError && !readOnlyTool(ctx, req.Params.Name) {
				logger.WarnContext(ctx, "call cancelled by the host after its write was applied; the host gets no response", "tool", req.Params.Name, "result", resultText(res))
			}
			return res, err
		}
	}
}

// readOnlyTool reports whether the named tool is annotated read-only.
func readOnlyTool(ctx context.Context, name string) bool {
	srv := server.ServerFromContext(ctx)
	if srv == nil {
		return false
	}
	t := srv.GetTool(name)
	return t != nil && t.Tool.Annotations.ReadOnlyHint != nil && *t.Tool.Annotations.ReadOnlyHint
}

// resultText is the first text of a result, cut for a log line.
func resultText(res *mcp.CallToolResult) string {
	for _, c := range res.Content {
		if t, ok := c.(mcp.TextContent); ok {
			if len(t.Text) > 500 {
				return t.Text[:500] + fmt.Sprintf("... (%d bytes)", len(t.Text))
			}
			return t.Text
		}
	}
	return ""
}
