package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/ghmcp/ghmcp/internal/fakegithub"
)

// badCalls are arguments a JSON Schema validation would refuse, with
// ghmcp's own message expected (ghmcp runs no other validation).
var badCalls = []struct{ tool, args, want string }{
	{"get_repository_details", `{"owner":"octo/hello","repo":"hello"}`, `invalid argument "owner": got "octo/hello", which is not a GitHub user or organization login (letters, digits, '-'; at most 39); give the owner and the repository name as separate arguments, without '/', e.g. "octocat"`},
	{"get_repository_details", `{"repo":"hello"}`, `invalid argument "owner": must not be empty; it must be a GitHub user or organization login (letters, digits, '-'; at most 39), e.g. "octocat"`},
	{"get_repository_details", `{"owner":"octo","repo":"hello","x":1}`, `invalid argument "x": is not an argument of this tool; see its input schema for the accepted arguments`},
	{"create_issue", `{"owner":"octo","repo":"hello","title":"x","milestone":"2"}`, `invalid argument "milestone": must be an integer, got string`},
	{"create_issue", `{"owner":"octo","repo":"hello","title":"x","assignees":["a","b","c","d","e","f","g","h","i","j","k"]}`, `invalid argument "assignees": has 11 elements; at most 10 are allowed`},
}

// TestSchemaValidationAtEveryProtocolVersion checks that arguments the JSON
// Schema refuses come back, at every protocol version mcp-go speaks, as an
// isError tool result (which the model sees) carrying ghmcp's field-level
// message, not as a JSON-RPC error.
func TestSchemaValidationAtEveryProtocolVersion(t *testing.T) {
	t.Parallel()
	for _, version := range mcp.ValidProtocolVersions {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			gh := fakegithub.New(transcriptToken)
			t.Cleanup(gh.Close)
			p := startServer(t, gh, "--log-level", "warn")
			meta := ""
			if mcp.IsModernProtocol(version) {
				meta = fmt.Sprintf(`,"_meta":{%q:%q,%q:{},%q:{"name":"t","version":"1"}}`, mcp.MetaKeyProtocolVersion, version, mcp.MetaKeyClientCapabilities, mcp.MetaKeyClientInfo)
			} else {
				p.send(fmt.Sprintf(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":%q,"capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`, version))
				p.await("0")
				p.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)
			}
			for i, c := range badCalls {
				p.send(fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%q,"arguments":%s%s}}`, i+1, c.tool, c.args, meta))
				r := p.await(fmt.Sprint(i + 1))
				if r.Result == nil || !r.Result.IsError || len(r.Result.Content) != 1 || r.Result.Content[0].Text != c.want {
					t.Errorf("%s %s:\n got %s\nwant an isError result %q", c.tool, c.args, r.raw, c.want)
				}
			}
			if reqs := gh.Requests(); len(reqs) != 0 {
				t.Errorf("refused calls reached GitHub: %v", reqs)
			}
		})
	}
}

// TestOneValidation checks that ghmcp's own argument checks are the only
// validation: every refused call, including those mcp-go's JSON Schema
// validation used to answer first, gets ghmcp's message naming the
// argument, and the arguments hosts send (nulls for optional arguments,
// Gemini CLI's wait_for_previous) pass.
func TestOneValidation(t *testing.T) {
	srv := newTestServer(t, []string{"--toolsets", "all"})
	calls := append(badCalls[:len(badCalls):len(badCalls)], []struct{ tool, args, want string }{
		{"get_pull_request", `{"owner":"octo","repo":"hello"}`, `invalid argument "number": is missing or 0; it must be at least 1`},
		{"search_code", `{}`, `invalid argument "q": is required; give a value`},
		{"search_issues", `{"q":null}`, `invalid argument "q": is required but null; give a value`},
		// Accepted: without a token, the call stops at the client.
		{"list_issues", `{"owner":"octo","repo":"hello","state":null,"labels":null,"page":null}`, `GITHUB_PERSONAL_ACCESS_TOKEN`},
		{"get_repository_details", `{"owner":"octo","repo":"hello","wait_for_previous":true}`, `GITHUB_PERSONAL_ACCESS_TOKEN`},
	}...)
	for i, c := range calls {
		msg := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%q,"arguments":%s}}`, i, c.tool, c.args)
		resp := srv.HandleMessage(context.Background(), json.RawMessage(msg))
		r, ok := resp.(mcp.JSONRPCResponse)
		if !ok {
			t.Errorf("%s %s: answered %T, not a result", c.tool, c.args, resp)
			continue
		}
		res, ok := r.Result.(*mcp.CallToolResult)
		if !ok || !res.IsError || len(res.Content) != 1 {
			t.Errorf("%s %s: not an isError result: %+v", c.tool, c.args, r.Result)
			continue
		}
		text := res.Content[0].(mcp.TextContent).Text
		if !strings.Contains(text, c.want) || strings.Contains(text, "input schema validation failed") {
			t.Errorf("%s %s:\n got %s\nwant ghmcp's message containing %q", c.tool, c.args, text, c.want)
		}
	}
}

// Log notifications pass through the same redaction as stderr: a GitHub
// error that quotes the token reaches the host masked.
func TestLogNotificationsAreRedacted(t *testing.T) {
	t.Parallel()
	const token = "ghp_hostlogcanary0123456789ABCDEFGHIJKLMN"
	gh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `{"message":"token `+token+` may not list branches"}`)
	}))
	defer gh.Close()
	in := strings.Join([]string{
		`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`,
		`{"jsonrpc":"2.0","id":2,"method":"logging/setLevel","params":{"level":"debug"}}`,
		`{"jsonrpc":"2.0","id":3,"method":"completion/complete","params":{"ref":{"type":"ref/prompt","name":"triage_issue"},"argument":{"name":"branch","value":""},"context":{"arguments":{"owner":"o","repo":"r"}}}}`,
	}, "\n") + "\n"
	var stdout, stderr strings.Builder
	env := map[string]string{"GITHUB_PERSONAL_ACCESS_TOKEN": token, "GITHUB_API_URL": gh.URL}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if code := run(ctx, nil, strings.NewReader(in), &stdout, &stderr, envMap(env)); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), `"method":"notifications/message"`) || !strings.Contains(stdout.String(), "token [REDACTED] may not list branches") {
		t.Errorf("no redacted log notification:\n%s", stdout.String())
	}
	if strings.Contains(stdout.String()+stderr.String(), token) {
		t.Errorf("the token leaked:\n%s\n%s", stdout.String(), stderr.String())
	}
}
