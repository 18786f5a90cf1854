// Command floor is the smallest useful mcp-go stdio server: one tool, no
// GitHub client. scripts/bench-startup.sh measures it beside ghmcp as the
// floor for start-up time and memory on the same machine.
package main

import (
	"context"
	"os"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

func main() {
	s := server.NewMCPServer("floor", "1")
	s.AddTool(mcp.NewTool("echo", mcp.WithDescription("Echo text"), mcp.WithString("text", mcp.Required())),
		func(_ context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
			return mcp.NewToolResultText(req.GetString("text", "")), nil
		})
	if err := server.ServeStdio(s); err != nil {
		os.Exit(1)
	}
}
