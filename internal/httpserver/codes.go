package httpserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/ghmcp/ghmcp/internal/mcpserver"
)

// serveCoded serves r through h with mcpserver.Server.HandleMessage's
// correction of error codes, which mcp-go's StreamableHTTPServer skips (it
// calls MCPServer.HandleMessage itself): a resource or prompt handler's
// error is answered -32602 (invalid arguments) or -32002 (no such
// resource) instead of -32603. The code is known only once the handler
// has run, so a JSON answer is held until it is complete and rewritten
// then; an answer already streaming as SSE (the request sent progress or
// other notifications first) keeps mcp-go's code.
func serveCoded(h http.Handler, w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		h.ServeHTTP(w, r)
		return
	}
	ctx, code := mcpserver.TrackErrorCode(r.Context())
	cw := &codeWriter{ResponseWriter: w}
	h.ServeHTTP(cw, r.WithContext(ctx))
	cw.finish(code)
}

// codeWriter holds a JSON answer (Content-Type application/json) until
// finish; anything else passes straight through.
type codeWriter struct {
	http.ResponseWriter
	held   *bytes.Buffer // non-nil: a JSON answer being held
	status int
	passed bool // the header went through
}

func (c *codeWriter) WriteHeader(status int) {
	if c.held != nil || c.passed {
		return
	}
	if strings.HasPrefix(c.Header().Get("Content-Type"), "application/json") {
		c.held, c.status = &bytes.Buffer{}, status
		return
	}
	c.passed = true
	c.ResponseWriter.WriteHeader(status)
}

func (c *codeWriter) Write(b []byte) (int, error) {
	if c.held == nil && !c.passed {
		c.WriteHeader(http.StatusOK)
	}
	if c.held != nil {
		return c.held.Write(b)
	}
	return c.ResponseWriter.Write(b)
}

// Flush passes through for streams; a held answer is sent by finish.
func (c *codeWriter) Flush() {
	if c.held == nil {
		if f, ok := c.ResponseWriter.(http.Flusher); ok {
			f.Flush()
		}
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (c *codeWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// finish sends a held answer, its error code corrected if code says so.
func (c *codeWriter) finish(code func() (int, bool)) {
	if c.held == nil {
		return
	}
	body, status := c.held.Bytes(), c.status
	if want, modern := code(); want != 0 {
		if fixed, ok := recode(body, want); ok {
			body = fixed
			if modern && want == mcp.INVALID_PARAMS {
				status = http.StatusBadRequest // 2026-07-28 maps -32602 to 400
			}
		}
	}
	c.ResponseWriter.WriteHeader(status)
	c.ResponseWriter.Write(body)
}

// recode replaces the code of a JSON-RPC error answer whose code is -32603.
func recode(body []byte, code int) ([]byte, bool) {
	var msg map[string]json.RawMessage
	if json.Unmarshal(body, &msg) != nil || msg["error"] == nil {
		return nil, false
	}
	var e map[string]json.RawMessage
	if json.Unmarshal(msg["error"], &e) != nil || string(e["code"]) != "-32603" {
		return nil, false
	}
	e["code"], _ = json.Marshal(code)
	msg["error"], _ = json.Marshal(e)
	out, err := json.Marshal(msg)
	if err != nil {
		return nil, false
	}
	return append(out, '\n'), true
}
