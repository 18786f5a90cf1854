package ratelimit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
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

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	l := t.l
	ctx := req.Context()
	write := IsWrite(req.Method)
	resource := ResourceFor(req.URL.Path)
	retry := l.newBackoff()

	for attempt := 0; ; attempt++ {
		if err := l.awaitGate(ctx, resource); err != nil {
			return nil, err
		}
		release, err := l.acquire(ctx, write)
		if err != nil {
			return nil, err
		}
		resp, sent, err := t.send(req, attempt)
		release()
		l.count(func(s *Stats) { s.Requests++ })

		if err != nil {
			if ctx.Err() != nil {
				if write && sent {
					// The caller gave up, but GitHub may have applied the write.
					l.log.WarnContext(ctx, "write cancelled after it was sent; GitHub may have applied it", "method", req.Method, "path", req.URL.Path)
				}
				return nil, ctx.Err()
			}
			if write && sent {
				return nil, &AmbiguousWriteError{Method: req.Method, Path: req.URL.Path, Err: err}
			}
			if attempt >= l.cfg.MaxRetries || errors.Is(err, ErrBodyNotReplayable) {
				return nil, err
			}
			if err := l.sleepRetry(ctx, retry, "network error", err); err != nil {
				return nil, err
			}
			continue
		}

		l.observe(resource, resp.Header)
		switch classify(resp) {
		case pass:
			l.succeeded()
			return resp, nil
		case transient:
			if write || attempt >= l.cfg.MaxRetries {
				return resp, nil
			}
			drain(resp)
			if err := l.sleepRetry(ctx, retry, "GitHub "+resp.Status, nil); err != nil {
				return nil, err
			}
		case limited:
			drain(resp)
			kind, wait := l.limitWait(resp)
			if kind == KindSecondary {
				until := l.pause(wait)
				l.log.WarnContext(ctx, "rate limit: GitHub secondary limit hit; pausing all requests", "until", until.UTC().Format(time.RFC3339), "wait", wait.String())
			}
			if attempt >= l.cfg.MaxRetries {
				return nil, &LimitError{Kind: kind, Resource: resource, RetryAt: l.clock.Now().Add(wait), Wait: wait}
			}
			// The next awaitGate waits for the pause or the reset, or fails
			// fast when it is too far away. A rate-limited write was not
			// applied, so it is safe to send again.
			l.count(func(s *Stats) { s.Retries++ })
		}
	}
}

// send sends one attempt. sent reports whether the request may have reached
// the server: once a connection is obtained we must assume it did.
func (t *transport) send(req *http.Request, attempt int) (resp *http.Response, sent bool, err error) {
	r := req
	if attempt > 0 {
		r = req.Clone(req.Context())
		if req.Body != nil && req.Body != http.NoBody {
			if req.GetBody == nil {
				return nil, false, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, ErrBodyNotReplayable)
			}
			body, err := req.GetBody()
			if err != nil {
				return nil, false, fmt.Errorf("%s %s: %w: %v", req.Method, req.URL.Path, ErrBodyNotReplayable, err)
			}
			r.Body = body
		}
	}
	var gotConn bool
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { gotConn = true }}
	r = r.WithContext(httptrace.WithClientTrace(r.Context(), trace))
	resp, err = t.next.RoundTrip(r)
	return resp, gotConn, err
}

// classify decides what a response means. For a 403 it may need the body
// (GitHub says "secondary rate limit" only there); the body is restored.
func classify(resp *http.Response) verdict {
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return limited
	case resp.StatusCode == http.StatusForbidden:
		if resp.Header.Get("Retry-After") != "" || resp.Header.Get("X-RateLimit-Remaining") == "0" {
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
	if resp.Header.Get("X-RateLimit-Remaining") == "0" {
		if reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64); err == nil {
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

func (l *Limiter) sleepRetry(ctx context.Context, b *backoff.ExponentialBackOff, reason string, err error) error {
	d := b.NextBackOff()
	attrs := []any{}
	if err != nil {
		attrs = append(attrs, "error", err.Error())
	}
	l.log.DebugContext(ctx, "retrying", append([]any{"reason", reason, "after", d.String()}, attrs...)...)
	l.logWait(ctx, d, "retry after "+reason)
	l.count(func(s *Stats) { s.Retries++ })
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
