package main

import (
	"log/slog"
	"testing"

	"github.com/ghmcp/ghmcp/internal/config"
	"github.com/ghmcp/ghmcp/internal/mcpserver"
	"github.com/ghmcp/ghmcp/internal/redact"
)

// newTestServer builds the MCP server exactly as run does, from args and
// an empty environment, without a transport.
func newTestServer(t *testing.T, args []string) *mcpserver.Server {
	t.Helper()
	cfg, err := config.Parse(args, envMap(nil))
	if err != nil {
		t.Fatalf("config.Parse(%q): %v", args, err)
	}
	redactor := redact.New(cfg.Token)
	logger := slog.New(slog.DiscardHandler)
	deps, err := newDeps(cfg, redactor, logger)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mcpserver.New(mcpserver.Options{Version: buildVersion(), Deps: deps, Selection: cfg.Selection, Dynamic: cfg.Dynamic, Redactor: redactor})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}
