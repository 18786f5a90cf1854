package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/ghmcp/ghmcp/internal/redact"
)

// The same slog records that go to stderr (rate-limit waits, retries,
// warnings) also reach the host as notifications/message, at or above the
// level the host asked for, and through the same redaction:
//
//	logger → tee ─┬→ redact → text handler → stderr (or --log-file)
//	              └→ redact → HostLog → notifications/message
//
// Which level applies depends on the protocol in use. A 2026-07-28 request
// names its level in _meta, and without one it gets no log notifications. A
// session that shook hands with initialize has the level it set with
// logging/setLevel ("error" until it sets one). Records logged outside any
// request go only to a session that called logging/setLevel: a host that
// never asked for logs gets none it did not ask for.

// hostLogger is the logger name in every notification.
const hostLogger = "ghmcp"

// HostLog sends log records to MCP hosts. Clones made by WithAttrs and
// WithGroup share its state.
type HostLog struct {
	st *hostLogState
	// enc renders a record's message and attributes as JSON into st.buf.
	enc slog.Handler
}

type hostLogState struct {
	srv     atomic.Pointer[server.MCPServer]
	optedIn atomic.Value // server.ClientSession that called logging/setLevel
	mu      sync.Mutex   // guards buf, written by enc
	buf     bytes.Buffer
}

func NewHostLog() *HostLog {
	st := &hostLogState{}
	enc := slog.NewJSONHandler(&st.buf, &slog.HandlerOptions{
		Level: slog.LevelDebug - 8, // the host's level decides, in Enabled
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			// The level is the notification's; the time is the host's to add.
			if len(groups) == 0 && (a.Key == slog.LevelKey || a.Key == slog.TimeKey) {
				return slog.Attr{}
			}
			return a
		},
	})
	return &HostLog{st: st, enc: enc}
}

// attach names the server whose sessions receive records logged outside a
// request.
func (h *HostLog) attach(srv *server.MCPServer) { h.st.srv.Store(srv) }

// Tee returns a logger that sends every record to base (may be nil) and,
// redacted, to the host.
func (h *HostLog) Tee(base *slog.Logger, redactor *redact.Redactor) *slog.Logger {
	hs := []slog.Handler{redactor.Handler(h)}
	if base != nil {
		hs = append([]slog.Handler{base.Handler()}, hs...)
	}
	return slog.New(teeHandler(hs))
}

// hooks records which session asked for log notifications.
func (h *HostLog) hooks(hk *server.Hooks) {
	hk.AddAfterSetLevel(func(ctx context.Context, _ any, _ *mcp.SetLevelRequest, _ *mcp.EmptyResult) {
		if s, ok := server.ClientSessionFromContext(ctx).(server.SessionWithLogging); ok {
			h.st.optedIn.Store(s)
		}
	})
}

// level is the host's level for a record logged with ctx; ok is false when
// the record must not be sent at all.
func (h *HostLog) level(ctx context.Context) (mcp.LoggingLevel, bool) {
	if info := server.RequestProtocolInfoFromContext(ctx); info != nil && info.Modern {
		return info.LogLevel, info.LogLevel != ""
	}
	if s := server.ClientSessionFromContext(ctx); s != nil {
		if l, ok := s.(server.SessionWithLogging); ok && s.Initialized() {
			return l.GetLogLevel(), true
		}
		return "", false
	}
	if s := h.optedInSession(); s != nil {
		return s.GetLogLevel(), true
	}
	return "", false
}

// optedInSession returns the session that called logging/setLevel, or nil.
// Sending to it fails harmlessly once it has gone.
func (h *HostLog) optedInSession() server.SessionWithLogging {
	s, _ := h.st.optedIn.Load().(server.SessionWithLogging)
	if s == nil || h.st.srv.Load() == nil {
		return nil
	}
	return s
}

func (h *HostLog) Enabled(ctx context.Context, l slog.Level) bool {
	want, ok := h.level(ctx)
	return ok && mcpLevel(l).ShouldSendTo(want)
}

func (h *HostLog) Handle(ctx context.Context, r slog.Record) error {
	h.st.mu.Lock()
	h.st.buf.Reset()
	err := h.enc.Handle(ctx, r)
	data := json.RawMessage(slices.Clone(bytes.TrimSpace(h.st.buf.Bytes())))
	h.st.mu.Unlock()
	if err != nil {
		return err
	}
	n := mcp.NewLoggingMessageNotification(mcpLevel(r.Level), hostLogger, data)
	if _, ordered := server.ClientSessionFromContext(ctx).(OrderedNotifier); ordered {
		// A request's record: written in order with its response.
		if want, ok := h.level(ctx); ok && n.Params.Level.ShouldSendTo(want) {
			return notify(ctx, n.Method, map[string]any{"level": n.Params.Level, "logger": n.Params.Logger, "data": n.Params.Data})
		}
		return nil
	}
	if server.ClientSessionFromContext(ctx) != nil {
		srv := server.ServerFromContext(ctx)
		if srv == nil {
			srv = h.st.srv.Load()
		}
		if srv == nil {
			return nil
		}
		return ignoreUnsent(srv.SendLogMessageToClient(ctx, n))
	}
	if s := h.optedInSession(); s != nil {
		return ignoreUnsent(h.st.srv.Load().SendLogMessageToSpecificClient(s.SessionID(), n))
	}
	return nil
}

// ignoreUnsent drops the errors that only say nobody is listening: a log
// notification is a courtesy, and failing to send one is not worth a log
// line of its own.
func ignoreUnsent(err error) error {
	if errors.Is(err, server.ErrNotificationNotInitialized) || errors.Is(err, server.ErrNotificationChannelBlocked) ||
		errors.Is(err, server.ErrSessionNotFound) || errors.Is(err, server.ErrSessionNotInitialized) {
		return nil
	}
	return err
}

func (h *HostLog) WithAttrs(as []slog.Attr) slog.Handler {
	return &HostLog{st: h.st, enc: h.enc.WithAttrs(as)}
}

func (h *HostLog) WithGroup(name string) slog.Handler {
	return &HostLog{st: h.st, enc: h.enc.WithGroup(name)}
}

// mcpLevel maps a slog level to the MCP (syslog) level at or below it.
func mcpLevel(l slog.Level) mcp.LoggingLevel {
	switch {
	case l >= slog.LevelError+12:
		return mcp.LoggingLevelEmergency
	case l >= slog.LevelError+8:
		return mcp.LoggingLevelAlert
	case l >= slog.LevelError+4:
		return mcp.LoggingLevelCritical
	case l >= slog.LevelError:
		return mcp.LoggingLevelError
	case l >= slog.LevelWarn:
		return mcp.LoggingLevelWarning
	case l >= slog.LevelInfo+2:
		return mcp.LoggingLevelNotice
	case l >= slog.LevelInfo:
		return mcp.LoggingLevelInfo
	}
	return mcp.LoggingLevelDebug
}

// teeHandler sends each record to every handler that wants it.
type teeHandler []slog.Handler

func (t teeHandler) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range t {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (t teeHandler) Handle(ctx context.Context, r slog.Record) error {
	var errs []error
	for _, h := range t {
		if h.Enabled(ctx, r.Level) {
			errs = append(errs, h.Handle(ctx, r.Clone()))
		}
	}
	return errors.Join(errs...)
}

func (t teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	out := make(teeHandler, len(t))
	for i, h := range t {
		out[i] = h.WithAttrs(as)
	}
	return out
}

func (t teeHandler) WithGroup(name string) slog.Handler {
	out := make(teeHandler, len(t))
	for i, h := range t {
		out[i] = h.WithGroup(name)
	}
	return out
}
