package stdio

import (
	"encoding/json"
	"errors"
	"io"
	"sync"
	"sync/atomic"

	"github.com/mark3labs/mcp-go/mcp"
)

// errClosed is returned for writes after the session ended.
var errClosed = errors.New("stdio: session closed")

// writer is the host's stream: one whole message per line, each redacted,
// none after close. A host that ended the session (SIGTERM, after closing
// its end) must receive nothing more: the official Python SDK crashes on a
// message that arrives after it closed the session.
type writer struct {
	mu     sync.Mutex
	dst    io.Writer
	redact func(string) string // nil: none
	// closed is set without the lock: a write blocked on a host that
	// stopped reading holds it, and closing must not wait for that.
	closed atomic.Bool
	// pending are notifications queued by mcp-go for the session; they are
	// written before any response so that a notification sent during a
	// request precedes that request's response.
	pending <-chan mcp.JSONRPCNotification
}

// write encodes msg as one line and writes it, after any queued
// notifications.
func (w *writer) write(msg any) error {
	b, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	if w.closed.Load() {
		return errClosed
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed.Load() {
		return errClosed
	}
	w.flushLocked()
	return w.lineLocked(b)
}

// flush writes the queued notifications, unless a write is under way
// (one blocked on a host that stopped reading would hold flush forever).
func (w *writer) flush() {
	if !w.mu.TryLock() {
		return
	}
	defer w.mu.Unlock()
	if !w.closed.Load() {
		w.flushLocked()
	}
}

func (w *writer) flushLocked() {
	for {
		select {
		case n := <-w.pending:
			if b, err := json.Marshal(n); err == nil {
				_ = w.lineLocked(b)
			}
		default:
			return
		}
	}
}

func (w *writer) lineLocked(b []byte) error {
	if w.redact != nil {
		b = []byte(w.redact(string(b)))
	}
	_, err := w.dst.Write(append(b, '\n'))
	return err
}

// close stops all writing.
func (w *writer) close() { w.closed.Store(true) }
