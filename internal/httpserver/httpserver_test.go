package httpserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ghmcp/ghmcp/github"
	"github.com/ghmcp/ghmcp/internal/fakegithub"
	"github.com/ghmcp/ghmcp/internal/httpserver"
	"github.com/ghmcp/ghmcp/internal/mcpserver"
	"github.com/ghmcp/ghmcp/internal/toolkit"
	"github.com/ghmcp/ghmcp/internal/webhook"
	"github.com/ghmcp/ghmcp/ratelimit"
)

// clientToken is the GitHub token the test clients bring; the fake
// accepts only it.
const clientToken = "ghp_clientTOKEN0123456789abcdefghijklmnopq"

const webhookSecret = "It's a Secret to Everybody"

// backendFor builds an identity's backend the way the main package does,
// against the fake at api.
func backendFor(t testing.TB, api string) httpserver.Factory {
	return func(token string) (*httpserver.Backend, error) {
		u, _ := url.Parse(api + "/")
		limiter := ratelimit.New(ratelimit.DefaultConfig(), nil, nil)
		cache := ratelimit.NewCache(ratelimit.CacheConfig{TokenKey: ratelimit.TokenKey(token)})
		client, err := github.NewClient(github.Options{Token: token, APIURL: u, Limiter: limiter, Cache: cache})
		if err != nil {
			return nil, err
		}
		srv, err := mcpserver.New(mcpserver.Options{Version: "test", Deps: toolkit.Deps{GitHub: client, Logger: slog.New(slog.DiscardHandler)}})
		if err != nil {
			return nil, err
		}
		return &httpserver.Backend{Server: srv, Cache: cache}, nil
	}
}

// service is the HTTP service in front of a demo fake GitHub.
type service struct {
	gh  *fakegithub.Server
	api string // the fake's URL
	srv *httpserver.Server
	url string
}

func setup(t testing.TB, opts httpserver.Options) *service {
	t.Helper()
	gh := fakegithub.New(clientToken)
	gh.AddDemo()
	api := gh.Start()
	t.Cleanup(gh.Close)
	if opts.Factory == nil {
		opts.Factory = backendFor(t, api)
	}
	srv := httpserver.New(opts)
	wh, err := webhook.New(webhook.Options{Secret: []byte(webhookSecret), Dedup: webhook.NewMemoryDeduper(0, 0, nil), Sink: srv.Sink()})
	if err != nil {
		t.Fatal(err)
	}
	srv.Handle("/webhook", wh)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &service{gh: gh, api: api, srv: srv, url: ts.URL}
}

// newTS serves h on a loopback httptest server and returns its URL.
func newTS(t testing.TB, h http.Handler) string {
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}

// bearerTransport adds Authorization: Bearer token to every request.
type bearerTransport struct{ token string }

func (b bearerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return http.DefaultTransport.RoundTrip(r)
}

func connect(t testing.TB, ctx context.Context, endpoint, token, version string, opts *sdk.ClientOptions) *sdk.ClientSession {
	t.Helper()
	client := sdk.NewClient(&sdk.Implementation{Name: "httpserver-test", Version: "1"}, opts)
	cs, err := client.Connect(ctx, &sdk.StreamableClientTransport{Endpoint: endpoint, HTTPClient: &http.Client{Transport: bearerTransport{token}}, MaxRetries: -1}, &sdk.ClientSessionOptions{ProtocolVersion: version})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// The official Go SDK client lists, calls a tool, reads a resource, gets a
// prompt, subscribes to an issue, and hears of it after a signed webhook:
// at 2026-07-28 (stateless, subscriptions/listen) and at 2025-11-25
// (sessions, resources/subscribe, the GET stream).
func TestGoSDKClientOverStreamableHTTP(t *testing.T) {
	for _, version := range []string{"", "2025-11-25"} {
		t.Run("version "+version, func(t *testing.T) { goSDKFlow(t, version) })
	}
}

func goSDKFlow(t *testing.T, version string) {
	s := setup(t, httpserver.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	updated := make(chan string, 4)
	cs := connect(t, ctx, s.url+"/mcp", clientToken, version, &sdk.ClientOptions{
		ResourceUpdatedHandler: func(_ context.Context, r *sdk.ResourceUpdatedNotificationRequest) { updated <- r.Params.URI },
	})
	if version != "" && cs.InitializeResult().ProtocolVersion != version {
		t.Fatalf("negotiated %s", cs.InitializeResult().ProtocolVersion)
	}

	tools, err := cs.ListTools(ctx, nil)
	if err != nil || len(tools.Tools) == 0 {
		t.Fatalf("tools/list: %d tools, %v", len(tools.Tools), err)
	}
	res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "get_repository_details", Arguments: map[string]any{"owner": "octo", "repo": "hello"}})
	if err != nil || res.IsError {
		t.Fatalf("tools/call: %v %+v", err, res)
	}
	if text := res.Content[0].(*sdk.TextContent).Text; !strings.Contains(text, "octo/hello") {
		t.Errorf("get_repository_details: %s", text)
	}
	read, err := cs.ReadResource(ctx, &sdk.ReadResourceParams{URI: "repo://octo/hello/issues/1"})
	if err != nil || len(read.Contents) == 0 || !strings.Contains(read.Contents[0].Text, "Crash on start") {
		t.Fatalf("resources/read: %v %+v", err, read)
	}
	prompt, err := cs.GetPrompt(ctx, &sdk.GetPromptParams{Name: "triage_issue", Arguments: map[string]string{"owner": "octo", "repo": "hello", "number": "1"}})
	if err != nil || len(prompt.Messages) == 0 {
		t.Fatalf("prompts/get: %v %+v", err, prompt)
	}

	if err := cs.Subscribe(ctx, &sdk.SubscribeParams{URI: "repo://octo/hello/issues/1"}); err != nil {
		t.Fatalf("resources/subscribe: %v", err)
	}
	if rr := deliver(t, s.url, "d-1", `{"action":"edited","issue":{"number":1},"repository":{"full_name":"octo/hello"}}`); rr.StatusCode != http.StatusAccepted {
		t.Fatalf("webhook: %d", rr.StatusCode)
	}
	select {
	case uri := <-updated:
		if uri != "repo://octo/hello/issues/1" {
			t.Errorf("updated %q", uri)
		}
	case <-ctx.Done():
		t.Fatal("no notifications/resources/updated after the webhook")
	}
}

// deliver POSTs a signed issues event to /webhook.
func deliver(t testing.TB, base, id, payload string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/webhook", strings.NewReader(payload))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", "issues")
	req.Header.Set("X-GitHub-Delivery", id)
	req.Header.Set("X-Hub-Signature-256", webhook.Sign([]byte(webhookSecret), []byte(payload)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

const initialize = `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}`

// post sends body to /mcp with the headers given, and returns the status
// and the answer's text.
func post(t testing.TB, endpoint, body string, header map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if h, ok := header["Host"]; ok {
		req.Host = h
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestRequestsRefusedBeforeMCP(t *testing.T) {
	s := setup(t, httpserver.Options{MaxBody: 64 << 10})
	auth := "Bearer " + clientToken
	big := `{"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad":"` + strings.Repeat("x", 70<<10) + `"}}`
	for _, tc := range []struct {
		name   string
		body   string
		header map[string]string
		want   int
	}{
		{"a request with a foreign Origin is refused (DNS rebinding)", initialize, map[string]string{"Authorization": auth, "Origin": "http://evil.example"}, http.StatusForbidden},
		{"a foreign Host on a loopback listener is refused (DNS rebinding)", initialize, map[string]string{"Authorization": auth, "Host": "evil.example"}, http.StatusForbidden},
		{"a loopback Origin is served", initialize, map[string]string{"Authorization": auth, "Origin": "http://localhost:6274"}, http.StatusOK},
		{"a body over the cap is refused", big, map[string]string{"Authorization": auth}, http.StatusRequestEntityTooLarge},
		{"a request without a bearer token is refused", initialize, nil, http.StatusUnauthorized},
		{"a bearer that is no GitHub token is refused", initialize, map[string]string{"Authorization": "Bearer x"}, http.StatusUnauthorized},
		{"a basic credential is refused", initialize, map[string]string{"Authorization": "Basic " + clientToken}, http.StatusUnauthorized},
		{"a client's token is served", initialize, map[string]string{"Authorization": auth}, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, s.url+"/mcp", tc.body, tc.header)
			if status != tc.want {
				t.Errorf("status %d, want %d: %s", status, tc.want, body)
			}
			if strings.Contains(body, clientToken) {
				t.Errorf("the answer echoes the token: %s", body)
			}
		})
	}
}

// With --http-token-file, clients present the operator's secret and the
// shared backend serves them; anything else is refused, GitHub tokens
// included.
func TestOperatorSecret(t *testing.T) {
	gh := fakegithub.New(clientToken)
	api := gh.Start()
	defer gh.Close()
	shared, err := backendFor(t, api)(clientToken)
	if err != nil {
		t.Fatal(err)
	}
	secret := "operator-secret-0123456789"
	s := setup(t, httpserver.Options{Secret: []byte(secret), Shared: shared, Factory: func(string) (*httpserver.Backend, error) {
		t.Error("a per-token backend was built in shared mode")
		return nil, io.EOF
	}})
	for _, tc := range []struct {
		bearer string
		want   int
	}{{secret, http.StatusOK}, {clientToken, http.StatusUnauthorized}, {secret + "x", http.StatusUnauthorized}} {
		if status, body := post(t, s.url+"/mcp", initialize, map[string]string{"Authorization": "Bearer " + tc.bearer}); status != tc.want {
			t.Errorf("bearer %.8s...: %d, want %d: %s", tc.bearer, status, tc.want, body)
		}
	}
}

// Two clients with different tokens get different identities; a client
// with the same token twice gets the same one.
func TestEachTokenHasItsOwnIdentity(t *testing.T) {
	built := map[string]int{}
	gh := fakegithub.New("")
	api := gh.Start()
	defer gh.Close()
	f := backendFor(t, api)
	s := setup(t, httpserver.Options{MaxIdentities: 2, Factory: func(token string) (*httpserver.Backend, error) {
		built[ratelimit.TokenKey(token)]++
		return f(token)
	}})
	tokens := []string{clientToken, "ghp_otherTOKEN0123456789abcdefghijklmnopq", clientToken}
	for _, tok := range tokens {
		if status, body := post(t, s.url+"/mcp", initialize, map[string]string{"Authorization": "Bearer " + tok}); status != http.StatusOK {
			t.Fatalf("%d %s", status, body)
		}
	}
	if len(built) != 2 || built[ratelimit.TokenKey(clientToken)] != 1 {
		t.Errorf("backends built: %v", built)
	}
	var keys []string
	for k := range built {
		keys = append(keys, k)
	}
	b, _ := json.Marshal(keys)
	if bytes.Contains(b, []byte(clientToken)) {
		t.Error("a token is a key")
	}
}
