package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ghmcp/ghmcp/internal/app"
	"github.com/ghmcp/ghmcp/internal/config"
	"github.com/ghmcp/ghmcp/internal/fakegithub"
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
	cfg.Version = buildVersion()
	deps, err := app.NewDeps(cfg, redactor, logger)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mcpserver.New(mcpserver.Options{Version: buildVersion(), Deps: deps, Selection: cfg.Selection, Dynamic: cfg.Dynamic, Redactor: redactor})
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

// Starting the binary. The test binary doubles as ghmcp (TestMain): a
// test starts it raw, speaking JSON-RPC lines (startServer), or through the
// official Go SDK client (startGhmcp).

type serverProc struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan []byte
	stderr *lockedBuffer
	exited chan error
}

type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer starts ghmcp against a fake GitHub holding octo/hello.
func startServer(t *testing.T, gh *fakegithub.Server, args ...string) *serverProc {
	t.Helper()
	cmd := exec.Command("ghmcp", args...)
	cmd.Env = append(os.Environ(), "GITHUB_API_URL="+gh.Start(), "GITHUB_PERSONAL_ACCESS_TOKEN="+transcriptToken, "GHMCP_WRITE_SPACING=0")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &serverProc{t: t, cmd: cmd, stdin: stdin, lines: make(chan []byte, 10000), stderr: &lockedBuffer{}, exited: make(chan error, 1)}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		r := bufio.NewReaderSize(stdout, 1<<20)
		for {
			line, err := r.ReadBytes('\n')
			if len(line) > 0 {
				p.lines <- line
			}
			if err != nil {
				close(p.lines)
				p.exited <- cmd.Wait()
				return
			}
		}
	}()
	t.Cleanup(func() {
		stdin.Close()
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Errorf("ghmcp did not exit within 10s of stdin closing")
		}
		if s := p.stderr.String(); strings.Contains(s, "panic") || strings.Contains(s, "goroutine ") || strings.Contains(s, transcriptToken) {
			t.Errorf("stderr shows a panic, a stack or the token:\n%s", s)
		}
	})
	return p
}

func (p *serverProc) send(line string) {
	p.t.Helper()
	if _, err := io.WriteString(p.stdin, line+"\n"); err != nil {
		p.t.Fatalf("writing to ghmcp: %v", err)
	}
}

// response is one JSON-RPC message from ghmcp.
type response struct {
	raw    []byte
	ID     json.RawMessage `json:"id"`
	Result *struct {
		IsError bool `json:"isError"`
		Content []struct {
			Text string `json:"text"`
		} `json:"content"`
	} `json:"result"`
	Error *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// await reads lines until the answer to id (its JSON form) and returns
// it; any other line before it fails the test, and so does a line that is
// not one JSON-RPC message.
func (p *serverProc) await(id string) response {
	p.t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				p.t.Fatalf("ghmcp closed stdout while the answer to id %s was awaited; stderr:\n%s", id, p.stderr.String())
			}
			var r response
			if err := json.Unmarshal(line, &r); err != nil || (r.Result == nil && r.Error == nil) {
				p.t.Fatalf("stdout line is not a JSON-RPC response (stdout corrupted?): %.300q", line)
			}
			r.raw = line
			if string(r.ID) == id || (id == "null" && r.ID == nil) {
				return r
			}
			p.t.Errorf("unexpected answer while awaiting id %s: %.300s", id, line)
		case <-timeout:
			p.t.Fatalf("no answer to id %s within 20s (server hung?); stderr:\n%s", id, p.stderr.String())
		}
	}
}

// ghmcpProc is a ghmcp process (the test binary as ghmcp, see TestMain)
// driven by the official Go MCP SDK client.
type ghmcpProc struct {
	cmd     *exec.Cmd
	session *sdk.ClientSession
	stderr  *lockedBuffer
}

// startGhmcp starts ghmcp against the fake at url with env added.
func startGhmcp(t *testing.T, ctx context.Context, url string, env ...string) *ghmcpProc {
	t.Helper()
	cmd := exec.Command("ghmcp", "--log-level", "info")
	cmd.Env = append(os.Environ(), append([]string{"GITHUB_API_URL=" + url, "GITHUB_PERSONAL_ACCESS_TOKEN=" + transcriptToken}, env...)...)
	p := &ghmcpProc{cmd: cmd, stderr: &lockedBuffer{}}
	cmd.Stderr = p.stderr
	client := sdk.NewClient(&sdk.Implementation{Name: "ratelimit-e2e", Version: "1"}, nil)
	session, err := client.Connect(ctx, &sdk.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatalf("connect: %v\nstderr: %s", err, p.stderr.String())
	}
	p.session = session
	t.Cleanup(func() {
		session.Close()
		if strings.Contains(p.stderr.String(), transcriptToken) {
			t.Error("the token appears on stderr")
		}
	})
	return p
}

// call runs a tool and returns its text and whether it is an error.
func (p *ghmcpProc) call(ctx context.Context, name string, args map[string]any) (string, bool, error) {
	res, err := p.session.CallTool(ctx, &sdk.CallToolParams{Name: name, Arguments: args})
	if err != nil {
		return "", false, err
	}
	return res.Content[0].(*sdk.TextContent).Text, res.IsError, nil
}
