package stdio

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// fakeServer answers every request with its method, after the delay its
// method is given in slow; "notify" requests first send a notification
// through the session, in order. It records what it handled.
type fakeServer struct {
	slow map[string]time.Duration

	mu      sync.Mutex
	handled []string
	started chan string
}

func (f *fakeServer) RegisterSession(context.Context, server.ClientSession) error { return nil }
func (f *fakeServer) UnregisterSession(context.Context, string)                   {}
func (f *fakeServer) WithContext(ctx context.Context, s server.ClientSession) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

type sessionKey struct{}

func (f *fakeServer) HandleMessage(ctx context.Context, msg json.RawMessage) mcp.JSONRPCMessage {
	var m struct {
		ID     any    `json:"id"`
		Method string `json:"method"`
	}
	_ = json.Unmarshal(msg, &m)
	f.mu.Lock()
	f.handled = append(f.handled, m.Method)
	f.mu.Unlock()
	if f.started != nil {
		f.started <- m.Method
	}
	if m.ID == nil {
		return nil
	}
	if m.Method == "notify" {
		s := ctx.Value(sessionKey{}).(*session)
		_ = s.Notify(mcp.JSONRPCNotification{JSONRPC: "2.0", Notification: mcp.Notification{Method: "notifications/progress"}})
	}
	if d := f.slow[m.Method]; d > 0 {
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return mcp.NewJSONRPCError(mcp.NewRequestId(m.ID), mcp.INTERNAL_ERROR, "cancelled", nil)
		}
	}
	return mcp.NewJSONRPCResultResponse(mcp.NewRequestId(m.ID), map[string]string{"method": m.Method})
}

// serve runs Serve on in and returns what it wrote, one line each.
func serve(t *testing.T, ctx context.Context, f *fakeServer, in io.Reader, opts Options) []string {
	t.Helper()
	var out strings.Builder
	done := make(chan error)
	go func() { done <- Serve(ctx, f, in, &lockedWriter{w: &out}, opts) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Serve did not return")
	}
	s := strings.TrimSpace(out.String())
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// servePipe runs Serve on a pipe the test writes to; result waits for
// Serve to return (the test closes the pipe first) and returns its lines.
func servePipe(t *testing.T, f *fakeServer, opts Options) (io.WriteCloser, func() []string) {
	pr, pw := io.Pipe()
	var got []string
	done := make(chan struct{})
	go func() {
		got = serve(t, context.Background(), f, pr, opts)
		close(done)
	}()
	return pw, func() []string { <-done; return got }
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func TestDrainAnswersCallsInFlightAtEndOfInput(t *testing.T) {
	f := &fakeServer{slow: map[string]time.Duration{"tools/call": 200 * time.Millisecond}}
	in := `{"jsonrpc":"2.0","id":1,"method":"tools/call"}` + "\n" + `{"jsonrpc":"2.0","id":2,"method":"tools/ca`
	got := serve(t, context.Background(), f, strings.NewReader(in), Options{Drain: 10 * time.Second})
	want := []string{
		`{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error: the line is not valid JSON"}}`,
		`{"jsonrpc":"2.0","id":1,"result":{"method":"tools/call"}}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A call still running when the drain ends is cancelled and its answer
// (here the fake's cancellation error) still goes out, so that a client
// waiting on it is released; a call still queued gets an error saying why.
func TestDrainIsBounded(t *testing.T) {
	f := &fakeServer{slow: map[string]time.Duration{"tools/call": time.Hour}}
	in := `{"jsonrpc":"2.0","id":1,"method":"tools/call"}` + "\n" + `{"jsonrpc":"2.0","id":2,"method":"tools/call"}` + "\n"
	got := serve(t, context.Background(), f, strings.NewReader(in), Options{Drain: 50 * time.Millisecond, MaxCalls: 1})
	if len(got) != 2 || !strings.Contains(strings.Join(got, "\n"), `{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"cancelled"}}`) || !strings.Contains(strings.Join(got, "\n"), `"id":2,"error":{"code":-32603,"message":"cancelled: stdin closed before this request could run`) {
		t.Errorf("got %q, want both calls answered with a cancellation", got)
	}
}

func TestCancelledWhileQueuedNeverRuns(t *testing.T) {
	f := &fakeServer{slow: map[string]time.Duration{"tools/call": 300 * time.Millisecond}, started: make(chan string, 10)}
	pw, result := servePipe(t, f, Options{MaxCalls: 1, Drain: 5 * time.Second})
	w := bufio.NewWriter(pw)
	w.WriteString(`{"jsonrpc":"2.0","id":1,"method":"tools/call"}` + "\n")
	w.WriteString(`{"jsonrpc":"2.0","id":2,"method":"tools/call"}` + "\n")
	w.Flush()
	if m := <-f.started; m != "tools/call" {
		t.Fatalf("started %s", m)
	}
	w.WriteString(`{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":2}}` + "\n")
	w.Flush()
	pw.Close()
	got := result()
	if len(f.handled) != 1 {
		t.Errorf("handled %q; the queued call 2 was cancelled and must not run", f.handled)
	}
	if strings.Join(got, "\n") != `{"jsonrpc":"2.0","id":1,"result":{"method":"tools/call"}}` {
		t.Errorf("got %q, want only the answer to 1", got)
	}
}

func TestCancelledInFlightGetsNoAnswer(t *testing.T) {
	f := &fakeServer{slow: map[string]time.Duration{"slow": time.Hour}, started: make(chan string, 10)}
	pw, result := servePipe(t, f, Options{Drain: 5 * time.Second})
	io.WriteString(pw, `{"jsonrpc":"2.0","id":"a","method":"slow"}`+"\n")
	<-f.started
	io.WriteString(pw, `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"a"}}`+"\n")
	io.WriteString(pw, `{"jsonrpc":"2.0","id":"b","method":"ping"}`+"\n")
	<-f.started
	pw.Close()
	got := result()
	if strings.Join(got, "\n") != `{"jsonrpc":"2.0","id":"b","result":{"method":"ping"}}` {
		t.Errorf("got %q, want only the answer to b", got)
	}
}

func TestNothingWrittenAfterCancel(t *testing.T) {
	f := &fakeServer{slow: map[string]time.Duration{"slow": time.Hour}, started: make(chan string, 10)}
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var got []string
	done := make(chan struct{})
	go func() {
		got = serve(t, ctx, f, pr, Options{})
		close(done)
	}()
	io.WriteString(pw, `{"jsonrpc":"2.0","id":1,"method":"slow"}`+"\n")
	<-f.started
	cancel() // SIGTERM
	<-done
	if len(got) != 0 {
		t.Errorf("wrote %q after the session ended; want nothing", got)
	}
}

func TestNoReplyToResponses(t *testing.T) {
	f := &fakeServer{}
	in := strings.Join([]string{
		`{"jsonrpc":"2.0","id":1,"result":{}}`,
		`{"jsonrpc":"2.0","id":2,"error":{"code":-32601,"message":"no"}}`,
		`{"jsonrpc":"2.0","id":"x","result":null}`,
		`{"jsonrpc":"2.0","id":3,"method":"ping"}`,
	}, "\n")
	got := serve(t, context.Background(), f, strings.NewReader(in), Options{})
	if strings.Join(got, "\n") != `{"jsonrpc":"2.0","id":3,"result":{"method":"ping"}}` {
		t.Errorf("got %q, want only the answer to the ping", got)
	}
	if len(f.handled) != 1 {
		t.Errorf("the server saw %q; responses must not reach it", f.handled)
	}
}

func TestInvalidIDs(t *testing.T) {
	f := &fakeServer{}
	in := strings.Join([]string{
		`{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}`,
		`{"jsonrpc":"2.0","id":[1],"method":"ping"}`,
		`{"jsonrpc":"2.0","id":true,"method":"ping"}`,
	}, "\n")
	got := serve(t, context.Background(), f, strings.NewReader(in), Options{})
	if len(got) != 3 {
		t.Fatalf("got %q, want three errors", got)
	}
	for _, l := range got {
		if !strings.Contains(l, `"id":null,"error":{"code":-32600`) {
			t.Errorf("got %s, want -32600 with id null", l)
		}
	}
}

func TestOversizedLine(t *testing.T) {
	f := &fakeServer{}
	in := `{"jsonrpc":"2.0","id":7,"method":"x","params":{"p":"` + strings.Repeat("a", 200) + `"}}` + "\n" + `{"jsonrpc":"2.0","id":8,"method":"ping"}` + "\n"
	got := serve(t, context.Background(), f, strings.NewReader(in), Options{MaxMessageBytes: 100})
	if len(got) != 2 || !strings.HasPrefix(got[0], `{"jsonrpc":"2.0","id":7,"error":{"code":-32600,"message":"message too large`) || got[1] != `{"jsonrpc":"2.0","id":8,"result":{"method":"ping"}}` {
		t.Errorf("got %q", got)
	}
}

func TestNotificationPrecedesItsResponse(t *testing.T) {
	f := &fakeServer{}
	got := serve(t, context.Background(), f, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"notify"}`+"\n"), Options{})
	if len(got) != 2 || !strings.Contains(got[0], "notifications/progress") || !strings.Contains(got[1], `"id":1`) {
		t.Errorf("got %q, want the notification, then the response", got)
	}
}

func TestDuplicateIDInFlight(t *testing.T) {
	f := &fakeServer{slow: map[string]time.Duration{"slow": 200 * time.Millisecond}, started: make(chan string, 10)}
	pw, result := servePipe(t, f, Options{Drain: 5 * time.Second})
	io.WriteString(pw, `{"jsonrpc":"2.0","id":1,"method":"slow"}`+"\n")
	<-f.started
	io.WriteString(pw, `{"jsonrpc":"2.0","id":1.0,"method":"ping"}`+"\n")
	pw.Close()
	got := result()
	if len(got) != 2 || !strings.Contains(got[0], "already in use") || got[1] != `{"jsonrpc":"2.0","id":1,"result":{"method":"slow"}}` {
		t.Errorf("got %q", got)
	}
}

// blockingWriter never returns from Write: a host that stopped reading.
type blockingWriter struct{ block chan struct{} }

func (b blockingWriter) Write(p []byte) (int, error) { <-b.block; return len(p), nil }

func TestCancelEndsServeWhileAWriteIsBlocked(t *testing.T) {
	f := &fakeServer{started: make(chan string, 10)}
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	block := blockingWriter{block: make(chan struct{})}
	defer close(block.block)
	go func() { done <- Serve(ctx, f, pr, block, Options{}) }()
	io.WriteString(pw, `{"jsonrpc":"2.0","id":1,"method":"ping"}`+"\n")
	<-f.started // its answer is now stuck in Write
	time.Sleep(10 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel while a write was blocked")
	}
}

// A host that pipes more requests than the server may hold is told to
// wait, at once, instead of growing the process.
func TestTooManyRequestsInFlightAreRefused(t *testing.T) {
	f := &fakeServer{slow: map[string]time.Duration{"slow": time.Hour}}
	var in strings.Builder
	for i := range maxInFlight + 3 {
		fmt.Fprintf(&in, `{"jsonrpc":"2.0","id":%d,"method":"slow"}`+"\n", i)
	}
	got := serve(t, context.Background(), f, strings.NewReader(in.String()), Options{Drain: 10 * time.Millisecond})
	busy := 0
	for _, l := range got {
		if strings.Contains(l, "server busy") {
			busy++
		}
	}
	if busy != 3 {
		t.Errorf("%d requests refused as busy, want the 3 past %d", busy, maxInFlight)
	}
}

// An elicitation answer is delivered whether it arrives before or after
// the request it answers is sent.
func TestElicitationAnswersAreNeverLost(t *testing.T) {
	for _, early := range []bool{true, false} {
		w := &writer{dst: io.Discard}
		s := newSession(w, make(chan mcp.JSONRPCNotification, 1))
		answer := func() { s.answer(json.RawMessage(`"ghmcp-1"`), json.RawMessage(`{"action":"accept"}`), nil) }
		if early {
			answer()
		} else {
			go func() {
				for {
					s.earlyMu.Lock()
					_, waiting := s.waiting["ghmcp-1"]
					s.earlyMu.Unlock()
					if waiting {
						answer()
						return
					}
					time.Sleep(time.Millisecond)
				}
			}()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		res, err := s.RequestElicitation(ctx, mcp.ElicitationRequest{})
		cancel()
		if err != nil || res.Action != mcp.ElicitationResponseActionAccept {
			t.Errorf("early=%t: %v %v", early, res, err)
		}
	}
}
