package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ghmcp/ghmcp/ratelimit"
)

// LimiterSource is what WatchLimiter reads at each scrape;
// *ratelimit.Limiter is one.
type LimiterSource interface {
	Budgets() []ratelimit.Budget
	Stats() ratelimit.Stats
	PausedUntil() time.Time
}

// CacheSource is what WatchCache reads at each scrape; *ratelimit.Cache
// is one.
type CacheSource interface {
	Stats() ratelimit.CacheStats
}

var (
	descSecondary = prometheus.NewDesc("ghmcp_ratelimit_secondary_limits_total",
		"Secondary-limit answers from GitHub; each starts or joins a pause of every request.", nil, nil)
	descPaused = prometheus.NewDesc("ghmcp_ratelimit_paused",
		"1 while a secondary-limit pause is in force, else 0.", nil, nil)
	descInFlight = prometheus.NewDesc("ghmcp_ratelimit_in_flight",
		"Requests of this process being sent to GitHub now.", nil, nil)
	descQueued = prometheus.NewDesc("ghmcp_ratelimit_queued",
		"Requests waiting for their turn now.", nil, nil)
	descFailedFast = prometheus.NewDesc("ghmcp_ratelimit_failed_fast_total",
		"Requests refused at once because the wait would have been too long.", nil, nil)
	descRemaining = prometheus.NewDesc("ghmcp_github_budget_remaining",
		"What GitHub last said remains of a primary budget, less requests in flight.", []string{"resource"}, nil)
	descLimit = prometheus.NewDesc("ghmcp_github_budget_limit",
		"A primary budget's size, as GitHub last said.", []string{"resource"}, nil)
	descReset = prometheus.NewDesc("ghmcp_github_budget_reset_timestamp_seconds",
		"When a primary budget resets, in Unix seconds.", []string{"resource"}, nil)

	descCacheHits = prometheus.NewDesc("ghmcp_cache_hits_total",
		"Conditional GETs GitHub answered 304 Not Modified, served from the cache (no primary budget spent).", nil, nil)
	descCacheMisses = prometheus.NewDesc("ghmcp_cache_misses_total",
		"Cacheable GETs answered in full.", nil, nil)
	descCacheInvalidated = prometheus.NewDesc("ghmcp_cache_invalidated_total",
		"Cache entries dropped because a write or a webhook made them stale.", nil, nil)
	descCacheEntries = prometheus.NewDesc("ghmcp_cache_entries", "Entries in the cache now.", nil, nil)
	descCacheBytes   = prometheus.NewDesc("ghmcp_cache_bytes", "Bytes the cache holds now.", nil, nil)
)

// WatchLimiter reports l's budgets, pauses and queue at each scrape. Call
// it once, for the server's limiter; a nil now means time.Now.
func (m *Metrics) WatchLimiter(l LimiterSource, now func() time.Time) {
	if now == nil {
		now = time.Now
	}
	m.reg.MustRegister(limiterCollector{l: l, now: now})
}

// WatchCache reports c's counters at each scrape. Call it once.
func (m *Metrics) WatchCache(c CacheSource) {
	m.reg.MustRegister(cacheCollector{c: c})
}

type limiterCollector struct {
	l   LimiterSource
	now func() time.Time
}

func (c limiterCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descSecondary, descPaused, descInFlight, descQueued, descFailedFast, descRemaining, descLimit, descReset} {
		ch <- d
	}
}

func (c limiterCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.l.Stats()
	paused := 0.0
	if c.l.PausedUntil().After(c.now()) {
		paused = 1
	}
	ch <- prometheus.MustNewConstMetric(descSecondary, prometheus.CounterValue, float64(s.Secondary))
	ch <- prometheus.MustNewConstMetric(descPaused, prometheus.GaugeValue, paused)
	ch <- prometheus.MustNewConstMetric(descInFlight, prometheus.GaugeValue, float64(s.InFlight))
	ch <- prometheus.MustNewConstMetric(descQueued, prometheus.GaugeValue, float64(s.Queued))
	ch <- prometheus.MustNewConstMetric(descFailedFast, prometheus.CounterValue, float64(s.FailedFast))
	for _, b := range c.l.Budgets() {
		ch <- prometheus.MustNewConstMetric(descRemaining, prometheus.GaugeValue, float64(b.Remaining), b.Resource)
		ch <- prometheus.MustNewConstMetric(descLimit, prometheus.GaugeValue, float64(b.Limit), b.Resource)
		if !b.Reset.IsZero() {
			ch <- prometheus.MustNewConstMetric(descReset, prometheus.GaugeValue, float64(b.Reset.Unix()), b.Resource)
		}
	}
}

type cacheCollector struct{ c CacheSource }

func (c cacheCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descCacheHits, descCacheMisses, descCacheInvalidated, descCacheEntries, descCacheBytes} {
		ch <- d
	}
}

func (c cacheCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.c.Stats()
	ch <- prometheus.MustNewConstMetric(descCacheHits, prometheus.CounterValue, float64(s.Hits))
	ch <- prometheus.MustNewConstMetric(descCacheMisses, prometheus.CounterValue, float64(s.Misses))
	ch <- prometheus.MustNewConstMetric(descCacheInvalidated, prometheus.CounterValue, float64(s.Invalidated))
	ch <- prometheus.MustNewConstMetric(descCacheEntries, prometheus.GaugeValue, float64(s.Entries))
	ch <- prometheus.MustNewConstMetric(descCacheBytes, prometheus.GaugeValue, float64(s.Bytes))
}
