package github

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/ratelimit"
)

// GraphQL is a client for GitHub's GraphQL API, for what REST cannot do
// (ready for review, convert to draft, review threads). It sends through
// the REST client's own http.Client, so every request passes the same
// stack (see NewClient): the guards, the limiter, auth. The limiter tells
// a query from a mutation by the mark GraphQLQuery puts on the context:
// a query is a read (1 point of GraphQL's budget, retried when safe,
// allowed in read-only mode), a mutation a write (5 points, one write at a
// time, spaced, never retried once sent).
//
// It is safe for concurrent use.
type GraphQL struct {
	hc        *http.Client
	endpoint  string
	userAgent string
	limiter   *ratelimit.Limiter
}

// NewGraphQL returns a GraphQL client on rest's transport, at the endpoint
// GraphQLURL derives from rest's BaseURL. lim, if not nil, receives the
// rateLimit object of every answer (ratelimit.Limiter.ObserveGraphQL); it
// should be the limiter in rest's stack.
func NewGraphQL(rest *gh.Client, lim *ratelimit.Limiter) *GraphQL {
	return &GraphQL{
		hc:        rest.Client(),
		endpoint:  GraphQLURL(rest.BaseURL).String(),
		userAgent: rest.UserAgent,
		limiter:   lim,
	}
}

// GraphQLURL returns the GraphQL endpoint beside a REST API root:
// https://api.github.com/ → https://api.github.com/graphql, and GitHub
// Enterprise Server's https://HOST/api/v3/ → https://HOST/api/graphql.
// Any other root (a local fake) gets graphql appended to its path.
func GraphQLURL(api *url.URL) *url.URL {
	u := *api
	u.RawPath = ""
	p := strings.TrimSuffix(u.Path, "/")
	if strings.HasSuffix(p, "/api/v3") {
		p = strings.TrimSuffix(p, "/v3")
	}
	u.Path = p + "/graphql"
	return &u
}

// Endpoint returns the URL requests are sent to.
func (c *GraphQL) Endpoint() string { return c.endpoint }

// ErrMutationInQuery is returned by Query for a document holding a
// mutation or subscription: those must go through Mutation, which the
// limiter and the read-only guard treat as writes.
var ErrMutationInQuery = errors.New("graphql: the document holds a mutation; send it with Mutation")

// maxGraphQLBody bounds a GraphQL answer read into memory.
const maxGraphQLBody = 32 << 20

// rateLimitSelection is what Query adds to a document that does not ask
// for rateLimit itself.
const rateLimitSelection = "rateLimit { cost limit remaining resetAt }"

// Query sends a GraphQL query and decodes its data into out (a pointer, or
// nil). The client adds rateLimit to the document's first operation unless
// it asks for it already, and feeds it to the limiter. Variables are the
// way to pass arguments: never format them into the document.
//
// GitHub answers errors in a 200 with an errors list: they come back as a
// *GraphQLErrors, with out holding whatever data came along. An HTTP
// error comes back as go-github's *ErrorResponse (or its rate-limit
// types), as for REST.
func (c *GraphQL) Query(ctx context.Context, query string, vars map[string]any, out any) error {
	doc, err := parseOperations(query)
	if err != nil {
		return err
	}
	if doc.mutation {
		return ErrMutationInQuery
	}
	if !strings.Contains(query, "rateLimit") && doc.insertAt > 0 {
		query = query[:doc.insertAt] + " " + rateLimitSelection + " " + query[doc.insertAt:]
	}
	return c.do(ratelimit.GraphQLQuery(ctx), false, query, vars, out)
}

// Mutation sends a GraphQL mutation and decodes its data into out, like
// Query. GitHub's Mutation type has no rateLimit field: the limiter
// learns GraphQL's budget from the answer's headers.
func (c *GraphQL) Mutation(ctx context.Context, mutation string, vars map[string]any, out any) error {
	if _, err := parseOperations(mutation); err != nil {
		return err
	}
	return c.do(ctx, true, mutation, vars, out)
}

// graphQLAnswer is the envelope of every GraphQL answer.
type graphQLAnswer struct {
	Data   json.RawMessage `json:"data"`
	Errors []GraphQLError  `json:"errors"`
}

func (c *GraphQL) do(ctx context.Context, mutation bool, query string, vars map[string]any, out any) error {
	payload := map[string]any{"query": query}
	if len(vars) > 0 {
		payload["variables"] = vars
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return fmt.Errorf("graphql: encoding the variables: %w", err)
	}
	// bytes.Reader: GetBody is set, so a query can be retried.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("graphql: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := gh.CheckResponse(resp); err != nil {
		// Same types as REST: *ErrorResponse, *RateLimitError, ...
		return err
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxGraphQLBody+1))
	if err != nil {
		return fmt.Errorf("graphql: reading the answer: %w", err)
	}
	if len(raw) > maxGraphQLBody {
		return fmt.Errorf("graphql: the answer is larger than %d MiB; ask for fewer nodes", maxGraphQLBody>>20)
	}
	var ans graphQLAnswer
	if err := json.Unmarshal(raw, &ans); err != nil {
		return fmt.Errorf("graphql: the answer is not GraphQL's JSON: %w", err)
	}
	c.observe(resp.Header, ans.Data, mutation)
	if out != nil && len(ans.Data) > 0 && string(ans.Data) != "null" {
		if err := json.Unmarshal(ans.Data, out); err != nil {
			return fmt.Errorf("graphql: decoding the data: %w", err)
		}
	}
	if len(ans.Errors) > 0 {
		return &GraphQLErrors{Errors: ans.Errors, RetryAt: resetFrom(resp.Header)}
	}
	return nil
}

// observe feeds what an answer says of GraphQL's budget to the limiter:
// the data's rateLimit object for a query, the headers for a mutation.
func (c *GraphQL) observe(h http.Header, data json.RawMessage, mutation bool) {
	if c.limiter == nil {
		return
	}
	var rl struct {
		RateLimit *ratelimit.GraphQLCost `json:"rateLimit"`
	}
	if !mutation && json.Unmarshal(data, &rl) == nil && rl.RateLimit != nil {
		c.limiter.ObserveGraphQL(*rl.RateLimit, false)
		return
	}
	cost := ratelimit.GraphQLCost{ResetAt: resetFrom(h)}
	cost.Limit, _ = strconv.Atoi(h.Get("X-Ratelimit-Limit"))
	cost.Remaining, _ = strconv.Atoi(h.Get("X-Ratelimit-Remaining"))
	c.limiter.ObserveGraphQL(cost, mutation)
}

func resetFrom(h http.Header) time.Time {
	secs, err := strconv.ParseInt(h.Get("X-Ratelimit-Reset"), 10, 64)
	if err != nil {
		return time.Time{}
	}
	return time.Unix(secs, 0)
}

// GraphQL error types GitHub puts in an error's "type".
const (
	GraphQLNotFound      = "NOT_FOUND"
	GraphQLForbidden     = "FORBIDDEN"
	GraphQLRateLimited   = "RATE_LIMITED"
	GraphQLUnprocessable = "UNPROCESSABLE"
)

// GraphQLError is one entry of a GraphQL answer's errors list, in
// GitHub's words.
type GraphQLError struct {
	// Type is GitHub's classification: NOT_FOUND, FORBIDDEN, RATE_LIMITED,
	// UNPROCESSABLE, ...; empty for a query GitHub could not parse or
	// validate.
	Type    string `json:"type,omitempty"`
	Message string `json:"message"`
	// Path names the field that failed, e.g. ["repository",
	// "pullRequest"].
	Path []any `json:"path,omitempty"`
}

// GraphQLErrors is a GraphQL answer's errors list, returned as an error.
// Branch on it with errors.As and Has, or errors.Is with the Err* values
// below.
type GraphQLErrors struct {
	Errors []GraphQLError
	// RetryAt is when GraphQL's primary budget resets, from the answer's
	// headers; zero if they had none.
	RetryAt time.Time
}

// Error joins GitHub's messages, each after its type.
func (e *GraphQLErrors) Error() string {
	msgs := make([]string, 0, len(e.Errors))
	for _, ge := range e.Errors {
		m := ge.Message
		if ge.Type != "" {
			m = ge.Type + ": " + m
		}
		msgs = append(msgs, m)
	}
	return "GitHub GraphQL: " + strings.Join(msgs, "; ")
}

// Has reports whether an error of type typ is in the list.
func (e *GraphQLErrors) Has(typ string) bool {
	for _, ge := range e.Errors {
		if ge.Type == typ {
			return true
		}
	}
	return false
}

// Is matches ErrGraphQLNotFound, ErrGraphQLForbidden and
// ErrGraphQLRateLimited by the types in the list.
func (e *GraphQLErrors) Is(target error) bool {
	var t graphQLType
	if !errors.As(target, &t) {
		return false
	}
	return e.Has(string(t))
}

// graphQLType is an error type as a sentinel error.
type graphQLType string

func (t graphQLType) Error() string { return "GitHub GraphQL error of type " + string(t) }

// Sentinels for errors.Is on a *GraphQLErrors.
var (
	ErrGraphQLNotFound    error = graphQLType(GraphQLNotFound)
	ErrGraphQLForbidden   error = graphQLType(GraphQLForbidden)
	ErrGraphQLRateLimited error = graphQLType(GraphQLRateLimited)
)

// operations is what Query and Mutation need to know of a document.
type operations struct {
	// mutation: some operation is a mutation or a subscription.
	mutation bool
	// insertAt is the offset of the closing brace of the first query's
	// selection set; 0 when there is none.
	insertAt int
}

// parseOperations scans a document's top level: the keyword of each
// definition and the extent of its selection set. Strings, block strings
// and comments are skipped, so a "mutation" inside them is not one.
func parseOperations(doc string) (operations, error) {
	var ops operations
	depth, parens := 0, 0
	keyword := "" // of the definition being read, "" for shorthand
	sawKeyword := false
	target := false // the selection set being read is the first query's
	for i := 0; i < len(doc); i++ {
		ch := doc[i]
		switch {
		case ch == '#':
			for i < len(doc) && doc[i] != '\n' {
				i++
			}
		case strings.HasPrefix(doc[i:], `"""`):
			end := strings.Index(doc[i+3:], `"""`)
			if end < 0 {
				return ops, errors.New("graphql: unterminated block string in the document")
			}
			i += 3 + end + 2
		case ch == '"':
			j := i + 1
			for ; j < len(doc) && doc[j] != '"'; j++ {
				if doc[j] == '\\' {
					j++
				}
			}
			if j >= len(doc) {
				return ops, errors.New("graphql: unterminated string in the document")
			}
			i = j
		case ch == '(':
			parens++
		case ch == ')':
			parens--
		case ch == '{' && parens == 0:
			if depth == 0 {
				if !sawKeyword {
					keyword = "query"
				}
				target = (keyword == "query") && ops.insertAt == 0
			}
			depth++
		case ch == '}' && parens == 0:
			depth--
			if depth < 0 {
				return ops, errors.New("graphql: unbalanced braces in the document")
			}
			if depth == 0 {
				if target {
					ops.insertAt = i
					target = false
				}
				keyword, sawKeyword = "", false
			}
		case depth == 0 && parens == 0 && isNameStart(ch) && !sawKeyword:
			j := i
			for j < len(doc) && isNameChar(doc[j]) {
				j++
			}
			keyword, sawKeyword = doc[i:j], true
			if keyword == "mutation" || keyword == "subscription" {
				ops.mutation = true
			}
			i = j - 1
		}
	}
	if depth != 0 || parens != 0 {
		return ops, errors.New("graphql: unbalanced braces or parentheses in the document")
	}
	return ops, nil
}

func isNameStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isNameChar(c byte) bool { return isNameStart(c) || (c >= '0' && c <= '9') }
