package webhook_test

import (
	"context"
	"testing"
	"time"

	"github.com/ghmcp/ghmcp/internal/webhook"
	"github.com/ghmcp/ghmcp/internal/webhook/dedupetest"
)

func TestMemoryDeduperConforms(t *testing.T) {
	dedupetest.Run(t, func(t *testing.T) (webhook.Deduper, webhook.Deduper) {
		d := webhook.NewMemoryDeduper(0, 0, nil)
		return d, d // one process: both "instances" share the memory
	})
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestMemoryDeduperForgetsAfterItsTTL(t *testing.T) {
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	d := webhook.NewMemoryDeduper(10, time.Hour, c.now)
	ctx := context.Background()
	steps := []struct {
		advance time.Duration
		id      string
		want    bool
	}{
		{0, "x", true},
		{59 * time.Minute, "x", false},
		{time.Minute, "x", true}, // an hour after the first: forgotten, recorded again
		{30 * time.Minute, "x", false},
	}
	for i, s := range steps {
		c.t = c.t.Add(s.advance)
		if got, _ := d.First(ctx, s.id); got != s.want {
			t.Errorf("step %d (+%v): First(%q) = %v, want %v", i+1, s.advance, s.id, got, s.want)
		}
	}
}

func TestMemoryDeduperIsBounded(t *testing.T) {
	d := webhook.NewMemoryDeduper(3, time.Hour, nil)
	ctx := context.Background()
	for _, id := range []string{"1", "2", "3", "4"} {
		d.First(ctx, id)
	}
	if d.Len() != 3 {
		t.Errorf("Len = %d, want 3", d.Len())
	}
	// The oldest went first; the newest are still remembered.
	for _, tc := range []struct {
		id   string
		want bool
	}{{"4", false}, {"3", false}, {"1", true}} {
		if got, _ := d.First(ctx, tc.id); got != tc.want {
			t.Errorf("First(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}
