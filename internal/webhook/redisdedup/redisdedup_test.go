package redisdedup_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ghmcp/ghmcp/internal/redistest"
	"github.com/ghmcp/ghmcp/internal/webhook"
	"github.com/ghmcp/ghmcp/internal/webhook/dedupetest"
	"github.com/ghmcp/ghmcp/internal/webhook/redisdedup"
)

func client(t *testing.T, srv *redistest.Server) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	return c
}

func TestRedisDeduperConforms(t *testing.T) {
	srv := redistest.Start(t)
	var n atomic.Int64
	dedupetest.Run(t, func(t *testing.T) (webhook.Deduper, webhook.Deduper) {
		// A prefix per test, so that tests sharing the server start empty;
		// two clients, as two instances would have.
		prefix := "test" + string(rune('a'+n.Add(1))) + ":"
		return redisdedup.New(client(t, srv), prefix, time.Minute), redisdedup.New(client(t, srv), prefix, time.Minute)
	})
}

// The key expires: Redis, not ghmcp, forgets old deliveries.
func TestRedisDeduperSetsTheTTL(t *testing.T) {
	srv := redistest.Start(t)
	c := client(t, srv)
	d := redisdedup.New(c, "", 10*time.Minute)
	if ok, err := d.First(context.Background(), "abc"); err != nil || !ok {
		t.Fatalf("First = %v, %v", ok, err)
	}
	ttl, err := c.PTTL(context.Background(), redisdedup.DefaultPrefix+"abc").Result()
	if err != nil {
		t.Fatal(err)
	}
	if ttl <= 0 || ttl > 10*time.Minute {
		t.Errorf("PTTL = %v, want in (0, 10m]", ttl)
	}
}

// A Redis that is gone is an error, never a "first": the handler answers
// 503 and GitHub's redelivery gets another chance.
func TestRedisDeduperReportsAnUnreachableRedis(t *testing.T) {
	srv := redistest.Start(t)
	c := client(t, srv)
	srv.Stop()
	ok, err := redisdedup.New(c, "", time.Minute).First(context.Background(), "abc")
	if err == nil || ok {
		t.Errorf("First = %v, %v; want false and an error", ok, err)
	}
}
