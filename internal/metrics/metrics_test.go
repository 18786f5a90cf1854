package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/ghmcp/ghmcp/internal/metrics"
	"github.com/ghmcp/ghmcp/ratelimit"
)

// get GETs /metrics and returns its Content-Type and body.
func get(t *testing.T, m *metrics.Metrics) (contentType, body string) {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET /metrics: %s", resp.Status)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp.Header.Get("Content-Type"), string(b)
}

// scrape returns the sample lines of the families named, in the order
// of the scrape, without HELP and TYPE (checked in
// TestHandlerServesTheTextFormat).
func scrape(t *testing.T, m *metrics.Metrics, families ...string) []string {
	t.Helper()
	_, body := get(t, m)
	var out []string
	for _, line := range strings.Split(body, "\n") {
		for _, f := range families {
			if strings.HasPrefix(line, f+"{") || strings.HasPrefix(line, f+" ") {
				out = append(out, line)
			}
		}
	}
	return out
}

func TestHandlerServesTheTextFormat(t *testing.T) {
	m := metrics.New()
	m.ToolCall("list_issues", metrics.OutcomeOK)
	ct, body := get(t, m)
	if !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type = %q, want Prometheus text format 0.0.4", ct)
	}
	for _, want := range []string{
		"# HELP ghmcp_tool_calls_total MCP tool calls, by tool and outcome",
		"# TYPE ghmcp_tool_calls_total counter",
		`ghmcp_tool_calls_total{outcome="ok",tool="list_issues"} 1`,
		"# TYPE ghmcp_sessions_open gauge",
		"ghmcp_sessions_open 0",
		"# TYPE go_goroutines gauge", // the runtime collector is on our registry
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %q", want)
		}
	}
	// Our own registry only: nothing registered on the default one shows.
	if strings.Contains(body, "promhttp_metric_handler_requests_total") {
		t.Error("scrape shows the default registry's handler metrics")
	}
}

func TestToolMiddlewareCountsCallsByOutcome(t *testing.T) {
	m := metrics.New()
	mw := m.ToolMiddleware()
	handlers := map[string]server.ToolHandlerFunc{
		"get_me": func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return mcp.NewToolResultText("octocat"), nil
		},
		"create_issue": func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return mcp.NewToolResultError(`repo must be owner/name, got "foo"`), nil
		},
		"broken": func(context.Context, mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return nil, errors.New("boom")
		},
	}
	for _, name := range []string{"get_me", "get_me", "create_issue", "broken"} {
		var req mcp.CallToolRequest
		req.Params.Name = name
		mw(handlers[name])(context.Background(), req)
	}
	want := []string{
		`ghmcp_tool_calls_total{outcome="error",tool="broken"} 1`,
		`ghmcp_tool_calls_total{outcome="ok",tool="get_me"} 2`,
		`ghmcp_tool_calls_total{outcome="tool_error",tool="create_issue"} 1`,
	}
	if diff := cmp.Diff(want, scrape(t, m, "ghmcp_tool_calls_total")); diff != "" {
		t.Errorf("scrape (-want +got):\n%s", diff)
	}
}

// fakeClock makes the limiter's sleeps instant.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(max(d, 0))
	return nil
}

// scripted is a GitHub that answers with the statuses given, in order.
type scripted struct {
	mu       sync.Mutex
	clock    *fakeClock
	statuses []int
}

func (g *scripted) RoundTrip(req *http.Request) (*http.Response, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if req.Body != nil {
		io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	if len(g.statuses) == 0 {
		return nil, errors.New("scripted: no more answers")
	}
	status := g.statuses[0]
	g.statuses = g.statuses[1:]
	if status == 0 {
		return nil, errors.New("connection reset by peer")
	}
	h := http.Header{}
	h.Set("X-RateLimit-Limit", "5000")
	h.Set("X-RateLimit-Remaining", "4321")
	h.Set("X-RateLimit-Reset", "4102444800") // 2100-01-01
	h.Set("X-RateLimit-Resource", ratelimit.ResourceFor(req.URL.Path))
	if status == http.StatusTooManyRequests {
		h.Set("Retry-After", "60")
	}
	return &http.Response{StatusCode: status, Status: http.StatusText(status), Header: h, Body: http.NoBody, Request: req}, nil
}

// One tool call through a real limiter over a scripted GitHub: the
// middleware counts the call and its waits (a progress observer set
// inside still hears them), the transport counts each attempt GitHub
// received, and WatchLimiter reports the budget and the pause.
func TestMetricsOfACallThroughTheLimiter(t *testing.T) {
	m := metrics.New()
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	gh := &scripted{clock: clock, statuses: []int{429, 502, 200, 201, 201}}
	cfg := ratelimit.DefaultConfig()
	cfg.MaxWait = time.Hour
	lim := ratelimit.New(cfg, clock, nil)
	m.WatchLimiter(lim, clock.Now)
	rt := lim.Transport(m.Transport(gh))

	var progress []string
	handler := func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		ctx = ratelimit.WithWaitObserver(ctx, func(reason string, d time.Duration) { progress = append(progress, reason) })
		for _, r := range []struct{ method, path string }{
			{"GET", "/repos/o/r"},
			{"POST", "/repos/o/r/issues"},
			{"POST", "/search/issues"}, // another resource, for the label
		} {
			req, _ := http.NewRequestWithContext(ctx, r.method, "https://api.github.test"+r.path, strings.NewReader("{}"))
			resp, err := rt.RoundTrip(req)
			if err != nil {
				return nil, err
			}
			resp.Body.Close()
		}
		return mcp.NewToolResultText("ok"), nil
	}
	var req mcp.CallToolRequest
	req.Params.Name = "create_issue"
	if _, err := m.ToolMiddleware()(handler)(context.Background(), req); err != nil {
		t.Fatal(err)
	}

	got := scrape(t, m, "ghmcp_tool_calls_total", "ghmcp_github_requests_total", "ghmcp_ratelimit_waits_total",
		"ghmcp_ratelimit_secondary_limits_total", "ghmcp_github_budget_remaining", "ghmcp_github_budget_reset_timestamp_seconds")
	want := []string{
		`ghmcp_github_budget_remaining{resource="core"} 4321`,
		`ghmcp_github_budget_remaining{resource="search"} 4321`,
		`ghmcp_github_budget_reset_timestamp_seconds{resource="core"} 4.1024448e+09`,
		`ghmcp_github_budget_reset_timestamp_seconds{resource="search"} 4.1024448e+09`,
		`ghmcp_github_requests_total{resource="core",status="200"} 1`,
		`ghmcp_github_requests_total{resource="core",status="201"} 1`,
		`ghmcp_github_requests_total{resource="core",status="429"} 1`,
		`ghmcp_github_requests_total{resource="core",status="502"} 1`,
		`ghmcp_github_requests_total{resource="search",status="201"} 1`,
		`ghmcp_ratelimit_secondary_limits_total 1`,
		`ghmcp_ratelimit_waits_total{reason="retry"} 1`,
		`ghmcp_ratelimit_waits_total{reason="secondary rate limit pause"} 1`,
		`ghmcp_ratelimit_waits_total{reason="write spacing"} 1`,
		`ghmcp_tool_calls_total{outcome="ok",tool="create_issue"} 1`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scrape (-want +got):\n%s", diff)
	}
	if len(progress) != 3 {
		t.Errorf("the progress observer heard %v, want the 3 waits", progress)
	}
	if got := scrape(t, m, "ghmcp_ratelimit_wait_seconds_total"); !contains(got, `ghmcp_ratelimit_wait_seconds_total{reason="secondary rate limit pause"} 60`) {
		t.Errorf("wait seconds: %q lacks the 60 s pause", got)
	}
}

func contains(lines []string, want string) bool {
	for _, l := range lines {
		if l == want {
			return true
		}
	}
	return false
}

func TestTransportCountsANetworkErrorAsError(t *testing.T) {
	m := metrics.New()
	rt := m.Transport(&scripted{statuses: []int{0}})
	req, _ := http.NewRequest("GET", "https://api.github.test/search/code?q=x", nil)
	if _, err := rt.RoundTrip(req); err == nil {
		t.Fatal("want the network error")
	}
	want := []string{`ghmcp_github_requests_total{resource="code_search",status="error"} 1`}
	if diff := cmp.Diff(want, scrape(t, m, "ghmcp_github_requests_total")); diff != "" {
		t.Errorf("scrape (-want +got):\n%s", diff)
	}
}

func TestWebhookAndSessionAndCacheMetrics(t *testing.T) {
	m := metrics.New()
	m.WebhookDelivery("issues", "accepted")
	m.WebhookDelivery("issues", "duplicate")
	m.WebhookDelivery("unverified", "bad_signature")
	hooks := &server.Hooks{}
	m.Hooks(hooks)
	for _, h := range hooks.OnRegisterSession {
		h(context.Background(), nil)
		h(context.Background(), nil)
	}
	for _, h := range hooks.OnUnregisterSession {
		h(context.Background(), nil)
	}
	m.WatchCache(cacheStats{Hits: 7, Misses: 3, Invalidated: 2, Entries: 5, Bytes: 1024})
	want := []string{
		`ghmcp_cache_entries 5`,
		`ghmcp_cache_hits_total 7`,
		`ghmcp_cache_invalidated_total 2`,
		`ghmcp_cache_misses_total 3`,
		`ghmcp_sessions_open 1`,
		`ghmcp_webhook_deliveries_total{event="issues",verdict="accepted"} 1`,
		`ghmcp_webhook_deliveries_total{event="issues",verdict="duplicate"} 1`,
		`ghmcp_webhook_deliveries_total{event="unverified",verdict="bad_signature"} 1`,
	}
	got := scrape(t, m, "ghmcp_webhook_deliveries_total", "ghmcp_sessions_open", "ghmcp_cache_hits_total",
		"ghmcp_cache_misses_total", "ghmcp_cache_invalidated_total", "ghmcp_cache_entries")
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scrape (-want +got):\n%s", diff)
	}
}

type cacheStats ratelimit.CacheStats

func (c cacheStats) Stats() ratelimit.CacheStats { return ratelimit.CacheStats(c) }

// Two Metrics are independent: nothing lives in a package variable or the
// default registry, so a test (or two servers in one process) may build
// as many as it likes.
func TestTwoMetricsAreIndependent(t *testing.T) {
	a, b := metrics.New(), metrics.New()
	a.ToolCall("get_me", metrics.OutcomeOK)
	if got := scrape(t, b, "ghmcp_tool_calls_total"); len(got) != 0 {
		t.Errorf("b shows a's call: %q", got)
	}
}
