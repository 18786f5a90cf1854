package tools

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ghmcp/ghmcp/github"
	"github.com/ghmcp/ghmcp/internal/hostilegithub"
	"github.com/ghmcp/ghmcp/internal/toolkit"
	"github.com/ghmcp/ghmcp/ratelimit"
)

// hostileDeps returns the tools' dependencies pointed at h.
func hostileDeps(t *testing.T, h *hostilegithub.Server) toolkit.Deps {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL + "/")
	cfg := ratelimit.DefaultConfig()
	cfg.WriteSpacing = -1
	cfg.RetryInitial, cfg.RetryMax = time.Millisecond, 5*time.Millisecond
	limiter := ratelimit.New(cfg, nil, nil)
	client, err := github.NewClient(github.Options{Token: testToken, APIURL: u, UserAgent: "ghmcp/test", Limiter: limiter})
	if err != nil {
		t.Fatal(err)
	}
	return toolkit.Deps{GitHub: client, GraphQL: github.NewGraphQL(client, limiter)}
}

// A 2xx answer that lacks what the result needs is an error, through the
// real handlers: a write is not reported as done (and the model is told it
// may have been applied), a read may be retried.
func TestSuccessWithoutTheObjectIsAnError(t *testing.T) {
	const (
		unconfirmed = "the change may have been applied: read the current state before trying again"
		unusable    = "the call may be retried once"
	)
	for _, tt := range []struct {
		name, route, body, tool, args string
		want                          []string
	}{
		{"create_issue answered {}", "POST /repos/octo/hello/issues", `{}`, "create_issue", `{"owner":"octo","repo":"hello","title":"t"}`,
			[]string{"create_issue: GitHub answered with success but without the number", unconfirmed}},
		{"create_issue answered null", "POST /repos/octo/hello/issues", `null`, "create_issue", `{"owner":"octo","repo":"hello","title":"t"}`,
			[]string{"without the number", unconfirmed}},
		{"create_issue answered nothing", "POST /repos/octo/hello/issues", ``, "create_issue", `{"owner":"octo","repo":"hello","title":"t"}`,
			[]string{"without the number", unconfirmed}},
		{"create_issue answered wrong types", "POST /repos/octo/hello/issues", `{"number":"seven","html_url":7}`, "create_issue", `{"owner":"octo","repo":"hello","title":"t"}`,
			[]string{"GitHub sent an answer ghmcp cannot use", unconfirmed}},
		{"add_issue_comment answered {}", "POST /repos/octo/hello/issues/3/comments", `{}`, "add_issue_comment", `{"owner":"octo","repo":"hello","number":3,"body":"hi"}`,
			[]string{"without the id", unconfirmed}},
		{"add_issue_comment answered null", "POST /repos/octo/hello/issues/3/comments", `null`, "add_issue_comment", `{"owner":"octo","repo":"hello","number":3,"body":"hi"}`,
			[]string{"without the id", unconfirmed}},
		{"merge_pull_request answered {}", "PUT /repos/octo/hello/pulls/7/merge", `{}`, "merge_pull_request", `{"owner":"octo","repo":"hello","number":7}`,
			[]string{"without the sha", unconfirmed}},
		{"merge_pull_request answered null", "PUT /repos/octo/hello/pulls/7/merge", `null`, "merge_pull_request", `{"owner":"octo","repo":"hello","number":7}`,
			[]string{"without the sha", unconfirmed}},
		{"get_issue answered {}", "GET /repos/octo/hello/issues/3", `{}`, "get_issue", `{"owner":"octo","repo":"hello","number":3}`,
			[]string{"get_issue: GitHub sent an answer ghmcp cannot use (it has no number)", unusable}},
		{"get_issue answered null", "GET /repos/octo/hello/issues/3", `null`, "get_issue", `{"owner":"octo","repo":"hello","number":3}`,
			[]string{"GitHub sent an answer ghmcp cannot use", unusable}},
		{"get_issue answered wrong types", "GET /repos/octo/hello/issues/3", `{"number":[1]}`, "get_issue", `{"owner":"octo","repo":"hello","number":3}`,
			[]string{"GitHub sent an answer ghmcp cannot use", unusable}},
		{"list_issues answered items without numbers", "GET /repos/octo/hello/issues", `[{}]`, "list_issues", `{"owner":"octo","repo":"hello"}`,
			[]string{"GitHub sent an answer ghmcp cannot use (it has no number)", unusable}},
		{"list_issues answered a null item", "GET /repos/octo/hello/issues", `[null]`, "list_issues", `{"owner":"octo","repo":"hello"}`,
			[]string{"GitHub's answer lacked a value ghmcp needs", unusable}},
		{"get_pull_request answered null", "GET /repos/octo/hello/pulls/7", `null`, "get_pull_request", `{"owner":"octo","repo":"hello","number":7}`,
			[]string{"GitHub sent an answer ghmcp cannot use", unusable}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := hostilegithub.New(nil)
			h.Handle(tt.route, hostilegithub.Empty(200, tt.body))
			res := call(t, hostileDeps(t, h), tt.tool, tt.args)
			wantErrorText(t, res, tt.want...)
			if text := resultText(t, res); strings.Contains(text, "internal error") {
				t.Errorf("error %q reads like a crash of ghmcp", text)
			}
		})
	}
}
