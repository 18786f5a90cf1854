package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
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
		f.cancel(m.Params.RequestID) // no answer will come
	case m.Method == "initialize" || m.Method == "logging/setLevel":
		f.setBarrier(m.ID) // answered before the next line is read (ordering.go)
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

// tapReader passes stdin through line by line, recording requests, and
// holds back EOF until in-flight requests are answered.
type tapReader struct {
	ctx  context.Context
	src  *bufio.Reader
	f    *inflight
	buf  []byte
	done bool
}

func (r *tapReader) Read(p []byte) (int, error) {
	if len(r.buf) == 0 && !r.done {
		r.f.awaitBarrier(r.ctx)
		line, err := r.src.ReadBytes('\n')
		if len(line) > 0 {
			r.f.sawInput(line)
			r.buf = line
		}
		if err != nil {
			r.done = true
			if len(line) == 0 {
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

// tapWriter records every line written to stdout.
type tapWriter struct {
	mu   sync.Mutex
	dst  io.Writer
	f    *inflight
	line []byte
}

func (w *tapWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.line) == 0 && w.f.dropAnswer(p) {
		return len(p), nil // the host cancelled the request: no response (cancel.go)
	}
	n, err := w.dst.Write(p)
	w.line = append(w.line, p[:n]...)
	for {
		i := bytes.IndexByte(w.line, '\n')
		if i < 0 {
			break
		}
		w.f.sawOutput(w.line[:i])
		w.line = w.line[i+1:]
	}
	return n, err
}
