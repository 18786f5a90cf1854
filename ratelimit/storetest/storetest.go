// Package storetest checks that a ratelimit.Store keeps every rule, on a
// fake clock. ratelimit runs it against MemoryStore, redisstore against a
// real Redis: both stores must behave alike.
package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ghmcp/ghmcp/ratelimit"
)

// T0 is where the clock starts: whole seconds, like GitHub's resets.
var T0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// Clock is a fake clock that moves only when told to.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock at T0.
func NewClock() *Clock { return &Clock{now: T0} }

// Now returns the fake time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep advances the clock by d.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.Advance(d)
	return nil
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Limits are the rules the suite uses: small numbers, to reach them.
func Limits() ratelimit.Limits {
	return ratelimit.Limits{
		MaxConcurrent:    2,
		WriteSpacing:     time.Second,
		PointsPerMinute:  12,
		ContentPerMinute: 3,
		ContentPerHour:   5,
		ResetBuffer:      time.Second,
		SecondaryInitial: time.Minute,
		SecondaryMax:     4 * time.Minute,
		LeaseTTL:         10 * time.Second,
	}
}

// NewStore returns an empty store reading time from clock.
type NewStore func(t *testing.T, clock ratelimit.Clock) ratelimit.Store

var (
	read    = ratelimit.Ticket{Resource: "core", Points: 1}
	search  = ratelimit.Ticket{Resource: "search", Points: 1}
	write   = ratelimit.Ticket{Resource: "core", Write: true, Points: 5}
	creates = ratelimit.Ticket{Resource: "core", Write: true, Points: 5, Content: true}
	query   = ratelimit.Ticket{Resource: "graphql", Points: 1, GraphQL: true}
	mutate  = ratelimit.Ticket{Resource: "graphql", Write: true, Points: 5, GraphQL: true}
)

// Run runs the suite.
func Run(t *testing.T, newStore NewStore) {
	tests := []struct {
		name string
		run  func(t *testing.T, s *fixture)
	}{
		{"the concurrency cap holds a slot until a release", testConcurrency},
		{"writes go one at a time, spaced from the end of the last", testWrites},
		{"the points budget counts 1 per read and 5 per write in a sliding minute", testPoints},
		{"GraphQL's points are a budget of their own, apart from REST's", testGraphQLPoints},
		{"the content budget counts per minute and per hour", testContent},
		{"a spent primary budget holds its resource back until the reset", testPrimary},
		{"answers arriving out of order do not raise a budget", testOutOfOrder},
		{"a 304 does not count and an answer without headers does", testCounted},
		{"a secondary limit pauses every request, doubling while it repeats", testSecondary},
		{"state reports in-flight requests, budgets and windows", testState},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := NewClock()
			tt.run(t, &fixture{t: t, clock: clock, store: newStore(t, clock), lim: Limits()})
		})
	}
}

type fixture struct {
	t     *testing.T
	clock *Clock
	store ratelimit.Store
	lim   ratelimit.Limits
}

func (f *fixture) acquire(tk ratelimit.Ticket) ratelimit.Grant {
	f.t.Helper()
	g, err := f.store.Acquire(context.Background(), tk, f.lim)
	if err != nil {
		f.t.Fatalf("Acquire: %v", err)
	}
	return g
}

// admit acquires tk and fails unless admitted.
func (f *fixture) admit(tk ratelimit.Ticket) ratelimit.Lease {
	f.t.Helper()
	g := f.acquire(tk)
	if !g.OK {
		f.t.Fatalf("at T0+%v: %+v refused: %s (wait %v)", f.clock.Now().Sub(T0), tk, g.Reason, g.Wait)
	}
	return g.Lease
}

// refused acquires tk and fails unless refused for reason with wait.
func (f *fixture) refused(tk ratelimit.Ticket, reason string, wait time.Duration) {
	f.t.Helper()
	g := f.acquire(tk)
	if g.OK {
		f.release(g.Lease, ratelimit.Outcome{})
		f.t.Fatalf("at T0+%v: %+v admitted, want refused for %s", f.clock.Now().Sub(T0), tk, reason)
	}
	if g.Reason != reason || g.Wait != wait {
		f.t.Errorf("at T0+%v: %+v refused for %q, wait %v; want %q, wait %v", f.clock.Now().Sub(T0), tk, g.Reason, g.Wait, reason, wait)
	}
}

func (f *fixture) release(l ratelimit.Lease, o ratelimit.Outcome) ratelimit.Released {
	f.t.Helper()
	r, err := f.store.Release(context.Background(), l, o, f.lim)
	if err != nil {
		f.t.Fatalf("Release: %v", err)
	}
	return r
}

func (f *fixture) state() ratelimit.StoreState {
	f.t.Helper()
	st, err := f.store.State(context.Background())
	if err != nil {
		f.t.Fatalf("State: %v", err)
	}
	return st
}

func testConcurrency(t *testing.T, f *fixture) {
	a, _ := f.admit(read), f.admit(search)
	g := f.acquire(read)
	if g.OK || g.Reason != ratelimit.ReasonConcurrency {
		t.Fatalf("third request: %+v, want refused for the concurrency cap", g)
	}
	f.release(a, ratelimit.Outcome{Succeeded: true})
	f.admit(read)
}

func testWrites(t *testing.T, f *fixture) {
	w := f.admit(write)
	g := f.acquire(write)
	if g.OK || g.Reason != ratelimit.ReasonWriteInFlight {
		t.Fatalf("second write: %+v, want refused: another write in flight", g)
	}
	f.admit(read) // reads do not wait for writes
	f.clock.Advance(3 * time.Second)
	f.release(w, ratelimit.Outcome{Succeeded: true}) // a slow write: answered at T0+3s
	f.clock.Advance(400 * time.Millisecond)
	f.refused(write, ratelimit.ReasonWriteSpacing, 600*time.Millisecond)
	f.clock.Advance(600 * time.Millisecond)
	f.admit(write)
}

func testPoints(t *testing.T, f *fixture) {
	f.lim.MaxConcurrent = 100
	f.lim.WriteSpacing = 0
	for range 7 {
		f.admit(read)
	}
	f.clock.Advance(10 * time.Second)
	f.admit(write) // 12 of 12
	f.refused(read, ratelimit.ReasonPoints, 51*time.Second)
	// The reads of T0 leave the window a minute after their one-second
	// bucket ends: T0+61s.
	f.clock.Advance(51 * time.Second)
	for range 7 {
		f.admit(read)
	}
	f.refused(read, ratelimit.ReasonPoints, 10*time.Second)
}

func testGraphQLPoints(t *testing.T, f *fixture) {
	f.lim.MaxConcurrent = 100
	f.lim.WriteSpacing = 0
	f.lim.GraphQLPointsPerMinute = 8
	for range 12 {
		f.admit(read) // REST's 12 of 12
	}
	f.refused(read, ratelimit.ReasonPoints, time.Minute+time.Second)
	f.admit(query)
	f.admit(query)
	f.release(f.admit(mutate), ratelimit.Outcome{}) // GraphQL's 7 of 8
	f.refused(mutate, ratelimit.ReasonGraphQLPoints, time.Minute+time.Second)
	f.admit(query) // 8 of 8
	f.refused(query, ratelimit.ReasonGraphQLPoints, time.Minute+time.Second)
	if st := f.state(); st.PointsUsed != 12 || st.GraphQLPointsUsed != 8 {
		t.Errorf("State(): points %d, GraphQL points %d; want 12 and 8", st.PointsUsed, st.GraphQLPointsUsed)
	}
	f.clock.Advance(time.Minute + time.Second)
	f.admit(mutate)
	f.admit(read)
}

func testContent(t *testing.T, f *fixture) {
	f.lim.MaxConcurrent = 100
	f.lim.WriteSpacing = 0
	f.lim.PointsPerMinute = 0
	for range 3 {
		f.release(f.admit(creates), ratelimit.Outcome{Succeeded: true})
	}
	f.refused(creates, ratelimit.ReasonContentMinute, 61*time.Second)
	f.release(f.admit(write), ratelimit.Outcome{}) // a write that creates nothing
	f.clock.Advance(61 * time.Second)
	f.release(f.admit(creates), ratelimit.Outcome{})
	f.release(f.admit(creates), ratelimit.Outcome{})
	// Five in the hour: the first ones leave it an hour after their
	// one-minute bucket ends, at T0+1h1m (T0 is 5s into its minute).
	f.refused(creates, ratelimit.ReasonContentHour, time.Hour+time.Minute-5*time.Second-61*time.Second)
}

func testPrimary(t *testing.T, f *fixture) {
	f.lim.MaxConcurrent = 10
	l := f.admit(read)
	f.release(l, ratelimit.Outcome{Budget: &ratelimit.Budget{Resource: "core", Limit: 5000, Remaining: 1, Reset: T0.Add(10 * time.Second)}, Counted: true})
	f.admit(read) // the last unit, reserved while in flight
	f.refused(read, ratelimit.ReasonPrimary, 11*time.Second)
	f.admit(search) // another resource
	f.clock.Advance(11 * time.Second)
	f.admit(read)
}

func testOutOfOrder(t *testing.T, f *fixture) {
	f.lim.MaxConcurrent = 10
	reset := T0.Add(time.Hour)
	a, b := f.admit(read), f.admit(read)
	f.release(b, ratelimit.Outcome{Budget: &ratelimit.Budget{Resource: "core", Limit: 5000, Remaining: 10, Reset: reset}})
	f.release(a, ratelimit.Outcome{Budget: &ratelimit.Budget{Resource: "core", Limit: 5000, Remaining: 11, Reset: reset}})
	if got := f.state().Budgets; len(got) != 1 || got[0].Remaining != 10 {
		t.Errorf("budgets %+v, want core remaining 10", got)
	}
	// A new window replaces the old figure.
	f.release(f.admit(read), ratelimit.Outcome{Budget: &ratelimit.Budget{Resource: "core", Limit: 5000, Remaining: 4999, Reset: reset.Add(time.Hour)}})
	if got := f.state().Budgets; len(got) != 1 || got[0].Remaining != 4999 {
		t.Errorf("budgets %+v, want core remaining 4999", got)
	}
}

func testCounted(t *testing.T, f *fixture) {
	f.release(f.admit(read), ratelimit.Outcome{Budget: &ratelimit.Budget{Resource: "core", Limit: 5000, Remaining: 100, Reset: T0.Add(time.Hour)}})
	f.release(f.admit(read), ratelimit.Outcome{Counted: false}) // a 304 without headers
	f.release(f.admit(read), ratelimit.Outcome{Counted: true})  // a 200 without headers
	if got := f.state().Budgets; len(got) != 1 || got[0].Remaining != 99 {
		t.Errorf("budgets %+v, want core remaining 99", got)
	}
}

func testSecondary(t *testing.T, f *fixture) {
	f.lim.MaxConcurrent = 10
	a, b := f.admit(read), f.admit(write)
	r := f.release(a, ratelimit.Outcome{Secondary: true, RetryAfter: -1})
	if r.Pause != time.Minute || !r.PausedUntil.Equal(T0.Add(time.Minute)) {
		t.Errorf("first secondary limit: %+v, want a 1m pause until T0+1m", r)
	}
	f.refused(search, ratelimit.ReasonPaused, time.Minute)
	// An answer to a request sent before the pause joins it.
	f.clock.Advance(10 * time.Second)
	if r := f.release(b, ratelimit.Outcome{Secondary: true, RetryAfter: -1}); !r.PausedUntil.Equal(T0.Add(time.Minute)) {
		t.Errorf("joined secondary limit: %+v, want the pause until T0+1m", r)
	}
	// A repeat after the pause doubles it.
	f.clock.Advance(50 * time.Second)
	r = f.release(f.admit(read), ratelimit.Outcome{Secondary: true, RetryAfter: -1})
	if r.Pause != 2*time.Minute {
		t.Errorf("second secondary limit: %+v, want a 2m pause", r)
	}
	// Retry-After wins and keeps the streak; a success ends it.
	f.clock.Advance(2 * time.Minute)
	if r := f.release(f.admit(read), ratelimit.Outcome{Secondary: true, RetryAfter: 5 * time.Second}); r.Pause != 5*time.Second {
		t.Errorf("Retry-After 5: %+v, want a 5s pause", r)
	}
	f.refused(read, ratelimit.ReasonPaused, 5*time.Second)
	f.clock.Advance(5 * time.Second)
	if r := f.release(f.admit(read), ratelimit.Outcome{Secondary: true, RetryAfter: -1}); r.Pause != 4*time.Minute {
		t.Errorf("third in the streak: %+v, want 4m (capped)", r)
	}
	f.clock.Advance(4 * time.Minute)
	f.release(f.admit(read), ratelimit.Outcome{Succeeded: true})
	if r := f.release(f.admit(read), ratelimit.Outcome{Secondary: true, RetryAfter: -1}); r.Pause != time.Minute {
		t.Errorf("after a success: %+v, want 1m again", r)
	}
}

func testState(t *testing.T, f *fixture) {
	f.lim.MaxConcurrent = 10
	f.release(f.admit(read), ratelimit.Outcome{Budget: &ratelimit.Budget{Resource: "search", Limit: 30, Remaining: 20, Reset: T0.Add(time.Minute)}})
	f.admit(search)
	f.admit(creates)
	st := f.state()
	want := ratelimit.StoreState{
		Kind: f.store.Kind(), Healthy: true, InFlight: 2, PointsUsed: 7, ContentLastMinute: 1, ContentLastHour: 1,
		Budgets: []ratelimit.Budget{{Resource: "search", Limit: 30, Remaining: 19, Reset: T0.Add(time.Minute)}},
	}
	if st.Kind != want.Kind || st.Healthy != want.Healthy || st.InFlight != want.InFlight || st.PointsUsed != want.PointsUsed ||
		st.ContentLastMinute != want.ContentLastMinute || st.ContentLastHour != want.ContentLastHour || !st.PausedUntil.IsZero() ||
		len(st.Budgets) != 1 || st.Budgets[0].Remaining != 19 || !st.Budgets[0].Reset.Equal(want.Budgets[0].Reset) || st.Budgets[0].Limit != 30 {
		t.Errorf("State() = %+v\nwant %+v", st, want)
	}
}
