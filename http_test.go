package main

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ghmcp/ghmcp/internal/fakegithub"
	"github.com/ghmcp/ghmcp/internal/webhook"
)

// httpProc is a ghmcp --listen process (the test binary as ghmcp).
type httpProc struct {
	cmd    *exec.Cmd
	url    string // http://127.0.0.1:PORT
	stderr *lockedBuffer
	exited chan struct{}
}

var servingURL = regexp.MustCompile(`url=http://(127\.0\.0\.1:\d+)/mcp`)

// startHTTP starts ghmcp --listen 127.0.0.1:0 with args and env added, and
// waits for the address it serves.
func startHTTP(t testing.TB, args []string, env ...string) *httpProc {
	t.Helper()
	cmd := exec.Command("ghmcp", append([]string{"--listen", "127.0.0.1:0", "--log-level", "info"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	p := &httpProc{cmd: cmd, stderr: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.exited
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := servingURL.FindStringSubmatch(p.stderr.String()); m != nil {
			p.url = "http://" + m[1]
			return p
		}
		select {
		case <-p.exited:
			t.Fatalf("ghmcp exited: %s", p.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("ghmcp did not say where it serves: %s", p.stderr.String())
	return nil
}

type bearer string

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+string(b))
	return http.DefaultTransport.RoundTrip(r)
}

// TestHTTPServesTheGoSDKClient: the built binary with --listen serves the
// official Go SDK client with the client's own token (the server has
// none), including an update after a signed webhook; SIGTERM stops it
// with exit 0; the token appears nowhere in its log.
func TestHTTPServesTheGoSDKClient(t *testing.T) {
	gh := fakegithub.New(transcriptToken)
	gh.AddDemo()
	api := gh.Start()
	defer gh.Close()
	secret := "It's a Secret to Everybody"
	p := startHTTP(t, nil, "GITHUB_API_URL="+api, "GHMCP_WEBHOOK_SECRET="+secret,
		"GITHUB_PERSONAL_ACCESS_TOKEN=", "GITHUB_TOKEN=", "GH_TOKEN=")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	updated := make(chan string, 4)
	client := sdk.NewClient(&sdk.Implementation{Name: "http-e2e", Version: "1"}, &sdk.ClientOptions{
		ResourceUpdatedHandler: func(_ context.Context, r *sdk.ResourceUpdatedNotificationRequest) { updated <- r.Params.URI },
	})
	cs, err := client.Connect(ctx, &sdk.StreamableClientTransport{Endpoint: p.url + "/mcp", HTTPClient: &http.Client{Transport: bearer(transcriptToken)}, MaxRetries: -1}, nil)
	if err != nil {
		t.Fatalf("connect: %v\n%s", err, p.stderr.String())
	}
	defer cs.Close()
	res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "get_repository_details", Arguments: map[string]any{"owner": "octo", "repo": "hello"}})
	if err != nil || res.IsError {
		t.Fatalf("tools/call: %v %+v", err, res)
	}
	if err := cs.Subscribe(ctx, &sdk.SubscribeParams{URI: "repo://octo/hello/issues/1"}); err != nil {
		t.Fatal(err)
	}
	payload := `{"action":"closed","issue":{"number":1},"repository":{"full_name":"octo/hello"}}`
	req, _ := http.NewRequest(http.MethodPost, p.url+"/webhook", strings.NewReader(payload))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "issues")
	req.Header.Set("X-GitHub-Delivery", "e2e-1")
	req.Header.Set("X-Hub-Signature-256", webhook.Sign([]byte(secret), []byte(payload)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("webhook: %v %v", resp, err)
	}
	select {
	case <-updated:
	case <-ctx.Done():
		t.Fatal("no notifications/resources/updated")
	}
	for _, path := range []string{"/healthz", "/readyz", "/metrics"} {
		resp, err := http.Get(p.url + path)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %v %v", path, resp, err)
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if path == "/metrics" && !strings.Contains(string(body), `ghmcp_tool_calls_total{outcome="ok",tool="get_repository_details"} 1`) {
			t.Errorf("/metrics lacks the tool call:\n%s", body)
		}
	}

	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(15 * time.Second):
		t.Fatal("ghmcp did not stop after SIGTERM")
	}
	if code := p.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("exit code %d after SIGTERM\n%s", code, p.stderr.String())
	}
	if strings.Contains(p.stderr.String(), transcriptToken) {
		t.Error("the client's token appears in the log")
	}
}

// TestHTTPRefusesPlainHTTPOnAPublicAddress: without TLS or --behind-proxy
// a non-loopback --listen is a start-up error (exit 2).
func TestHTTPRefusesPlainHTTPOnAPublicAddress(t *testing.T) {
	var stderr strings.Builder
	code := run(context.Background(), []string{"--listen", "0.0.0.0:0"}, strings.NewReader(""), io.Discard, &stderr, envMap(nil))
	if code != exitUsage || !strings.Contains(stderr.String(), "--behind-proxy") {
		t.Errorf("exit %d: %s", code, stderr.String())
	}
}
