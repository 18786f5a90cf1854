package ratelimit

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// Failover is a Store that uses a shared store (Redis) and, while that one
// fails, a local MemoryStore with conservative limits: a quarter of the
// concurrency cap and of the points and content budgets (at least one),
// and twice the write spacing, since other processes may still be using
// the same token on their own. It logs a warning when the shared store
// goes away, tries it again every ProbeInterval, and logs when it is back.
//
// What this process learns while the shared store works (budgets, pauses)
// is also noted locally, so that the fallback starts from it.
type Failover struct {
	shared Store
	local  *MemoryStore
	clock  Clock
	log    *slog.Logger
	// ProbeInterval is how long after a failure the shared store is tried
	// again.
	ProbeInterval time.Duration

	mu      sync.Mutex
	down    bool
	retryAt time.Time
}

// localPrefix marks the leases of the local store.
const localPrefix = "local:"

// NewFailover returns a Failover over shared. A nil clock is the system
// clock; a nil logger discards logs.
func NewFailover(shared Store, clock Clock, logger *slog.Logger) *Failover {
	if clock == nil {
		clock = SystemClock{}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Failover{shared: shared, local: NewMemoryStore(clock), clock: clock, log: logger, ProbeInterval: 2 * time.Second}
}

// Kind is the shared store's kind.
func (f *Failover) Kind() string { return f.shared.Kind() }

// Healthy reports whether the shared store is in use.
func (f *Failover) Healthy() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return !f.down
}

// useShared reports whether to try the shared store now.
func (f *Failover) useShared() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return !f.down || !f.clock.Now().Before(f.retryAt)
}

func (f *Failover) failed(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.retryAt = f.clock.Now().Add(f.ProbeInterval)
	if !f.down {
		f.down = true
		f.log.Warn("rate limit: shared store unreachable; using conservative local limits until it is back", "store", f.shared.Kind(), "error", err)
	}
}

func (f *Failover) worked() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.down {
		f.down = false
		f.log.Info("rate limit: shared store reachable again; limits are shared again", "store", f.shared.Kind())
	}
}

// Acquire implements Store.
func (f *Failover) Acquire(ctx context.Context, t Ticket, lim Limits) (Grant, error) {
	if f.useShared() {
		g, err := f.shared.Acquire(ctx, t, lim)
		if err == nil {
			f.worked()
			return g, nil
		}
		f.failed(err)
	}
	g, err := f.local.Acquire(ctx, t, conservative(lim))
	if g.OK {
		g.Lease.ID = localPrefix + g.Lease.ID
	}
	return g, err
}

// Release implements Store.
func (f *Failover) Release(ctx context.Context, l Lease, o Outcome, lim Limits) (Released, error) {
	if id, ok := strings.CutPrefix(l.ID, localPrefix); ok {
		l.ID = id
		return f.local.Release(ctx, l, o, conservative(lim))
	}
	r, err := f.shared.Release(ctx, l, o, lim)
	if err != nil {
		// The lease expires in the shared store by itself; the answer
		// still counts here.
		f.failed(err)
		return f.local.Release(ctx, Lease{}, o, conservative(lim))
	}
	f.worked()
	f.local.note(o.Budget, r.PausedUntil)
	return r, nil
}

// State implements Store.
func (f *Failover) State(ctx context.Context) (StoreState, error) {
	if f.useShared() {
		st, err := f.shared.State(ctx)
		if err == nil {
			f.worked()
			return st, nil
		}
		f.failed(err)
	}
	st, err := f.local.State(ctx)
	st.Kind, st.Healthy = f.shared.Kind(), false
	return st, err
}

// conservative returns the limits for one process that cannot see the
// others sharing its token.
func conservative(l Limits) Limits {
	quarter := func(n int) int {
		if n <= 0 {
			return n
		}
		return max(1, n/4)
	}
	l.MaxConcurrent = quarter(l.MaxConcurrent)
	l.PointsPerMinute = quarter(l.PointsPerMinute)
	l.GraphQLPointsPerMinute = quarter(l.GraphQLPointsPerMinute)
	l.ContentPerMinute = quarter(l.ContentPerMinute)
	l.ContentPerHour = quarter(l.ContentPerHour)
	l.WriteSpacing *= 2
	return l
}
