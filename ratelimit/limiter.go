// Package ratelimit keeps ghmcp inside GitHub's rate limits. Every request
// to GitHub passes through one Limiter, installed as an http.RoundTripper:
// it learns the primary budgets from response headers, waits for a near
// reset or fails fast for a far one, pauses everything after a secondary
// limit, keeps the points-per-minute and content-creation budgets, caps
// concurrency, spaces writes, queues what must wait in FIFO order, and
// retries only what is safe. Its shared state lives in a Store: in memory
// for one process, or in Redis for every process using the same token.
package ratelimit

import (
	"context"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Config tunes a Limiter. Zero fields take the defaults in DefaultConfig.
type Config struct {
	// MaxWait is the longest a request waits for a rate limit to reset or a
	// pause to end before failing fast with a LimitError.
	MaxWait time.Duration
	// MaxRetries bounds retries of one request (rate limits, 5xx, network).
	// A negative value means no retries.
	MaxRetries int
	// RetryInitial and RetryMax shape the jittered exponential backoff for
	// 5xx answers and network errors: the first sleep is RetryInitial ±50%,
	// and no sleep is longer than RetryMax.
	RetryInitial time.Duration
	RetryMax     time.Duration
	// SecondaryInitial is the pause after a secondary limit that came with
	// no Retry-After; it doubles while it repeats, up to SecondaryMax.
	SecondaryInitial time.Duration
	SecondaryMax     time.Duration
	// MaxConcurrent caps requests in flight (GitHub allows 100; agents
	// rarely need more than a few). With a shared Store the cap is for
	// every process together.
	MaxConcurrent int
	// WriteSpacing is the minimum gap between the end of one write and the
	// start of the next; writes are also sent one at a time, as GitHub
	// asks. A negative value means no gap.
	WriteSpacing time.Duration
	// ResetBuffer is added to a primary reset time, because GitHub's reset
	// is whole seconds and clocks differ. A negative value means none.
	ResetBuffer time.Duration
	// AttemptTimeout bounds one attempt, from sending to the end of the
	// answer's body. Without it a GitHub that never answers would hold a
	// slot, and for a write the one write turn, for ever. A read that times
	// out is retried; a write is not (it may have been applied).
	AttemptTimeout time.Duration
	// PointsPerMinute is GitHub's secondary budget of REST points (GET,
	// HEAD, OPTIONS cost 1, writes 5). A negative value means not enforced.
	PointsPerMinute int
	// GraphQLPointsPerMinute is GitHub's secondary budget of GraphQL
	// points, kept apart from REST's (a query costs 1, a mutation 5).
	// A negative value means not enforced.
	GraphQLPointsPerMinute int
	// ContentPerMinute and ContentPerHour bound content-creating requests
	// (see CreatesContent). A negative value means not enforced.
	ContentPerMinute int
	ContentPerHour   int
	// LeaseTTL is how long a shared store keeps the slots of a process
	// that died holding them; live processes renew theirs.
	LeaseTTL time.Duration
	// PollInterval is how often a request waiting for a slot or the write
	// turn held by another process checks again.
	PollInterval time.Duration
	// Store holds the shared state; nil means a new MemoryStore.
	Store Store
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		MaxWait:                30 * time.Second,
		MaxRetries:             3,
		RetryInitial:           500 * time.Millisecond,
		RetryMax:               8 * time.Second,
		SecondaryInitial:       time.Minute,
		SecondaryMax:           16 * time.Minute,
		MaxConcurrent:          8,
		WriteSpacing:           time.Second,
		ResetBuffer:            time.Second,
		AttemptTimeout:         time.Minute,
		PointsPerMinute:        900,
		GraphQLPointsPerMinute: 2000,
		ContentPerMinute:       80,
		ContentPerHour:         500,
		LeaseTTL:               15 * time.Second,
		PollInterval:           25 * time.Millisecond,
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	pos := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	// orNone: zero takes the default, negative means none (0).
	orNone := func(v *int, def int) {
		if *v < 0 {
			*v = 0
		} else if *v == 0 {
			*v = def
		}
	}
	orNoneD := func(v *time.Duration, def time.Duration) {
		if *v < 0 {
			*v = 0
		} else if *v == 0 {
			*v = def
		}
	}
	pos(&c.MaxWait, d.MaxWait)
	orNone(&c.MaxRetries, d.MaxRetries)
	pos(&c.RetryInitial, d.RetryInitial)
	pos(&c.RetryMax, d.RetryMax)
	c.RetryMax = max(c.RetryMax, c.RetryInitial)
	pos(&c.SecondaryInitial, d.SecondaryInitial)
	pos(&c.SecondaryMax, d.SecondaryMax)
	c.SecondaryMax = max(c.SecondaryMax, c.SecondaryInitial)
	if c.MaxConcurrent <= 0 {
		c.MaxConcurrent = d.MaxConcurrent
	}
	orNoneD(&c.WriteSpacing, d.WriteSpacing)
	orNoneD(&c.ResetBuffer, d.ResetBuffer)
	pos(&c.AttemptTimeout, d.AttemptTimeout)
	orNone(&c.PointsPerMinute, d.PointsPerMinute)
	orNone(&c.GraphQLPointsPerMinute, d.GraphQLPointsPerMinute)
	orNone(&c.ContentPerMinute, d.ContentPerMinute)
	orNone(&c.ContentPerHour, d.ContentPerHour)
	pos(&c.LeaseTTL, d.LeaseTTL)
	pos(&c.PollInterval, d.PollInterval)
	return c
}

// limits returns the rules the store enforces.
func (c Config) limits() Limits {
	return Limits{
		MaxConcurrent:          c.MaxConcurrent,
		WriteSpacing:           c.WriteSpacing,
		PointsPerMinute:        c.PointsPerMinute,
		GraphQLPointsPerMinute: c.GraphQLPointsPerMinute,
		ContentPerMinute:       c.ContentPerMinute,
		ContentPerHour:         c.ContentPerHour,
		ResetBuffer:            c.ResetBuffer,
		SecondaryInitial:       c.SecondaryInitial,
		SecondaryMax:           c.SecondaryMax,
		LeaseTTL:               c.LeaseTTL,
	}
}

// Budget is what GitHub last said about one primary resource.
type Budget struct {
	Resource  string    `json:"resource"`
	Limit     int       `json:"limit"`
	Remaining int       `json:"remaining"`
	Reset     time.Time `json:"reset"`
}

// Limiter gates the requests of one process for one token. It is safe for
// concurrent use.
type Limiter struct {
	cfg   Config
	lim   Limits
	clock Clock
	log   *slog.Logger
	store Store

	seq atomic.Uint64 // arrival order of requests

	qmu         sync.Mutex
	queue       []*waiter // by seq: FIFO
	dispatching bool
	again       bool

	mu      sync.Mutex
	stats   Stats
	graphql GraphQLUsage
}

// Stats counts what the limiter did, for visibility and tests.
type Stats struct {
	// Requests counts attempts handed to the next transport, retries
	// included.
	Requests int `json:"requests"`
	// Retries counts the attempts among Requests that repeated an earlier
	// one; a retry decided but never sent (failed fast, cancelled) is not
	// counted.
	Retries int `json:"retries"`
	// Waits counts timed sleeps: for a reset, a pause, write spacing, a
	// budget, or backoff.
	Waits int `json:"waits"`
	// FailedFast counts requests refused because the wait was too long.
	FailedFast int `json:"failed_fast"`
	// Secondary counts secondary-limit answers from GitHub.
	Secondary int `json:"secondary_limits"`
	// InFlight is the number of requests of this process being sent now.
	InFlight int `json:"in_flight"`
	// MaxInFlight is the highest InFlight seen.
	MaxInFlight int `json:"max_in_flight"`
	// Queued is the number of requests waiting for their turn now.
	Queued int `json:"queued"`
}

// New returns a Limiter. A nil clock means the system clock; a nil logger
// discards logs.
func New(cfg Config, clock Clock, logger *slog.Logger) *Limiter {
	cfg = cfg.withDefaults()
	if clock == nil {
		clock = SystemClock{}
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	store := cfg.Store
	if store == nil {
		store = NewMemoryStore(clock)
	}
	return &Limiter{
		cfg:   cfg,
		lim:   cfg.limits(),
		clock: clock,
		log:   logger,
		store: store,
	}
}

// Config returns the effective configuration.
func (l *Limiter) Config() Config { return l.cfg }

// Store returns the store holding the shared state.
func (l *Limiter) Store() Store { return l.store }

// stateTimeout bounds the visibility calls to a remote store.
const stateTimeout = 2 * time.Second

func (l *Limiter) state() StoreState {
	ctx, cancel := context.WithTimeout(context.Background(), stateTimeout)
	defer cancel()
	st, err := l.store.State(ctx)
	if err != nil {
		return StoreState{Kind: l.store.Kind()}
	}
	return st
}

// Budgets returns the primary budgets learned so far, sorted by resource.
// Remaining excludes units reserved by requests in flight.
func (l *Limiter) Budgets() []Budget {
	return l.state().Budgets
}

// Stats returns a snapshot of the counters.
func (l *Limiter) Stats() Stats {
	l.mu.Lock()
	s := l.stats
	l.mu.Unlock()
	l.qmu.Lock()
	s.Queued = len(l.queue)
	l.qmu.Unlock()
	return s
}

// PausedUntil returns the end of the current secondary-limit pause, or the
// zero time.
func (l *Limiter) PausedUntil() time.Time {
	return l.state().PausedUntil
}

// admit returns once a request may be sent, holding a lease on everything
// it needs; see acquire. seq is its place in the queue: a retry keeps the
// place of the first attempt.
func (l *Limiter) admit(ctx context.Context, seq uint64, t Ticket) (Lease, error) {
	if err := ctx.Err(); err != nil {
		return Lease{}, err
	}
	lease, err := l.acquire(ctx, newWaiter(seq, t, l.clock.Now()))
	if err != nil {
		return Lease{}, err
	}
	l.mu.Lock()
	l.stats.InFlight++
	l.stats.MaxInFlight = max(l.stats.MaxInFlight, l.stats.InFlight)
	l.mu.Unlock()
	return lease, nil
}

// release gives a lease back, recording o, and lets the queue move on.
func (l *Limiter) release(lease Lease, o Outcome) Released {
	r, err := l.store.Release(context.Background(), lease, o, l.lim)
	if err != nil {
		l.log.Warn("rate limit: could not release a lease; it will expire", "error", err)
	}
	l.mu.Lock()
	l.stats.InFlight--
	if o.Secondary {
		l.stats.Secondary++
	}
	l.mu.Unlock()
	l.kick()
	return r
}

func (l *Limiter) count(f func(*Stats)) {
	l.mu.Lock()
	f(&l.stats)
	l.mu.Unlock()
}

// logWait counts a wait of the caller of ctx, tells its wait observer
// (observe.go) and, from a second up, logs it with ctx, so that the record
// also reaches the caller's host.
func (l *Limiter) logWait(ctx context.Context, d time.Duration, reason string, attrs ...any) {
	l.count(func(s *Stats) { s.Waits++ })
	observeWait(ctx, reason, d)
	if d < time.Second {
		return
	}
	l.log.InfoContext(ctx, "rate limit: waiting", append([]any{"reason", reason, "wait", d.Round(time.Millisecond).String()}, attrs...)...)
}

type headerGetter interface{ Get(string) string }

// budgetFrom reads GitHub's rate-limit headers; resource is the guess from
// the path, which X-RateLimit-Resource overrides: GitHub has more
// resources than ResourceFor knows (audit_log, dependency_snapshots, ...),
// and a spent one must be waited for under its own name.
func budgetFrom(resource string, h headerGetter) *Budget {
	if r := h.Get(hdrResource); r != "" {
		resource = r
	}
	remaining, errR := strconv.Atoi(h.Get(hdrRemaining))
	reset, errT := strconv.ParseInt(h.Get(hdrReset), 10, 64)
	if errR != nil || errT != nil || resource == "" {
		return nil
	}
	b := &Budget{Resource: resource, Remaining: remaining, Reset: time.Unix(reset, 0)}
	if limit, err := strconv.Atoi(h.Get(hdrLimit)); err == nil {
		b.Limit = limit
	}
	return b
}

// GitHub's rate-limit headers, spelled in canonical form so that
// http.Header.Get finds them without allocating a canonical copy.
const (
	hdrLimit     = "X-Ratelimit-Limit"
	hdrRemaining = "X-Ratelimit-Remaining"
	hdrReset     = "X-Ratelimit-Reset"
	hdrResource  = "X-Ratelimit-Resource"
)
