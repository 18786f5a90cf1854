// Package ratelimit keeps ghmcp inside GitHub's rate limits. Every request
// to GitHub passes through one Limiter, installed as an http.RoundTripper:
// it learns the primary budgets from response headers, waits for a near
// reset or fails fast for a far one, pauses everything after a secondary
// limit, caps concurrency, spaces writes, and retries only what is safe.
package ratelimit

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	// rarely need more than a few).
	MaxConcurrent int
	// WriteSpacing is the minimum gap between the starts of two writes;
	// writes are also sent one at a time, as GitHub asks. A negative value
	// means no gap.
	WriteSpacing time.Duration
	// ResetBuffer is added to a primary reset time, because GitHub's reset
	// is whole seconds and clocks differ. A negative value means none.
	ResetBuffer time.Duration
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		MaxWait:          30 * time.Second,
		MaxRetries:       3,
		RetryInitial:     500 * time.Millisecond,
		RetryMax:         8 * time.Second,
		SecondaryInitial: time.Minute,
		SecondaryMax:     16 * time.Minute,
		MaxConcurrent:    8,
		WriteSpacing:     time.Second,
		ResetBuffer:      time.Second,
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.MaxWait <= 0 {
		c.MaxWait = d.MaxWait
	}
	if c.MaxRetries < 0 {
		c.MaxRetries = 0
	} else if c.MaxRetries == 0 {
		c.MaxRetries = d.MaxRetries
	}
	if c.RetryInitial <= 0 {
		c.RetryInitial = d.RetryInitial
	}
	if c.RetryMax <= 0 {
		c.RetryMax = d.RetryMax
	}
	c.RetryMax = max(c.RetryMax, c.RetryInitial)
	if c.SecondaryInitial <= 0 {
		c.SecondaryInitial = d.SecondaryInitial
	}
	if c.SecondaryMax <= 0 {
		c.SecondaryMax = d.SecondaryMax
	}
	c.SecondaryMax = max(c.SecondaryMax, c.SecondaryInitial)
	if c.MaxConcurrent <= 0 {
		c.MaxConcurrent = d.MaxConcurrent
	}
	if c.WriteSpacing < 0 {
		c.WriteSpacing = 0
	} else if c.WriteSpacing == 0 {
		c.WriteSpacing = d.WriteSpacing
	}
	if c.ResetBuffer < 0 {
		c.ResetBuffer = 0
	} else if c.ResetBuffer == 0 {
		c.ResetBuffer = d.ResetBuffer
	}
	return c
}

// Budget is what GitHub last said about one primary resource.
type Budget struct {
	Resource  string    `json:"resource"`
	Limit     int       `json:"limit"`
	Remaining int       `json:"remaining"`
	Reset     time.Time `json:"reset"`
}

// Limiter tracks GitHub's limits for one token and gates requests.
// It is safe for concurrent use.
type Limiter struct {
	cfg   Config
	clock Clock
	log   *slog.Logger

	slots     chan struct{} // concurrency cap
	writeTurn chan struct{} // one write at a time

	mu              sync.Mutex
	budgets         map[string]Budget
	pausedUntil     time.Time
	secondaryStreak int
	lastWrite       time.Time
	stats           Stats
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
	// Waits counts sleeps: for a reset, a pause, write spacing or backoff.
	Waits int `json:"waits"`
	// FailedFast counts requests refused because the wait was too long.
	FailedFast int `json:"failed_fast"`
	// Secondary counts secondary-limit answers from GitHub.
	Secondary int `json:"secondary_limits"`
	// InFlight is the number of requests being sent now.
	InFlight int `json:"in_flight"`
	// MaxInFlight is the highest InFlight seen.
	MaxInFlight int `json:"max_in_flight"`
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
	return &Limiter{
		cfg:       cfg,
		clock:     clock,
		log:       logger,
		slots:     make(chan struct{}, cfg.MaxConcurrent),
		writeTurn: make(chan struct{}, 1),
		budgets:   make(map[string]Budget),
	}
}

// Config returns the effective configuration.
func (l *Limiter) Config() Config { return l.cfg }

// Budgets returns the primary budgets learned so far, sorted by resource.
// Remaining counts units reserved by requests not yet answered as spent.
func (l *Limiter) Budgets() []Budget {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Budget, 0, len(l.budgets))
	for _, b := range l.budgets {
		out = append(out, b)
	}
	slices.SortFunc(out, func(a, b Budget) int { return strings.Compare(a.Resource, b.Resource) })
	return out
}

// Stats returns a snapshot of the counters.
func (l *Limiter) Stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stats
}

// PausedUntil returns the end of the current secondary-limit pause, or the
// zero time.
func (l *Limiter) PausedUntil() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pausedUntil.After(l.clock.Now()) {
		return l.pausedUntil
	}
	return time.Time{}
}

// blockedLocked returns how long a request for resource must wait before
// it may be sent: the secondary pause, or the primary reset when the budget
// is spent. l.mu must be held.
func (l *Limiter) blockedLocked(now time.Time, resource string) (time.Duration, *LimitError) {
	if l.pausedUntil.After(now) {
		wait := l.pausedUntil.Sub(now)
		return wait, &LimitError{Kind: KindSecondary, Resource: resource, RetryAt: l.pausedUntil, Wait: wait}
	}
	b, ok := l.budgets[resource]
	if ok && b.Remaining <= 0 && !b.Reset.IsZero() {
		until := b.Reset.Add(l.cfg.ResetBuffer)
		if until.After(now) {
			wait := until.Sub(now)
			return wait, &LimitError{Kind: KindPrimary, Resource: resource, RetryAt: until, Wait: wait}
		}
		// The window has reset: the budget is unknown until GitHub answers.
		delete(l.budgets, resource)
	}
	return 0, nil
}

// awaitGate waits until resource may be used, failing fast when the wait
// would exceed MaxWait. It reserves nothing: admit checks again, under the
// same lock as the reservation, once the request holds a slot.
func (l *Limiter) awaitGate(ctx context.Context, resource string) error {
	for {
		l.mu.Lock()
		wait, lerr := l.blockedLocked(l.clock.Now(), resource)
		l.mu.Unlock()
		if wait <= 0 {
			return nil
		}
		if wait > l.cfg.MaxWait {
			l.count(func(s *Stats) { s.FailedFast++ })
			l.log.WarnContext(ctx, "rate limit: failing fast", "kind", lerr.Kind, "resource", resource, "retry_at", lerr.RetryAt.UTC().Format(time.RFC3339), "wait", wait.Round(time.Second).String())
			return lerr
		}
		l.logWait(ctx, wait, lerr.Kind+" rate limit", "resource", resource)
		if err := l.clock.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// admit returns once a request for resource may be sent: no pause or spent
// budget is in force, it holds a concurrency slot and, for a write, the
// single write turn with spacing from the previous write. It reserves one
// unit of the budget. leave gives the slot and turn back.
//
// The gate is checked again after the slot is taken, because a request may
// queue for a slot while another one's answer starts a pause: the pause
// applies to it too.
func (l *Limiter) admit(ctx context.Context, resource string, write bool) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := l.awaitGate(ctx, resource); err != nil {
			return err
		}
		if err := l.acquire(ctx, write); err != nil {
			return err
		}
		if l.enter(resource, write) {
			return nil
		}
		l.free(write) // blocked while queued: wait at the gate again
	}
}

// acquire takes the write turn (waiting for WriteSpacing) for a write, then
// a concurrency slot. free gives them back.
func (l *Limiter) acquire(ctx context.Context, write bool) error {
	if write {
		select {
		case l.writeTurn <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
		l.mu.Lock()
		wait := l.lastWrite.Add(l.cfg.WriteSpacing).Sub(l.clock.Now())
		l.mu.Unlock()
		if wait > 0 {
			l.logWait(ctx, wait, "write spacing")
			if err := l.clock.Sleep(ctx, wait); err != nil {
				<-l.writeTurn
				return err
			}
		}
	}
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		if write {
			<-l.writeTurn
		}
		return ctx.Err()
	}
}

// enter checks the gate for a request holding a slot and, if it is open,
// reserves a unit of the budget and counts the request in flight.
func (l *Limiter) enter(resource string, write bool) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	if wait, _ := l.blockedLocked(now, resource); wait > 0 {
		return false
	}
	if b, ok := l.budgets[resource]; ok {
		// Reserve a unit so concurrent requests do not overspend.
		b.Remaining--
		l.budgets[resource] = b
	}
	if write {
		l.lastWrite = now
	}
	l.stats.InFlight++
	l.stats.MaxInFlight = max(l.stats.MaxInFlight, l.stats.InFlight)
	return true
}

// leave undoes enter and acquire.
func (l *Limiter) leave(write bool) {
	l.mu.Lock()
	l.stats.InFlight--
	l.mu.Unlock()
	l.free(write)
}

// free gives back what acquire took.
func (l *Limiter) free(write bool) {
	<-l.slots
	if write {
		<-l.writeTurn
	}
}

// observe records the rate-limit headers of a response to a request counted
// against resource. It returns the resource GitHub named in
// X-RateLimit-Resource, which wins over the guess from the path: GitHub has
// more resources than ResourceFor knows (audit_log, dependency_snapshots,
// ...), and a spent one must be waited for under its own name.
func (l *Limiter) observe(resource string, h headerGetter) string {
	if r := h.Get(hdrResource); r != "" {
		resource = r
	}
	limit, errL := strconv.Atoi(h.Get(hdrLimit))
	remaining, errR := strconv.Atoi(h.Get(hdrRemaining))
	reset, errT := strconv.ParseInt(h.Get(hdrReset), 10, 64)
	if errR != nil || errT != nil {
		return resource
	}
	b := Budget{Resource: resource, Remaining: remaining, Reset: time.Unix(reset, 0)}
	if errL == nil {
		b.Limit = limit
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	// Answers arrive out of order; never let an older, larger figure undo
	// a reservation within the same window.
	if old, ok := l.budgets[resource]; ok && old.Reset.Equal(b.Reset) && old.Remaining < b.Remaining {
		b.Remaining = old.Remaining
	}
	l.budgets[resource] = b
	return resource
}

// pause stops every request until d from now, returning the pause end.
func (l *Limiter) pause(d time.Duration) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	until := l.clock.Now().Add(d)
	if until.After(l.pausedUntil) {
		l.pausedUntil = until
	}
	l.stats.Secondary++
	return l.pausedUntil
}

// secondaryBackoff returns the pause for a secondary limit without
// Retry-After: SecondaryInitial doubling per repeat, capped.
//
// An answer that arrives while a pause this streak started is still in
// force is not a repeat: its request was sent before the pause began, with
// the ones that caused it (no request is sent during a pause). It joins the
// current pause instead of doubling it, so that a burst of concurrent
// requests does not turn one minute into sixteen.
func (l *Limiter) secondaryBackoff() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	if l.secondaryStreak > 0 && l.pausedUntil.After(now) {
		return l.pausedUntil.Sub(now)
	}
	d := l.cfg.SecondaryInitial
	for i := 0; i < l.secondaryStreak && d < l.cfg.SecondaryMax; i++ {
		d *= 2
	}
	l.secondaryStreak++
	return min(d, l.cfg.SecondaryMax)
}

func (l *Limiter) succeeded() {
	l.mu.Lock()
	l.secondaryStreak = 0
	l.mu.Unlock()
}

func (l *Limiter) count(f func(*Stats)) {
	l.mu.Lock()
	f(&l.stats)
	l.mu.Unlock()
}

func (l *Limiter) logWait(ctx context.Context, d time.Duration, reason string, attrs ...any) {
	l.count(func(s *Stats) { s.Waits++ })
	observeWait(ctx, reason, d)
	if d < time.Second {
		return
	}
	l.log.InfoContext(ctx, "rate limit: waiting", append([]any{"reason", reason, "wait", d.Round(time.Millisecond).String()}, attrs...)...)
}

type headerGetter interface{ Get(string) string }

// GitHub's rate-limit headers, spelled in canonical form so that
// http.Header.Get finds them without allocating a canonical copy.
const (
	hdrLimit     = "X-Ratelimit-Limit"
	hdrRemaining = "X-Ratelimit-Remaining"
	hdrReset     = "X-Ratelimit-Reset"
	hdrResource  = "X-Ratelimit-Resource"
)
