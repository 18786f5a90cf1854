// Package dedupetest is the conformance suite every webhook.Deduper
// passes: the in-memory one and the Redis one run the same tests.
package dedupetest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/ghmcp/ghmcp/internal/webhook"
)

// Run runs the suite. newDeduper returns an empty Deduper; for a shared
// store, two calls must return Dedupers on the same store (two instances
// behind one load balancer).
func Run(t *testing.T, newDeduper func(t *testing.T) (a, b webhook.Deduper)) {
	ctx := context.Background()

	t.Run("a delivery is first once", func(t *testing.T) {
		d, _ := newDeduper(t)
		for i, want := range []bool{true, false, false} {
			got, err := d.First(ctx, "72d3162e-cc78-11e3-81ab-4c9367dc0958")
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("call %d: First = %v, want %v", i+1, got, want)
			}
		}
	})

	t.Run("deliveries are independent", func(t *testing.T) {
		d, _ := newDeduper(t)
		for _, id := range []string{"a", "b", "A", "a-b"} {
			if got, err := d.First(ctx, id); err != nil || !got {
				t.Errorf("First(%q) = %v, %v; want true", id, got, err)
			}
		}
	})

	t.Run("two instances process a delivery once", func(t *testing.T) {
		a, b := newDeduper(t)
		if got, err := a.First(ctx, "shared"); err != nil || !got {
			t.Fatalf("instance a: First = %v, %v; want true", got, err)
		}
		if got, err := b.First(ctx, "shared"); err != nil || got {
			t.Errorf("instance b: First = %v, %v; want false", got, err)
		}
	})

	t.Run("of concurrent calls exactly one is first", func(t *testing.T) {
		a, b := newDeduper(t)
		for round := range 5 {
			id := fmt.Sprintf("race-%d", round)
			var wg sync.WaitGroup
			var mu sync.Mutex
			firsts := 0
			for i := range 16 {
				d := a
				if i%2 == 1 {
					d = b
				}
				wg.Go(func() {
					got, err := d.First(ctx, id)
					if err != nil {
						t.Error(err)
					}
					if got {
						mu.Lock()
						firsts++
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if firsts != 1 {
				t.Errorf("%s: %d calls were first, want 1", id, firsts)
			}
		}
	})
}
