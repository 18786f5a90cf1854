package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"
)

// Store keeps the part of the limiter's state that every process using the
// same token must agree on: the concurrency slots (as leases), the write
// turn and spacing, the points and content-creation windows, the primary
// budgets and the secondary-limit pause. The Limiter keeps only what is
// local to its process: the FIFO queue of waiting requests and counters.
//
// Every method is one atomic step. MemoryStore is the default, for one
// process; redisstore.Store shares the state through Redis.
type Store interface {
	// Acquire admits a request if every limit allows it now, reserving what
	// it uses (a slot, the write turn, points, content creations), and
	// returns its lease. Otherwise Grant says why not and, where that is
	// known, for how long.
	Acquire(ctx context.Context, t Ticket, lim Limits) (Grant, error)
	// Release ends a lease and records what GitHub answered: budgets,
	// a secondary limit, or a success that ends a streak of them.
	Release(ctx context.Context, l Lease, o Outcome, lim Limits) (Released, error)
	// State reports the shared state, for visibility.
	State(ctx context.Context) (StoreState, error)
	// Kind names the store: "memory" or "redis".
	Kind() string
}

// Ticket is what a request needs from the limits.
type Ticket struct {
	// Resource is the primary budget it spends ("core", "search", ...);
	// empty for requests GitHub does not count (GET /rate_limit).
	Resource string
	// Write requests are sent one at a time, spaced by WriteSpacing.
	Write bool
	// Points is its cost in the points-per-minute budget: REST's, or
	// GraphQL's when GraphQL is set (GitHub keeps the two apart).
	Points int
	// GraphQL marks a request to the GraphQL endpoint: its Points count
	// against Limits.GraphQLPointsPerMinute.
	GraphQL bool
	// Content marks a content-creating request (see CreatesContent).
	Content bool
}

// TicketFor returns the ticket of a request. Every POST to the GraphQL
// endpoint is taken for a mutation (a write: 5 points, one at a time,
// never retried) unless it is marked a query: see TicketForRequest.
func TicketFor(method, path string) Ticket {
	t := Ticket{Resource: ResourceFor(path), Write: IsWrite(method), Points: PointsFor(method), Content: CreatesContent(method, path)}
	t.GraphQL = t.Resource == ResourceGraphQL
	if strings.TrimPrefix(path, "/api/v3") == "/rate_limit" {
		// GitHub does not count asking how much is left; a spent budget
		// must not stop us from asking when it resets.
		t.Resource = ""
	}
	return t
}

// Limits are the rules a Store enforces, derived from Config. They travel
// with every call, so that a store shared by processes enforces each
// caller's own settings against the shared counts.
type Limits struct {
	MaxConcurrent   int
	WriteSpacing    time.Duration
	PointsPerMinute int // 0: not enforced
	// GraphQLPointsPerMinute is GraphQL's own secondary budget. 0: not
	// enforced.
	GraphQLPointsPerMinute int
	ContentPerMinute       int // 0: not enforced
	ContentPerHour         int // 0: not enforced
	ResetBuffer            time.Duration
	SecondaryInitial       time.Duration
	SecondaryMax           time.Duration
	// LeaseTTL is how long a lease outlives a process that died holding it.
	LeaseTTL time.Duration
}

// Lease is an admitted request's hold on a concurrency slot and, for a
// write, on the write turn.
type Lease struct {
	ID       string
	Resource string
	Write    bool
}

// Why a request may not be sent yet.
const (
	ReasonPaused        = "secondary rate limit pause"
	ReasonPrimary       = "primary rate limit"
	ReasonPoints        = "points per minute"
	ReasonGraphQLPoints = "GraphQL points per minute"
	ReasonContentMinute = "content creations per minute"
	ReasonContentHour   = "content creations per hour"
	ReasonWriteInFlight = "another write in flight"
	ReasonWriteSpacing  = "write spacing"
	ReasonConcurrency   = "concurrency cap"
)

// Grant is the answer to Acquire.
type Grant struct {
	// OK means admitted: Lease is valid and must be released.
	OK    bool
	Lease Lease
	// Reason says why not (one of the Reason constants). When several
	// limits are in force it is the one with the longest known wait.
	Reason string
	// Wait is how long until the reason clears; zero when it is unknown
	// (a slot or the write turn is held by a request still in flight).
	Wait time.Duration
	// Shared means the holder may be another process, whose release this
	// one will not hear of: poll rather than wait to be woken.
	Shared bool
}

// Outcome is what GitHub answered to an admitted request.
type Outcome struct {
	// Budget is the answer's rate-limit headers, nil if it had none.
	Budget *Budget
	// Counted means the request reached GitHub and spent a unit of its
	// primary budget. It matters only when Budget is nil (an answer
	// without headers, or a network error): the unit is then assumed spent.
	// A 304 is not counted.
	Counted bool
	// Succeeded ends a streak of secondary limits.
	Succeeded bool
	// Secondary means GitHub answered with a secondary rate limit: every
	// request pauses for RetryAfter, or, when it is negative, for
	// SecondaryInitial doubling while the limit repeats.
	Secondary  bool
	RetryAfter time.Duration
}

// Released is the answer to Release.
type Released struct {
	// Pause is the pause this answer started or joined, and PausedUntil
	// its end; both zero without a secondary limit.
	Pause       time.Duration
	PausedUntil time.Time
}

// StoreState is the shared state as a store reports it.
type StoreState struct {
	Kind    string `json:"kind"`
	Healthy bool   `json:"healthy"`
	// InFlight counts leases held by every process sharing the store.
	InFlight    int       `json:"in_flight"`
	PausedUntil time.Time `json:"paused_until"`
	PointsUsed  int       `json:"points_used"`
	// GraphQLPointsUsed is the GraphQL secondary window's count.
	GraphQLPointsUsed int      `json:"graphql_points_used"`
	ContentLastMinute int      `json:"content_last_minute"`
	ContentLastHour   int      `json:"content_last_hour"`
	Budgets           []Budget `json:"budgets"`
}

// PointsFor returns a request's cost in GitHub's points-per-minute
// secondary limit: 1 for GET, HEAD and OPTIONS, 5 for writes. GraphQL's
// own budget has the same costs: 1 for a query, 5 for a mutation.
func PointsFor(method string) int {
	if IsWrite(method) {
		return 5
	}
	return 1
}

// CreatesContent reports whether a request counts against GitHub's
// content-creation limit (80 a minute, 500 an hour). GitHub does not list
// the endpoints; this errs on the side of counting: every POST (issues,
// comments, pull requests, reviews, releases, forks, gists, dispatches...)
// except GraphQL queries and markdown rendering, and the PUTs that make a
// commit (file contents, merges).
func CreatesContent(method, path string) bool {
	if ResourceFor(path) == ResourceGraphQL {
		return false
	}
	path = strings.TrimPrefix(path, "/api/v3")
	switch method {
	case http.MethodPost:
		return !strings.HasPrefix(path, "/markdown")
	case http.MethodPut:
		return strings.Contains(path, "/contents/") || strings.HasSuffix(path, "/merge")
	}
	return false
}

// TokenKey returns a fingerprint of a token: the hex of a salted SHA-256,
// safe to use in cache keys and Redis key names. The token cannot be
// recovered from it.
func TokenKey(token string) string {
	sum := sha256.Sum256([]byte("ghmcp ratelimit v1\x00" + token))
	return hex.EncodeToString(sum[:16])
}
