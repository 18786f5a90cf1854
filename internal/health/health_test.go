package health_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ghmcp/ghmcp/internal/health"
	"github.com/ghmcp/ghmcp/ratelimit"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

type budgets []ratelimit.Budget

func (b budgets) Budgets() []ratelimit.Budget { return append([]ratelimit.Budget(nil), b...) }

func get(t *testing.T, h http.Handler) (int, []string) {
	t.Helper()
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, httptest.NewRequest(http.MethodGet, "/", nil))
	if ct := rr.Header().Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	return rr.Code, strings.Split(strings.TrimSpace(rr.Body.String()), "\n")
}

func TestReady(t *testing.T) {
	redisDown := health.PingFunc(func(context.Context) error { return errors.New("dial tcp 127.0.0.1:6379: connect: connection refused") })
	redisUp := health.PingFunc(func(context.Context) error { return nil })
	tests := []struct {
		name   string
		opts   health.Options
		status int
		body   []string
	}{
		{
			name:   "nothing configured is ready",
			status: 200,
			body:   []string{"ready"},
		},
		{
			name:   "a reachable Redis and budget left are ready",
			opts:   health.Options{Redis: redisUp, Budgets: budgets{{Resource: "search", Limit: 30, Remaining: 29}, {Resource: "core", Limit: 5000, Remaining: 4999, Reset: now.Add(time.Hour)}}},
			status: 200,
			body:   []string{"redis: ok", "github core budget: 4999 of 5000 remaining", "github search budget: 29 of 30 remaining", "ready"},
		},
		{
			name:   "an unreachable Redis is not ready",
			opts:   health.Options{Redis: redisDown},
			status: 503,
			body:   []string{"redis: unreachable: dial tcp 127.0.0.1:6379: connect: connection refused", "not ready"},
		},
		{
			name:   "a spent budget is not ready, and says until when",
			opts:   health.Options{Budgets: budgets{{Resource: "core", Limit: 5000, Remaining: 0, Reset: now.Add(25*time.Minute + 400*time.Millisecond)}}},
			status: 503,
			body:   []string{"github core budget: exhausted (0 of 5000) until 2026-03-01T12:25:00Z (in 25m0s)", "not ready"},
		},
		{
			name:   "a spent budget whose reset has passed is ready (the next answer refills it)",
			opts:   health.Options{Budgets: budgets{{Resource: "core", Limit: 5000, Remaining: 0, Reset: now.Add(-time.Second)}}},
			status: 200,
			body:   []string{"github core budget: 0 of 5000 remaining", "ready"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Now = func() time.Time { return now }
			status, body := get(t, health.New(tt.opts).Ready())
			if status != tt.status {
				t.Errorf("status = %d, want %d", status, tt.status)
			}
			if diff := cmp.Diff(tt.body, body); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
		})
	}
}

// /healthz checks nothing but the process: a Redis outage must not get
// every instance restarted at once.
func TestLiveIgnoresDependencies(t *testing.T) {
	c := health.New(health.Options{Redis: health.PingFunc(func(context.Context) error { return errors.New("down") })})
	status, body := get(t, c.Live())
	if status != 200 || !cmp.Equal(body, []string{"ok"}) {
		t.Errorf("/healthz = %d %q, want 200 ok", status, body)
	}
}

// The ping is bounded: a Redis that never answers makes the instance not
// ready rather than hanging the probe.
func TestReadyBoundsThePing(t *testing.T) {
	hang := health.PingFunc(func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	status, body := get(t, health.New(health.Options{Redis: hang, Timeout: time.Millisecond}).Ready())
	if status != 503 || body[0] != "redis: unreachable: context deadline exceeded" {
		t.Errorf("/readyz = %d %q", status, body)
	}
}
