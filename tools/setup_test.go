package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mark3labs/mcp-go/mcp"

	"github.com/ghmcp/ghmcp/github"
	"github.com/ghmcp/ghmcp/internal/redact"
	"github.com/ghmcp/ghmcp/ratelimit"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

const testToken = "ghp_testTOKEN0123456789abcdefghijklmnopq"

// fakeGitHub is a GitHub stand-in for one test: each test registers the
// exact requests it expects; an unexpected request fails the test, and so
// does an expected one that never came.
type fakeGitHub struct {
	t      *testing.T
	mu     sync.Mutex
	stubs  []*stub
	server *httptest.Server
}

type stub struct {
	method, path string
	// check inspects the request body (may be nil).
	check  func(t *testing.T, body []byte, r *http.Request)
	status int
	header map[string]string
	body   string
	used   bool
}

func newFakeGitHub(t *testing.T) *fakeGitHub {
	t.Helper()
	f := &fakeGitHub{t: t}
	f.server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(func() {
		f.server.Close()
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, s := range f.stubs {
			if !s.used {
				t.Errorf("expected request %s %s was not made", s.method, s.path)
			}
		}
	})
	return f
}

// on registers an expected request and its answer.
func (f *fakeGitHub) on(method, path string, status int, body string, check func(t *testing.T, body []byte, r *http.Request)) *stub {
	s := &stub{method: method, path: path, status: status, body: body, check: check}
	f.mu.Lock()
	f.stubs = append(f.stubs, s)
	f.mu.Unlock()
	return s
}

func (f *fakeGitHub) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
		f.t.Errorf("%s %s: Authorization = %q, want the bearer token", r.Method, r.URL.Path, got)
	}
	if ua := r.Header.Get("User-Agent"); !strings.HasPrefix(ua, "ghmcp/") {
		f.t.Errorf("%s %s: User-Agent = %q, want ghmcp/<version>", r.Method, r.URL.Path, ua)
	}
	f.mu.Lock()
	var match *stub
	for _, s := range f.stubs {
		if !s.used && s.method == r.Method && s.path == r.URL.EscapedPath() {
			match = s
			s.used = true
			break
		}
	}
	f.mu.Unlock()
	if match == nil {
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL.EscapedPath())
		http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
		return
	}
	if match.check != nil {
		match.check(f.t, body, r)
	}
	for k, v := range match.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(match.status)
	io.WriteString(w, match.body)
}

// deps returns tool dependencies whose client talks to the fake.
func (f *fakeGitHub) deps(token string) toolkit.Deps {
	f.t.Helper()
	u, _ := url.Parse(f.server.URL + "/")
	cfg := ratelimit.DefaultConfig()
	cfg.MaxWait = 2 * time.Second
	cfg.WriteSpacing = -1
	cfg.RetryInitial = time.Millisecond
	cfg.RetryMax = 5 * time.Millisecond
	limiter := ratelimit.New(cfg, nil, nil)
	client, err := github.NewClient(github.Options{
		Token:     token,
		APIURL:    u,
		UserAgent: "ghmcp/test",
		Limiter:   limiter,
	})
	if err != nil {
		f.t.Fatal(err)
	}
	r := redact.New(token)
	return toolkit.Deps{GitHub: client, GraphQL: github.NewGraphQL(client, limiter), Redact: r.String, RedactText: r.Text}
}

// call runs the named tool with args (a JSON object).
func call(t *testing.T, d toolkit.Deps, name, args string) *mcp.CallToolResult {
	t.Helper()
	tool, ok := Catalog().Tool(name)
	if !ok {
		t.Fatalf("no tool %q", name)
	}
	req := mcp.CallToolRequest{}
	req.Params.Name = name
	req.Params.Arguments = json.RawMessage(args)
	res, err := tool.Bind(d).Handler(context.Background(), req)
	if err != nil {
		t.Fatalf("%s: handler returned a Go error (the model would never see it): %v", name, err)
	}
	return res
}

// resultText returns the text content of a result.
func resultText(t *testing.T, res *mcp.CallToolResult) string {
	t.Helper()
	if len(res.Content) != 1 {
		t.Fatalf("result has %d contents, want 1", len(res.Content))
	}
	tc, ok := res.Content[0].(mcp.TextContent)
	if !ok {
		t.Fatalf("content is %T, want text", res.Content[0])
	}
	return tc.Text
}

// readTestdata returns a recorded GitHub response from ../testdata/github.
func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "github", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// query checks that a request's query string is exactly want.
func query(want string) func(t *testing.T, body []byte, r *http.Request) {
	return func(t *testing.T, body []byte, r *http.Request) {
		t.Helper()
		w, err := url.ParseQuery(want)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(w, r.URL.Query()); diff != "" {
			t.Errorf("query (-want +got):\n%s", diff)
		}
	}
}

// wantErrorText checks that a result is an error containing every want.
func wantErrorText(t *testing.T, res *mcp.CallToolResult, want ...string) {
	t.Helper()
	if !res.IsError {
		t.Fatalf("want an error result, got %s", resultText(t, res))
	}
	text := resultText(t, res)
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("error %q does not contain %q", text, w)
		}
	}
}

// compactSize is the size of a JSON document without indentation: what
// GitHub actually sends.
func compactSize(t *testing.T, raw string) int {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	return b.Len()
}
