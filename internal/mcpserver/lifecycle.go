package mcpserver

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// checkLifecycle enforces the MCP lifecycle for every transport, before
// mcp-go handles a request (an error is answered with -32600): a session
// shakes hands once, with initialize, before anything but ping; requests
// of the stateless 2026-07-28 revision carry their version in _meta and
// need no handshake. mcp-go serves requests on an uninitialized session
// and a second initialize (quirks.go).
func checkLifecycle(ctx context.Context, id any, message any) error {
	switch id.(type) {
	case string, float64, int, int64, json.Number:
	default:
		return errors.New("invalid request: an id must be a string or a number")
	}
	if ctx.Value(lifecycleByTransport{}) != nil {
		return nil
	}
	raw, ok := message.(json.RawMessage)
	if !ok {
		return nil
	}
	var m struct {
		Method string `json:"method"`
	}
	if json.Unmarshal(raw, &m) != nil {
		return nil // mcp-go reports it
	}
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil && info.Modern {
		return nil
	}
	if modern(raw) {
		return nil
	}
	sess := server.ClientSessionFromContext(ctx)
	if sess == nil {
		return nil
	}
	switch mcp.MCPMethod(m.Method) {
	case mcp.MethodInitialize:
		if sess.Initialized() {
			return errors.New("invalid request: this session is already initialized; send initialize once")
		}
	case mcp.MethodPing, mcp.MethodServerDiscover:
	default:
		if !sess.Initialized() {
			return errors.New("invalid request: the session is not initialized; send initialize (and notifications/initialized) first")
		}
	}
	return nil
}

type lifecycleByTransport struct{}

// LifecycleByTransport marks a request whose transport enforces the
// handshake itself, so that checkLifecycle leaves it alone. mcp-go's
// Streamable HTTP session reports itself initialized from the start (it
// is rebuilt for each request), which would refuse every initialize; the
// transport instead refuses a request whose Mcp-Session-Id no initialize
// produced (stateful session ids).
func LifecycleByTransport(ctx context.Context) context.Context {
	return context.WithValue(ctx, lifecycleByTransport{}, true)
}

// modern reports whether a request names its protocol version in _meta
// (the 2026-07-28 revision, which has no handshake).
func modern(raw json.RawMessage) bool {
	var m struct {
		Params struct {
			Meta map[string]json.RawMessage `json:"_meta"`
		} `json:"params"`
	}
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	_, ok := m.Params.Meta[mcp.MetaKeyProtocolVersion]
	return ok
}
