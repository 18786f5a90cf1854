// Package redisstore shares ghmcp's rate-limit state through Redis, so that
// every ghmcp process using the same token keeps within GitHub's limits
// together: the concurrency slots (leases that expire when their process
// dies), the write turn and spacing, the points and content budgets, the
// primary budgets and the secondary-limit pause.
//
// Each operation is one Lua script, run atomically by Redis: no two
// processes can both take the last slot. The scripts read Redis's own clock
// (TIME), so processes on different machines agree on time. Keys are
// namespaced by a fingerprint of the token (ratelimit.TokenKey), never the
// token, and expire when unused.
package redisstore

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ghmcp/ghmcp/ratelimit"
)

var (
	//go:embed acquire.lua
	acquireSrc string
	//go:embed release.lua
	releaseSrc string
	//go:embed renew.lua
	renewSrc string
	//go:embed state.lua
	stateSrc string

	acquireScript = redis.NewScript(acquireSrc)
	releaseScript = redis.NewScript(releaseSrc)
	renewScript   = redis.NewScript(renewSrc)
	stateScript   = redis.NewScript(stateSrc)
)

// Options configures New.
type Options struct {
	// URL is the Redis URL, e.g. redis://127.0.0.1:6379/0 (rediss:// for
	// TLS; a password goes in the URL's user info).
	URL string
	// TokenKey namespaces the keys: ratelimit.TokenKey(token).
	TokenKey string
	// Clock, if set, replaces Redis's clock (tests); every process sharing
	// the store must then use the same one.
	Clock ratelimit.Clock
	// Timeout bounds each Redis call (default 1s): past it, the call
	// fails and ratelimit.Failover falls back to local limits.
	Timeout time.Duration
	// Logger receives renewal failures; nil discards them.
	Logger *slog.Logger
}

// Store is a ratelimit.Store in Redis.
type Store struct {
	rdb   *redis.Client
	keys  keys
	clock ratelimit.Clock
	log   *slog.Logger
	idPfx string
	seq   atomic.Uint64
	ttl   atomic.Int64 // the lease TTL of the latest Acquire, in ns

	mu   sync.Mutex
	held map[string]string // lease id -> member, for renewal

	poke chan struct{} // the TTL got shorter: renew sooner
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

type keys struct {
	prefix                                    string
	state, slots, writer, points, cmin, chour string
	gqlPoints, resources                      string
}

func (k keys) budget(resource string) string { return k.prefix + "budget:" + resource }

// New returns a store for opts.URL. It does not connect: the first call
// does (see Ping).
func New(opts Options) (*Store, error) {
	ro, err := redis.ParseURL(opts.URL)
	if err != nil {
		return nil, CheckURL(opts.URL)
	}
	if opts.TokenKey == "" {
		return nil, errors.New("redisstore: Options.TokenKey is required")
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = time.Second
	}
	ro.DialTimeout, ro.ReadTimeout, ro.WriteTimeout = timeout, timeout, timeout
	ro.PoolTimeout = 2 * timeout
	ro.MaxRetries = -1 // failing over beats retrying
	ro.DisableIdentity = true
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	// go-redis prints its connection failures to stderr through a logger of
	// its own, one per process; they are ours to report (Failover warns
	// once per outage, with the error).
	quietDriver.Do(func() { redis.SetLogger(discardLogger{}) })
	// {…} is a hash tag: in a Redis Cluster all keys of a token share a slot.
	p := "ghmcp:{" + opts.TokenKey + "}:"
	var id [6]byte
	rand.Read(id[:])
	s := &Store{
		rdb:   redis.NewClient(ro),
		keys:  keys{prefix: p, state: p + "state", slots: p + "slots", writer: p + "writer", points: p + "points", gqlPoints: p + "points:graphql", cmin: p + "content:minute", chour: p + "content:hour", resources: p + "resources"},
		clock: opts.Clock,
		log:   logger,
		idPfx: hex.EncodeToString(id[:]) + "-",
		held:  map[string]string{},
		poke:  make(chan struct{}, 1),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	s.ttl.Store(int64(ratelimit.DefaultConfig().LeaseTTL))
	go s.renewLoop()
	return s, nil
}

var quietDriver sync.Once

type discardLogger struct{}

func (discardLogger) Printf(context.Context, string, ...any) {}

// Kind returns "redis".
func (s *Store) Kind() string { return "redis" }

// Ping checks that Redis answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.rdb.Ping(ctx).Err()
}

// Close stops renewing leases and closes the connections. Leases still
// held expire after their TTL, as if the process had died.
func (s *Store) Close() error {
	s.once.Do(func() { close(s.stop) })
	<-s.done
	return s.rdb.Close()
}

// now is the time passed to the scripts: 0 means Redis's clock.
func (s *Store) now() int64 {
	if s.clock == nil {
		return 0
	}
	return s.clock.Now().UnixMilli()
}

func ms(d time.Duration) int64 { return d.Milliseconds() }

func b01(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Acquire implements ratelimit.Store.
func (s *Store) Acquire(ctx context.Context, t ratelimit.Ticket, lim ratelimit.Limits) (ratelimit.Grant, error) {
	if old := s.ttl.Swap(int64(lim.LeaseTTL)); int64(lim.LeaseTTL) < old {
		select {
		case s.poke <- struct{}{}:
		default:
		}
	}
	id := s.idPfx + strconv.FormatUint(s.seq.Add(1), 36)
	k := s.keys
	// GraphQL's points are a window of their own, under their own limit;
	// the script is the same.
	points, ppm := k.points, lim.PointsPerMinute
	if t.GraphQL {
		points, ppm = k.gqlPoints, lim.GraphQLPointsPerMinute
	}
	res, err := acquireScript.Run(ctx, s.rdb,
		[]string{k.state, k.slots, k.writer, points, k.cmin, k.chour, k.budget(t.Resource)},
		s.now(), id, t.Resource, b01(t.Write), t.Points, b01(t.Content), lim.MaxConcurrent,
		ms(lim.WriteSpacing), ppm, lim.ContentPerMinute, lim.ContentPerHour,
		ms(lim.ResetBuffer), ms(lim.LeaseTTL),
	).Slice()
	if err != nil {
		return ratelimit.Grant{}, fmt.Errorf("redis acquire: %w", err)
	}
	if len(res) == 1 {
		lease := ratelimit.Lease{ID: id, Resource: t.Resource, Write: t.Write}
		s.mu.Lock()
		s.held[id] = member(lease)
		s.mu.Unlock()
		return ratelimit.Grant{OK: true, Lease: lease}, nil
	}
	if len(res) != 4 {
		return ratelimit.Grant{}, fmt.Errorf("redis acquire: unexpected answer %v", res)
	}
	reason, _ := res[1].(string)
	if t.GraphQL && reason == ratelimit.ReasonPoints {
		reason = ratelimit.ReasonGraphQLPoints
	}
	wait, _ := res[2].(int64)
	shared, _ := res[3].(int64)
	return ratelimit.Grant{Reason: reason, Wait: max(time.Duration(wait)*time.Millisecond, 0), Shared: shared == 1}, nil
}

// member is a lease's entry in the slots set; the resource comes last, so
// that the scripts can count the leases of a resource by suffix.
func member(l ratelimit.Lease) string {
	return l.ID + "|" + strconv.Itoa(b01(l.Write)) + "|" + l.Resource
}

// Release implements ratelimit.Store.
func (s *Store) Release(ctx context.Context, l ratelimit.Lease, o ratelimit.Outcome, lim ratelimit.Limits) (ratelimit.Released, error) {
	s.mu.Lock()
	delete(s.held, l.ID)
	s.mu.Unlock()
	mode, resource := 0, l.Resource
	var limit, remaining, reset int64
	switch {
	case o.Budget != nil:
		mode, resource = 1, o.Budget.Resource
		limit, remaining, reset = int64(o.Budget.Limit), int64(o.Budget.Remaining), o.Budget.Reset.UnixMilli()
	case o.Counted && l.Resource != "":
		mode = 2
	}
	retryAfter := int64(-1)
	if o.RetryAfter >= 0 {
		retryAfter = ms(o.RetryAfter)
	}
	k := s.keys
	res, err := releaseScript.Run(ctx, s.rdb,
		[]string{k.state, k.slots, k.writer, k.budget(resource), k.resources},
		s.now(), member(l), l.ID, b01(l.Write), mode, limit, remaining, reset, resource,
		b01(o.Succeeded), b01(o.Secondary), retryAfter, ms(lim.SecondaryInitial), ms(lim.SecondaryMax),
	).Int64Slice()
	if err != nil {
		return ratelimit.Released{}, fmt.Errorf("redis release: %w", err)
	}
	var r ratelimit.Released
	if o.Secondary && len(res) == 2 {
		r.Pause = time.Duration(res[0]) * time.Millisecond
		r.PausedUntil = s.localNow().Add(time.Duration(res[1]) * time.Millisecond)
	}
	return r, nil
}

func (s *Store) localNow() time.Time {
	if s.clock != nil {
		return s.clock.Now()
	}
	return time.Now()
}

// State implements ratelimit.Store.
func (s *Store) State(ctx context.Context) (ratelimit.StoreState, error) {
	k := s.keys
	names, err := s.rdb.SMembers(ctx, k.resources).Result()
	if err != nil {
		return ratelimit.StoreState{}, fmt.Errorf("redis state: %w", err)
	}
	keys := []string{k.state, k.slots, k.points, k.cmin, k.chour, k.gqlPoints}
	args := []any{s.now()}
	for _, n := range names {
		keys = append(keys, k.budget(n))
		args = append(args, n)
	}
	res, err := stateScript.Run(ctx, s.rdb, keys, args...).Slice()
	if err != nil || len(res) < 6 {
		return ratelimit.StoreState{}, fmt.Errorf("redis state: %v %w", res, err)
	}
	num := func(v any) int64 { n, _ := v.(int64); return n }
	now := s.localNow()
	st := ratelimit.StoreState{
		Kind:              s.Kind(),
		Healthy:           true,
		InFlight:          int(num(res[1])),
		PointsUsed:        int(num(res[2])),
		ContentLastMinute: int(num(res[3])),
		ContentLastHour:   int(num(res[4])),
		GraphQLPointsUsed: int(num(res[5])),
		Budgets:           []ratelimit.Budget{},
	}
	if left := num(res[0]); left > 0 {
		st.PausedUntil = now.Add(time.Duration(left) * time.Millisecond)
	}
	for i := 6; i+4 < len(res); i += 5 {
		name, _ := res[i].(string)
		st.Budgets = append(st.Budgets, ratelimit.Budget{
			Resource:  name,
			Limit:     int(num(res[i+1])),
			Remaining: int(max(num(res[i+2])-num(res[i+4]), 0)),
			Reset:     time.UnixMilli(num(res[i+3])),
		})
	}
	slicesSortBudgets(st.Budgets)
	return st, nil
}

func slicesSortBudgets(bs []ratelimit.Budget) {
	for i := 1; i < len(bs); i++ {
		for j := i; j > 0 && strings.Compare(bs[j-1].Resource, bs[j].Resource) > 0; j-- {
			bs[j-1], bs[j] = bs[j], bs[j-1]
		}
	}
}

// renewLoop extends the leases this process holds every third of their
// TTL, so that only the leases of a dead process expire.
func (s *Store) renewLoop() {
	defer close(s.done)
	for {
		ttl := time.Duration(s.ttl.Load())
		t := time.NewTimer(max(ttl/3, 50*time.Millisecond))
		select {
		case <-s.stop:
			t.Stop()
			return
		case <-s.poke:
			t.Stop()
			continue
		case <-t.C:
		}
		s.mu.Lock()
		members := make([]any, 0, len(s.held)+2)
		members = append(members, s.now(), ms(ttl))
		for _, m := range s.held {
			members = append(members, m)
		}
		s.mu.Unlock()
		if len(members) == 2 {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), ttl/3)
		err := renewScript.Run(ctx, s.rdb, []string{s.keys.slots, s.keys.writer}, members...).Err()
		cancel()
		if err != nil {
			s.log.Warn("rate limit: could not renew leases in Redis", "error", err)
		}
	}
}

// CheckURL checks a Redis URL without connecting. Its error never repeats
// the URL, which may carry a password.
func CheckURL(raw string) error {
	if _, err := redis.ParseURL(raw); err != nil {
		return errors.New("invalid Redis URL: want redis://[USER:PASSWORD@]HOST:PORT/DB or rediss://... (TLS), e.g. redis://127.0.0.1:6379/0")
	}
	return nil
}
