package ratelimit_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ghmcp/ghmcp/ratelimit"
)

// outcome is what one request through the limiter should give.
type outcome struct {
	status    int                   // the status wanted; 0 when an error is wanted
	body      string                // the body wanted, when not empty
	limit     *ratelimit.LimitError // the LimitError wanted, if any
	errIs     error                 // an error wanted by errors.Is, if any
	ambiguous bool                  // an AmbiguousWriteError wanted
}

// scenario sends reqs one after another through a limiter in front of a
// fake transport scripted with steps, on a fake clock.
type scenario struct {
	name  string
	cfg   func(*ratelimit.Config) // changes to testConfig, if any
	steps []step
	reqs  []request
	want  []outcome
	// sleeps are the waits wanted, exactly, in order. When jittered is
	// set they are random instead, and only their number and bounds are
	// checked.
	sleeps   []time.Duration
	jittered int
	calls    int // requests the transport should see
	// check, if set, makes further checks.
	check func(t *testing.T, clock *fakeClock, ft *fakeTransport, lim *ratelimit.Limiter)
}

func runScenarios(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			cfg := testConfig()
			if sc.cfg != nil {
				sc.cfg(&cfg)
			}
			clock := newFakeClock()
			ft := newFakeTransport(t, clock, sc.steps...)
			lim := ratelimit.New(cfg, clock, nil)
			rt := lim.Transport(ft)
			if len(sc.want) != len(sc.reqs) {
				t.Fatalf("bad scenario: %d requests, %d outcomes", len(sc.reqs), len(sc.want))
			}
			for i, r := range sc.reqs {
				status, body, err := send(t, context.Background(), rt, r)
				checkOutcome(t, i, r, sc.want[i], status, body, err)
			}
			sleeps := clock.Sleeps()
			if sc.jittered > 0 {
				if len(sleeps) != sc.jittered {
					t.Errorf("slept %v, want %d jittered sleeps", sleeps, sc.jittered)
				}
				for _, d := range sleeps {
					if d <= 0 || d > lim.Config().RetryMax {
						t.Errorf("slept %v, want within (0, RetryMax=%v]", d, lim.Config().RetryMax)
					}
				}
			} else if diff := cmp.Diff(sc.sleeps, sleeps, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("sleeps mismatch (-want +got):\n%s", diff)
			}
			if got := len(ft.Calls()); got != sc.calls {
				t.Errorf("transport saw %d requests, want %d: %+v", got, sc.calls, ft.Calls())
			}
			if sc.check != nil {
				sc.check(t, clock, ft, lim)
			}
		})
	}
}

func checkOutcome(t *testing.T, i int, r request, want outcome, status int, body string, err error) {
	t.Helper()
	prefix := r.method + " " + r.path
	if i > 0 {
		prefix = "request " + string(rune('1'+i)) + ": " + prefix
	}
	wantErr := want.limit != nil || want.errIs != nil || want.ambiguous
	switch {
	case err != nil && !wantErr:
		t.Fatalf("%s: unexpected error %v", prefix, err)
	case err == nil && wantErr:
		t.Fatalf("%s: got status %d, want an error", prefix, status)
	}
	if status != want.status {
		t.Errorf("%s: status %d, want %d", prefix, status, want.status)
	}
	if want.body != "" && body != want.body {
		t.Errorf("%s: body %q, want %q", prefix, body, want.body)
	}
	if want.limit != nil {
		var le *ratelimit.LimitError
		if !errors.As(err, &le) {
			t.Fatalf("%s: error %v (%T), want a *LimitError", prefix, err, err)
		}
		if diff := cmp.Diff(want.limit, le); diff != "" {
			t.Errorf("%s: LimitError mismatch (-want +got):\n%s", prefix, diff)
		}
		if !strings.Contains(le.Error(), want.limit.RetryAt.UTC().Format(time.RFC3339)) {
			t.Errorf("%s: message %q does not name the retry time", prefix, le.Error())
		}
	}
	if want.errIs != nil && !errors.Is(err, want.errIs) {
		t.Errorf("%s: error %v, want one that is %v", prefix, err, want.errIs)
	}
	if want.ambiguous {
		var ae *ratelimit.AmbiguousWriteError
		if !errors.As(err, &ae) {
			t.Errorf("%s: error %v (%T), want an *AmbiguousWriteError", prefix, err, err)
		} else if ae.Method != r.method || ae.Path != r.path {
			t.Errorf("%s: AmbiguousWriteError names %s %s", prefix, ae.Method, ae.Path)
		}
	}
}

// sameBodies checks that every request the transport saw carried body:
// a retried write is resent unchanged.
func sameBodies(body string) func(*testing.T, *fakeClock, *fakeTransport, *ratelimit.Limiter) {
	return func(t *testing.T, _ *fakeClock, ft *fakeTransport, _ *ratelimit.Limiter) {
		t.Helper()
		for i, c := range ft.Calls() {
			if c.Body != body {
				t.Errorf("attempt %d sent body %q, want %q", i+1, c.Body, body)
			}
		}
	}
}

// sentAt checks the virtual time at which each request reached GitHub.
func sentAt(offsets ...time.Duration) func(*testing.T, *fakeClock, *fakeTransport, *ratelimit.Limiter) {
	return func(t *testing.T, _ *fakeClock, ft *fakeTransport, _ *ratelimit.Limiter) {
		t.Helper()
		var got []time.Duration
		for _, c := range ft.Calls() {
			got = append(got, c.At.Sub(t0))
		}
		if diff := cmp.Diff(offsets, got); diff != "" {
			t.Errorf("send times after t0 mismatch (-want +got):\n%s", diff)
		}
	}
}

func retryAfter(secs string) http.Header {
	return with(rl("core", 5000, 4990, t0.Add(time.Hour)), "Retry-After", secs)
}

const issueJSON = `{"title":"Found a bug","body":"It breaks."}`

func TestPrimaryBudget(t *testing.T) {
	spent := func(resource string, reset time.Duration) http.Header { return rl(resource, 5000, 0, t0.Add(reset)) }
	runScenarios(t, []scenario{
		{
			name:   "a spent budget with a near reset waits until the reset plus the buffer, then sends",
			steps:  []step{{status: 200, header: spent("core", 10*time.Second), body: okBody}, ok()},
			reqs:   []request{get("/repos/octo/a"), get("/repos/octo/b")},
			want:   []outcome{{status: 200}, {status: 200, body: okBody}},
			sleeps: []time.Duration{11 * time.Second}, // reset (t0+10s) + ResetBuffer (1s) - now (t0)
			calls:  2,
			check:  sentAt(0, 11*time.Second),
		},
		{
			name:  "a spent budget with a far reset fails fast without sending, naming the reset",
			cfg:   func(c *ratelimit.Config) { c.MaxWait = 30 * time.Second },
			steps: []step{{status: 200, header: spent("core", time.Hour), body: okBody}},
			reqs:  []request{get("/repos/octo/a"), post("/repos/octo/a/issues", issueJSON)},
			want: []outcome{{status: 200}, {limit: &ratelimit.LimitError{
				Kind: ratelimit.KindPrimary, Resource: "core", RetryAt: t0.Add(time.Hour + time.Second), Wait: time.Hour + time.Second,
			}}},
			calls: 1,
			check: func(t *testing.T, _ *fakeClock, _ *fakeTransport, lim *ratelimit.Limiter) {
				if got := lim.Stats().FailedFast; got != 1 {
					t.Errorf("Stats.FailedFast = %d, want 1", got)
				}
			},
		},
		{
			name:  "a wait exactly MaxWait long is waited",
			cfg:   func(c *ratelimit.Config) { c.MaxWait = 11 * time.Second },
			steps: []step{{status: 200, header: spent("core", 10*time.Second)}, ok()},
			reqs:  []request{get("/repos/octo/a"), get("/repos/octo/b")},
			want:  []outcome{{status: 200}, {status: 200}},
			sleeps: []time.Duration{
				11 * time.Second,
			},
			calls: 2,
		},
		{
			name:  "a budget learned from headers counts down between answers",
			steps: []step{{status: 200, header: rl("core", 5000, 2, t0.Add(10*time.Second))}, {status: 200}, {status: 200}, ok()},
			reqs:  []request{get("/a"), get("/b"), get("/c"), get("/d")},
			want:  []outcome{{status: 200}, {status: 200}, {status: 200}, {status: 200}},
			// /b and /c spend the two units left; /d waits for the reset.
			sleeps: []time.Duration{11 * time.Second},
			calls:  4,
			check:  sentAt(0, 0, 0, 11*time.Second),
		},
		{
			name:  "a spent search budget does not hold back core requests",
			steps: []step{{status: 200, header: spent("search", time.Hour)}, ok()},
			reqs:  []request{get("/search/issues"), get("/repos/octo/a")},
			want:  []outcome{{status: 200}, {status: 200}},
			calls: 2,
		},
		{
			name: "a spent search budget holds back the next search",
			cfg:  func(c *ratelimit.Config) { c.MaxWait = 30 * time.Second },
			steps: []step{
				{status: 200, header: spent("search", 40*time.Second)},
			},
			reqs: []request{get("/search/issues"), get("/api/v3/search/repositories")},
			want: []outcome{{status: 200}, {limit: &ratelimit.LimitError{
				Kind: ratelimit.KindPrimary, Resource: "search", RetryAt: t0.Add(41 * time.Second), Wait: 41 * time.Second,
			}}},
			calls: 1,
		},
		{
			name:   "a reset already past is not waited for",
			steps:  []step{{status: 200, header: spent("core", -5*time.Second)}, ok()},
			reqs:   []request{get("/a"), get("/b")},
			want:   []outcome{{status: 200}, {status: 200}},
			calls:  2,
			sleeps: nil,
		},
		{
			name:   "a 403 for a spent budget waits for the reset and retries",
			steps:  []step{{status: 403, header: spent("core", 5*time.Second), body: primaryBody}, ok()},
			reqs:   []request{get("/repos/octo/a")},
			want:   []outcome{{status: 200, body: okBody}},
			sleeps: []time.Duration{6 * time.Second},
			calls:  2,
		},
		{
			name:   "a 429 for a spent budget waits for the reset and retries a write with the same body",
			steps:  []step{{status: 429, header: spent("core", 5*time.Second), body: primaryBody}, {status: 201, body: okBody}},
			reqs:   []request{post("/repos/octo/a/issues", issueJSON)},
			want:   []outcome{{status: 201, body: okBody}},
			sleeps: []time.Duration{6 * time.Second},
			calls:  2,
			check:  sameBodies(issueJSON),
		},
		{
			name: "a spent budget of a resource the path does not name is waited for too",
			steps: []step{
				{status: 403, header: spent("audit_log", 5*time.Second), body: primaryBody},
				{status: 200, header: rl("audit_log", 1750, 1749, t0.Add(time.Hour))},
			},
			reqs:   []request{get("/orgs/octo/audit-log")},
			want:   []outcome{{status: 200}},
			sleeps: []time.Duration{6 * time.Second},
			calls:  2,
			check:  sentAt(0, 6*time.Second),
		},
		{
			name:  "a 403 for a spent budget with a far reset fails fast naming the reset",
			cfg:   func(c *ratelimit.Config) { c.MaxWait = 30 * time.Second },
			steps: []step{{status: 403, header: spent("code_search", 2*time.Hour), body: primaryBody}},
			reqs:  []request{get("/search/code")},
			want: []outcome{{limit: &ratelimit.LimitError{
				Kind: ratelimit.KindPrimary, Resource: "code_search", RetryAt: t0.Add(2*time.Hour + time.Second), Wait: 2*time.Hour + time.Second,
			}}},
			calls: 1,
		},
	})
}

func TestRetryAfter(t *testing.T) {
	runScenarios(t, []scenario{
		{
			name:   "429 with Retry-After on a GET waits exactly that, then succeeds",
			steps:  []step{{status: 429, header: retryAfter("7")}, ok()},
			reqs:   []request{get("/repos/octo/a")},
			want:   []outcome{{status: 200, body: okBody}},
			sleeps: []time.Duration{7 * time.Second},
			calls:  2,
			check:  sentAt(0, 7*time.Second),
		},
		{
			name:   "403 with Retry-After on a GET waits exactly that, then succeeds",
			steps:  []step{{status: 403, header: retryAfter("7"), body: secondaryBody}, ok()},
			reqs:   []request{get("/repos/octo/a")},
			want:   []outcome{{status: 200, body: okBody}},
			sleeps: []time.Duration{7 * time.Second},
			calls:  2,
		},
		{
			name:   "a write answered 429 is sent again with the same body",
			steps:  []step{{status: 429, header: retryAfter("3"), body: secondaryBody}, {status: 201, body: okBody}},
			reqs:   []request{post("/repos/octo/a/issues", issueJSON)},
			want:   []outcome{{status: 201, body: okBody}},
			sleeps: []time.Duration{3 * time.Second},
			calls:  2,
			check:  sameBodies(issueJSON),
		},
		{
			name:   "a write answered 403 with Retry-After is sent again with the same body",
			steps:  []step{{status: 403, header: retryAfter("3"), body: secondaryBody}, {status: 201}},
			reqs:   []request{post("/repos/octo/a/issues", issueJSON)},
			want:   []outcome{{status: 201}},
			sleeps: []time.Duration{3 * time.Second},
			calls:  2,
			check:  sameBodies(issueJSON),
		},
		{
			name:   "Retry-After as an HTTP date",
			steps:  []step{{status: 429, header: retryAfter(t0.Add(9 * time.Second).Format(http.TimeFormat))}, ok()},
			reqs:   []request{get("/repos/octo/a")},
			want:   []outcome{{status: 200}},
			sleeps: []time.Duration{9 * time.Second},
			calls:  2,
		},
		{
			name:  "Retry-After of zero retries at once",
			steps: []step{{status: 429, header: retryAfter("0")}, ok()},
			reqs:  []request{get("/repos/octo/a")},
			want:  []outcome{{status: 200}},
			calls: 2,
		},
		{
			name:  "Retry-After beyond MaxWait fails fast with a secondary LimitError",
			cfg:   func(c *ratelimit.Config) { c.MaxWait = 30 * time.Second },
			steps: []step{{status: 429, header: retryAfter("120")}},
			reqs:  []request{get("/repos/octo/a")},
			want: []outcome{{limit: &ratelimit.LimitError{
				Kind: ratelimit.KindSecondary, Resource: "core", RetryAt: t0.Add(2 * time.Minute), Wait: 2 * time.Minute,
			}}},
			calls: 1,
			check: func(t *testing.T, _ *fakeClock, _ *fakeTransport, lim *ratelimit.Limiter) {
				if got, want := lim.PausedUntil(), t0.Add(2*time.Minute); !got.Equal(want) {
					t.Errorf("PausedUntil() = %v, want %v", got, want)
				}
			},
		},
		{
			name:  "Retry-After wins over a spent budget's reset",
			steps: []step{{status: 429, header: with(rl("core", 5000, 0, t0.Add(3*time.Second)), "Retry-After", "2")}, ok()},
			reqs:  []request{get("/repos/octo/a")},
			want:  []outcome{{status: 200}},
			// The longest known wait (reset + buffer) covers the pause.
			sleeps: []time.Duration{4 * time.Second},
			calls:  2,
			check:  sentAt(0, 4*time.Second),
		},
	})
}

func TestSecondaryWithoutRetryAfter(t *testing.T) {
	secondary := step{status: 403, header: rl("core", 5000, 4900, t0.Add(time.Hour)), body: secondaryBody}
	runScenarios(t, []scenario{
		{
			name:   "a secondary limit pauses one minute",
			steps:  []step{secondary, ok()},
			reqs:   []request{get("/repos/octo/a")},
			want:   []outcome{{status: 200}},
			sleeps: []time.Duration{time.Minute},
			calls:  2,
			check:  sentAt(0, time.Minute),
		},
		{
			name:   "a second one in a row pauses two minutes",
			steps:  []step{secondary, secondary, ok()},
			reqs:   []request{get("/repos/octo/a")},
			want:   []outcome{{status: 200}},
			sleeps: []time.Duration{time.Minute, 2 * time.Minute},
			calls:  3,
		},
		{
			name:   "the pause doubles up to SecondaryMax",
			cfg:    func(c *ratelimit.Config) { c.MaxRetries = 5; c.SecondaryMax = 3 * time.Minute },
			steps:  []step{secondary, secondary, secondary, secondary, ok()},
			reqs:   []request{get("/repos/octo/a")},
			want:   []outcome{{status: 200}},
			sleeps: []time.Duration{time.Minute, 2 * time.Minute, 3 * time.Minute, 3 * time.Minute},
			calls:  5,
		},
		{
			name:   "a success ends the streak",
			steps:  []step{secondary, ok(), secondary, ok()},
			reqs:   []request{get("/repos/octo/a"), get("/repos/octo/b")},
			want:   []outcome{{status: 200}, {status: 200}},
			sleeps: []time.Duration{time.Minute, time.Minute},
			calls:  4,
		},
		{
			name:   "a 429 with no headers at all is a secondary limit",
			steps:  []step{{status: 429}, ok()},
			reqs:   []request{get("/repos/octo/a")},
			want:   []outcome{{status: 200}},
			sleeps: []time.Duration{time.Minute},
			calls:  2,
		},
		{
			name:   "the older abuse-detection message is a secondary limit",
			steps:  []step{{status: 403, body: abuseBody}, ok()},
			reqs:   []request{get("/repos/octo/a")},
			want:   []outcome{{status: 200}},
			sleeps: []time.Duration{time.Minute},
			calls:  2,
		},
		{
			name:   "a write hit by a secondary limit is resent with the same body",
			steps:  []step{secondary, {status: 201}},
			reqs:   []request{post("/repos/octo/a/issues", issueJSON)},
			want:   []outcome{{status: 201}},
			sleeps: []time.Duration{time.Minute},
			calls:  2,
			check:  sameBodies(issueJSON),
		},
		{
			name:  "with the default MaxWait a secondary limit fails fast",
			cfg:   func(c *ratelimit.Config) { c.MaxWait = 0 },
			steps: []step{secondary},
			reqs:  []request{get("/repos/octo/a")},
			want: []outcome{{limit: &ratelimit.LimitError{
				Kind: ratelimit.KindSecondary, Resource: "core", RetryAt: t0.Add(time.Minute), Wait: time.Minute,
			}}},
			calls: 1,
		},
	})
}

func TestPauseBlocksOtherRequests(t *testing.T) {
	noRetry := func(c *ratelimit.Config) { c.MaxRetries = -1 }
	pauseLimit := &ratelimit.LimitError{Kind: ratelimit.KindSecondary, Resource: "core", RetryAt: t0.Add(10 * time.Second), Wait: 10 * time.Second}
	runScenarios(t, []scenario{
		{
			name:   "a later request for another resource waits out the pause",
			cfg:    noRetry,
			steps:  []step{{status: 429, header: retryAfter("10")}, ok()},
			reqs:   []request{get("/repos/octo/a"), get("/search/issues")},
			want:   []outcome{{limit: pauseLimit}, {status: 200}},
			sleeps: []time.Duration{10 * time.Second},
			calls:  2,
			check:  sentAt(0, 10*time.Second),
		},
		{
			name:   "a later write waits out the pause",
			cfg:    noRetry,
			steps:  []step{{status: 403, header: retryAfter("10"), body: secondaryBody}, {status: 201}},
			reqs:   []request{get("/repos/octo/a"), post("/repos/octo/a/issues", issueJSON)},
			want:   []outcome{{limit: pauseLimit}, {status: 201}},
			sleeps: []time.Duration{10 * time.Second},
			calls:  2,
		},
		{
			name:  "a later request fails fast, unsent, when the pause is longer than MaxWait",
			cfg:   func(c *ratelimit.Config) { c.MaxRetries = -1; c.MaxWait = 5 * time.Second },
			steps: []step{{status: 429, header: retryAfter("10")}},
			reqs:  []request{get("/repos/octo/a"), get("/graphql")},
			want: []outcome{{limit: pauseLimit}, {limit: &ratelimit.LimitError{
				Kind: ratelimit.KindSecondary, Resource: "graphql", RetryAt: t0.Add(10 * time.Second), Wait: 10 * time.Second,
			}}},
			calls: 1,
		},
	})
}

func TestPassThrough(t *testing.T) {
	big := `{"message":"` + strings.Repeat("x", 100<<10) + `"}` // longer than what is peeked
	healthy := rl("core", 5000, 4990, t0.Add(time.Hour))
	runScenarios(t, []scenario{
		{
			name:  "a 403 permission error on a GET passes through untouched",
			steps: []step{{status: 403, header: healthy, body: forbiddenBody}},
			reqs:  []request{get("/repos/octo/private")},
			want:  []outcome{{status: 403, body: forbiddenBody}},
			calls: 1,
			check: func(t *testing.T, _ *fakeClock, _ *fakeTransport, lim *ratelimit.Limiter) {
				if got := lim.PausedUntil(); !got.IsZero() {
					t.Errorf("PausedUntil() = %v after a permission error, want zero", got)
				}
			},
		},
		{
			name:  "a 403 permission error on a write passes through untouched",
			steps: []step{{status: 403, header: healthy, body: forbiddenBody}},
			reqs:  []request{post("/repos/octo/a/issues", issueJSON)},
			want:  []outcome{{status: 403, body: forbiddenBody}},
			calls: 1,
		},
		{
			name:  "a 403 with a body longer than the peek is intact",
			steps: []step{{status: 403, body: big}},
			reqs:  []request{get("/repos/octo/private")},
			want:  []outcome{{status: 403, body: big}},
			calls: 1,
		},
		{
			name:  "a 404 passes through",
			steps: []step{{status: 404, header: healthy, body: `{"message":"Not Found"}`}},
			reqs:  []request{get("/repos/octo/missing")},
			want:  []outcome{{status: 404, body: `{"message":"Not Found"}`}},
			calls: 1,
		},
		{
			name:  "a 422 on a write passes through",
			steps: []step{{status: 422, body: `{"message":"Validation Failed"}`}},
			reqs:  []request{post("/repos/octo/a/issues", `{}`)},
			want:  []outcome{{status: 422, body: `{"message":"Validation Failed"}`}},
			calls: 1,
		},
		{
			name:  "a 501 is not retried",
			steps: []step{{status: 501}},
			reqs:  []request{get("/repos/octo/a")},
			want:  []outcome{{status: 501}},
			calls: 1,
		},
	})
}

func TestServerErrors(t *testing.T) {
	var scenarios []scenario
	for _, status := range []int{500, 502, 503, 504} {
		scenarios = append(scenarios, scenario{
			name:     "a GET answered " + http.StatusText(status) + " is retried with backoff",
			steps:    []step{{status: status, body: badGatewayBody}, {status: status, body: badGatewayBody}, ok()},
			reqs:     []request{get("/repos/octo/a")},
			want:     []outcome{{status: 200, body: okBody}},
			jittered: 2,
			calls:    3,
		})
	}
	scenarios = append(scenarios,
		scenario{
			name:     "a HEAD answered 503 is retried",
			steps:    []step{{status: 503}, {status: 200}},
			reqs:     []request{{method: http.MethodHead, path: "/repos/octo/a"}},
			want:     []outcome{{status: 200}},
			jittered: 1,
			calls:    2,
		},
		scenario{
			name:  "a POST answered 502 is returned as is, sent once",
			steps: []step{{status: 502, body: badGatewayBody}},
			reqs:  []request{post("/repos/octo/a/issues", issueJSON)},
			want:  []outcome{{status: 502, body: badGatewayBody}},
			calls: 1,
		},
		scenario{
			name:  "a DELETE answered 500 is returned as is, sent once",
			steps: []step{{status: 500, body: badGatewayBody}},
			reqs:  []request{{method: http.MethodDelete, path: "/repos/octo/a/labels/bug"}},
			want:  []outcome{{status: 500, body: badGatewayBody}},
			calls: 1,
		},
	)
	runScenarios(t, scenarios)
}

// TestRetryBackoff checks the shape of the 5xx backoff over many runs:
// jittered, growing, never above RetryMax.
func TestRetryBackoff(t *testing.T) {
	const runs, retries = 50, 6
	cfg := testConfig()
	cfg.MaxRetries = retries
	cfg.RetryInitial = time.Second
	cfg.RetryMax = 4 * time.Second

	sums := make([]time.Duration, retries)
	distinct := make([]map[time.Duration]bool, retries)
	for i := range distinct {
		distinct[i] = map[time.Duration]bool{}
	}
	for range runs {
		clock := newFakeClock()
		steps := make([]step, 0, retries+1)
		for range retries {
			steps = append(steps, step{status: 502})
		}
		ft := newFakeTransport(t, clock, append(steps, ok())...)
		rt := ratelimit.New(cfg, clock, nil).Transport(ft)
		if status, _, err := send(t, context.Background(), rt, get("/repos/octo/a")); err != nil || status != 200 {
			t.Fatalf("got %d, %v; want 200 after %d retries", status, err, retries)
		}
		sleeps := clock.Sleeps()
		if len(sleeps) != retries {
			t.Fatalf("slept %v, want %d sleeps", sleeps, retries)
		}
		for i, d := range sleeps {
			if d <= 0 || d > cfg.RetryMax {
				t.Errorf("retry %d slept %v, want within (0, RetryMax=%v]", i+1, d, cfg.RetryMax)
			}
			sums[i] += d
			distinct[i][d] = true
		}
		if first := sleeps[0]; first < cfg.RetryInitial/2 || first > cfg.RetryInitial*3/2 {
			t.Errorf("first retry slept %v, want RetryInitial=%v ± 50%%", first, cfg.RetryInitial)
		}
	}
	for i := range retries {
		if len(distinct[i]) < 2 {
			t.Errorf("retry %d always slept %v: want jitter", i+1, sums[i]/runs)
		}
	}
	// Below the cap the mean grows with every retry.
	for i := 1; i < 3; i++ {
		if prev, cur := sums[i-1]/runs, sums[i]/runs; cur <= prev {
			t.Errorf("mean sleep of retry %d is %v, not above retry %d's %v", i+1, cur, i, prev)
		}
	}
}

func TestNetworkErrors(t *testing.T) {
	reset := &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	runScenarios(t, []scenario{
		{
			name:     "a GET that failed on an open connection is retried",
			steps:    []step{{err: reset, gotConn: true}, ok()},
			reqs:     []request{get("/repos/octo/a")},
			want:     []outcome{{status: 200, body: okBody}},
			jittered: 1,
			calls:    2,
		},
		{
			name:     "a GET that could not connect is retried",
			steps:    []step{{err: refused}, {err: refused}, ok()},
			reqs:     []request{get("/repos/octo/a")},
			want:     []outcome{{status: 200}},
			jittered: 2,
			calls:    3,
		},
		{
			name:     "a POST that never got a connection is retried with the same body",
			steps:    []step{{err: refused}, {status: 201, body: okBody}},
			reqs:     []request{post("/repos/octo/a/issues", issueJSON)},
			want:     []outcome{{status: 201, body: okBody}},
			jittered: 1,
			calls:    2,
			check:    sameBodies(issueJSON),
		},
		{
			name:  "a POST that failed after getting a connection is ambiguous, sent once",
			steps: []step{{err: reset, gotConn: true}},
			reqs:  []request{post("/repos/octo/a/issues", issueJSON)},
			want:  []outcome{{ambiguous: true, errIs: syscall.ECONNRESET}},
			calls: 1,
		},
		{
			name:  "a DELETE that failed after getting a connection is ambiguous, sent once",
			steps: []step{{err: reset, gotConn: true}},
			reqs:  []request{{method: http.MethodDelete, path: "/repos/octo/a/labels/bug"}},
			want:  []outcome{{ambiguous: true, errIs: syscall.ECONNRESET}},
			calls: 1,
		},
		{
			name:  "a write resent after a 429 that then fails on its connection is ambiguous",
			steps: []step{{status: 429, header: retryAfter("1")}, {err: reset, gotConn: true}},
			reqs:  []request{{method: http.MethodPatch, path: "/repos/octo/a/issues/1", body: issueJSON}},
			want:  []outcome{{ambiguous: true, errIs: syscall.ECONNRESET}},
			sleeps: []time.Duration{
				time.Second,
			},
			calls: 2,
		},
	})
}

func TestMaxRetriesExhausted(t *testing.T) {
	two := func(c *ratelimit.Config) { c.MaxRetries = 2 }
	err1, err2, err3 := errors.New("reset 1"), errors.New("reset 2"), errors.New("reset 3")
	runScenarios(t, []scenario{
		{
			name:     "the last 5xx answer is returned",
			cfg:      two,
			steps:    []step{{status: 502, body: "first"}, {status: 503, body: "second"}, {status: 502, body: "third"}},
			reqs:     []request{get("/repos/octo/a")},
			want:     []outcome{{status: 502, body: "third"}},
			jittered: 2,
			calls:    3,
		},
		{
			name:     "the last network error is returned",
			cfg:      two,
			steps:    []step{{err: err1, gotConn: true}, {err: err2}, {err: err3, gotConn: true}},
			reqs:     []request{get("/repos/octo/a")},
			want:     []outcome{{errIs: err3}},
			jittered: 2,
			calls:    3,
		},
		{
			name:  "repeated secondary limits end in a LimitError",
			cfg:   two,
			steps: []step{{status: 429, header: retryAfter("1")}, {status: 429, header: retryAfter("1")}, {status: 429, header: retryAfter("1")}},
			reqs:  []request{get("/repos/octo/a")},
			want: []outcome{{limit: &ratelimit.LimitError{
				Kind: ratelimit.KindSecondary, Resource: "core", RetryAt: t0.Add(3 * time.Second), Wait: time.Second,
			}}},
			sleeps: []time.Duration{time.Second, time.Second},
			calls:  3,
		},
		{
			name: "repeated primary limits end in a LimitError",
			cfg:  two,
			steps: []step{
				{status: 403, header: rl("core", 5000, 0, t0.Add(2*time.Second)), body: primaryBody},
				{status: 403, header: rl("core", 5000, 0, t0.Add(5*time.Second)), body: primaryBody},
				{status: 403, header: rl("core", 5000, 0, t0.Add(8*time.Second)), body: primaryBody},
			},
			reqs: []request{get("/repos/octo/a")},
			want: []outcome{{limit: &ratelimit.LimitError{
				Kind: ratelimit.KindPrimary, Resource: "core", RetryAt: t0.Add(9 * time.Second), Wait: 3 * time.Second,
			}}},
			sleeps: []time.Duration{3 * time.Second, 3 * time.Second},
			calls:  3,
		},
		{
			name:  "a negative MaxRetries means no retry",
			cfg:   func(c *ratelimit.Config) { c.MaxRetries = -1 },
			steps: []step{{status: 502, body: "only"}},
			reqs:  []request{get("/repos/octo/a")},
			want:  []outcome{{status: 502, body: "only"}},
			calls: 1,
		},
	})
}

func TestStats(t *testing.T) {
	stats := func(want ratelimit.Stats) func(*testing.T, *fakeClock, *fakeTransport, *ratelimit.Limiter) {
		return func(t *testing.T, _ *fakeClock, _ *fakeTransport, lim *ratelimit.Limiter) {
			if diff := cmp.Diff(want, lim.Stats()); diff != "" {
				t.Errorf("Stats() mismatch (-want +got):\n%s", diff)
			}
		}
	}
	runScenarios(t, []scenario{
		{
			name:  "a success is one request and no retry",
			steps: []step{ok()},
			reqs:  []request{get("/a")},
			want:  []outcome{{status: 200}},
			calls: 1,
			check: stats(ratelimit.Stats{Requests: 1, MaxInFlight: 1}),
		},
		{
			name:     "a retried 502 counts one retry and one wait",
			steps:    []step{{status: 502}, ok()},
			reqs:     []request{get("/a")},
			want:     []outcome{{status: 200}},
			jittered: 1,
			calls:    2,
			check:    stats(ratelimit.Stats{Requests: 2, Retries: 1, Waits: 1, MaxInFlight: 1}),
		},
		{
			name:   "waiting out a Retry-After counts a secondary limit, a wait and a retry",
			steps:  []step{{status: 429, header: retryAfter("5")}, ok()},
			reqs:   []request{get("/a")},
			want:   []outcome{{status: 200}},
			sleeps: []time.Duration{5 * time.Second},
			calls:  2,
			check:  stats(ratelimit.Stats{Requests: 2, Retries: 1, Waits: 1, Secondary: 1, MaxInFlight: 1}),
		},
		{
			name:  "a rate limit too long to wait for counts no retry, since none was sent",
			cfg:   func(c *ratelimit.Config) { c.MaxWait = 30 * time.Second },
			steps: []step{{status: 429, header: retryAfter("3600")}},
			reqs:  []request{get("/a")},
			want: []outcome{{limit: &ratelimit.LimitError{
				Kind: ratelimit.KindSecondary, Resource: "core", RetryAt: t0.Add(time.Hour), Wait: time.Hour,
			}}},
			calls: 1,
			check: stats(ratelimit.Stats{Requests: 1, FailedFast: 1, Secondary: 1, MaxInFlight: 1}),
		},
		{
			name:  "a write that cannot be retried counts no retry",
			steps: []step{{err: errors.New("connection reset"), gotConn: true}},
			reqs:  []request{post("/a", "{}")},
			want:  []outcome{{ambiguous: true}},
			calls: 1,
			check: stats(ratelimit.Stats{Requests: 1, MaxInFlight: 1}),
		},
	})
}

func TestBudgets(t *testing.T) {
	clock := newFakeClock()
	coreReset, searchReset := t0.Add(time.Hour), t0.Add(time.Minute)
	ft := newFakeTransport(t, clock,
		step{status: 200, header: rl("search", 30, 29, searchReset)},
		step{status: 200, header: rl("core", 5000, 4999, coreReset)},
		step{status: 304}, // an answer without rate-limit headers
	)
	lim := ratelimit.New(testConfig(), clock, nil)
	rt := lim.Transport(ft)
	if got := lim.Budgets(); len(got) != 0 {
		t.Errorf("Budgets() before any answer = %+v, want none", got)
	}
	for _, r := range []request{get("/search/issues"), get("/repos/octo/a"), get("/repos/octo/b")} {
		if _, _, err := send(t, context.Background(), rt, r); err != nil {
			t.Fatal(err)
		}
	}
	want := []ratelimit.Budget{
		{Resource: "core", Limit: 5000, Remaining: 4999, Reset: coreReset}, // a 304 does not count
		{Resource: "search", Limit: 30, Remaining: 29, Reset: searchReset},
	}
	if diff := cmp.Diff(want, lim.Budgets()); diff != "" {
		t.Errorf("Budgets() mismatch (-want +got):\n%s", diff)
	}
}

func TestContextCancellation(t *testing.T) {
	t.Run("a context done before the call sends nothing", func(t *testing.T) {
		clock := newFakeClock()
		ft := newFakeTransport(t, clock)
		rt := ratelimit.New(testConfig(), clock, nil).Transport(ft)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		body := &closeTracker{Reader: strings.NewReader(issueJSON)}
		req := newRequest(t, ctx, post("/repos/octo/a/issues", ""))
		req.Body = body
		if _, err := rt.RoundTrip(req); !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want context.Canceled", err)
		}
		if n := len(ft.Calls()); n != 0 {
			t.Errorf("transport saw %d requests, want none", n)
		}
		if !body.Closed() {
			t.Errorf("request body not closed; a RoundTripper must close it even on error")
		}
	})

	// Each of these cancels the context while the limiter is about to wait.
	tests := []struct {
		name  string
		steps func(cancel func()) []step
		reqs  []request
		calls int
	}{
		{
			name:  "while waiting out a Retry-After",
			steps: func(cancel func()) []step { return []step{{status: 429, header: retryAfter("10"), then: cancel}} },
			reqs:  []request{get("/a")},
			calls: 1,
		},
		{
			name:  "while waiting out a secondary pause",
			steps: func(cancel func()) []step { return []step{{status: 403, body: secondaryBody, then: cancel}} },
			reqs:  []request{post("/a", issueJSON)},
			calls: 1,
		},
		{
			name:  "while backing off after a 502",
			steps: func(cancel func()) []step { return []step{{status: 502, then: cancel}} },
			reqs:  []request{get("/a")},
			calls: 1,
		},
		{
			name:  "while backing off after a network error",
			steps: func(cancel func()) []step { return []step{{err: errors.New("eof"), gotConn: true, then: cancel}} },
			reqs:  []request{get("/a")},
			calls: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ft := newFakeTransport(t, clock, tt.steps(cancel)...)
			rt := ratelimit.New(testConfig(), clock, nil).Transport(ft)
			for _, r := range tt.reqs {
				if _, _, err := send(t, ctx, rt, r); !errors.Is(err, context.Canceled) {
					t.Errorf("error %v, want context.Canceled", err)
				}
			}
			if n := len(ft.Calls()); n != tt.calls {
				t.Errorf("transport saw %d requests, want %d", n, tt.calls)
			}
			if s := clock.Sleeps(); len(s) != 0 {
				t.Errorf("slept %v after the context ended", s)
			}
		})
	}

	t.Run("while waiting for a spent budget's reset", func(t *testing.T) {
		clock := newFakeClock()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ft := newFakeTransport(t, clock, step{status: 200, header: rl("core", 5000, 0, t0.Add(10*time.Second)), then: cancel})
		rt := ratelimit.New(testConfig(), clock, nil).Transport(ft)
		if status, _, err := send(t, ctx, rt, get("/a")); err != nil || status != 200 {
			t.Fatalf("first request: %d, %v", status, err)
		}
		if _, _, err := send(t, ctx, rt, get("/b")); !errors.Is(err, context.Canceled) {
			t.Errorf("error %v, want context.Canceled", err)
		}
		if n := len(ft.Calls()); n != 1 {
			t.Errorf("transport saw %d requests, want 1", n)
		}
	})

	t.Run("a write cancelled on its connection is ambiguous and still a cancellation", func(t *testing.T) {
		clock := newFakeClock()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		ft := newFakeTransport(t, clock, step{gotConn: true, then: cancel, err: context.Canceled})
		var logs bytes.Buffer
		rt := ratelimit.New(testConfig(), clock, slog.New(slog.NewTextHandler(&logs, nil))).Transport(ft)
		_, _, err := send(t, ctx, rt, post("/repos/octo/a/issues", issueJSON))
		var ae *ratelimit.AmbiguousWriteError
		if !errors.As(err, &ae) || !errors.Is(err, context.Canceled) {
			t.Errorf("error %v (%T), want an AmbiguousWriteError wrapping context.Canceled", err, err)
		}
		// The caller is gone, so the log is where the write is reported.
		if want := `level=WARN msg="write cancelled after it was sent; GitHub may have applied it" method=POST path=/repos/octo/a/issues`; !strings.Contains(logs.String(), want) {
			t.Errorf("log:\n%s\nwant a line with: %s", logs.String(), want)
		}
	})

	t.Run("a real wait ends promptly when the context does", func(t *testing.T) {
		ft := newFakeTransport(t, newFakeClock(), step{status: 429, header: with(http.Header{}, "Retry-After", "30")})
		cfg := testConfig()
		cfg.MaxWait = time.Minute
		rt := ratelimit.New(cfg, nil, nil).Transport(ft) // the system clock
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, _, err := send(t, ctx, rt, get("/a"))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("error %v, want context.DeadlineExceeded", err)
		}
		if elapsed := time.Since(start); elapsed > 5*time.Second {
			t.Errorf("returned after %v, want promptly after the 20ms deadline", elapsed)
		}
	})
}

func TestRefusedRequestClosesBody(t *testing.T) {
	clock := newFakeClock()
	ft := newFakeTransport(t, clock, step{status: 429, header: retryAfter("3600")})
	cfg := testConfig()
	cfg.MaxWait = 30 * time.Second
	rt := ratelimit.New(cfg, clock, nil).Transport(ft)
	if _, _, err := send(t, context.Background(), rt, get("/a")); err == nil {
		t.Fatal("want a LimitError for the first request")
	}
	body := &closeTracker{Reader: strings.NewReader(issueJSON)}
	req := newRequest(t, context.Background(), post("/repos/octo/a/issues", ""))
	req.Body = body
	var le *ratelimit.LimitError
	if _, err := rt.RoundTrip(req); !errors.As(err, &le) {
		t.Fatalf("error %v, want a LimitError", err)
	}
	if !body.Closed() {
		t.Errorf("request body not closed; a RoundTripper must close it even when it refuses")
	}
	if n := len(ft.Calls()); n != 1 {
		t.Errorf("transport saw %d requests, want 1", n)
	}
}

func TestUnreplayableWriteIsNotRetried(t *testing.T) {
	clock := newFakeClock()
	ft := newFakeTransport(t, clock, step{status: 429, header: retryAfter("5")})
	rt := ratelimit.New(testConfig(), clock, nil).Transport(ft)
	req := newRequest(t, context.Background(), post("/repos/octo/a/releases/1/assets", ""))
	req.Body = &closeTracker{Reader: strings.NewReader("binary")} // no GetBody
	_, err := rt.RoundTrip(req)
	var le *ratelimit.LimitError
	if !errors.As(err, &le) || le.Kind != ratelimit.KindSecondary || !le.RetryAt.Equal(t0.Add(5*time.Second)) {
		t.Errorf("error %v, want a secondary LimitError retrying at t0+5s", err)
	}
	if s := clock.Sleeps(); len(s) != 0 {
		t.Errorf("slept %v for a request that cannot be resent", s)
	}
	if n := len(ft.Calls()); n != 1 {
		t.Errorf("transport saw %d requests, want 1", n)
	}
}

func TestConfigDefaults(t *testing.T) {
	tests := []struct {
		name string
		cfg  ratelimit.Config
		want func(*ratelimit.Config)
	}{
		{name: "zero fields take the defaults", cfg: ratelimit.Config{}, want: func(*ratelimit.Config) {}},
		{
			name: "negative retries, spacing and buffer mean none",
			cfg:  ratelimit.Config{MaxRetries: -1, WriteSpacing: -1, ResetBuffer: -1},
			want: func(c *ratelimit.Config) { c.MaxRetries, c.WriteSpacing, c.ResetBuffer = 0, 0, 0 },
		},
		{
			name: "set fields are kept",
			cfg:  ratelimit.Config{MaxWait: time.Minute, MaxConcurrent: 2, WriteSpacing: 3 * time.Second},
			want: func(c *ratelimit.Config) { c.MaxWait, c.MaxConcurrent, c.WriteSpacing = time.Minute, 2, 3*time.Second },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := ratelimit.DefaultConfig()
			tt.want(&want)
			if diff := cmp.Diff(want, ratelimit.New(tt.cfg, nil, nil).Config()); diff != "" {
				t.Errorf("Config() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSystemClockSleep(t *testing.T) {
	var c ratelimit.SystemClock
	if err := c.Sleep(context.Background(), 0); err != nil {
		t.Errorf("Sleep(0) = %v, want nil", err)
	}
	if err := c.Sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("Sleep(1ms) = %v, want nil", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	if err := c.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep on a done context = %v, want context.Canceled", err)
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Errorf("Sleep on a done context took %v", elapsed)
	}
}
