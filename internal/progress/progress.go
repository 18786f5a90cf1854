// Package progress carries a request's progress reporter in its context, so
// that code deep in a tool, resource or prompt (a multi-page fetch) can
// tell the host how far it is without knowing about MCP. Without a
// reporter (the host sent no progress token) reports go nowhere.
package progress

import "context"

// Func reports that done units of work out of total are finished (total 0:
// unknown), with a message for people.
type Func func(done, total float64, message string)

type key struct{}

// With returns a context whose reports go to f.
func With(ctx context.Context, f Func) context.Context {
	return context.WithValue(ctx, key{}, f)
}

// Report tells ctx's reporter, if any, how far the work is.
func Report(ctx context.Context, done, total float64, message string) {
	if f, ok := ctx.Value(key{}).(Func); ok && f != nil {
		f(done, total, message)
	}
}
