package mcpserver

import (
	"context"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// OrderedNotifier is a session that writes a notification at once, on the
// caller's goroutine, so that one sent by a request's handler (progress, a
// log message) reaches the host before that request's response. mcp-go
// queues notifications for a goroutine of their own and gives no such
// order (quirks.go); the stdio session implements this.
type OrderedNotifier interface {
	Notify(n mcp.JSONRPCNotification) error
}

// notify sends a notification to the session of the request of ctx: in
// order when the session can, else through mcp-go.
func notify(ctx context.Context, method string, params map[string]any) error {
	if s, ok := server.ClientSessionFromContext(ctx).(OrderedNotifier); ok {
		return s.Notify(mcp.JSONRPCNotification{
			JSONRPC:      mcp.JSONRPC_VERSION,
			Notification: mcp.Notification{Method: method, Params: mcp.NotificationParams{AdditionalFields: params}},
		})
	}
	srv := server.ServerFromContext(ctx)
	if srv == nil {
		return server.ErrNotificationNotInitialized
	}
	return srv.SendNotificationToClient(ctx, method, params)
}
