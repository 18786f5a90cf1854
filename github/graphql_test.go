package github

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/ratelimit"
)

func TestGraphQLURL(t *testing.T) {
	tests := []struct{ name, api, want string }{
		{"GitHub.com", DefaultAPIURL, DefaultAPIURL + "graphql"},
		{"GitHub Enterprise Server", "https://ghe.example.com/api/v3/", "https://ghe.example.com/api/graphql"},
		{"GitHub Enterprise Server without the slash", "https://ghe.example.com/api/v3", "https://ghe.example.com/api/graphql"},
		{"a loopback fake", "http://127.0.0.1:8080/", "http://127.0.0.1:8080/graphql"},
		{"a loopback fake under a prefix", "http://localhost:9/github/", "http://localhost:9/github/graphql"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := url.Parse(tt.api)
			if err != nil {
				t.Fatal(err)
			}
			if got := GraphQLURL(u).String(); got != tt.want {
				t.Errorf("GraphQLURL(%s) = %s, want %s", tt.api, got, tt.want)
			}
		})
	}
}

// graphQLServer is a fake GraphQL endpoint that records what it got and
// answers with the next scripted answer.
type graphQLServer struct {
	t       *testing.T
	mu      sync.Mutex
	got     []graphQLRequest
	answers []graphQLReply
}

type graphQLRequest struct {
	Path      string
	Auth      string
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
}

type graphQLReply struct {
	status int
	body   string
}

func (s *graphQLServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req graphQLRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		s.t.Errorf("request body: %v", err)
	}
	req.Path, req.Auth = r.URL.Path, r.Header.Get("Authorization")
	s.mu.Lock()
	s.got = append(s.got, req)
	if len(s.answers) == 0 {
		s.mu.Unlock()
		s.t.Errorf("unexpected request %+v", req)
		w.WriteHeader(500)
		return
	}
	a := s.answers[0]
	s.answers = s.answers[1:]
	s.mu.Unlock()
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-RateLimit-Limit", "5000")
	h.Set("X-RateLimit-Remaining", "4990")
	h.Set("X-RateLimit-Reset", strconv.FormatInt(resetAt.Unix(), 10))
	h.Set("X-RateLimit-Resource", "graphql")
	w.WriteHeader(a.status)
	io.WriteString(w, a.body)
}

var resetAt = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// setupGraphQL returns a GraphQL client on a full client stack pointed at
// a fake answering answers in order, under the REST root path.
func setupGraphQL(t *testing.T, root string, readOnly bool, answers ...graphQLReply) (*GraphQL, *graphQLServer, *ratelimit.Limiter) {
	t.Helper()
	fake := &graphQLServer{t: t, answers: answers}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	api, err := ParseAPIURL(srv.URL + root)
	if err != nil {
		t.Fatal(err)
	}
	lim := ratelimit.New(ratelimit.Config{MaxRetries: 1, RetryInitial: time.Millisecond, RetryMax: time.Millisecond, WriteSpacing: -1}, nil, nil)
	rest, err := NewClient(Options{Token: testToken, APIURL: api, UserAgent: "ghmcp-test", Limiter: lim, ReadOnly: readOnly})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if len(fake.answers) > 0 {
			t.Errorf("%d scripted answers unused", len(fake.answers))
		}
	})
	return NewGraphQL(rest, lim), fake, lim
}

const rateLimitJSON = `"rateLimit":{"cost":1,"limit":5000,"remaining":4990,"resetAt":"2030-01-02T03:04:05Z"}`

func TestGraphQLQuery(t *testing.T) {
	c, fake, lim := setupGraphQL(t, "/api/v3/", false, graphQLReply{200, `{"data":{"repository":{"pullRequest":{"id":"PR_1","isDraft":true}},` + rateLimitJSON + `}}`})
	var out struct {
		Repository struct {
			PullRequest struct {
				ID      string `json:"id"`
				IsDraft bool   `json:"isDraft"`
			} `json:"pullRequest"`
		} `json:"repository"`
	}
	const q = `query($owner: String!, $name: String!, $number: Int!) {
  # a comment with the word mutation { in it
  repository(owner: $owner, name: $name) { pullRequest(number: $number) { id isDraft } }
}`
	vars := map[string]any{"owner": "octo", "name": "hello", "number": 7}
	if err := c.Query(context.Background(), q, vars, &out); err != nil {
		t.Fatal(err)
	}
	if out.Repository.PullRequest.ID != "PR_1" || !out.Repository.PullRequest.IsDraft {
		t.Errorf("decoded %+v", out)
	}
	got := fake.got[0]
	if got.Path != "/api/graphql" || got.Auth != "Bearer "+testToken {
		t.Errorf("sent to %s with %q, want /api/graphql with the token", got.Path, got.Auth)
	}
	if !strings.HasSuffix(got.Query, "isDraft } }\n rateLimit { cost limit remaining resetAt } }") {
		t.Errorf("the query does not ask for rateLimit at its top level:\n%s", got.Query)
	}
	if diff := cmp.Diff(map[string]any{"owner": "octo", "name": "hello", "number": float64(7)}, got.Variables); diff != "" {
		t.Errorf("variables (-want +got):\n%s", diff)
	}
	want := ratelimit.GraphQLUsage{Queries: 1, PointsSpent: 1, LastCost: 1, Limit: 5000, Remaining: 4990, ResetAt: resetAt}
	if diff := cmp.Diff(want, lim.GraphQL(), cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("the limiter's GraphQL usage (-want +got):\n%s", diff)
	}
	var found bool
	for _, b := range lim.Budgets() {
		found = found || (b.Resource == "graphql" && b.Remaining == 4990)
	}
	if !found {
		t.Errorf("the limiter's budgets %+v lack graphql's", lim.Budgets())
	}
}

func TestGraphQLQueryKeepsARateLimitAskedFor(t *testing.T) {
	c, fake, _ := setupGraphQL(t, "/", false, graphQLReply{200, `{"data":{` + rateLimitJSON + `}}`})
	const q = `{ rateLimit { cost remaining resetAt } }`
	if err := c.Query(context.Background(), q, nil, nil); err != nil {
		t.Fatal(err)
	}
	if fake.got[0].Query != q || fake.got[0].Path != "/graphql" {
		t.Errorf("sent %q to %s, want the document unchanged to /graphql", fake.got[0].Query, fake.got[0].Path)
	}
}

func TestGraphQLQueryRefusesAMutation(t *testing.T) {
	c, _, _ := setupGraphQL(t, "/", false)
	for _, doc := range []string{
		`mutation($id: ID!) { markPullRequestReadyForReview(input: {pullRequestId: $id}) { clientMutationId } }`,
		`query A { viewer { login } } mutation B { x }`,
		`subscription { x }`,
	} {
		if err := c.Query(context.Background(), doc, nil, nil); !errors.Is(err, ErrMutationInQuery) {
			t.Errorf("Query(%q) = %v, want ErrMutationInQuery", doc, err)
		}
	}
	if err := c.Query(context.Background(), `{ viewer { login }`, nil, nil); err == nil || !strings.Contains(err.Error(), "unbalanced") {
		t.Errorf("an unbalanced document: %v", err)
	}
}

func TestGraphQLReadOnly(t *testing.T) {
	c, fake, _ := setupGraphQL(t, "/", true, graphQLReply{200, `{"data":{"viewer":{"login":"octocat"},` + rateLimitJSON + `}}`})
	if err := c.Query(context.Background(), `{ viewer { login } }`, nil, nil); err != nil {
		t.Errorf("a query in read-only mode: %v", err)
	}
	err := c.Mutation(context.Background(), `mutation { resolveReviewThread(input: {threadId: "T"}) { thread { id } } }`, nil, nil)
	if !errors.Is(err, ErrReadOnly) {
		t.Errorf("a mutation in read-only mode: %v, want ErrReadOnly", err)
	}
	if len(fake.got) != 1 {
		t.Errorf("GitHub saw %d requests, want the query only", len(fake.got))
	}
}

func TestGraphQLMutationIsNotRetried(t *testing.T) {
	c, fake, lim := setupGraphQL(t, "/", false, graphQLReply{502, `{"message":"Server Error"}`})
	err := c.Mutation(context.Background(), `mutation($id: ID!) { convertPullRequestToDraft(input: {pullRequestId: $id}) { pullRequest { isDraft } } }`, map[string]any{"id": "PR_1"}, nil)
	var er *gh.ErrorResponse
	if !errors.As(err, &er) || er.Response.StatusCode != 502 {
		t.Errorf("error %v (%T), want go-github's ErrorResponse for the 502", err, err)
	}
	if len(fake.got) != 1 {
		t.Errorf("GitHub saw %d requests, want 1: a mutation is never retried", len(fake.got))
	}
	if strings.Contains(fake.got[0].Query, "rateLimit") {
		t.Errorf("rateLimit added to a mutation: %s", fake.got[0].Query)
	}
	if g := lim.GraphQL(); g.Mutations != 0 {
		t.Errorf("a failed mutation was observed: %+v", g)
	}
}

func TestGraphQLQueryIsRetried(t *testing.T) {
	c, fake, _ := setupGraphQL(t, "/", false, graphQLReply{502, `{"message":"Server Error"}`}, graphQLReply{200, `{"data":{` + rateLimitJSON + `}}`})
	if err := c.Query(context.Background(), `{ viewer { login } }`, nil, nil); err != nil {
		t.Fatal(err)
	}
	if len(fake.got) != 2 || fake.got[0].Query != fake.got[1].Query {
		t.Errorf("GitHub saw %+v, want the same query twice", fake.got)
	}
}

func TestGraphQLErrors(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		is      error
		message string
	}{
		{
			name:    "a missing pull request is NOT_FOUND, in GitHub's words",
			body:    `{"data":{"repository":{"pullRequest":null}},"errors":[{"type":"NOT_FOUND","path":["repository","pullRequest"],"locations":[{"line":1,"column":2}],"message":"Could not resolve to a PullRequest with the number of 99."}]}`,
			is:      ErrGraphQLNotFound,
			message: "GitHub GraphQL: NOT_FOUND: Could not resolve to a PullRequest with the number of 99.",
		},
		{
			name:    "a refused mutation is FORBIDDEN",
			body:    `{"data":{"resolveReviewThread":null},"errors":[{"type":"FORBIDDEN","path":["resolveReviewThread"],"message":"octocat does not have permission to resolve review threads."}]}`,
			is:      ErrGraphQLForbidden,
			message: "GitHub GraphQL: FORBIDDEN: octocat does not have permission to resolve review threads.",
		},
		{
			name:    "a spent budget is RATE_LIMITED",
			body:    `{"errors":[{"type":"RATE_LIMITED","message":"API rate limit exceeded for user ID 1."}]}`,
			is:      ErrGraphQLRateLimited,
			message: "GitHub GraphQL: RATE_LIMITED: API rate limit exceeded for user ID 1.",
		},
		{
			name:    "a query GitHub cannot parse has no type",
			body:    `{"errors":[{"message":"Parse error on \"}\" (RCURLY) at [1, 3]","locations":[{"line":1,"column":3}]}]}`,
			message: `GitHub GraphQL: Parse error on "}" (RCURLY) at [1, 3]`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, _ := setupGraphQL(t, "/", false, graphQLReply{200, tt.body})
			err := c.Query(context.Background(), `{ viewer { login } }`, nil, nil)
			var ge *GraphQLErrors
			if !errors.As(err, &ge) {
				t.Fatalf("error %v (%T), want *GraphQLErrors", err, err)
			}
			if err.Error() != tt.message {
				t.Errorf("message %q, want %q", err.Error(), tt.message)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
			if tt.is != ErrGraphQLNotFound && errors.Is(err, ErrGraphQLNotFound) {
				t.Errorf("errors.Is(%v, ErrGraphQLNotFound) = true", err)
			}
			if !ge.RetryAt.Equal(resetAt) {
				t.Errorf("RetryAt %v, want the reset of the headers %v", ge.RetryAt, resetAt)
			}
		})
	}
}

func TestGraphQLHTTPErrors(t *testing.T) {
	c, _, _ := setupGraphQL(t, "/", false, graphQLReply{401, `{"message":"Bad credentials","documentation_url":"https://docs.github.com/graphql"}`})
	err := c.Query(context.Background(), `{ viewer { login } }`, nil, nil)
	var er *gh.ErrorResponse
	if !errors.As(err, &er) || er.Message != "Bad credentials" {
		t.Errorf("error %v (%T), want go-github's ErrorResponse with GitHub's message", err, err)
	}
}

func TestGraphQLPartialData(t *testing.T) {
	c, _, _ := setupGraphQL(t, "/", false, graphQLReply{200, `{"data":{"a":{"login":"octocat"},"b":null},"errors":[{"type":"NOT_FOUND","path":["b"],"message":"Could not resolve to a User with the login of 'ghost'."}]}`})
	var out struct {
		A *struct{ Login string } `json:"a"`
		B *struct{ Login string } `json:"b"`
	}
	err := c.Query(context.Background(), `{ a: user(login: "octocat") { login } b: user(login: "ghost") { login } }`, nil, &out)
	if !errors.Is(err, ErrGraphQLNotFound) {
		t.Errorf("error %v, want NOT_FOUND", err)
	}
	if out.A == nil || out.A.Login != "octocat" || out.B != nil {
		t.Errorf("partial data %+v, want a decoded and b nil", out)
	}
}

func TestParseOperations(t *testing.T) {
	tests := []struct {
		doc      string
		mutation bool
	}{
		{`{ viewer { login } }`, false},
		{`query Q($a: In = {x: 1}) { viewer { login } }`, false},
		{`fragment F on User { login } query { viewer { ...F } }`, false},
		{`query { a(s: "mutation {") }`, false},
		{`query { a(s: """ } """) }`, false},
		{`mutation { x }`, true},
	}
	for _, tt := range tests {
		// rateLimit goes before the query's last brace; a mutation has none.
		insertAt := strings.LastIndex(tt.doc, "}")
		if tt.mutation {
			insertAt = 0
		}
		ops, err := parseOperations(tt.doc)
		if err != nil {
			t.Errorf("parseOperations(%q): %v", tt.doc, err)
			continue
		}
		if ops.mutation != tt.mutation || ops.insertAt != insertAt {
			t.Errorf("parseOperations(%q) = %+v, want mutation %v, insertAt %d", tt.doc, ops, tt.mutation, insertAt)
		}
	}
}
