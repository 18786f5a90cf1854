// Package stdio is the MCP stdio transport: newline-delimited JSON-RPC on
// a pair of streams, one session, served through mcp-go's message API
// (MCPServer.HandleMessage). It owns what belongs to the connection and
// nothing else:
//
//	stdin ─ lineReader (size cap) ─ Serve: parse once, route ─┬─ inline: initialize, logging/setLevel, notifications
//	                                                          ├─ goroutine: other requests
//	                                                          ├─ call slots (FIFO-ish): tools/call
//	                                                          └─ session.answer: the client's responses
//	handlers ─ writer (whole lines, redacted, queued notifications first, nothing after close) ─ stdout
//
// Every request read is in the in-flight map until answered, with its
// context's cancel function: notifications/cancelled cancels it and drops
// its answer. At the end of input, calls in flight get Options.Drain to
// finish and answer; at the end of ctx (SIGTERM) nothing more is written.
package stdio

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Server is what the transport serves: mcp-go's MCPServer, or a wrapper of
// it that corrects its answers (see package mcpserver).
type Server interface {
	RegisterSession(ctx context.Context, s server.ClientSession) error
	UnregisterSession(ctx context.Context, sessionID string)
	WithContext(ctx context.Context, s server.ClientSession) context.Context
	HandleMessage(ctx context.Context, msg json.RawMessage) mcp.JSONRPCMessage
}

// Defaults of Options.
const (
	// DefaultMaxMessageBytes is the longest message read: 8 MiB. Tool
	// arguments are far smaller (a file to write is at most a few MiB).
	DefaultMaxMessageBytes = 8 << 20
	// DefaultDrain is how long calls in flight at the end of input may
	// still run and answer. Hosts close stdin and send SIGTERM about 2 s
	// later; a piped transcript gets the answers of calls that finish
	// within this bound.
	DefaultDrain = 1500 * time.Millisecond
)

// Bounds of the requests read and not yet answered: beyond them a request
// is answered at once with a "server busy" error. Tool calls beyond the
// call slots wait in memory, each with its message (up to
// MaxMessageBytes), so both the count and the bytes are bounded.
const (
	maxInFlight      = 512
	maxInFlightBytes = 64 << 20
)

// stopGrace bounds how long Serve waits, after cancelling them, for
// handlers to return (so that their logs are written) before it returns.
const stopGrace = time.Second

// Options configure Serve. The zero value is usable.
type Options struct {
	Logger *slog.Logger
	// Redact is applied to every line written; nil: none.
	Redact func(string) string
	// MaxCalls bounds the tools/call requests run at once; the others wait
	// for a slot (in order), where cancellation reaches them. 0: 5.
	MaxCalls int
	// Drain is how long calls in flight at the end of input may run; 0:
	// DefaultDrain.
	Drain time.Duration
	// MaxMessageBytes caps one message; 0: DefaultMaxMessageBytes.
	MaxMessageBytes int
}

// Serve serves one session on in and out until the end of input (after
// the drain) or of ctx. It returns nil at the end of input or ctx.
func Serve(ctx context.Context, srv Server, in io.Reader, out io.Writer, opts Options) error {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxCalls <= 0 {
		opts.MaxCalls = 5
	}
	if opts.Drain <= 0 {
		opts.Drain = DefaultDrain
	}
	if opts.MaxMessageBytes <= 0 {
		opts.MaxMessageBytes = DefaultMaxMessageBytes
	}
	queue := make(chan mcp.JSONRPCNotification, 256)
	c := &conn{
		srv:      srv,
		opts:     opts,
		out:      &writer{dst: out, redact: opts.Redact, pending: queue},
		slots:    newSlots(opts.MaxCalls),
		inflight: map[string]*call{},
		idle:     make(chan struct{}),
	}
	c.sess = newSession(c.out, queue)
	if err := srv.RegisterSession(ctx, c.sess); err != nil {
		return fmt.Errorf("stdio: register session: %w", err)
	}
	defer srv.UnregisterSession(context.WithoutCancel(ctx), c.sess.SessionID())

	// Requests live in base, not ctx: at the end of input they may outlive
	// the read loop (the drain); at the end of ctx they are cancelled with it.
	base, cancelAll := context.WithCancel(srv.WithContext(context.WithoutCancel(ctx), c.sess))
	defer cancelAll()
	go func() {
		select {
		case <-ctx.Done():
			c.out.close() // SIGTERM: the host has gone; write nothing more
			cancelAll()
		case <-base.Done():
		}
	}()
	go c.sendQueued(base, queue)

	lines := make(chan line)
	readErr := make(chan error, 1)
	go func() {
		r := newLineReader(in, opts.MaxMessageBytes)
		for {
			l, err := r.next()
			if err != nil {
				readErr <- err
				return
			}
			select {
			case lines <- l:
			case <-base.Done():
				return
			}
		}
	}()

	for {
		select {
		case <-ctx.Done():
			c.stop(cancelAll)
			return nil
		case err := <-readErr:
			if !errors.Is(err, io.EOF) {
				opts.Logger.Warn("reading stdin failed; ending the session", "error", err)
			}
			if !c.drain(ctx, opts.Drain) && ctx.Err() == nil {
				// Cut off: cancel what still runs, and let the answers
				// (cancellation errors) out for a moment, so that a client
				// still waiting on them is released rather than left to
				// time out. Nothing is written after ctx ends.
				opts.Logger.Warn("end of input: requests still running after the drain are cancelled", "drain", opts.Drain)
				c.cut()
				cancelAll()
				c.drain(ctx, stopGrace)
			}
			if ctx.Err() == nil {
				c.out.flush()
			}
			c.out.close()
			c.stop(cancelAll)
			return nil
		case l := <-lines:
			c.handle(base, l)
		}
	}
}

// conn is one served stream.
type conn struct {
	srv   Server
	opts  Options
	out   *writer
	sess  *session
	slots *slots // tools/call slots

	mu       sync.Mutex
	inflight map[string]*call
	// inflightBytes is the size of the requests in inflight: a host that
	// pipes requests faster than they are served (or a hostile one) is
	// told to wait rather than grow the process (see maxInFlight).
	inflightBytes int
	idle          chan struct{} // closed and replaced whenever inflight shrinks
	wg            sync.WaitGroup
}

// call is a request read and not yet answered.
type call struct {
	id        json.RawMessage
	cancel    context.CancelFunc
	cancelled bool // by the host: its answer is dropped
	cut       bool // by the end of the drain: answered with an error if it has no answer
	size      int  // bytes of the request, held until it is answered
}

// handle routes one line.
func (c *conn) handle(ctx context.Context, l line) {
	if l.oversize > 0 {
		c.opts.Logger.Warn("refused an oversized message", "bytes", l.oversize, "limit", c.opts.MaxMessageBytes, "id", string(l.id))
		c.reply(l.id, mcp.INVALID_REQUEST, fmt.Sprintf("message too large: ghmcp reads at most %d bytes per JSON-RPC message and this one has %d; it was not processed. Send smaller arguments", c.opts.MaxMessageBytes, l.oversize))
		return
	}
	var m envelope
	if err := json.Unmarshal(l.data, &m); err != nil {
		if !json.Valid(l.data) {
			c.reply(nil, mcp.PARSE_ERROR, "parse error: the line is not valid JSON")
		} else {
			c.reply(nil, mcp.INVALID_REQUEST, "invalid request: a message must be a JSON object (batches are not supported)")
		}
		return
	}
	switch {
	case m.JSONRPC != mcp.JSONRPC_VERSION:
		if m.Method != "" || (m.Result == nil && m.Error == nil) { // never answer a response
			c.reply(m.validID(), mcp.INVALID_REQUEST, `invalid request: "jsonrpc" must be "2.0"`)
		}
	case m.hasID() && !m.idValid():
		c.reply(nil, mcp.INVALID_REQUEST, "invalid request: an id must be a string or a number")
	case m.Method == "" && (m.Result != nil || m.Error != nil):
		// A response from the client: to a request of ours, or to none.
		// Either way it gets no reply.
		var details *mcp.JSONRPCErrorDetails
		if m.Error != nil {
			details = &mcp.JSONRPCErrorDetails{}
			_ = json.Unmarshal(m.Error, details)
		}
		c.sess.answer(m.ID, m.Result, details)
	case !m.hasID():
		c.notification(ctx, m, l.data)
	default:
		c.request(ctx, m, l.data)
	}
}

// notification handles a notification inline: none waits for anything.
func (c *conn) notification(ctx context.Context, m envelope, data []byte) {
	if m.Method == string(mcp.MethodNotificationCancelled) {
		var p struct {
			RequestID json.RawMessage `json:"requestId"`
		}
		if json.Unmarshal(m.Params, &p) == nil {
			c.cancel(idKey(p.RequestID))
		}
		return
	}
	if resp := c.srv.HandleMessage(ctx, data); resp != nil {
		_ = c.out.write(resp)
	}
}

// request registers a request and serves it: initialize and
// logging/setLevel before the next line is read (a pipe that sends every
// line at once gets the session a waiting host gets), tools/call on a call
// slot, the rest at once on their own goroutines (a blocking handler must
// not stall the read loop).
func (c *conn) request(ctx context.Context, m envelope, data []byte) {
	key := idKey(m.ID)
	ctx, cancel := context.WithCancel(ctx)
	c.mu.Lock()
	if _, dup := c.inflight[key]; dup {
		c.mu.Unlock()
		cancel()
		c.reply(m.ID, mcp.INVALID_REQUEST, fmt.Sprintf("invalid request: id %s is already in use by a request in flight; use a new id", key))
		return
	}
	if len(c.inflight) >= maxInFlight || c.inflightBytes+len(data) > maxInFlightBytes {
		n := len(c.inflight)
		c.mu.Unlock()
		cancel()
		c.reply(m.ID, mcp.INTERNAL_ERROR, fmt.Sprintf("server busy: %d requests are in flight; wait for their answers, then send this one again", n))
		return
	}
	cl := &call{id: m.ID, cancel: cancel, size: len(data)}
	c.inflight[key] = cl
	c.inflightBytes += len(data)
	c.mu.Unlock()

	switch m.Method {
	case string(mcp.MethodInitialize), string(mcp.MethodSetLogLevel):
		c.serve(ctx, key, cl, data)
		return
	}
	var ticket chan struct{}
	if m.Method == string(mcp.MethodToolsCall) {
		ticket = c.slots.enqueue() // in the order read
	}
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		if ticket != nil {
			if c.slots.wait(ctx, ticket) != nil {
				c.done(key, nil) // cancelled while waiting: no answer
				return
			}
			defer c.slots.release()
		}
		c.serve(ctx, key, cl, data)
	}()
}

// serve runs one request and sends its answer unless it was cancelled.
func (c *conn) serve(ctx context.Context, key string, cl *call, data []byte) {
	if ctx.Err() != nil {
		c.done(key, nil)
		return
	}
	resp := c.srv.HandleMessage(ctx, data)
	c.done(key, resp)
}

// done writes a request's answer, unless the host cancelled it (the spec:
// no response to a cancelled request), then forgets the request: in that
// order, so that the drain does not end before the answer is out.
func (c *conn) done(key string, resp mcp.JSONRPCMessage) {
	c.mu.Lock()
	cl := c.inflight[key]
	cancelled := cl != nil && cl.cancelled
	cut := cl != nil && cl.cut
	c.mu.Unlock()
	if cl == nil {
		return
	}
	if resp == nil && cut && !cancelled {
		c.reply(cl.id, mcp.INTERNAL_ERROR, "cancelled: stdin closed before this request could run (ghmcp lets calls in flight finish for --drain-timeout); send it again in a new session")
	}
	if !cancelled && resp != nil {
		if err := c.out.write(resp); err != nil && !errors.Is(err, errClosed) {
			c.opts.Logger.Warn("writing a response failed", "error", err)
		}
	}
	cl.cancel()
	c.mu.Lock()
	delete(c.inflight, key)
	c.inflightBytes -= cl.size
	close(c.idle)
	c.idle = make(chan struct{})
	c.mu.Unlock()
}

// cancel handles notifications/cancelled for request key.
func (c *conn) cancel(key string) {
	c.mu.Lock()
	cl := c.inflight[key]
	if cl != nil {
		cl.cancelled = true
	}
	c.mu.Unlock()
	if cl != nil {
		cl.cancel()
	}
}

// drain waits until no request is in flight (true), or d passes or ctx
// ends (false).
func (c *conn) drain(ctx context.Context, d time.Duration) bool {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		n, idle := len(c.inflight), c.idle
		c.mu.Unlock()
		if n == 0 {
			return true
		}
		select {
		case <-idle:
		case <-deadline.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// cut marks every request in flight as cut off by the end of the drain.
func (c *conn) cut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, cl := range c.inflight {
		cl.cut = true
	}
}

// stop cancels what still runs and waits a little for handlers to return.
func (c *conn) stop(cancelAll context.CancelFunc) {
	c.out.close()
	cancelAll()
	finished := make(chan struct{})
	go func() { c.wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(stopGrace):
	}
}

// sendQueued writes notifications mcp-go queues while no response is
// being written (tools/list_changed, resource updates, logs outside a
// request).
func (c *conn) sendQueued(ctx context.Context, queue chan mcp.JSONRPCNotification) {
	for {
		select {
		case <-ctx.Done():
			return
		case n := <-queue:
			_ = c.out.write(n)
		}
	}
}

// reply writes an error response of the transport's own.
func (c *conn) reply(id json.RawMessage, code int, message string) {
	if len(id) == 0 {
		id = json.RawMessage("null")
	}
	_ = c.out.write(struct {
		JSONRPC string                  `json:"jsonrpc"`
		ID      json.RawMessage         `json:"id"`
		Error   mcp.JSONRPCErrorDetails `json:"error"`
	}{mcp.JSONRPC_VERSION, id, mcp.JSONRPCErrorDetails{Code: code, Message: message}})
}

// envelope is a message parsed once: what routing needs.
type envelope struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
	Result  json.RawMessage `json:"result"`
	Error   json.RawMessage `json:"error"`
}

func (m envelope) hasID() bool { return len(m.ID) > 0 && !bytes.Equal(m.ID, []byte("null")) }

// idValid reports whether the id is a string or a number.
func (m envelope) idValid() bool {
	switch m.ID[0] {
	case '"', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return true
	}
	return false
}

// validID is the id to echo in an error: the message's, if valid.
func (m envelope) validID() json.RawMessage {
	if m.hasID() && m.idValid() {
		return m.ID
	}
	return nil
}

// idKey is the canonical form of an id as mcp-go echoes it (1.0 and 1 are
// the same request).
func idKey(id json.RawMessage) string {
	var v any
	if json.Unmarshal(id, &v) != nil {
		return string(id)
	}
	b, _ := json.Marshal(v)
	return string(b)
}
