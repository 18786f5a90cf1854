package mcpserver

import (
	"context"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/ghmcp/ghmcp/internal/allowlist"
	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// handshakeSession is a session that records its handshake.
type handshakeSession struct {
	initialized atomic.Bool
	version     atomic.Value
}

func (s *handshakeSession) SessionID() string { return "hs" }
func (s *handshakeSession) NotificationChannel() chan<- mcp.JSONRPCNotification {
	return make(chan mcp.JSONRPCNotification, 10)
}
func (s *handshakeSession) Initialize()                 { s.initialized.Store(true) }
func (s *handshakeSession) Initialized() bool           { return s.initialized.Load() }
func (s *handshakeSession) SetProtocolVersion(v string) { s.version.Store(v) }
func (s *handshakeSession) ProtocolVersion() string {
	v, _ := s.version.Load().(string)
	return v
}

// session runs messages through a new server on one session and returns
// the answers, encoded.
func session(t *testing.T, msgs ...string) []string {
	t.Helper()
	srv, err := New(Options{Version: "test", Deps: toolkit.Deps{}})
	if err != nil {
		t.Fatal(err)
	}
	sess := &handshakeSession{}
	ctx := context.Background()
	if err := srv.RegisterSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	ctx = srv.WithContext(ctx, sess)
	var out []string
	for _, m := range msgs {
		resp := srv.HandleMessage(ctx, json.RawMessage(m))
		if resp == nil {
			out = append(out, "")
			continue
		}
		b, _ := json.Marshal(resp)
		out = append(out, string(b))
	}
	return out
}

func initialize(id int, version string) string {
	return `{"jsonrpc":"2.0","id":` + string(rune('0'+id)) + `,"method":"initialize","params":{"protocolVersion":"` + version + `","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`
}

func TestLifecycle(t *testing.T) {
	got := session(t,
		`{"jsonrpc":"2.0","id":1,"method":"tools/list"}`,
		`{"jsonrpc":"2.0","id":2,"method":"ping"}`,
		initialize(3, "2025-06-18"),
		initialize(4, "2025-06-18"),
		`{"jsonrpc":"2.0","id":5,"method":"tools/list"}`,
	)
	for i, want := range []string{
		`"id":1,"error":{"code":-32600,"message":"invalid request: the session is not initialized`,
		`"id":2,"result":{}`,
		`"id":3,"result":{`,
		`"id":4,"error":{"code":-32600,"message":"invalid request: this session is already initialized`,
		`"id":5,"result":{"tools":[`,
	} {
		if !strings.Contains(got[i], want) {
			t.Errorf("answer %d = %.200s, want it to contain %s", i+1, got[i], want)
		}
	}
}

func TestCapabilitiesFollowTheVersion(t *testing.T) {
	for version, completions := range map[string]bool{"2024-11-05": false, "2025-03-26": true, "2025-11-25": true} {
		got := session(t, initialize(1, version))[0]
		if has := strings.Contains(got, `"completions":{}`); has != completions {
			t.Errorf("%s: completions declared = %t, want %t: %s", version, has, completions, got)
		}
	}
}

func TestResourceAndPromptErrorCodes(t *testing.T) {
	got := session(t,
		initialize(1, "2025-06-18"),
		`{"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"repo://octo/hello/contents/../x"}}`,
		`{"jsonrpc":"2.0","id":3,"method":"prompts/get","params":{"name":"triage_issue","arguments":{"owner":"octo","repo":"hello","number":"one"}}}`,
	)
	for i, want := range []string{`"code":-32602`, `"code":-32602`} {
		if !strings.Contains(got[i+1], want) {
			t.Errorf("answer %d = %.300s, want %s", i+2, got[i+1], want)
		}
	}
}

func TestSubscribeStaysWithinRepos(t *testing.T) {
	allow, err := allowlist.Parse("octo/hello")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Options{Version: "test", Deps: toolkit.Deps{Repos: allow}})
	if err != nil {
		t.Fatal(err)
	}
	sess := &handshakeSession{}
	ctx := context.Background()
	if err := srv.RegisterSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	ctx = srv.WithContext(ctx, sess)
	srv.HandleMessage(ctx, json.RawMessage(initialize(1, "2025-06-18")))
	for uri, allowed := range map[string]bool{
		"repo://octo/hello/issues/1":   true,
		"repo://octo/private/issues/1": false,
		"file:///etc/passwd":           false,
	} {
		resp := srv.HandleMessage(ctx, json.RawMessage(`{"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"`+uri+`"}}`))
		_, refused := resp.(mcp.JSONRPCError)
		if refused == allowed {
			b, _ := json.Marshal(resp)
			t.Errorf("subscribe %s: %s; want allowed=%t", uri, b, allowed)
		}
	}
}
