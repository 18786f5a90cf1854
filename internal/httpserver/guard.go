package httpserver

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/mark3labs/mcp-go/mcp"
)

// guard refuses, before anything else reads a request to /mcp, what a
// browser tricked by DNS rebinding would send (a foreign Host or Origin)
// and bodies over the cap.
//
// Host: on a loopback listener it must name loopback (or be allowed), for
// a page that rebinds its own name to 127.0.0.1 sends its own name. On
// another listener it is checked only when hosts are allowed explicitly.
// Origin: absent (not a browser), loopback, or allowed.
type guard struct {
	loopbackListener bool
	hosts            []string // lower-case, without port
	origins          []string // lower-case scheme://host[:port]
	maxBody          int64
	// streams, if set, tracks the subscriptions/listen requests, which
	// last until the client goes: Serve ends them when it stops.
	streams *streams
}

func newGuard(listen string, hosts, origins []string, maxBody int64) guard {
	g := guard{loopbackListener: listen == "" || isLoopback(listen), maxBody: maxBody}
	for _, h := range hosts {
		g.hosts = append(g.hosts, strings.ToLower(hostOnly(h)))
	}
	for _, o := range origins {
		g.origins = append(g.origins, strings.ToLower(strings.TrimSuffix(o, "/")))
	}
	return g
}

func (g guard) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.hostAllowed(r.Host) {
			http.Error(w, "Forbidden: this Host is not served (DNS-rebinding protection); see --allowed-hosts", http.StatusForbidden)
			return
		}
		if o := r.Header.Get("Origin"); o != "" && !g.originAllowed(o) {
			http.Error(w, "Forbidden: this Origin is not allowed (DNS-rebinding protection); see --allowed-origins", http.StatusForbidden)
			return
		}
		if _, ok := bearer(r); !ok {
			// Before the body is read: a client without credentials gets
			// nothing held in memory for it.
			unauthorized(w, "send Authorization: Bearer <token>")
			return
		}
		if r.Body != nil && r.Method == http.MethodPost {
			if r.ContentLength > g.maxBody {
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			body, err := io.ReadAll(io.LimitReader(r.Body, g.maxBody+1))
			if err != nil {
				http.Error(w, "could not read the request body", http.StatusBadRequest)
				return
			}
			if int64(len(body)) > g.maxBody {
				http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			if g.streams != nil {
				if isListen(body) {
					ctx, done := g.streams.add(r.Context())
					defer done()
					r = r.WithContext(ctx)
				} else {
					g.streams.calls.Add(1)
					defer g.streams.calls.Add(-1)
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// isListen reports whether a body is a subscriptions/listen request.
func isListen(body []byte) bool {
	if !bytes.Contains(body, []byte(string(mcp.MethodSubscriptionsListen))) {
		return false
	}
	var m struct {
		Method mcp.MCPMethod `json:"method"`
	}
	return json.Unmarshal(body, &m) == nil && m.Method == mcp.MethodSubscriptionsListen
}

// streams are the long-lived requests in progress, ended by stop, and
// the count of other requests (calls) in progress.
type streams struct {
	calls atomic.Int64

	mu      sync.Mutex
	next    int
	cancels map[int]context.CancelFunc
	stopped bool
}

// add returns ctx made cancellable by stop, and done to call when the
// request ends.
func (s *streams) add(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		cancel()
		return ctx, func() {}
	}
	if s.cancels == nil {
		s.cancels = map[int]context.CancelFunc{}
	}
	id := s.next
	s.next++
	s.cancels[id] = cancel
	return ctx, func() {
		s.mu.Lock()
		delete(s.cancels, id)
		s.mu.Unlock()
		cancel()
	}
}

// stop ends every stream, and any that starts later at once.
func (s *streams) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopped = true
	for _, c := range s.cancels {
		c()
	}
}

func (g guard) hostAllowed(host string) bool {
	h := strings.ToLower(hostOnly(host))
	if isLoopback(h) || slices.Contains(g.hosts, h) {
		return true
	}
	return !g.loopbackListener && len(g.hosts) == 0
}

func (g guard) originAllowed(origin string) bool {
	o := strings.ToLower(strings.TrimSuffix(origin, "/"))
	if slices.Contains(g.origins, o) {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && isLoopback(u.Hostname())
}

// hostOnly is host without its port.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return strings.Trim(hostport, "[]")
}

// isLoopback reports whether a host (or host:port) names only loopback.
func isLoopback(hostport string) bool {
	h := hostOnly(hostport)
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(h)
	return err == nil && ip.IsLoopback()
}
