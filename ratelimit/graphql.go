package ratelimit

import (
	"context"
	"net/http"
	"time"
)

// GraphQL's budgets. GitHub keeps them apart from REST's:
//
//   - a primary budget in points per hour (5,000 for a user's token), the
//     "graphql" resource, reported in the X-RateLimit-* headers of every
//     GraphQL answer and in the rateLimit object a query may ask for (its
//     cost, what remains, when it resets);
//   - a secondary budget of points per minute (2,000), where a query costs
//     1 point and a mutation 5 (Config.GraphQLPointsPerMinute).
//
// Both go through the one Limiter: the headers feed the primary budget like
// REST's, and Ticket.GraphQL puts a request's points in GraphQL's window.
// The concurrency cap, the secondary-limit pause and the write turn are
// shared with REST, as GitHub shares them.

type graphQLQueryKey struct{}

// GraphQLQuery returns a context marking a POST to the GraphQL endpoint
// made with it as a query: a read, 1 point, retried when safe, allowed in
// read-only mode. Without the mark a GraphQL POST is a mutation. Only a
// caller that checked its document holds no mutation may mark it.
func GraphQLQuery(ctx context.Context) context.Context {
	return context.WithValue(ctx, graphQLQueryKey{}, true)
}

func isGraphQLQuery(ctx context.Context) bool {
	q, _ := ctx.Value(graphQLQueryKey{}).(bool)
	return q
}

// TicketForRequest is TicketFor with what the request's context says: a
// GraphQL POST marked by GraphQLQuery is a read costing 1 point.
func TicketForRequest(req *http.Request) Ticket {
	t := TicketFor(req.Method, req.URL.Path)
	if t.GraphQL && t.Write && isGraphQLQuery(req.Context()) {
		t.Write, t.Points = false, PointsFor(http.MethodGet)
	}
	return t
}

// IsWriteRequest reports whether req may change state on GitHub: a write
// method, unless it is a GraphQL query (see GraphQLQuery).
func IsWriteRequest(req *http.Request) bool {
	return TicketForRequest(req).Write
}

// GraphQLCost is the rateLimit object of a GraphQL answer.
type GraphQLCost struct {
	Cost      int       `json:"cost"`
	Limit     int       `json:"limit"`
	Remaining int       `json:"remaining"`
	ResetAt   time.Time `json:"resetAt"`
}

// GraphQLUsage is what the limiter learned from GraphQL answers' rateLimit
// objects, for the report: the headers already carry the budget itself.
type GraphQLUsage struct {
	// Queries and Mutations count the answers observed.
	Queries   int `json:"queries"`
	Mutations int `json:"mutations"`
	// PointsSpent sums their cost in primary points.
	PointsSpent int `json:"points_spent"`
	// LastCost is the cost of the latest query; Limit, Remaining and
	// ResetAt are the latest figures of the primary budget.
	LastCost  int       `json:"last_cost"`
	Limit     int       `json:"limit"`
	Remaining int       `json:"remaining"`
	ResetAt   time.Time `json:"reset_at"`
}

// ObserveGraphQL records the rateLimit object of a GraphQL answer (for a
// mutation, which cannot ask for it, the headers' figures and no cost). The
// primary budget itself is learned from the answer's headers, like REST's;
// this adds what only the body says: the points each operation cost. An
// answer seen late (older reset, or more remaining in the same window)
// does not move the budget figures back.
func (l *Limiter) ObserveGraphQL(c GraphQLCost, mutation bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	g := &l.graphql
	if mutation {
		g.Mutations++
	} else {
		g.Queries++
		g.LastCost = c.Cost
	}
	g.PointsSpent += c.Cost
	if c.ResetAt.IsZero() || c.ResetAt.Before(g.ResetAt) || (c.ResetAt.Equal(g.ResetAt) && c.Remaining > g.Remaining) {
		return
	}
	g.Limit, g.Remaining, g.ResetAt = c.Limit, c.Remaining, c.ResetAt
}

// GraphQL returns what ObserveGraphQL recorded.
func (l *Limiter) GraphQL() GraphQLUsage {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.graphql
}
