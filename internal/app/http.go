package app

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ghmcp/ghmcp/internal/config"
	"github.com/ghmcp/ghmcp/internal/health"
	"github.com/ghmcp/ghmcp/internal/httpserver"
	"github.com/ghmcp/ghmcp/internal/mcpserver"
	"github.com/ghmcp/ghmcp/internal/metrics"
	"github.com/ghmcp/ghmcp/internal/redact"
	"github.com/ghmcp/ghmcp/internal/webhook"
	"github.com/ghmcp/ghmcp/internal/webhook/redisbus"
	"github.com/ghmcp/ghmcp/internal/webhook/redisdedup"
	"github.com/ghmcp/ghmcp/ratelimit"
	"github.com/ghmcp/ghmcp/ratelimit/redisstore"
)

// serveHTTP is run's service mode (--listen), wired top to bottom:
//
//	metrics → identities: the operator's (--http-token-file: the server's
//	  token) or each client's own token, each a Backend built by newBackend
//	  → webhook (--webhook-secret-file; dedupe in memory or Redis; with Redis,
//	    events shared with the other instances through pub/sub)
//	  → health → httpserver on --listen (TLS if given) until ctx ends, then drain
func serveHTTP(ctx context.Context, cfg config.Config, redactor *redact.Redactor, logger *slog.Logger, s Streams) int {
	fail := func(code int, err error) int {
		fmt.Fprintf(s.Stderr, "ghmcp: %s\n", redactor.Error(err))
		return code
	}
	m := metrics.New()
	base := m.Transport(http.DefaultTransport.(*http.Transport).Clone())

	var rdb *redis.Client
	if cfg.RedisURL != "" {
		ro, err := redis.ParseURL(cfg.RedisURL)
		if err != nil {
			return fail(ExitUsage, redisstore.CheckURL(cfg.RedisURL))
		}
		rdb = redis.NewClient(ro)
		defer rdb.Close()
	}

	opts := httpserver.Options{
		Listen:         cfg.HTTP.Listen,
		AllowedOrigins: cfg.HTTP.AllowedOrigins,
		AllowedHosts:   cfg.HTTP.AllowedHosts,
		Metrics:        m.Handler(),
		Logger:         logger,
		Factory: func(token string) (*httpserver.Backend, error) {
			c := cfg
			c.Token, c.App = token, config.App{} // the client's token, never the server's identity
			b, _, err := newBackend(c, redact.New(token), logger, base, m, false)
			return b, err
		},
	}
	var ready health.Options
	if rdb != nil {
		ready.Redis = health.PingFunc(func(ctx context.Context) error { return rdb.Ping(ctx).Err() })
	}
	if cfg.HTTP.Token != nil {
		shared, limiter, err := newBackend(cfg, redactor, logger, base, m, true)
		if err != nil {
			return fail(ExitError, err)
		}
		if shared.Close != nil {
			defer shared.Close()
			shared.Close = nil // Serve must not close it twice
		}
		opts.Secret, opts.Shared = cfg.HTTP.Token, shared
		ready.Budgets = limiter
	}
	checker := health.New(ready)
	opts.Live, opts.Ready = checker.Live(), checker.Ready()

	srv := httpserver.New(opts)
	if cfg.HTTP.WebhookSecret != nil {
		var dedup webhook.Deduper = webhook.NewMemoryDeduper(0, 0, nil)
		sink := srv.Sink()
		if rdb != nil {
			dedup = redisdedup.New(rdb, "", 0)
			// One instance processes each delivery; the bus hands the event
			// to the others, whose caches and subscribers it concerns too.
			bus := redisbus.New(rdb, "", sink, logger)
			if err := bus.Run(ctx); err != nil {
				logger.Warn("webhook events will not reach the other instances", "error", err)
			} else {
				sink = webhook.Fanout(sink, bus)
			}
		}
		wh, err := webhook.New(webhook.Options{Secret: cfg.HTTP.WebhookSecret, Dedup: dedup, Sink: sink, Observe: m.WebhookDelivery, Logger: logger})
		if err != nil {
			return fail(ExitUsage, err)
		}
		srv.Handle("/webhook", wh)
	}

	ln, err := net.Listen("tcp", cfg.HTTP.Listen)
	if err != nil {
		return fail(ExitUsage, err)
	}
	scheme := "http"
	if cfg.HTTP.TLSCert != "" {
		scheme = "https"
	}
	mode := "each client's own GitHub token"
	if cfg.HTTP.Token != nil {
		mode = identityName(cfg) + ", for clients with --http-token-file's secret"
	}
	logger.Info("ghmcp serving Streamable HTTP", "version", cfg.Version, "url", scheme+"://"+ln.Addr().String()+"/mcp",
		"identity", mode, "webhook", cfg.HTTP.WebhookSecret != nil, "limits", map[bool]string{true: "redis", false: "memory"}[rdb != nil])
	// The service's drain bound: a write queued behind the write spacing
	// needs longer than stdio's end-of-input default.
	err = srv.Serve(ctx, ln, httpserver.ServeOptions{TLSCert: cfg.HTTP.TLSCert, TLSKey: cfg.HTTP.TLSKey, Drain: max(cfg.Drain, 10*time.Second)})
	if err != nil {
		logger.Error("server stopped", "error", err)
		return ExitError
	}
	logger.Info("ghmcp stopped")
	return ExitOK
}

// newBackend builds one GitHub identity's MCP server: its client (sending
// through base), limiter (in Redis with --redis-url, keyed by the token's
// fingerprint) and cache. watch adds the identity's limiter and cache to
// the metrics, which only one identity may do.
func newBackend(cfg config.Config, redactor *redact.Redactor, logger *slog.Logger, base http.RoundTripper, m *metrics.Metrics, watch bool) (*httpserver.Backend, *ratelimit.Limiter, error) {
	var closeStore func()
	if cfg.RedisURL != "" && identityKey(cfg) != "" {
		store, err := redisstore.New(redisstore.Options{URL: cfg.RedisURL, TokenKey: ratelimit.TokenKey(identityKey(cfg)), Logger: logger})
		if err != nil {
			return nil, nil, err
		}
		closeStore = func() { store.Close() }
		cfg.Limits.Store = ratelimit.NewFailover(store, nil, logger)
	}
	id, err := newIdentity(cfg, redactor, logger, base)
	if err != nil {
		return nil, nil, err
	}
	srv, err := mcpserver.New(mcpserver.Options{
		Version:        cfg.Version,
		Deps:           id.deps,
		Selection:      cfg.Selection,
		Dynamic:        cfg.Dynamic,
		Redactor:       redactor,
		ToolMiddleware: m.ToolMiddleware(),
		Hooks:          m.Hooks,
	})
	if err != nil {
		return nil, nil, err
	}
	if watch {
		m.WatchLimiter(id.limiter, nil)
		if id.cache != nil {
			m.WatchCache(id.cache)
		}
	}
	return &httpserver.Backend{Server: srv, Cache: id.cache, Close: closeStore}, id.limiter, nil
}
