package metrics

import (
	"net/http"

	"github.com/ghmcp/ghmcp/ratelimit"
)

// Transport returns a RoundTripper layer that counts each request it
// passes to next by rate-limit resource and status. Its place in the
// stack (github.NewClient) is directly above Base, below the limiter and
// auth: there it sees every attempt GitHub really received, retries
// included, and GitHub's real 304s, not the 200s the cache makes of them.
func (m *Metrics) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return countingTransport{m: m, next: next}
}

type countingTransport struct {
	m    *Metrics
	next http.RoundTripper
}

func (t countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	status := 0
	if err == nil && resp != nil {
		status = resp.StatusCode
	}
	resource := ratelimit.ResourceFor(req.URL.Path)
	if resp != nil {
		// GitHub names the resource it counted the request against.
		if r := resp.Header.Get("X-Ratelimit-Resource"); knownResource(r) {
			resource = r
		}
	}
	t.m.GitHubRequest(resource, status)
	return resp, err
}

// knownResource keeps the label to GitHub's documented resources.
func knownResource(r string) bool {
	switch r {
	case "core", "search", "code_search", "graphql", "integration_manifest",
		"source_import", "code_scanning_upload", "actions_runner_registration", "scim",
		"dependency_snapshots", "audit_log", "audit_log_streaming", "code_scanning_autofix":
		return true
	}
	return false
}
