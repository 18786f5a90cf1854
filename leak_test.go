package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestTokenNeverLeaks runs the server with debug logging against a GitHub
// that quotes the token back in every kind of answer: error messages,
// validation errors, server errors and content. The token must appear
// nowhere on stdout or stderr.
func TestTokenNeverLeaks(t *testing.T) {
	t.Parallel()
	const token = "ghp_leakcanary0123456789ABCDEFGHIJKLMNOP"
	answers := map[string]struct {
		status int
		body   string
	}{
		"/repos/o/forbidden":  {403, `{"message":"token ` + token + ` lacks repo scope"}`},
		"/repos/o/invalid":    {422, `{"message":"bad ` + token + `","errors":[{"resource":"Issue","field":"title","code":"custom","message":"` + token + `"}]}`},
		"/repos/o/broken":     {500, `{"message":"` + token + `"}`},
		"/repos/o/content":    {200, `{"full_name":"o/content","description":"my token is ` + token + `","html_url":"https://github.com/o/content"}`},
		"/repos/o/notjson":    {200, `not json ` + token},
		"/repos/o/unauthored": {401, `{"message":"Bad credentials ` + token + `"}`},
	}
	gh := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := answers[strings.TrimSuffix(r.URL.Path, "/issues")]
		if !ok {
			a.status, a.body = 404, `{"message":"Not Found `+r.Header.Get("Authorization")+`"}`
		}
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	defer gh.Close()

	var in strings.Builder
	in.WriteString(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}` + "\n")
	id := 1
	for _, repo := range []string{"forbidden", "invalid", "broken", "content", "notjson", "unauthored", "missing"} {
		fmt.Fprintf(&in, `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"get_repository_details","arguments":{"owner":"o","repo":"%s"}}}`+"\n", id, repo)
		fmt.Fprintf(&in, `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"create_issue","arguments":{"owner":"o","repo":"%s","title":"%s"}}}`+"\n", id+1, repo, token)
		id += 2
	}
	// The token as an argument value that fails validation is echoed in
	// the error message; it must be masked there too.
	fmt.Fprintf(&in, `{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"get_repository_details","arguments":{"owner":"%s/x","repo":"r"}}}`+"\n", id, token)
	// JSON-RPC errors from mcp-go that quote the request: an unknown
	// tool, an unknown method, an unparsable call; an argument the JSON
	// Schema refuses; a string id echoed in an answer; an oversized
	// message whose id is the token; the token as an unknown argument.
	more := []string{
		`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"TOKEN","arguments":{}}}`,
		`{"jsonrpc":"2.0","id":%d,"method":"TOKEN"}`,
		`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"get_repository_details","arguments":{"owner":"o","repo":"TOKEN.TOKEN.TOKEN"}}}`,
		`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"create_issue","arguments":{"owner":"o","repo":"content","title":"x","labels":["TOKEN"],"milestone":"TOKEN"}}}`,
		`{"jsonrpc":"2.0","id":%d,"method":"tools/call","params":{"name":"get_repository_details","arguments":{"owner":"o","repo":"r","TOKEN":1}}}`,
		`{"jsonrpc":"2.0","id":"TOKEN-%d","method":"ping"}`,
		`{"jsonrpc":"2.0","id":"TOKEN-%d","method":"ping","params":{"pad":"` + strings.Repeat("p", 64<<10) + `"}}`,
	}
	for _, m := range more {
		id++
		fmt.Fprintf(&in, strings.ReplaceAll(m, "TOKEN", token)+"\n", id)
	}

	var stdout, stderr strings.Builder
	env := map[string]string{"GITHUB_PERSONAL_ACCESS_TOKEN": token, "GITHUB_API_URL": gh.URL, "GHMCP_WRITE_SPACING": "1ms", "GHMCP_DRAIN_TIMEOUT": "30s", "GHMCP_MAX_MESSAGE_BYTES": "65536"}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := run(ctx, []string{"--log-level", "debug"}, strings.NewReader(in.String()), &stdout, &stderr, envMap(env))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if n := strings.Count(stdout.String(), `"id":`); n != id+1 {
		// one answer per request, the initialize included
		t.Errorf("got %d responses, want %d:\n%s", n, id+1, stdout.String())
	}
	if !strings.Contains(stdout.String(), "[REDACTED]") {
		t.Error("no response shows a redacted token; the test did not exercise the redaction")
	}
	for name, s := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String()} {
		if strings.Contains(s, token) {
			t.Errorf("the token leaked on %s:\n%s", name, s)
		}
		// Parts of the token are a leak as well.
		if strings.Contains(s, token[4:20]) {
			t.Errorf("part of the token leaked on %s", name)
		}
	}
}
