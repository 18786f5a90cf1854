package tools

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGetRateLimit(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/rate_limit", 200, readTestdata(t, "rate_limit.json"), nil)
	res := call(t, f.deps(testToken), "get_rate_limit", `{}`)
	if res.IsError {
		t.Fatalf("unexpected error: %s", resultText(t, res))
	}
	var got RateLimitStatus
	if err := json.Unmarshal([]byte(resultText(t, res)), &got); err != nil {
		t.Fatal(err)
	}
	want := RateLimitStatus{
		GitHub: []RateBudget{
			{Resource: "core", Limit: 5000, Remaining: 4999, Reset: "2023-08-09T14:29:23Z"},
			{Resource: "search", Limit: 30, Remaining: 18, Reset: "2023-08-09T14:24:51Z"},
			{Resource: "code_search", Limit: 10, Remaining: 10, Reset: "2023-08-09T14:24:51Z"},
			{Resource: "graphql", Limit: 5000, Remaining: 4993, Reset: "2023-08-09T15:00:28Z"},
			// Other resources only when some of their budget is spent.
			{Resource: "integration_manifest", Limit: 5000, Remaining: 4999, Reset: "2023-08-09T15:23:51Z"},
			{Resource: "source_import", Limit: 100, Remaining: 99, Reset: "2023-08-09T14:24:51Z"},
			{Resource: "code_scanning_upload", Limit: 500, Remaining: 499, Reset: "2023-08-09T15:23:51Z"},
		},
		Ghmcp: GhmcpRateInfo{
			Store: "memory", StoreHealthy: true, MaxConcurrent: 8,
			PointsLimit: 900, GraphQLPointsLimit: 2000, ContentPerMin: 80, ContentPerHour: 500,
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

func TestGetRateLimitErrors(t *testing.T) {
	t.Run("when GitHub fails, ghmcp's own state is still shown", func(t *testing.T) {
		f := newFakeGitHub(t)
		f.on("GET", "/rate_limit", 401, `{"message":"Bad credentials"}`, nil)
		res := call(t, f.deps(testToken), "get_rate_limit", `{}`)
		text := resultText(t, res)
		if res.IsError || !strings.Contains(text, `"github_error":"ask GitHub: GitHub rejected the token`) || !strings.Contains(text, `"store":"memory"`) {
			t.Errorf("got %s (error %v)", text, res.IsError)
		}
	})
	t.Run("without a token it says which variable to set", func(t *testing.T) {
		f := newFakeGitHub(t)
		res := call(t, f.deps(""), "get_rate_limit", `{}`)
		if text := resultText(t, res); !res.IsError || !strings.Contains(text, "GITHUB_PERSONAL_ACCESS_TOKEN") {
			t.Errorf("got %s (error %v)", text, res.IsError)
		}
	})
	t.Run("arguments are refused", func(t *testing.T) {
		f := newFakeGitHub(t)
		res := call(t, f.deps(testToken), "get_rate_limit", `{"resource":"core"}`)
		if text := resultText(t, res); !res.IsError || !strings.Contains(text, "resource") {
			t.Errorf("got %s (error %v)", text, res.IsError)
		}
	})
}

func TestGetRateLimitShowsGraphQL(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("POST", "/graphql", 200, `{"data":{"repository":{"pullRequest":{"reviewThreads":{"pageInfo":{"hasNextPage":false},"nodes":[]}}},"rateLimit":{"cost":1,"limit":5000,"remaining":4990,"resetAt":"2026-01-02T04:00:00Z"}}}`, nil)
	f.on("GET", "/rate_limit", 200, readTestdata(t, "rate_limit.json"), nil)
	d := f.deps(testToken)
	structured(t, d, "list_review_threads", `{"owner":"octo","repo":"hello","number":1}`, &ReviewThreadList{})
	var got RateLimitStatus
	structured(t, d, "get_rate_limit", `{}`, &got)
	want := &GraphQLSpent{Queries: 1, PointsSpent: 1, LastCost: 1, Remaining: 4990, Limit: 5000, ResetAt: "2026-01-02T04:00:00Z"}
	if diff := cmp.Diff(want, got.Ghmcp.GraphQL); diff != "" {
		t.Errorf("graphql (-want +got):\n%s", diff)
	}
	if got.Ghmcp.GraphQLPointsUsed != 1 || got.Ghmcp.GraphQLPointsLimit != 2000 {
		t.Errorf("graphql points = %d of %d, want 1 of 2000", got.Ghmcp.GraphQLPointsUsed, got.Ghmcp.GraphQLPointsLimit)
	}
}
