package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// drainTimeout bounds how long the server keeps answering requests that
// were in flight when stdin closed.
const drainTimeout = 60 * time.Second

// inflight tracks requests read from the host and not yet answered, so that
// stdin EOF (a host or a CI job that pipes a transcript and closes its end)
// lets those requests finish instead of cancelling them. An idle server
// still exits at once.
type inflight struct {
	mu        sync.Mutex
	ids       map[string]bool
	cancelled map[string]bool // cancelled by the host while in flight (cancel.go)
	barrier   string          // a request the next line waits for (ordering.go)
	changed   chan struct{}   // closed and replaced on every change
}

func newInflight() *inflight {
	return &inflight{ids: map[string]bool{}, cancelled: map[string]bool{}, changed: make(chan struct{})}
}

// message is the part of a JSON-RPC message that matters here, decoded
// exactly as mcp-go decodes it (jsonrpc a string, id any JSON value), so
// that a request counts as in flight exactly when mcp-go will answer it
// with that id: a line mcp-go cannot decode is answered with id null, and
// an id such as 1.0 comes back as 1.
type message struct {
	JSONRPC string `json:"jsonrpc"`
	Method  string `json:"method"`
	ID      any    `json:"id,omitempty"`
	Result  any    `json:"result,omitempty"`
	Error   any    `json:"error,omitempty"`
}

// idKey is the canonical form of a decoded id, as mcp-go would encode it
// in its response; "" for none.
func idKey(id any) string {
	if id == nil {
		return ""
	}
	b, err := json.Marshal(id)
	if err != nil {
		return ""
	}
	return string(b)
}

func (f *inflight) set(key string, on bool) {
	if key == "" {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if on {
		f.ids[key] = true
	} else {
		delete(f.ids, key)
	}
	close(f.changed)
	f.changed = make(chan struct{})
}

// sawInput records a line from the host.
func (f *inflight) sawInput(line []byte) {
	var m message
	if json.Unmarshal(line, &m) != nil {
		return // mcp-go answers with id null
	}
	switch {
	case m.Method == "notifications/cancelled":
		var c struct {
			Params struct {
				RequestID any `json:"requestId"`
			} `json:"params"`
		}
		if json.Unmarshal(line, &c) == nil {
			f.cancel(idKey(c.Params.RequestID)) // no answer will come (cancel.go)
		}
	case m.ID != nil && m.Result == nil && (m.Method == "initialize" || m.Method == "logging/setLevel"):
		f.setBarrier(idKey(m.ID)) // answered before the next line is read (ordering.go)
	case m.ID != nil && m.Result == nil:
		f.set(idKey(m.ID), true)
	}
}

// sawOutput records a line sent to the host.
func (f *inflight) sawOutput(line []byte) {
	var m message
	if json.Unmarshal(line, &m) != nil {
		return
	}
	if m.Method == "" && (m.Result != nil || m.Error != nil) {
		f.set(idKey(m.ID), false)
	}
}

// wait returns when no request is in flight, ctx ends or timeout passes.
func (f *inflight) wait(ctx context.Context, timeout time.Duration) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		f.mu.Lock()
		n, changed := len(f.ids), f.changed
		f.mu.Unlock()
		if n == 0 {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return
		case <-deadline.C:
			return
		}
	}
}

// MaxMessageBytes is the longest JSON-RPC message ghmcp reads: one line of
// stdin, without its newline. A longer line is not parsed (nor held in
// memory): it is skipped and answered with an Invalid Request error that
// carries its id when the first bytes show one, and the server keeps
// serving. Tool arguments are far smaller (a file to write is at most a
// few MiB).
const MaxMessageBytes = 8 << 20

// idScanBytes is how much of an oversized line is kept to find its id.
const idScanBytes = 64 << 10

// tapReader passes stdin through line by line, recording requests,
// skipping blank lines, refusing lines over MaxMessageBytes, waiting for
// the answer to a barrier request (ordering.go) before reading on, and
// holding back EOF until in-flight requests are answered.
type tapReader struct {
	ctx    context.Context
	src    *bufio.Reader
	f      *inflight
	out    *tapWriter   // where refusals of oversized lines go
	logger *slog.Logger // may be nil
	buf    []byte
	done   bool
}

func (r *tapReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 && !r.done {
		r.f.awaitBarrier(r.ctx)
		line, err := r.readLine()
		if len(bytes.TrimSpace(line)) > 0 {
			if !bytes.HasSuffix(line, []byte("\n")) {
				// The last message lacks its newline (stdin closed):
				// complete it, or mcp-go would drop it unanswered.
				line = append(line, '\n')
			}
			r.f.sawInput(line)
			r.buf = line
		}
		if err != nil {
			r.done = true
			if len(r.buf) == 0 {
				r.f.wait(r.ctx, drainTimeout)
				return 0, err
			}
		}
	}
	if len(r.buf) == 0 {
		r.f.wait(r.ctx, drainTimeout)
		return 0, io.EOF
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// readLine returns the next line of at most MaxMessageBytes (plus its line
// ending), answering and skipping longer ones. Memory stays bounded: an
// oversized line is scanned for its id as it streams past, not kept.
func (r *tapReader) readLine() ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.src.ReadSlice('\n')
		line = append(line, chunk...)
		if len(bytes.TrimRight(line, "\r\n")) > MaxMessageBytes {
			var scan idScanner
			scan.Write(line)
			n := len(line)
			for err == bufio.ErrBufferFull {
				chunk, err = r.src.ReadSlice('\n')
				scan.Write(chunk)
				n += len(chunk)
			}
			r.refuse(scan.ID(), n)
			if err != nil {
				return nil, err
			}
			line = nil
			continue
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return line, err
	}
}

// refuse answers an oversized message.
func (r *tapReader) refuse(id json.RawMessage, size int) {
	if r.logger != nil {
		r.logger.Warn("refused an oversized message", "bytes", size, "limit", MaxMessageBytes, "id", string(id))
	}
	resp, _ := json.Marshal(map[string]any{
		"jsonrpc": "2.0",
		"id":      id,
		"error": map[string]any{
			"code":    -32600,
			"message": fmt.Sprintf("message too large: ghmcp reads at most %d bytes (8 MiB) per JSON-RPC message and this one has %d; it was not processed. Send smaller arguments", MaxMessageBytes, size),
		},
	})
	r.out.writeLine(append(resp, '\n'))
}

// idScanner finds the top-level "id" of a JSON object streamed through
// Write, in constant memory, so that an oversized request is answered
// with its id wherever the id sits in the message. Like encoding/json
// (and so mcp-go), it matches the key case-insensitively and keeps the
// last one.
type idScanner struct {
	started, object bool // saw the first value; it is an object
	depth           int
	inString        bool
	escape          bool
	keyPos          bool   // at depth 1, the next string is a key
	inKey           bool   // reading a key at depth 1
	key             []byte // its first bytes
	keyIsID         bool   // the last key at depth 1 was "id"
	valuePos        bool   // at depth 1, after ':'
	capturing       int    // 0 no, 1 a string id, 2 a number or literal id
	capture         []byte
	id              []byte // the last complete id value, raw
}

// maxIDBytes bounds a captured id or key.
const maxIDBytes = 1024

func (s *idScanner) Write(p []byte) {
	for _, c := range p {
		s.step(c)
	}
}

func (s *idScanner) step(c byte) {
	switch s.capturing {
	case 1:
		s.capture = append(s.capture, c)
		switch {
		case s.escape:
			s.escape = false
		case c == '\\':
			s.escape = true
		case c == '"':
			s.endCapture()
		}
		return
	case 2:
		if c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			s.endCapture()
			break // the delimiter is structure
		}
		s.capture = append(s.capture, c)
		return
	}
	if s.inString {
		switch {
		case s.escape:
			s.escape = false
		case c == '\\':
			s.escape = true
		case c == '"':
			s.inString = false
			if s.inKey {
				s.inKey = false
				var k string
				s.keyIsID = len(s.key) <= maxIDBytes && json.Unmarshal(append(append([]byte{'"'}, s.key...), '"'), &k) == nil && strings.EqualFold(k, "id")
				return
			}
			return
		}
		if s.inKey && len(s.key) <= maxIDBytes {
			s.key = append(s.key, c)
		}
		return
	}
	if !s.started && c != ' ' && c != '\t' && c != '\r' && c != '\n' {
		s.started, s.object = true, c == '{'
	}
	if !s.object {
		return
	}
	value := s.depth == 1 && s.valuePos && c != ' ' && c != '\t' && c != '\r' && c != '\n'
	if value {
		s.valuePos = false
	}
	switch c {
	case '"':
		switch {
		case value && s.keyIsID:
			s.capturing, s.capture = 1, append(s.capture[:0], c)
		case s.depth == 1 && s.keyPos:
			s.inString, s.inKey, s.key = true, true, s.key[:0]
		default:
			s.inString = true
		}
	case '{', '[':
		if value && s.keyIsID {
			s.id = []byte("null") // not a valid id
		}
		s.depth++
		s.keyPos = s.depth == 1
	case '}', ']':
		s.depth--
	case ':':
		if s.depth == 1 {
			s.valuePos, s.keyPos = true, false
		}
	case ',':
		if s.depth == 1 {
			s.keyPos, s.valuePos = true, false
		}
	default:
		if value && s.keyIsID {
			s.capturing, s.capture = 2, append(s.capture[:0], c)
		}
	}
}

func (s *idScanner) endCapture() {
	if len(s.capture) <= maxIDBytes {
		s.id = append(s.id[:0], s.capture...)
	} else {
		s.id = []byte("null")
	}
	s.capturing = 0
	s.escape = false
}

// ID returns the id as mcp-go would echo it (a number or a string), or
// null.
func (s *idScanner) ID() json.RawMessage {
	if s.capturing != 0 {
		s.endCapture() // the line ended inside the value
	}
	var v any
	if json.Unmarshal(s.id, &v) != nil {
		return json.RawMessage("null")
	}
	switch v.(type) {
	case string, float64:
		b, _ := json.Marshal(v)
		return b
	}
	return json.RawMessage("null")
}

// tapWriter is stdout: it writes whole lines only, each redacted (no
// secret leaves on the protocol stream, whatever produced the line), drops
// the responses to requests the host cancelled (cancel.go), and records
// every line sent.
type tapWriter struct {
	mu     sync.Mutex
	dst    io.Writer
	f      *inflight
	redact func(string) string // nil: none
	line   []byte              // an incomplete line, held until its end
}

func (w *tapWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.line = append(w.line, p...)
	for {
		i := bytes.IndexByte(w.line, '\n')
		if i < 0 {
			break
		}
		msg := w.line[:i+1]
		w.line = w.line[i+1:]
		if err := w.emit(msg); err != nil {
			return 0, err
		}
	}
	if len(w.line) == 0 {
		w.line = nil
	}
	return len(p), nil
}

// writeLine writes one complete line of ghmcp's own, between the lines of
// mcp-go.
func (w *tapWriter) writeLine(line []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.emit(line)
}

// emit writes one line; the caller holds w.mu.
func (w *tapWriter) emit(line []byte) error {
	if w.f.dropAnswer(line) {
		return nil // the host cancelled the request: no response (cancel.go)
	}
	out := line
	if w.redact != nil {
		out = []byte(w.redact(string(line)))
	}
	_, err := w.dst.Write(out)
	// Recorded after the write (the drain must not end before the answer
	// is out), and as mcp-go wrote it: its id matches the request's even
	// when redaction changed it.
	w.f.sawOutput(bytes.TrimRight(line, "\r\n"))
	return err
}
