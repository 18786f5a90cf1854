package ratelimit_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ghmcp/ghmcp/ratelimit"
)

func TestTicketForRequest(t *testing.T) {
	tests := []struct {
		name   string
		method string
		path   string
		query  bool // marked with GraphQLQuery
		want   ratelimit.Ticket
	}{
		{"a REST read costs one of REST's points", "GET", "/repos/o/r", false, ratelimit.Ticket{Resource: "core", Points: 1}},
		{"a REST read marked as a GraphQL query is still a REST read", "POST", "/repos/o/r/issues", true, ratelimit.Ticket{Resource: "core", Write: true, Points: 5, Content: true}},
		{"an unmarked GraphQL POST is taken for a mutation", "POST", "/graphql", false, ratelimit.Ticket{Resource: "graphql", Write: true, Points: 5, GraphQL: true}},
		{"a marked GraphQL POST is a query: a read of one point", "POST", "/graphql", true, ratelimit.Ticket{Resource: "graphql", Points: 1, GraphQL: true}},
		{"GitHub Enterprise Server's endpoint counts as GraphQL", "POST", "/api/graphql", true, ratelimit.Ticket{Resource: "graphql", Points: 1, GraphQL: true}},
		{"a mutation on GitHub Enterprise Server creates no content", "POST", "/api/graphql", false, ratelimit.Ticket{Resource: "graphql", Write: true, Points: 5, GraphQL: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.query {
				ctx = ratelimit.GraphQLQuery(ctx)
			}
			req, err := http.NewRequestWithContext(ctx, tt.method, "https://api.github.test"+tt.path, strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			got := ratelimit.TicketForRequest(req)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("TicketForRequest mismatch (-want +got):\n%s", diff)
			}
			if ratelimit.IsWriteRequest(req) != tt.want.Write {
				t.Errorf("IsWriteRequest = %v, want %v", !tt.want.Write, tt.want.Write)
			}
		})
	}
}

// graphQLAnswer is a GraphQL answer with GitHub's headers for the graphql
// resource.
func graphQLAnswer(remaining int) step {
	return step{status: 200, header: rl("graphql", 5000, remaining, t0.Add(time.Hour)),
		body: `{"data":{"rateLimit":{"cost":1,"remaining":` + strconv.Itoa(remaining) + `}}}`}
}

func TestGraphQLThroughTheLimiter(t *testing.T) {
	const doc = `{"query":"query { viewer { login } }"}`
	t.Run("a query is a read: a 502 is retried", func(t *testing.T) {
		clock := newFakeClock()
		ft := newFakeTransport(t, clock, step{status: 502}, graphQLAnswer(4999))
		lim := ratelimit.New(testConfig(), clock, nil)
		status, _, err := send(t, ratelimit.GraphQLQuery(context.Background()), lim.Transport(ft), post("/graphql", doc))
		if err != nil || status != 200 {
			t.Fatalf("status %d, error %v; want 200 after one retry", status, err)
		}
		if n := len(ft.Calls()); n != 2 {
			t.Errorf("transport saw %d requests, want 2", n)
		}
	})
	t.Run("a mutation is a write: a 502 is not retried", func(t *testing.T) {
		clock := newFakeClock()
		ft := newFakeTransport(t, clock, step{status: 502})
		lim := ratelimit.New(testConfig(), clock, nil)
		status, _, err := send(t, context.Background(), lim.Transport(ft), post("/graphql", `{"query":"mutation { x }"}`))
		if err != nil || status != 502 {
			t.Fatalf("status %d, error %v; want the 502 itself", status, err)
		}
	})
	t.Run("GraphQL's points budget fails fast apart from REST's", func(t *testing.T) {
		clock := newFakeClock()
		ft := newFakeTransport(t, clock, graphQLAnswer(4999), graphQLAnswer(4998), step{status: 200, body: `{}`})
		cfg := testConfig()
		cfg.GraphQLPointsPerMinute = 2
		cfg.PointsPerMinute = 1
		cfg.MaxWait = 10 * time.Second
		lim := ratelimit.New(cfg, clock, nil)
		rt := lim.Transport(ft)
		ctx := ratelimit.GraphQLQuery(context.Background())
		for range 2 {
			if _, _, err := send(t, ctx, rt, post("/graphql", doc)); err != nil {
				t.Fatal(err)
			}
		}
		_, _, err := send(t, ctx, rt, post("/graphql", doc))
		want := &ratelimit.LimitError{Kind: ratelimit.KindPoints, Resource: "graphql", RetryAt: t0.Add(61 * time.Second), Wait: 61 * time.Second}
		checkOutcome(t, 2, post("/graphql", doc), outcome{limit: want}, 0, "", err)
		if err != nil && !strings.Contains(err.Error(), "GraphQL points") {
			t.Errorf("message %q does not name GraphQL's budget", err)
		}
		// REST's budget is untouched by the GraphQL requests.
		if status, _, err := send(t, context.Background(), rt, get("/repos/o/r")); err != nil || status != 200 {
			t.Errorf("REST read after GraphQL's budget was spent: %d, %v", status, err)
		}
	})
}

func TestReportShowsGraphQL(t *testing.T) {
	clock := newFakeClock()
	ft := newFakeTransport(t, clock, graphQLAnswer(4990), step{status: 200, body: `{}`})
	lim := ratelimit.New(testConfig(), clock, nil)
	rt := lim.Transport(ft)
	if _, _, err := send(t, ratelimit.GraphQLQuery(context.Background()), rt, post("/graphql", `{"query":"{ viewer { login } }"}`)); err != nil {
		t.Fatal(err)
	}
	lim.ObserveGraphQL(ratelimit.GraphQLCost{Cost: 1, Limit: 5000, Remaining: 4990, ResetAt: t0.Add(time.Hour)}, false)
	lim.ObserveGraphQL(ratelimit.GraphQLCost{Cost: 1, Limit: 5000, Remaining: 4994, ResetAt: t0.Add(time.Hour)}, true) // arrived late

	var r ratelimit.Report
	if _, _, err := send(t, ratelimit.WithReport(context.Background(), &r), rt, get("/rate_limit")); err != nil {
		t.Fatal(err)
	}
	if r.GraphQLPointsUsed != 1 || r.GraphQLPointsPerMinute != 2000 || r.PointsUsed != 0 {
		t.Errorf("report: GraphQL points %d of %d, REST points %d; want 1 of 2000 and 0", r.GraphQLPointsUsed, r.GraphQLPointsPerMinute, r.PointsUsed)
	}
	wantUsage := ratelimit.GraphQLUsage{Queries: 1, Mutations: 1, PointsSpent: 2, LastCost: 1, Limit: 5000, Remaining: 4990, ResetAt: t0.Add(time.Hour)}
	if diff := cmp.Diff(wantUsage, r.GraphQL); diff != "" {
		t.Errorf("report.GraphQL mismatch (-want +got):\n%s", diff)
	}
	wantBudget := []ratelimit.Budget{{Resource: "graphql", Limit: 5000, Remaining: 4990, Reset: t0.Add(time.Hour)}}
	if diff := cmp.Diff(wantBudget, r.Budgets); diff != "" {
		t.Errorf("report.Budgets mismatch (-want +got):\n%s", diff)
	}
}
