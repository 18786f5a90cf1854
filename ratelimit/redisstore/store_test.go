package redisstore_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ghmcp/ghmcp/internal/redistest"
	"github.com/ghmcp/ghmcp/ratelimit"
	"github.com/ghmcp/ghmcp/ratelimit/redisstore"
	"github.com/ghmcp/ghmcp/ratelimit/storetest"
)

const token = "ghp_redisTestTOKEN0123456789abcdefghijkl"

var tokenKeys atomic.Int64

// newStore returns a store on srv for a token of its own, so that tests
// sharing a server do not see each other's state.
func newStore(t *testing.T, srv *redistest.Server, clock ratelimit.Clock, key string) *redisstore.Store {
	t.Helper()
	s, err := redisstore.New(redisstore.Options{URL: srv.URL(), TokenKey: key, Clock: clock, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func freshKey() string {
	return ratelimit.TokenKey(token + string(rune('a'+tokenKeys.Add(1))))
}

func TestRedisStore(t *testing.T) {
	srv := redistest.Start(t)
	storetest.Run(t, func(t *testing.T, clock ratelimit.Clock) ratelimit.Store {
		return newStore(t, srv, clock, freshKey())
	})
}

// TestLeaseExpiry: a process that dies holding slots and the write turn
// (here: a store closed without releasing, which stops its renewals)
// blocks the others only until its leases expire.
func TestLeaseExpiry(t *testing.T) {
	srv := redistest.Start(t)
	clock := storetest.NewClock()
	key := freshKey()
	lim := storetest.Limits()
	lim.LeaseTTL = 3 * time.Second // real time matters for the writer key: room for a loaded machine
	ctx := context.Background()

	dead := newStore(t, srv, clock, key)
	for _, tk := range []ratelimit.Ticket{{Resource: "core", Write: true, Points: 1}, {Resource: "core", Points: 1}} {
		if g, err := dead.Acquire(ctx, tk, lim); err != nil || !g.OK {
			t.Fatalf("the process that will die: %+v, %v", g, err)
		}
	}
	dead.Close()

	alive := newStore(t, srv, clock, key)
	g, err := alive.Acquire(ctx, ratelimit.Ticket{Resource: "core", Points: 1}, lim)
	if err != nil || g.OK || g.Reason != ratelimit.ReasonConcurrency || !g.Shared || g.Wait != lim.LeaseTTL {
		t.Fatalf("while the dead leases live: %+v, %v; want refused for the cap, shared, wait %v", g, err, lim.LeaseTTL)
	}
	g, err = alive.Acquire(ctx, ratelimit.Ticket{Resource: "core", Write: true, Points: 1}, lim)
	if err != nil || g.OK || g.Reason != ratelimit.ReasonWriteInFlight {
		t.Fatalf("write while the dead write lease lives: %+v, %v", g, err)
	}
	clock.Advance(lim.LeaseTTL)
	// The writer key expires by Redis's own clock (PX); wait for it.
	deadline := time.Now().Add(lim.LeaseTTL + 5*time.Second)
	for {
		g, err = alive.Acquire(ctx, ratelimit.Ticket{Resource: "core", Write: true, Points: 1}, lim)
		if err != nil {
			t.Fatal(err)
		}
		if g.OK || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !g.OK {
		t.Fatalf("after the TTL: %+v, want admitted", g)
	}
	if st, _ := alive.State(ctx); st.InFlight != 1 {
		t.Errorf("in flight %d after the dead leases expired, want 1 (ours)", st.InFlight)
	}
}

// TestLeasesRenewed: a live process's lease outlives its TTL.
func TestLeasesRenewed(t *testing.T) {
	srv := redistest.Start(t)
	key := freshKey()
	lim := storetest.Limits()
	lim.MaxConcurrent = 1
	lim.LeaseTTL = time.Second
	ctx := context.Background()
	a, b := newStore(t, srv, nil, key), newStore(t, srv, nil, key) // Redis's clock
	if g, err := a.Acquire(ctx, ratelimit.Ticket{Resource: "core", Points: 1}, lim); err != nil || !g.OK {
		t.Fatalf("first: %+v, %v", g, err)
	}
	time.Sleep(3 * lim.LeaseTTL)
	if g, err := b.Acquire(ctx, ratelimit.Ticket{Resource: "core", Points: 1}, lim); err != nil || g.OK {
		t.Fatalf("another process took the slot of a live one after %v: %+v, %v", 3*lim.LeaseTTL, g, err)
	}
}

// TestKeysNameNoToken: keys carry the token's fingerprint, never the token.
func TestKeysNameNoToken(t *testing.T) {
	srv := redistest.Start(t)
	key := ratelimit.TokenKey(token)
	s := newStore(t, srv, nil, key)
	lim := storetest.Limits()
	ctx := context.Background()
	g, err := s.Acquire(ctx, ratelimit.Ticket{Resource: "core", Write: true, Points: 5, Content: true}, lim)
	if err != nil || !g.OK {
		t.Fatal(g, err)
	}
	if _, err := s.Release(ctx, g.Lease, ratelimit.Outcome{Budget: &ratelimit.Budget{Resource: "core", Limit: 5000, Remaining: 3, Reset: time.Now().Add(time.Hour)}}, lim); err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer rdb.Close()
	keys, err := rdb.Keys(ctx, "*").Result()
	if err != nil || len(keys) == 0 {
		t.Fatalf("keys %v, %v", keys, err)
	}
	for _, k := range keys {
		if strings.Contains(k, token) || !strings.HasPrefix(k, "ghmcp:{"+key+"}:") {
			t.Errorf("key %q: want the prefix ghmcp:{<fingerprint>}: and no token", k)
		}
		if ttl, _ := rdb.PTTL(ctx, k).Result(); ttl < 0 {
			t.Errorf("key %q never expires", k)
		}
	}
}

// TestFailover: with Redis gone the limiter keeps working on conservative
// local limits, and goes back to Redis when it returns.
func TestFailover(t *testing.T) {
	srv := redistest.Start(t)
	key := freshKey()
	s := newStore(t, srv, nil, key)
	f := ratelimit.NewFailover(s, nil, nil)
	f.ProbeInterval = 100 * time.Millisecond
	lim := storetest.Limits()
	lim.MaxConcurrent = 8
	ctx := context.Background()
	read := ratelimit.Ticket{Resource: "core", Points: 1}

	g, err := f.Acquire(ctx, read, lim)
	if err != nil || !g.OK || !f.Healthy() {
		t.Fatalf("with Redis: %+v, %v, healthy %v", g, err, f.Healthy())
	}
	srv.Stop()
	// The lease taken from Redis is released into the void: no error.
	if _, err := f.Release(ctx, g.Lease, ratelimit.Outcome{Succeeded: true}, lim); err != nil {
		t.Fatal(err)
	}
	if f.Healthy() {
		t.Fatal("healthy with Redis stopped")
	}
	// Conservative: a quarter of the cap, 2 of 8.
	var leases []ratelimit.Lease
	for range 2 {
		g, err := f.Acquire(ctx, read, lim)
		if err != nil || !g.OK {
			t.Fatalf("without Redis: %+v, %v", g, err)
		}
		leases = append(leases, g.Lease)
	}
	if g, _ := f.Acquire(ctx, read, lim); g.OK || g.Reason != ratelimit.ReasonConcurrency {
		t.Errorf("third without Redis: %+v, want the conservative cap of 2", g)
	}
	if st, err := f.State(ctx); err != nil || st.Kind != "redis" || st.Healthy || st.InFlight != 2 {
		t.Errorf("State without Redis: %+v, %v", st, err)
	}

	srv.Restart()
	// go-redis itself waits about a second before dialling again after
	// failed dials.
	deadline := time.Now().Add(10 * time.Second)
	for {
		g, err = f.Acquire(ctx, read, lim)
		if f.Healthy() || time.Now().After(deadline) {
			break
		}
		if g.OK {
			f.Release(ctx, g.Lease, ratelimit.Outcome{}, lim)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil || !g.OK || !f.Healthy() {
		t.Fatalf("with Redis back: %+v, %v, healthy %v", g, err, f.Healthy())
	}
	// Local leases still go back to the local store.
	for _, l := range leases {
		if _, err := f.Release(ctx, l, ratelimit.Outcome{}, lim); err != nil {
			t.Fatal(err)
		}
	}
	if st, err := f.State(ctx); err != nil || !st.Healthy || st.InFlight != 1 {
		t.Errorf("State with Redis back: %+v, %v", st, err)
	}
}
