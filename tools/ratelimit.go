package tools

import (
	"context"
	"errors"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/ratelimit"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// RateLimitArgs are the (no) arguments of get_rate_limit.
type RateLimitArgs struct{}

// RateLimitStatus is GitHub's view of the token's budgets and ghmcp's own.
type RateLimitStatus struct {
	// GitHub is GitHub's primary budgets: the main resources, and any
	// other one in use.
	GitHub []RateBudget `json:"github,omitempty"`
	// GitHubError says why GitHub was not asked or did not answer.
	GitHubError string        `json:"github_error,omitempty"`
	Ghmcp       GhmcpRateInfo `json:"ghmcp"`
}

// RateBudget is one primary budget.
type RateBudget struct {
	Resource  string `json:"resource"`
	Limit     int    `json:"limit"`
	Remaining int    `json:"remaining"`
	Reset     string `json:"reset"`
}

// GhmcpRateInfo is ghmcp's own rate-limit state.
type GhmcpRateInfo struct {
	Store          string `json:"store" jsonschema:"memory, or redis when shared by every ghmcp process with this token"`
	StoreHealthy   bool   `json:"store_healthy" jsonschema:"false while Redis is unreachable and conservative local limits apply"`
	Queued         int    `json:"queued"`
	InFlight       int    `json:"in_flight"`
	SharedInFlight int    `json:"shared_in_flight"`
	MaxConcurrent  int    `json:"max_concurrent"`
	PausedUntil    string `json:"paused_until,omitempty" jsonschema:"end of a pause after a GitHub secondary limit"`
	PointsUsed     int    `json:"points_last_minute"`
	PointsLimit    int    `json:"points_per_minute"`
	// GraphQL's own secondary budget, apart from REST's (a query costs 1
	// point, a mutation 5), and what its answers said of their cost.
	GraphQLPointsUsed  int           `json:"graphql_points_last_minute"`
	GraphQLPointsLimit int           `json:"graphql_points_per_minute"`
	GraphQL            *GraphQLSpent `json:"graphql,omitempty"`
	ContentMinute      int           `json:"content_last_minute"`
	ContentPerMin      int           `json:"content_per_minute"`
	ContentHour        int           `json:"content_last_hour"`
	ContentPerHour     int           `json:"content_per_hour"`
	CacheHits          int           `json:"cache_hits_304" jsonschema:"reads GitHub answered 304 Not Modified, served from the cache without spending budget"`
	Retries            int           `json:"retries"`
	FailedFast         int           `json:"failed_fast"`
	SecondaryHits      int           `json:"secondary_limits_hit"`
}

// GraphQLSpent is what ghmcp's GraphQL requests cost, as GitHub's answers
// said; absent until the first one.
type GraphQLSpent struct {
	Queries     int    `json:"queries"`
	Mutations   int    `json:"mutations"`
	PointsSpent int    `json:"points_spent" jsonschema:"Primary points, from GraphQL's rateLimit.cost"`
	LastCost    int    `json:"last_cost"`
	Remaining   int    `json:"remaining"`
	Limit       int    `json:"limit"`
	ResetAt     string `json:"reset_at,omitempty"`
}

// rateLimitTools are the rate-limit tools, in the context toolset.
func rateLimitTools() []toolkit.Tool {
	return []toolkit.Tool{getRateLimit()}
}

// getRateLimit calls GET /rate_limit, which GitHub does not count, and
// reports ghmcp's limiter state alongside.
// https://docs.github.com/rest/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user
func getRateLimit() toolkit.Tool {
	return toolkit.New(toolkit.Spec{
		Name:    "get_rate_limit",
		Toolset: ToolsetContext,
		Kind:    toolkit.Read,
		Desc:    "Show the token's GitHub rate-limit budgets and ghmcp's own limiter state (queued, in flight, pauses, cache hits). Asking costs no budget.",
	}, func(ctx context.Context, d toolkit.Deps, _ RateLimitArgs) (RateLimitStatus, error) {
		const what = "get rate limit"
		var rep ratelimit.Report
		rl, _, err := d.GitHub.RateLimit.Get(ratelimit.WithReport(ctx, &rep))
		if !rep.Filled {
			// Refused before the limiter (no token): nothing to show.
			if err == nil {
				err = errors.New("the rate limiter did not see the request")
			}
			return RateLimitStatus{}, toolkit.Op(what, err)
		}
		out := RateLimitStatus{Ghmcp: ghmcpRateInfo(&rep)}
		if err != nil {
			// ghmcp's own state is still worth showing, e.g. during a pause.
			out.GitHubError = toolkit.Explain("ask GitHub", err)
			return out, nil
		}
		out.GitHub = rateBudgets(rl)
		return out, nil
	})
}

func ghmcpRateInfo(r *ratelimit.Report) GhmcpRateInfo {
	info := GhmcpRateInfo{
		Store:              r.Store,
		StoreHealthy:       r.StoreHealthy,
		Queued:             r.Queued,
		InFlight:           r.InFlight,
		SharedInFlight:     r.SharedInFlight,
		MaxConcurrent:      r.MaxConcurrent,
		PointsUsed:         r.PointsUsed,
		PointsLimit:        r.PointsPerMinute,
		GraphQLPointsUsed:  r.GraphQLPointsUsed,
		GraphQLPointsLimit: r.GraphQLPointsPerMinute,
		ContentMinute:      r.ContentLastMinute,
		ContentPerMin:      r.ContentPerMinute,
		ContentHour:        r.ContentLastHour,
		ContentPerHour:     r.ContentPerHour,
		CacheHits:          r.Cache.Hits,
		Retries:            r.Stats.Retries,
		FailedFast:         r.Stats.FailedFast,
		SecondaryHits:      r.Stats.Secondary,
	}
	if g := r.GraphQL; g.Queries+g.Mutations > 0 {
		info.GraphQL = &GraphQLSpent{Queries: g.Queries, Mutations: g.Mutations, PointsSpent: g.PointsSpent, LastCost: g.LastCost, Remaining: g.Remaining, Limit: g.Limit, ResetAt: timeString(&g.ResetAt)}
	}
	if !r.PausedUntil.IsZero() {
		info.PausedUntil = timeString(&r.PausedUntil)
	}
	return info
}

// rateBudgets lists core, search, code_search and graphql, and any other
// resource with budget spent.
func rateBudgets(rl *gh.RateLimits) []RateBudget {
	if rl == nil {
		return nil
	}
	all := []struct {
		name string
		rate *gh.Rate
		main bool
	}{
		{"core", rl.Core, true},
		{"search", rl.Search, true},
		{"code_search", rl.CodeSearch, true},
		{"graphql", rl.GraphQL, true},
		{"integration_manifest", rl.IntegrationManifest, false},
		{"source_import", rl.SourceImport, false},
		{"code_scanning_upload", rl.CodeScanningUpload, false},
		{"actions_runner_registration", rl.ActionsRunnerRegistration, false},
		{"scim", rl.SCIM, false},
		{"dependency_snapshots", rl.DependencySnapshots, false},
		{"audit_log", rl.AuditLog, false},
	}
	var out []RateBudget
	for _, r := range all {
		if r.rate == nil || (!r.main && r.rate.Remaining >= r.rate.Limit) {
			continue
		}
		out = append(out, RateBudget{Resource: r.name, Limit: r.rate.Limit, Remaining: r.rate.Remaining, Reset: ts(&r.rate.Reset)})
	}
	return out
}
