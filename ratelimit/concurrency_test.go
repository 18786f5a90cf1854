package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ghmcp/ghmcp/ratelimit"
)

// settle gives goroutines that should now be blocked the time to do
// something wrong instead, so that a test can see it.
func settle() { time.Sleep(20 * time.Millisecond) }

func TestConcurrencyCap(t *testing.T) {
	clock := newFakeClock()
	hold := make(chan struct{})
	ft := newFakeTransport(t, clock)
	ft.repeat = &step{status: 200, header: rl("core", 5000, 4000, t0.Add(time.Hour)), hold: hold}
	cfg := testConfig()
	cfg.MaxConcurrent = 2
	lim := ratelimit.New(cfg, clock, nil)
	rt := lim.Transport(ft)

	const n = 6
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if status, _, err := send(t, context.Background(), rt, get(fmt.Sprintf("/repos/octo/a/issues/%d", i))); err != nil || status != 200 {
				t.Errorf("request %d: %d, %v", i, status, err)
			}
		})
	}
	waitFor(t, "two requests in flight", func() bool { return ft.InFlight() == 2 })
	settle()
	if got := ft.InFlight(); got != 2 {
		t.Errorf("%d requests in flight with MaxConcurrent=2", got)
	}
	if got := lim.Stats().InFlight; got != 2 {
		t.Errorf("Stats().InFlight = %d, want 2", got)
	}
	close(hold)
	wg.Wait()

	if got := len(ft.Calls()); got != n {
		t.Errorf("transport saw %d requests, want %d", got, n)
	}
	if ft.maxInFlight != 2 {
		t.Errorf("at most %d requests were in flight, want 2", ft.maxInFlight)
	}
	if s := lim.Stats(); s.MaxInFlight != 2 || s.InFlight != 0 {
		t.Errorf("Stats() = %+v, want MaxInFlight 2 and InFlight 0", s)
	}
}

func TestWritesOneAtATimeAndSpaced(t *testing.T) {
	clock := newFakeClock()
	ft := newFakeTransport(t, clock)
	// Each answer takes a little real time, so that overlapping writes
	// would be seen.
	ft.repeat = &step{status: 201, then: func() { time.Sleep(time.Millisecond) }}
	cfg := testConfig()
	cfg.MaxConcurrent = 4
	cfg.WriteSpacing = 2 * time.Second
	rt := ratelimit.New(cfg, clock, nil).Transport(ft)

	var wg sync.WaitGroup
	for i := range 5 {
		wg.Go(func() {
			if _, _, err := send(t, context.Background(), rt, post(fmt.Sprintf("/repos/octo/a/issues/%d/comments", i), `{"body":"hi"}`)); err != nil {
				t.Errorf("write %d: %v", i, err)
			}
		})
		wg.Go(func() {
			if _, _, err := send(t, context.Background(), rt, get(fmt.Sprintf("/repos/octo/a/issues/%d", i))); err != nil {
				t.Errorf("read %d: %v", i, err)
			}
		})
	}
	wg.Wait()

	if ft.maxWritesInFlight != 1 {
		t.Errorf("%d writes were in flight at once, want 1", ft.maxWritesInFlight)
	}
	var starts []time.Time
	for _, c := range ft.Calls() {
		if c.Method == http.MethodPost {
			starts = append(starts, c.At)
		}
	}
	if len(starts) != 5 {
		t.Fatalf("transport saw %d writes, want 5", len(starts))
	}
	slices.SortFunc(starts, time.Time.Compare)
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < cfg.WriteSpacing {
			t.Errorf("writes %d and %d started %v apart, want at least WriteSpacing=%v", i, i+1, gap, cfg.WriteSpacing)
		}
	}
}

func TestPauseHoldsQueuedRequests(t *testing.T) {
	clock := newFakeClock()
	hold := make(chan struct{})
	ft := newFakeTransport(t, clock,
		step{status: 429, header: retryAfter("10"), hold: hold},
		ok(),
	)
	cfg := testConfig()
	cfg.MaxConcurrent = 1
	cfg.MaxRetries = -1
	lim := ratelimit.New(cfg, clock, nil)
	rt := lim.Transport(ft)

	var wg sync.WaitGroup
	wg.Go(func() {
		var le *ratelimit.LimitError
		if _, _, err := send(t, context.Background(), rt, get("/repos/octo/a")); !errors.As(err, &le) {
			t.Errorf("first request: %v, want a LimitError", err)
		}
	})
	waitFor(t, "the first request in flight", func() bool { return ft.InFlight() == 1 })
	wg.Go(func() {
		if status, _, err := send(t, context.Background(), rt, get("/repos/octo/b")); err != nil || status != 200 {
			t.Errorf("second request: %d, %v", status, err)
		}
	})
	settle() // the second request now waits for the only slot
	close(hold)
	wg.Wait()

	calls := ft.Calls()
	if len(calls) != 2 {
		t.Fatalf("transport saw %d requests, want 2", len(calls))
	}
	if sent, pauseEnd := calls[1].At, t0.Add(10*time.Second); sent.Before(pauseEnd) {
		t.Errorf("queued request sent at t0+%v, during the pause that ends at t0+10s", sent.Sub(t0))
	}
}

func TestSecondaryBurstIsOnePause(t *testing.T) {
	clock := newFakeClock()
	hold := make(chan struct{})
	secondary := step{status: 403, body: secondaryBody, hold: hold}
	ft := newFakeTransport(t, clock, secondary, secondary)
	cfg := testConfig()
	cfg.MaxWait = 30 * time.Second // fail fast rather than wait the pause
	lim := ratelimit.New(cfg, clock, nil)
	rt := lim.Transport(ft)

	var wg sync.WaitGroup
	for _, path := range []string{"/repos/octo/a", "/repos/octo/b"} {
		wg.Go(func() {
			var le *ratelimit.LimitError
			if _, _, err := send(t, context.Background(), rt, get(path)); !errors.As(err, &le) || le.Kind != ratelimit.KindSecondary {
				t.Errorf("%s: %v, want a secondary LimitError", path, err)
			}
		})
	}
	waitFor(t, "both requests in flight", func() bool { return ft.InFlight() == 2 })
	close(hold)
	wg.Wait()

	// Two answers to requests sent together are one burst, not a repeat.
	if got, want := lim.PausedUntil(), t0.Add(time.Minute); !got.Equal(want) {
		t.Errorf("PausedUntil() = t0+%v, want t0+1m0s", got.Sub(t0))
	}

	// A limit hit again after the pause is a repeat: the pause doubles.
	clock.Advance(time.Minute)
	ft.mu.Lock()
	ft.steps = append(ft.steps, step{status: 403, body: secondaryBody})
	ft.mu.Unlock()
	_, _, err := send(t, context.Background(), rt, get("/repos/octo/c"))
	var le *ratelimit.LimitError
	if !errors.As(err, &le) || !le.RetryAt.Equal(t0.Add(3*time.Minute)) {
		t.Errorf("after the pause: %v, want a LimitError retrying at t0+3m (a 2m pause)", err)
	}
	if got := lim.Stats().Secondary; got != 3 {
		t.Errorf("Stats().Secondary = %d, want 3", got)
	}
}

func TestQueuedRequestEndsWithItsContext(t *testing.T) {
	clock := newFakeClock()
	hold := make(chan struct{})
	ft := newFakeTransport(t, clock, step{status: 200, hold: hold})
	cfg := testConfig()
	cfg.MaxConcurrent = 1
	rt := ratelimit.New(cfg, clock, nil).Transport(ft)

	var wg sync.WaitGroup
	wg.Go(func() {
		if _, _, err := send(t, context.Background(), rt, get("/a")); err != nil {
			t.Errorf("first request: %v", err)
		}
	})
	waitFor(t, "the first request in flight", func() bool { return ft.InFlight() == 1 })
	for _, r := range []request{get("/b"), post("/c", "{}")} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		if _, _, err := send(t, ctx, rt, r); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("queued %s: %v, want context.DeadlineExceeded", r.method, err)
		}
		cancel()
	}
	close(hold)
	wg.Wait()
	if n := len(ft.Calls()); n != 1 {
		t.Errorf("transport saw %d requests, want 1", n)
	}
}
