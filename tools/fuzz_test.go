package tools

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/github"
	"github.com/ghmcp/ghmcp/ratelimit"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// Fuzz targets, run briefly by .ci/run and at length with
//
//	go test ./tools -run '^$' -fuzz '^FuzzPathEscaping$' -fuzztime 5m
//
// Seed corpora are in testdata/fuzz/<FuzzName>.

// checkEscapedPath checks an accepted path: escaped, it decodes back to
// itself, and no segment is or decodes to "." or "..".
func checkEscapedPath(t *testing.T, p string) {
	t.Helper()
	esc := escapePath(p)
	for _, seg := range strings.Split(esc, "/") {
		dec, err := url.PathUnescape(seg)
		if err != nil {
			t.Fatalf("escapePath(%q) segment %q does not decode: %v", p, seg, err)
		}
		if dec == "." || dec == ".." || github.DotSegment(dec) {
			t.Fatalf("accepted path %q has a dot segment %q", p, dec)
		}
	}
	if dec, _ := url.PathUnescape(esc); dec != strings.TrimSuffix(p, "/") {
		t.Fatalf("escapePath(%q) = %q decodes to %q", p, esc, dec)
	}
}

// pathServer is a fake GitHub that records the path of each request as
// its server side parsed it.
type pathServer struct {
	srv    *httptest.Server
	client *gh.Client
	mu     sync.Mutex
	got    []*url.URL
}

func newPathServer(tb testing.TB) *pathServer {
	ps := &pathServer{}
	ps.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		ps.mu.Lock()
		u := *r.URL
		ps.got = append(ps.got, &u)
		ps.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPut {
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"content":{"name":"x"},"commit":{"sha":"6dcb09b5b57875f334f61aebed695e2e4193db5e"}}`)
			return
		}
		io.WriteString(w, `{"type":"file","name":"x","path":"x","content":"","encoding":"base64"}`)
	}))
	tb.Cleanup(ps.srv.Close)
	u, _ := url.Parse(ps.srv.URL + "/")
	cfg := ratelimit.DefaultConfig()
	cfg.WriteSpacing, cfg.MaxRetries = -1, 0
	// The fuzzer sends thousands of writes a second to a local fake;
	// GitHub's minute budgets would stop it after the first 80.
	cfg.PointsPerMinute, cfg.ContentPerMinute, cfg.ContentPerHour = 1<<30, 1<<30, 1<<30
	client, err := github.NewClient(github.Options{Token: testToken, APIURL: u, UserAgent: "ghmcp/fuzz", Limiter: ratelimit.New(cfg, nil, nil)})
	if err != nil {
		tb.Fatal(err)
	}
	ps.client = client
	return ps
}

func (ps *pathServer) last() *url.URL {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	u := ps.got[len(ps.got)-1]
	ps.got = nil
	return u
}

// FuzzPathEscaping sends every path the path rule accepts through the
// real go-github client to a fake GitHub, reading (GetContents, which
// escapes the path itself) and writing (CreateFile, given escapePath):
// the server must receive exactly that path under the repository's
// contents, with no query, no fragment and no dot segment, so no path can
// reach another repository or endpoint.
func FuzzPathEscaping(f *testing.F) {
	for _, seed := range []string{"README.md", "docs/", "a b/c#d?e%f.md", "ünï/cödé.go", "x%2e%2e/y", `back\slash`, "..", "a/../b", "%2e%2e/x", "a;b/c=d&e", "C#/F#.md", "x/%2F../y"} {
		f.Add(seed)
	}
	ps := newPathServer(f)
	f.Fuzz(func(t *testing.T, p string) {
		if !utf8.ValidString(p) || p == "" || toolkit.CheckName("path", "path", p) != nil {
			return // refused before any URL is built
		}
		checkEscapedPath(t, p)
		want := "/repos/octo/hello/contents/" + strings.TrimSuffix(p, "/")
		ctx := context.Background()
		check := func(op string, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s %q: %v", op, p, err)
			}
			got := ps.last()
			if got.Path != want {
				t.Fatalf("%s %q: the server got path %q (raw %q), want %q", op, p, got.Path, got.EscapedPath(), want)
			}
			if got.RawQuery != "" || got.Fragment != "" {
				t.Fatalf("%s %q: part of the path became a query or fragment: %q", op, p, got.String())
			}
			if clean := path.Clean(got.Path); !strings.HasPrefix(clean+"/", "/repos/octo/hello/contents/") {
				t.Fatalf("%s %q: the path leaves the repository: %q", op, p, clean)
			}
			// A server that decodes twice must not see a dot segment.
			if twice, err := url.PathUnescape(got.Path); err == nil && path.Clean(twice) != twice && strings.Contains(twice, "/..") {
				t.Fatalf("%s %q: decoded twice the path has dot segments: %q", op, p, twice)
			}
		}
		_, _, _, err := ps.client.Repositories.GetContents(ctx, "octo", "hello", p, nil)
		check("GetContents", err)
		msg := "fuzz"
		_, _, err = ps.client.Repositories.CreateFile(ctx, "octo", "hello", escapePath(p), &gh.RepositoryContentFileOptions{Message: &msg, Content: []byte("x")})
		check("CreateFile(escapePath)", err)
	})
}

// TestCreateFileNeedsEscapePath shows why escapePath exists: go-github's
// CreateFile puts the path in the URL as given.
func TestCreateFileNeedsEscapePath(t *testing.T) {
	ps := newPathServer(t)
	msg := "x"
	opts := &gh.RepositoryContentFileOptions{Message: &msg, Content: []byte("x")}
	if _, _, err := ps.client.Repositories.CreateFile(context.Background(), "octo", "hello", "notes/what?.md", opts); err != nil {
		t.Fatal(err)
	}
	if u := ps.last(); u.Path != "/repos/octo/hello/contents/notes/what" || u.RawQuery != ".md" {
		t.Errorf("unescaped: server got %q; go-github may have started escaping, then escapePath double-escapes: check", u)
	}
	if _, _, err := ps.client.Repositories.CreateFile(context.Background(), "octo", "hello", escapePath("notes/what?.md"), opts); err != nil {
		t.Fatal(err)
	}
	if u := ps.last(); u.Path != "/repos/octo/hello/contents/notes/what?.md" || u.RawQuery != "" {
		t.Errorf("escaped: server got %q", u)
	}
}
