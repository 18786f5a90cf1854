package ratelimit

import (
	"net/http"
	"strings"
)

// GitHub's primary rate-limit resources (the X-RateLimit-Resource header).
const (
	ResourceCore       = "core"
	ResourceSearch     = "search"
	ResourceCodeSearch = "code_search"
	ResourceGraphQL    = "graphql"
)

// ResourceFor returns the primary rate-limit resource a request to path is
// counted against. GitHub Enterprise Server prefixes every path with
// /api/v3, so that prefix is ignored.
func ResourceFor(path string) string {
	path = strings.TrimPrefix(path, "/api/v3")
	switch {
	case path == "/graphql" || path == "/api/graphql":
		return ResourceGraphQL
	case strings.HasPrefix(path, "/search/code"):
		return ResourceCodeSearch
	case strings.HasPrefix(path, "/search/"):
		return ResourceSearch
	default:
		return ResourceCore
	}
}

// IsWrite reports whether method may change state on GitHub. Only GET, HEAD
// and OPTIONS are safe to repeat.
func IsWrite(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, "":
		return false
	}
	return true
}
