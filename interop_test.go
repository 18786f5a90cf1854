package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ghmcp/ghmcp/internal/fakegithub"
)

// TestInteropGoSDK drives the real binary as a subprocess with the official
// Go MCP SDK client, at each protocol version the SDK speaks (2026-07-28,
// stateless, included): connect, list tools and call both, list resource
// templates and read resources, list prompts and get one, complete an
// argument, receive progress and (before 2026-07-28, where logging/setLevel
// exists) log notifications during a throttled call, and cancel a call
// mid-request. Results are checked against the declared schemas.
func TestInteropGoSDK(t *testing.T) {
	golden := goldenOutputSchemas(t)
	for _, version := range sdk.SupportedProtocolVersions() {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			gh := fakegithub.New(transcriptToken)
			url := gh.Start()
			t.Cleanup(gh.Close)
			gh.AddDemo()

			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.Command("ghmcp", "--log-level", "info")
			cmd.Env = append(os.Environ(), "GITHUB_API_URL="+url, "GITHUB_PERSONAL_ACCESS_TOKEN="+transcriptToken)
			var stderr lockedBuffer
			cmd.Stderr = &stderr
			var notes notifications
			client := sdk.NewClient(&sdk.Implementation{Name: "interop-test", Version: "1"}, &sdk.ClientOptions{
				ProgressNotificationHandler: func(_ context.Context, r *sdk.ProgressNotificationClientRequest) {
					notes.add("progress: " + r.Params.Message)
				},
				//lint:ignore SA1019 ghmcp serves logging to the revisions that have it
				LoggingMessageHandler: func(_ context.Context, r *sdk.LoggingMessageRequest) {
					b, _ := json.Marshal(r.Params.Data)
					notes.add("log " + string(r.Params.Level) + ": " + string(b))
				},
			})
			session, err := client.Connect(ctx, &sdk.CommandTransport{Command: cmd}, &sdk.ClientSessionOptions{ProtocolVersion: version})
			if err != nil {
				t.Fatalf("connect: %v\nstderr: %s", err, stderr.String())
			}
			defer session.Close()
			if got := session.InitializeResult().ServerInfo.Name; got != "ghmcp" {
				t.Errorf("server name %q", got)
			}
			if got := session.InitializeResult().ProtocolVersion; got != version {
				t.Errorf("negotiated %s, want %s", got, version)
			}
			structured := version >= "2025-06-18"

			// Tools.
			list, err := session.ListTools(ctx, nil)
			if err != nil {
				t.Fatalf("tools/list: %v", err)
			}
			schemas := map[string]*sdk.Tool{}
			for _, tool := range list.Tools {
				schemas[tool.Name] = tool
				if got := tool.OutputSchema != nil; got != structured {
					t.Errorf("%s: outputSchema present = %t at %s, want %t", tool.Name, got, version, structured)
				}
			}
			for _, c := range []struct {
				name string
				args map[string]any
				want string
			}{
				{"get_repository_details", map[string]any{"owner": "octo", "repo": "hello"}, `"full_name":"octo/hello"`},
				{"create_issue", map[string]any{"owner": "octo", "repo": "hello", "title": "From the Go SDK"}, `"number":4`},
			} {
				if schemas[c.name] == nil {
					t.Fatalf("tools/list lacks %s", c.name)
				}
				res, err := session.CallTool(ctx, &sdk.CallToolParams{Name: c.name, Arguments: c.args})
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				if res.IsError {
					t.Fatalf("%s: error result %v", c.name, res.Content)
				}
				text := res.Content[0].(*sdk.TextContent).Text
				if !strings.Contains(text, c.want) {
					t.Errorf("%s: text %s lacks %s", c.name, text, c.want)
				}
				if structured {
					if res.StructuredContent == nil {
						t.Errorf("%s: no structuredContent at %s", c.name, version)
					}
					checkAgainstSchema(t, c.name, schemas[c.name].OutputSchema, res.StructuredContent)
				} else {
					if res.StructuredContent != nil {
						t.Errorf("%s: structuredContent at %s, which predates it", c.name, version)
					}
					var v any
					if err := json.Unmarshal([]byte(text), &v); err != nil {
						t.Fatalf("%s: text is not JSON: %v", c.name, err)
					}
					checkAgainstSchema(t, c.name, golden[c.name], v)
				}
			}

			// Resources.
			templates, err := session.ListResourceTemplates(ctx, nil)
			if err != nil {
				t.Fatalf("resources/templates/list: %v", err)
			}
			var uris []string
			for _, tpl := range templates.ResourceTemplates {
				uris = append(uris, tpl.URITemplate)
			}
			for _, want := range []string{"repo://{owner}/{repo}/contents/{+path}{?ref}", "repo://{owner}/{repo}/issues/{number}", "repo://{owner}/{repo}/pulls/{number}"} {
				if !slices.Contains(uris, want) {
					t.Errorf("resource templates %v lack %s", uris, want)
				}
			}
			for _, r := range []struct {
				uri, mime, want string
			}{
				{"repo://octo/hello/contents/docs/guide.md", "text/markdown", "Run `hello`."},
				{"repo://octo/hello/contents/README.md?ref=feature", "text/markdown", "Says hello, loudly."},
				{"repo://octo/hello/issues/1", "text/markdown", "v1.0.0 on Linux."},
				{"repo://octo/hello/pulls/2", "text/markdown", "feature into main"},
			} {
				res, err := session.ReadResource(ctx, &sdk.ReadResourceParams{URI: r.uri})
				if err != nil {
					t.Fatalf("resources/read %s: %v", r.uri, err)
				}
				if len(res.Contents) == 0 || res.Contents[0].MIMEType != r.mime || !strings.Contains(res.Contents[0].Text, r.want) {
					t.Errorf("resources/read %s = %+v, want %s containing %q", r.uri, res.Contents, r.mime, r.want)
				}
			}
			if _, err := session.ReadResource(ctx, &sdk.ReadResourceParams{URI: "repo://octo/hello/contents/../secrets"}); err == nil || !strings.Contains(err.Error(), `invalid argument "path"`) {
				t.Errorf("reading a path with '..' = %v, want an invalid argument error", err)
			}

			// Prompts.
			prompts, err := session.ListPrompts(ctx, nil)
			if err != nil {
				t.Fatalf("prompts/list: %v", err)
			}
			if len(prompts.Prompts) != 3 {
				t.Errorf("prompts/list: %d prompts, want 3", len(prompts.Prompts))
			}
			p, err := session.GetPrompt(ctx, &sdk.GetPromptParams{Name: "review_pull_request", Arguments: map[string]string{"owner": "octo", "repo": "hello", "number": "2"}})
			if err != nil {
				t.Fatalf("prompts/get: %v", err)
			}
			if len(p.Messages) != 3 {
				t.Fatalf("review_pull_request: %d messages, want instructions, summary and diff", len(p.Messages))
			}
			if r, ok := p.Messages[2].Content.(*sdk.EmbeddedResource); !ok || r.Resource.MIMEType != "text/x-diff" || !strings.Contains(r.Resource.Text, "diff --git a/README.md b/README.md") {
				t.Errorf("review_pull_request: third message %+v, want the diff", p.Messages[2].Content)
			}

			// Completion.
			comp, err := session.Complete(ctx, &sdk.CompleteParams{
				Ref:      &sdk.CompleteReference{Type: "ref/resource", URI: "repo://{owner}/{repo}/contents/{+path}{?ref}"},
				Argument: sdk.CompleteParamsArgument{Name: "repo", Value: "hel"},
				Context:  &sdk.CompleteContext{Arguments: map[string]string{"owner": "octo"}},
			})
			if err != nil {
				t.Fatalf("completion/complete: %v", err)
			}
			if want := []string{"hello", "hello-docs"}; !slices.Equal(comp.Completion.Values, want) {
				t.Errorf("completion of repo %q = %v, want %v", "hel", comp.Completion.Values, want)
			}

			// Progress and log notifications during a throttled call.
			if version < "2026-07-28" {
				//lint:ignore SA1019 ghmcp serves logging to the revisions that have it
				if err := session.SetLoggingLevel(ctx, &sdk.SetLoggingLevelParams{Level: "info"}); err != nil {
					t.Fatalf("logging/setLevel: %v", err)
				}
			}
			gh.Inject(fakegithub.Fault{Method: "GET", Path: "/repos/octo/hello", Status: 429, Header: map[string]string{"Retry-After": "2"}})
			params := &sdk.CallToolParams{Name: "get_repository_details", Arguments: map[string]any{"owner": "octo", "repo": "hello"}}
			params.SetProgressToken("slow-1")
			if res, err := session.CallTool(ctx, params); err != nil || res.IsError {
				t.Fatalf("throttled call: %v %v", err, res)
			}
			notes.waitFor(t, "progress: waiting 2s for GitHub (secondary rate limit pause)")
			if version < "2026-07-28" {
				notes.waitFor(t, `log warning: {"msg":"rate limit: GitHub secondary limit hit; pausing all requests"`)
			}

			// Cancellation: GitHub holds the request; the client gives up.
			gh.Inject(fakegithub.Fault{Method: "GET", Path: "/repos/octo/hello", Delay: 10 * time.Second})
			callCtx, stop := context.WithTimeout(ctx, 500*time.Millisecond)
			_, err = session.CallTool(callCtx, &sdk.CallToolParams{Name: "get_repository_details", Arguments: map[string]any{"owner": "octo", "repo": "hello"}})
			stop()
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("cancelled call returned %v, want the context's error", err)
			}
			start := time.Now()
			if res, err := session.CallTool(ctx, &sdk.CallToolParams{Name: "get_repository_details", Arguments: map[string]any{"owner": "octo", "repo": "hello"}}); err != nil || res.IsError {
				t.Fatalf("call after a cancellation: %v %v", err, res)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("the call after a cancellation took %s", d)
			}

			if strings.Contains(stderr.String(), transcriptToken) || strings.Contains(notes.String(), transcriptToken) {
				t.Error("the token appears on stderr or in a notification")
			}
		})
	}
}

// goldenOutputSchemas reads the output schemas from the golden tools list,
// to check results at versions whose tools/list has none.
func goldenOutputSchemas(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "tools_list.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Tools []struct {
			Name         string `json:"name"`
			OutputSchema any    `json:"outputSchema"`
		} `json:"tools"`
	}
	if err := json.Unmarshal(b, &list); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for _, tool := range list.Tools {
		out[tool.Name] = tool.OutputSchema
	}
	return out
}

// notifications collects what a client heard, for tests to wait on.
type notifications struct {
	mu   sync.Mutex
	seen []string
}

func (n *notifications) add(s string) {
	n.mu.Lock()
	n.seen = append(n.seen, s)
	n.mu.Unlock()
}

func (n *notifications) String() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return strings.Join(n.seen, "\n")
}

// waitFor fails unless a notification starting with prefix arrives soon.
func (n *notifications) waitFor(t *testing.T, prefix string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		n.mu.Lock()
		found := slices.ContainsFunc(n.seen, func(s string) bool { return strings.HasPrefix(s, prefix) })
		n.mu.Unlock()
		if found {
			return
		}
	}
	t.Errorf("no notification starting with %q; got:\n%s", prefix, n.String())
}

// checkAgainstSchema validates a result against the tool's declared output
// schema with a full JSON Schema validator.
func checkAgainstSchema(t *testing.T, tool string, schema any, value any) {
	t.Helper()
	sb, err := json.Marshal(schema)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(sb))
	if err != nil {
		t.Fatalf("%s: output schema: %v", tool, err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("output.json", doc); err != nil {
		t.Fatal(err)
	}
	compiled, err := c.Compile("output.json")
	if err != nil {
		t.Fatalf("%s: output schema does not compile: %v", tool, err)
	}
	vb, _ := json.Marshal(value)
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(vb))
	if err != nil {
		t.Fatal(err)
	}
	if err := compiled.Validate(v); err != nil {
		t.Errorf("%s: structuredContent does not match the output schema: %v\n%s", tool, err, vb)
	}
}

// TestGoSDKCloseWithACallInFlight follows the MCP stdio shutdown as the Go
// SDK does it: it waits for its calls in flight (here cancelled by their
// own deadline, which sends notifications/cancelled), closes stdin, waits
// up to 5s, then sends SIGTERM. ghmcp sends no answer to the cancelled
// call and exits 0 on its own as soon as stdin closes.
func TestGoSDKCloseWithACallInFlight(t *testing.T) {
	t.Parallel()
	gh, url := newFake(t)
	gh.Inject(fakegithub.Fault{Method: "GET", Path: "/repos/octo/hello", Delay: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p := startGhmcp(t, ctx, url)
	callCtx, stop := context.WithTimeout(ctx, time.Second)
	defer stop()
	go p.call(callCtx, "get_repository_details", map[string]any{"owner": "octo", "repo": "hello"})
	deadline := time.Now().Add(10 * time.Second)
	for len(gh.Requests()) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	if err := p.session.Close(); err != nil {
		t.Logf("close: %v", err)
	}
	t.Logf("Close returned after %v", time.Since(start).Round(time.Millisecond))
	st := p.cmd.ProcessState
	if st == nil {
		t.Fatal("the process state is unknown after Close")
	}
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		t.Errorf("ghmcp had to be stopped by %v; it must exit on its own when stdin closes", ws.Signal())
	}
	if st.ExitCode() != 0 {
		t.Errorf("exit code %d, want 0; stderr:\n%s", st.ExitCode(), p.stderr.String())
	}
}
