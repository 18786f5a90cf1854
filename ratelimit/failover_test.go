package ratelimit_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ghmcp/ghmcp/ratelimit"
)

// flakyStore is a shared store that can be made unreachable.
type flakyStore struct {
	*ratelimit.MemoryStore
	down atomic.Bool
}

var errUnreachable = errors.New("dial tcp 127.0.0.1:6379: connect: connection refused")

func (f *flakyStore) Kind() string { return "redis" }

func (f *flakyStore) Acquire(ctx context.Context, t ratelimit.Ticket, lim ratelimit.Limits) (ratelimit.Grant, error) {
	if f.down.Load() {
		return ratelimit.Grant{}, errUnreachable
	}
	return f.MemoryStore.Acquire(ctx, t, lim)
}

func (f *flakyStore) Release(ctx context.Context, l ratelimit.Lease, o ratelimit.Outcome, lim ratelimit.Limits) (ratelimit.Released, error) {
	if f.down.Load() {
		return ratelimit.Released{}, errUnreachable
	}
	return f.MemoryStore.Release(ctx, l, o, lim)
}

func (f *flakyStore) State(ctx context.Context) (ratelimit.StoreState, error) {
	if f.down.Load() {
		return ratelimit.StoreState{}, errUnreachable
	}
	st, err := f.MemoryStore.State(ctx)
	st.Kind = "redis"
	return st, err
}

func TestFailoverToLocalLimits(t *testing.T) {
	clock := newFakeClock()
	var logs bytes.Buffer
	shared := &flakyStore{MemoryStore: ratelimit.NewMemoryStore(clock)}
	f := ratelimit.NewFailover(shared, clock, slog.New(slog.NewTextHandler(&logs, nil)))
	cfg := testConfig()
	cfg.Store = f
	lim := ratelimit.New(cfg, clock, nil)
	ft := newFakeTransport(t, clock)
	ft.repeat = &step{status: 200, header: rl("core", 5000, 4000, t0.Add(time.Hour))}
	rt := lim.Transport(ft)
	ctx := context.Background()

	// A pause learned while Redis works is kept through an outage.
	ft.mu.Lock()
	ft.steps = []step{{status: 429, header: retryAfter("5")}}
	ft.mu.Unlock()
	if _, _, err := send(t, ctx, rt, get("/a")); err != nil {
		t.Fatal(err)
	}
	shared.down.Store(true)
	var rep ratelimit.Report
	if _, _, err := send(t, ratelimit.WithReport(ctx, &rep), rt, get("/b")); err != nil {
		t.Fatalf("with Redis down: %v", err)
	}
	if rep.Store != "redis" || rep.StoreHealthy {
		t.Errorf("report during the outage: store %q healthy %v", rep.Store, rep.StoreHealthy)
	}
	if n := strings.Count(logs.String(), "shared store unreachable"); n != 1 {
		t.Errorf("the outage was logged %d times, want once:\n%s", n, logs.String())
	}

	// Conservative: a quarter of the cap (8 -> 2).
	hold := make(chan struct{})
	ft.mu.Lock()
	ft.steps = []step{{status: 200, hold: hold}, {status: 200, hold: hold}}
	ft.mu.Unlock()
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() { send(t, ctx, rt, get("/c")) })
	}
	waitFor(t, "two requests in flight", func() bool { return ft.InFlight() == 2 })
	settle()
	if n := ft.InFlight(); n != 2 {
		t.Errorf("%d in flight during the outage, want the conservative cap of 2", n)
	}
	close(hold)
	wg.Wait()

	// Back: after the probe interval the shared store is used again.
	shared.down.Store(false)
	clock.Advance(f.ProbeInterval)
	if _, _, err := send(t, ctx, rt, get("/d")); err != nil {
		t.Fatal(err)
	}
	if !f.Healthy() || !strings.Contains(logs.String(), "shared store reachable again") {
		t.Errorf("not back on the shared store:\n%s", logs.String())
	}
}

// sharedHeld answers that another process holds every slot for a few polls.
type sharedHeld struct {
	*ratelimit.MemoryStore
	refusals atomic.Int32
}

func (s *sharedHeld) Acquire(ctx context.Context, t ratelimit.Ticket, lim ratelimit.Limits) (ratelimit.Grant, error) {
	if s.refusals.Add(-1) >= 0 {
		return ratelimit.Grant{Reason: ratelimit.ReasonConcurrency, Wait: 10 * time.Second, Shared: true}, nil
	}
	return s.MemoryStore.Acquire(ctx, t, lim)
}

// TestPollsWhatAnotherProcessHolds: a slot held elsewhere frees without a
// local release, so the waiting request checks again every poll interval.
func TestPollsWhatAnotherProcessHolds(t *testing.T) {
	store := &sharedHeld{MemoryStore: ratelimit.NewMemoryStore(nil)}
	store.refusals.Store(3)
	cfg := testConfig()
	cfg.Store = store
	cfg.PollInterval = 10 * time.Millisecond
	lim := ratelimit.New(cfg, nil, nil)
	ft := newFakeTransport(t, newFakeClock(), ok())
	start := time.Now()
	if _, _, err := send(t, context.Background(), lim.Transport(ft), get("/a")); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v: the poll did not happen", d)
	}
	if s := lim.Stats(); s.Waits != 0 {
		t.Errorf("polls counted as %d waits", s.Waits)
	}
}

func TestReport(t *testing.T) {
	clock := newFakeClock()
	ft := newFakeTransport(t, clock, step{status: 200, header: rl("core", 5000, 4321, t0.Add(time.Hour))}, ok())
	lim := ratelimit.New(testConfig(), clock, nil)
	cache := ratelimit.NewCache(ratelimit.CacheConfig{TokenKey: "k"})
	rt := cache.Transport(lim.Transport(ft))
	send(t, context.Background(), rt, get("/repos/octo/a"))
	var rep ratelimit.Report
	send(t, ratelimit.WithReport(context.Background(), &rep), rt, get("/rate_limit"))
	if !rep.Filled || rep.Store != "memory" || !rep.StoreHealthy || rep.MaxConcurrent != 8 || rep.Stats.Requests != 1 ||
		len(rep.Budgets) != 1 || rep.Budgets[0].Remaining != 4321 || rep.PointsUsed != 1 || rep.PointsPerMinute != 900 || rep.Cache.Misses != 1 {
		t.Errorf("Report = %+v", rep)
	}
}
