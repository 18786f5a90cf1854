// Package mcpserver is ghmcp's MCP server, shared by every transport: the
// capabilities it declares, the tools, resources, prompts and completions
// it offers, and the corrections it makes to mcp-go's behaviour (each
// listed, with the condition for deleting it, in quirks.go).
//
//	transport (stdio, HTTP) ─ Server.HandleMessage ─ lifecycle check (hook)
//	                                                 └ mcp-go MCPServer ─ middleware: recover → cancellation log → progress → version shaping → tool
//	                                                                     └ resources, prompts, completions (error codes corrected)
//
// Transports differ only in framing: they register their session and pass
// each message to HandleMessage.
package mcpserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	gh "github.com/google/go-github/v62/github"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/ghmcp/ghmcp/internal/redact"
	"github.com/ghmcp/ghmcp/internal/toolkit"
	"github.com/ghmcp/ghmcp/prompts"
	"github.com/ghmcp/ghmcp/resources"
	"github.com/ghmcp/ghmcp/tools"
)

// Options are what New needs.
type Options struct {
	// Version is ghmcp's version, reported in serverInfo.
	Version string
	// Deps are the tools' dependencies, bound once to the selected tools.
	Deps toolkit.Deps
	// Selection is which tools to offer (--toolsets, --tools, --read-only).
	Selection toolkit.Selection
	// Dynamic offers enable_toolset alone (--dynamic-toolsets).
	Dynamic bool
	// Redactor removes the token from logged panics.
	Redactor *redact.Redactor
	// HostLog, if set, sends log records to the host (see HostLog).
	HostLog *HostLog
	// ToolMiddleware, if set, wraps every tool call, outermost (metrics).
	ToolMiddleware server.ToolHandlerMiddleware
	// Hooks, if set, adds hooks of the caller's (metrics' session count).
	Hooks func(*server.Hooks)
}

// Server is ghmcp's MCP server: mcp-go's, configured, with HandleMessage
// correcting what mcp-go answers.
type Server struct {
	*server.MCPServer
	logger *slog.Logger
	subs   *subscriptions
}

// New builds the server.
func New(opts Options) (*Server, error) {
	logger := opts.Deps.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if opts.HostLog == nil {
		opts.HostLog = NewHostLog()
	}
	selected, err := tools.Catalog().Select(opts.Selection)
	if err != nil {
		return nil, err
	}
	hooks := &server.Hooks{}
	hooks.AddOnRequestInitialization(checkLifecycle)
	hooks.AddOnRequestInitialization(subscribeWithin(opts.Deps.Repos))
	hooks.AddAfterInitialize(capabilitiesForVersion)
	opts.HostLog.hooks(hooks)
	subs := newSubscriptions()
	subs.hooks(hooks)
	if opts.Hooks != nil {
		opts.Hooks(hooks)
	}
	outer := opts.ToolMiddleware
	if outer == nil {
		outer = func(next server.ToolHandlerFunc) server.ToolHandlerFunc { return next }
	}
	// A session that ended takes its flow-guard state with it.
	hooks.AddOnUnregisterSession(func(_ context.Context, s server.ClientSession) { opts.Deps.Flow.Forget(s.SessionID()) })
	complete := resources.NewCompleter(opts.Deps)
	srv := server.NewMCPServer("ghmcp", opts.Version,
		server.WithToolCapabilities(opts.Dynamic),
		server.WithLogging(),
		server.WithResourceCapabilities(true, false),
		server.WithPromptCapabilities(false),
		server.WithCompletions(),
		server.WithHooks(hooks),
		server.WithToolFilter(toolsForVersion),
		// Middleware runs in the order given, outermost first.
		server.WithToolHandlerMiddleware(outer),
		server.WithToolHandlerMiddleware(recoverTools(opts.Redactor, logger)),
		server.WithToolHandlerMiddleware(loggedCancellation(logger)),
		server.WithToolHandlerMiddleware(progressTools),
		server.WithToolHandlerMiddleware(resultForVersion),
		server.WithResourceHandlerMiddleware(progressResources),
		server.WithResourceHandlerMiddleware(codedResourceErrors),
		server.WithResourceHandlerMiddleware(flowResources(opts.Deps.Flow)),
		server.WithPromptHandlerMiddleware(progressPrompts),
		server.WithPromptHandlerMiddleware(codedPromptErrors),
		server.WithPromptHandlerMiddleware(flowPrompts(opts.Deps.Flow)),
		server.WithResourceCompletionProvider(complete),
		server.WithPromptCompletionProvider(complete),
	)
	if opts.Dynamic {
		srv.AddTools(dynamicToolset(opts, srv))
	} else {
		srv.AddTools(toolkit.Bind(opts.Deps, selected)...)
	}
	opts.HostLog.attach(srv)
	for _, t := range resources.Templates(opts.Deps) {
		srv.AddResourceTemplate(t.Template, t.Handler)
	}
	for _, pr := range prompts.All(opts.Deps) {
		srv.AddPrompt(pr.Prompt, pr.Handler)
	}
	return &Server{MCPServer: srv, logger: logger, subs: subs}, nil
}

// HandleMessage serves one JSON-RPC message from a transport: mcp-go's
// answer, with the error code a handler's error calls for (mcp-go answers
// every resource and prompt handler error with -32603).
func (s *Server) HandleMessage(ctx context.Context, msg json.RawMessage) mcp.JSONRPCMessage {
	slot := &codeSlot{}
	resp := s.MCPServer.HandleMessage(context.WithValue(ctx, codeSlotKey{}, slot), msg)
	slot.mu.Lock()
	code := slot.code
	slot.mu.Unlock()
	if e, ok := resp.(mcp.JSONRPCError); ok && code != 0 && e.Error.Code == mcp.INTERNAL_ERROR {
		e.Error.Code = code
		return e
	}
	return resp
}

// dynamicToolset builds enable_toolset over the tools --dynamic-toolsets
// may offer: those of --toolsets when given (else every toolset), read-only
// ones under --read-only.
func dynamicToolset(opts Options, srv *server.MCPServer) server.ServerTool {
	sel := opts.Selection
	sel.Tools = nil
	if len(sel.Toolsets) == 0 {
		sel.Toolsets = []string{toolkit.AllToolsets}
	}
	candidates, _ := tools.Catalog().Select(sel) // names were checked at start-up
	return toolkit.EnableToolset(opts.Deps, candidates, func(ts []server.ServerTool) { srv.AddTools(ts...) })
}

// recoverTools turns a panic anywhere in a tool call into an isError
// result the model can read, with no stack and no secret, and logs it
// redacted. It replaces mcp-go's WithRecovery, whose JSON-RPC error would
// quote the panic.
func recoverTools(redactor *redact.Redactor, logger *slog.Logger) server.ToolHandlerMiddleware {
	return func(next server.ToolHandlerFunc) server.ToolHandlerFunc {
		return func(ctx context.Context, req mcp.CallToolRequest) (res *mcp.CallToolResult, err error) {
			defer func() {
				if p := recover(); p != nil {
					logger.Error("tool call panicked", "tool", redactor.String(req.Params.Name), "panic", redactor.String(fmt.Sprint(p)))
					res, err = mcp.NewToolResultError("internal error in ghmcp (logged on its stderr); if the tool changes GitHub, the change may have been applied: read the current state before trying again"), nil
				}
			}()
			return next(ctx, req)
		}
	}
}

// codeSlot carries, from a resource or prompt handler's middleware to
// HandleMessage, the JSON-RPC code its error calls for.
type codeSlot struct {
	mu     sync.Mutex
	code   int
	modern bool // the request is at 2026-07-28 or later
}

// TrackErrorCode is HandleMessage's correction for a transport that lets
// mcp-go call MCPServer.HandleMessage itself (its StreamableHTTPServer):
// serve the request with the returned context, then code gives the
// JSON-RPC code that should replace an internal error (-32603) in the
// answer, 0 to leave it, and whether the request spoke the 2026-07-28
// revision (whose HTTP status follows the code: -32602 is 400).
func TrackErrorCode(ctx context.Context) (_ context.Context, code func() (int, bool)) {
	slot := &codeSlot{}
	return context.WithValue(ctx, codeSlotKey{}, slot), func() (int, bool) {
		slot.mu.Lock()
		defer slot.mu.Unlock()
		return slot.code, slot.modern
	}
}

type codeSlotKey struct{}

// errorCode is the JSON-RPC code for a resource or prompt handler's error:
// invalid arguments -32602, a resource GitHub does not have -32002 (-32602
// at 2026-07-28, which aligned it with JSON-RPC), else 0 (mcp-go's
// -32603 stands).
func errorCode(ctx context.Context, err error) int {
	var arg *toolkit.ArgError
	if errors.As(err, &arg) {
		return mcp.INVALID_PARAMS
	}
	var er *gh.ErrorResponse
	if errors.Is(err, server.ErrResourceNotFound) || (errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == 404) {
		if mcp.IsModernProtocol(server.RequestProtocolVersion(ctx)) {
			return mcp.INVALID_PARAMS
		}
		return mcp.RESOURCE_NOT_FOUND
	}
	return 0
}

func setCode(ctx context.Context, err error) {
	if slot, ok := ctx.Value(codeSlotKey{}).(*codeSlot); ok && err != nil {
		code, modern := errorCode(ctx, err), mcp.IsModernProtocol(server.RequestProtocolVersion(ctx))
		slot.mu.Lock()
		slot.code, slot.modern = code, modern
		slot.mu.Unlock()
	}
}

func codedResourceErrors(next server.ResourceHandlerFunc) server.ResourceHandlerFunc {
	return func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		res, err := next(ctx, req)
		setCode(ctx, err)
		return res, err
	}
}

func codedPromptErrors(next server.PromptHandlerFunc) server.PromptHandlerFunc {
	return func(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		res, err := next(ctx, req)
		setCode(ctx, err)
		return res, err
	}
}
