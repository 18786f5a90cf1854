package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Cancellation, per the MCP spec: when the host sends notifications/cancelled
// for a request in flight, ghmcp stops working on it (the GitHub request
// and any rate-limit wait end with its context) and sends no response for
// it. mcp-go cancels the context of a request that has started, but it
// still writes the response the handler returns, and it forgets a
// cancellation that arrives while the request waits in the tool-call
// queue. The stdio tap (stdio.go) sees every line both ways, so it closes
// both gaps: it remembers which requests the host cancelled while they were
// in flight, drops their responses, and lets a queued call see at its start
// that it was cancelled.
//
// A write that GitHub may already have applied is never silently lost: the
// limiter logs one cancelled after it was sent, and a call that finished
// its write just as it was cancelled is logged with its result.

// requestIDHeader carries a tool call's JSON-RPC id from the BeforeCallTool
// hook, which knows it, to the tool middleware, which does not.
const requestIDHeader = "X-Ghmcp-Request-Id"

// cancel records that the host cancelled request key (its id as idKey
// writes it): if it is in flight its response will be dropped.
func (f *inflight) cancel(key string) {
	if key == "" {
		return
	}
	f.mu.Lock()
	if f.ids[key] {
		f.cancelled[key] = true
	}
	f.mu.Unlock()
	f.set(key, false) // no answer will come
}

// isCancelled reports whether the host cancelled request key (its id as
// idKey writes it) while it was in flight.
func (f *inflight) isCancelled(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cancelled[key]
}

// dropAnswer reports whether line is the response to a cancelled request,
// which must not be sent; it forgets the request.
func (f *inflight) dropAnswer(line []byte) bool {
	var m message
	if json.Unmarshal(line, &m) != nil || m.Method != "" || (m.Result == nil && m.Error == nil) {
		return false
	}
	key := idKey(m.ID)
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.cancelled[key] {
		return false
	}
	delete(f.cancelled, key)
	return true
}

type inflightKey struct{}

// intoContext makes f known to the hooks and middleware of every request,
// through stdio's context function.
func (f *inflight) intoContext(ctx context.Context) context.Context {
	return context.WithValue(ctx, inflightKey{}, f)
}

// inflightFrom returns the stdio tap of ctx, or nil.
func inflightFrom(ctx context.Context) *inflight {
	f, _ := ctx.Value(inflightKey{}).(*inflight)
	return f
}

// tagRequest is a BeforeCallTool hook: it hands the call's JSON-RPC id to
// the middleware, as idKey writes it.
func tagRequest(_ context.Context, id any, req *mcp.CallToolRequest) {
	key := idKey(id)
	if key == "" {
		return
	}
	if req.Header == nil {
		req.Header = http.Header{}
	}
	req.Header.Set(requestIDHeader, key)
}

// cancellation returns tool middleware that skips a call the host cancelled
// while it was queued, and logs a write that completed although the host
// had cancelled the call (the host will see no response, so the log is
// where it is reported).
func cancellation(logger *slog.Logger) server.ToolHandlerMiddleware {
	return func(next server.ToolHandlerFunc) server.ToolHandlerFunc {
		return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			id := req.Header.Get(requestIDHeader)
			if f := inflightFrom(ctx); f != nil && id != "" && f.isCancelled(id) {
				logger.InfoContext(ctx, "call cancelled by the host before it started", "tool", req.Params.Name, "id", id)
				return mcp.NewToolResultError(req.Params.Name + ": cancelled"), nil
			}
			res, err := next(ctx, req)
			if ctx.Err() != nil && err == nil && res != nil && !res.IsError && !readOnlyTool(ctx, req.Params.Name) {
				logger.WarnContext(ctx, "call cancelled by the host after its write was applied; the host gets no response", "tool", req.Params.Name, "id", id, "result", resultText(res))
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
