package ratelimit_test

import (
	"errors"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ghmcp/ghmcp/ratelimit"
)

func TestLimitErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		err  *ratelimit.LimitError
		want string
	}{
		{
			name: "primary names the resource and the reset time",
			err:  &ratelimit.LimitError{Kind: ratelimit.KindPrimary, Resource: "search", RetryAt: time.Date(2025, 1, 2, 4, 0, 1, 0, time.FixedZone("CET", 3600)), Wait: 55*time.Minute + 56*time.Second + 400*time.Millisecond},
			want: "GitHub search rate limit exhausted; it resets at 2025-01-02T03:00:01Z (in 55m56s). Retry after that time",
		},
		{
			name: "secondary says requests are paused and how to avoid it",
			err:  &ratelimit.LimitError{Kind: ratelimit.KindSecondary, Resource: "core", RetryAt: time.Date(2025, 1, 2, 3, 5, 5, 0, time.UTC), Wait: time.Minute},
			want: "GitHub's secondary rate limit is in force; requests are paused until 2025-01-02T03:05:05Z (in 1m0s). Retry after that time, and make fewer calls at once",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.err.Error()); diff != "" {
				t.Errorf("Error() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestAmbiguousWriteError(t *testing.T) {
	err := error(&ratelimit.AmbiguousWriteError{Method: "POST", Path: "/repos/octo/hello/issues", Err: syscall.ECONNRESET})
	want := "POST /repos/octo/hello/issues failed after the request was sent (connection reset by peer); GitHub may or may not have applied it, so it was not retried. Check the current state before trying again"
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("Error() mismatch (-want +got):\n%s", diff)
	}
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Errorf("errors.Is(err, ECONNRESET) = false; Unwrap must expose the cause")
	}
}
