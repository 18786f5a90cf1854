// Package health answers the operators' probes: /healthz says the process
// is alive, /readyz says whether it can serve calls now (its Redis answers,
// when it has one, and GitHub's budget is not spent).
//
// Both answer in plain text, one line per check, so that a person reading
// a probe's output with curl sees why an instance is not ready and until
// when.
package health

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/ghmcp/ghmcp/ratelimit"
)

// Pinger is a dependency /readyz checks; a *redis.Client's Ping fits
// through PingFunc(func(ctx) error { return c.Ping(ctx).Err() }).
type Pinger interface {
	Ping(ctx context.Context) error
}

// PingFunc is a Pinger made of a function.
type PingFunc func(ctx context.Context) error

// Ping calls f.
func (f PingFunc) Ping(ctx context.Context) error { return f(ctx) }

// BudgetReporter reports GitHub's primary budgets; *ratelimit.Limiter is
// one.
type BudgetReporter interface {
	Budgets() []ratelimit.Budget
}

// Options configures New. Every field is optional.
type Options struct {
	// Redis, if set, must answer a ping for the instance to be ready.
	Redis Pinger
	// Budgets, if set, must have no primary budget at 0 remaining with its
	// reset still ahead.
	Budgets BudgetReporter
	// Timeout bounds the ping (default 2 s).
	Timeout time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Checker serves /healthz and /readyz.
type Checker struct {
	opts Options
}

// New returns a Checker.
func New(opts Options) *Checker {
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Checker{opts: opts}
}

// Live is the handler of /healthz: 200 while the process serves HTTP at
// all. It checks nothing else, so that a Redis outage never gets every
// instance restarted at once.
func (c *Checker) Live() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprintln(w, "ok")
	})
}

// Ready is the handler of /readyz: 200 when every check passes, else 503;
// the body has one line per check.
func (c *Checker) Ready() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lines, ok := c.Check(r.Context())
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if !ok {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		fmt.Fprintln(w, strings.Join(lines, "\n"))
	})
}

// Check runs the readiness checks and returns one line per check and
// whether all passed.
func (c *Checker) Check(ctx context.Context) (lines []string, ok bool) {
	ok = true
	if c.opts.Redis != nil {
		pctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
		err := c.opts.Redis.Ping(pctx)
		cancel()
		if err != nil {
			ok = false
			lines = append(lines, "redis: unreachable: "+err.Error())
		} else {
			lines = append(lines, "redis: ok")
		}
	}
	if c.opts.Budgets != nil {
		now := c.opts.Now()
		budgets := c.opts.Budgets.Budgets()
		sort.Slice(budgets, func(i, j int) bool { return budgets[i].Resource < budgets[j].Resource })
		for _, b := range budgets {
			if b.Remaining <= 0 && b.Reset.After(now) {
				ok = false
				lines = append(lines, fmt.Sprintf("github %s budget: exhausted (0 of %d) until %s (in %s)",
					b.Resource, b.Limit, b.Reset.UTC().Format(time.RFC3339), b.Reset.Sub(now).Round(time.Second)))
				continue
			}
			lines = append(lines, fmt.Sprintf("github %s budget: %d of %d remaining", b.Resource, b.Remaining, b.Limit))
		}
	}
	if ok {
		lines = append(lines, "ready")
	} else {
		lines = append(lines, "not ready")
	}
	return lines, ok
}
