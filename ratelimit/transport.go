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
	"sync"
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
	if r := reportFrom(ctx); r != nil {
		l.fillReport(r)
	}
	ticket := TicketForRequest(req)
	seq := l.seq.Add(1)
	var retry *backoff.ExponentialBackOff // made on the first 5xx or network retry

	for attempt := 0; ; attempt++ {
		lease, err := l.admit(ctx, seq, ticket)
		if err != nil {
			if attempt == 0 {
				// next never saw the body; a RoundTripper must close it.
				closeBody(req)
			}
			return nil, err
		}
		r, err := prepare(req, attempt)
		if err != nil {
			l.release(lease, Outcome{})
			return nil, err
		}
		l.count(func(s *Stats) {
			s.Requests++
			if attempt > 0 {
				s.Retries++
			}
		})
		resp, sent, err := t.sendWithin(r, ticket.Write, l.cfg.AttemptTimeout)

		if ns := (*NotSentError)(nil); errors.As(err, &ns) {
			l.release(lease, Outcome{})
			return nil, err
		}
		if err != nil {
			// GitHub may have counted it; assume so.
			l.release(lease, Outcome{Counted: true})
			if ticket.Write && sent {
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

		o := Outcome{
			Budget: budgetFrom(ticket.Resource, resp.Header),
			// GitHub does not count a 304, nor GET /rate_limit.
			Counted: resp.StatusCode != http.StatusNotModified && ticket.Resource != "",
		}
		v := classify(resp)
		if o.Budget != nil && ticket.Resource != "" {
			ticket.Resource = o.Budget.Resource
		}
		switch v {
		case pass:
			o.Succeeded = true
			l.releaseWithBody(resp, lease, o)
			return resp, nil
		case transient:
			if ticket.Write || attempt >= l.cfg.MaxRetries || !replayable(req) {
				l.releaseWithBody(resp, lease, o)
				return resp, nil
			}
			drain(resp)
			l.release(lease, o)
			if err := l.sleepRetry(ctx, &retry, "GitHub "+resp.Status, nil); err != nil {
				return nil, err
			}
		case limited:
			var kind string
			kind, o.RetryAfter = l.limitKind(resp)
			o.Secondary = kind == KindSecondary
			drain(resp)
			rel := l.release(lease, o)
			now := l.clock.Now()
			retryAt := rel.PausedUntil
			if kind == KindSecondary {
				l.log.WarnContext(ctx, "rate limit: GitHub secondary limit hit; pausing all requests", "until", retryAt.UTC().Format(time.RFC3339), "wait", rel.Pause.String())
			} else {
				retryAt = now
				if o.Budget != nil {
					retryAt = later(now, o.Budget.Reset.Add(l.cfg.ResetBuffer))
				}
			}
			if attempt >= l.cfg.MaxRetries || !replayable(req) {
				return nil, &LimitError{Kind: kind, Resource: ticket.Resource, RetryAt: retryAt, Wait: retryAt.Sub(now)}
			}
			// The next admit waits for the pause or the reset, or fails fast
			// when it is too far away. A rate-limited write was not applied,
			// so it is safe to send again.
		}
	}
}

// releaseWithBody releases the lease once the caller has read the body to
// its end or closed it: GitHub counts a request as in flight until its
// answer is sent, not when its headers are.
func (l *Limiter) releaseWithBody(resp *http.Response, lease Lease, o Outcome) {
	if resp.Body == nil || resp.Body == http.NoBody {
		l.release(lease, o)
		return
	}
	resp.Body = &leasedBody{ReadCloser: resp.Body, done: func() { l.release(lease, o) }}
}

// leasedBody runs done once, at the end of the body or when it is closed.
type leasedBody struct {
	io.ReadCloser
	once sync.Once
	done func()
}

func (b *leasedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.once.Do(b.done)
	}
	return n, err
}

func (b *leasedBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.done)
	return err
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
	// At debug level every attempt is logged as it leaves (the path, never
	// the query, which may carry search terms).
	t.l.log.DebugContext(r.Context(), "sending to GitHub", "method", r.Method, "path", r.URL.Path)
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

// sendWithin is send with a deadline covering the answer's body too: the
// deadline ends when the body is read to its end or closed.
func (t *transport) sendWithin(r *http.Request, write bool, timeout time.Duration) (*http.Response, bool, error) {
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	resp, sent, err := t.send(r.WithContext(ctx), write)
	if err != nil || resp.Body == nil {
		cancel()
		return resp, sent, err
	}
	resp.Body = &leasedBody{ReadCloser: resp.Body, done: cancel}
	return resp, sent, err
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

// limitKind returns the kind of limit an answer reports, following
// GitHub's rules: Retry-After if present (a pause that long); else the
// primary reset if the budget is spent (the budget, recorded from the
// headers, holds requests back); else a pause of at least SecondaryInitial,
// growing while it repeats (retryAfter < 0: the store decides).
func (l *Limiter) limitKind(resp *http.Response) (kind string, retryAfter time.Duration) {
	if ra := resp.Header.Get("Retry-After"); ra != "" {
		if secs, err := strconv.Atoi(strings.TrimSpace(ra)); err == nil && secs >= 0 {
			return KindSecondary, time.Duration(secs) * time.Second
		}
		if at, err := http.ParseTime(ra); err == nil {
			return KindSecondary, max(at.Sub(l.clock.Now()), 0)
		}
	}
	if resp.Header.Get(hdrRemaining) == "0" {
		if _, err := strconv.ParseInt(resp.Header.Get(hdrReset), 10, 64); err == nil {
			return KindPrimary, 0
		}
	}
	return KindSecondary, -1
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
