package ratelimit

import (
	"context"
	"time"
)

// Report is ghmcp's own view of the rate limits, for the get_rate_limit
// tool. A caller asks for one by putting it in a request's context with
// WithReport; the limiter and the cache on the request's way fill it in.
// This reaches them through whatever layers the client stacks, without
// any of them being handed around.
type Report struct {
	// Filled reports that a limiter saw the request.
	Filled bool `json:"-"`
	// Store is "memory" or "redis"; StoreHealthy is false while Redis is
	// unreachable and conservative local limits apply.
	Store        string `json:"store"`
	StoreHealthy bool   `json:"store_healthy"`
	// Queued and InFlight are this process's requests; SharedInFlight
	// counts those of every process sharing the store.
	Queued         int `json:"queued"`
	InFlight       int `json:"in_flight"`
	SharedInFlight int `json:"shared_in_flight"`
	MaxConcurrent  int `json:"max_concurrent"`
	// PausedUntil is the end of a secondary-limit pause, zero if none.
	PausedUntil time.Time `json:"paused_until"`
	// Budgets are the primary budgets as the store knows them.
	Budgets []Budget `json:"budgets"`
	// The secondary budgets: used in the sliding window, and the limit.
	PointsUsed      int `json:"points_used"`
	PointsPerMinute int `json:"points_per_minute"`
	// GraphQL's secondary budget, apart from REST's: points used in the
	// sliding minute (a query 1, a mutation 5) and the limit.
	GraphQLPointsUsed      int `json:"graphql_points_used"`
	GraphQLPointsPerMinute int `json:"graphql_points_per_minute"`
	// GraphQL is what GraphQL answers said of their cost; GraphQL's
	// primary budget is the "graphql" entry of Budgets.
	GraphQL           GraphQLUsage `json:"graphql"`
	ContentLastMinute int          `json:"content_last_minute"`
	ContentPerMinute  int          `json:"content_per_minute"`
	ContentLastHour   int          `json:"content_last_hour"`
	ContentPerHour    int          `json:"content_per_hour"`
	Stats             Stats        `json:"stats"`
	Cache             CacheStats   `json:"cache"`
}

type reportKey struct{}

// WithReport returns a context that asks the limiter and cache serving a
// request made with it to fill r.
func WithReport(ctx context.Context, r *Report) context.Context {
	return context.WithValue(ctx, reportKey{}, r)
}

func reportFrom(ctx context.Context) *Report {
	r, _ := ctx.Value(reportKey{}).(*Report)
	return r
}

// fillReport fills r with the limiter's state.
func (l *Limiter) fillReport(r *Report) {
	st := l.state()
	r.Filled = true
	r.Store, r.StoreHealthy = st.Kind, st.Healthy
	r.Stats = l.Stats()
	r.Queued, r.InFlight = r.Stats.Queued, r.Stats.InFlight
	r.SharedInFlight, r.MaxConcurrent = st.InFlight, l.cfg.MaxConcurrent
	r.PausedUntil, r.Budgets = st.PausedUntil, st.Budgets
	r.PointsUsed, r.PointsPerMinute = st.PointsUsed, l.cfg.PointsPerMinute
	r.GraphQLPointsUsed, r.GraphQLPointsPerMinute = st.GraphQLPointsUsed, l.cfg.GraphQLPointsPerMinute
	r.GraphQL = l.GraphQL()
	r.ContentLastMinute, r.ContentPerMinute = st.ContentLastMinute, l.cfg.ContentPerMinute
	r.ContentLastHour, r.ContentPerHour = st.ContentLastHour, l.cfg.ContentPerHour
}
