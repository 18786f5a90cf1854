// Package httpserver serves ghmcp over MCP's Streamable HTTP transport
// (the 2025-11-25 revision with sessions, and the stateless 2026-07-28
// one), with the service's other endpoints beside it.
//
//	request ─┬ /mcp     → guard: Host and Origin (DNS rebinding), body ≤ MaxBody
//	         │            → identity: Authorization: Bearer
//	         │                ├ the operator's secret (Options.Secret): the server's own Backend
//	         │                └ else a GitHub token: pool[ratelimit.TokenKey(token)] (built by Factory)
//	         │            → that Backend's mcp-go StreamableHTTPServer → its *mcpserver.Server
//	         ├ /webhook → Options.Webhook (signed GitHub deliveries; see Sink)
//	         ├ /metrics → Options.Metrics
//	         └ /healthz, /readyz → Options.Health
//
// A Backend is one GitHub identity: its MCP server, GitHub client, limiter
// and cache. A client's token is used for its own requests only, never
// logged, and known to the pool by its fingerprint. Serve stops accepting
// at the end of its context and drains the calls in flight, within a bound.
//
// mcp-go's StreamableHTTPServer calls the embedded MCPServer's
// HandleMessage, not mcpserver.Server's, so the JSON-RPC error codes that
// mcpserver corrects for stdio (resource and prompt errors) are mcp-go's
// over HTTP (-32603): it takes a concrete *server.MCPServer, no interface.
package httpserver

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/ghmcp/ghmcp/internal/mcpserver"
	"github.com/ghmcp/ghmcp/ratelimit"
)

// DefaultMaxBody caps a request to /mcp: far above any real JSON-RPC
// message, far below what would hurt.
const DefaultMaxBody = 4 << 20

// Backend is one GitHub identity's MCP server and what webhooks act on.
type Backend struct {
	Server *mcpserver.Server
	// Cache is the identity's conditional-request cache; nil if off.
	Cache *ratelimit.Cache
	// Close, if set, releases what the backend holds (a Redis client).
	Close func()
}

// Factory builds the Backend of a client's GitHub token.
type Factory func(token string) (*Backend, error)

// Options configures New.
type Options struct {
	// Listen is the address served, for the Host check.
	Listen string
	// Secret, if set, is the bearer secret every client presents, and
	// Shared serves them all. Unset, each client presents its own GitHub
	// token and Factory builds its Backend.
	Secret []byte
	Shared *Backend
	// Factory builds per-token backends; required without Secret.
	Factory Factory
	// MaxIdentities bounds the pool of per-token backends (default 256);
	// the least recently used goes first, its sessions with it.
	MaxIdentities int
	// AllowedOrigins and AllowedHosts are accepted besides loopback ones.
	AllowedOrigins, AllowedHosts []string
	// MaxBody caps a request to /mcp (default DefaultMaxBody).
	MaxBody int64
	// SessionIdleTTL forgets a session idle this long (default 30 min).
	SessionIdleTTL time.Duration
	// Metrics, Live and Ready are served when set; the webhook, whose
	// sink is the server's (Sink), is added with Handle.
	Metrics, Live, Ready http.Handler
	// Logger logs the transport's events; nil discards.
	Logger *slog.Logger
}

// Server is ghmcp's HTTP service: an http.Handler, and Serve.
type Server struct {
	opts  Options
	mux   *http.ServeMux
	guard guard
	ids   *identities
	// streams are the subscriptions/listen requests open now.
	streams *streams
	log     *slog.Logger
}

// New returns the service.
func New(opts Options) *Server {
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.SessionIdleTTL <= 0 {
		opts.SessionIdleTTL = 30 * time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		opts:    opts,
		mux:     http.NewServeMux(),
		guard:   newGuard(opts.Listen, opts.AllowedHosts, opts.AllowedOrigins, opts.MaxBody),
		ids:     newIdentities(opts),
		log:     opts.Logger,
		streams: &streams{},
	}
	s.guard.streams = s.streams
	s.mux.Handle("/mcp", s.guard.wrap(http.HandlerFunc(s.ids.serve)))
	for path, h := range map[string]http.Handler{"/metrics": opts.Metrics, "/healthz": opts.Live, "/readyz": opts.Ready} {
		if h != nil {
			s.mux.Handle(path, h)
		}
	}
	return s
}

// Handle serves h at path too (the webhook, built on Sink).
func (s *Server) Handle(path string, h http.Handler) { s.mux.Handle(path, h) }

// ServeHTTP routes a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }
