package mcpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/ghmcp/ghmcp/internal/flowguard"
	"github.com/ghmcp/ghmcp/internal/redact"
	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// recordingSession is a session that writes its notifications, in order,
// to out.
type recordingSession struct {
	out *bytes.Buffer
}

func (s *recordingSession) SessionID() string { return "rec" }
func (s *recordingSession) NotificationChannel() chan<- mcp.JSONRPCNotification {
	return make(chan mcp.JSONRPCNotification, 1)
}
func (s *recordingSession) Initialize()       {}
func (s *recordingSession) Initialized() bool { return true }
func (s *recordingSession) Notify(n mcp.JSONRPCNotification) error {
	b, err := json.Marshal(n)
	if err != nil {
		return err
	}
	s.out.Write(append(b, '\n'))
	return nil
}

// Progress values grow with every notification, across phases of pages,
// and nothing is sent once the request has ended.
func TestProgressValuesGrow(t *testing.T) {
	var out bytes.Buffer
	srv := server.NewMCPServer("t", "1")
	ctx := srv.WithContext(context.Background(), &recordingSession{out: &out})
	r := &progressReporter{ctx: ctx, token: "tok"}
	r.pages(1, 3, "page 1 of 3")
	r.pages(2, 3, "page 2 of 3")
	r.pages(1, 2, "another list: page 1 of 2") // a new phase
	r.send(0, 0, "a value that would go back")
	r.close()
	r.pages(2, 2, "after the end")

	type params struct {
		Progress float64 `json:"progress"`
		Total    float64 `json:"total"`
		Message  string  `json:"message"`
	}
	var got []params
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var n struct {
			Method string `json:"method"`
			Params params `json:"params"`
		}
		if err := json.Unmarshal([]byte(line), &n); err != nil || n.Method != "notifications/progress" {
			t.Fatalf("line %q: %v", line, err)
		}
		got = append(got, n.Params)
	}
	want := []params{
		{1, 3, "page 1 of 3"},
		{2, 3, "page 2 of 3"},
		{3, 4, "another list: page 1 of 2"},
		{4, 0, "a value that would go back"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("notifications (-want +got):\n%s", diff)
	}
}

func TestMCPLevels(t *testing.T) {
	for l, want := range map[slog.Level]mcp.LoggingLevel{
		slog.LevelDebug - 4: "debug", slog.LevelDebug: "debug", slog.LevelInfo: "info", slog.LevelInfo + 2: "notice",
		slog.LevelWarn: "warning", slog.LevelError: "error", slog.LevelError + 4: "critical", slog.LevelError + 12: "emergency",
	} {
		if got := mcpLevel(l); got != want {
			t.Errorf("mcpLevel(%v) = %s, want %s", l, got, want)
		}
	}
}

// TestPanicsAreRedacted panics with the token inside a tool call: the
// model gets an isError result without it, the log gets it masked, and no
// stack is printed.
func TestPanicsAreRedacted(t *testing.T) {
	const token = "ghp_panicCANARY0123456789ABCDEFGHIJKLMNO"
	var logs strings.Builder
	redactor := redact.New(token)
	logger := slog.New(redactor.Handler(slog.NewTextHandler(&logs, nil)))
	handler := recoverTools(redactor, logger)(func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		panic(fmt.Errorf("request with %s failed", token))
	})
	res, err := handler(context.Background(), mcp.CallToolRequest{})
	if err != nil || res == nil || !res.IsError {
		t.Fatalf("got %v, %v; want an isError result", res, err)
	}
	out, _ := json.Marshal(res)
	for name, s := range map[string]string{"result": string(out), "log": logs.String()} {
		if strings.Contains(s, token) || strings.Contains(s, "goroutine ") {
			t.Errorf("the %s shows the token or a stack: %s", name, s)
		}
	}
	if !strings.Contains(logs.String(), "[REDACTED]") {
		t.Errorf("the panic was not logged redacted: %s", logs.String())
	}
}

// A session that ends takes its flow-guard state with it: a client that
// comes back under the same id starts clean.
func TestEndedSessionIsForgottenByTheFlowGuard(t *testing.T) {
	guard := flowguard.New(nil)
	srv, err := New(Options{Version: "test", Deps: toolkit.Deps{Flow: guard}})
	if err != nil {
		t.Fatal(err)
	}
	sess := &recordingSession{out: &bytes.Buffer{}}
	ctx := srv.WithContext(context.Background(), sess)
	if err := srv.RegisterSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	guard.Taint(ctx, "acme/secrets")
	if _, ok := guard.Tainted(ctx); !ok {
		t.Fatal("the session was not tainted")
	}
	srv.UnregisterSession(ctx, sess.SessionID())
	if what, ok := guard.Tainted(ctx); ok {
		t.Errorf("after the session ended, the guard still remembers %s", what)
	}
}
