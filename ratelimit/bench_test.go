package ratelimit_test

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ghmcp/ghmcp/ratelimit"
)

// noopGitHub answers every request at once with a 200 carrying GitHub's
// rate-limit headers, its remaining budget counting down as GitHub's does
// (the limiter would otherwise, rightly, run out of budget in a long run).
type noopGitHub struct {
	reset string
	used  atomic.Int64
}

func newNoopGitHub() *noopGitHub {
	return &noopGitHub{reset: strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10)}
}

func (n *noopGitHub) RoundTrip(req *http.Request) (*http.Response, error) {
	used := n.used.Add(1)
	h := make(http.Header, 5)
	h["X-Ratelimit-Limit"] = []string{"1000000000"}
	h["X-Ratelimit-Remaining"] = []string{strconv.FormatInt(1_000_000_000-used, 10)}
	h["X-Ratelimit-Used"] = []string{strconv.FormatInt(used, 10)}
	h["X-Ratelimit-Reset"] = []string{n.reset}
	h["X-Ratelimit-Resource"] = []string{"core"}
	return &http.Response{StatusCode: http.StatusOK, Status: "200 OK", Header: h, Body: http.NoBody, Request: req}, nil
}

func benchRequest(b *testing.B) *http.Request {
	req, err := http.NewRequest(http.MethodGet, "https://api.github.test/repos/octo/hello/issues/1", nil)
	if err != nil {
		b.Fatal(err)
	}
	return req
}

func roundTrips(b *testing.B, rt http.RoundTripper) {
	req := benchRequest(b)
	b.ReportAllocs()
	for b.Loop() {
		resp, err := rt.RoundTrip(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("got %v, %v", resp, err)
		}
	}
}

// BenchmarkBaseline calls the no-op GitHub directly.
func BenchmarkBaseline(b *testing.B) {
	roundTrips(b, newNoopGitHub())
}

// BenchmarkTransportOverhead sends a GET through the limiter (system
// clock, default config) to the no-op GitHub; the difference from
// BenchmarkBaseline is the limiter's cost per request.
func BenchmarkTransportOverhead(b *testing.B) {
	roundTrips(b, ratelimit.New(benchConfig(), nil, nil).Transport(newNoopGitHub()))
}

// benchConfig is the default config with a points budget too large to
// run out of in a benchmark: its accounting is measured, not its waits.
func benchConfig() ratelimit.Config {
	cfg := ratelimit.DefaultConfig()
	cfg.PointsPerMinute = 1 << 30
	return cfg
}

// BenchmarkTransportOverheadParallel is BenchmarkTransportOverhead from
// GOMAXPROCS goroutines, to show contention on the limiter's lock and
// slots (MaxConcurrent is raised so that the cap itself does not queue).
func BenchmarkTransportOverheadParallel(b *testing.B) {
	cfg := benchConfig()
	cfg.MaxConcurrent = 1024
	rt := ratelimit.New(cfg, nil, nil).Transport(newNoopGitHub())
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		req := benchRequest(b)
		for pb.Next() {
			if _, err := rt.RoundTrip(req); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
