package github_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/github"
	"github.com/ghmcp/ghmcp/internal/fakegithub"
	"github.com/ghmcp/ghmcp/ratelimit"
)

const token = "ghp_faultTestTOKEN0123456789abcdefghijklm"

// stack is the whole client stack against a fake GitHub on loopback, with
// short waits so that every fault plays out in real time.
type stack struct {
	fake    *fakegithub.Server
	limiter *ratelimit.Limiter
	client  *gh.Client
}

func newStack(t *testing.T, tune func(*ratelimit.Config)) *stack {
	t.Helper()
	return buildStack(t, tune, true)
}

// newStackB is the stack for a benchmark: budgets too large to wait for,
// the cache on or off, ten repositories r0..r9.
func newStackB(b *testing.B, cached bool) *stack {
	s := buildStack(b, func(c *ratelimit.Config) { c.PointsPerMinute = 1 << 30 }, cached)
	s.fake.SetRate("core", 1<<30, 1<<30, time.Now().Add(time.Hour))
	for i := range 10 {
		s.fake.AddRepo(fakegithub.Repo{Owner: "octo", Name: fmt.Sprintf("r%d", i), DefaultBranch: "main"})
	}
	return s
}

func buildStack(t testing.TB, tune func(*ratelimit.Config), cached bool) *stack {
	fake := fakegithub.New(token)
	u, _ := url.Parse(fake.Start())
	t.Cleanup(fake.Close)
	fake.AddRepo(fakegithub.Repo{Owner: "octo", Name: "hello", DefaultBranch: "main"})
	cfg := ratelimit.DefaultConfig()
	cfg.MaxWait = 5 * time.Second
	cfg.RetryInitial = 20 * time.Millisecond
	cfg.RetryMax = 100 * time.Millisecond
	cfg.SecondaryInitial = 300 * time.Millisecond
	cfg.SecondaryMax = time.Second
	cfg.WriteSpacing = -1
	cfg.ResetBuffer = -1
	if tune != nil {
		tune(&cfg)
	}
	lim := ratelimit.New(cfg, nil, nil)
	var cache *ratelimit.Cache
	if cached {
		cache = ratelimit.NewCache(ratelimit.CacheConfig{TokenKey: ratelimit.TokenKey(token)})
	}
	client, err := github.NewClient(github.Options{Token: token, APIURL: u, UserAgent: "ghmcp/test", Limiter: lim, Cache: cache})
	if err != nil {
		t.Fatal(err)
	}
	return &stack{fake: fake, limiter: lim, client: client}
}

func (s *stack) read(ctx context.Context) error {
	_, _, err := s.client.Repositories.Get(ctx, "octo", "hello")
	return err
}

func (s *stack) create(ctx context.Context, title string) error {
	_, _, err := s.client.Issues.Create(ctx, "octo", "hello", &gh.IssueRequest{Title: &title})
	return err
}

// loadSlack is added to the longest durations expected, for busy CI
// machines.
const loadSlack = 5 * time.Second

// TestFaults injects each of GitHub's misbehaviours in turn and checks the
// waits, the retries and the final result.
func TestFaults(t *testing.T) {
	tests := []struct {
		name  string
		tune  func(*ratelimit.Config)
		setup func(s *stack)
		write bool
		// minWait and maxWait bound the call's duration.
		minWait, maxWait time.Duration
		sent             int // requests GitHub saw
		wantErr          func(error) bool
		issues           int // issues in octo/hello afterwards, for writes
		check            func(t *testing.T, s *stack)
	}{
		{
			name: "429 with Retry-After on a read: waits that long, retries once, succeeds",
			setup: func(s *stack) {
				s.fake.Inject(fakegithub.Fault{Method: "GET", Path: "/repos/octo/hello", Status: 429, Header: map[string]string{"Retry-After": "1"}})
			},
			minWait: time.Second, maxWait: 3 * time.Second, sent: 2,
		},
		{
			name: "403 secondary limit without Retry-After on a write: pauses SecondaryInitial, resends once, one issue",
			setup: func(s *stack) {
				s.fake.Inject(fakegithub.Fault{Method: "POST", Path: "/repos/octo/hello/issues", Status: 403, Body: `{"message":"You have exceeded a secondary rate limit."}`})
			},
			write: true, minWait: 300 * time.Millisecond, maxWait: 2 * time.Second, sent: 2, issues: 1,
		},
		{
			name:    "primary budget spent, reset near: waits for the reset, then sends",
			setup:   func(s *stack) { s.fake.SetRate("core", 5000, 0, time.Now().Add(1500*time.Millisecond)) },
			minWait: 500 * time.Millisecond, maxWait: 4 * time.Second, sent: 2, // the refused one, then the one after the reset
		},
		{
			name:  "primary budget spent, reset far: fails fast naming the reset, sends nothing more",
			setup: func(s *stack) { s.fake.SetRate("core", 5000, 0, time.Now().Add(time.Hour)) },
			write: true, maxWait: time.Second, sent: 1,
			wantErr: func(err error) bool {
				var le *ratelimit.LimitError
				return errors.As(err, &le) && le.Kind == ratelimit.KindPrimary && le.Wait > 59*time.Minute && strings.Contains(le.Error(), "Retry after")
			},
		},
		{
			name: "502 twice on a read: retried with backoff, succeeds",
			setup: func(s *stack) {
				s.fake.Inject(fakegithub.Fault{Method: "GET", Path: "/repos/octo/hello", Status: 502, Times: 2})
			},
			minWait: 20 * time.Millisecond, maxWait: time.Second, sent: 3,
			check: func(t *testing.T, s *stack) {
				if st := s.limiter.Stats(); st.Retries != 2 {
					t.Errorf("Stats().Retries = %d, want 2", st.Retries)
				}
			},
		},
		{
			name: "502 on a write: not retried, the error is returned",
			setup: func(s *stack) {
				s.fake.Inject(fakegithub.Fault{Method: "POST", Path: "/repos/octo/hello/issues", Status: 502})
			},
			write: true, maxWait: time.Second, sent: 1,
			wantErr: func(err error) bool {
				var e *gh.ErrorResponse
				return errors.As(err, &e) && e.Response.StatusCode == 502
			},
		},
		{
			name: "connection reset on a read: retried, succeeds",
			setup: func(s *stack) {
				s.fake.Inject(fakegithub.Fault{Method: "GET", Path: "/repos/octo/hello", Hijack: true, Times: 2})
			},
			maxWait: 2 * time.Second, sent: 3,
		},
		{
			name: "connection reset after GitHub applied a write: ambiguous, never resent, one issue",
			setup: func(s *stack) {
				s.fake.Inject(fakegithub.Fault{Method: "POST", Path: "/repos/octo/hello/issues", Hijack: true, AfterApply: true})
			},
			write: true, maxWait: time.Second, sent: 1, issues: 1,
			wantErr: func(err error) bool { var a *ratelimit.AmbiguousWriteError; return errors.As(err, &a) },
		},
		{
			name: "a slow answer is waited for, and holds its slot meanwhile",
			tune: func(c *ratelimit.Config) { c.MaxConcurrent = 1 },
			setup: func(s *stack) {
				s.fake.Inject(fakegithub.Fault{Method: "GET", Path: "/repos/octo/hello", Delay: 500 * time.Millisecond})
			},
			minWait: 500 * time.Millisecond, maxWait: 2 * time.Second, sent: 1,
		},
		{
			name: "a slow answer past the caller's deadline: the call ends at the deadline, not retried",
			setup: func(s *stack) {
				s.fake.Inject(fakegithub.Fault{Method: "GET", Path: "/repos/octo/hello", Delay: 5 * time.Second})
			},
			maxWait: time.Second, sent: 1,
			wantErr: func(err error) bool { return errors.Is(err, context.DeadlineExceeded) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStack(t, tt.tune)
			tt.setup(s)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			if strings.Contains(tt.name, "deadline") {
				ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
			}
			defer cancel()
			start := time.Now()
			var err error
			if tt.write {
				err = s.create(ctx, "Fault")
			} else {
				err = s.read(ctx)
			}
			took := time.Since(start)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("error %v", err)
			case tt.wantErr != nil && !tt.wantErr(err):
				t.Fatalf("error %v (%T), not the one wanted", err, err)
			}
			// maxWait has slack for a loaded machine; it catches a wait
			// for the wrong thing (a minute's pause, an hour's reset).
			if took < tt.minWait || took > tt.maxWait+loadSlack {
				t.Errorf("took %v, want between %v and %v", took, tt.minWait, tt.maxWait)
			}
			if got := len(s.fake.Requests()); got != tt.sent {
				t.Errorf("GitHub saw %d requests, want %d", got, tt.sent)
			}
			if tt.write {
				if got := len(s.fake.Issues("octo", "hello")); got != tt.issues {
					t.Errorf("%d issues, want %d", got, tt.issues)
				}
				if d := s.fake.Stats().DuplicateWrites; d != 0 {
					t.Errorf("%d duplicate writes", d)
				}
			}
			if tt.check != nil {
				tt.check(t, s)
			}
		})
	}
}

// TestSlowAnswerHoldsItsSlot: with one slot, requests behind a slow one
// wait for it rather than overtaking GitHub's concurrency cap.
func TestSlowAnswerHoldsItsSlot(t *testing.T) {
	s := newStack(t, func(c *ratelimit.Config) { c.MaxConcurrent = 1 })
	s.fake.SetLimits(fakegithub.Limits{MaxConcurrent: 1})
	s.fake.Inject(fakegithub.Fault{Method: "GET", Path: "/repos/octo/hello", Delay: 300 * time.Millisecond})
	done := make(chan error, 3)
	go func() {
		// GitHub still sends this answer's body when its headers are in:
		// the next request must wait until the body is read.
		_, _, err := s.client.Users.Get(context.Background(), "")
		if err == nil {
			err = s.read(context.Background())
		}
		done <- err
	}()
	time.Sleep(50 * time.Millisecond)
	for range 2 {
		go func() { _, _, err := s.client.Users.Get(context.Background(), ""); done <- err }()
	}
	for range 3 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	if st := s.fake.Stats(); st.SecondaryRejections != 0 || st.MaxInFlight != 1 {
		for _, r := range s.fake.Requests() {
			t.Logf("%s %s at %s", r.Method, r.Path, r.Time.Format("15:04:05.000"))
		}
		t.Errorf("fake stats %+v: want one request at a time and no rejection", st)
	}
}
