package ratelimit_test

import (
	"net/http"
	"testing"

	"github.com/ghmcp/ghmcp/ratelimit"
)

func TestResourceFor(t *testing.T) {
	tests := []struct {
		name string
		path string
		want string
	}{
		{"a repository is core", "/repos/octo/hello", ratelimit.ResourceCore},
		{"creating an issue is core", "/repos/octo/hello/issues", ratelimit.ResourceCore},
		{"the root is core", "/", ratelimit.ResourceCore},
		{"the empty path is core", "", ratelimit.ResourceCore},
		{"issue search is search", "/search/issues", ratelimit.ResourceSearch},
		{"repository search is search", "/search/repositories", ratelimit.ResourceSearch},
		{"commit search is search, not code_search", "/search/commits", ratelimit.ResourceSearch},
		{"code search has its own budget", "/search/code", ratelimit.ResourceCodeSearch},
		{"graphql on github.com", "/graphql", ratelimit.ResourceGraphQL},
		{"graphql on GHES", "/api/graphql", ratelimit.ResourceGraphQL},
		{"GHES core", "/api/v3/repos/octo/hello", ratelimit.ResourceCore},
		{"GHES search", "/api/v3/search/issues", ratelimit.ResourceSearch},
		{"GHES code search", "/api/v3/search/code", ratelimit.ResourceCodeSearch},
		{"a repository named search is core", "/repos/octo/search", ratelimit.ResourceCore},
		{"a repository named search with a search-like subpath is core", "/repos/search/search/issues", ratelimit.ResourceCore},
		{"a user named search is core", "/users/search", ratelimit.ResourceCore},
		{"GHES repository named search is core", "/api/v3/repos/search/code", ratelimit.ResourceCore},
		{"the bare /search path is core", "/search", ratelimit.ResourceCore},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ratelimit.ResourceFor(tt.path); got != tt.want {
				t.Errorf("ResourceFor(%q) = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
}

func TestIsWrite(t *testing.T) {
	tests := []struct {
		method string
		want   bool
	}{
		{http.MethodGet, false},
		{http.MethodHead, false},
		{http.MethodOptions, false},
		{"", false}, // net/http treats an empty method as GET
		{http.MethodPost, true},
		{http.MethodPut, true},
		{http.MethodPatch, true},
		{http.MethodDelete, true},
		{"get", true}, // methods are case-sensitive; unknown means unsafe
	}
	for _, tt := range tests {
		t.Run("method "+tt.method, func(t *testing.T) {
			if got := ratelimit.IsWrite(tt.method); got != tt.want {
				t.Errorf("IsWrite(%q) = %v, want %v", tt.method, got, tt.want)
			}
		})
	}
}
