package ratelimit_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ghmcp/ghmcp/ratelimit"
)

// t0 is where every fake clock starts: whole seconds, like GitHub's
// X-RateLimit-Reset.
var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// fakeClock is a virtual clock: Sleep advances it at once and records the
// sleep, so that a test of a one-hour wait runs in microseconds.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock { return &fakeClock{now: t0} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep returns ctx.Err() if ctx is already done; otherwise it advances the
// virtual time by d and returns nil.
func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	if d > 0 {
		c.now = c.now.Add(d)
	}
	return nil
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Sleeps returns the sleeps so far, in order.
func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// step is one scripted answer of the fake transport.
type step struct {
	status int
	header http.Header
	body   string
	// err, if set, is returned instead of a response.
	err error
	// gotConn reports the connection as obtained (httptrace GotConn)
	// before answering or failing, as net/http does once it has one.
	gotConn bool
	// hold, if set, keeps the request in flight until it is closed or the
	// request's context ends.
	hold chan struct{}
	// then, if set, runs just before the answer is returned.
	then func()
}

// call is what the fake transport saw of one request.
type call struct {
	Method string
	Path   string
	Body   string
	At     time.Time // virtual time when the request reached the transport
}

// fakeTransport answers with scripted steps in order (then with repeat, if
// set) and records every request. A test fails if a scripted step is left
// unused or a request arrives with nothing left to answer it.
type fakeTransport struct {
	t      *testing.T
	clock  *fakeClock
	repeat *step

	mu                sync.Mutex
	steps             []step
	calls             []call
	inFlight          int
	maxInFlight       int
	writesInFlight    int
	maxWritesInFlight int
}

func newFakeTransport(t *testing.T, clock *fakeClock, steps ...step) *fakeTransport {
	t.Helper()
	f := &fakeTransport{t: t, clock: clock, steps: steps}
	t.Cleanup(func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if len(f.steps) > 0 {
			t.Errorf("fake transport: %d scripted answers unused (first: %d %q %v)", len(f.steps), f.steps[0].status, f.steps[0].body, f.steps[0].err)
		}
	})
	return f
}

func (f *fakeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body string
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = string(b)
	}
	write := ratelimit.IsWrite(req.Method)

	f.mu.Lock()
	f.calls = append(f.calls, call{Method: req.Method, Path: req.URL.Path, Body: body, At: f.clock.Now()})
	var s step
	switch {
	case len(f.steps) > 0:
		s, f.steps = f.steps[0], f.steps[1:]
	case f.repeat != nil:
		s = *f.repeat
	default:
		f.mu.Unlock()
		f.t.Errorf("fake transport: unexpected request %s %s", req.Method, req.URL.Path)
		return nil, errors.New("fake transport: no answer scripted")
	}
	f.inFlight++
	f.maxInFlight = max(f.maxInFlight, f.inFlight)
	if write {
		f.writesInFlight++
		f.maxWritesInFlight = max(f.maxWritesInFlight, f.writesInFlight)
	}
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inFlight--
		if write {
			f.writesInFlight--
		}
		f.mu.Unlock()
	}()

	if s.gotConn {
		if trace := httptrace.ContextClientTrace(req.Context()); trace != nil && trace.GotConn != nil {
			trace.GotConn(httptrace.GotConnInfo{})
		}
	}
	if s.hold != nil {
		select {
		case <-s.hold:
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	}
	if s.then != nil {
		s.then()
	}
	if s.err != nil {
		return nil, s.err
	}
	h := s.header.Clone()
	if h == nil {
		h = http.Header{}
	}
	return &http.Response{
		Status:     fmt.Sprintf("%d %s", s.status, http.StatusText(s.status)),
		StatusCode: s.status,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     h,
		Body:       io.NopCloser(strings.NewReader(s.body)),
		Request:    req,
	}, nil
}

func (f *fakeTransport) Calls() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

func (f *fakeTransport) InFlight() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.inFlight
}

// rl returns GitHub's primary rate-limit headers.
func rl(resource string, limit, remaining int, reset time.Time) http.Header {
	h := http.Header{}
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Used", strconv.Itoa(limit-remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	h.Set("X-RateLimit-Resource", resource)
	return h
}

// with returns h plus the header key: value.
func with(h http.Header, key, value string) http.Header {
	h = h.Clone()
	if h == nil {
		h = http.Header{}
	}
	h.Set(key, value)
	return h
}

// Realistic GitHub answers.
const (
	okBody           = `{"id":1}`
	secondaryBody    = `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 1234:5678.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits","status":"403"}`
	abuseBody        = `{"message":"You have triggered an abuse detection mechanism. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#abuse-rate-limits"}`
	primaryBody      = `{"message":"API rate limit exceeded for user ID 1.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit"}`
	forbiddenBody    = `{"message":"Resource not accessible by personal access token","documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue","status":"403"}`
	badGatewayBody   = `{"message":"Server Error"}`
	defaultResetSecs = 3600
)

// ok is a 200 with a healthy core budget.
func ok() step {
	return step{status: http.StatusOK, header: rl("core", 5000, 4999, t0.Add(defaultResetSecs*time.Second)), body: okBody}
}

// testConfig is a config whose waits are all visible in a test: no write
// spacing, no reset buffer surprises, a generous MaxWait.
func testConfig() ratelimit.Config {
	return ratelimit.Config{
		MaxWait:          time.Hour,
		MaxRetries:       3,
		RetryInitial:     time.Second,
		RetryMax:         8 * time.Second,
		SecondaryInitial: time.Minute,
		SecondaryMax:     16 * time.Minute,
		MaxConcurrent:    8,
		WriteSpacing:     -1,
		ResetBuffer:      time.Second,
	}
}

// request is one request a test sends through the limiter.
type request struct {
	method string
	path   string
	body   string
}

func get(path string) request        { return request{method: http.MethodGet, path: path} }
func post(path, body string) request { return request{method: http.MethodPost, path: path, body: body} }

// newRequest builds req with ctx. Bodies are strings.Readers, so GetBody
// is set, as go-github's are.
func newRequest(t *testing.T, ctx context.Context, r request) *http.Request {
	t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, "https://api.github.test"+r.path, body)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// send sends r through rt and returns the status (0 on error), the
// response body and the error.
func send(t *testing.T, ctx context.Context, rt http.RoundTripper, r request) (int, string, error) {
	t.Helper()
	resp, err := rt.RoundTrip(newRequest(t, ctx, r))
	if err != nil {
		if resp != nil {
			t.Errorf("%s %s: got a response and an error", r.method, r.path)
		}
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return resp.StatusCode, string(b), nil
}

// closeTracker is a request body that records whether it was closed and
// cannot be replayed (http.NewRequest does not know it, so GetBody is nil).
type closeTracker struct {
	io.Reader
	mu     sync.Mutex
	closed bool
}

func (c *closeTracker) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	return nil
}

func (c *closeTracker) Closed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// waitFor polls cond in real time, failing the test after five seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
