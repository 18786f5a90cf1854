package ratelimit

import (
	"context"
	"time"
)

// WaitObserver hears about each wait the limiter makes for one caller: the
// reason ("secondary rate limit", "write spacing", "retry after GitHub 502
// Bad Gateway", ...) and how long the wait will be. It is called before the
// wait starts, on the caller's goroutine, and must not block.
type WaitObserver func(reason string, d time.Duration)

type waitObserverKey struct{}

// WithWaitObserver returns a context whose requests report their waits to f,
// so that a caller (an MCP tool call with a progress token) can tell its
// host why it is slow. The limiter still logs every wait as before.
//
// Observers add up: an observer ctx already has (metrics, set around every
// tool call) still hears each wait, after f.
func WithWaitObserver(ctx context.Context, f WaitObserver) context.Context {
	if outer, ok := ctx.Value(waitObserverKey{}).(WaitObserver); ok && outer != nil && f != nil {
		inner := f
		f = func(reason string, d time.Duration) {
			inner(reason, d)
			outer(reason, d)
		}
	}
	return context.WithValue(ctx, waitObserverKey{}, f)
}

// observeWait tells ctx's observer, if any, about a wait.
func observeWait(ctx context.Context, reason string, d time.Duration) {
	if f, ok := ctx.Value(waitObserverKey{}).(WaitObserver); ok && f != nil && d > 0 {
		f(reason, d)
	}
}
