package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
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
	mu      sync.Mutex
	ids     map[string]bool
	changed chan struct{} // closed and replaced on every change
}

func newInflight() *inflight {
	return &inflight{ids: map[string]bool{}, changed: make(chan struct{})}
}

// message is the part of a JSON-RPC message that matters here.
type message struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
	Result json.RawMessage `json:"result"`
	Error  json.RawMessage `json:"error"`
	Params struct {
		RequestID json.RawMessage `json:"requestId"`
	} `json:"params"`
}

func (f *inflight) set(id json.RawMessage, on bool) {
	key := string(bytes.TrimSpace(id))
	if key == "" || key == "null" {
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
		return
	}
	switch {
	case m.Method == "notifications/cancelled":
		f.set(m.Params.RequestID, false) // no answer will come
	case m.Method != "" && len(m.ID) > 0:
		f.set(m.ID, true)
	}
}

// sawOutput records a line sent to the host.
func (f *inflight) sawOutput(line []byte) {
	var m message
	if json.Unmarshal(line, &m) != nil {
		return
	}
	if m.Method == "" && (m.Result != nil || m.Error != nil) {
		f.set(m.ID, false)
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
// skipping blank lines, refusing lines over MaxMessageBytes, and holding
// back EOF until in-flight requests are answered.
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
// ending), answering and skipping longer ones.
func (r *tapReader) readLine() ([]byte, error) {
	var line []byte
	for {
		chunk, err := r.src.ReadSlice('\n')
		line = append(line, chunk...)
		if len(bytes.TrimRight(line, "\r\n")) > MaxMessageBytes {
			head := line[:min(len(line), idScanBytes)]
			n := len(line)
			for err == bufio.ErrBufferFull {
				chunk, err = r.src.ReadSlice('\n')
				n += len(chunk)
			}
			r.refuse(head, n)
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
func (r *tapReader) refuse(head []byte, size int) {
	id := messageID(head)
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

// messageID finds the id of a JSON-RPC message from its first bytes: the
// value of the top-level "id" key, if it comes before the cut and is a
// number or a string; else null.
func messageID(head []byte) json.RawMessage {
	null := json.RawMessage("null")
	dec := json.NewDecoder(bytes.NewReader(head))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return null
	}
	for {
		key, err := dec.Token()
		if err != nil {
			return null
		}
		k, ok := key.(string)
		if !ok {
			return null
		}
		if k == "id" {
			v, err := dec.Token()
			if err != nil {
				return null
			}
			switch v := v.(type) {
			case json.Number:
				return json.RawMessage(v.String())
			case string:
				b, _ := json.Marshal(v)
				return b
			}
			return null
		}
		if skipValue(dec) != nil {
			return null
		}
	}
}

// skipValue consumes one JSON value from dec.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// tapWriter is stdout: it writes whole lines only, each redacted (no
// secret leaves on the protocol stream, whatever produced the line), and
// records every line sent.
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
	if w.redact != nil {
		line = []byte(w.redact(string(line)))
	}
	_, err := w.dst.Write(line)
	w.f.sawOutput(bytes.TrimRight(line, "\r\n"))
	return err
}
