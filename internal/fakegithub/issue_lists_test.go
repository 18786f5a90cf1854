package fakegithub

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// seed creates issues in octocat/hello one hour apart, in order, each as
// {"title": ...} plus extra JSON fields.
func (h *harness) seed(issues ...string) {
	h.t.Helper()
	for _, body := range issues {
		if res := h.do("POST", "/repos/octocat/hello/issues", body); res.status != 201 {
			h.t.Fatalf("create %s: %d %s", body, res.status, res.body)
		}
		h.clock.Advance(time.Hour)
	}
}

// decodeList parses a JSON array of objects.
func decodeList(t *testing.T, b []byte) []map[string]any {
	t.Helper()
	var list []map[string]any
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, b)
	}
	return list
}

// numbers lists the "number" of each object.
func numbers(list []map[string]any) []int {
	out := []int{}
	for _, m := range list {
		out = append(out, int(m["number"].(float64)))
	}
	return out
}

// linkPages maps each rel of a Link header to its page parameter.
func linkPages(t *testing.T, link string) map[string]string {
	t.Helper()
	out := map[string]string{}
	if link == "" {
		return out
	}
	for _, part := range strings.Split(link, ",") {
		target, rel, ok := strings.Cut(strings.TrimSpace(part), ";")
		if !ok {
			t.Fatalf("bad Link part %q", part)
		}
		u, err := url.Parse(strings.Trim(target, "<>"))
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(rel), `rel="`), `"`)] = u.Query().Get("page")
	}
	return out
}

func TestListIssues(t *testing.T) {
	h := setup(t)
	h.seed(
		`{"title":"One","labels":["bug"]}`,
		`{"title":"Two","labels":["bug","p1"],"assignees":["hubot"]}`,
		`{"title":"Three"}`,
		`{"title":"Four","labels":["BUG"]}`,
	)
	h.do("PATCH", "/repos/octocat/hello/issues/3", `{"state":"closed"}`)
	h.clock.Advance(time.Hour)
	h.do("POST", "/repos/octocat/hello/issues/1/comments", `{"body":"bump"}`)

	tests := []struct {
		query     string
		want      []int
		wantLinks map[string]string
	}{
		{"", []int{4, 2, 1}, map[string]string{}},
		{"?state=all", []int{4, 3, 2, 1}, map[string]string{}},
		{"?state=closed", []int{3}, map[string]string{}},
		{"?labels=bug", []int{4, 2, 1}, map[string]string{}},
		{"?labels=bug,p1", []int{2}, map[string]string{}},
		{"?assignee=hubot", []int{2}, map[string]string{}},
		{"?assignee=none", []int{4, 1}, map[string]string{}},
		{"?assignee=*", []int{2}, map[string]string{}},
		{"?creator=octocat&state=all&direction=asc", []int{1, 2, 3, 4}, map[string]string{}},
		{"?sort=updated", []int{1, 4, 2}, map[string]string{}},
		{"?sort=comments", []int{1, 4, 2}, map[string]string{}},
		{"?state=all&since=2026-03-04T08:06:07Z", []int{4, 3, 1}, map[string]string{}},
		{"?state=all&per_page=1", []int{4}, map[string]string{"next": "2", "last": "4"}},
		{"?state=all&per_page=1&page=2", []int{3}, map[string]string{"prev": "1", "next": "3", "last": "4", "first": "1"}},
		{"?state=all&per_page=3&page=2", []int{1}, map[string]string{"prev": "1", "first": "1"}},
		{"?state=all&per_page=3&page=9", []int{}, map[string]string{"prev": "2", "first": "1"}},
	}
	for _, tt := range tests {
		t.Run("GET issues"+tt.query, func(t *testing.T) {
			res := h.do("GET", "/repos/octocat/hello/issues"+tt.query, "")
			if res.status != 200 {
				t.Fatalf("status = %d\n%s", res.status, res.body)
			}
			if diff := cmp.Diff(tt.want, numbers(decodeList(t, res.body))); diff != "" {
				t.Errorf("numbers (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantLinks, linkPages(t, res.header.Get("Link"))); diff != "" {
				t.Errorf("Link pages (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("links point at the repository id and keep the filters", func(t *testing.T) {
		link := h.do("GET", "/repos/octocat/hello/issues?state=all&per_page=1", "").header.Get("Link")
		if !strings.HasPrefix(link, `<https://api.github.test/repositories/1/issues?page=2&per_page=1&state=all>; rel="next"`) {
			t.Errorf("Link = %s", link)
		}
	})
	t.Run("bad filters are a validation failure", func(t *testing.T) {
		res := h.do("GET", "/repos/octocat/hello/issues?state=merged&since=yesterday", "")
		if res.status != 422 {
			t.Fatalf("status = %d", res.status)
		}
		got := pick(decode(t, res.body), "errors.0.field", "errors.1.field", "message")
		want := map[string]any{"errors.0.field": "state", "errors.1.field": "since", "message": "Validation Failed"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("an unknown repository is 404", func(t *testing.T) {
		if res := h.do("GET", "/repos/octocat/nope/issues", ""); res.status != 404 {
			t.Errorf("status = %d", res.status)
		}
	})
}

func TestUpdateIssue(t *testing.T) {
	tests := []struct {
		name       string
		body       string
		wantStatus int
		want       map[string]any
		wantIssue  Issue
	}{
		{
			name:       "closing without a reason closes as completed, by the viewer",
			body:       `{"state":"closed"}`,
			wantStatus: 200,
			want: map[string]any{"state": "closed", "state_reason": "completed", "closed_at": "2026-03-04T06:06:07Z",
				"closed_by.login": "octocat", "updated_at": "2026-03-04T06:06:07Z", "created_at": "2026-03-04T05:06:07Z", "title": "Crash"},
			wantIssue: Issue{Number: 1, Title: "Crash", Body: "boom", State: "closed", StateReason: "completed", Labels: []string{"bug"}, Assignees: []string{"hubot"}, Milestone: 1},
		},
		{
			name:       "closing as not planned",
			body:       `{"state":"closed","state_reason":"not_planned"}`,
			wantStatus: 200,
			want:       map[string]any{"state": "closed", "state_reason": "not_planned"},
			wantIssue:  Issue{Number: 1, Title: "Crash", Body: "boom", State: "closed", StateReason: "not_planned", Labels: []string{"bug"}, Assignees: []string{"hubot"}, Milestone: 1},
		},
		{
			name:       "only the fields sent change; null removes the milestone",
			body:       `{"title":"Crash on start","labels":["p1"],"assignees":[],"milestone":null}`,
			wantStatus: 200,
			want: map[string]any{"title": "Crash on start", "body": "boom", "labels.0.name": "p1", "assignees": []any{},
				"milestone": nil, "state": "open", "state_reason": nil, "closed_at": nil},
			wantIssue: Issue{Number: 1, Title: "Crash on start", Body: "boom", State: "open", Labels: []string{"p1"}},
		},
		{
			name:       "an empty body clears it",
			body:       `{"body":""}`,
			wantStatus: 200,
			want:       map[string]any{"body": nil},
			wantIssue:  Issue{Number: 1, Title: "Crash", State: "open", Labels: []string{"bug"}, Assignees: []string{"hubot"}, Milestone: 1},
		},
		{
			name:       "reopened does not go with closed",
			body:       `{"state":"closed","state_reason":"reopened"}`,
			wantStatus: 422,
			want:       map[string]any{"errors.0.field": "state_reason", "errors.0.code": "invalid"},
			wantIssue:  Issue{Number: 1, Title: "Crash", Body: "boom", State: "open", Labels: []string{"bug"}, Assignees: []string{"hubot"}, Milestone: 1},
		},
		{
			name:       "every problem is reported and nothing changes",
			body:       `{"title":"","state":"done","assignees":["ghost"],"milestone":9}`,
			wantStatus: 422,
			want: map[string]any{"errors.0.field": "title", "errors.0.code": "missing_field", "errors.1.field": "state",
				"errors.2.field": "assignees", "errors.2.value": "ghost", "errors.3.field": "milestone"},
			wantIssue: Issue{Number: 1, Title: "Crash", Body: "boom", State: "open", Labels: []string{"bug"}, Assignees: []string{"hubot"}, Milestone: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			h.seed(`{"title":"Crash","body":"boom","labels":["bug"],"assignees":["hubot"],"milestone":1}`)
			res := h.do("PATCH", "/repos/octocat/hello/issues/1", tt.body)
			if res.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d\n%s", res.status, tt.wantStatus, res.body)
			}
			if diff := cmp.Diff(tt.want, pick(decode(t, res.body), keys(tt.want)...)); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]Issue{tt.wantIssue}, h.srv.Issues("octocat", "hello"), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Issues (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReopenIssue(t *testing.T) {
	h := setup(t)
	h.seed(`{"title":"Crash"}`)
	h.do("PATCH", "/repos/octocat/hello/issues/1", `{"state":"closed"}`)
	got := pick(decode(t, h.do("PATCH", "/repos/octocat/hello/issues/1", `{"state":"open"}`).body), "state", "state_reason", "closed_at", "closed_by")
	want := map[string]any{"state": "open", "state_reason": "reopened", "closed_at": nil, "closed_by": nil}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := pick(decode(t, h.do("GET", "/repos/octocat/hello", "").body), "open_issues_count")["open_issues_count"]; got != 1.0 {
		t.Errorf("open_issues_count = %v, want 1", got)
	}
}

func TestUpdateIssueRefusals(t *testing.T) {
	h := setup(t)
	h.seed(`{"title":"Crash"}`)
	for _, tc := range []struct {
		path, body string
		status     int
	}{
		{"/repos/octocat/hello/issues/2", `{"state":"closed"}`, 404},
		{"/repos/acme/old/issues/1", `{"state":"closed"}`, 404},
		{"/repos/octocat/hello/issues/1", `{"state":`, 400},
		{"/repos/octocat/hello/issues/1", `{"state":1}`, 422},
	} {
		if res := h.do("PATCH", tc.path, tc.body); res.status != tc.status {
			t.Errorf("PATCH %s %s: status = %d, want %d", tc.path, tc.body, res.status, tc.status)
		}
	}
}

func TestComments(t *testing.T) {
	h := setup(t)
	h.seed(`{"title":"Crash"}`)
	h.srv.SetViewer("hubot")
	res := h.do("POST", "/repos/octocat/hello/issues/1/comments", `{"body":"Me too"}`)
	if res.status != 201 {
		t.Fatalf("create: %d %s", res.status, res.body)
	}
	created := decode(t, res.body)
	want := map[string]any{
		"id": 6.0, "user.login": "hubot", "body": "Me too", "author_association": "COLLABORATOR",
		"created_at": "2026-03-04T06:06:07Z", "updated_at": "2026-03-04T06:06:07Z",
		"html_url":  "https://github.com/octocat/hello/issues/1#issuecomment-6",
		"issue_url": "https://api.github.test/repos/octocat/hello/issues/1",
		"url":       "https://api.github.test/repos/octocat/hello/issues/comments/6",
	}
	if diff := cmp.Diff(want, pick(created, keys(want)...)); diff != "" {
		t.Errorf("created (-want +got):\n%s", diff)
	}
	if loc := res.header.Get("Location"); loc != created["url"] {
		t.Errorf("Location = %q", loc)
	}
	h.srv.SetViewer("octocat")
	h.clock.Advance(time.Hour)
	h.do("POST", "/repos/octocat/hello/issues/1/comments", `{"body":"Fixed"}`)

	issue := pick(decode(t, h.do("GET", "/repos/octocat/hello/issues/1", "").body), "comments", "updated_at")
	if diff := cmp.Diff(map[string]any{"comments": 2.0, "updated_at": "2026-03-04T07:06:07Z"}, issue); diff != "" {
		t.Errorf("issue after comments (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Comment{{ID: 6, Author: "hubot", Body: "Me too"}, {ID: 7, Author: "octocat", Body: "Fixed"}}, h.srv.Comments("octocat", "hello", 1)); diff != "" {
		t.Errorf("Comments (-want +got):\n%s", diff)
	}

	for _, tc := range []struct {
		query     string
		want      []string
		wantLinks map[string]string
	}{
		{"", []string{"Me too", "Fixed"}, map[string]string{}},
		{"?since=2026-03-04T07:00:00Z", []string{"Fixed"}, map[string]string{}},
		{"?per_page=1", []string{"Me too"}, map[string]string{"next": "2", "last": "2"}},
		{"?per_page=1&page=2", []string{"Fixed"}, map[string]string{"prev": "1", "first": "1"}},
	} {
		res := h.do("GET", "/repos/octocat/hello/issues/1/comments"+tc.query, "")
		var got []string
		for _, c := range decodeList(t, res.body) {
			got = append(got, c["body"].(string))
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("comments%s (-want +got):\n%s", tc.query, diff)
		}
		if diff := cmp.Diff(tc.wantLinks, linkPages(t, res.header.Get("Link"))); diff != "" {
			t.Errorf("comments%s Link (-want +got):\n%s", tc.query, diff)
		}
	}

	for _, tc := range []struct {
		method, path, body string
		status             int
	}{
		{"POST", "/repos/octocat/hello/issues/1/comments", `{"body":"  "}`, 422},
		{"POST", "/repos/octocat/hello/issues/1/comments", `{}`, 422},
		{"POST", "/repos/octocat/hello/issues/2/comments", `{"body":"x"}`, 404},
		{"GET", "/repos/octocat/hello/issues/2/comments", ``, 404},
		{"GET", "/repos/octocat/hello/issues/1/comments?since=today", ``, 422},
	} {
		if res := h.do(tc.method, tc.path, tc.body); res.status != tc.status {
			t.Errorf("%s %s %s: status = %d, want %d", tc.method, tc.path, tc.body, res.status, tc.status)
		}
	}
	if got := h.srv.Comments("octocat", "hello", 2); got != nil {
		t.Errorf("Comments of a missing issue = %v, want nil", got)
	}
}

func TestSearchIssues(t *testing.T) {
	h := setup(t)
	h.srv.AddRepo(Repo{Owner: "acme", Name: "tools"})
	h.seed(
		`{"title":"Crash on start","body":"panic: nil config","labels":["bug"]}`,
		`{"title":"Document the config flag","labels":["documentation"],"assignees":["hubot"]}`,
	)
	h.do("POST", "/repos/acme/tools/issues", `{"title":"Config ignored on Windows"}`)
	h.clock.Advance(time.Hour)
	h.do("PATCH", "/repos/octocat/hello/issues/1", `{"state":"closed","state_reason":"completed"}`)

	tests := []struct {
		q    string
		want []string // "owner/repo#n"
	}{
		{"config is:issue", []string{"acme/tools#1", "octocat/hello#2", "octocat/hello#1"}},
		{"config is:issue repo:octocat/hello", []string{"octocat/hello#2", "octocat/hello#1"}},
		{"config is:issue user:acme", []string{"acme/tools#1"}},
		{"config is:issue org:ACME", []string{"acme/tools#1"}},
		{"is:issue is:closed", []string{"octocat/hello#1"}},
		{"is:issue state:open", []string{"acme/tools#1", "octocat/hello#2"}},
		{"is:issue -is:closed label:documentation", []string{"octocat/hello#2"}},
		{"is:issue reason:completed", []string{"octocat/hello#1"}},
		{`is:issue "nil config"`, []string{"octocat/hello#1"}},
		{`is:issue "config nil"`, []string{}},
		{"is:issue assignee:hubot", []string{"octocat/hello#2"}},
		{"is:issue no:assignee author:octocat", []string{"acme/tools#1", "octocat/hello#1"}},
		{"is:issue -label:bug in:title", []string{"acme/tools#1", "octocat/hello#2"}},
		{"type:issue windows", []string{"acme/tools#1"}},
		{"is:pr config", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			res := h.do("GET", "/search/issues?q="+url.QueryEscape(tt.q), "")
			if res.status != 200 {
				t.Fatalf("status = %d\n%s", res.status, res.body)
			}
			var got struct {
				TotalCount int `json:"total_count"`
				Items      []struct {
					RepositoryURL string  `json:"repository_url"`
					Number        int     `json:"number"`
					Score         float64 `json:"score"`
				} `json:"items"`
			}
			if err := json.Unmarshal(res.body, &got); err != nil {
				t.Fatal(err)
			}
			names := []string{}
			for _, it := range got.Items {
				names = append(names, strings.TrimPrefix(it.RepositoryURL, "https://api.github.test/repos/")+"#"+strconv.Itoa(it.Number))
			}
			if diff := cmp.Diff(tt.want, names); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			if got.TotalCount != len(tt.want) {
				t.Errorf("total_count = %d, want %d", got.TotalCount, len(tt.want))
			}
		})
	}

	t.Run("sort, order and paging", func(t *testing.T) {
		res := h.do("GET", "/search/issues?q=is:issue&sort=updated&order=asc&per_page=2", "")
		var page struct{ Items []map[string]any }
		if err := json.Unmarshal(res.body, &page); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int{2, 1}, numbers(page.Items)); diff != "" {
			t.Errorf("numbers (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(map[string]string{"next": "2", "last": "2"}, linkPages(t, res.header.Get("Link"))); diff != "" {
			t.Errorf("Link (-want +got):\n%s", diff)
		}
		if got := decode(t, res.body)["total_count"]; got != 3.0 {
			t.Errorf("total_count = %v, want 3", got)
		}
	})
	t.Run("search spends the search budget", func(t *testing.T) {
		res := h.do("GET", "/search/issues?q=is:issue", "")
		if got := res.header.Get("X-RateLimit-Resource"); got != "search" {
			t.Errorf("X-RateLimit-Resource = %q", got)
		}
		if got := res.header.Get("X-RateLimit-Limit"); got != "30" {
			t.Errorf("X-RateLimit-Limit = %q", got)
		}
	})
	for _, tc := range []struct{ query, wantMessage string }{
		{"q=config", "Query must include 'is:issue' or 'is:pull-request'"},
		{"q=config+-is:pr", "Query must include 'is:issue' or 'is:pull-request'"},
		{"q=", "Validation Failed"},
		{"q=is:issue&sort=stars", "Validation Failed"},
	} {
		t.Run("refused: "+tc.query, func(t *testing.T) {
			res := h.do("GET", "/search/issues?"+tc.query, "")
			if res.status != 422 || decode(t, res.body)["message"] != tc.wantMessage {
				t.Errorf("status %d body %s, want 422 %q", res.status, res.body, tc.wantMessage)
			}
		})
	}
}

func TestClockCommand(t *testing.T) {
	srv := New("")
	for _, tc := range []struct{ cmd, wantErr string }{
		{"clock", "usage: clock TIME|real"},
		{"clock tomorrow", "TIME must be RFC 3339"},
	} {
		if _, err := srv.Command(strings.Fields(tc.cmd)); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: err = %v, want %q", tc.cmd, err, tc.wantErr)
		}
	}
	if _, err := srv.Command([]string{"clock", "2026-11-20T09:00:00Z"}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if got := srv.now(); !got.Equal(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)) {
			t.Errorf("frozen clock reads %v", got)
		}
	}
	if _, err := srv.Command([]string{"clock", "real"}); err != nil {
		t.Fatal(err)
	}
	if got := srv.now(); time.Since(got) > time.Minute {
		t.Errorf("real clock reads %v", got)
	}
}
