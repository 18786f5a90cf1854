package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ghmcp/ghmcp/internal/fakegithub"
	"github.com/ghmcp/ghmcp/internal/haproxytest"
	"github.com/ghmcp/ghmcp/internal/redistest"
	"github.com/ghmcp/ghmcp/internal/webhook"
)

// The service on real components (issue 13, "Several instances"): three
// ghmcp --listen instances sharing one redis-server, behind HAProxy,
// against one fake GitHub that enforces GitHub's secondary limits on a
// tenth of its time scale (as in TestBurstOfWrites: the fake wants 100ms
// between writes, ghmcp spaces them 150ms apart). Clients are the official
// Go SDK's, each its own session through the balancer, each presenting
// the same GitHub token as its Bearer: every instance then builds that
// token's limiter in Redis under the token's fingerprint, so the write
// spacing and the concurrency cap are one across the instances.
//
// Clients speak both revisions of the transport. A 2025-11-25 session
// lives in one instance's memory, so the balancer pins it to the instance
// that created it (a stick table on Mcp-Session-Id); a 2026-07-28 client
// has no session, and each of its requests goes to any instance (round
// robin). The balancer probes /healthz to drop a dead instance, and never
// sends a request again once an instance has received it (HAProxy retries
// only connections refused), so a write is never sent twice by it.

// lbLeaseTTL is the instances' GHMCP_LEASE_TTL: how long a dead
// instance's slots and write turn outlive it.
const lbLeaseTTL = 3 * time.Second

// lbToken is the clients' GitHub token; lbOtherToken another user's.
const (
	lbToken      = transcriptToken
	lbOtherToken = "ghp_holderxxxxTOKEN0123456789abcdefghijk"
)

// cluster is the service: instances behind a balancer, one Redis, one fake
// GitHub.
type cluster struct {
	gh        *fakegithub.Server
	redis     *redistest.Server
	instances []*httpProc
	proxy     *haproxytest.Proxy
	secret    string // the webhook secret
}

// startCluster starts n instances, Redis and HAProxy, or skips when
// redis-server or haproxy is absent (fails under CI=true).
func startCluster(t *testing.T, n int) *cluster {
	t.Helper()
	c := &cluster{redis: redistest.Start(t), secret: "It's a Secret to Everybody"}
	// An empty token: the fake accepts every client's own.
	c.gh = fakegithub.New("")
	api := c.gh.Start()
	t.Cleanup(c.gh.Close)
	c.gh.AddRepo(fakegithub.Repo{Owner: "octo", Name: "hello", DefaultBranch: "main"})
	c.gh.SetLimits(fakegithub.Limits{MaxConcurrent: 8, MinWriteGap: 100 * time.Millisecond, WritesPerMinute: 80})

	secretFile := filepath.Join(t.TempDir(), "webhook-secret")
	if err := os.WriteFile(secretFile, []byte(c.secret), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"GITHUB_API_URL=" + api, "GITHUB_PERSONAL_ACCESS_TOKEN=", "GITHUB_TOKEN=", "GH_TOKEN=",
		"GHMCP_REDIS_URL=" + c.redis.URL(), "GHMCP_LEASE_TTL=" + lbLeaseTTL.String(), "GHMCP_WRITE_SPACING=150ms"}
	var backends []string
	for range n {
		p := startHTTP(t, []string{"--webhook-secret-file", secretFile}, env...)
		c.instances = append(c.instances, p)
		backends = append(backends, strings.TrimPrefix(p.url, "http://"))
	}
	c.proxy = haproxytest.Start(t, haproxytest.Options{Backends: backends, StickyHeader: "Mcp-Session-Id", HealthPath: "/healthz"})
	t.Cleanup(func() {
		for _, p := range c.instances {
			if s := p.stderr.String(); strings.Contains(s, lbToken) || strings.Contains(s, lbOtherToken) || strings.Contains(s, "panic") {
				t.Errorf("an instance's log shows a token or a panic:\n%s", s)
			}
		}
	})
	return c
}

// The two revisions of the Streamable HTTP transport.
const (
	withSessions = "2025-11-25"
	stateless    = "2026-07-28"
)

// lbSession is a Go SDK client's connection and, for a 2025-11-25
// session, the instance holding it.
type lbSession struct {
	cs       *sdk.ClientSession
	version  string
	instance int // index in cluster.instances; -1 without a session
}

// servedBy sends the Bearer token and remembers which backend HAProxy
// sent the initialize request to (X-Served-By: "i0", "i1", ...).
type servedBy struct {
	token string
	mu    sync.Mutex
	name  string
}

func (s *servedBy) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+s.token)
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && r.Method == http.MethodPost && r.Header.Get("Mcp-Session-Id") == "" {
		s.mu.Lock()
		s.name = resp.Header.Get("X-Served-By")
		s.mu.Unlock()
	}
	return resp, err
}

// connect opens a connection at endpoint (the balancer's or an
// instance's /mcp) with token, speaking version. instance is the
// balancer's choice for the initialize request of a 2025-11-25 session,
// -1 otherwise.
func connect(ctx context.Context, endpoint, token, version string) (lbSession, error) {
	rt := &servedBy{token: token}
	client := sdk.NewClient(&sdk.Implementation{Name: "lb-e2e", Version: "1"}, nil)
	// No reconnection of the event stream: a session whose instance died
	// is over, and the test opens a new one through the balancer.
	cs, err := client.Connect(ctx, &sdk.StreamableClientTransport{Endpoint: endpoint, HTTPClient: &http.Client{Transport: rt}, MaxRetries: -1},
		&sdk.ClientSessionOptions{ProtocolVersion: version})
	if err != nil {
		return lbSession{}, err
	}
	s := lbSession{cs: cs, version: version, instance: -1}
	if got := cs.InitializeResult().ProtocolVersion; got != version {
		cs.Close()
		return s, fmt.Errorf("negotiated protocol %s, want %s", got, version)
	}
	if version == withSessions && cs.ID() == "" {
		cs.Close()
		return s, fmt.Errorf("no Mcp-Session-Id at %s", version)
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if n, err := strconv.Atoi(strings.TrimPrefix(rt.name, "i")); err == nil && strings.HasPrefix(rt.name, "i") && version == withSessions {
		s.instance = n
	}
	return s, nil
}

// connectLB connects through the balancer, which must name the instance
// it chose for a session.
func (c *cluster) connectLB(t *testing.T, ctx context.Context, token, version string) lbSession {
	t.Helper()
	s, err := connect(ctx, c.proxy.URL()+"/mcp", token, version)
	if err != nil {
		t.Fatalf("connect through the balancer: %v", err)
	}
	t.Cleanup(func() { s.cs.Close() })
	if version == withSessions && (s.instance < 0 || s.instance >= len(c.instances)) {
		t.Fatalf("the balancer did not name the instance it chose (X-Served-By)\nconfig:\n%s", c.proxy.Config())
	}
	return s
}

// connectDirect opens a session at instance i itself, bypassing the
// balancer (an operator's probe).
func (c *cluster) connectDirect(t *testing.T, ctx context.Context, i int, token string) lbSession {
	t.Helper()
	s, err := connect(ctx, c.instances[i].url+"/mcp", token, withSessions)
	if err != nil {
		t.Fatalf("connect to instance %d: %v", i, err)
	}
	t.Cleanup(func() { s.cs.Close() })
	s.instance = i
	return s
}

// createIssue calls create_issue on octo/hello; an error is the call's
// (transport) or the tool's.
func createIssue(ctx context.Context, cs *sdk.ClientSession, title string) error {
	res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "create_issue", Arguments: map[string]any{"owner": "octo", "repo": "hello", "title": title}})
	if err != nil {
		return err
	}
	if res.IsError {
		return fmt.Errorf("tool error: %s", res.Content[0].(*sdk.TextContent).Text)
	}
	return nil
}

// sharedInFlight is get_rate_limit's shared_in_flight: the requests to
// GitHub that every instance sharing the token's Redis store holds now.
func sharedInFlight(ctx context.Context, cs *sdk.ClientSession) (int, error) {
	res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "get_rate_limit", Arguments: map[string]any{}})
	if err != nil {
		return 0, err
	}
	text := res.Content[0].(*sdk.TextContent).Text
	var out struct {
		Ghmcp struct {
			Store          string `json:"store"`
			SharedInFlight int    `json:"shared_in_flight"`
		} `json:"ghmcp"`
	}
	if res.IsError || json.Unmarshal([]byte(text), &out) != nil {
		return 0, fmt.Errorf("get_rate_limit: %s", text)
	}
	if out.Ghmcp.Store != "redis" {
		return 0, fmt.Errorf("get_rate_limit reports the %q store, want redis", out.Ghmcp.Store)
	}
	return out.Ghmcp.SharedInFlight, nil
}

// scrape sums, over the given instances, the /metrics samples whose
// series (name and labels as printed) is exactly series.
func (c *cluster) scrape(t *testing.T, series string, instances ...int) float64 {
	t.Helper()
	var sum float64
	for _, i := range instances {
		resp, err := http.Get(c.instances[i].url + "/metrics")
		if err != nil {
			t.Fatalf("GET /metrics of instance %d: %v", i, err)
		}
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if name, value, ok := strings.Cut(sc.Text(), " "); ok && name == series {
				v, err := strconv.ParseFloat(value, 64)
				if err != nil {
					t.Fatalf("instance %d: %q", i, sc.Text())
				}
				sum += v
			}
		}
		resp.Body.Close()
	}
	return sum
}

// issueWrites are the accepted create_issue requests at the fake, in order.
func issueWrites(gh *fakegithub.Server) []fakegithub.Request {
	var out []fakegithub.Request
	for _, r := range gh.Requests() {
		if r.Method == http.MethodPost && r.Path == "/repos/octo/hello/issues" {
			out = append(out, r)
		}
	}
	return out
}

// titleCounts counts octo/hello's issues by title.
func titleCounts(gh *fakegithub.Server) map[string]int {
	n := map[string]int{}
	for _, is := range gh.Issues("octo", "hello") {
		n[is.Title]++
	}
	return n
}

// TestLoadBalancedBurst: nine clients through HAProxy (five with
// 2025-11-25 sessions, pinned to the instance that created them; four
// stateless, spread request by request), send 36 writes at once with one
// token: every write lands exactly once, GitHub refuses none (its
// concurrency cap and write spacing hold across the instances, through
// Redis), and every instance served some.
func TestLoadBalancedBurst(t *testing.T) {
	t.Parallel()
	c := startCluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	const clients, perClient = 9, 4
	sessions := make([]lbSession, clients)
	perInstance := make([]int, len(c.instances))
	for i := range sessions {
		sessions[i] = c.connectLB(t, ctx, lbToken, lbVersion(i))
		if sessions[i].instance >= 0 {
			perInstance[sessions[i].instance]++
		}
	}

	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, clients*perClient)
	for ci, s := range sessions {
		wg.Go(func() {
			for w := range perClient {
				if err := createIssue(ctx, s.cs, fmt.Sprintf("client %d write %d", ci, w)); err != nil {
					errs <- fmt.Errorf("client %d (instance %d) write %d: %w", ci, s.instance, w, err)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	st := c.gh.Stats()
	counts := titleCounts(c.gh)
	var served []float64
	for i := range c.instances {
		served = append(served, c.scrape(t, `ghmcp_tool_calls_total{outcome="ok",tool="create_issue"}`, i))
	}
	gap := minGap(issueWrites(c.gh))
	t.Logf("%d clients (2025-11-25 sessions per instance %v, the others 2026-07-28), %d writes in %v; instances served %v; fake: %d issues, %d writes, %d secondary rejections, %d duplicates, at most %d in flight, closest writes %v apart",
		clients, perInstance, clients*perClient, elapsed.Round(time.Millisecond), served, len(counts), st.Writes, st.SecondaryRejections, st.DuplicateWrites, st.MaxInFlight, gap.Round(time.Millisecond))
	if st.SecondaryRejections != 0 || st.PrimaryRejections != 0 {
		t.Errorf("GitHub refused %d requests (secondary) and %d (primary)", st.SecondaryRejections, st.PrimaryRejections)
	}
	if st.DuplicateWrites != 0 || st.Writes != clients*perClient || len(counts) != clients*perClient {
		t.Errorf("%d writes, %d distinct issues, %d duplicates; want %d, %d and none", st.Writes, len(counts), st.DuplicateWrites, clients*perClient, clients*perClient)
	}
	for ci := range clients {
		for w := range perClient {
			if title := fmt.Sprintf("client %d write %d", ci, w); counts[title] != 1 {
				t.Errorf("%q landed %d times, want once", title, counts[title])
			}
		}
	}
	for i, n := range served {
		if n == 0 {
			t.Errorf("instance %d served no write", i)
		}
	}
}

// lbVersion is client i's protocol: sessions for the even ones.
func lbVersion(i int) string {
	if i%2 == 0 {
		return withSessions
	}
	return stateless
}

// minGap is the least time between two consecutive requests.
func minGap(reqs []fakegithub.Request) time.Duration {
	least := time.Duration(-1)
	for i := 1; i < len(reqs); i++ {
		if d := reqs[i].Time.Sub(reqs[i-1].Time); least < 0 || d < least {
			least = d
		}
	}
	return least
}

// TestLoadBalancedInstanceDies: an instance is killed (SIGKILL) in the
// middle of a burst of writes through the balancer. A client whose call
// fails with it (a 2025-11-25 session the instance held, or a stateless
// request it was serving) does not send that write again, since it may
// have landed; it connects again through HAProxy, which sends it to a
// live instance, and goes on with its next write. Nothing lands twice,
// every write a client saw succeed lands exactly once, sessions on the
// other instances see no error, GitHub refuses nothing, and the dead
// instance's slots (held by requests it had in flight) come back within
// the lease TTL, as another instance sees through Redis.
func TestLoadBalancedInstanceDies(t *testing.T) {
	t.Parallel()
	c := startCluster(t, 3)
	// The holder's reads hang at GitHub until their instance dies.
	c.gh.AddRepo(fakegithub.Repo{Owner: "octo", Name: "slow", DefaultBranch: "main"})
	const held = 3
	c.gh.Inject(fakegithub.Fault{Method: http.MethodGet, Path: "/repos/octo/slow", Delay: time.Hour, Times: held})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	const clients, perClient = 9, 4
	sessions := make([]lbSession, clients)
	for i := range sessions {
		sessions[i] = c.connectLB(t, ctx, lbToken, lbVersion(i))
	}
	victim := sessions[0].instance // sessions[0] has a session (lbVersion)
	survivor := (victim + 1) % len(c.instances)

	// Another user's requests in flight at the victim: with their own
	// token, their slots are apart from the burst's, so that the probe
	// (on another instance, same token) sees exactly them come back.
	holder := c.connectDirect(t, ctx, victim, lbOtherToken)
	holdCtx, stopHolding := context.WithCancel(ctx)
	defer stopHolding()
	for range held {
		go holder.cs.CallTool(holdCtx, &sdk.CallToolParams{Name: "get_repository_details", Arguments: map[string]any{"owner": "octo", "repo": "slow"}})
	}
	probe := c.connectDirect(t, ctx, survivor, lbOtherToken)
	waitFor(t, 10*time.Second, "the holder's reads to reach GitHub", func() bool {
		n := 0
		for _, r := range c.gh.Requests() {
			if r.Path == "/repos/octo/slow" {
				n++
			}
		}
		return n == held
	})
	if n, err := sharedInFlight(ctx, probe.cs); err != nil || n != held {
		t.Fatalf("instance %d sees %d requests in flight (%v); want instance %d's %d, through Redis", survivor, n, err, victim, held)
	}

	// The burst. A write whose call fails is "unknown": it may have
	// landed; it is not retried.
	type outcome struct {
		title string
		err   error
		// session sent it.
		session lbSession
	}
	var (
		mu         sync.Mutex
		outcomes   []outcome
		reconnects []string
	)
	start := time.Now()
	var wg sync.WaitGroup
	for ci := range clients {
		wg.Go(func() {
			s := sessions[ci]
			for w := range perClient {
				title := fmt.Sprintf("client %d write %d", ci, w)
				err := createIssue(ctx, s.cs, title)
				mu.Lock()
				outcomes = append(outcomes, outcome{title: title, err: err, session: s})
				mu.Unlock()
				if err == nil {
					continue
				}
				s.cs.Close()
				next, cerr := connect(ctx, c.proxy.URL()+"/mcp", lbToken, s.version)
				if cerr != nil {
					t.Errorf("client %d could not reconnect through the balancer: %v", ci, cerr)
					return
				}
				t.Cleanup(func() { next.cs.Close() })
				mu.Lock()
				reconnects = append(reconnects, fmt.Sprintf("client %d (%s): instance %d → %d", ci, s.version, s.instance, next.instance))
				mu.Unlock()
				s = next
			}
		})
	}

	// Kill the victim once a third of the writes have landed, then watch
	// its slots come back.
	waitFor(t, 20*time.Second, "a third of the writes", func() bool { return len(issueWrites(c.gh)) >= clients*perClient/3 })
	c.instances[victim].cmd.Process.Kill()
	killed := time.Now()
	sinceStart := killed.Sub(start)
	var recovered time.Duration
	for {
		n, err := sharedInFlight(ctx, probe.cs)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			recovered = time.Since(killed)
			break
		}
		if time.Since(killed) > lbLeaseTTL+5*time.Second {
			t.Fatalf("instance %d still sees %d requests in flight %v after the kill; lease TTL %v", survivor, n, time.Since(killed).Round(time.Millisecond), lbLeaseTTL)
		}
		time.Sleep(50 * time.Millisecond)
	}
	wg.Wait()
	elapsed := time.Since(start)

	st := c.gh.Stats()
	counts := titleCounts(c.gh)
	var ok, unknown, unknownLanded int
	for _, o := range outcomes {
		switch {
		case o.err == nil:
			ok++
			if counts[o.title] != 1 {
				t.Errorf("%q succeeded for its client but landed %d times", o.title, counts[o.title])
			}
		case o.session.version == withSessions && o.session.instance != victim:
			t.Errorf("%q failed in a session on instance %d, which was not killed: %v", o.title, o.session.instance, o.err)
		default:
			unknown++
			unknownLanded += counts[o.title]
			t.Logf("%q failed with its instance (it landed %d times): %v", o.title, counts[o.title], o.err)
		}
	}
	for title, n := range counts {
		if n != 1 {
			t.Errorf("%q landed %d times", title, n)
		}
	}
	// The longest pause between accepted writes: the dead instance's
	// write turn, if it held it, lasts until its lease expires.
	writes := issueWrites(c.gh)
	var stall time.Duration
	for i := 1; i < len(writes); i++ {
		if writes[i].Time.After(killed) || writes[i-1].Time.After(killed) {
			stall = max(stall, writes[i].Time.Sub(writes[i-1].Time))
		}
	}
	t.Logf("killed instance %d %v into the burst; %d writes in %v: %d succeeded, %d failed with it (%d of those landed); reconnects %v; fake: %d issues, %d secondary rejections, %d duplicates, at most %d in flight; longest pause between writes after the kill %v; the dead instance's %d slots back after %v (lease TTL %v)",
		victim, sinceStart.Round(time.Millisecond), len(outcomes), elapsed.Round(time.Millisecond), ok, unknown, unknownLanded, reconnects,
		len(counts), st.SecondaryRejections, st.DuplicateWrites, st.MaxInFlight, stall.Round(time.Millisecond), held, recovered.Round(time.Millisecond), lbLeaseTTL)
	if len(outcomes) != clients*perClient {
		t.Errorf("%d writes sent, want %d", len(outcomes), clients*perClient)
	}
	if len(reconnects) == 0 {
		t.Error("no client reconnected: the kill missed every session")
	}
	for _, r := range reconnects {
		if strings.HasSuffix(r, fmt.Sprintf("→ %d", victim)) {
			t.Errorf("the balancer sent a new session to the dead instance: %s", r)
		}
	}
	var pinned int
	for _, s := range sessions {
		if s.instance == victim {
			pinned++
		}
	}
	if lost := strings.Count(strings.Join(reconnects, ","), fmt.Sprintf("instance %d →", victim)); lost != pinned {
		t.Errorf("%d of the %d sessions on the dead instance connected again", lost, pinned)
	}
	if st.SecondaryRejections != 0 || st.PrimaryRejections != 0 {
		t.Errorf("GitHub refused %d requests (secondary) and %d (primary)", st.SecondaryRejections, st.PrimaryRejections)
	}
	if st.DuplicateWrites != 0 {
		t.Errorf("%d duplicate writes", st.DuplicateWrites)
	}
	// A killed process releases nothing: its leases, renewed every TTL/3,
	// expire between 2/3 of the TTL and the TTL after the kill.
	if recovered > lbLeaseTTL+500*time.Millisecond || recovered < lbLeaseTTL*2/3-200*time.Millisecond {
		t.Errorf("the dead instance's slots came back %v after the kill; want between 2/3 of the lease TTL (%v) and the TTL", recovered, lbLeaseTTL)
	}
}

// TestLoadBalancedWebhookOnce: GitHub delivers the same signed event to
// two instances at once (a retried delivery landing elsewhere): one
// processes it, the other answers that it already was (SET NX in Redis).
func TestLoadBalancedWebhookOnce(t *testing.T) {
	t.Parallel()
	c := startCluster(t, 3)
	payload := `{"action":"edited","issue":{"number":1},"repository":{"full_name":"octo/hello"}}`
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, c.instances[i].url+"/webhook", strings.NewReader(payload))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-GitHub-Event", "issues")
			req.Header.Set("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
			req.Header.Set("X-Hub-Signature-256", webhook.Sign([]byte(c.secret), []byte(payload)))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Errorf("delivery to instance %d: %v", i, err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		})
	}
	wg.Wait()
	slices.Sort(statuses)
	accepted := c.scrape(t, `ghmcp_webhook_deliveries_total{event="issues",verdict="accepted"}`, 0, 1, 2)
	duplicate := c.scrape(t, `ghmcp_webhook_deliveries_total{event="issues",verdict="duplicate"}`, 0, 1, 2)
	t.Logf("one delivery to two instances: answered %v; over the cluster %v accepted, %v duplicate", statuses, accepted, duplicate)
	if !slices.Equal(statuses, []int{http.StatusOK, http.StatusAccepted}) {
		t.Errorf("answers %v, want one 202 (processed) and one 200 (already processed)", statuses)
	}
	if accepted != 1 || duplicate != 1 {
		t.Errorf("/metrics over the cluster: %v accepted and %v duplicate, want 1 and 1", accepted, duplicate)
	}
}

// waitFor polls cond every 10ms until it holds, or fails the test after d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestLoadBalancedWebhookReachesEverySubscriber: a session subscribed on
// one instance is told of an update that a webhook delivered to another
// instance: the instance that processes the delivery shares the event
// through Redis (internal/webhook/redisbus).
func TestLoadBalancedWebhookReachesEverySubscriber(t *testing.T) {
	t.Parallel()
	c := startCluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	updated := make(chan string, 4)
	client := sdk.NewClient(&sdk.Implementation{Name: "lb-e2e-subscriber", Version: "1"}, &sdk.ClientOptions{
		ResourceUpdatedHandler: func(_ context.Context, r *sdk.ResourceUpdatedNotificationRequest) { updated <- r.Params.URI },
	})
	cs, err := client.Connect(ctx, &sdk.StreamableClientTransport{Endpoint: c.instances[0].url + "/mcp", HTTPClient: &http.Client{Transport: &servedBy{token: lbToken}}, MaxRetries: -1},
		&sdk.ClientSessionOptions{ProtocolVersion: withSessions})
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	const uri = "repo://octo/hello/issues/1"
	if err := cs.Subscribe(ctx, &sdk.SubscribeParams{URI: uri}); err != nil {
		t.Fatal(err)
	}
	payload := `{"action":"closed","issue":{"number":1},"repository":{"full_name":"octo/hello"}}`
	req, _ := http.NewRequest(http.MethodPost, c.instances[1].url+"/webhook", strings.NewReader(payload))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "issues")
	req.Header.Set("X-GitHub-Delivery", "lb-bus-1")
	req.Header.Set("X-Hub-Signature-256", webhook.Sign([]byte(c.secret), []byte(payload)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("the delivery to instance 1 was answered %d, want 202", resp.StatusCode)
	}
	select {
	case got := <-updated:
		if got != uri {
			t.Errorf("updated %s, want %s", got, uri)
		}
	case <-ctx.Done():
		t.Fatal("the subscriber on instance 0 was not told of the update delivered to instance 1")
	}
}
