package webhook

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// DefaultTTL is how long a delivery id is remembered: longer than GitHub
// keeps a delivery available for redelivery from its settings page (3 days).
const DefaultTTL = 72 * time.Hour

// MemoryDeduper is a Deduper for one process: a bounded set of ids, each
// forgotten after its TTL, the oldest forgotten first when full. Safe for
// concurrent use.
type MemoryDeduper struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu    sync.Mutex
	order *list.List // of memoryEntry, oldest first
	ids   map[string]*list.Element
}

type memoryEntry struct {
	id      string
	expires time.Time
}

// NewMemoryDeduper remembers up to max ids (default 100,000) for ttl each
// (default DefaultTTL). A nil now means time.Now.
func NewMemoryDeduper(max int, ttl time.Duration, now func() time.Time) *MemoryDeduper {
	if max <= 0 {
		max = 100_000
	}
	if ttl <= 0 {
		ttl = DefaultTTL
	}
	if now == nil {
		now = time.Now
	}
	return &MemoryDeduper{ttl: ttl, max: max, now: now, order: list.New(), ids: map[string]*list.Element{}}
}

// First records id and reports whether it was new (or had expired).
func (d *MemoryDeduper) First(_ context.Context, id string) (bool, error) {
	now := d.now()
	d.mu.Lock()
	defer d.mu.Unlock()
	// Every entry has the same TTL, so the expired ones are the oldest.
	for el := d.order.Front(); el != nil && !now.Before(el.Value.(memoryEntry).expires); el = d.order.Front() {
		d.drop(el)
	}
	if _, ok := d.ids[id]; ok {
		return false, nil
	}
	for d.order.Len() >= d.max {
		d.drop(d.order.Front())
	}
	d.ids[id] = d.order.PushBack(memoryEntry{id: id, expires: now.Add(d.ttl)})
	return true, nil
}

// Len is the number of ids remembered.
func (d *MemoryDeduper) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.order.Len()
}

func (d *MemoryDeduper) drop(el *list.Element) {
	delete(d.ids, el.Value.(memoryEntry).id)
	d.order.Remove(el)
}
