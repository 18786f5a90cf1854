package flowguard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// session is a client session: with or without elicitation, answering
// every elicitation with answer.
type session struct {
	id     string
	elicit bool
	answer mcp.ElicitationResponseAction
	asked  int
}

func (s *session) Initialize()       {}
func (s *session) Initialized() bool { return true }
func (s *session) NotificationChannel() chan<- mcp.JSONRPCNotification {
	return make(chan mcp.JSONRPCNotification, 8)
}
func (s *session) SessionID() string                            { return s.id }
func (s *session) GetClientInfo() mcp.Implementation            { return mcp.Implementation{Name: "test"} }
func (s *session) SetClientInfo(mcp.Implementation)             {}
func (s *session) SetClientCapabilities(mcp.ClientCapabilities) {}
func (s *session) GetClientCapabilities() mcp.ClientCapabilities {
	if s.elicit {
		return mcp.ClientCapabilities{Elicitation: &mcp.ElicitationCapability{}}
	}
	return mcp.ClientCapabilities{}
}

func (s *session) RequestElicitation(ctx context.Context, req mcp.ElicitationRequest) (*mcp.ElicitationResult, error) {
	s.asked++
	return &mcp.ElicitationResult{ElicitationResponse: mcp.ElicitationResponse{Action: s.answer}}, nil
}

// world is a GitHub of known visibilities that counts look-ups.
type world struct {
	mu      sync.Mutex
	private map[string]bool
	lookups int
}

func (w *world) lookup(_ context.Context, owner, repo string) (bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lookups++
	p, ok := w.private[owner+"/"+repo]
	if !ok {
		return false, errors.New("404 not found")
	}
	return p, nil
}

// step is one call in a session: a read of a repository or a write to one.
type step struct {
	session  *session
	write    bool
	owner    string
	repo     string
	refused  bool   // the write must be refused
	declined bool   // ... because the user said no
	asks     int    // elicitations the session's client saw so far
	wantText string // in the refusal
}

// run plays steps through a real mcp-go server, so that the guard finds
// the server and session in its context as in production: each step is a
// tools/call of a tool that reads or writes through the guard.
func run(t *testing.T, g *Guard, steps []step) {
	t.Helper()
	srv := server.NewMCPServer("test", "0")
	srv.AddTool(mcp.NewTool("read"), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		g.Read(ctx, req.GetString("owner", ""), req.GetString("repo", ""))
		return mcp.NewToolResultText("read"), nil
	})
	srv.AddTool(mcp.NewTool("write"), func(ctx context.Context, req mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		if err := g.CheckWrite(ctx, "create_issue", req.GetString("owner", ""), req.GetString("repo", "")); err != nil {
			return mcp.NewToolResultError(err.Error()), nil
		}
		return mcp.NewToolResultText("sent"), nil
	})
	for i, s := range steps {
		tool := "read"
		if s.write {
			tool = "write"
		}
		msg := fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":%q,"arguments":{"owner":%q,"repo":%q}}}`, i+1, tool, s.owner, s.repo)
		ctx := srv.WithContext(context.Background(), s.session)
		out := srv.HandleMessage(ctx, json.RawMessage(msg))
		resp, ok := out.(mcp.JSONRPCResponse)
		if !ok {
			t.Fatalf("step %d: %T %+v", i, out, out)
		}
		res, ok := resp.Result.(*mcp.CallToolResult)
		if !ok {
			t.Fatalf("step %d: result %T", i, resp.Result)
		}
		text := res.Content[0].(mcp.TextContent).Text
		if !s.write {
			continue
		}
		if res.IsError != s.refused {
			t.Errorf("step %d: write to %s/%s in session %q: refused=%v (%s), want refused=%v", i, s.owner, s.repo, s.session.id, res.IsError, text, s.refused)
		}
		if s.refused && s.declined != strings.Contains(text, "the user declined it") {
			t.Errorf("step %d: refusal %q, want declined=%v", i, text, s.declined)
		}
		if s.wantText != "" && !strings.Contains(text, s.wantText) {
			t.Errorf("step %d: %q does not contain %q", i, text, s.wantText)
		}
		if s.session.asked != s.asks {
			t.Errorf("step %d: the client was asked %d times, want %d", i, s.session.asked, s.asks)
		}
	}
}

func TestGuard(t *testing.T) {
	newWorld := func() *world {
		return &world{private: map[string]bool{"octo/public": false, "octo/other": false, "acme/secrets": true, "acme/internal": true}}
	}
	plain := func(id string) *session { return &session{id: id} }
	asking := func(id string, a mcp.ElicitationResponseAction) *session {
		return &session{id: id, elicit: true, answer: a}
	}
	for _, tt := range []struct {
		name  string
		steps func() []step
	}{
		{"a fresh session writes to a public repository without asking", func() []step {
			s := asking("a", mcp.ElicitationResponseActionDecline)
			return []step{
				{session: s, owner: "octo", repo: "public"},
				{session: s, write: true, owner: "octo", repo: "other"},
			}
		}},
		{"after a private read, a public write asks, and proceeds when the user accepts", func() []step {
			s := asking("a", mcp.ElicitationResponseActionAccept)
			return []step{
				{session: s, owner: "acme", repo: "secrets"},
				{session: s, write: true, owner: "octo", repo: "public", asks: 1},
			}
		}},
		{"after a private read, a public write the user declines is refused", func() []step {
			s := asking("a", mcp.ElicitationResponseActionDecline)
			return []step{
				{session: s, owner: "acme", repo: "secrets"},
				{session: s, write: true, owner: "octo", repo: "public", refused: true, declined: true, asks: 1, wantText: "acme/secrets"},
			}
		}},
		{"after a private read, a public write the user cancels is refused", func() []step {
			s := asking("a", mcp.ElicitationResponseActionCancel)
			return []step{
				{session: s, owner: "acme", repo: "secrets"},
				{session: s, write: true, owner: "octo", repo: "public", refused: true, declined: true, asks: 1},
			}
		}},
		{"after a private read, a client without elicitation gets the explanation", func() []step {
			s := plain("a")
			return []step{
				{session: s, owner: "acme", repo: "secrets"},
				{session: s, write: true, owner: "octo", repo: "public", refused: true, wantText: "--flow-guard=off"},
			}
		}},
		{"after a private read, a write to a private repository passes", func() []step {
			s := plain("a")
			return []step{
				{session: s, owner: "acme", repo: "secrets"},
				{session: s, write: true, owner: "acme", repo: "internal"},
			}
		}},
		{"a write to a repository whose visibility is unknown counts as public", func() []step {
			s := plain("a")
			return []step{
				{session: s, owner: "acme", repo: "secrets"},
				{session: s, write: true, owner: "nobody", repo: "knows", refused: true},
			}
		}},
		{"sessions are separate: one session's private read does not hold back another's write", func() []step {
			a, b := plain("a"), plain("b")
			return []step{
				{session: a, owner: "acme", repo: "secrets"},
				{session: b, write: true, owner: "octo", repo: "public"},
				{session: a, write: true, owner: "octo", repo: "public", refused: true},
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld()
			run(t, New(w.lookup), tt.steps())
		})
	}
}

// --flow-guard=off is a nil Guard: nothing is looked up, nothing refused.
func TestGuardOff(t *testing.T) {
	var g *Guard
	s := plain("a")
	run(t, g, []step{
		{session: s, owner: "acme", repo: "secrets"},
		{session: s, write: true, owner: "octo", repo: "public"},
	})
	g.Forget("a")
	g.Learn("o", "r", true)
}

func plain(id string) *session { return &session{id: id} }

// A repository is looked up once, however many sessions read it.
func TestVisibilityIsLookedUpOnce(t *testing.T) {
	w := &world{private: map[string]bool{"acme/secrets": true}}
	g := New(w.lookup)
	a, b := plain("a"), plain("b")
	run(t, g, []step{
		{session: a, owner: "acme", repo: "secrets"},
		{session: b, owner: "acme", repo: "secrets"},
		{session: a, owner: "acme", repo: "secrets"},
	})
	if w.lookups != 1 {
		t.Errorf("%d look-ups, want 1", w.lookups)
	}
}

// Forget ends a session's taint: a new session with the same id starts clean.
func TestForgetDropsTheSession(t *testing.T) {
	w := &world{private: map[string]bool{"acme/secrets": true, "octo/public": false}}
	g := New(w.lookup)
	a := plain("a")
	run(t, g, []step{{session: a, owner: "acme", repo: "secrets"}})
	g.Forget("a")
	run(t, g, []step{{session: a, write: true, owner: "octo", repo: "public"}})
}
