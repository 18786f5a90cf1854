package ratelimit

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MemoryStore is the Store of one process: the default when no Redis is
// configured, and the fallback while Redis is unreachable. Its leases never
// expire: a process that dies takes them along.
type MemoryStore struct {
	clock Clock

	mu          sync.Mutex
	nextID      uint64
	leases      map[string]Lease
	inFlight    map[string]int // leases per resource
	writer      string         // the lease holding the write turn, if any
	lastWrite   time.Time      // start or end of the latest write, whichever is later
	pausedUntil time.Time
	streak      int // secondary limits in a row
	budgets     map[string]Budget
	points      window
	gqlPoints   window // GraphQL's points, apart from REST's
	contentMin  window
	contentHour window
}

// NewMemoryStore returns an empty in-memory store; a nil clock is the
// system clock.
func NewMemoryStore(clock Clock) *MemoryStore {
	if clock == nil {
		clock = SystemClock{}
	}
	return &MemoryStore{
		clock:       clock,
		leases:      map[string]Lease{},
		inFlight:    map[string]int{},
		budgets:     map[string]Budget{},
		points:      newWindow(time.Second, time.Minute),
		gqlPoints:   newWindow(time.Second, time.Minute),
		contentMin:  newWindow(time.Second, time.Minute),
		contentHour: newWindow(time.Minute, time.Hour),
	}
}

// Kind returns "memory".
func (s *MemoryStore) Kind() string { return "memory" }

// Acquire implements Store.
func (s *MemoryStore) Acquire(_ context.Context, t Ticket, lim Limits) (Grant, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()

	// The timed limits: the longest wait wins, so that a request fails
	// fast on the limit that is really far away.
	var g Grant
	consider := func(reason string, d time.Duration) {
		if d > g.Wait {
			g.Reason, g.Wait = reason, d
		}
	}
	if s.pausedUntil.After(now) {
		consider(ReasonPaused, s.pausedUntil.Sub(now))
	}
	if b, ok := s.budgets[t.Resource]; ok && t.Resource != "" && !b.Reset.IsZero() {
		until := b.Reset.Add(lim.ResetBuffer)
		switch {
		case !until.After(now):
			// The window has reset: unknown until GitHub answers.
			delete(s.budgets, t.Resource)
		case b.Remaining-s.inFlight[t.Resource] <= 0:
			consider(ReasonPrimary, until.Sub(now))
		}
	}
	points, ppm, why := &s.points, lim.PointsPerMinute, ReasonPoints
	if t.GraphQL {
		points, ppm, why = &s.gqlPoints, lim.GraphQLPointsPerMinute, ReasonGraphQLPoints
	}
	consider(why, points.wait(now, t.Points, ppm))
	if t.Content {
		consider(ReasonContentHour, s.contentHour.wait(now, 1, lim.ContentPerHour))
		consider(ReasonContentMinute, s.contentMin.wait(now, 1, lim.ContentPerMinute))
	}
	if g.Wait > 0 {
		return g, nil
	}
	// The held ones: a slot or the write turn frees when its holder is
	// answered, which is not known in advance.
	if t.Write {
		if s.writer != "" {
			return Grant{Reason: ReasonWriteInFlight}, nil
		}
		if d := s.lastWrite.Add(lim.WriteSpacing).Sub(now); d > 0 {
			return Grant{Reason: ReasonWriteSpacing, Wait: d}, nil
		}
	}
	if len(s.leases) >= max(lim.MaxConcurrent, 1) {
		return Grant{Reason: ReasonConcurrency}, nil
	}

	s.nextID++
	l := Lease{ID: strconv.FormatUint(s.nextID, 10), Resource: t.Resource, Write: t.Write}
	s.leases[l.ID] = l
	s.inFlight[l.Resource]++
	if t.Write {
		s.writer = l.ID
		s.lastWrite = now
	}
	points.add(now, t.Points)
	if t.Content {
		s.contentMin.add(now, 1)
		s.contentHour.add(now, 1)
	}
	return Grant{OK: true, Lease: l}, nil
}

// Release implements Store.
func (s *MemoryStore) Release(_ context.Context, l Lease, o Outcome, lim Limits) (Released, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	if _, ok := s.leases[l.ID]; ok {
		delete(s.leases, l.ID)
		if s.inFlight[l.Resource]--; s.inFlight[l.Resource] <= 0 {
			delete(s.inFlight, l.Resource)
		}
	}
	if l.Write && s.writer == l.ID {
		s.writer = ""
		// Spacing counts from the end of a write: the next one cannot
		// reach GitHub less than WriteSpacing after this one did.
		s.lastWrite = later(s.lastWrite, now)
	}
	switch {
	case o.Budget != nil:
		s.observeLocked(*o.Budget)
	case o.Counted && l.Resource != "":
		if b, ok := s.budgets[l.Resource]; ok {
			b.Remaining = max(b.Remaining-1, 0)
			s.budgets[l.Resource] = b
		}
	}
	var r Released
	switch {
	case o.Secondary:
		d := o.RetryAfter
		if d < 0 {
			d = s.backoffLocked(now, lim)
		}
		r.Pause = d
		s.pausedUntil = later(s.pausedUntil, now.Add(d))
		r.PausedUntil = s.pausedUntil
	case o.Succeeded:
		s.streak = 0
	}
	return r, nil
}

// backoffLocked returns the pause for a secondary limit without
// Retry-After: SecondaryInitial doubling per repeat, capped.
//
// An answer that arrives while a pause this streak started is still in
// force is not a repeat: its request was sent before the pause began, with
// the ones that caused it (no request is sent during a pause). It joins the
// current pause instead of doubling it, so that a burst of concurrent
// requests does not turn one minute into sixteen.
func (s *MemoryStore) backoffLocked(now time.Time, lim Limits) time.Duration {
	if s.streak > 0 && s.pausedUntil.After(now) {
		return s.pausedUntil.Sub(now)
	}
	d := lim.SecondaryInitial
	for i := 0; i < s.streak && d < lim.SecondaryMax; i++ {
		d *= 2
	}
	s.streak++
	return min(d, lim.SecondaryMax)
}

// observeLocked records a budget from GitHub's headers. Answers arrive out
// of order; within one window the lowest remaining figure is the latest.
func (s *MemoryStore) observeLocked(b Budget) {
	if old, ok := s.budgets[b.Resource]; ok && old.Reset.Equal(b.Reset) && old.Remaining < b.Remaining {
		b.Remaining = old.Remaining
	}
	s.budgets[b.Resource] = b
}

// note records what another store learned (see Failover): a budget and a
// pause, without a lease.
func (s *MemoryStore) note(b *Budget, pausedUntil time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if b != nil {
		s.observeLocked(*b)
	}
	s.pausedUntil = later(s.pausedUntil, pausedUntil)
}

// State implements Store.
func (s *MemoryStore) State(context.Context) (StoreState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	st := StoreState{
		Kind:              s.Kind(),
		Healthy:           true,
		InFlight:          len(s.leases),
		PointsUsed:        s.points.used(now),
		GraphQLPointsUsed: s.gqlPoints.used(now),
		ContentLastMinute: s.contentMin.used(now),
		ContentLastHour:   s.contentHour.used(now),
		Budgets:           make([]Budget, 0, len(s.budgets)),
	}
	if s.pausedUntil.After(now) {
		st.PausedUntil = s.pausedUntil
	}
	for _, b := range s.budgets {
		// Units reserved by requests in flight are not left.
		b.Remaining = max(b.Remaining-s.inFlight[b.Resource], 0)
		st.Budgets = append(st.Budgets, b)
	}
	sortBudgets(st.Budgets)
	return st, nil
}

func sortBudgets(bs []Budget) {
	slices.SortFunc(bs, func(a, b Budget) int { return strings.Compare(a.Resource, b.Resource) })
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
