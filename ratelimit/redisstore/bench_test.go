package redisstore_test

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ghmcp/ghmcp/internal/redistest"
	"github.com/ghmcp/ghmcp/ratelimit"
	"github.com/ghmcp/ghmcp/ratelimit/redisstore"
)

// noopGitHub answers at once with a healthy budget.
type noopGitHub struct{ used atomic.Int64 }

func (n *noopGitHub) RoundTrip(req *http.Request) (*http.Response, error) {
	used := n.used.Add(1)
	h := http.Header{}
	h.Set("X-RateLimit-Limit", "1000000000")
	h.Set("X-RateLimit-Remaining", strconv.FormatInt(1_000_000_000-used, 10))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
	return &http.Response{StatusCode: 200, Status: "200 OK", Header: h, Body: http.NoBody, Request: req}, nil
}

// BenchmarkTransportOverheadRedis is ratelimit's BenchmarkTransportOverhead
// with the state in a local Redis (through Failover, as ghmcp runs it): two
// scripts per request, acquire and release.
func BenchmarkTransportOverheadRedis(b *testing.B) {
	srv := redistest.Start(b)
	s, err := redisstore.New(redisstore.Options{URL: srv.URL(), TokenKey: ratelimit.TokenKey("bench")})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	cfg := ratelimit.DefaultConfig()
	cfg.PointsPerMinute = 1 << 30
	cfg.Store = ratelimit.NewFailover(s, nil, nil)
	rt := ratelimit.New(cfg, nil, nil).Transport(&noopGitHub{})
	req, _ := http.NewRequest(http.MethodGet, "https://api.github.test/repos/octo/hello/issues/1", nil)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := rt.RoundTrip(req)
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("%v %v", resp, err)
		}
	}
}
