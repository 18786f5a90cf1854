package ratelimit

import (
	"bytes"
	"container/list"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Cache is the conditional-request cache: GET answers that carry an ETag
// (or Last-Modified) are kept, and a repeat of the same GET is sent with
// If-None-Match (If-Modified-Since); GitHub answers 304 when nothing
// changed, which does not count against the primary budget, and the cache
// answers with the body it kept. Nothing is ever served without asking
// GitHub, so an answer is never staler than GitHub's own.
//
// A write drops the entries it may make stale (for a write under
// /repos/OWNER/REPO, every entry of that repository, its searches and
// issue lists), so that the next read of them is a full one and does not
// rely on GitHub having already moved their ETags on.
//
// The cache is a bounded LRU keyed by the token's fingerprint, the URL,
// and the headers that change the representation (Accept, API version);
// never by the token itself. Its place is above the Limiter (see
// github.NewClient): the limiter sees the real 304 and does not count it,
// and it retries a conditional request as it is.
type Cache struct {
	cfg CacheConfig

	mu    sync.Mutex
	lru   *list.List // of *cacheEntry, most recent first
	items map[string]*list.Element
	bytes int64
	gen   uint64 // bumped by every write
	stats CacheStats
}

// CacheConfig tunes a Cache. Zero fields take the defaults.
type CacheConfig struct {
	// TokenKey is the fingerprint of the token (TokenKey(token)).
	TokenKey string
	// MaxEntries and MaxBytes bound the cache (default 1000, 32 MiB).
	MaxEntries int
	MaxBytes   int64
	// MaxBody is the largest body kept (default 1 MiB).
	MaxBody int64
}

// CacheStats counts what the cache did.
type CacheStats struct {
	Entries int   `json:"entries"`
	Bytes   int64 `json:"bytes"`
	// Hits counts GETs GitHub answered 304, served from the cache: each
	// saved a unit of the primary budget and the transfer of the body.
	Hits int `json:"hits_304"`
	// Misses counts cacheable GETs answered in full.
	Misses int `json:"misses"`
	// Invalidated counts entries dropped because of a write.
	Invalidated int `json:"invalidated"`
}

type cacheEntry struct {
	key, path    string // path lower-cased, for invalidation
	etag, lastMo string
	header       http.Header
	body         []byte
}

func (e *cacheEntry) size() int64 { return int64(len(e.body) + len(e.key) + 256) }

// NewCache returns an empty cache.
func NewCache(cfg CacheConfig) *Cache {
	if cfg.MaxEntries <= 0 {
		cfg.MaxEntries = 1000
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = 32 << 20
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 1 << 20
	}
	return &Cache{cfg: cfg, lru: list.New(), items: map[string]*list.Element{}}
}

// Stats returns a snapshot of the counters.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Entries, s.Bytes = c.lru.Len(), c.bytes
	return s
}

// Transport returns an http.RoundTripper that serves requests through the
// cache to next.
func (c *Cache) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &cacheTransport{c: c, next: next}
}

type cacheTransport struct {
	c    *Cache
	next http.RoundTripper
}

func (t *cacheTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c := t.c
	if r := reportFrom(req.Context()); r != nil {
		r.Cache = c.Stats()
	}
	if IsWriteRequest(req) {
		c.invalidate(req.URL.Path)
		resp, err := t.next.RoundTrip(req)
		// Again: a read that crossed the write may have kept the old state.
		c.invalidate(req.URL.Path)
		return resp, err
	}
	if !cacheable(req) {
		return t.next.RoundTrip(req)
	}
	key := c.key(req)
	c.mu.Lock()
	gen := c.gen
	var e *cacheEntry
	if el, ok := c.items[key]; ok {
		c.lru.MoveToFront(el)
		e = el.Value.(*cacheEntry)
	}
	c.mu.Unlock()

	out := req
	if e != nil {
		out = req.Clone(req.Context())
		if e.etag != "" {
			out.Header.Set("If-None-Match", e.etag)
		} else {
			out.Header.Set("If-Modified-Since", e.lastMo)
		}
	}
	resp, err := t.next.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	switch {
	case resp.StatusCode == http.StatusNotModified && e != nil:
		c.mu.Lock()
		c.stats.Hits++
		c.mu.Unlock()
		drain(resp)
		return e.response(req, resp), nil
	case resp.StatusCode == http.StatusOK:
		c.count(func(s *CacheStats) { s.Misses++ })
		return c.keep(key, gen, req, resp), nil
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		c.remove(key)
	}
	return resp, nil
}

// cacheable reports whether req is a GET the cache may handle: not one
// the caller made conditional or partial itself.
func cacheable(req *http.Request) bool {
	if req.Method != http.MethodGet || strings.TrimPrefix(req.URL.Path, "/api/v3") == "/rate_limit" {
		return false
	}
	for _, h := range []string{"If-None-Match", "If-Modified-Since", "Range"} {
		if req.Header.Get(h) != "" {
			return false
		}
	}
	return true
}

func (c *Cache) key(req *http.Request) string {
	return c.cfg.TokenKey + "\x00" + req.URL.String() + "\x00" + req.Header.Get("Accept") + "\x00" + req.Header.Get("X-Github-Api-Version")
}

// keep stores a 200 answer with a validator and returns it, body intact.
func (c *Cache) keep(key string, gen uint64, req *http.Request, resp *http.Response) *http.Response {
	etag, lastMo := resp.Header.Get("Etag"), resp.Header.Get("Last-Modified")
	if etag == "" && lastMo == "" {
		c.remove(key)
		return resp
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxBody+1))
	rest := resp.Body
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), rest), rest}
	if err != nil || int64(len(body)) > c.cfg.MaxBody {
		c.remove(key)
		return resp
	}
	e := &cacheEntry{key: key, path: strings.ToLower(req.URL.Path), etag: etag, lastMo: lastMo, header: resp.Header.Clone(), body: body}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		// A write crossed this read; do not keep what it may have changed.
		return resp
	}
	c.removeLocked(key)
	c.items[key] = c.lru.PushFront(e)
	c.bytes += e.size()
	for c.lru.Len() > c.cfg.MaxEntries || c.bytes > c.cfg.MaxBytes {
		c.removeLocked(c.lru.Back().Value.(*cacheEntry).key)
	}
	return resp
}

// response rebuilds the kept answer for req, with the fresh rate-limit
// and date headers of GitHub's 304.
func (e *cacheEntry) response(req *http.Request, notModified *http.Response) *http.Response {
	h := e.header.Clone()
	for k, v := range notModified.Header {
		if strings.HasPrefix(k, "X-Ratelimit-") || k == "Date" || k == "Etag" {
			h[k] = v
		}
	}
	return &http.Response{
		Status:        "200 OK",
		StatusCode:    http.StatusOK,
		Proto:         notModified.Proto,
		ProtoMajor:    notModified.ProtoMajor,
		ProtoMinor:    notModified.ProtoMinor,
		Header:        h,
		Body:          io.NopCloser(bytes.NewReader(e.body)),
		ContentLength: int64(len(e.body)),
		Request:       req,
	}
}

// invalidate drops the entries a write to path may make stale.
func (c *Cache) invalidate(path string) {
	prefixes := stalePrefixes(strings.ToLower(strings.TrimPrefix(path, "/api/v3")))
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for key, el := range c.items {
		p := strings.TrimPrefix(el.Value.(*cacheEntry).path, "/api/v3")
		for _, pre := range prefixes {
			if p == pre || strings.HasPrefix(p, pre+"/") || (strings.HasSuffix(pre, "/") && strings.HasPrefix(p, pre)) {
				c.removeLocked(key)
				c.stats.Invalidated++
				break
			}
		}
	}
}

// stalePrefixes returns the paths under which a write to path may change
// what GitHub answers. Under a repository that is the whole repository
// (an issue changes its lists, the repository's open-issue count, the
// pull request of the same number...), plus searches and the issue lists
// that span repositories; elsewhere the path's top (/gists/ID, /user).
func stalePrefixes(path string) []string {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	top := func(n int) string { return "/" + strings.Join(seg[:min(n, len(seg))], "/") }
	switch seg[0] {
	case "repos":
		return []string{top(3), "/search/", "/issues", "/user/issues"}
	case "orgs", "users", "gists", "teams", "projects":
		return []string{top(2)}
	}
	return []string{top(1)}
}

func (c *Cache) remove(key string) {
	c.mu.Lock()
	c.removeLocked(key)
	c.mu.Unlock()
}

func (c *Cache) removeLocked(key string) {
	if el, ok := c.items[key]; ok {
		c.bytes -= el.Value.(*cacheEntry).size()
		c.lru.Remove(el)
		delete(c.items, key)
	}
}

func (c *Cache) count(f func(*CacheStats)) {
	c.mu.Lock()
	f(&c.stats)
	c.mu.Unlock()
}

// Forget drops the kept reads at each of paths or beneath it (whole path
// segments, case-insensitive, any query: "/repos/o/r/issues/5" drops that
// issue, its comments and its events, not issue 50) and returns how many
// it dropped. A webhook calls it with what an event made stale, so that
// the next read is a full one even if GitHub's ETag lags behind the
// change. Like a write, it also keeps a read in flight from storing what
// it fetched before the change.
func (c *Cache) Forget(paths ...string) int {
	prefixes := make([]string, 0, len(paths))
	for _, p := range paths {
		p = strings.TrimSuffix(strings.ToLower(strings.TrimPrefix(p, "/api/v3")), "/")
		if p != "" {
			prefixes = append(prefixes, p)
		}
	}
	if len(prefixes) == 0 {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	dropped := 0
	for key, el := range c.items {
		p := strings.TrimPrefix(el.Value.(*cacheEntry).path, "/api/v3")
		for _, pre := range prefixes {
			if p == pre || strings.HasPrefix(p, pre+"/") {
				c.removeLocked(key)
				c.stats.Invalidated++
				dropped++
				break
			}
		}
	}
	return dropped
}
