package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ghmcp/ghmcp/internal/fakegithub"
)

// TestInteropGoSDK drives the real binary as a subprocess with the official
// Go MCP SDK client, at each protocol version the SDK speaks: connect, list
// tools, call both tools, and check results against the declared schemas.
func TestInteropGoSDK(t *testing.T) {
	for _, version := range sdk.SupportedProtocolVersions() {
		t.Run(version, func(t *testing.T) {
			gh := fakegithub.New(transcriptToken)
			url := gh.Start()
			t.Cleanup(gh.Close)
			gh.AddRepo(fakegithub.Repo{Owner: "octo", Name: "hello", Description: "Hello", DefaultBranch: "main", License: "MIT", Language: "Go", Stars: 3, PushedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)})

			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.Command("ghmcp", "--log-level", "warn")
			cmd.Env = append(os.Environ(), "GITHUB_API_URL="+url, "GITHUB_PERSONAL_ACCESS_TOKEN="+transcriptToken)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			client := sdk.NewClient(&sdk.Implementation{Name: "interop-test", Version: "1"}, nil)
			session, err := client.Connect(ctx, &sdk.CommandTransport{Command: cmd}, &sdk.ClientSessionOptions{ProtocolVersion: version})
			if err != nil {
				t.Fatalf("connect: %v\nstderr: %s", err, stderr.String())
			}
			defer session.Close()
			if got := session.InitializeResult().ServerInfo.Name; got != "ghmcp" {
				t.Errorf("server name %q", got)
			}

			list, err := session.ListTools(ctx, nil)
			if err != nil {
				t.Fatalf("tools/list: %v", err)
			}
			schemas := map[string]*sdk.Tool{}
			for _, tool := range list.Tools {
				schemas[tool.Name] = tool
			}
			for _, name := range []string{"get_repository_details", "create_issue"} {
				if schemas[name] == nil {
					t.Fatalf("tools/list lacks %s", name)
				}
			}

			for _, c := range []struct {
				name string
				args map[string]any
				want string
			}{
				{"get_repository_details", map[string]any{"owner": "octo", "repo": "hello"}, `"full_name":"octo/hello"`},
				{"create_issue", map[string]any{"owner": "octo", "repo": "hello", "title": "From the Go SDK"}, `"number":1`},
			} {
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
				if res.StructuredContent == nil {
					t.Errorf("%s: no structuredContent", c.name)
				}
				checkAgainstSchema(t, c.name, schemas[c.name].OutputSchema, res.StructuredContent)
			}
			if strings.Contains(stderr.String(), transcriptToken) {
				t.Error("the token appears on stderr")
			}
		})
	}
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
