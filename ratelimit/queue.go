package ratelimit

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"time"
)

// The queue. Requests that may not be sent yet wait in arrival order, and
// one dispatcher at a time walks the queue from the front asking the store
// to admit each. Go channels do not promise FIFO order to goroutines
// blocked on them, hence this explicit queue.
//
// Order is strict where requests compete for the same thing: a request
// blocked by a limit that binds everyone (the pause, the points budget, the
// concurrency cap) stops the walk, so nobody behind it overtakes it. A
// request blocked by a limit that binds only its kind (the write turn and
// spacing, the content budget: writes; a spent primary budget: its
// resource; GraphQL's points budget: GraphQL requests) blocks the rest of
// its kind only, so that a read is not held back a second by the write
// spacing.
//
// Only the first blocked request of a kind sleeps on a timer (to its
// limit's known end, or a poll interval when the holder may be another
// process); the others sleep until the dispatcher wakes them. A release,
// an arrival, a departure and a timer each start a walk.

// waiter states.
const (
	queued = iota
	granted
	failed
	gone
)

type waiter struct {
	seq    uint64
	ticket Ticket
	since  time.Time
	wake   chan struct{} // capacity 1: "look at your state"

	// Guarded by Limiter.qmu.
	state  int
	lease  Lease
	err    error
	until  time.Time // when to start a walk by itself; zero: wait to be woken
	reason string    // why it waits
}

func newWaiter(seq uint64, t Ticket, now time.Time) *waiter {
	return &waiter{seq: seq, ticket: t, since: now, wake: make(chan struct{}, 1)}
}

func (w *waiter) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// acquire queues w and returns its lease once the store admits it, an
// error when a limit is in force for longer than MaxWait (a LimitError), or
// the context's error when it ends first; then w leaves the queue at once.
func (l *Limiter) acquire(ctx context.Context, w *waiter) (Lease, error) {
	l.qmu.Lock()
	i, _ := slices.BinarySearchFunc(l.queue, w.seq, func(q *waiter, seq uint64) int { return int64cmp(q.seq, seq) })
	l.queue = slices.Insert(l.queue, i, w)
	l.qmu.Unlock()
	l.kick()

	logged := false
	var reported time.Time // the end of the last wait logged
	for {
		l.qmu.Lock()
		state, lease, err, until, reason := w.state, w.lease, w.err, w.until, w.reason
		l.qmu.Unlock()
		switch state {
		case granted:
			if waited := l.clock.Now().Sub(w.since); !logged && waited >= time.Second {
				l.log.InfoContext(ctx, "rate limit: waited", "reason", reason, "wait", waited.Round(time.Millisecond).String())
			}
			return lease, nil
		case failed:
			var le *LimitError
			if errors.As(err, &le) {
				// Logged here rather than by the walk that refused it, so
				// that the record carries the caller's context (and
				// reaches its host).
				l.log.WarnContext(ctx, "rate limit: failing fast", "kind", le.Kind, "reason", reason, "resource", le.Resource, "retry_at", le.RetryAt.UTC().Format(time.RFC3339), "wait", le.Wait.Round(time.Second).String())
			}
			return Lease{}, err
		}
		var d time.Duration
		if !until.IsZero() {
			if d = until.Sub(l.clock.Now()); d <= 0 {
				l.expire(w, until)
				continue
			}
			logged = logged || d >= time.Second
		}
		// A wake may be stale (sent before the state was read): the same
		// wait is then awaited again, but reported once.
		report := !until.IsZero() && !until.Equal(reported)
		if report {
			reported = until
		}
		timer, err := l.awaitGate(ctx, w, d, reason, report)
		if err != nil {
			return Lease{}, l.abandon(w, err)
		}
		if timer {
			l.expire(w, until)
		}
	}
}

// expire clears w's timer, unless a walk has set another meanwhile, and
// starts a walk.
func (l *Limiter) expire(w *waiter, until time.Time) {
	l.qmu.Lock()
	if w.until.Equal(until) {
		w.until = time.Time{}
	}
	l.qmu.Unlock()
	l.kick()
}

func int64cmp(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// awaitGate waits for d (zero: no timer) or until w is woken or ctx ends.
// timer reports that d elapsed. A timed wait to report is counted and,
// from a second up, logged with its reason.
func (l *Limiter) awaitGate(ctx context.Context, w *waiter, d time.Duration, reason string, report bool) (timer bool, err error) {
	if d <= 0 {
		select {
		case <-w.wake:
			return false, nil
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	switch {
	case !report:
	case reason == ReasonConcurrency || reason == ReasonWriteInFlight:
		// A poll for what another process holds: not a wait of its own.
	case reason == ReasonPrimary:
		l.logWait(ctx, d, reason, "resource", w.ticket.Resource)
	default:
		l.logWait(ctx, d, reason)
	}
	if _, ok := l.clock.(SystemClock); ok {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return true, nil
		case <-w.wake:
			return false, nil
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	// An injected clock sleeps its own way; a wake ends the sleep through
	// its context.
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	woke := make(chan struct{})
	go func() {
		select {
		case <-w.wake:
			close(woke)
			cancel()
		case <-sctx.Done():
		}
	}()
	err = l.clock.Sleep(sctx, d)
	cancel()
	select {
	case <-woke:
		return false, nil
	default:
	}
	if err != nil {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		return false, nil
	}
	return true, nil
}

// abandon takes w out of the queue after its context ended, giving back a
// lease granted meanwhile, and returns err.
func (l *Limiter) abandon(w *waiter, err error) error {
	l.qmu.Lock()
	state, lease := w.state, w.lease
	if state == queued {
		l.removeLocked(w)
	}
	w.state = gone
	l.qmu.Unlock()
	if state == granted {
		// Admitted just as it gave up: the lease was never used.
		l.store.Release(context.Background(), lease, Outcome{}, l.lim)
	}
	l.kick() // those behind it may go now
	return err
}

func (l *Limiter) removeLocked(w *waiter) {
	if i := slices.Index(l.queue, w); i >= 0 {
		l.queue = slices.Delete(l.queue, i, i+1)
	}
}

// kick walks the queue, unless a walk is under way: then that walk goes
// round once more.
func (l *Limiter) kick() {
	l.qmu.Lock()
	if l.dispatching {
		l.again = true
		l.qmu.Unlock()
		return
	}
	l.dispatching = true
	for {
		l.again = false
		ws := slices.Clone(l.queue)
		l.qmu.Unlock()
		l.dispatch(ws)
		l.qmu.Lock()
		if !l.again {
			l.dispatching = false
			l.qmu.Unlock()
			return
		}
	}
}

// dispatch asks the store to admit the waiters ws in order; see the top of
// this file for who may overtake whom.
func (l *Limiter) dispatch(ws []*waiter) {
	writesBlocked, graphqlBlocked := false, false
	var resourceBlocked map[string]bool
	for _, w := range ws {
		l.qmu.Lock()
		state := w.state
		l.qmu.Unlock()
		if state != queued || (w.ticket.Write && writesBlocked) || (w.ticket.GraphQL && graphqlBlocked) || resourceBlocked[w.ticket.Resource] {
			continue
		}
		g, err := l.store.Acquire(context.Background(), w.ticket, l.lim)
		if err != nil {
			l.finish(w, failed, Lease{}, err)
			continue
		}
		if g.OK {
			if !l.finish(w, granted, g.Lease, nil) {
				// It left the queue meanwhile.
				l.store.Release(context.Background(), g.Lease, Outcome{}, l.lim)
			}
			continue
		}
		now := l.clock.Now()
		if kind := failFastKind(g.Reason); kind != "" && g.Wait > l.cfg.MaxWait {
			le := &LimitError{Kind: kind, Resource: w.ticket.Resource, RetryAt: now.Add(g.Wait), Wait: g.Wait}
			l.count(func(s *Stats) { s.FailedFast++ })
			l.qmu.Lock()
			w.reason = g.Reason // for the log of acquire
			l.qmu.Unlock()
			l.finish(w, failed, Lease{}, le)
			continue // those behind it fail fast too, or may go
		}
		var until time.Time
		switch {
		case g.Wait > 0 && (!g.Shared || g.Wait <= l.cfg.PollInterval):
			until = now.Add(g.Wait)
		case g.Shared:
			until = now.Add(l.cfg.PollInterval/2 + rand.N(l.cfg.PollInterval))
		}
		l.qmu.Lock()
		if w.state == queued {
			w.until, w.reason = until, g.Reason
			w.signal()
		}
		l.qmu.Unlock()
		switch g.Reason {
		case ReasonPrimary:
			if resourceBlocked == nil {
				resourceBlocked = map[string]bool{}
			}
			resourceBlocked[w.ticket.Resource] = true
		case ReasonWriteInFlight, ReasonWriteSpacing, ReasonContentMinute, ReasonContentHour:
			writesBlocked = true
		case ReasonGraphQLPoints:
			graphqlBlocked = true // REST has its own points
		default:
			return // the pause, the points, the cap: nobody behind may pass
		}
	}
}

// finish ends w's wait as state; false if it had already left.
func (l *Limiter) finish(w *waiter, state int, lease Lease, err error) bool {
	l.qmu.Lock()
	defer l.qmu.Unlock()
	if w.state != queued {
		return false
	}
	l.removeLocked(w)
	w.state, w.lease, w.err = state, lease, err
	w.signal()
	return true
}

// failFastKind returns the LimitError kind of a reason whose wait may be
// refused as too long; "" for the ones that are always waited for.
func failFastKind(reason string) string {
	switch reason {
	case ReasonPaused:
		return KindSecondary
	case ReasonPrimary:
		return KindPrimary
	case ReasonPoints, ReasonGraphQLPoints:
		return KindPoints
	case ReasonContentMinute, ReasonContentHour:
		return KindContent
	}
	return ""
}
