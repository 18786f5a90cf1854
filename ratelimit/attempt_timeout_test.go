package ratelimit_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ghmcp/ghmcp/ratelimit"
)

// TestAttemptTimeout runs against a real server that never answers the
// first request of each kind: with no deadline from the caller, a read is
// retried after AttemptTimeout and succeeds; a write fails as ambiguous,
// is not resent, and the write turn is free for the next write.
func TestAttemptTimeout(t *testing.T) {
	var reads, writes atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := &reads
		if r.Method != http.MethodGet {
			n = &writes
		}
		if n.Add(1) == 1 {
			select { // never answer, until the test ends
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		io.WriteString(w, "ok")
	}))
	defer srv.Close()
	defer close(release) // before Close, which waits for the handlers

	cfg := ratelimit.DefaultConfig()
	cfg.AttemptTimeout = 200 * time.Millisecond
	cfg.RetryInitial, cfg.RetryMax = time.Millisecond, time.Millisecond
	cfg.WriteSpacing = -1
	client := &http.Client{Transport: ratelimit.New(cfg, nil, nil).Transport(http.DefaultTransport)}

	resp, err := client.Get(srv.URL + "/repos/o/r")
	if err != nil {
		t.Fatalf("read: %v, want a retry that succeeds", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(body) != "ok" || reads.Load() != 2 {
		t.Errorf("read: body %q after %d requests, want ok after 2", body, reads.Load())
	}

	ctx := context.Background() // no deadline: the limiter must supply one
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+"/repos/o/r/issues", strings.NewReader(`{"title":"x"}`))
	_, err = client.Do(req)
	var amb *ratelimit.AmbiguousWriteError
	if !errors.As(err, &amb) {
		t.Fatalf("write: %v, want an AmbiguousWriteError", err)
	}
	if writes.Load() != 1 {
		t.Errorf("the unanswered write was sent %d times, want once", writes.Load())
	}

	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/repos/o/r/issues", strings.NewReader(`{"title":"y"}`))
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("next write: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the next write is still waiting: the stalled write kept the write turn")
	}
}
