package fakegithub

import (
	"net"
	"net/http"
	"strings"
	"time"
)

// Fault is a misbehaviour queued with Inject.
//
// A request matches a fault when Method matches (empty matches any method)
// and its path equals Path, or starts with Path minus a trailing "*". The
// unescaped and the escaped path are both tried. Queued faults are searched
// in the order they were injected; the first match is used and consumed.
type Fault struct {
	Method string
	Path   string

	// Status, if positive, is answered instead of handling the request,
	// with Header and Body. Body defaults to a GitHub error document
	// {"message": "<status text>", ...}.
	Status int
	Header map[string]string
	Body   string

	// Times is how many requests the fault applies to; 0 means 1.
	Times int

	// Delay is waited before handling (or failing) the request; the wait
	// ends early, without an answer, if the client gives up.
	Delay time.Duration

	// Hijack closes the connection without answering, like a reset. Over
	// HTTP/1 the socket is closed with an RST; elsewhere the handler
	// aborts with http.ErrAbortHandler. Note that net/http clients retry
	// an idempotent request (GET) once by themselves when a reused
	// connection dies this way.
	Hijack bool

	// AfterApply handles the request first — the issue is created, the
	// budget spent — and only then answers Status or hijacks: the write
	// reached GitHub but its answer was lost.
	AfterApply bool
}

// queuedFault is a fault with its remaining uses.
type queuedFault struct {
	Fault
	left int
}

// Inject queues a fault.
func (s *Server) Inject(f Fault) {
	if f.Header != nil {
		h := make(map[string]string, len(f.Header))
		for k, v := range f.Header {
			h[k] = v
		}
		f.Header = h
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &queuedFault{Fault: f, left: max(f.Times, 1)})
}

// takeFault consumes one use of the first queued fault matching r.
func (s *Server) takeFault(r *http.Request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, q := range s.faults {
		if !q.matches(r) {
			continue
		}
		q.left--
		if q.left == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		f := q.Fault
		return &f
	}
	return nil
}

// matches reports whether f applies to r.
func (f *Fault) matches(r *http.Request) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
		return false
	}
	for _, p := range []string{r.URL.Path, r.URL.EscapedPath()} {
		if prefix, wild := strings.CutSuffix(f.Path, "*"); p == f.Path || (wild && strings.HasPrefix(p, prefix)) {
			return true
		}
	}
	return false
}

// fails reports whether f replaces the normal answer (rather than only
// delaying it).
func (f *Fault) fails() bool {
	return f.Status > 0 || f.Hijack
}

// fail answers r as f says: a dropped connection or an injected status.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, f *Fault) {
	if f.Hijack {
		hijack(w)
		return
	}
	resp := errorResponse(f.Status, http.StatusText(f.Status), "https://docs.github.com/rest")
	if f.Body != "" {
		resp.body = []byte(f.Body)
	}
	s.mu.Lock()
	s.withRateHeaders(resp, resourceOf(r.URL.Path), s.now())
	s.mu.Unlock()
	for k, v := range f.Header {
		resp.header.Set(k, v)
	}
	s.send(w, r, resp)
}

// hijack drops the connection under w without an answer.
func hijack(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not an HTTP/1 connection (HTTP/2, or a ResponseRecorder):
		// the server resets the stream instead.
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetLinger(0) // close with RST, not FIN: a connection reset
	}
	conn.Close()
}
