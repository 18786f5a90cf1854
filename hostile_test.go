package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ghmcp/ghmcp/internal/fakegithub"
)

// serverProc is ghmcp running as a subprocess (the test binary re-exec'd
// as "ghmcp", see TestMain), fed line by line.
// hostileInput is one message thrown at the server and the answer it
// must get.
type hostileInput struct {
	name string
	line string
	// want: "none"; "result ID" (a successful answer); "error ID CODE";
	// "tool-error ID TEXT" (an isError tool result containing TEXT).
	want string
}

// hostileMessageBytes is the message cap the hostile tests run with
// (--max-message-bytes): the same code as the 8 MiB default, with inputs
// a race-instrumented binary reads in a blink.
const hostileMessageBytes = 256 << 10

func hostileInputs() []hostileInput {
	call := func(id int, args string) string {
		return fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"get_repository_details","arguments":%s}}`, id, args)
	}
	big := strings.Repeat("x", hostileMessageBytes+1)
	in := []hostileInput{
		// Not JSON, or not a JSON-RPC message.
		{"not JSON", `hello`, "error null -32700"},
		{"truncated JSON", `{"jsonrpc":"2.0","id":1,"method":"ping"`, "error null -32700"},
		{"raw control character", "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"pi\x00ng\"}", "error null -32700"},
		{"byte order mark", "\ufeff{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"ping\"}", "error null -32700"},
		{"invalid UTF-8 outside strings", "{\"jsonrpc\":\"2.0\",\"id\":4,\xff\"method\":\"ping\"}", "error null -32700"},
		{"empty object", `{}`, "error null -32600"},
		{"batch array", `[{"jsonrpc":"2.0","id":5,"method":"ping"}]`, "error null -32600"},
		{"empty batch", `[]`, "error null -32600"},
		{"a string", `"ping"`, "error null -32600"},
		{"a number", `42`, "error null -32600"},
		{"null", `null`, "error null -32600"},
		{"true", `true`, "error null -32600"},
		{"deeply nested", strings.Repeat("[", 20000) + strings.Repeat("]", 20000), "error null -32700"},
		{"deeply nested params", `{"jsonrpc":"2.0","id":6,"method":"ping","params":` + strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000) + `}`, "error null -32700"},

		// Envelope errors.
		{"JSON-RPC 1.0", `{"jsonrpc":"1.0","id":7,"method":"ping"}`, "error 7 -32600"},
		{"no jsonrpc member", `{"id":8,"method":"ping"}`, "error 8 -32600"},
		{"jsonrpc as a number", `{"jsonrpc":2,"id":9,"method":"ping"}`, "error null -32600"},
		{"method as a number", `{"jsonrpc":"2.0","id":10,"method":5}`, "error null -32600"},
		{"empty method", `{"jsonrpc":"2.0","id":11,"method":""}`, "error 11 -32601"},
		{"unknown method", `{"jsonrpc":"2.0","id":12,"method":"no/such/method"}`, "error 12 -32601"},
		{"id that overflows a float", `{"jsonrpc":"2.0","id":1e400,"method":"ping"}`, "error null -32700"},
		{"id 1.0 comes back as 1", `{"jsonrpc":"2.0","id":1.0,"method":"ping"}`, "result 1"},
		{"empty string id", `{"jsonrpc":"2.0","id":"","method":"ping"}`, `result ""`},
		{"long string id", `{"jsonrpc":"2.0","id":"` + strings.Repeat("i", 10000) + `","method":"ping"}`, `result "` + strings.Repeat("i", 10000) + `"`},
		{"null id is a notification", `{"jsonrpc":"2.0","id":null,"method":"ping"}`, "none"},
		{"duplicate id keys: the last wins", `{"jsonrpc":"2.0","id":13,"id":14,"method":"ping"}`, "result 14"},
		{"params as an array", `{"jsonrpc":"2.0","id":15,"method":"ping","params":[1]}`, "error 15 -32600"},
		{"unsolicited response", `{"jsonrpc":"2.0","id":16,"result":{}}`, "none"},
		{"unknown notification", `{"jsonrpc":"2.0","method":"notifications/whatever","params":{"x":1}}`, "none"},
		{"cancel of an unknown request", `{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":999}}`, "none"},
		{"blank line", ``, "none"},
		{"whitespace line", " \t ", "none"},
		{"CRLF line ending", "{\"jsonrpc\":\"2.0\",\"id\":17,\"method\":\"ping\"}\r", "result 17"},

		// Resources, prompts, logging and completion with odd params.
		{"resources/list (templates only)", `{"jsonrpc":"2.0","id":18,"method":"resources/list"}`, "result 18"},
		{"an unknown prompt", `{"jsonrpc":"2.0","id":19,"method":"prompts/get","params":{"name":"x"}}`, "error 19 -32602"},
		{"logging/setLevel to no level", `{"jsonrpc":"2.0","id":20,"method":"logging/setLevel","params":{"level":"loud"}}`, "error 20 -32602"},
		{"completion/complete without a ref", `{"jsonrpc":"2.0","id":21,"method":"completion/complete","params":{}}`, "error 21 -32600"},
		{"a resource outside the repo scheme", `{"jsonrpc":"2.0","id":53,"method":"resources/read","params":{"uri":"file:///etc/passwd"}}`, "error 53 -32002"},
		{"tools/list with a bad cursor", `{"jsonrpc":"2.0","id":22,"method":"tools/list","params":{"cursor":"!!!"}}`, "error 22 -32602"},
		{"a second initialize", `{"jsonrpc":"2.0","id":23,"method":"initialize","params":{"protocolVersion":"1999-01-01","capabilities":{},"clientInfo":{"name":"x","version":"1"}}}`, "error 23 -32600"},
		{"initialize with a wrong type", `{"jsonrpc":"2.0","id":24,"method":"initialize","params":{"protocolVersion":5}}`, "error 24 -32600"},
		{"modern request without capabilities", `{"jsonrpc":"2.0","id":25,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}`, "error 25 -32602"},

		// tools/call: unknown tools and malformed calls.
		{"tools/call without params", `{"jsonrpc":"2.0","id":26,"method":"tools/call"}`, "error 26 -32602"},
		{"tools/call with null params", `{"jsonrpc":"2.0","id":27,"method":"tools/call","params":null}`, "error 27 -32602"},
		{"tools/call with array params", `{"jsonrpc":"2.0","id":28,"method":"tools/call","params":[1]}`, "error 28 -32600"},
		{"tool name as a number", `{"jsonrpc":"2.0","id":29,"method":"tools/call","params":{"name":5}}`, "error 29 -32600"},
		{"unknown tool", `{"jsonrpc":"2.0","id":30,"method":"tools/call","params":{"name":"delete_everything","arguments":{}}}`, "error 30 -32602"},
		{"tool name with a path", `{"jsonrpc":"2.0","id":31,"method":"tools/call","params":{"name":"../get_repository_details","arguments":{}}}`, "error 31 -32602"},

		// tools/call: hostile arguments get a tool error naming the fix.
		{"arguments as a string", call(32, `"octo/hello"`), `tool-error 32 arguments must be a JSON object, got string`},
		{"arguments as an array", call(33, `["octo","hello"]`), `tool-error 33 arguments must be a JSON object, got array`},
		{"arguments null", call(34, `null`), `tool-error 34 invalid argument \"owner\": must not be empty`},
		{"owner as a number", call(35, `{"owner":5,"repo":"hello"}`), `tool-error 35 invalid argument \"owner\": must be a string, got number`},
		{"owner as an object", call(36, `{"owner":{"$ne":""},"repo":"hello"}`), `tool-error 36 invalid argument \"owner\": must be a string, got object`},
		{"unknown argument", call(37, `{"owner":"octo","repo":"hello","admin":true}`), `tool-error 37 invalid argument \"admin\": is not an argument of this tool`},
		{"prototype pollution key", call(38, `{"owner":"octo","repo":"hello","__proto__":{"x":1}}`), `tool-error 38 invalid argument \"__proto__\"`},
		{"path traversal in repo", call(39, `{"owner":"octo","repo":"../../users/octocat"}`), `tool-error 39 invalid argument \"repo\"`},
		{"encoded traversal in repo", call(40, `{"owner":"octo","repo":"%2e%2e"}`), `tool-error 40 invalid argument \"repo\"`},
		{"query injection in repo", call(41, `{"owner":"octo","repo":"hello?per_page=100"}`), `tool-error 41 invalid argument \"repo\"`},
		{"NUL in owner", call(42, `{"owner":"octo\u0000","repo":"hello"}`), `tool-error 42 invalid argument \"owner\"`},
		{"lone surrogate", call(43, `{"owner":"\ud800","repo":"hello"}`), `tool-error 43 invalid argument \"owner\"`},
		{"invalid UTF-8 in a string", "{\"jsonrpc\":\"2.0\",\"id\":44,\"method\":\"tools/call\",\"params\":{\"name\":\"get_repository_details\",\"arguments\":{\"owner\":\"oc\xfeto\",\"repo\":\"hello\"}}}", `tool-error 44 invalid argument \"owner\"`},
		{"bidi override in owner", call(45, `{"owner":"octo\u202e","repo":"hello"}`), `tool-error 45 invalid argument \"owner\"`},
		{"100,000-character owner", call(46, `{"owner":"`+strings.Repeat("o", 100_000)+`","repo":"hello"}`), `tool-error 46 (100000 characters)`},
		{"create_issue with a huge title", `{"jsonrpc":"2.0","id":47,"method":"tools/call","params":{"name":"create_issue","arguments":{"owner":"octo","repo":"hello","title":"` + strings.Repeat("t", 300) + `"}}}`, `tool-error 47 has 300 characters; GitHub accepts at most 256`},
		{"create_issue with a negative milestone", `{"jsonrpc":"2.0","id":48,"method":"tools/call","params":{"name":"create_issue","arguments":{"owner":"octo","repo":"hello","title":"x","milestone":-1}}}`, `tool-error 48 is -1; it must be at least 1`},
		{"create_issue with a float milestone", `{"jsonrpc":"2.0","id":49,"method":"tools/call","params":{"name":"create_issue","arguments":{"owner":"octo","repo":"hello","title":"x","milestone":1.5}}}`, `tool-error 49 must be an integer`},
		{"task augmentation on a plain tool", `{"jsonrpc":"2.0","id":50,"method":"tools/call","params":{"name":"get_repository_details","arguments":{"owner":"octo","repo":"hello"},"task":{}}}`, `result 50`},

		// Oversized messages: refused without being read whole, with the id
		// wherever it is.
		{"oversized request, id first", `{"jsonrpc":"2.0","id":51,"method":"tools/call","params":{"name":"create_issue","arguments":{"owner":"octo","repo":"hello","title":"x","body":"` + big + `"}}}`, "error 51 -32600"},
		{"oversized request, id last", `{"jsonrpc":"2.0","method":"ping","params":{"pad":"` + big + `"},"id":"late"}`, `error "late" -32600`},
		{"oversized garbage", big, "error null -32600"},
		{"just under the limit", `{"jsonrpc":"2.0","id":52,"method":"ping","params":{"_meta":{"pad":"` + strings.Repeat("p", hostileMessageBytes-100) + `"}}}`, "result 52"},
	}
	return in
}

// TestHostileInputs throws malformed, hostile and oversized JSON-RPC at the
// real binary, one message at a time, and checks every answer, that
// stdout stays one JSON-RPC message per line, and that the server keeps
// serving: a ping after each input, and a real tool call at the end.
func TestHostileInputs(t *testing.T) {
	t.Parallel()
	gh := fakegithub.New(transcriptToken)
	t.Cleanup(gh.Close)
	gh.AddRepo(fakegithub.Repo{Owner: "octo", Name: "hello", Description: "Hello"})
	p := startServer(t, gh, "--log-level", "warn", "--max-message-bytes", strconv.Itoa(hostileMessageBytes))
	p.send(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"hostile","version":"1"}}}`)
	p.await("0")
	p.send(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)

	inputs := hostileInputs()
	for i, in := range inputs {
		p.send(in.line)
		kind, rest, _ := strings.Cut(in.want, " ")
		id, text, _ := strings.Cut(rest, " ")
		switch kind {
		case "none":
		case "result":
			if r := p.await(id); r.Result == nil || r.Result.IsError {
				t.Errorf("%s: want a result, got %.300s", in.name, r.raw)
			}
		case "error":
			r := p.await(id)
			if r.Error == nil || fmt.Sprint(r.Error.Code) != text {
				t.Errorf("%s: want error %s, got %.300s", in.name, text, r.raw)
			}
		case "tool-error":
			r := p.await(id)
			if r.Result == nil || !r.Result.IsError || len(r.Result.Content) != 1 || !strings.Contains(r.Result.Content[0].Text, strings.ReplaceAll(text, `\"`, `"`)) {
				t.Errorf("%s: want a tool error containing %s, got %.300s", in.name, text, r.raw)
			}
		default:
			t.Fatalf("%s: bad want %q", in.name, in.want)
		}
		// Still serving, and nothing else was said.
		ping := fmt.Sprintf(`"ping-%d"`, i)
		p.send(`{"jsonrpc":"2.0","id":` + ping + `,"method":"ping"}`)
		p.await(ping)
	}
	p.send(`{"jsonrpc":"2.0","id":"last","method":"tools/call","params":{"name":"get_repository_details","arguments":{"owner":"octo","repo":"hello"}}}`)
	if r := p.await(`"last"`); r.Result == nil || r.Result.IsError || !strings.Contains(r.Result.Content[0].Text, `"full_name":"octo/hello"`) {
		t.Errorf("the server does not serve after the hostile inputs: %.300s", r.raw)
	}
	t.Logf("%d hostile inputs, each answered as expected and followed by a ping", len(inputs))
}

// TestPipelinedRequests writes 2,000 requests at once, without
// waiting for answers, and checks that each gets exactly one.
func TestPipelinedRequests(t *testing.T) {
	t.Parallel()
	gh := fakegithub.New(transcriptToken)
	t.Cleanup(gh.Close)
	gh.AddRepo(fakegithub.Repo{Owner: "octo", Name: "hello"})
	p := startServer(t, gh, "--log-level", "warn")
	const n = 2000
	var in strings.Builder
	in.WriteString(`{"jsonrpc":"2.0","id":"init","method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"pipe","version":"1"}}}` + "\n")
	for i := range n {
		switch i % 5 {
		case 0:
			fmt.Fprintf(&in, `{"jsonrpc":"2.0","id":%d,"method":"ping"}`+"\n", i)
		case 1:
			fmt.Fprintf(&in, `{"jsonrpc":"2.0","id":%d,"method":"tools/list"}`+"\n", i)
		case 2:
			fmt.Fprintf(&in, `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"get_repository_details","arguments":{"owner":"octo","repo":"../%d"}}}`+"\n", i, i)
		case 3:
			fmt.Fprintf(&in, `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"no_such_tool","arguments":{}}}`+"\n", i)
		case 4:
			fmt.Fprintf(&in, `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"get_repository_details","arguments":{"owner":"octo","repo":"hello"}}}`+"\n", i)
		}
	}
	start := time.Now()
	go io.WriteString(p.stdin, in.String())
	seen := map[string]int{}
	deadline := time.After(60 * time.Second)
	for len(seen) < n+1 {
		select {
		case line, ok := <-p.lines:
			if !ok {
				t.Fatalf("stdout closed after %d answers", len(seen))
			}
			var r response
			if err := json.Unmarshal(line, &r); err != nil {
				t.Fatalf("stdout line is not JSON: %.200q", line)
			}
			seen[string(r.ID)]++
			if seen[string(r.ID)] > 1 {
				t.Errorf("id %s answered twice", r.ID)
			}
		case <-deadline:
			t.Fatalf("only %d of %d answers within 60s", len(seen), n+1)
		}
	}
	t.Logf("%d pipelined requests answered in %v", n, time.Since(start).Round(time.Millisecond))
}

// TestAbruptClose closes stdin in the middle of a message and while a call
// waits on GitHub: the call is answered, the cut message gets a parse
// error, and the server exits 0.
func TestAbruptClose(t *testing.T) {
	t.Parallel()
	gh := fakegithub.New(transcriptToken)
	t.Cleanup(gh.Close)
	gh.AddRepo(fakegithub.Repo{Owner: "octo", Name: "hello"})
	gh.Inject(fakegithub.Fault{Method: "GET", Path: "/repos/octo/hello", Delay: 300 * time.Millisecond})
	p := startServer(t, gh, "--log-level", "warn")
	p.send(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"abrupt","version":"1"}}}`)
	p.await("0")
	io.WriteString(p.stdin, `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_repository_details","arguments":{"owner":"octo","repo":"hello"}}}`+"\n"+
		`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"get_repo`)
	p.stdin.Close()
	var got []string
	for line := range p.lines {
		var r response
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("stdout line is not JSON: %q", line)
		}
		switch {
		case string(r.ID) == "1" && r.Result != nil && !r.Result.IsError:
			got = append(got, "answer 1")
		case string(r.ID) == "null" && r.Error != nil && r.Error.Code == -32700:
			got = append(got, "parse error")
		default:
			t.Errorf("unexpected output: %s", line)
		}
	}
	slices.Sort(got)
	if strings.Join(got, ",") != "answer 1,parse error" {
		t.Errorf("got %q, want the call answered and the cut message refused; stderr:\n%s", got, p.stderr.String())
	}
	select {
	case err := <-p.exited:
		if err != nil {
			t.Errorf("ghmcp exited with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ghmcp did not exit after stdin closed")
	}
	p.exited <- nil // for the cleanup
}
