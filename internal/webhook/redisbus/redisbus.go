// Package redisbus shares webhook events between ghmcp instances through
// Redis publish/subscribe. A delivery is processed by one instance (the
// deduper lets one through); what it makes stale, though, is held by every
// instance: each keeps its own conditional-request caches and its own
// subscribed sessions. The instance that processes a delivery publishes the
// event, and every other instance applies it to its own sink.
//
//	POST /webhook ─ verify ─ dedupe ─ Fanout(local sink, Bus) ─ PUBLISH ──┐
//	                                                                      ▼
//	other instances: Bus.Run ─ SUBSCRIBE ─ (not our own) ─ local sink ◄───┘
//
// Delivery between instances is Redis pub/sub's: at most once, to the
// instances subscribed at the time. An instance that misses an event
// serves cached reads until they are revalidated (a 304 round trip costs no
// budget) and its subscribers miss that one update.
package redisbus

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/redis/go-redis/v9"

	"github.com/ghmcp/ghmcp/internal/webhook"
)

// DefaultChannel is the Redis channel of ghmcp's webhook events.
const DefaultChannel = "ghmcp:webhook:events"

// Bus publishes the events this instance processes and applies the
// events other instances process.
type Bus struct {
	rdb     *redis.Client
	channel string
	id      string // this instance, to skip its own messages
	local   webhook.Sink
	logger  *slog.Logger
}

// message is what travels on the channel: the event without its payload
// (sinks use the type, repository and number; payloads can be 25 MB).
type message struct {
	From  string        `json:"from"`
	Event webhook.Event `json:"event"`
}

// New returns a bus on rdb's channel ("" for DefaultChannel) that applies
// other instances' events to local.
func New(rdb *redis.Client, channel string, local webhook.Sink, logger *slog.Logger) *Bus {
	if channel == "" {
		channel = DefaultChannel
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var b [8]byte
	_, _ = rand.Read(b[:])
	return &Bus{rdb: rdb, channel: channel, id: hex.EncodeToString(b[:]), local: local, logger: logger}
}

// Event publishes e for the other instances. It is a webhook.Sink: put it
// after the local sink in a webhook.Fanout.
func (b *Bus) Event(ctx context.Context, e webhook.Event) {
	e.Payload = nil
	raw, err := json.Marshal(message{From: b.id, Event: e})
	if err != nil {
		return
	}
	if err := b.rdb.Publish(ctx, b.channel, raw).Err(); err != nil {
		b.logger.Warn("webhook: could not share the event with the other instances", "event", e.Type, "delivery", e.Delivery, "error", err)
	}
}

// Run applies other instances' events to the local sink until ctx ends.
// It returns once subscribed, with the loop running in a goroutine, so
// that a caller knows events published from now on reach it.
func (b *Bus) Run(ctx context.Context) error {
	sub := b.rdb.Subscribe(ctx, b.channel)
	if _, err := sub.Receive(ctx); err != nil { // the subscription's confirmation
		sub.Close()
		return fmt.Errorf("webhook bus: subscribe to %s: %w", b.channel, err)
	}
	go func() {
		defer sub.Close()
		ch := sub.Channel()
		for {
			select {
			case <-ctx.Done():
				return
			case m, ok := <-ch:
				if !ok {
					return
				}
				var msg message
				if json.Unmarshal([]byte(m.Payload), &msg) != nil || msg.From == b.id {
					continue
				}
				msg.Event.Payload = nil // not sent; JSON's null would decode as "null"
				b.local.Event(ctx, msg.Event)
			}
		}
	}()
	return nil
}
