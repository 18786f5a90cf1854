package ratelimit

import (
	"errors"
	"fmt"
	"time"
)

// LimitError reports that a request was not sent, or not retried, because a
// GitHub rate limit is in force for longer than the limiter may wait.
type LimitError struct {
	// Kind is "primary" (the per-resource hourly budget), "secondary"
	// (a pause after GitHub's abuse protection answered), "points" (the
	// points-per-minute budget) or "content" (content creations per
	// minute or hour); the last two are kept by ghmcp before GitHub has
	// to refuse anything.
	Kind string
	// Resource is the primary resource, e.g. "core" or "search".
	Resource string
	// RetryAt is when the request may succeed again.
	RetryAt time.Time
	// Wait is how long that was from the moment of the decision.
	Wait time.Duration
}

// Error says which limit is in force and when to retry, in words a model
// can act on.
func (e *LimitError) Error() string {
	when := e.RetryAt.UTC().Format(time.RFC3339)
	wait := e.Wait.Round(time.Second)
	switch e.Kind {
	case KindSecondary:
		return fmt.Sprintf("GitHub's secondary rate limit is in force; requests are paused until %s (in %s). Retry after that time, and make fewer calls at once", when, wait)
	case KindPoints:
		if e.Resource == ResourceGraphQL {
			return fmt.Sprintf("GitHub's budget of GraphQL points per minute is spent (queries cost 1, mutations 5); it frees up at %s (in %s). Retry after that time, and make fewer calls", when, wait)
		}
		return fmt.Sprintf("GitHub's budget of points per minute is spent (reads cost 1, writes 5); it frees up at %s (in %s). Retry after that time, and make fewer calls", when, wait)
	case KindContent:
		return fmt.Sprintf("GitHub's content-creation limit is reached (80 a minute, 500 an hour); the next creation is allowed at %s (in %s). Retry after that time", when, wait)
	}
	return fmt.Sprintf("GitHub %s rate limit exhausted; it resets at %s (in %s). Retry after that time", e.Resource, when, wait)
}

// Kinds of LimitError.
const (
	KindPrimary   = "primary"
	KindSecondary = "secondary"
	KindPoints    = "points"
	KindContent   = "content"
)

// AmbiguousWriteError reports that a write failed after it may have reached
// GitHub. It is never retried: repeating it could apply it twice.
type AmbiguousWriteError struct {
	// Method and Path name the write, e.g. "POST" "/repos/o/r/issues".
	Method string
	Path   string
	// Err is why it failed: a network error or the context's error.
	Err error
}

// Error says that the write may have been applied and what to do.
func (e *AmbiguousWriteError) Error() string {
	return fmt.Sprintf("%s %s failed after the request was sent (%v); GitHub may or may not have applied it, so it was not retried. Check the current state before trying again", e.Method, e.Path, e.Err)
}

// Unwrap returns Err, so errors.Is sees the cause (context.Canceled, ...).
func (e *AmbiguousWriteError) Unwrap() error { return e.Err }

// ErrBodyNotReplayable is returned when a request must be retried but its
// body cannot be read a second time (GetBody failed). A request without
// GetBody is not retried at all: its last answer or error is returned.
var ErrBodyNotReplayable = errors.New("request body cannot be replayed for a retry")

// NotSentError is a request error from a layer below the limiter that
// refused the request before it left, for a reason a retry does not change
// (a GitHub App whose key GitHub refuses when ghmcp buys the token). The
// limiter returns it at once, without counting the request or retrying.
type NotSentError struct{ Err error }

func (e *NotSentError) Error() string { return e.Err.Error() }

// Unwrap returns the refusal.
func (e *NotSentError) Unwrap() error { return e.Err }
