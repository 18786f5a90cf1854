package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ghmcp/ghmcp/internal/fakegithub"
)

// transcriptToken is the token the transcripts' fake GitHub accepts.
const transcriptToken = "ghp_transcriptTOKEN0123456789abcdefghijk"

type fakeKey struct{}

// transcriptParams runs testdata/script/*.txtar: each script starts the
// real binary, pipes JSON-RPC in, and checks what comes out, against a
// fake GitHub on 127.0.0.1 that the script controls with `fake`.
//
// Commands added to testscript's own:
//
//	fake ARGS...    configure or inspect the fake GitHub (see fakegithub.Command)
//	rpc             print the previous command's stdout as JSON-RPC messages,
//	                sorted by id (responses to concurrent calls arrive in any order),
//	                one compact line each; fails on any line that is not JSON
//	notoken FILE    fail if FILE (stdout, stderr or a file) contains the token
func transcriptParams(t *testing.T) testscript.Params {
	return testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			gh := fakegithub.New(transcriptToken)
			url := gh.Start()
			env.Defer(gh.Close)
			env.Values[fakeKey{}] = gh
			env.Setenv("GITHUB_API_URL", url)
			env.Setenv("GITHUB_PERSONAL_ACCESS_TOKEN", transcriptToken)
			env.Setenv("FAKE_GITHUB", url)
			// Transcripts pipe every line at once and close stdin: give slow
			// calls (retries, rate-limit waits) time to answer.
			env.Setenv("GHMCP_DRAIN_TIMEOUT", "60s")
			// GitHub asks for a second between writes; the transcripts, whose
			// fake does not, space them 10 ms apart to run in seconds (the
			// spacing itself is tested in ratelimit and ratelimit_e2e_test.go).
			env.Setenv("GHMCP_WRITE_SPACING", "10ms")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"fake": func(ts *testscript.TestScript, neg bool, args []string) {
				gh := ts.Value(fakeKey{}).(*fakegithub.Server)
				out, err := gh.Command(args)
				if neg {
					if err == nil {
						ts.Fatalf("fake %s succeeded unexpectedly", strings.Join(args, " "))
					}
					return
				}
				ts.Check(err)
				fmt.Fprint(ts.Stdout(), out)
			},
			"rpc": func(ts *testscript.TestScript, neg bool, args []string) {
				out, err := sortMessages(ts.ReadFile("stdout"))
				ts.Check(err)
				fmt.Fprint(ts.Stdout(), out)
			},
			"notoken": func(ts *testscript.TestScript, neg bool, args []string) {
				for _, f := range args {
					if strings.Contains(ts.ReadFile(f), transcriptToken) {
						ts.Fatalf("the token appears in %s", f)
					}
				}
			},
		},
	}
}

// sortMessages parses newline-delimited JSON-RPC messages and returns them
// sorted by id (notifications first, in arrival order), re-encoded compactly
// with sorted keys so transcripts compare byte for byte.
func sortMessages(out string) (string, error) {
	type msg struct {
		id   string
		line []byte
	}
	var msgs []msg
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var v map[string]any
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return "", fmt.Errorf("stdout line is not JSON (stdout belongs to the protocol): %q", line)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return "", err
		}
		id := ""
		if raw, ok := v["id"]; ok {
			id = fmt.Sprintf("%012v", raw)
		}
		msgs = append(msgs, msg{id: id, line: b})
	}
	sort.SliceStable(msgs, func(i, j int) bool { return msgs[i].id < msgs[j].id })
	var buf bytes.Buffer
	for _, m := range msgs {
		buf.Write(m.line)
		buf.WriteByte('\n')
	}
	return buf.String(), nil
}
