package main

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
)

// Order on stdio. mcp-go serves requests concurrently and queues
// notifications for a goroutine of their own; the stdio tap (stdio.go)
// restores the order a host relies on:
//
//   - a notification sent while a request is handled (progress, log
//     messages) is written before that request's response (directOut);
//   - initialize and logging/setLevel are answered before the next line of
//     input is read (the barrier), so that a pipe sending every line at
//     once gets the same session as a host that waits for the answers.

// directOut writes notifications straight to the host's stream, on the
// caller's goroutine, through the same writer as the responses. mcp-go
// queues notifications for a goroutine of their own, so one sent during a
// request could reach the host after that request's response; progress
// then names a finished request. Written directly, a notification sent
// before a handler returns always precedes its response.
type directOut struct {
	w io.Writer
}

type directOutKey struct{}

// hostContext is stdio's context function: it makes the stdio tap and the
// direct writer known to every request.
func hostContext(pending *inflight, out io.Writer) func(context.Context) context.Context {
	return func(ctx context.Context) context.Context {
		ctx = pending.intoContext(ctx)
		return context.WithValue(ctx, directOutKey{}, &directOut{w: out})
	}
}

// directOutFrom returns the direct writer of ctx, or nil.
func directOutFrom(ctx context.Context) *directOut {
	d, _ := ctx.Value(directOutKey{}).(*directOut)
	return d
}

// notify writes one notification as one line in a single Write, which the
// writer serialises with the responses.
func (d *directOut) notify(method string, params map[string]any) error {
	b, err := json.Marshal(mcp.JSONRPCNotification{
		JSONRPC:      mcp.JSONRPC_VERSION,
		Notification: mcp.Notification{Method: method, Params: mcp.NotificationParams{AdditionalFields: params}},
	})
	if err != nil {
		return err
	}
	_, err = d.w.Write(append(b, '\n'))
	return err
}

// barrierTimeout bounds how long input waits for a barrier's answer.
const barrierTimeout = 10 * time.Second

// setBarrier records a request that must be answered before the next line
// of input is read: initialize and logging/setLevel. A host waits for
// these answers anyway; a pipe (a CI job, a transcript) that sends every
// line at once would otherwise race them, since mcp-go serves requests
// concurrently, and a call could run before the handshake or the log level
// it was sent after.
func (f *inflight) setBarrier(key string) {
	if key == "" {
		return
	}
	f.set(key, true)
	f.mu.Lock()
	f.barrier = key
	f.mu.Unlock()
}

// awaitBarrier waits until the barrier request is answered, ctx ends, or
// barrierTimeout passes.
func (f *inflight) awaitBarrier(ctx context.Context) {
	deadline := time.NewTimer(barrierTimeout)
	defer deadline.Stop()
	for {
		f.mu.Lock()
		b, changed := f.barrier, f.changed
		if b != "" && !f.ids[b] {
			f.barrier, b = "", ""
		}
		f.mu.Unlock()
		if b == "" {
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
