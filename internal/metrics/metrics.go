// Package metrics is ghmcp's Prometheus instrumentation, on a registry of
// its own (never the process-wide default), served at /metrics by Handler.
//
// Where each family comes from:
//
//	ghmcp_tool_calls_total{tool,outcome}            ToolMiddleware (mcp-go)
//	ghmcp_github_requests_total{resource,status}    Transport (a RoundTripper layer)
//	ghmcp_ratelimit_waits_total{reason}             WaitObserver / ObserveWaits
//	ghmcp_ratelimit_wait_seconds_total{reason}        (the limiter's waits, pauses
//	                                                  included: reason "secondary
//	                                                  rate limit pause")
//	ghmcp_ratelimit_secondary_limits_total          WatchLimiter (read at scrape)
//	ghmcp_ratelimit_paused                          WatchLimiter
//	ghmcp_ratelimit_in_flight, _queued              WatchLimiter
//	ghmcp_github_budget_remaining{resource}         WatchLimiter
//	ghmcp_github_budget_limit{resource}             WatchLimiter
//	ghmcp_github_budget_reset_timestamp_seconds     WatchLimiter
//	ghmcp_cache_hits_total (304s served)            WatchCache (read at scrape)
//	ghmcp_cache_misses_total, _invalidated_total,
//	ghmcp_cache_entries, ghmcp_cache_bytes          WatchCache
//	ghmcp_webhook_deliveries_total{event,verdict}   WebhookObserver
//	ghmcp_sessions_open                             SessionOpened/SessionClosed, or Hooks
//
// Labels take values from small sets only: tool names from the catalogue,
// GitHub's rate-limit resources, HTTP status codes, the limiter's reasons,
// webhook event names (verified deliveries only) and verdicts. No token,
// path, repository or user ever becomes a label.
package metrics

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ghmcp/ghmcp/ratelimit"
)

// Tool-call outcomes.
const (
	OutcomeOK        = "ok"         // a result without isError
	OutcomeToolError = "tool_error" // a result with isError: the model sees why
	OutcomeError     = "error"      // a Go error: a JSON-RPC error
)

// Metrics holds ghmcp's collectors and the registry they live on. Its
// methods are safe for concurrent use.
type Metrics struct {
	reg *prometheus.Registry

	toolCalls   *prometheus.CounterVec
	ghRequests  *prometheus.CounterVec
	waits       *prometheus.CounterVec
	waitSeconds *prometheus.CounterVec
	deliveries  *prometheus.CounterVec
	sessions    prometheus.Gauge
}

// New returns Metrics on a new registry, with the Go runtime and process
// collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		toolCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ghmcp_tool_calls_total",
			Help: "MCP tool calls, by tool and outcome (ok, tool_error: a result with isError, error: a JSON-RPC error).",
		}, []string{"tool", "outcome"}),
		ghRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ghmcp_github_requests_total",
			Help: "Requests sent to GitHub (retries included), by rate-limit resource and HTTP status (\"error\" when no answer came).",
		}, []string{"resource", "status"}),
		waits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ghmcp_ratelimit_waits_total",
			Help: "Timed waits the rate limiter made before sending a request, by reason (a secondary-limit pause, write spacing, a retry...).",
		}, []string{"reason"}),
		waitSeconds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ghmcp_ratelimit_wait_seconds_total",
			Help: "Seconds the rate limiter decided to wait, by reason.",
		}, []string{"reason"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ghmcp_webhook_deliveries_total",
			Help: "Webhook deliveries, by event (\"unverified\" before the signature is checked) and verdict.",
		}, []string{"event", "verdict"}),
		sessions: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "ghmcp_sessions_open",
			Help: "MCP sessions open now.",
		}),
	}
	m.reg.MustRegister(m.toolCalls, m.ghRequests, m.waits, m.waitSeconds, m.deliveries, m.sessions,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is the registry the collectors live on, for a caller that adds
// its own.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in Prometheus' text format, for GET /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// ToolCall counts one tool call.
func (m *Metrics) ToolCall(tool, outcome string) {
	m.toolCalls.WithLabelValues(tool, outcome).Inc()
}

// GitHubRequest counts one request to GitHub; status 0 means no answer.
func (m *Metrics) GitHubRequest(resource string, status int) {
	s := "error"
	if status > 0 {
		s = strconv.Itoa(status)
	}
	m.ghRequests.WithLabelValues(resource, s).Inc()
}

// WaitObserver returns the observer that counts the limiter's waits, for
// ratelimit.WithWaitObserver; ObserveWaits installs it on a context.
func (m *Metrics) WaitObserver() ratelimit.WaitObserver {
	return func(reason string, d time.Duration) {
		reason = waitReason(reason)
		m.waits.WithLabelValues(reason).Inc()
		m.waitSeconds.WithLabelValues(reason).Add(d.Seconds())
	}
}

// ObserveWaits returns ctx with the waits of its requests counted. Other
// observers on ctx (progress) still hear them.
func (m *Metrics) ObserveWaits(ctx context.Context) context.Context {
	return ratelimit.WithWaitObserver(ctx, m.WaitObserver())
}

// waitReason keeps the label set small: the limiter's retry reasons carry
// GitHub's status text ("retry after GitHub 502 Bad Gateway").
func waitReason(reason string) string {
	switch reason {
	case ratelimit.ReasonPaused, ratelimit.ReasonPrimary, ratelimit.ReasonPoints,
		ratelimit.ReasonContentMinute, ratelimit.ReasonContentHour,
		ratelimit.ReasonWriteInFlight, ratelimit.ReasonWriteSpacing, ratelimit.ReasonConcurrency:
		return reason
	}
	if len(reason) >= 5 && reason[:5] == "retry" {
		return "retry"
	}
	return "other"
}

// WebhookDelivery counts one webhook delivery; its signature matches
// webhook.Observer, so WebhookDelivery itself is the handler's Observe.
func (m *Metrics) WebhookDelivery(event, verdict string) {
	m.deliveries.WithLabelValues(event, verdict).Inc()
}

// SessionOpened and SessionClosed keep ghmcp_sessions_open.
func (m *Metrics) SessionOpened() { m.sessions.Inc() }

// SessionClosed: see SessionOpened.
func (m *Metrics) SessionClosed() { m.sessions.Dec() }
