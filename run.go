package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/ghmcp/ghmcp/github"
	"github.com/ghmcp/ghmcp/internal/allowlist"
	"github.com/ghmcp/ghmcp/internal/redact"
	"github.com/ghmcp/ghmcp/internal/toolkit"
	"github.com/ghmcp/ghmcp/ratelimit"
	"github.com/ghmcp/ghmcp/ratelimit/redisstore"
	"github.com/ghmcp/ghmcp/tools"
)

// devVersion is reported when the binary carries no module version (a
// local build rather than go install).
const devVersion = "0.1.0-dev"

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// config is everything run needs, parsed and checked once up front.
type config struct {
	token    string
	apiURL   *url.URL
	logLevel slog.Level
	logFile  string
	readOnly bool
	limits   ratelimit.Config
	// selection is which tools to offer (--toolsets, --tools, --read-only).
	selection toolkit.Selection
	// repos is the --repos allow-list; nil allows every repository.
	repos *allowlist.List
	// contentFilter is --content-filter: on unless "off".
	contentFilter bool
	// redisURL, if set, shares the limits with every ghmcp process using
	// the same token (run opens it into limits.Store).
	redisURL string
	// cacheEntries bounds the conditional-request cache; 0 turns it off.
	cacheEntries int
	// dynamic starts with enable_toolset alone (--dynamic-toolsets).
	dynamic bool
}

// run is the whole program; main only supplies the process's streams,
// arguments, environment and signal-bound context.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	cfg, code, done := parseConfig(args, stdout, stderr, getenv)
	if done {
		return code
	}

	logOut := stderr
	if cfg.logFile != "" {
		f, err := os.OpenFile(cfg.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			fmt.Fprintf(stderr, "ghmcp: cannot open log file: %v\n", err)
			return exitUsage
		}
		defer f.Close()
		logOut = f
	}
	redactor := redact.New(cfg.token)
	logger := slog.New(redactor.Handler(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: cfg.logLevel})))

	if cfg.redisURL != "" && cfg.token != "" {
		store, err := redisstore.New(redisstore.Options{URL: cfg.redisURL, TokenKey: ratelimit.TokenKey(cfg.token), Logger: logger})
		if err != nil {
			fmt.Fprintf(stderr, "ghmcp: %s\n", redactor.String(err.Error()))
			return exitUsage
		}
		defer store.Close()
		pingCtx, cancel := context.WithTimeout(ctx, 2*time.Second)
		if err := store.Ping(pingCtx); err != nil {
			logger.Warn("Redis does not answer; using conservative local limits until it does", "error", err)
		}
		cancel()
		cfg.limits.Store = ratelimit.NewFailover(store, nil, logger)
	}

	srv, err := newServer(cfg, redactor, logger)
	if err != nil {
		fmt.Fprintf(stderr, "ghmcp: %s\n", redactor.String(err.Error()))
		return exitError
	}
	if cfg.token == "" {
		logger.Warn("no GitHub token: tools are listed but every call will fail; set GITHUB_PERSONAL_ACCESS_TOKEN")
	}
	logger.Info("ghmcp serving on stdio", "version", version(), "api_url", cfg.apiURL.String(), "read_only", cfg.readOnly,
		"repos", cfg.repos.String(), "content_filter", cfg.contentFilter, "limits", storeKind(cfg.limits.Store))

	stdio := server.NewStdioServer(srv)
	// mcp-go runs tool calls on a pool of 5 workers by default; match the
	// limiter's cap so that it, not the pool, decides how many calls reach
	// GitHub at once (a queued call waits in the limiter's FIFO, where
	// cancellation and progress reach it).
	server.WithWorkerPoolSize(max(cfg.limits.MaxConcurrent, 5))(stdio)
	stdio.SetErrorLogger(slog.NewLogLogger(logger.Handler(), slog.LevelError))
	pending := newInflight()
	// Every byte on stdout passes the redactor: tool results, JSON-RPC
	// errors (which may quote a tool name or a panic), notifications.
	out := &tapWriter{dst: stdout, f: pending, redact: redactor.String}
	in := &tapReader{ctx: ctx, src: bufio.NewReaderSize(stdin, 64<<10), f: pending, out: out, logger: logger}
	stdio.SetContextFunc(hostContext(pending, out)) // cancellation, notifications in order (cancel.go, ordering.go)
	err = stdio.Listen(ctx, in, out)
	if err != nil && !errors.Is(err, context.Canceled) {
		logger.Error("server stopped", "error", err)
		return exitError
	}
	logger.Info("ghmcp stopped")
	return exitOK
}

// newServer wires the limiter, the GitHub client and the tools into an MCP
// server.
func newServer(cfg config, redactor *redact.Redactor, logger *slog.Logger) (*server.MCPServer, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	host := newHostLog()
	logger = host.tee(logger, redactor) // records also reach the host (hostlog.go)
	// What the offered tools need decides the token warnings, and is known
	// before the client exists: the catalogue is data.
	catalog := tools.Catalog()
	selected, err := catalog.Select(cfg.selection)
	if err != nil {
		return nil, err
	}
	perms := github.NewPermissions(cfg.token, catalog.Need(selected), logger)
	limiter := ratelimit.New(cfg.limits, nil, logger)
	var cache *ratelimit.Cache
	if cfg.cacheEntries > 0 {
		cache = ratelimit.NewCache(ratelimit.CacheConfig{TokenKey: ratelimit.TokenKey(cfg.token), MaxEntries: cfg.cacheEntries})
	}
	client, err := github.NewClient(github.Options{
		Token:       cfg.token,
		APIURL:      cfg.apiURL,
		UserAgent:   "ghmcp/" + version(),
		Limiter:     limiter,
		Cache:       cache,
		ReadOnly:    cfg.readOnly,
		Permissions: perms,
	})
	if err != nil {
		return nil, err
	}
	deps := toolkit.Deps{
		GitHub:            client,
		Logger:            logger,
		Redact:            redactor.String,
		Repos:             cfg.repos,
		UnfilteredContent: !cfg.contentFilter,
		Permissions:       perms,
	}
	// Logging, progress, cancellation, resources, prompts and completions
	// (protocol.go) add their options, hooks and middleware.
	// ghmcp's own argument checks (package toolkit) are the only
	// validation: mcp-go's JSON Schema validation stays off.
	hooks := &server.Hooks{}
	proto := newProtocol(deps, host)
	srv := server.NewMCPServer("ghmcp", version(), append([]server.ServerOption{
		server.WithToolCapabilities(cfg.dynamic),
		server.WithToolHandlerMiddleware(recoverTools(redactor, logger)),
	}, proto.options(hooks)...)...)
	if cfg.dynamic {
		srv.AddTools(dynamicToolset(cfg, deps, srv))
	} else {
		srv.AddTools(toolkit.Bind(deps, selected)...)
	}
	proto.register(srv)
	return srv, nil
}

// recoverTools turns a panic anywhere in a tool call (toolkit.New recovers its
// own handlers; this covers the rest) into an isError result the model can
// read, with no stack and no secret, and logs it redacted. It replaces
// mcp-go's WithRecovery, whose JSON-RPC error would quote the panic.
func recoverTools(redactor *redact.Redactor, logger *slog.Logger) server.ToolHandlerMiddleware {
	return func(next server.ToolHandlerFunc) server.ToolHandlerFunc {
		return func(ctx context.Context, req mcp.CallToolRequest) (res *mcp.CallToolResult, err error) {
			defer func() {
				if p := recover(); p != nil {
					logger.Error("tool call panicked", "tool", redactor.String(req.Params.Name), "panic", redactor.String(fmt.Sprint(p)))
					res, err = mcp.NewToolResultError("internal error in ghmcp (logged on its stderr); if the tool changes GitHub, the change may have been applied: read the current state before trying again"), nil
				}
			}()
			return next(ctx, req)
		}
	}
}

// parseConfig reads flags, falling back to environment variables. done
// means run should return code at once (help, version, or a bad setting).
func parseConfig(args []string, stdout, stderr io.Writer, getenv func(string) string) (cfg config, code int, done bool) {
	fs := flag.NewFlagSet("ghmcp", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	def := ratelimit.DefaultConfig()
	apiURL := fs.String("api-url", env("GITHUB_API_URL", github.DefaultAPIURL), "GitHub REST API URL; for GitHub Enterprise Server https://HOST/api/v3/ (env GITHUB_API_URL)")
	logLevel := fs.String("log-level", env("GHMCP_LOG_LEVEL", "info"), "log level: debug, info, warn or error (env GHMCP_LOG_LEVEL)")
	logFile := fs.String("log-file", env("GHMCP_LOG_FILE", ""), "append logs to this file instead of stderr (env GHMCP_LOG_FILE)")
	readOnly := fs.Bool("read-only", envBool(getenv("GHMCP_READ_ONLY")), "offer only tools that do not change GitHub, and refuse any write request (env GHMCP_READ_ONLY)")
	maxWait := fs.Duration("max-wait", envDuration(getenv("GHMCP_MAX_WAIT"), def.MaxWait), "longest wait for a rate limit before a call fails with a retry time (env GHMCP_MAX_WAIT)")
	maxConc := fs.Int("max-concurrent", envInt(getenv("GHMCP_MAX_CONCURRENT"), def.MaxConcurrent), "most requests in flight to GitHub at once (env GHMCP_MAX_CONCURRENT)")
	spacing := fs.Duration("write-spacing", envDuration(getenv("GHMCP_WRITE_SPACING"), def.WriteSpacing), "least time between two writes, which are sent one at a time (env GHMCP_WRITE_SPACING)")
	toolsets := fs.String("toolsets", env("GHMCP_TOOLSETS", ""), "comma-separated toolsets to offer: context, repos, issues, pull_requests, actions, collaborators, search, or all (default context,repos,issues,pull_requests; env GHMCP_TOOLSETS)")
	toolList := fs.String("tools", env("GHMCP_TOOLS", ""), "comma-separated tool names to offer instead of whole toolsets (env GHMCP_TOOLS)")
	repos := fs.String("repos", env("GHMCP_REPOS", ""), "comma-separated repositories the tools may use, as owner/name or owner/*; default all the token reaches (env GHMCP_REPOS)")
	contentFilter := fs.String("content-filter", env("GHMCP_CONTENT_FILTER", "on"), "on: make invisible and direction-changing characters visible and remove hidden HTML comments in text from GitHub; off: pass it unchanged (env GHMCP_CONTENT_FILTER)")
	redisURL := fs.String("redis-url", env("GHMCP_REDIS_URL", ""), "share the rate limits with every ghmcp process using the same token through this Redis, e.g. redis://127.0.0.1:6379/0 (env GHMCP_REDIS_URL)")
	leaseTTL := fs.Duration("lease-ttl", envDuration(getenv("GHMCP_LEASE_TTL"), def.LeaseTTL), "with Redis: how long the slots of a ghmcp process that died stay taken (env GHMCP_LEASE_TTL)")
	points := fs.Int("points-per-minute", envInt(getenv("GHMCP_POINTS_PER_MINUTE"), def.PointsPerMinute), "GitHub's secondary budget of points a minute: reads cost 1, writes 5 (env GHMCP_POINTS_PER_MINUTE)")
	contentMin := fs.Int("content-per-minute", envInt(getenv("GHMCP_CONTENT_PER_MINUTE"), def.ContentPerMinute), "most content-creating requests a minute (env GHMCP_CONTENT_PER_MINUTE)")
	contentHour := fs.Int("content-per-hour", envInt(getenv("GHMCP_CONTENT_PER_HOUR"), def.ContentPerHour), "most content-creating requests an hour (env GHMCP_CONTENT_PER_HOUR)")
	dynamic := fs.Bool("dynamic-toolsets", envBool(getenv("GHMCP_DYNAMIC_TOOLSETS")), "start with one tool, enable_toolset, that lists the toolsets (those of --toolsets if given, else all) and enables them on request, for hosts that follow notifications/tools/list_changed (env GHMCP_DYNAMIC_TOOLSETS)")
	cacheEntries := fs.Int("cache-entries", envInt(getenv("GHMCP_CACHE_ENTRIES"), 1000), "GET answers kept for conditional requests (a 304 costs no budget); 0 turns the cache off (env GHMCP_CACHE_ENTRIES)")
	showVersion := fs.Bool("version", false, "print the version and exit")
	help := fs.Bool("help", false, "print this help and exit")
	fs.BoolVar(help, "h", false, "print this help and exit")

	usageErr := func(format string, a ...any) (config, int, bool) {
		fmt.Fprintf(stderr, "ghmcp: "+format+" (see ghmcp --help)\n", a...)
		return config{}, exitUsage, true
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout, fs)
			return config{}, exitOK, true
		}
		return usageErr("%v", err)
	}
	if *help {
		printUsage(stdout, fs)
		return config{}, exitOK, true
	}
	if *showVersion {
		fmt.Fprintf(stdout, "ghmcp %s\n", version())
		return config{}, exitOK, true
	}
	if fs.NArg() > 0 {
		return usageErr("unexpected argument %q", fs.Arg(0))
	}
	u, err := github.ParseAPIURL(*apiURL)
	if err != nil {
		return usageErr("%v", err)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return usageErr("invalid log level %q: want debug, info, warn or error", *logLevel)
	}
	if *maxConc < 1 || *maxConc > 100 {
		return usageErr("--max-concurrent must be between 1 and 100 (GitHub's own cap), got %d", *maxConc)
	}
	if *maxWait < 0 || *spacing < 0 {
		return usageErr("--max-wait and --write-spacing must not be negative")
	}
	sel := toolkit.Selection{Toolsets: splitNames(*toolsets), Tools: splitNames(*toolList), ReadOnly: *readOnly}
	if _, err := tools.Catalog().Select(sel); err != nil {
		return usageErr("%v", err)
	}
	allow, err := allowlist.Parse(*repos)
	if err != nil {
		return usageErr("%v", err)
	}
	var filter bool
	switch strings.ToLower(*contentFilter) {
	case "on":
		filter = true
	case "off":
	default:
		return usageErr("invalid --content-filter %q: want on or off", *contentFilter)
	}
	if *redisURL != "" {
		if err := redisstore.CheckURL(*redisURL); err != nil {
			return usageErr("%v", err)
		}
	}
	if *leaseTTL < time.Second {
		return usageErr("--lease-ttl must be at least 1s, got %v", *leaseTTL)
	}
	if *points < 1 || *contentMin < 1 || *contentHour < 1 || *cacheEntries < 0 {
		return usageErr("--points-per-minute, --content-per-minute and --content-per-hour must be positive, and --cache-entries not negative")
	}
	limits := def
	limits.MaxWait, limits.MaxConcurrent, limits.WriteSpacing = *maxWait, *maxConc, *spacing
	limits.LeaseTTL, limits.PointsPerMinute, limits.ContentPerMinute, limits.ContentPerHour = *leaseTTL, *points, *contentMin, *contentHour
	if *spacing == 0 {
		limits.WriteSpacing = -1 // explicit zero: no spacing
	}
	var token string
	for _, name := range github.TokenEnvVars {
		if token = strings.TrimSpace(getenv(name)); token != "" {
			break
		}
	}
	return config{token: token, apiURL: u, logLevel: level, logFile: *logFile, readOnly: *readOnly, limits: limits,
		selection: sel, repos: allow, contentFilter: filter, redisURL: *redisURL, cacheEntries: *cacheEntries, dynamic: *dynamic}, 0, false
}

// dynamicToolset builds enable_toolset over the tools --dynamic-toolsets
// may offer: those of --toolsets when given (else every toolset), read-only
// ones under --read-only.
func dynamicToolset(cfg config, deps toolkit.Deps, srv *server.MCPServer) server.ServerTool {
	sel := cfg.selection
	sel.Tools = nil
	if len(sel.Toolsets) == 0 {
		sel.Toolsets = []string{toolkit.AllToolsets}
	}
	candidates, _ := tools.Catalog().Select(sel) // names were checked at start-up
	return toolkit.EnableToolset(deps, candidates, func(ts []server.ServerTool) {
		srv.AddTools(ts...)
	})
}

// storeKind names where the rate limits are kept, for the start-up log.
func storeKind(s ratelimit.Store) string {
	if s == nil {
		return "memory"
	}
	return s.Kind()
}

func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, `ghmcp %s: a Model Context Protocol server for GitHub, on stdin/stdout.

Usage: ghmcp [flags]

The token is read from GITHUB_PERSONAL_ACCESS_TOKEN, else GITHUB_TOKEN,
else GH_TOKEN. Without one the server starts and lists its tools, and
every call explains which variable to set.

Flags:
`, version())
	fs.SetOutput(w)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// splitNames splits a comma-separated list; empty gives nil.
func splitNames(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func envBool(s string) bool {
	b, _ := strconv.ParseBool(s)
	return b
}

func envInt(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return def
}

func envDuration(s string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(s); err == nil {
		return d
	}
	return def
}

// version is the module version for go install builds, else devVersion.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return devVersion
}
