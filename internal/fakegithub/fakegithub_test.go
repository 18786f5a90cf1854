package fakegithub

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// token is the credential every harness server accepts.
const token = "tok"

// fakeClock is a settable clock, safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// harness is a started fake with a fake clock, one repository (octo/hello),
// one extra user (hubot) and one milestone (#1 in octo/hello).
type harness struct {
	t      *testing.T
	srv    *Server
	base   string
	clock  *fakeClock
	client *http.Client
}

func setup(t *testing.T) *harness {
	t.Helper()
	clock := &fakeClock{t: time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)}
	srv := New(token, WithClock(clock.Now))
	srv.AddRepo(Repo{
		Owner: "octocat", Name: "hello", Description: "My first repo", DefaultBranch: "main",
		Language: "Go", License: "MIT", Topics: []string{"demo", "go"}, Stars: 80, Forks: 9,
		PushedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
	})
	srv.AddRepo(Repo{Owner: "acme", Name: "secret", Private: true})
	srv.AddRepo(Repo{Owner: "acme", Name: "old", Archived: true})
	srv.AddUser("hubot")
	srv.AddMilestone("octocat", "hello", "v1.0")
	// No keep-alive: net/http retries a GET by itself when a reused
	// connection dies, which would hide a dropped connection from a test.
	transport := &http.Transport{DisableKeepAlives: true}
	url := srv.Start()
	if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.HasSuffix(url, "/") || srv.Start() != url {
		t.Fatalf("Start() = %q, want a stable http://127.0.0.1:PORT/", url)
	}
	h := &harness{t: t, srv: srv, base: strings.TrimSuffix(url, "/"), clock: clock,
		client: &http.Client{Transport: transport}}
	t.Cleanup(func() {
		transport.CloseIdleConnections()
		srv.Close()
	})
	return h
}

// result is a received answer.
type result struct {
	status int
	header http.Header
	body   []byte
}

// try sends a request with the harness token (unless headers, given as
// name/value pairs, set Authorization; an empty value removes it).
func (h *harness) try(ctx context.Context, method, path, body string, headers ...string) (result, error) {
	h.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, h.base+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		}
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return result{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return result{status: resp.StatusCode, header: resp.Header, body: b}, err
}

// do is try that fails the test on a transport error.
func (h *harness) do(method, path, body string, headers ...string) result {
	h.t.Helper()
	res, err := h.try(context.Background(), method, path, body, headers...)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	return res
}

// decode parses a JSON object.
func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("not a JSON object: %v\n%s", err, b)
	}
	return m
}

// pick extracts dotted paths ("owner.login", "labels.0.name") from a
// decoded JSON document.
func pick(doc any, paths ...string) map[string]any {
	out := map[string]any{}
	for _, p := range paths {
		v := doc
		for _, part := range strings.Split(p, ".") {
			switch x := v.(type) {
			case map[string]any:
				v = x[part]
			case []any:
				i, err := strconv.Atoi(part)
				if err != nil || i >= len(x) {
					v = nil
				} else {
					v = x[i]
				}
			default:
				v = nil
			}
		}
		out[p] = v
	}
	return out
}

// keys lists a map's keys.
func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestGetRepo(t *testing.T) {
	tests := []struct {
		name       string
		path       string
		wantStatus int
		want       map[string]any
	}{
		{
			name:       "an added repository is served with GitHub's fields",
			path:       "/repos/octocat/hello",
			wantStatus: 200,
			want: map[string]any{
				"full_name": "octocat/hello", "private": false, "visibility": "public",
				"description": "My first repo", "html_url": "https://github.com/octocat/hello",
				"url": "https://api.github.test/repos/octocat/hello", "default_branch": "main",
				"language": "Go", "stargazers_count": 80.0, "forks_count": 9.0, "archived": false,
				"topics": []any{"demo", "go"}, "pushed_at": "2026-01-02T03:04:05Z",
				"license.spdx_id": "MIT", "license.name": "MIT License", "license.key": "mit",
				"owner.login": "octocat", "owner.type": "User", "owner.id": 1.0,
				"permissions.admin": true, "open_issues_count": 0.0,
				"issues_url": "https://api.github.test/repos/octocat/hello/issues{/number}",
			},
		},
		{
			name:       "a private organisation repository says so",
			path:       "/repos/acme/secret",
			wantStatus: 200,
			want: map[string]any{
				"private": true, "visibility": "private", "owner.type": "Organization",
				"organization.login": "acme", "description": nil, "license": nil, "language": nil,
				"default_branch": "main", "topics": []any{}, "pushed_at": nil, "permissions.admin": false,
			},
		},
		{
			name:       "names are case-insensitive and answered in their canonical case",
			path:       "/repos/OctoCat/HELLO",
			wantStatus: 200,
			want:       map[string]any{"full_name": "octocat/hello"},
		},
		{
			name:       "an unknown repository is a GitHub 404",
			path:       "/repos/octocat/nope",
			wantStatus: 404,
			want: map[string]any{
				"message": "Not Found", "status": "404",
				"documentation_url": "https://docs.github.com/rest/repos/repos#get-a-repository",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			res := h.do("GET", tt.path, "")
			if res.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d\n%s", res.status, tt.wantStatus, res.body)
			}
			if diff := cmp.Diff(tt.want, pick(decode(t, res.body), keys(tt.want)...)); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRepoJSONWeighsAsMuchAsGitHubs(t *testing.T) {
	h := setup(t)
	res := h.do("GET", "/repos/octocat/hello", "")
	// GitHub's answer for a user's repository is 5-6 KB; our compact
	// results are measured against it, so the fake must not be lighter.
	if n := len(res.body); n < 4500 || n > 7500 {
		t.Errorf("repository JSON is %d bytes, want 4500-7500 like GitHub's", n)
	}
	urls := 0
	for k := range decode(t, res.body) {
		if strings.HasSuffix(k, "_url") {
			urls++
		}
	}
	if urls < 40 {
		t.Errorf("repository JSON has %d *_url fields, want GitHub's 40+", urls)
	}
}

func TestAuth(t *testing.T) {
	badCredentials := map[string]any{
		"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401",
	}
	tests := []struct {
		name          string
		authorization string // "" sends none
		wantStatus    int
	}{
		{"a Bearer token is accepted", "Bearer tok", 200},
		{"a token-scheme token is accepted", "token tok", 200},
		{"the scheme is case-insensitive", "bearer tok", 200},
		{"a missing header is refused", "", 401},
		{"a wrong token is refused", "Bearer nope", 401},
		{"an unknown scheme is refused", "Basic tok", 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			res := h.do("GET", "/user", "", "Authorization", tt.authorization)
			if res.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d", res.status, tt.wantStatus)
			}
			if tt.wantStatus == 401 {
				if diff := cmp.Diff(badCredentials, decode(t, res.body)); diff != "" {
					t.Errorf("body (-want +got):\n%s", diff)
				}
				if h.srv.Stats().Requests != 1 {
					t.Errorf("refused request not counted in Stats.Requests")
				}
			}
		})
	}

	t.Run("an empty server token turns authentication off", func(t *testing.T) {
		srv := New("")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest("GET", "/user", nil))
		if rec.Code != 200 {
			t.Errorf("status = %d, want 200", rec.Code)
		}
	})
}

func TestGetViewer(t *testing.T) {
	h := setup(t)
	got := pick(decode(t, h.do("GET", "/user", "").body), "login", "id", "name", "type", "html_url", "public_repos")
	want := map[string]any{
		"login": "octocat", "id": 1.0, "name": "The Octocat", "type": "User",
		"html_url": "https://github.com/octocat", "public_repos": 1.0,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET /user (-want +got):\n%s", diff)
	}

	h.srv.SetViewer("hubot")
	if got := pick(decode(t, h.do("GET", "/user", "").body), "login")["login"]; got != "hubot" {
		t.Errorf("after SetViewer, login = %v, want hubot", got)
	}
}

func TestUnknownRoutesAreGitHub404s(t *testing.T) {
	for _, tc := range []struct{ method, path string }{
		{"GET", "/nope"},
		{"GET", "/repos/octocat/hello/"},
		{"DELETE", "/repos/octocat/hello"},
		{"GET", "/repos/octocat/hello/issues/x"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			srv := New("")
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			if rec.Code != 404 {
				t.Fatalf("status = %d, want 404", rec.Code)
			}
			if got := decode(t, rec.Body.Bytes())["message"]; got != "Not Found" {
				t.Errorf("message = %v, want Not Found", got)
			}
		})
	}
}

func TestCreateIssue(t *testing.T) {
	validation := func(errs ...map[string]any) map[string]any {
		list := []any{}
		for _, e := range errs {
			list = append(list, e)
		}
		return map[string]any{
			"message": "Validation Failed", "errors": list, "status": "422",
			"documentation_url": "https://docs.github.com/rest/issues/issues#create-an-issue",
		}
	}
	tests := []struct {
		name       string
		repo       string
		body       string
		wantStatus int
		want       map[string]any // a subset of the answer
		wantIssues []Issue
	}{
		{
			name:       "a full issue is created as number 1",
			repo:       "octocat/hello",
			body:       `{"title":"Crash on start","body":"Steps...","labels":["bug","triage"],"assignees":["hubot"],"milestone":1}`,
			wantStatus: 201,
			want: map[string]any{
				"number": 1.0, "state": "open", "title": "Crash on start", "body": "Steps...",
				"html_url":   "https://github.com/octocat/hello/issues/1",
				"url":        "https://api.github.test/repos/octocat/hello/issues/1",
				"user.login": "octocat", "author_association": "OWNER",
				"labels.0.name": "bug", "labels.0.color": "d73a4a", "labels.0.default": true,
				"labels.1.name": "triage", "labels.1.color": "ededed",
				"assignees.0.login": "hubot", "assignee.login": "hubot",
				"milestone.number": 1.0, "milestone.title": "v1.0", "milestone.open_issues": 1.0,
				"comments": 0.0, "closed_at": nil, "state_reason": nil,
				"created_at": "2026-03-04T05:06:07Z", "reactions.total_count": 0.0,
			},
			wantIssues: []Issue{{Number: 1, Title: "Crash on start", Body: "Steps...", State: "open",
				Labels: []string{"bug", "triage"}, Assignees: []string{"hubot"}, Milestone: 1}},
		},
		{
			name:       "a bare title is enough, and the viewer may be assigned in any case",
			repo:       "octocat/hello",
			body:       `{"title":"Hi","assignees":["OctoCat"],"labels":[{"name":"question"}]}`,
			wantStatus: 201,
			want:       map[string]any{"body": nil, "milestone": nil, "assignees.0.login": "octocat", "labels.0.name": "question"},
			wantIssues: []Issue{{Number: 1, Title: "Hi", State: "open", Labels: []string{"question"}, Assignees: []string{"octocat"}}},
		},
		{
			name:       "a missing title is a validation failure",
			repo:       "octocat/hello",
			body:       `{"body":"no title"}`,
			wantStatus: 422,
			want:       validation(map[string]any{"resource": "Issue", "field": "title", "code": "missing_field"}),
		},
		{
			name:       "an empty title is a validation failure",
			repo:       "octocat/hello",
			body:       `{"title":"  "}`,
			wantStatus: 422,
			want:       validation(map[string]any{"resource": "Issue", "field": "title", "code": "missing_field"}),
		},
		{
			name:       "an unknown assignee is invalid and named",
			repo:       "octocat/hello",
			body:       `{"title":"x","assignees":["hubot","ghost"]}`,
			wantStatus: 422,
			want:       validation(map[string]any{"resource": "Issue", "field": "assignees", "code": "invalid", "value": "ghost"}),
		},
		{
			name:       "a milestone that does not exist is invalid",
			repo:       "octocat/hello",
			body:       `{"title":"x","milestone":7}`,
			wantStatus: 422,
			want:       validation(map[string]any{"resource": "Issue", "field": "milestone", "code": "invalid", "value": 7.0}),
		},
		{
			name:       "all problems are reported at once",
			repo:       "octocat/hello",
			body:       `{"assignees":["ghost"],"milestone":2}`,
			wantStatus: 422,
			want: validation(
				map[string]any{"resource": "Issue", "field": "title", "code": "missing_field"},
				map[string]any{"resource": "Issue", "field": "assignees", "code": "invalid", "value": "ghost"},
				map[string]any{"resource": "Issue", "field": "milestone", "code": "invalid", "value": 2.0},
			),
		},
		{
			name:       "an unknown repository is 404",
			repo:       "octocat/nope",
			body:       `{"title":"x"}`,
			wantStatus: 404,
			want:       map[string]any{"message": "Not Found"},
		},
		{
			name:       "an archived repository is read-only",
			repo:       "acme/old",
			body:       `{"title":"x"}`,
			wantStatus: 403,
			want:       map[string]any{"message": "Repository was archived so is read-only."},
		},
		{
			name:       "malformed JSON is a 400",
			repo:       "octocat/hello",
			body:       `{"title":`,
			wantStatus: 400,
			want:       map[string]any{"message": "Problems parsing JSON"},
		},
		{
			name:       "a wrongly typed field is a 422",
			repo:       "octocat/hello",
			body:       `{"title":"x","assignees":"hubot"}`,
			wantStatus: 422,
			want:       map[string]any{"status": "422"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			res := h.do("POST", "/repos/"+tt.repo+"/issues", tt.body)
			if res.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d\n%s", res.status, tt.wantStatus, res.body)
			}
			got := decode(t, res.body)
			if _, whole := tt.want["errors"]; !whole {
				got = pick(got, keys(tt.want)...)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			if tt.wantStatus == 201 {
				if loc, url := res.header.Get("Location"), decode(t, res.body)["url"]; loc != url {
					t.Errorf("Location = %q, want the issue's url %v", loc, url)
				}
			}
			owner, name, _ := strings.Cut(tt.repo, "/")
			if diff := cmp.Diff(tt.wantIssues, h.srv.Issues(owner, name), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Issues (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGetIssue(t *testing.T) {
	h := setup(t)
	h.srv.AddRepo(Repo{Owner: "octocat", Name: "other"})
	for _, repo := range []string{"hello", "hello", "other"} {
		if res := h.do("POST", "/repos/octocat/"+repo+"/issues", `{"title":"in `+repo+`"}`); res.status != 201 {
			t.Fatalf("create: %d %s", res.status, res.body)
		}
	}
	tests := []struct {
		path       string
		wantStatus int
		wantNumber any
	}{
		{"/repos/octocat/hello/issues/2", 200, 2.0},
		{"/repos/octocat/other/issues/1", 200, 1.0},
		{"/repos/octocat/other/issues/2", 404, nil},
		{"/repos/octocat/hello/issues/0", 404, nil},
		{"/repos/octocat/nope/issues/1", 404, nil},
	}
	for _, tt := range tests {
		t.Run("GET "+tt.path, func(t *testing.T) {
			res := h.do("GET", tt.path, "")
			if res.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d", res.status, tt.wantStatus)
			}
			if got := decode(t, res.body)["number"]; got != tt.wantNumber {
				t.Errorf("number = %v, want %v", got, tt.wantNumber)
			}
		})
	}
	if got := pick(decode(t, h.do("GET", "/repos/octocat/hello", "").body), "open_issues_count")["open_issues_count"]; got != 2.0 {
		t.Errorf("open_issues_count = %v, want 2", got)
	}
}

func TestConcurrentCreatesGetDistinctNumbers(t *testing.T) {
	h := setup(t)
	const n = 25
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			res, err := h.try(context.Background(), "POST", "/repos/octocat/hello/issues", `{"title":"t`+strconv.Itoa(i)+`"}`)
			if err != nil || res.status != 201 {
				t.Errorf("create %d: %v %d", i, err, res.status)
			}
		})
	}
	wg.Wait()
	issues := h.srv.Issues("octocat", "hello")
	if len(issues) != n {
		t.Fatalf("got %d issues, want %d", len(issues), n)
	}
	for i, is := range issues {
		if is.Number != i+1 {
			t.Errorf("issues[%d].Number = %d", i, is.Number)
		}
	}
	if st := h.srv.Stats(); st.Writes != n || st.DuplicateWrites != 0 {
		t.Errorf("stats = %+v, want %d writes and no duplicates", st, n)
	}
}

func TestRateLimitHeaders(t *testing.T) {
	tests := []struct {
		name         string
		method, path string
		wantResource string
		wantLimit    string
		wantReset    time.Duration // after the harness clock's start
	}{
		{"core requests spend core", "GET", "/repos/octocat/hello", "core", "5000", time.Hour},
		{"404s spend core too", "GET", "/nope", "core", "5000", time.Hour},
		{"searches spend search", "GET", "/search/issues?q=x", "search", "30", time.Minute},
		{"code searches spend code_search", "GET", "/search/code?q=x", "code_search", "10", time.Minute},
		{"GraphQL spends graphql", "POST", "/graphql", "graphql", "5000", time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			start := h.clock.Now()
			res := h.do(tt.method, tt.path, "")
			got := map[string]string{}
			for _, k := range []string{"Limit", "Remaining", "Used", "Reset", "Resource"} {
				got[k] = res.header.Get("X-RateLimit-" + k)
			}
			limit, _ := strconv.Atoi(tt.wantLimit)
			want := map[string]string{
				"Limit": tt.wantLimit, "Remaining": strconv.Itoa(limit - 1), "Used": "1",
				"Reset": strconv.FormatInt(start.Add(tt.wantReset).Unix(), 10), "Resource": tt.wantResource,
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRateLimitEndpointIsFree(t *testing.T) {
	h := setup(t)
	h.do("GET", "/user", "")
	h.srv.SetRate("search", 30, 12, h.clock.Now().Add(30*time.Second))
	for range 3 {
		h.do("GET", "/rate_limit", "")
	}
	res := h.do("GET", "/rate_limit", "")
	got := pick(decode(t, res.body), "resources.core", "resources.search", "resources.code_search.limit",
		"resources.graphql.limit", "rate")
	core := map[string]any{"limit": 5000.0, "remaining": 4999.0, "used": 1.0, "reset": float64(h.clock.Now().Add(time.Hour).Unix())}
	want := map[string]any{
		"resources.core":              core,
		"resources.search":            map[string]any{"limit": 30.0, "remaining": 12.0, "used": 18.0, "reset": float64(h.clock.Now().Add(30 * time.Second).Unix())},
		"resources.code_search.limit": 10.0,
		"resources.graphql.limit":     5000.0,
		"rate":                        core,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET /rate_limit (-want +got):\n%s", diff)
	}
	if got := res.header.Get("X-RateLimit-Remaining"); got != "4999" {
		t.Errorf("X-RateLimit-Remaining = %s, want 4999: /rate_limit must not count", got)
	}
}

func TestRateLimitExhaustion(t *testing.T) {
	h := setup(t)
	reset := h.clock.Now().Add(30 * time.Second)
	h.srv.SetRate("core", 5000, 1, reset)

	if res := h.do("GET", "/user", ""); res.status != 200 || res.header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("last unit: status %d, remaining %s; want 200 and 0", res.status, res.header.Get("X-RateLimit-Remaining"))
	}
	for _, req := range []struct{ method, path, body string }{
		{"GET", "/user", ""},
		{"POST", "/repos/octocat/hello/issues", `{"title":"x"}`},
	} {
		res := h.do(req.method, req.path, req.body)
		if res.status != 403 {
			t.Fatalf("%s %s when exhausted: status %d, want 403", req.method, req.path, res.status)
		}
		want := map[string]any{
			"message":           "API rate limit exceeded for user ID 1.",
			"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
		}
		if diff := cmp.Diff(want, decode(t, res.body)); diff != "" {
			t.Errorf("body (-want +got):\n%s", diff)
		}
		if got, want := res.header.Get("X-RateLimit-Reset"), strconv.FormatInt(reset.Unix(), 10); got != want {
			t.Errorf("X-RateLimit-Reset = %s, want %s", got, want)
		}
		if got := res.header.Get("X-RateLimit-Remaining"); got != "0" {
			t.Errorf("X-RateLimit-Remaining = %s, want 0", got)
		}
	}
	if n := len(h.srv.Issues("octocat", "hello")); n != 0 {
		t.Errorf("a refused write created %d issues", n)
	}
	if res := h.do("GET", "/search/issues?q=x", ""); res.status == 403 {
		t.Errorf("an exhausted core budget refused a search")
	}

	h.clock.Advance(30 * time.Second)
	res := h.do("GET", "/user", "")
	if res.status != 200 || res.header.Get("X-RateLimit-Remaining") != "4999" {
		t.Errorf("after reset: status %d, remaining %s; want 200 and 4999", res.status, res.header.Get("X-RateLimit-Remaining"))
	}
	if st := h.srv.Stats(); st.PrimaryRejections != 2 || st.Writes != 0 {
		t.Errorf("stats = %+v, want 2 primary rejections and no writes", st)
	}
}

func TestETag(t *testing.T) {
	h := setup(t)
	first := h.do("GET", "/repos/octocat/hello", "")
	etag := first.header.Get("ETag")
	if !strings.HasPrefix(etag, `W/"`) {
		t.Fatalf("ETag = %q, want a weak quoted tag", etag)
	}

	tests := []struct {
		name        string
		ifNoneMatch string
		wantStatus  int
	}{
		{"the current tag is not modified", etag, 304},
		{"the strong form of the tag matches too", strings.TrimPrefix(etag, "W/"), 304},
		{"a list containing the tag matches", `"other", ` + etag, 304},
		{"another tag is answered in full", `W/"other"`, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.srv.Stats().NotModified
			res := h.do("GET", "/repos/octocat/hello", "", "If-None-Match", tt.ifNoneMatch)
			if res.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d", res.status, tt.wantStatus)
			}
			if tt.wantStatus != 304 {
				return
			}
			if len(res.body) != 0 || res.header.Get("ETag") != etag {
				t.Errorf("304 has body %q and ETag %q, want none and %q", res.body, res.header.Get("ETag"), etag)
			}
			if got := h.srv.Stats().NotModified; got != before+1 {
				t.Errorf("NotModified = %d, want %d", got, before+1)
			}
		})
	}

	t.Run("a 304 does not spend the budget", func(t *testing.T) {
		r1 := h.do("GET", "/repos/octocat/hello", "", "If-None-Match", etag)
		r2 := h.do("GET", "/repos/octocat/hello", "", "If-None-Match", etag)
		if a, b := r1.header.Get("X-RateLimit-Remaining"), r2.header.Get("X-RateLimit-Remaining"); a != b || a == "" {
			t.Errorf("remaining went from %s to %s across two 304s", a, b)
		}
	})

	t.Run("a change gives a new tag", func(t *testing.T) {
		h.do("POST", "/repos/octocat/hello/issues", `{"title":"x"}`)
		res := h.do("GET", "/repos/octocat/hello", "", "If-None-Match", etag)
		if res.status != 200 || res.header.Get("ETag") == etag {
			t.Errorf("status %d, ETag %q; want 200 and a new tag", res.status, res.header.Get("ETag"))
		}
	})
}

func TestFaults(t *testing.T) {
	const issues = "/repos/octocat/hello/issues"
	const create = `{"title":"once"}`
	type req struct{ method, path string }
	get, post := req{"GET", "/repos/octocat/hello"}, req{"POST", issues}
	const dropped = -1 // no answer: the connection was closed

	tests := []struct {
		name           string
		faults         []Fault
		reqs           []req
		want           []int // statuses, or dropped
		wantIssues     int
		wantDuplicates int
	}{
		{
			name:   "a status fault replaces one answer",
			faults: []Fault{{Method: "GET", Path: "/repos/octocat/hello", Status: 502}},
			reqs:   []req{get, get},
			want:   []int{502, 200},
		},
		{
			name:   "times repeats a fault",
			faults: []Fault{{Path: "/repos/octocat/hello", Status: 503, Times: 2}},
			reqs:   []req{get, get, get},
			want:   []int{503, 503, 200},
		},
		{
			name:   "a path ending in * matches by prefix",
			faults: []Fault{{Path: "/repos/*", Status: 500, Times: 2}},
			reqs:   []req{{"GET", "/user"}, get, post},
			want:   []int{200, 500, 500},
		},
		{
			name:       "a request of another method leaves the fault queued",
			faults:     []Fault{{Method: "POST", Path: issues, Status: 500}},
			reqs:       []req{{"GET", issues + "/1"}, post, post},
			want:       []int{404, 500, 201},
			wantIssues: 1,
		},
		{
			name:       "faults are consumed first in, first out",
			faults:     []Fault{{Path: issues, Status: 500}, {Path: issues, Status: 502}},
			reqs:       []req{post, post, post},
			want:       []int{500, 502, 201},
			wantIssues: 1,
		},
		{
			name:       "a hijack drops the connection before the write lands",
			faults:     []Fault{{Method: "POST", Path: issues, Hijack: true}},
			reqs:       []req{post, post},
			want:       []int{dropped, 201},
			wantIssues: 1,
		},
		{
			name:           "after-apply lands the write and then loses the answer",
			faults:         []Fault{{Method: "POST", Path: issues, Status: 502, AfterApply: true}},
			reqs:           []req{post, post},
			want:           []int{502, 201},
			wantIssues:     2,
			wantDuplicates: 1,
		},
		{
			name:           "after-apply with a hijack lands the write and drops the connection",
			faults:         []Fault{{Method: "POST", Path: issues, Hijack: true, AfterApply: true}},
			reqs:           []req{post, post},
			want:           []int{dropped, 201},
			wantIssues:     2,
			wantDuplicates: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			for _, f := range tt.faults {
				h.srv.Inject(f)
			}
			var got []int
			for _, r := range tt.reqs {
				body := ""
				if r.method == "POST" {
					body = create
				}
				res, err := h.try(context.Background(), r.method, r.path, body)
				switch {
				case err != nil:
					got = append(got, dropped)
				default:
					got = append(got, res.status)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			if n := len(h.srv.Issues("octocat", "hello")); n != tt.wantIssues {
				t.Errorf("%d issues created, want %d", n, tt.wantIssues)
			}
			if n := h.srv.Stats().DuplicateWrites; n != tt.wantDuplicates {
				t.Errorf("DuplicateWrites = %d, want %d", n, tt.wantDuplicates)
			}
		})
	}
}

func TestFaultAnswer(t *testing.T) {
	h := setup(t)
	h.srv.Inject(Fault{Path: "/user", Status: 403, Header: map[string]string{"Retry-After": "30"},
		Body: `{"message":"slow down"}`})
	h.srv.Inject(Fault{Path: "/user", Status: 500})

	res := h.do("GET", "/user", "")
	if res.status != 403 || string(res.body) != `{"message":"slow down"}` || res.header.Get("Retry-After") != "30" {
		t.Errorf("got %d %q Retry-After=%q; want the injected answer", res.status, res.body, res.header.Get("Retry-After"))
	}
	if res.header.Get("X-RateLimit-Resource") != "core" {
		t.Errorf("a fault answer lacks the rate headers")
	}
	res = h.do("GET", "/user", "")
	if got := decode(t, res.body)["message"]; res.status != 500 || got != "Internal Server Error" {
		t.Errorf("default fault body: %d %v", res.status, got)
	}
}

func TestFaultDelay(t *testing.T) {
	h := setup(t)

	t.Run("a delay holds the answer back", func(t *testing.T) {
		h.srv.Inject(Fault{Path: "/user", Delay: 50 * time.Millisecond})
		start := time.Now()
		if res := h.do("GET", "/user", ""); res.status != 200 {
			t.Errorf("status = %d, want 200", res.status)
		}
		if d := time.Since(start); d < 50*time.Millisecond {
			t.Errorf("answered after %v, want at least 50ms", d)
		}
	})

	t.Run("a delay ends when the client gives up", func(t *testing.T) {
		h.srv.Inject(Fault{Path: "/user", Delay: time.Hour})
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		_, err := h.try(ctx, "GET", "/user", "")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want the context deadline", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
	})
}

func TestSecondaryLimits(t *testing.T) {
	const issues = "/repos/octocat/hello/issues"
	tests := []struct {
		name   string
		limits Limits
		steps  []time.Duration // clock advance before each POST
		want   []int
	}{
		{
			name:   "a write too soon after the last is refused",
			limits: Limits{MinWriteGap: time.Second},
			steps:  []time.Duration{0, 500 * time.Millisecond, 500 * time.Millisecond},
			want:   []int{201, 403, 201},
		},
		{
			name:   "writes beyond the per-minute budget are refused until the minute slides",
			limits: Limits{WritesPerMinute: 2},
			steps:  []time.Duration{0, time.Second, time.Second, 58 * time.Second, 0},
			want:   []int{201, 201, 403, 201, 403},
		},
		{
			name:  "zero limits are not enforced",
			steps: []time.Duration{0, 0, 0},
			want:  []int{201, 201, 201},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			h.srv.SetLimits(tt.limits)
			var got []int
			created := 0
			for i, step := range tt.steps {
				h.clock.Advance(step)
				res := h.do("POST", issues, `{"title":"t`+strconv.Itoa(i)+`"}`)
				got = append(got, res.status)
				if res.status == 201 {
					created++
					continue
				}
				want := map[string]any{
					"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
						"If you reach out to GitHub Support for help, please include the request ID 0000:1111:2222:3333:4444.",
					"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
				}
				if diff := cmp.Diff(want, decode(t, res.body)); diff != "" {
					t.Errorf("body (-want +got):\n%s", diff)
				}
				if got := res.header.Get("Retry-After"); got != "60" {
					t.Errorf("Retry-After = %q, want 60", got)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			if n := len(h.srv.Issues("octocat", "hello")); n != created {
				t.Errorf("%d issues exist, want %d: refused writes must not change state", n, created)
			}
			st := h.srv.Stats()
			if st.SecondaryRejections != len(tt.steps)-created || st.Writes != created {
				t.Errorf("stats = %+v, want %d secondary rejections and %d writes", st, len(tt.steps)-created, created)
			}
		})
	}

	t.Run("reads ignore the write limits", func(t *testing.T) {
		h := setup(t)
		h.srv.SetLimits(Limits{MinWriteGap: time.Hour, WritesPerMinute: 1})
		h.do("POST", issues, `{"title":"x"}`)
		if res := h.do("GET", issues+"/1", ""); res.status != 200 {
			t.Errorf("GET after a write: %d", res.status)
		}
	})

	t.Run("too many requests in flight are refused", func(t *testing.T) {
		h := setup(t)
		h.srv.SetLimits(Limits{MaxConcurrent: 2})
		h.srv.Inject(Fault{Path: "/user", Delay: time.Hour, Times: 2})
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() { h.try(ctx, "GET", "/user", "") })
		}
		for h.srv.Stats().MaxInFlight < 2 {
			time.Sleep(time.Millisecond)
		}
		res := h.do("GET", "/repos/octocat/hello", "")
		cancel()
		wg.Wait()
		if res.status != 403 || res.header.Get("Retry-After") != "60" {
			t.Errorf("third request: %d Retry-After=%q, want 403 and 60", res.status, res.header.Get("Retry-After"))
		}
		// Wait for the cancelled requests to leave before the next one.
		for {
			h.srv.mu.Lock()
			n := h.srv.inFlight
			h.srv.mu.Unlock()
			if n == 0 {
				break
			}
			time.Sleep(time.Millisecond)
		}
		if res := h.do("GET", "/repos/octocat/hello", ""); res.status != 200 {
			t.Errorf("after the burst: %d, want 200", res.status)
		}
		if st := h.srv.Stats(); st.SecondaryRejections != 1 || st.MaxInFlight != 3 {
			t.Errorf("stats = %+v, want 1 secondary rejection and 3 in flight at most", st)
		}
	})
}

func TestRequestLog(t *testing.T) {
	h := setup(t)
	h.do("GET", "/repos/octocat/hello%2Fx?per_page=1", "")
	h.do("POST", "/repos/octocat/hello/issues", `{"title":"x"}`, "X-Test", "yes")
	got := h.srv.Requests()
	if len(got) != 2 {
		t.Fatalf("%d requests logged, want 2", len(got))
	}
	want := []Request{
		{Method: "GET", Path: "/repos/octocat/hello/x", RawPath: "/repos/octocat/hello%2Fx", Query: "per_page=1", Body: []byte{}},
		{Method: "POST", Path: "/repos/octocat/hello/issues", RawPath: "/repos/octocat/hello/issues", Body: []byte(`{"title":"x"}`)},
	}
	if diff := cmp.Diff(want, got, cmp.FilterPath(func(p cmp.Path) bool {
		f := p.Last().String()
		return f == ".Header" || f == ".Time"
	}, cmp.Ignore()), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("log (-want +got):\n%s", diff)
	}
	if got[1].Header.Get("X-Test") != "yes" || !got[1].Time.Equal(h.clock.Now()) {
		t.Errorf("header/time not logged: %v %v", got[1].Header, got[1].Time)
	}
	h.srv.ResetLog()
	if n := len(h.srv.Requests()); n != 0 {
		t.Errorf("%d requests after ResetLog", n)
	}
}

func TestCommand(t *testing.T) {
	type step struct {
		cmd     string // split on spaces
		want    string
		wantErr string // a substring of the error
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{
			name: "repo add creates a repository with plausible defaults",
			steps: []step{
				{cmd: "repo add me/demo private"},
				{cmd: "issues me/demo", want: ""},
			},
		},
		{
			name: "misuse answers with the usage line",
			steps: []step{
				{cmd: "repo add nope", wantErr: "repository must be OWNER/NAME"},
				{cmd: "repo add a/b shiny", wantErr: "usage: repo add OWNER/NAME [private] [archived]"},
				{cmd: "fault GET /user", wantErr: "usage: fault METHOD PATH"},
				{cmd: "fault GET /user teapot", wantErr: "STATUS must be an HTTP status or reset"},
				{cmd: "fault GET /user 500 times=0", wantErr: "times must be a positive integer"},
				{cmd: "rate core", wantErr: "usage: rate RESOURCE REMAINING RESET_IN_SECONDS"},
				{cmd: "limits speed=3", wantErr: "unknown limit"},
				{cmd: "issues ghost/repo", wantErr: "no repository ghost/repo"},
				{cmd: "frobnicate", wantErr: "unknown command"},
			},
		},
		{
			name: "stats start at zero",
			steps: []step{
				{cmd: "stats", want: "requests=0 writes=0 secondary=0 primary=0 notmodified=0 maxinflight=0 duplicates=0\n"},
			},
		},
		{
			name: "milestone add prints the number",
			steps: []step{
				{cmd: "milestone add octocat/hello v2", want: "2\n"},
				{cmd: "milestone add ghost/x v1", wantErr: "no repository"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := setup(t)
			for _, s := range tt.steps {
				got, err := h.srv.Command(strings.Fields(s.cmd))
				if s.wantErr != "" {
					if err == nil || !strings.Contains(err.Error(), s.wantErr) {
						t.Errorf("%s: err = %v, want %q", s.cmd, err, s.wantErr)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: %v", s.cmd, err)
				}
				if diff := cmp.Diff(s.want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", s.cmd, diff)
				}
			}
		})
	}
}

// TestCommandTranscript drives the fake the way a testscript does: set it
// up with commands, talk HTTP to it, then inspect it with commands.
func TestCommandTranscript(t *testing.T) {
	h := setup(t)
	run := func(line string) string {
		t.Helper()
		args := strings.Fields(line)
		if i := strings.Index(line, "body="); i >= 0 {
			// body= takes the rest of the line, spaces included.
			args = append(strings.Fields(line[:i]), line[i:])
		}
		out, err := h.srv.Command(args)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		return out
	}
	run("repo add me/demo")
	run("repo add me/frozen archived")
	run("user add alice")
	run("fault POST /repos/me/demo/issues 502 after-apply")
	run("fault GET /repos/me/* reset")
	run("fault * /user 429 Retry-After=7 times=2 body={\"message\": \"later\"}")
	run("rate search 0 60")
	run("limits gap=1s")

	if res := h.do("POST", "/repos/me/demo/issues", `{"title":"First","assignees":["alice"]}`); res.status != 502 {
		t.Errorf("after-apply fault: %d", res.status)
	}
	h.clock.Advance(2 * time.Second)
	if res := h.do("POST", "/repos/me/demo/issues", `{"title":"First","assignees":["alice"]}`); res.status != 201 {
		t.Errorf("retry: %d %s", res.status, res.body)
	}
	if _, err := h.try(context.Background(), "POST", "/repos/me/demo/issues", `{"title":"Too soon"}`); err != nil {
		t.Errorf("write inside the gap: %v", err)
	}
	if _, err := h.try(context.Background(), "GET", "/repos/me/demo", ""); err == nil {
		t.Errorf("reset fault: got an answer")
	}
	for range 2 {
		res := h.do("GET", "/user", "")
		if res.status != 429 || res.header.Get("Retry-After") != "7" || string(res.body) != `{"message": "later"}` {
			t.Errorf("429 fault: %d %q %q", res.status, res.header.Get("Retry-After"), res.body)
		}
	}
	if res := h.do("GET", "/search/issues?q=is:open", ""); res.status != 403 {
		t.Errorf("spent search budget: %d", res.status)
	}
	res := h.do("GET", "/repos/me/demo", "")
	if res.status != 200 || decode(t, res.body)["description"] != "A repository" {
		t.Errorf("GET me/demo: %d", res.status)
	}
	h.do("GET", "/repos/me/demo", "", "If-None-Match", res.header.Get("ETag"))
	h.clock.Advance(2 * time.Second) // past the write gap
	if res := h.do("POST", "/repos/me/frozen/issues", `{"title":"x"}`); res.status != 403 {
		t.Errorf("archived: %d", res.status)
	}

	checks := []struct{ cmd, want string }{
		{"issues me/demo", "#1 open First\n#2 open First\n"},
		{"requests", strings.Join([]string{
			"POST /repos/me/demo/issues",
			"POST /repos/me/demo/issues",
			"POST /repos/me/demo/issues",
			"GET /repos/me/demo",
			"GET /user",
			"GET /user",
			"GET /search/issues?q=is:open",
			"GET /repos/me/demo",
			"GET /repos/me/demo",
			"POST /repos/me/frozen/issues",
		}, "\n") + "\n"},
		{"stats", "requests=10 writes=3 secondary=1 primary=1 notmodified=1 maxinflight=1 duplicates=1\n"},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, run(c.cmd)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", c.cmd, diff)
		}
	}
	run("resetlog")
	if got := run("requests"); got != "" {
		t.Errorf("requests after resetlog = %q", got)
	}
}
