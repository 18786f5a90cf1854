package ratelimit

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cenkalti/backoff/v4"
)

// Transport returns an http.RoundTripper that sends every request through
// the limiter to next.
func (l *Limiter) Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return &transport{l: l, next: next}
}

type transport struct {
	l    *Limiter
	next http.RoundTripper
}

// verdict is what a response means for the retry loop.
type verdict int

const (
	pass      verdict = iota // hand the response to the caller
	limited                  // a rate limit: GitHub did not apply the request
	transient                // 5xx: retry only if safe
)

// RoundTrip sends req when the limits allow, retrying what is safe to
// retry; see the package doc and Config.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	l := t.l
	ctx := req.Context()
	write := IsWrite(req.Method)
	resource := ResourceFor(req.URL.Path)
	var retry *backoff.ExponentialBackOff // made on the first 5xx or network retry

	for attempt := 0; ; attempt++ {
		if err := l.admit(ctx, resource, write); err != nil {
			if attempt == 0 {
				// next never saw the body; a RoundTripper must close it.
				closeBody(req)
			}
			return nil, err
		}
		r, err := prepare(req, attempt)
		if err != nil {
			l.leave(write)
			return nil, err
		}
		resp, sent, err := t.send(r, write)
		// What the answer says about the limits is recorded before the slot
		// is given back, so a request queued for the slot cannot slip out
		// before a pause the answer starts.
		var (
			v        verdict
			kind     string
			limitEnd time.Time
		)
		if err == nil {
			resource = l.observe(resource, resp.Header)
			v = classify(resp)
			if v == limited {
				var wait time.Duration
				kind, wait = l.limitWait(resp)
				limitEnd = l.clock.Now().Add(wait)
				if kind == KindSecondary {
					limitEnd = l.pause(wait)
					l.log.WarnContext(ctx, "rate limit: GitHub secondary limit hit; pausing all requests", "until", limitEnd.UTC().Format(time.RFC3339), "wait", wait.String())
				}
			}
		}
		l.leave(write)
		l.count(func(s *Stats) {
			s.Requests++
			if attempt > 0 {
				s.Retries++
			}
		})

		if err != nil {
			if write && sent {
				// Even when the context ended: the write may have been applied.
				if ctx.Err() != nil {
					// The caller gave up; say so where the host can see it.
					l.log.WarnContext(ctx, "write cancelled after it was sent; GitHub may have applied it", "method", req.Method, "path", req.URL.Path)
				}
				return nil, &AmbiguousWriteError{Method: req.Method, Path: req.URL.Path, Err: err}
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if attempt >= l.cfg.MaxRetries || !replayable(req) {
				return nil, err
			}
			if err := l.sleepRetry(ctx, &retry, "network error", err); err != nil {
				return nil, err
			}
			continue
		}

		switch v {
		case pass:
			l.succeeded()
			return resp, nil
		case transient:
			if write || attempt >= l.cfg.MaxRetries || !replayable(req) {
				return resp, nil
			}
			drain(resp)
			if err := l.sleepRetry(ctx, &retry, "GitHub "+resp.Status, nil); err != nil {
				return nil, err
			}
		case limited:
			drain(resp)
			if attempt >= l.cfg.MaxRetries || !replayable(req) {
				return nil, &LimitError{Kind: kind, Resource: resource, RetryAt: limitEnd, Wait: limitEnd.Sub(l.clock.Now())}
			}
			// The next admit waits for the pause or the reset, or fails fast
			// when it is too far away. A rate-limited write was not applied,
			// so it is safe to send again.
		}
	}
}

// prepare returns the request to send for attempt: req itself first, then
// clones with a fresh body from GetBody.
func prepare(req *http.Request, attempt int) (*http.Request, error) {
	if attempt == 0 {
		return req, nil
	}
	r := req.Clone(req.Context())
	if req.Body != nil && req.Body != http.NoBody {
		if req.GetBody == nil {
			return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, ErrBodyNotReplayable)
		}
		body, err := req.GetBody()
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w: %v", req.Method, req.URL.Path, ErrBodyNotReplayable, err)
		}
		r.Body = body
	}
	return r, nil
}

// replayable reports whether req can be sent again.
func replayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// closeBody closes the body of a request that will not be sent.
func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// send sends one attempt. For a write, sent reports whether it may have
// reached the server: once a connection is obtained we must assume it did.
// Reads are not traced, since they are retried either way.
func (t *transport) send(r *http.Request, write bool) (resp *http.Response, sent bool, err error) {
	if !write {
		resp, err = t.next.RoundTrip(r)
		return resp, false, err
	}
	// GotConn may run on a transport goroutine (HTTP/2), hence the atomic.
	var gotConn atomic.Bool
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { gotConn.Store(true) }}
	resp, err = t.next.RoundTrip(r.WithContext(httptrace.WithClientTrace(r.Context(), trace)))
	return resp, gotConn.Load(), err
}

// classify decides what a response means. For a 403 it may need the body
// (GitHub says "secondary rate limit" only there); the body is restored.
func classify(resp *http.Response) verdict {
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return limited
	case resp.StatusCode == http.StatusForbidden:
		if resp.Header.Get("Retry-After") != "" || resp.Header.Get(hdrRemaining) == "0" {
			return limited
		}
		body := peekBody(resp, 64<<10)
		if isRateLimitMessage(body) {
			return limited
		}
		return pass
	case resp.StatusCode == http.StatusBadGateway, resp.StatusCode == http.StatusServiceUnavailable,
		resp.StatusCode == http.StatusGatewayTimeout, resp.StatusCode == http.StatusInternalServerError:
		return transient
	}
	return pass
}

func isRateLimitMessage(body []byte) bool {
	s := strings.ToLower(string(body))
	return strings.Contains(s, "secondary rate limit") || strings.Contains(s, "abuse detection") || strings.Contains(s, "rate limit exceeded")
}

// limitWait returns the kind of limit and how long to wait, following
// GitHub's rules: Retry-After if present; else the primary reset if the
// budget is spent; else a growing pause of at least SecondaryInitial.
func (l *Limiter) limitWait(resp *http.Response) (kind string, wait time.Duration) {
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		if secs, err := strconv.Atoi(strings.TrimSpace(ra)); err == nil && secs >= 0 {
			return KindSecondary, time.Duration(secs) * time.Second
		}
		if at, err := http.ParseTime(ra); err == nil {
			return KindSecondary, max(at.Sub(l.clock.Now()), 0)
		}
	}
	if resp.Header.Get(hdrRemaining) == "0" {
		if reset, err := strconv.ParseInt(resp.Header.Get(hdrReset), 10, 64); err == nil {
			return KindPrimary, max(time.Unix(reset, 0).Add(l.cfg.ResetBuffer).Sub(l.clock.Now()), 0)
		}
	}
	return KindSecondary, l.secondaryBackoff()
}

// newBackoff returns the jittered, capped exponential backoff for 5xx and
// network retries. MaxElapsedTime is unbounded: MaxRetries bounds it.
func (l *Limiter) newBackoff() *backoff.ExponentialBackOff {
	b := backoff.NewExponentialBackOff(
		backoff.WithInitialInterval(l.cfg.RetryInitial),
		backoff.WithMaxInterval(l.cfg.RetryMax),
		backoff.WithMaxElapsedTime(0),
		backoff.WithClockProvider(l.clock),
	)
	b.Reset()
	return b
}

// sleepRetry sleeps before a 5xx or network retry, making *b on first use.
// backoff caps its interval at RetryMax but then jitters it by ±50%, so
// the sleep itself is capped here too.
func (l *Limiter) sleepRetry(ctx context.Context, b **backoff.ExponentialBackOff, reason string, err error) error {
	if *b == nil {
		*b = l.newBackoff()
	}
	d := min((*b).NextBackOff(), l.cfg.RetryMax)
	attrs := []any{"reason", reason, "after", d.String()}
	if err != nil {
		attrs = append(attrs, "error", err.Error())
	}
	l.log.DebugContext(ctx, "retrying", attrs...)
	l.logWait(ctx, d, "retry after "+reason)
	return l.clock.Sleep(ctx, d)
}

// peekBody reads up to n bytes of the body and puts them back.
func peekBody(resp *http.Response, n int64) []byte {
	if resp.Body == nil {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, n))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), resp.Body), resp.Body}
	return b
}

// drain discards a response that will not reach the caller, so the
// connection can be reused.
func drain(resp *http.Response) {
	if resp.Body != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
	}
}
