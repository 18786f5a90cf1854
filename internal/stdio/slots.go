package stdio

import (
	"context"
	"sync"
)

// slots bound the tool calls run at once and hand free slots out in the
// order the calls were read, so that a call waits its turn behind the
// calls sent before it (a Go channel used as a semaphore wakes waiters in
// no particular order).
type slots struct {
	mu      sync.Mutex
	free    int
	waiters []chan struct{}
}

func newSlots(n int) *slots { return &slots{free: n} }

// enqueue takes a place in line, on the read loop; the returned channel is
// closed when the slot is the caller's.
func (s *slots) enqueue() chan struct{} {
	ch := make(chan struct{})
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.free > 0 && len(s.waiters) == 0 {
		s.free--
		close(ch)
		return ch
	}
	s.waiters = append(s.waiters, ch)
	return ch
}

// wait waits for the slot of ticket or the end of ctx; on an error the
// caller holds no slot.
func (s *slots) wait(ctx context.Context, ticket chan struct{}) error {
	select {
	case <-ticket:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	for i, w := range s.waiters {
		if w == ticket {
			s.waiters = append(s.waiters[:i], s.waiters[i+1:]...)
			s.mu.Unlock()
			return ctx.Err()
		}
	}
	s.mu.Unlock()
	s.release() // granted as ctx ended: pass it on
	return ctx.Err()
}

// release frees a slot for the next in line.
func (s *slots) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.waiters) > 0 {
		close(s.waiters[0])
		s.waiters = s.waiters[1:]
		return
	}
	s.free++
}
