package main

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ghmcp/ghmcp/internal/fakegithub"
)

// TestDynamicToolsets starts the binary with --dynamic-toolsets under the
// official Go SDK client: it offers enable_toolset alone, lists the
// toolsets, and enabling one makes its tools appear with a
// notifications/tools/list_changed the client sees.
func TestDynamicToolsets(t *testing.T) {
	t.Parallel()
	gh := fakegithub.New(transcriptToken)
	url := gh.Start()
	t.Cleanup(gh.Close)
	gh.AddRepo(fakegithub.Repo{Owner: "octo", Name: "hello"})

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.Command("ghmcp", "--dynamic-toolsets", "--read-only")
	cmd.Env = append(os.Environ(), "GITHUB_API_URL="+url, "GITHUB_PERSONAL_ACCESS_TOKEN="+transcriptToken)
	changed := make(chan struct{}, 4)
	client := sdk.NewClient(&sdk.Implementation{Name: "dynamic-test", Version: "1"}, &sdk.ClientOptions{
		ToolListChangedHandler: func(context.Context, *sdk.ToolListChangedRequest) { changed <- struct{}{} },
	})
	session, err := client.Connect(ctx, &sdk.CommandTransport{Command: cmd}, &sdk.ClientSessionOptions{ProtocolVersion: "2025-06-18"})
	if err != nil {
		t.Fatal(err)
	}
	defer session.Close()

	names := func() []string {
		t.Helper()
		list, err := session.ListTools(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, tool := range list.Tools {
			out = append(out, tool.Name)
		}
		return out
	}
	if got := names(); !slices.Equal(got, []string{"enable_toolset"}) {
		t.Fatalf("at start: %v, want enable_toolset alone", got)
	}

	res, err := session.CallTool(ctx, &sdk.CallToolParams{Name: "enable_toolset", Arguments: map[string]any{}})
	if err != nil || res.IsError {
		t.Fatalf("listing toolsets: %v %v", err, res)
	}
	text := res.Content[0].(*sdk.TextContent).Text
	for _, want := range []string{`"name":"issues"`, `"name":"actions"`, `"get_issue"`} {
		if !strings.Contains(text, want) {
			t.Errorf("toolset list lacks %s: %s", want, text)
		}
	}
	if strings.Contains(text, `"create_issue"`) {
		t.Errorf("--read-only offers create_issue: %s", text)
	}

	res, err = session.CallTool(ctx, &sdk.CallToolParams{Name: "enable_toolset", Arguments: map[string]any{"toolset": "nope"}})
	if err != nil || !res.IsError || !strings.Contains(res.Content[0].(*sdk.TextContent).Text, `invalid argument "toolset"`) {
		t.Errorf("unknown toolset: %v %v", err, res)
	}

	res, err = session.CallTool(ctx, &sdk.CallToolParams{Name: "enable_toolset", Arguments: map[string]any{"toolset": "issues"}})
	if err != nil || res.IsError {
		t.Fatalf("enabling issues: %v %v", err, res)
	}
	select {
	case <-changed:
	case <-ctx.Done():
		t.Fatal("no notifications/tools/list_changed after enabling a toolset")
	}
	got := names()
	for _, want := range []string{"enable_toolset", "get_issue", "list_issues", "search_issues"} {
		if !slices.Contains(got, want) {
			t.Errorf("after enabling issues: %v lacks %s", got, want)
		}
	}
	if slices.Contains(got, "create_issue") || slices.Contains(got, "get_pull_request") {
		t.Errorf("after enabling issues (read-only): %v", got)
	}
	res, err = session.CallTool(ctx, &sdk.CallToolParams{Name: "get_issue", Arguments: map[string]any{"owner": "octo", "repo": "hello", "number": 1}})
	if err != nil || !res.IsError || !strings.Contains(res.Content[0].(*sdk.TextContent).Text, "not found (404") {
		t.Errorf("an enabled tool does not reach GitHub: %v %v", err, res)
	}
}
