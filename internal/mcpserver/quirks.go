package mcpserver

// What ghmcp corrects in mcp-go v1.2.1, each in one place, with the
// upstream change that would let the correction go (drafted as an issue
// text in docs/upstream/):
//
//  1. Cancelled requests are still answered, and a cancellation that
//     arrives while a tools/call waits in the stdio worker queue is lost.
//     Fixed by owning the stdio transport (package stdio: in-flight map,
//     FIFO call slots, no answer after notifications/cancelled).
//     Delete when: StdioServer drops the response of a cancelled request
//     and checks cancellation before running a queued call
//     (docs/upstream/stdio-cancellation.md).
//
//  2. Notifications are queued for a goroutine of their own, so a
//     progress or log notification sent by a handler can reach the host
//     after that request's response. Fixed by OrderedNotifier (notify.go),
//     which the stdio session implements.
//     Delete when: sessions write notifications sent within a request
//     before its response (docs/upstream/notification-order.md).
//
//  3. At the end of stdin, StdioServer cancels calls in flight at once (a
//     piped transcript loses its answers), and on shutdown it may write
//     answers into a session the client closed. Fixed by package stdio:
//     a bounded drain at the end of input, nothing written after ctx ends.
//     Delete when: StdioServer has a drain option and a closed writer
//     (docs/upstream/stdio-shutdown.md).
//
//  4. Every resource and prompt handler error is answered with -32603.
//     Fixed by codedResourceErrors/codedPromptErrors (server.go), which
//     note the right code (invalid arguments -32602, a missing resource
//     -32002), and, per transport, where the answer is written: on stdio
//     Server.HandleMessage; over HTTP, where mcp-go's StreamableHTTPServer
//     calls MCPServer.HandleMessage itself, TrackErrorCode and
//     internal/httpserver's serveCoded (codes.go), which rewrite a JSON
//     answer (and its 2026-07-28 HTTP status). An answer already streamed
//     as SSE keeps -32603.
//     Delete when: handler errors can carry their JSON-RPC code
//     (docs/upstream/handler-error-codes.md).
//
//  5. Requests are served before initialize, and a second initialize is
//     accepted. Fixed by checkLifecycle (lifecycle.go), a hook every
//     transport passes through.
//     Delete when: MCPServer enforces the lifecycle
//     (docs/upstream/lifecycle.md).
//
//  6. Capabilities do not follow the negotiated version (completions is
//     declared at 2024-11-05, which has no completion/complete), and
//     structured output reaches clients of revisions without it. Fixed by
//     capabilitiesForVersion, toolsForVersion and resultForVersion
//     (versions.go).
//     Delete when: MCPServer shapes capabilities and results by version
//     (docs/upstream/version-shaping.md).
//
//  7. WithInputSchemaValidation answers with the validator's internal
//     text ("<root>: &{Missing:[number]}"). ghmcp does not enable it:
//     its own decoder and validator (package toolkit) are the only
//     validation, and they name the argument and the fix.
//     Nothing to delete; an upstream message fix would still be welcome
//     (docs/upstream/schema-validation-messages.md).
//
//  8. WithRecovery answers a panicking tool with a JSON-RPC error that
//     quotes the panic value. Fixed by recoverTools (server.go): an
//     isError result without the value, logged redacted.
//     Delete when: the recovery message is configurable
//     (docs/upstream/recovery-message.md).
