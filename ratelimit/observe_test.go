package ratelimit_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ghmcp/ghmcp/ratelimit"
)

// A caller that set a wait observer hears about every wait its own
// requests make, with the reason and the length; other callers do not.
func TestWaitObserverHearsTheCallersWaits(t *testing.T) {
	type wait struct {
		Reason string
		D      time.Duration
	}
	cfg := testConfig()
	cfg.WriteSpacing = 2 * time.Second
	clock := newFakeClock()
	ft := newFakeTransport(t, clock,
		step{status: 429, header: http.Header{"Retry-After": {"3"}}},
		step{status: 502},
		step{status: 200},
		step{status: 201},
		step{status: 201},
	)
	rt := ratelimit.New(cfg, clock, nil).Transport(ft)

	var heard []wait
	ctx := ratelimit.WithWaitObserver(context.Background(), func(reason string, d time.Duration) {
		heard = append(heard, wait{reason, d})
	})
	if status, _, err := send(t, ctx, rt, request{method: "GET", path: "/repos/o/r"}); err != nil || status != 200 {
		t.Fatalf("GET: %d %v", status, err)
	}
	if status, _, err := send(t, ctx, rt, request{method: "POST", path: "/repos/o/r/issues", body: "{}"}); err != nil || status != 201 {
		t.Fatalf("first POST: %d %v", status, err)
	}
	if status, _, err := send(t, ctx, rt, request{method: "POST", path: "/repos/o/r/issues", body: "{}"}); err != nil || status != 201 {
		t.Fatalf("second POST: %d %v", status, err)
	}
	want := []wait{
		{ratelimit.ReasonPaused, 3 * time.Second},
		{"retry after GitHub 502 Bad Gateway", clock.Sleeps()[1]}, // jittered
		{ratelimit.ReasonWriteSpacing, 2 * time.Second},
	}
	if diff := cmp.Diff(want, heard); diff != "" {
		t.Errorf("observed waits (-want +got):\n%s", diff)
	}

	// Without an observer nothing is reported, and nothing breaks.
	quiet := newFakeTransport(t, clock, step{status: 200})
	if _, _, err := send(t, context.Background(), ratelimit.New(cfg, clock, nil).Transport(quiet), request{method: "GET", path: "/user"}); err != nil {
		t.Fatal(err)
	}
}

// On the real clock a wait is reported once, however often the queue
// looks at the waiting request meanwhile: the host would otherwise see
// the same wait twice in its log and progress.
func TestWaitObserverHearsARealWaitOnce(t *testing.T) {
	ft := newFakeTransport(t, newFakeClock(),
		step{status: 429, header: http.Header{"Retry-After": {"1"}}},
		step{status: 200},
	)
	rt := ratelimit.New(testConfig(), nil, nil).Transport(ft) // the system clock
	var mu sync.Mutex
	var heard []string
	ctx := ratelimit.WithWaitObserver(context.Background(), func(reason string, d time.Duration) {
		mu.Lock()
		heard = append(heard, reason)
		mu.Unlock()
	})
	if status, _, err := send(t, ctx, rt, request{method: "GET", path: "/repos/o/r"}); err != nil || status != 200 {
		t.Fatalf("GET: %d %v", status, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff([]string{ratelimit.ReasonPaused}, heard); diff != "" {
		t.Errorf("observed waits (-want +got):\n%s", diff)
	}
}

// An observer set around a whole tool call (metrics) keeps hearing the
// waits when a narrower one (progress) is set inside it: both hear each
// wait, the inner one first.
func TestWaitObserversAddUp(t *testing.T) {
	cfg := testConfig()
	clock := newFakeClock()
	ft := newFakeTransport(t, clock,
		step{status: 429, header: http.Header{"Retry-After": {"3"}}},
		step{status: 200},
	)
	rt := ratelimit.New(cfg, clock, nil).Transport(ft)
	var heard []string
	ctx := ratelimit.WithWaitObserver(context.Background(), func(reason string, d time.Duration) {
		heard = append(heard, "outer: "+reason)
	})
	ctx = ratelimit.WithWaitObserver(ctx, func(reason string, d time.Duration) {
		heard = append(heard, "inner: "+reason)
	})
	if status, _, err := send(t, ctx, rt, request{method: "GET", path: "/repos/o/r"}); err != nil || status != 200 {
		t.Fatalf("GET: %d %v", status, err)
	}
	want := []string{"inner: " + ratelimit.ReasonPaused, "outer: " + ratelimit.ReasonPaused}
	if diff := cmp.Diff(want, heard); diff != "" {
		t.Errorf("observed waits (-want +got):\n%s", diff)
	}
}
