package stdio

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// session is the one MCP session of a stdio connection, as mcp-go sees it:
// the client's identity, capabilities, negotiated version and log level,
// its resource subscriptions, and requests from server to client
// (elicitation).
type session struct {
	out           *writer
	notifications chan mcp.JSONRPCNotification
	initialized   atomic.Bool

	mu            sync.Mutex
	logLevel      mcp.LoggingLevel
	version       string
	clientInfo    mcp.Implementation
	clientCaps    mcp.ClientCapabilities
	subscriptions []string

	// earlyMu guards lastID, waiting and early: requests of the server's
	// to the client, and the client's answers.
	lastID  int64                        // the last request id used, "ghmcp-<lastID>"
	waiting map[string]chan clientAnswer // request id → where its answer goes
	// early holds answers that came before their request was sent: a
	// client that pipes its input (a transcript) may answer the request
	// it knows will come; at most maxEarly, for ids not yet used.
	earlyMu sync.Mutex
	early   map[string]clientAnswer
}

// clientAnswer is the client's response to a request of the server's.
type clientAnswer struct {
	result json.RawMessage
	err    *mcp.JSONRPCErrorDetails
}

var (
	_ server.SessionWithLogging               = (*session)(nil)
	_ server.SessionWithClientInfo            = (*session)(nil)
	_ server.SessionWithProtocolVersion       = (*session)(nil)
	_ server.SessionWithElicitation           = (*session)(nil)
	_ server.SessionWithResourceSubscriptions = (*session)(nil)
)

func newSession(out *writer, queue chan mcp.JSONRPCNotification) *session {
	return &session{out: out, notifications: queue, logLevel: mcp.LoggingLevelError}
}

// SessionID names the one stdio session.
func (s *session) SessionID() string { return "stdio" }

// NotificationChannel is where mcp-go queues notifications; the writer
// sends them before the next response, and a goroutine sends them when
// the session is otherwise idle.
func (s *session) NotificationChannel() chan<- mcp.JSONRPCNotification { return s.notifications }

// Initialize marks the handshake done.
func (s *session) Initialize() { s.initialized.Store(true) }

// Initialized reports whether the handshake is done.
func (s *session) Initialized() bool { return s.initialized.Load() }

// SetLogLevel records the level the client asked for.
func (s *session) SetLogLevel(l mcp.LoggingLevel) { s.mu.Lock(); s.logLevel = l; s.mu.Unlock() }

// GetLogLevel is the client's level ("error" until it sets one).
func (s *session) GetLogLevel() mcp.LoggingLevel { s.mu.Lock(); defer s.mu.Unlock(); return s.logLevel }

// SetProtocolVersion records the version initialize negotiated.
func (s *session) SetProtocolVersion(v string) { s.mu.Lock(); s.version = v; s.mu.Unlock() }

// ProtocolVersion is the negotiated version, "" before initialize.
func (s *session) ProtocolVersion() string { s.mu.Lock(); defer s.mu.Unlock(); return s.version }

// GetClientInfo is the client's name and version.
func (s *session) GetClientInfo() mcp.Implementation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clientInfo
}

// SetClientInfo records the client's name and version.
func (s *session) SetClientInfo(i mcp.Implementation) { s.mu.Lock(); s.clientInfo = i; s.mu.Unlock() }

// GetClientCapabilities is what the client said it supports.
func (s *session) GetClientCapabilities() mcp.ClientCapabilities {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.clientCaps
}

// SetClientCapabilities records what the client supports.
func (s *session) SetClientCapabilities(c mcp.ClientCapabilities) {
	s.mu.Lock()
	s.clientCaps = c
	s.mu.Unlock()
}

// SubscribeToResource records a resources/subscribe.
func (s *session) SubscribeToResource(uri string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Contains(s.subscriptions, uri) {
		s.subscriptions = append(s.subscriptions, uri)
	}
}

// UnsubscribeFromResource records a resources/unsubscribe.
func (s *session) UnsubscribeFromResource(uri string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subscriptions = slices.DeleteFunc(s.subscriptions, func(u string) bool { return u == uri })
}

// SubscribedResources lists the subscribed URIs.
func (s *session) SubscribedResources() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.subscriptions)
}

// Notify writes a notification now, on the caller's goroutine: sent by a
// request's handler, it reaches the host before that request's response
// (mcp-go's NotificationChannel gives no such order).
func (s *session) Notify(n mcp.JSONRPCNotification) error {
	return s.out.write(n)
}

// RequestElicitation asks the user, through the client, for input.
func (s *session) RequestElicitation(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	raw, err := s.request(ctx, string(mcp.MethodElicitationCreate), req.Params)
	if err != nil {
		return nil, err
	}
	var res mcp.ElicitationResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, fmt.Errorf("elicitation: the client's answer is not an elicitation result: %w", err)
	}
	return &res, nil
}

// request sends a request to the client and waits for its answer or the
// end of ctx.
func (s *session) request(ctx context.Context, method string, params any) (json.RawMessage, error) {
	ch := make(chan clientAnswer, 1)
	// Allocating the id, taking an answer that came early and registering
	// the wait happen under one lock with answer's lookup, so that an
	// answer is either early (kept) or awaited, never lost between.
	s.earlyMu.Lock()
	s.lastID++
	id := "ghmcp-" + strconv.FormatInt(s.lastID, 10)
	if a, ok := s.early[id]; ok {
		delete(s.early, id)
		ch <- a
	}
	if s.waiting == nil {
		s.waiting = map[string]chan clientAnswer{}
	}
	s.waiting[id] = ch
	s.earlyMu.Unlock()
	defer func() {
		s.earlyMu.Lock()
		delete(s.waiting, id)
		s.earlyMu.Unlock()
	}()
	msg := struct {
		JSONRPC string `json:"jsonrpc"`
		ID      string `json:"id"`
		Method  string `json:"method"`
		Params  any    `json:"params,omitempty"`
	}{mcp.JSONRPC_VERSION, id, method, params}
	if err := s.out.write(msg); err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case a := <-ch:
		if a.err != nil {
			return nil, fmt.Errorf("%s: the client answered with error %d: %s", method, a.err.Code, a.err.Message)
		}
		return a.result, nil
	}
}

// answer delivers a response from the client to the request that awaits
// it, or keeps it for a request not sent yet (a pipe that sends its
// answer ahead); it reports whether it was taken.
func (s *session) answer(id json.RawMessage, result json.RawMessage, errDetails *mcp.JSONRPCErrorDetails) bool {
	var key string
	if json.Unmarshal(id, &key) != nil {
		return false
	}
	a := clientAnswer{result: result, err: errDetails}
	s.earlyMu.Lock()
	defer s.earlyMu.Unlock()
	if ch, ok := s.waiting[key]; ok {
		select {
		case ch <- a:
		default:
		}
		return true
	}
	return s.keepEarlyLocked(key, a)
}

// IsSubscribedToResource reports whether the session subscribed to uri.
func (s *session) IsSubscribedToResource(uri string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Contains(s.subscriptions, uri)
}

// maxEarly bounds the answers kept for requests not yet sent.
const maxEarly = 8

// keepEarlyLocked keeps an answer to a request this session has not sent
// yet (an id "ghmcp-N" past the last one used), for request to find; the
// caller holds earlyMu.
func (s *session) keepEarlyLocked(key string, a clientAnswer) bool {
	n, err := strconv.ParseInt(strings.TrimPrefix(key, "ghmcp-"), 10, 64)
	if err != nil || !strings.HasPrefix(key, "ghmcp-") || n <= s.lastID {
		return false
	}
	if s.early == nil {
		s.early = map[string]clientAnswer{}
	}
	if len(s.early) >= maxEarly {
		return false
	}
	s.early[key] = a
	return true
}
