package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/ghmcp/ghmcp/internal/fakegithub"
	"github.com/ghmcp/ghmcp/internal/redact"
	"github.com/ghmcp/ghmcp/tools"
)

// badCalls are arguments that mcp-go's JSON Schema validation refuses
// before ghmcp's handler runs, with ghmcp's own message expected.
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
	for _, version := range mcp.ValidProtocolVersions {
		t.Run(version, func(t *testing.T) {
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

// TestSchemaValidationMessages logs what mcp-go's schema validation says on
// its own, which ghmcp replaces: it must at least be an isError result.
func TestSchemaValidationMessages(t *testing.T) {
	cfg, _, done := parseConfig(nil, &strings.Builder{}, &strings.Builder{}, envMap(nil))
	if done {
		t.Fatal("parseConfig")
	}
	srv := server.NewMCPServer("plain", "1", server.WithToolCapabilities(false), server.WithInputSchemaValidation())
	for _, tool := range tools.All(tools.Deps{}) {
		srv.AddTool(tool.Def, tool.Handler)
	}
	for i, c := range badCalls {
		msg := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%q,"arguments":%s}}`, i, c.tool, c.args)
		resp := srv.HandleMessage(context.Background(), json.RawMessage(msg))
		r, ok := resp.(mcp.JSONRPCResponse)
		if !ok {
			t.Errorf("%s: mcp-go answered %T, not a result", c.args, resp)
			continue
		}
		res, ok := r.Result.(*mcp.CallToolResult)
		if !ok || !res.IsError {
			t.Errorf("%s: not an isError result: %+v", c.args, r.Result)
			continue
		}
		t.Logf("mcp-go alone: %s → %s", c.args, res.Content[0].(mcp.TextContent).Text)
	}
	// And through ghmcp's server, ghmcp's message.
	ours, err := newServer(cfg, redact.New(), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp := ours.HandleMessage(context.Background(), json.RawMessage(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_repository_details","arguments":{"owner":"a/b","repo":"c"}}}`))
	if r, ok := resp.(mcp.JSONRPCResponse); !ok || !strings.Contains(r.Result.(*mcp.CallToolResult).Content[0].(mcp.TextContent).Text, "give the owner and the repository name as separate arguments") {
		t.Errorf("ghmcp's server does not give its own message: %+v", resp)
	}
}
