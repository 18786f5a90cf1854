package ratelimit_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ghmcp/ghmcp/ratelimit"
)

// etagGitHub answers GETs with a body per path and its ETag, 304 to a
// matching If-None-Match, and records what it saw.
type etagGitHub struct {
	mu     sync.Mutex
	bodies map[string]string
	seen   []string // "METHOD PATH [If-None-Match]"
	noETag bool
}

func newETagGitHub() *etagGitHub { return &etagGitHub{bodies: map[string]string{}} }

func (g *etagGitHub) RoundTrip(req *http.Request) (*http.Response, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	inm := req.Header.Get("If-None-Match")
	line := req.Method + " " + req.URL.RequestURI()
	if inm != "" {
		line += " " + inm
	}
	g.seen = append(g.seen, line)
	rec := httptest.NewRecorder()
	if ratelimit.IsWrite(req.Method) {
		g.bodies[req.URL.Path] += "+" // the write changes what a GET sees
		rec.WriteHeader(http.StatusCreated)
		return rec.Result(), nil
	}
	body, ok := g.bodies[req.URL.Path]
	if !ok {
		body = fmt.Sprintf(`{"path":%q,"accept":%q}`, req.URL.Path, req.Header.Get("Accept"))
	}
	etag := fmt.Sprintf(`W/"%x"`, len(body)*31+len(req.URL.RawQuery)+len(req.Header.Get("Accept")))
	rec.Header().Set("X-RateLimit-Remaining", "4000")
	rec.Header().Set("X-RateLimit-Reset", "4102444800")
	if !g.noETag {
		rec.Header().Set("ETag", etag)
	}
	if inm == etag {
		rec.Header().Set("X-RateLimit-Remaining", "3999")
		rec.WriteHeader(http.StatusNotModified)
		return rec.Result(), nil
	}
	rec.Header().Set("Content-Type", "application/json")
	io.WriteString(rec, body)
	return rec.Result(), nil
}

func (g *etagGitHub) Seen() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := g.seen
	g.seen = nil
	return out
}

func cacheGet(t *testing.T, rt http.RoundTripper, path string, header ...string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, "https://api.github.test"+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func TestCacheRevalidates(t *testing.T) {
	gh := newETagGitHub()
	c := ratelimit.NewCache(ratelimit.CacheConfig{TokenKey: ratelimit.TokenKey("t")})
	rt := c.Transport(gh)

	status, first, _ := cacheGet(t, rt, "/repos/octo/a")
	status2, second, h := cacheGet(t, rt, "/repos/octo/a")
	if status != 200 || status2 != 200 || first != second {
		t.Fatalf("got %d %q then %d %q, want the same 200 twice", status, first, status2, second)
	}
	if got := h.Get("X-RateLimit-Remaining"); got != "3999" {
		t.Errorf("the cached answer carries X-RateLimit-Remaining %q, want the 304's fresh 3999", got)
	}
	want := []string{"GET /repos/octo/a", `GET /repos/octo/a W/"` + fmt.Sprintf("%x", len(first)*31) + `"`}
	if diff := cmp.Diff(want, gh.Seen()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if s := c.Stats(); s.Hits != 1 || s.Misses != 1 || s.Entries != 1 {
		t.Errorf("Stats() = %+v, want 1 hit, 1 miss, 1 entry", s)
	}
}

func TestCacheKeys(t *testing.T) {
	gh := newETagGitHub()
	c := ratelimit.NewCache(ratelimit.CacheConfig{TokenKey: ratelimit.TokenKey("t")})
	rt := c.Transport(gh)
	cacheGet(t, rt, "/repos/octo/a/issues?page=1")
	cacheGet(t, rt, "/repos/octo/a/issues?page=2")
	cacheGet(t, rt, "/repos/octo/a/issues?page=1", "Accept", "application/vnd.github.raw")
	if s := c.Stats(); s.Entries != 3 || s.Hits != 0 {
		t.Errorf("Stats() = %+v: query and Accept must make distinct entries", s)
	}
	// A request the caller made conditional is its own business.
	cacheGet(t, rt, "/repos/octo/a/issues?page=1", "If-None-Match", `"x"`)
	if got := gh.Seen()[3]; got != `GET /repos/octo/a/issues?page=1 "x"` {
		t.Errorf("caller's conditional request sent as %q", got)
	}
	// Another token's cache does not share entries.
	other := ratelimit.NewCache(ratelimit.CacheConfig{TokenKey: ratelimit.TokenKey("u")}).Transport(gh)
	cacheGet(t, other, "/repos/octo/a/issues?page=2")
	if got := gh.Seen(); len(got) != 1 || strings.Contains(got[0], "W/") {
		t.Errorf("another token sent %v, want an unconditional request", got)
	}
}

func TestCacheInvalidation(t *testing.T) {
	gh := newETagGitHub()
	c := ratelimit.NewCache(ratelimit.CacheConfig{TokenKey: ratelimit.TokenKey("t")})
	rt := c.Transport(gh)
	for _, p := range []string{"/repos/octo/a", "/repos/octo/a/issues", "/repos/octo/a/issues/1", "/repos/octo/b", "/search/issues?q=x", "/user"} {
		cacheGet(t, rt, p)
	}
	req, _ := http.NewRequest(http.MethodPost, "https://api.github.test/repos/Octo/A/issues", strings.NewReader(`{}`))
	if resp, err := rt.RoundTrip(req); err != nil || resp.StatusCode != 201 {
		t.Fatalf("POST: %v, %v", resp, err)
	}
	gh.Seen()
	for _, p := range []string{"/repos/octo/a", "/repos/octo/a/issues", "/repos/octo/a/issues/1", "/repos/octo/b", "/search/issues?q=x", "/user"} {
		cacheGet(t, rt, p)
	}
	var conditional []string
	for _, s := range gh.Seen() {
		if strings.Contains(s, `W/"`) {
			conditional = append(conditional, strings.Fields(s)[1])
		}
	}
	if diff := cmp.Diff([]string{"/repos/octo/b", "/user"}, conditional); diff != "" {
		t.Errorf("after creating an issue in octo/a, conditional requests went for (-want +got):\n%s", diff)
	}
	if s := c.Stats(); s.Invalidated != 4 {
		t.Errorf("Stats().Invalidated = %d, want 4", s.Invalidated)
	}
}

func TestCacheBounds(t *testing.T) {
	gh := newETagGitHub()
	gh.bodies["/big"] = strings.Repeat("x", 2048)
	c := ratelimit.NewCache(ratelimit.CacheConfig{TokenKey: "k", MaxEntries: 2, MaxBody: 1024})
	rt := c.Transport(gh)
	if _, body, _ := cacheGet(t, rt, "/big"); len(body) != 2048 {
		t.Errorf("a body over MaxBody came back with %d bytes, want 2048", len(body))
	}
	for _, p := range []string{"/a", "/b", "/a", "/c"} { // /b is the least recently used
		cacheGet(t, rt, p)
	}
	gh.Seen()
	for _, p := range []string{"/a", "/b", "/big"} {
		cacheGet(t, rt, p)
	}
	seen := gh.Seen()
	if !strings.Contains(seen[0], `W/"`) || strings.Contains(seen[1], `W/"`) || strings.Contains(seen[2], `W/"`) {
		t.Errorf("sent %v: want /a conditional, /b evicted, /big never kept", seen)
	}
	if s := c.Stats(); s.Entries > 2 {
		t.Errorf("%d entries, MaxEntries is 2", s.Entries)
	}

	gh.noETag = true
	c2 := ratelimit.NewCache(ratelimit.CacheConfig{TokenKey: "k"})
	cacheGet(t, c2.Transport(gh), "/a")
	if s := c2.Stats(); s.Entries != 0 {
		t.Errorf("an answer without ETag was kept")
	}
}

// TestCacheAboveLimiter: the limiter under the cache sees the real 304
// and does not count it against the primary budget.
func TestCacheAboveLimiter(t *testing.T) {
	clock := newFakeClock()
	etag := `W/"1"`
	ft := newFakeTransport(t, clock,
		step{status: 200, header: with(rl("core", 5000, 10, t0.Add(time.Hour)), "ETag", etag), body: okBody},
		step{status: 304, header: with(rl("core", 5000, 10, t0.Add(time.Hour)), "ETag", etag)},
	)
	lim := ratelimit.New(testConfig(), clock, nil)
	rt := ratelimit.NewCache(ratelimit.CacheConfig{TokenKey: "k"}).Transport(lim.Transport(ft))
	for range 2 {
		if status, body, _ := cacheGet(t, rt, "/repos/octo/a"); status != 200 || body != okBody {
			t.Fatalf("got %d %q", status, body)
		}
	}
	if b := lim.Budgets(); len(b) != 1 || b[0].Remaining != 10 {
		t.Errorf("Budgets() = %+v, want core remaining 10: a 304 is free", b)
	}
}

// Forget drops what a webhook says changed, and nothing else: the issue
// and what lies beneath it, whatever the case or query, but not an issue
// whose number starts with the same digits, nor the repository's lists.
func TestCacheForgetDropsAPathAndWhatLiesBeneathIt(t *testing.T) {
	paths := []string{
		"/repos/octo/a/issues/5",
		"/repos/octo/a/issues/5/comments?per_page=100",
		"/repos/octo/a/issues/50",
		"/repos/octo/a/issues",
		"/repos/octo/a/pulls/5",
		"/repos/octo/b/issues/5",
		"/api/v3/repos/octo/a/issues/5/events",
	}
	tests := []struct {
		name   string
		forget []string
		want   []string // paths still answered conditionally
		n      int
	}{
		{
			name:   "an issue drops itself and its sub-resources",
			forget: []string{"/repos/Octo/A/issues/5"},
			want:   []string{"/repos/octo/a/issues/50", "/repos/octo/a/issues", "/repos/octo/a/pulls/5", "/repos/octo/b/issues/5"},
			n:      3,
		},
		{
			name:   "a trailing slash and a GHES prefix change nothing",
			forget: []string{"/api/v3/repos/octo/a/issues/5/", "/repos/octo/a/pulls/5"},
			want:   []string{"/repos/octo/a/issues/50", "/repos/octo/a/issues", "/repos/octo/b/issues/5"},
			n:      4,
		},
		{
			name:   "a repository drops all of it",
			forget: []string{"/repos/octo/a"},
			want:   []string{"/repos/octo/b/issues/5"},
			n:      6,
		},
		{
			name:   "nothing to forget",
			forget: []string{"", "/"},
			want:   paths,
			n:      0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			gh := newETagGitHub()
			c := ratelimit.NewCache(ratelimit.CacheConfig{TokenKey: ratelimit.TokenKey("t")})
			rt := c.Transport(gh)
			for _, p := range paths {
				cacheGet(t, rt, p)
			}
			gh.Seen()
			if n := c.Forget(tt.forget...); n != tt.n {
				t.Errorf("Forget(%q) = %d, want %d", tt.forget, n, tt.n)
			}
			for _, p := range paths {
				cacheGet(t, rt, p)
			}
			var conditional []string
			for _, s := range gh.Seen() {
				if f := strings.Fields(s); len(f) == 3 {
					conditional = append(conditional, strings.SplitN(f[1], "?", 2)[0])
				}
			}
			want := make([]string, len(tt.want))
			for i, p := range tt.want {
				want[i] = strings.SplitN(p, "?", 2)[0]
			}
			if diff := cmp.Diff(want, conditional); diff != "" {
				t.Errorf("conditional requests after Forget (-want +got):\n%s", diff)
			}
		})
	}
}
