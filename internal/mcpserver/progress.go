package mcpserver

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/ghmcp/ghmcp/internal/progress"
	"github.com/ghmcp/ghmcp/ratelimit"
)

// A request that carries a progress token gets notifications/progress while
// it works: every rate-limit wait (with the seconds left, counted down) and
// every page of a multi-page fetch (pages done out of the total, when
// known). Requests without a token get none.
//
// The progress value must grow with every notification, across waits and
// pages alike, so the reporter counts in phases: each wait or run of pages
// starts one unit above the last value sent, and the total (when there is
// one) is the end of the current phase.

// minReportedWait is the shortest wait worth telling the host about.
const minReportedWait = time.Second

// progressReporter sends the notifications of one request.
type progressReporter struct {
	ctx   context.Context
	token mcp.ProgressToken

	mu     sync.Mutex
	closed bool    // the request has ended: send nothing more
	last   float64 // last progress value sent
	sent   bool
	offset float64 // start of the current phase of pages
	done   float64 // pages done in that phase
	paging bool
}

// withProgress returns ctx with a reporter for the request's progress token
// (ctx unchanged when there is none), and the function to call when the
// request's handler returns, after which nothing more is sent.
func withProgress(ctx context.Context, meta *mcp.Meta) (context.Context, func()) {
	if meta == nil || meta.ProgressToken == nil {
		return ctx, func() {}
	}
	r := &progressReporter{ctx: ctx, token: meta.ProgressToken}
	ctx = ratelimit.WithWaitObserver(ctx, r.wait)
	return progress.With(ctx, r.pages), r.close
}

// close ends the reporter: the response is about to be sent.
func (r *progressReporter) close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
}

// send sends one notification with progress value p (raised above the last
// one if needed) and total, if positive. It holds the lock while writing,
// so that nothing is written after close.
func (r *progressReporter) send(p, total float64, message string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	if r.sent && p <= r.last {
		p = r.last + 1
	}
	r.last, r.sent = p, true
	params := map[string]any{"progressToken": r.token, "progress": p, "message": message}
	if total > 0 {
		params["total"] = total
	}
	// Progress is a courtesy, never a reason to stall the work: a failed
	// write is dropped.
	_ = notify(r.ctx, string(mcp.MethodNotificationProgress), params)
}

// next returns the first progress value of a new phase.
func (r *progressReporter) next() float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.paging = false
	if !r.sent {
		return 0
	}
	return r.last + 1
}

// wait reports a rate-limit wait and counts it down each second (every
// five seconds for long waits) until it ends or the request does. It is a
// ratelimit.WaitObserver, so it must not block.
func (r *progressReporter) wait(reason string, d time.Duration) {
	if d < minReportedWait {
		return
	}
	start := r.next()
	secs := d.Round(time.Second)
	total := start + secs.Seconds()
	r.send(start, total, fmt.Sprintf("waiting %s for GitHub (%s)", secs, reason))
	step := time.Second
	if d > 10*time.Second {
		step = 5 * time.Second
	}
	go func() {
		tick := time.NewTicker(step)
		defer tick.Stop()
		end := time.NewTimer(d)
		defer end.Stop()
		waited := time.Duration(0)
		for {
			select {
			case <-r.ctx.Done():
				return
			case <-end.C:
				return
			case <-tick.C:
				waited += step
				if left := secs - waited; left > 0 {
					r.send(start+waited.Seconds(), total, fmt.Sprintf("waiting for GitHub (%s): %s left", reason, left))
				}
			}
		}
	}()
}

// pages reports a multi-page fetch; done restarting from a lower value
// starts a new phase. It is a progress.Func.
func (r *progressReporter) pages(done, total float64, message string) {
	r.mu.Lock()
	if !r.paging || done <= r.done {
		r.offset, r.paging = 0, true
		if r.sent {
			r.offset = r.last + 1 - done
		}
	}
	r.done = done
	offset := r.offset
	r.mu.Unlock()
	if total > 0 {
		total += offset
	}
	r.send(offset+done, total, message)
}

// progressTools gives tool calls with a progress token a reporter.
func progressTools(next server.ToolHandlerFunc) server.ToolHandlerFunc {
	return func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		ctx, done := withProgress(ctx, req.Params.Meta)
		defer done()
		return next(ctx, req)
	}
}

// progressResources gives resource reads with a progress token a reporter.
func progressResources(next server.ResourceHandlerFunc) server.ResourceHandlerFunc {
	return func(ctx context.Context, req mcp.ReadResourceRequest) ([]mcp.ResourceContents, error) {
		ctx, done := withProgress(ctx, req.Params.Meta)
		defer done()
		return next(ctx, req)
	}
}

// progressPrompts gives prompt requests with a progress token a reporter.
func progressPrompts(next server.PromptHandlerFunc) server.PromptHandlerFunc {
	return func(ctx context.Context, req mcp.GetPromptRequest) (*mcp.GetPromptResult, error) {
		ctx, done := withProgress(ctx, req.Params.Meta)
		defer done()
		return next(ctx, req)
	}
}
