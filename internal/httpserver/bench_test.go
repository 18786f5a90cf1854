package httpserver_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ghmcp/ghmcp/github"
	"github.com/ghmcp/ghmcp/internal/httpserver"
	"github.com/ghmcp/ghmcp/internal/mcpserver"
	"github.com/ghmcp/ghmcp/internal/toolkit"
	"github.com/ghmcp/ghmcp/ratelimit"
)

// benchFactory is backendFor with the limiter's concurrency cap raised to
// GitHub's (100) and the cache on or off.
func benchFactory(api string, cached bool) httpserver.Factory {
	return func(token string) (*httpserver.Backend, error) {
		u, _ := url.Parse(api + "/")
		cfg := ratelimit.DefaultConfig()
		cfg.MaxConcurrent = 100
		cfg.PointsPerMinute = 1 << 30 // the fake has no secondary limits here
		limiter := ratelimit.New(cfg, nil, nil)
		var cache *ratelimit.Cache
		if cached {
			cache = ratelimit.NewCache(ratelimit.CacheConfig{TokenKey: ratelimit.TokenKey(token)})
		}
		client, err := github.NewClient(github.Options{Token: token, APIURL: u, Limiter: limiter, Cache: cache})
		if err != nil {
			return nil, err
		}
		srv, err := mcpserver.New(mcpserver.Options{Version: "bench", Deps: toolkit.Deps{GitHub: client, Logger: slog.New(slog.DiscardHandler)}})
		if err != nil {
			return nil, err
		}
		return &httpserver.Backend{Server: srv, Cache: cache}, nil
	}
}

// BenchmarkHTTP measures, through HTTP with Go SDK clients (one session
// each, 2025-11-25: the SDK's 2026-07-28 ping lacks the _meta version
// mcp-go requires), operations a second and p50/p99 latency at 1, 10 and
// 50 concurrent clients: ping and tools/list (no GitHub), a read the
// conditional cache answers (a 304 from the fake), and a read it cannot
// (cache off).
//
//	go test -run '^$' -bench BenchmarkHTTP -benchtime 2000x ./internal/httpserver/
func BenchmarkHTTP(b *testing.B) {
	type op struct {
		name   string
		cached bool
		call   func(ctx context.Context, cs *sdk.ClientSession) error
	}
	read := func(ctx context.Context, cs *sdk.ClientSession) error {
		res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "get_repository_details", Arguments: map[string]any{"owner": "octo", "repo": "hello"}})
		if err == nil && res.IsError {
			err = fmt.Errorf("%v", res.Content)
		}
		return err
	}
	ops := []op{
		{"ping", true, func(ctx context.Context, cs *sdk.ClientSession) error { return cs.Ping(ctx, nil) }},
		{"tools_list", true, func(ctx context.Context, cs *sdk.ClientSession) error { _, err := cs.ListTools(ctx, nil); return err }},
		{"read_cached", true, read},
		{"read_uncached", false, read},
	}
	for _, o := range ops {
		for _, clients := range []int{1, 10, 50} {
			b.Run(fmt.Sprintf("%s/clients=%d", o.name, clients), func(b *testing.B) {
				s := setup(b, httpserver.Options{})
				s.gh.SetRate("core", 1<<30, 1<<30, time.Now().Add(time.Hour))
				srv := httpserver.New(httpserver.Options{Factory: benchFactory(s.api, o.cached)})
				ts := newTS(b, srv)
				ctx := context.Background()
				sessions := make([]*sdk.ClientSession, clients)
				for i := range sessions {
					sessions[i] = connect(b, ctx, ts+"/mcp", clientToken, "2025-11-25", nil)
					if err := o.call(ctx, sessions[i]); err != nil { // warm: the cache holds the answer
						b.Fatal(err)
					}
				}
				lat := make([]time.Duration, b.N)
				var next sync.Mutex
				i := 0
				b.ResetTimer()
				start := time.Now()
				var wg sync.WaitGroup
				for _, cs := range sessions {
					wg.Go(func() {
						for {
							next.Lock()
							n := i
							i++
							next.Unlock()
							if n >= b.N {
								return
							}
							t0 := time.Now()
							if err := o.call(ctx, cs); err != nil {
								b.Error(err)
								return
							}
							lat[n] = time.Since(t0)
						}
					})
				}
				wg.Wait()
				elapsed := time.Since(start)
				b.StopTimer()
				slices.Sort(lat)
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "ops/s")
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
			})
		}
	}
}

// BenchmarkSessionMemory opens sessions (2025-11-25: initialize, with a
// session id the server keeps) and reports the heap they hold each.
func BenchmarkSessionMemory(b *testing.B) {
	s := setup(b, httpserver.Options{})
	srv := httpserver.New(httpserver.Options{Factory: benchFactory(s.api, true)})
	ts := newTS(b, srv)
	post(b, ts+"/mcp", initialize, map[string]string{"Authorization": "Bearer " + clientToken}) // the identity exists
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for range b.N {
		if status, body := post(b, ts+"/mcp", initialize, map[string]string{"Authorization": "Bearer " + clientToken}); status != http.StatusOK || !strings.Contains(body, "protocolVersion") {
			b.Fatal(status, body)
		}
	}
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/float64(b.N), "heap-bytes/session")
}
