package redisbus_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ghmcp/ghmcp/internal/redistest"
	"github.com/ghmcp/ghmcp/internal/webhook"
	"github.com/ghmcp/ghmcp/internal/webhook/redisbus"
)

// recorder is a local sink that records the events it is given.
type recorder struct {
	mu     sync.Mutex
	events []webhook.Event
	got    chan struct{}
}

func newRecorder() *recorder { return &recorder{got: make(chan struct{}, 10)} }

func (r *recorder) Event(_ context.Context, e webhook.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
	r.got <- struct{}{}
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.events)
}

// An event one instance processes reaches the other instances' sinks once,
// without its payload, and never comes back to the instance that sent it.
func TestEventsReachTheOtherInstances(t *testing.T) {
	srv := redistest.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var buses []*redisbus.Bus
	var sinks []*recorder
	for range 3 {
		opt, err := redis.ParseURL(srv.URL())
		if err != nil {
			t.Fatal(err)
		}
		rdb := redis.NewClient(opt)
		t.Cleanup(func() { rdb.Close() })
		r := newRecorder()
		b := redisbus.New(rdb, "test:events", r, nil)
		if err := b.Run(ctx); err != nil {
			t.Fatal(err)
		}
		buses, sinks = append(buses, b), append(sinks, r)
	}
	e := webhook.Event{Type: "issues", Action: "edited", Delivery: "d-1", Repo: "octo/hello", Number: 7, Payload: []byte(`{"big":"payload"}`)}
	buses[0].Event(ctx, e)
	for i, r := range sinks[1:] {
		select {
		case <-r.got:
		case <-time.After(10 * time.Second):
			t.Fatalf("instance %d never got the event", i+1)
		}
		r.mu.Lock()
		got := r.events[0]
		r.mu.Unlock()
		if got.Type != "issues" || got.Repo != "octo/hello" || got.Number != 7 || got.Delivery != "d-1" || got.Payload != nil {
			t.Errorf("instance %d got %+v", i+1, got)
		}
	}
	// The sender's own message is skipped: publish another event from
	// instance 1 and wait for instance 2, by which time instance 0 has
	// seen both messages on the channel.
	buses[1].Event(ctx, webhook.Event{Type: "ping", Delivery: "d-2"})
	select {
	case <-sinks[2].got:
	case <-time.After(10 * time.Second):
		t.Fatal("instance 2 never got the second event")
	}
	select {
	case <-sinks[0].got:
	case <-time.After(10 * time.Second):
		t.Fatal("instance 0 never got instance 1's event")
	}
	if n := sinks[0].count(); n != 1 {
		t.Errorf("instance 0 applied %d events, want 1 (its own must not come back)", n)
	}
}
