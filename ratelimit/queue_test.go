package ratelimit_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ghmcp/ghmcp/ratelimit"
)

// queueUp starts reqs one after another, each once the previous one is
// queued, so that their arrival order is known; it returns a WaitGroup for
// their ends and their errors.
func queueUp(t *testing.T, lim *ratelimit.Limiter, rt http.RoundTripper, ctxs []context.Context, reqs []request) (*sync.WaitGroup, []error) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, len(reqs))
	base := lim.Stats().Queued
	for i, r := range reqs {
		ctx := context.Background()
		if ctxs != nil && ctxs[i] != nil {
			ctx = ctxs[i]
		}
		wg.Go(func() { _, _, errs[i] = send(t, ctx, rt, r) })
		waitFor(t, fmt.Sprintf("request %d queued", i+1), func() bool { return lim.Stats().Queued == base+i+1 })
	}
	return &wg, errs
}

func paths(calls []call) []string {
	var out []string
	for _, c := range calls {
		out = append(out, c.Method+" "+c.Path)
	}
	return out
}

func TestQueueIsFIFO(t *testing.T) {
	clock := newFakeClock()
	hold := make(chan struct{})
	ft := newFakeTransport(t, clock, step{status: 200, hold: hold})
	ft.repeat = &step{status: 200, then: func() { time.Sleep(time.Millisecond) }}
	cfg := testConfig()
	cfg.MaxConcurrent = 1
	lim := ratelimit.New(cfg, clock, nil)
	rt := lim.Transport(ft)

	first := make(chan error)
	go func() { _, _, err := send(t, context.Background(), rt, get("/first")); first <- err }()
	waitFor(t, "the first request in flight", func() bool { return ft.InFlight() == 1 })

	var reqs []request
	want := []string{"GET /first"}
	for i := range 12 {
		r := get(fmt.Sprintf("/repos/octo/r%d", i))
		if i%3 == 2 {
			r = post(fmt.Sprintf("/repos/octo/r%d/issues", i), issueJSON)
		}
		reqs = append(reqs, r)
		want = append(want, r.method+" "+r.path)
	}
	wg, errs := queueUp(t, lim, rt, nil, reqs)
	close(hold)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("request %d: %v", i+1, err)
		}
	}
	if diff := cmp.Diff(want, paths(ft.Calls())); diff != "" {
		t.Errorf("requests were not sent in arrival order (-want +got):\n%s", diff)
	}
}

func TestCancelledRequestLeavesQueueAtOnce(t *testing.T) {
	clock := newFakeClock()
	hold := make(chan struct{})
	ft := newFakeTransport(t, clock, step{status: 200, hold: hold})
	ft.repeat = &step{status: 200}
	cfg := testConfig()
	cfg.MaxConcurrent = 1
	lim := ratelimit.New(cfg, clock, nil)
	rt := lim.Transport(ft)

	first := make(chan error)
	go func() { _, _, err := send(t, context.Background(), rt, get("/first")); first <- err }()
	waitFor(t, "the first request in flight", func() bool { return ft.InFlight() == 1 })

	ctx, cancel := context.WithCancel(context.Background())
	wg, errs := queueUp(t, lim, rt, []context.Context{nil, ctx, nil}, []request{get("/a"), post("/b", issueJSON), get("/c")})
	start := time.Now()
	cancel()
	waitFor(t, "the cancelled request out of the queue", func() bool { return lim.Stats().Queued == 2 })
	if d := time.Since(start); d > time.Second {
		t.Errorf("the cancelled request left the queue after %v", d)
	}
	close(hold)
	<-first
	wg.Wait()
	if !errors.Is(errs[1], context.Canceled) {
		t.Errorf("cancelled request: %v, want context.Canceled", errs[1])
	}
	if diff := cmp.Diff([]string{"GET /first", "GET /a", "GET /c"}, paths(ft.Calls())); diff != "" {
		t.Errorf("requests sent (-want +got):\n%s", diff)
	}
	if s := lim.Stats(); s.Queued != 0 || s.InFlight != 0 {
		t.Errorf("Stats() = %+v after all ended", s)
	}
}

// TestReadsPassASpacedWrite: a write waiting for its spacing holds back
// the writes behind it, not the reads.
func TestReadsPassASpacedWrite(t *testing.T) {
	clock := newFakeClock()
	ft := newFakeTransport(t, clock)
	ft.repeat = &step{status: 200}
	cfg := testConfig()
	cfg.WriteSpacing = 2 * time.Second
	lim := ratelimit.New(cfg, nil, nil) // real time: the spacing must really hold
	rt := lim.Transport(ft)

	if _, _, err := send(t, context.Background(), rt, post("/repos/octo/a/issues", issueJSON)); err != nil {
		t.Fatal(err)
	}
	wg, errs := queueUp(t, lim, rt, nil, []request{post("/repos/octo/b/issues", issueJSON)})
	start := time.Now()
	if _, _, err := send(t, context.Background(), rt, get("/repos/octo/c")); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("a read waited %v behind a write waiting for its spacing", d)
	}
	wg.Wait()
	if errs[0] != nil {
		t.Fatal(errs[0])
	}
	if diff := cmp.Diff([]string{"POST /repos/octo/a/issues", "GET /repos/octo/c", "POST /repos/octo/b/issues"}, paths(ft.Calls())); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}

func TestPointsBudget(t *testing.T) {
	tenPoints := func(c *ratelimit.Config) { c.PointsPerMinute = 10 }
	reads := func(n int) []request {
		var out []request
		for i := range n {
			out = append(out, get(fmt.Sprintf("/repos/octo/r%d", i)))
		}
		return out
	}
	outcomes := func(n int) []outcome { return make([]outcome, n) }
	okAll := func(o []outcome) []outcome {
		for i := range o {
			o[i].status = 200
		}
		return o
	}
	runScenarios(t, []scenario{
		{
			name:   "the eleventh read in a minute waits for the first ones to leave the window",
			cfg:    tenPoints,
			steps:  repeatStep(ok(), 11),
			reqs:   reads(11),
			want:   okAll(outcomes(11)),
			sleeps: []time.Duration{61 * time.Second}, // the bucket of t0 ends at t0+1s
			calls:  11,
		},
		{
			name:  "a write costs five points, and a long wait fails fast",
			cfg:   func(c *ratelimit.Config) { tenPoints(c); c.MaxWait = 30 * time.Second },
			steps: repeatStep(step{status: 201}, 2),
			reqs:  []request{post("/repos/octo/a/labels", `{}`), post("/repos/octo/a/labels", `{"x":1}`), get("/repos/octo/a")},
			want: []outcome{{status: 201}, {status: 201}, {limit: &ratelimit.LimitError{
				Kind: ratelimit.KindPoints, Resource: "core", RetryAt: t0.Add(61 * time.Second), Wait: 61 * time.Second,
			}}},
			calls: 2,
		},
	})
}

func TestContentBudget(t *testing.T) {
	runScenarios(t, []scenario{
		{
			name:  "content creations beyond the minute's budget wait; other writes do not count",
			cfg:   func(c *ratelimit.Config) { c.ContentPerMinute = 2 },
			steps: repeatStep(step{status: 201}, 4),
			reqs: []request{
				post("/repos/octo/a/issues", issueJSON),
				{method: http.MethodPatch, path: "/repos/octo/a/issues/1", body: issueJSON},
				post("/repos/octo/a/issues/1/comments", `{"body":"hi"}`),
				post("/repos/octo/a/pulls", `{}`),
			},
			want:   []outcome{{status: 201}, {status: 201}, {status: 201}, {status: 201}},
			sleeps: []time.Duration{61 * time.Second},
			calls:  4,
			check:  sentAt(0, 0, 0, 61*time.Second),
		},
		{
			name:  "beyond the hour's budget it fails fast, saying when",
			cfg:   func(c *ratelimit.Config) { c.ContentPerHour = 1; c.MaxWait = time.Minute },
			steps: repeatStep(step{status: 201}, 1),
			reqs:  []request{post("/repos/octo/a/issues", issueJSON), post("/repos/octo/a/issues", issueJSON)},
			want: []outcome{{status: 201}, {limit: &ratelimit.LimitError{
				// t0 is 5s into its minute; its bucket ends at t0+55s.
				Kind: ratelimit.KindContent, Resource: "core", RetryAt: t0.Add(time.Hour + 55*time.Second), Wait: time.Hour + 55*time.Second,
			}}},
			calls: 1,
		},
	})
}

func repeatStep(s step, n int) []step {
	out := make([]step, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestLongWaitsAreLogged(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	clock := newFakeClock()
	ft := newFakeTransport(t, clock,
		step{status: 200, header: rl("core", 5000, 0, t0.Add(10*time.Second))},
		ok(),
		step{status: 201},
		step{status: 201},
	)
	cfg := testConfig()
	cfg.WriteSpacing = 500 * time.Millisecond
	rt := ratelimit.New(cfg, clock, logger).Transport(ft)
	for _, r := range []request{get("/a"), get("/b"), post("/c", "{}"), post("/d", "{}")} {
		if _, _, err := send(t, context.Background(), rt, r); err != nil {
			t.Fatal(err)
		}
	}
	logs := buf.String()
	if !strings.Contains(logs, `msg="rate limit: waiting" reason="primary rate limit" wait=11s resource=core`) {
		t.Errorf("the 11s wait for the reset is not logged with its reason:\n%s", logs)
	}
	if strings.Contains(logs, "write spacing") {
		t.Errorf("a wait under a second is logged:\n%s", logs)
	}
}

// TestSlotHeldUntilBodyRead: GitHub counts a request in flight until its
// answer is sent, so the slot is held until the body is read or closed.
func TestSlotHeldUntilBodyRead(t *testing.T) {
	clock := newFakeClock()
	ft := newFakeTransport(t, clock, ok(), ok(), ok())
	cfg := testConfig()
	cfg.MaxConcurrent = 1
	lim := ratelimit.New(cfg, clock, nil)
	rt := lim.Transport(ft)

	resp, err := rt.RoundTrip(newRequest(t, context.Background(), get("/a")))
	if err != nil {
		t.Fatal(err)
	}
	if got := lim.Stats().InFlight; got != 1 {
		t.Errorf("InFlight = %d with the body unread, want 1", got)
	}
	second := make(chan error)
	go func() { _, _, err := send(t, context.Background(), rt, get("/b")); second <- err }()
	waitFor(t, "the second request queued", func() bool { return lim.Stats().Queued == 1 })
	if _, err := io.ReadAll(resp.Body); err != nil { // to its end: the slot is free
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	resp.Body.Close() // closing after the end releases nothing twice
	if _, _, err := send(t, context.Background(), rt, get("/c")); err != nil {
		t.Fatal(err)
	}
	if s := lim.Stats(); s.InFlight != 0 || s.MaxInFlight != 1 {
		t.Errorf("Stats() = %+v", s)
	}
}
