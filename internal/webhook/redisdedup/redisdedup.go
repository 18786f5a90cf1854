// Package redisdedup is a webhook.Deduper in Redis, shared by every ghmcp
// instance behind a load balancer: the first instance to SET NX a
// delivery's key processes it; the key expires after its TTL.
package redisdedup

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ghmcp/ghmcp/internal/webhook"
)

// DefaultPrefix starts every key.
const DefaultPrefix = "ghmcp:webhook:delivery:"

// Deduper is a webhook.Deduper on a Redis client.
type Deduper struct {
	rdb    redis.Cmdable
	prefix string
	ttl    time.Duration
}

var _ webhook.Deduper = (*Deduper)(nil)

// New returns a Deduper on rdb (the client the rate limiter's store
// uses will do). An empty prefix means DefaultPrefix; a zero ttl means
// webhook.DefaultTTL.
func New(rdb redis.Cmdable, prefix string, ttl time.Duration) *Deduper {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	if ttl <= 0 {
		ttl = webhook.DefaultTTL
	}
	return &Deduper{rdb: rdb, prefix: prefix, ttl: ttl}
}

// First is SET key 1 NX PX ttl: true when this call set it.
func (d *Deduper) First(ctx context.Context, id string) (bool, error) {
	ok, err := d.rdb.SetNX(ctx, d.prefix+id, 1, d.ttl).Result()
	if err != nil {
		return false, fmt.Errorf("redisdedup: SET NX %s: %w", d.prefix+id, err)
	}
	return ok, nil
}

// Key is the Redis key of id.
func (d *Deduper) Key(id string) string { return d.prefix + id }
