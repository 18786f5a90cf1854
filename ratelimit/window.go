package ratelimit

import (
	"slices"
	"time"
)

// window counts what was spent in a sliding span of time (a minute of
// points, an hour of content creations) in buckets of width. A bucket
// counts until span after its end, so the count is never below the truth:
// it errs by at most one bucket width on the safe side. redisstore's
// scripts implement the same arithmetic.
type window struct {
	width, span time.Duration
	buckets     map[int64]int // bucket index (time / width) -> amount
}

func newWindow(width, span time.Duration) window {
	return window{width: width, span: span, buckets: map[int64]int{}}
}

// expiry is when bucket b stops counting.
func (w *window) expiry(b int64) time.Time {
	return time.Unix(0, (b+1)*int64(w.width)).Add(w.span)
}

// used forgets expired buckets and returns the sum of the others.
func (w *window) used(now time.Time) int {
	n := 0
	for b, c := range w.buckets {
		if !w.expiry(b).After(now) {
			delete(w.buckets, b)
			continue
		}
		n += c
	}
	return n
}

// wait returns how long until need more fits under limit; zero if it fits
// now. A need above limit waits for an empty window.
func (w *window) wait(now time.Time, need, limit int) time.Duration {
	if limit <= 0 {
		return 0
	}
	need = min(need, limit)
	used := w.used(now)
	if used+need <= limit {
		return 0
	}
	keys := make([]int64, 0, len(w.buckets))
	for b := range w.buckets {
		keys = append(keys, b)
	}
	slices.Sort(keys)
	freed := 0
	for _, b := range keys {
		freed += w.buckets[b]
		if used-freed+need <= limit {
			return w.expiry(b).Sub(now)
		}
	}
	return 0 // unreachable: an empty window fits any need
}

// add records n spent at now.
func (w *window) add(now time.Time, n int) {
	if n > 0 {
		w.buckets[now.UnixNano()/int64(w.width)] += n
	}
}
