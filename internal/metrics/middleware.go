package metrics

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// ToolMiddleware counts each tool call by tool and outcome, and counts the
// rate limiter's waits made on the call's behalf (ObserveWaits). Install
// it with server.WithToolHandlerMiddleware, outermost, so that it sees
// what the host sees (after recovery has turned a panic into a result).
func (m *Metrics) ToolMiddleware() server.ToolHandlerMiddleware {
	return func(next server.ToolHandlerFunc) server.ToolHandlerFunc {
		return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			res, err := next(m.ObserveWaits(ctx), req)
			outcome := OutcomeOK
			switch {
			case err != nil:
				outcome = OutcomeError
			case res != nil && res.IsError:
				outcome = OutcomeToolError
			}
			m.ToolCall(req.Params.Name, outcome)
			return res, err
		}
	}
}

// Hooks adds session counting to hooks (server.WithHooks): a registered
// session opens, an unregistered one closes.
func (m *Metrics) Hooks(hooks *server.Hooks) {
	hooks.AddOnRegisterSession(func(context.Context, server.ClientSession) { m.SessionOpened() })
	hooks.AddOnUnregisterSession(func(context.Context, server.ClientSession) { m.SessionClosed() })
}
