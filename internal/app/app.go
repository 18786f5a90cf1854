// Package app is ghmcp's program once its configuration is read: it wires
// the pieces top to bottom and serves until the host or a signal ends it.
//
//	config → logger (stderr or file, redacted, teed to the host) → rate-limit store (memory or Redis)
//	       → GitHub client (one, shared) → MCP server (tools, resources, prompts) → stdio transport
//	       or, with --listen, per-identity backends → Streamable HTTP, webhooks, metrics, health (http.go)
package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/ghmcp/ghmcp/github"
	"github.com/ghmcp/ghmcp/internal/config"
	"github.com/ghmcp/ghmcp/internal/flowguard"
	"github.com/ghmcp/ghmcp/internal/mcpserver"
	"github.com/ghmcp/ghmcp/internal/redact"
	"github.com/ghmcp/ghmcp/internal/stdio"
	"github.com/ghmcp/ghmcp/internal/toolkit"
	"github.com/ghmcp/ghmcp/ratelimit"
	"github.com/ghmcp/ghmcp/ratelimit/redisstore"
	"github.com/ghmcp/ghmcp/tools"
	gh "github.com/google/go-github/v62/github"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1
	ExitUsage = 2
)

// Streams are the process's streams.
type Streams struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
}

// Run serves with cfg until the end of input, of ctx (a signal) or an
// error, and returns the exit code.
func Run(ctx context.Context, cfg config.Config, s Streams) int {
	logOut := s.Stderr
	if cfg.LogFile != "" {
		f, err := os.OpenFile(cfg.LogFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			fmt.Fprintf(s.Stderr, "ghmcp: cannot open log file: %v\n", err)
			return ExitUsage
		}
		defer f.Close()
		logOut = f
	}
	redactor := redact.New(cfg.Token)
	hostLog := mcpserver.NewHostLog()
	// Records reach s.Stderr at --log-level and the host at the level it asks.
	logger := hostLog.Tee(slog.New(redactor.Handler(logHandler(cfg, logOut))), redactor)

	if cfg.HTTP.Listen != "" {
		return serveHTTP(ctx, cfg, redactor, logger, s)
	}

	if cfg.RedisURL != "" && identityKey(cfg) != "" {
		store, err := redisstore.New(redisstore.Options{URL: cfg.RedisURL, TokenKey: ratelimit.TokenKey(identityKey(cfg)), Logger: logger})
		if err != nil {
			fmt.Fprintf(s.Stderr, "ghmcp: %s\n", redactor.Error(err))
			return ExitUsage
		}
		defer store.Close()
		pingCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
		if err := store.Ping(pingCtx); err != nil {
			logger.Warn("Redis does not answer; using conservative local limits until it does", "error", err)
		}
		cancel()
		cfg.Limits.Store = ratelimit.NewFailover(store, nil, logger)
	}

	deps, err := NewDeps(cfg, redactor, logger)
	if err != nil {
		fmt.Fprintf(s.Stderr, "ghmcp: %s\n", redactor.Error(err))
		return ExitError
	}
	srv, err := mcpserver.New(mcpserver.Options{
		Version:   cfg.Version,
		Deps:      deps,
		Selection: cfg.Selection,
		Dynamic:   cfg.Dynamic,
		Redactor:  redactor,
		HostLog:   hostLog,
	})
	if err != nil {
		fmt.Fprintf(s.Stderr, "ghmcp: %s\n", redactor.Error(err))
		return ExitError
	}
	if identityKey(cfg) == "" {
		logger.Warn("no GitHub token: tools are listed but every call will fail; set GITHUB_PERSONAL_ACCESS_TOKEN")
	}
	logger.Info("ghmcp serving on stdio", "version", cfg.Version, "identity", identityName(cfg), "api_url", cfg.APIURL.String(), "read_only", cfg.ReadOnly,
		"repos", cfg.Repos.String(), "content_filter", cfg.ContentFilter, "limits", storeKind(cfg.Limits.Store))

	err = stdio.Serve(ctx, srv, s.Stdin, s.Stdout, stdio.Options{
		Logger: logger,
		Redact: redactor.String,
		// The limiter's cap, not the transport, decides how many calls reach
		// GitHub at once; a call beyond it waits in the limiter's FIFO,
		// where cancellation and progress reach it.
		MaxCalls:        max(cfg.Limits.MaxConcurrent, 5),
		MaxMessageBytes: cfg.MaxMessageBytes,
		Drain:           cfg.Drain,
	})
	if err != nil {
		logger.Error("server stopped", "error", err)
		return ExitError
	}
	logger.Info("ghmcp stopped")
	return ExitOK
}

// NewDeps builds the one GitHub client every tool shares (with its limiter
// and cache) and the tools' other dependencies.
func NewDeps(cfg config.Config, redactor *redact.Redactor, logger *slog.Logger) (toolkit.Deps, error) {
	id, err := newIdentity(cfg, redactor, logger, nil)
	return id.deps, err
}

// identity is one GitHub identity's client, with its limiter and cache,
// and the tools' dependencies on it.
type identity struct {
	deps    toolkit.Deps
	limiter *ratelimit.Limiter
	cache   *ratelimit.Cache
}

// newIdentity builds the GitHub client of cfg.Token, sending through base
// (nil: a clone of http.DefaultTransport), and the tools' dependencies.
func newIdentity(cfg config.Config, redactor *redact.Redactor, logger *slog.Logger, base http.RoundTripper) (identity, error) {
	catalog := tools.Catalog()
	named, err := catalog.Select(cfg.Selection)
	if err != nil {
		return identity{}, err
	}
	perms := github.NewPermissions(cfg.Token, catalog.Need(named), logger)
	var app *github.AppAuth // nil: the token
	if cfg.App.ID != 0 {
		// Each installation token is masked in every log line and answer
		// before any request carries it.
		app, err = github.NewAppAuth(github.App(cfg.App), cfg.APIURL, base, func(tok string) { redactor.Add(tok) })
		if err != nil {
			return identity{}, err
		}
		perms.UseApp(app)
	}
	limiter := ratelimit.New(cfg.Limits, nil, logger)
	var cache *ratelimit.Cache
	if cfg.CacheEntries > 0 {
		cache = ratelimit.NewCache(ratelimit.CacheConfig{TokenKey: ratelimit.TokenKey(identityKey(cfg)), MaxEntries: cfg.CacheEntries})
	}
	var guard *flowguard.Guard // nil: --flow-guard=off
	if cfg.FlowGuard {
		guard = flowguard.New(nil)
	}
	client, err := github.NewClient(github.Options{
		Token:       cfg.Token,
		App:         app,
		APIURL:      cfg.APIURL,
		UserAgent:   "ghmcp/" + cfg.Version,
		Limiter:     limiter,
		Cache:       cache,
		Base:        base,
		ReadOnly:    cfg.ReadOnly,
		Permissions: perms,

		MaxResponseBytes: cfg.MaxResponseBytes,
		Watch:            guard.Transport,
	})
	if err != nil {
		return identity{}, err
	}
	guard.SetLookup(repoVisibility(client))
	var lockdown *toolkit.Lockdown // nil: --lockdown off
	if cfg.Lockdown {
		// The flow guard's visibility cache, or one of its own.
		vis := guard
		if vis == nil {
			vis = flowguard.New(repoVisibility(client))
		}
		lockdown = &toolkit.Lockdown{Private: vis.Private}
	}
	return identity{limiter: limiter, cache: cache, deps: toolkit.Deps{
		GitHub:            client,
		GraphQL:           github.NewGraphQL(client, limiter),
		Logger:            logger,
		Redact:            redactor.String,
		RedactText:        redactor.Text,
		Repos:             cfg.Repos,
		UnfilteredContent: !cfg.ContentFilter,
		Permissions:       perms,
		Flow:              guard,
		Lockdown:          lockdown,
	}}, nil
}

// identityKey names the GitHub identity for the limiter and the cache (which
// keep only its fingerprint): the App installation, whose tokens change
// every hour, else the token; empty when there is none.
func identityKey(cfg config.Config) string {
	if cfg.App.ID != 0 {
		return fmt.Sprintf("github-app:%d/installation:%d", cfg.App.ID, cfg.App.InstallationID)
	}
	return cfg.Token
}

// identityName says in the start-up log who ghmcp acts as, without the
// token.
func identityName(cfg config.Config) string {
	switch {
	case cfg.App.ID != 0:
		return fmt.Sprintf("GitHub App %d, installation %d", cfg.App.ID, cfg.App.InstallationID)
	case cfg.Token != "":
		return github.TokenKind(cfg.Token) + " token"
	}
	return "none"
}

// logHandler is the log format of --log-format, at --log-level.
func logHandler(cfg config.Config, out io.Writer) slog.Handler {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.NewJSONHandler(out, opts)
	}
	return slog.NewTextHandler(out, opts)
}

// storeKind names where the rate limits are kept, for the start-up log.
func storeKind(s ratelimit.Store) string {
	if s == nil {
		return "memory"
	}
	return s.Kind()
}

// repoVisibility is how the flow guard learns whether a repository is
// private: GET /repos/{owner}/{repo}, once per repository.
// https://docs.github.com/rest/repos/repos#get-a-repository
func repoVisibility(client *gh.Client) flowguard.Lookup {
	return func(ctx context.Context, owner, repo string) (bool, error) {
		r, _, err := client.Repositories.Get(ctx, owner, repo)
		if err != nil {
			return false, err
		}
		return r.GetPrivate() || (r.GetVisibility() != "" && r.GetVisibility() != "public"), nil
	}
}
