package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ghmcp/ghmcp/internal/fakegithub"
	"github.com/ghmcp/ghmcp/internal/redistest"
)

// rateLimit calls get_rate_limit.
func (p *ghmcpProc) rateLimit(t *testing.T, ctx context.Context) map[string]any {
	t.Helper()
	text, isErr, err := p.call(ctx, "get_rate_limit", map[string]any{})
	if err != nil || isErr {
		t.Fatalf("get_rate_limit: %s %v", text, err)
	}
	var out map[string]any
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func newFake(t *testing.T) (*fakegithub.Server, string) {
	gh := fakegithub.New(transcriptToken)
	url := gh.Start()
	t.Cleanup(gh.Close)
	gh.AddRepo(fakegithub.Repo{Owner: "octo", Name: "hello", DefaultBranch: "main"})
	return gh, url
}

// TestETagSavesBudget: reading the same repository twice costs one counted
// request and one 304.
func TestETagSavesBudget(t *testing.T) {
	t.Parallel()
	gh, url := newFake(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	p := startGhmcp(t, ctx, url)
	var texts []string
	for range 2 {
		text, isErr, err := p.call(ctx, "get_repository_details", map[string]any{"owner": "octo", "repo": "hello"})
		if err != nil || isErr {
			t.Fatalf("%s %v", text, err)
		}
		texts = append(texts, text)
	}
	if texts[0] != texts[1] {
		t.Errorf("the cached answer differs:\n%s\n%s", texts[0], texts[1])
	}
	st := gh.Stats()
	if st.Requests != 2 || st.NotModified != 1 {
		t.Errorf("fake saw %d requests, %d answered 304; want 2 and 1", st.Requests, st.NotModified)
	}
	if h := gh.Requests()[1].Header.Get("If-None-Match"); h == "" {
		t.Error("the second read was not conditional")
	}
	rl := p.rateLimit(t, ctx)
	core := rl["github"].([]any)[0].(map[string]any)
	if core["resource"] != "core" || core["remaining"] != 4999.0 {
		t.Errorf("GitHub's core budget %v, want 4999 left: one counted request", core)
	}
	if hits := rl["ghmcp"].(map[string]any)["cache_hits_304"]; hits != 1.0 {
		t.Errorf("cache_hits_304 = %v, want 1", hits)
	}
}

// TestBurstOfWrites: 30 concurrent create_issue calls (and 20 reads)
// through one server against a GitHub that refuses more than 8 requests at
// once and writes less than a second apart: no refusal, exactly 30 issues.
// GitHub asks for a second between writes; the test runs on a tenth of
// that time scale (the fake wants 100ms, ghmcp spaces writes 150ms apart)
// so that it takes about 5s, not 30.
func TestBurstOfWrites(t *testing.T) {
	t.Parallel()
	gh, url := newFake(t)
	gh.SetLimits(fakegithub.Limits{MaxConcurrent: 8, MinWriteGap: 100 * time.Millisecond, WritesPerMinute: 80})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	p := startGhmcp(t, ctx, url, "GHMCP_WRITE_SPACING=150ms")

	const writes, reads = 30, 20
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan string, writes+reads)
	for i := range writes {
		wg.Go(func() {
			text, isErr, err := p.call(ctx, "create_issue", map[string]any{"owner": "octo", "repo": "hello", "title": fmt.Sprintf("Burst %d", i)})
			if err != nil || isErr {
				errs <- fmt.Sprintf("create %d: %s %v", i, text, err)
			}
		})
	}
	for i := range reads {
		wg.Go(func() {
			text, isErr, err := p.call(ctx, "get_repository_details", map[string]any{"owner": "octo", "repo": "hello"})
			if err != nil || isErr {
				errs <- fmt.Sprintf("read %d: %s %v", i, text, err)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	st := gh.Stats()
	issues := gh.Issues("octo", "hello")
	t.Logf("%d writes and %d reads in %v: fake saw %d requests, %d secondary rejections, %d duplicates, at most %d in flight, %d issues",
		writes, reads, elapsed.Round(time.Millisecond), st.Requests, st.SecondaryRejections, st.DuplicateWrites, st.MaxInFlight, len(issues))
	if st.SecondaryRejections != 0 || st.PrimaryRejections != 0 {
		t.Errorf("GitHub refused %d requests (secondary) and %d (primary)", st.SecondaryRejections, st.PrimaryRejections)
	}
	if len(issues) != writes || st.DuplicateWrites != 0 || st.Writes != writes {
		t.Errorf("%d issues from %d writes, %d duplicates; want exactly %d", len(issues), st.Writes, st.DuplicateWrites, writes)
	}
}

// TestProcessesShareLimits: four ghmcp processes with one token share one
// Redis. One holds five requests (and the write turn) at a slow GitHub
// and is killed; its leases expire, and the three others' burst of writes
// then stays within GitHub's concurrency cap and write spacing together,
// with no duplicate.
func TestProcessesShareLimits(t *testing.T) {
	t.Parallel()
	redis := redistest.Start(t)
	gh, url := newFake(t)
	gh.AddRepo(fakegithub.Repo{Owner: "octo", Name: "victim", DefaultBranch: "main"})
	// A tenth of GitHub's time scale, as in TestBurstOfWrites.
	gh.SetLimits(fakegithub.Limits{MaxConcurrent: 8, MinWriteGap: 100 * time.Millisecond, WritesPerMinute: 80})
	// The victim's requests hang at GitHub until it dies.
	gh.Inject(fakegithub.Fault{Method: "GET", Path: "/repos/octo/victim", Delay: time.Hour, Times: 4})
	gh.Inject(fakegithub.Fault{Method: "POST", Path: "/repos/octo/victim/issues", Delay: time.Hour})

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	const ttl = 3 * time.Second
	env := []string{"GHMCP_REDIS_URL=" + redis.URL(), "GHMCP_LEASE_TTL=" + ttl.String(), "GHMCP_WRITE_SPACING=150ms"}
	procs := make([]*ghmcpProc, 4)
	for i := range procs {
		procs[i] = startGhmcp(t, ctx, url, env...)
	}
	victim, survivors := procs[0], procs[1:]

	for range 4 {
		go victim.call(ctx, "get_repository_details", map[string]any{"owner": "octo", "repo": "victim"})
	}
	go victim.call(ctx, "create_issue", map[string]any{"owner": "octo", "repo": "victim", "title": "Never"})
	deadline := time.Now().Add(30 * time.Second)
	for len(gh.Requests()) < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("the victim's requests did not reach GitHub: %d", len(gh.Requests()))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got := survivors[0].rateLimit(t, ctx)["ghmcp"].(map[string]any); got["shared_in_flight"] != 5.0 || got["store"] != "redis" || got["store_healthy"] != true {
		t.Fatalf("another process sees %v; want the victim's 5 requests in flight in a healthy redis store", got)
	}
	victim.cmd.Process.Kill()
	killed := time.Now()

	const perProcess = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	var firstWrite time.Time
	for pi, p := range survivors {
		for i := range perProcess {
			wg.Go(func() {
				text, isErr, err := p.call(ctx, "create_issue", map[string]any{"owner": "octo", "repo": "hello", "title": fmt.Sprintf("Process %d issue %d", pi, i)})
				mu.Lock()
				defer mu.Unlock()
				if err != nil || isErr {
					failures = append(failures, fmt.Sprintf("process %d issue %d: %s %v", pi, i, text, err))
				}
			})
		}
		wg.Go(func() {
			if text, isErr, err := p.call(ctx, "get_repository_details", map[string]any{"owner": "octo", "repo": "hello"}); err != nil || isErr {
				mu.Lock()
				failures = append(failures, fmt.Sprintf("process %d read: %s %v", pi, text, err))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(killed)
	for _, f := range failures {
		t.Error(f)
	}
	for _, r := range gh.Requests() {
		if r.Method == "POST" && r.Path == "/repos/octo/hello/issues" {
			firstWrite = r.Time
			break
		}
	}
	st := gh.Stats()
	issues := gh.Issues("octo", "hello")
	t.Logf("3 processes, %d writes after the kill in %v; first write %v after the kill (lease TTL %v); fake: %d requests, %d secondary rejections, %d duplicates, at most %d in flight, %d issues",
		3*perProcess, elapsed.Round(time.Millisecond), firstWrite.Sub(killed).Round(time.Millisecond), ttl, st.Requests, st.SecondaryRejections, st.DuplicateWrites, st.MaxInFlight, len(issues))
	if st.SecondaryRejections != 0 {
		t.Errorf("GitHub refused %d requests for secondary limits", st.SecondaryRejections)
	}
	if len(issues) != 3*perProcess || st.DuplicateWrites != 0 {
		t.Errorf("%d issues, %d duplicates; want %d and none", len(issues), st.DuplicateWrites, 3*perProcess)
	}
	if n := len(gh.Issues("octo", "victim")); n != 0 {
		t.Errorf("the victim's hanging write was applied %d times", n)
	}
	// The victim held the write turn: no write went out before its lease
	// could expire (renewed every TTL/3, so at least 2/3 of the TTL).
	if d := firstWrite.Sub(killed); d < ttl*2/3-100*time.Millisecond {
		t.Errorf("the first write went out %v after the kill, before the victim's write lease could expire", d)
	}
	if got := survivors[0].rateLimit(t, ctx)["ghmcp"].(map[string]any); got["shared_in_flight"] != 0.0 {
		t.Errorf("after the burst, shared_in_flight = %v: the victim's leases did not expire", got["shared_in_flight"])
	}
}

// TestLimiterFlagErrors: the limiter's flags fail fast with one line, and a
// bad Redis URL is not echoed (it may carry a password).
func TestLimiterFlagErrors(t *testing.T) {
	for _, tt := range []struct {
		args    []string
		env     map[string]string
		wantErr string
	}{
		{args: []string{"--redis-url", "http://:s3cret@example.com"}, wantErr: "invalid Redis URL: want redis://"},
		{env: map[string]string{"GHMCP_REDIS_URL": "redis://:s3cret@host:notaport/0"}, wantErr: "invalid Redis URL"},
		{args: []string{"--lease-ttl", "10ms"}, wantErr: `invalid --lease-ttl "10ms": want at least 1s`},
		{args: []string{"--points-per-minute", "0"}, wantErr: `invalid --points-per-minute "0": want a number from 1`},
		{args: []string{"--cache-entries", "-1"}, wantErr: `invalid --cache-entries "-1": want a number from 0`},
	} {
		var stdout, stderr strings.Builder
		code := run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr, envMap(tt.env))
		if code != exitUsage || !strings.Contains(stderr.String(), tt.wantErr) || strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("%v %v: exit %d, stderr %q; want exit 2 and one line with %q", tt.args, tt.env, code, stderr.String(), tt.wantErr)
		}
		if strings.Contains(stderr.String(), "s3cret") {
			t.Errorf("%v: the password is echoed: %q", tt.args, stderr.String())
		}
	}
}
