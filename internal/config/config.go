// Package config is ghmcp's configuration: one table of settings, each a
// flag, its environment variable, its default, its help and its parser, so
// that a flag and its variable accept and refuse exactly the same values.
// It is parsed and checked once, up front; an error names the flag or the
// variable that holds the bad value.
package config

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ghmcp/ghmcp/github"
	"github.com/ghmcp/ghmcp/internal/allowlist"
	"github.com/ghmcp/ghmcp/internal/redact"
	"github.com/ghmcp/ghmcp/internal/toolkit"
	"github.com/ghmcp/ghmcp/ratelimit"
	"github.com/ghmcp/ghmcp/ratelimit/redisstore"
	"github.com/ghmcp/ghmcp/tools"
)

// Config is everything ghmcp needs to run.
type Config struct {
	// Version is the build's version, for serverInfo and the User-Agent;
	// not a setting: the program sets it after Parse.
	Version string
	// Token is the GitHub token (from the environment only: a flag would
	// show it in the process list).
	Token    string
	APIURL   *url.URL
	LogLevel slog.Level
	LogFile  string
	ReadOnly bool
	Limits   ratelimit.Config
	// Selection is which tools to offer (--toolsets, --tools, --read-only).
	Selection toolkit.Selection
	// Repos is the --repos allow-list; nil allows every repository.
	Repos *allowlist.List
	// ContentFilter is --content-filter.
	ContentFilter bool
	// RedisURL, if set, shares the limits with every ghmcp process using the
	// same token.
	RedisURL string
	// CacheEntries bounds the conditional-request cache; 0 turns it off.
	CacheEntries int
	// Dynamic starts with enable_toolset alone (--dynamic-toolsets).
	Dynamic bool
	// Drain is how long calls in flight at the end of input may still run.
	Drain time.Duration
	// MaxResponseBytes caps one answer read from GitHub.
	MaxResponseBytes int64
	// MaxMessageBytes caps one JSON-RPC message read from the host.
	MaxMessageBytes int
	// FlowGuard is --flow-guard: after a session read a private repository,
	// a write to a public one needs the user's agreement (internal/flowguard).
	FlowGuard bool
	// Lockdown is --lockdown: on public repositories, text written by
	// users without push access is hidden (toolkit.Lockdown).
	Lockdown bool
	// LogFormat is text or json (--log-format).
	LogFormat string

	// HTTP is the service mode (--listen and what goes with it); its
	// Listen is empty for stdio.
	HTTP HTTP
	// App is the GitHub App identity; its ID is 0 when none is configured.
	App App
}

// HTTP configures the Streamable HTTP service (--listen).
type HTTP struct {
	// Listen is the address to serve on; empty means stdio.
	Listen string
	// TLSCert and TLSKey are PEM files; both or neither.
	TLSCert, TLSKey string
	// BehindProxy says a TLS-terminating proxy is in front, which allows a
	// non-loopback Listen without TLS.
	BehindProxy bool
	// AllowedOrigins and AllowedHosts are accepted besides loopback ones.
	AllowedOrigins, AllowedHosts []string
	// Token, if set, is the bearer secret HTTP clients present (read from
	// --http-token-file); the server's own GitHub identity then serves
	// them. Unset, each client presents its own GitHub token.
	Token []byte
	// WebhookSecret enables POST /webhook.
	WebhookSecret []byte
}

// App is a GitHub App installation ghmcp acts as.
type App struct {
	ID, InstallationID int64
	// PrivateKey is the App's PEM key (read from --app-private-key-file).
	PrivateKey []byte
}

// ErrHelp and ErrVersion ask the caller to print the usage or the version
// and exit successfully.
var (
	ErrHelp    = errors.New("help requested")
	ErrVersion = errors.New("version requested")
)

// setting is one row of the table.
type setting struct {
	flag, env string
	// def is the value when neither the flag nor the variable is given.
	def  string
	help string
	// boolean settings may be given as a bare flag (--read-only).
	boolean bool
	// parse stores v in c, or says what is wrong with it.
	parse func(c *Config, v string) error
}

// boolHelp is how every boolean setting reads.
const boolHelp = "true or false (also 1/0, yes/no, on/off)"

// settings is the table, in the order --help shows it.
func settings() []setting {
	def := ratelimit.DefaultConfig()
	return []setting{
		{flag: "api-url", env: "GITHUB_API_URL", def: github.DefaultAPIURL,
			help:  "GitHub REST API URL; for GitHub Enterprise Server https://HOST/api/v3/",
			parse: func(c *Config, v string) (err error) { c.APIURL, err = github.ParseAPIURL(v); return err }},
		{flag: "toolsets", env: "GHMCP_TOOLSETS",
			help:  "comma-separated toolsets to offer, or all (default " + strings.Join(tools.Catalog().Defaults(), ",") + ")",
			parse: func(c *Config, v string) error { c.Selection.Toolsets = splitNames(v); return nil }},
		{flag: "tools", env: "GHMCP_TOOLS",
			help:  "comma-separated tool names to offer instead of whole toolsets",
			parse: func(c *Config, v string) error { c.Selection.Tools = splitNames(v); return nil }},
		{flag: "read-only", env: "GHMCP_READ_ONLY", def: "false", boolean: true,
			help:  "offer only tools that do not change GitHub, and refuse any write request: " + boolHelp,
			parse: boolInto(func(c *Config) *bool { return &c.ReadOnly })},
		{flag: "dynamic-toolsets", env: "GHMCP_DYNAMIC_TOOLSETS", def: "false", boolean: true,
			help:  "start with one tool, enable_toolset, that lists the toolsets (those of --toolsets if given, else all) and enables them on request, for hosts that follow notifications/tools/list_changed: " + boolHelp,
			parse: boolInto(func(c *Config) *bool { return &c.Dynamic })},
		{flag: "repos", env: "GHMCP_REPOS",
			help:  "comma-separated repositories the tools may use, as owner/name or owner/*; default all the token reaches",
			parse: func(c *Config, v string) (err error) { c.Repos, err = allowlist.Parse(v); return err }},
		{flag: "content-filter", env: "GHMCP_CONTENT_FILTER", def: "on",
			help: "on: make invisible and direction-changing characters visible and remove hidden content in text from GitHub; off: pass it unchanged",
			parse: func(c *Config, v string) error {
				switch strings.ToLower(v) {
				case "on":
					c.ContentFilter = true
				case "off":
					c.ContentFilter = false
				default:
					return errors.New("want on or off")
				}
				return nil
			}},
		{flag: "flow-guard", env: "GHMCP_FLOW_GUARD", def: "on",
			help: "on: once a session has read a private repository, a write to a public one is sent only if the user agrees (asked through the host where it supports elicitation, else refused); off: no such check",
			parse: func(c *Config, v string) error {
				switch strings.ToLower(v) {
				case "on":
					c.FlowGuard = true
				case "off":
					c.FlowGuard = false
				default:
					return errors.New("want on or off")
				}
				return nil
			}},
		{flag: "lockdown", env: "GHMCP_LOCKDOWN", def: "false", boolean: true,
			help:  "on public repositories, replace issue and pull request bodies, comments and reviews written by users without push access by a notice naming the author, so that strangers cannot address the model: " + boolHelp,
			parse: boolInto(func(c *Config) *bool { return &c.Lockdown })},
		{flag: "log-level", env: "GHMCP_LOG_LEVEL", def: "warn",
			help: "least level logged on stderr: debug, info, warn or error (hosts such as Claude Code show every stderr line as an error)",
			parse: func(c *Config, v string) error {
				if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
					return errors.New("want debug, info, warn or error")
				}
				return nil
			}},
		{flag: "log-file", env: "GHMCP_LOG_FILE",
			help:  "append logs to this file instead of stderr",
			parse: func(c *Config, v string) error { c.LogFile = v; return nil }},
		{flag: "max-wait", env: "GHMCP_MAX_WAIT", def: def.MaxWait.String(),
			help:  "longest wait for a rate limit before a call fails with a retry time",
			parse: durationInto(0, func(c *Config) *time.Duration { return &c.Limits.MaxWait })},
		{flag: "max-concurrent", env: "GHMCP_MAX_CONCURRENT", def: strconv.Itoa(def.MaxConcurrent),
			help:  "most requests in flight to GitHub at once (1 to 100, GitHub's own cap)",
			parse: intInto(1, 100, func(c *Config) *int { return &c.Limits.MaxConcurrent })},
		{flag: "write-spacing", env: "GHMCP_WRITE_SPACING", def: def.WriteSpacing.String(),
			help: "least time between two writes, which are sent one at a time; 0 for none",
			parse: func(c *Config, v string) error {
				d, err := parseDuration(v, 0)
				if d == 0 {
					d = -1 // explicit zero: no spacing
				}
				c.Limits.WriteSpacing = d
				return err
			}},
		{flag: "points-per-minute", env: "GHMCP_POINTS_PER_MINUTE", def: strconv.Itoa(def.PointsPerMinute),
			help:  "GitHub's secondary budget of points a minute: reads cost 1, writes 5",
			parse: intInto(1, 1<<30, func(c *Config) *int { return &c.Limits.PointsPerMinute })},
		{flag: "content-per-minute", env: "GHMCP_CONTENT_PER_MINUTE", def: strconv.Itoa(def.ContentPerMinute),
			help:  "most content-creating requests a minute",
			parse: intInto(1, 1<<30, func(c *Config) *int { return &c.Limits.ContentPerMinute })},
		{flag: "content-per-hour", env: "GHMCP_CONTENT_PER_HOUR", def: strconv.Itoa(def.ContentPerHour),
			help:  "most content-creating requests an hour",
			parse: intInto(1, 1<<30, func(c *Config) *int { return &c.Limits.ContentPerHour })},
		{flag: "redis-url", env: "GHMCP_REDIS_URL",
			help: "share the rate limits with every ghmcp process using the same token through this Redis, e.g. redis://127.0.0.1:6379/0",
			parse: func(c *Config, v string) error {
				if v != "" {
					if err := redisstore.CheckURL(v); err != nil {
						return err
					}
				}
				c.RedisURL = v
				return nil
			}},
		{flag: "lease-ttl", env: "GHMCP_LEASE_TTL", def: def.LeaseTTL.String(),
			help:  "with Redis: how long the slots of a ghmcp process that died stay taken (at least 1s)",
			parse: durationInto(time.Second, func(c *Config) *time.Duration { return &c.Limits.LeaseTTL })},
		{flag: "cache-entries", env: "GHMCP_CACHE_ENTRIES", def: "1000",
			help:  "GET answers kept for conditional requests (a 304 costs no budget); 0 turns the cache off",
			parse: intInto(0, 1<<24, func(c *Config) *int { return &c.CacheEntries })},
		{flag: "max-response-bytes", env: "GHMCP_MAX_RESPONSE_BYTES", def: strconv.Itoa(github.DefaultMaxResponseBytes),
			help: "most bytes read of one GitHub answer; a longer answer fails its call (ask for less) and its connection is dropped",
			parse: func(c *Config, v string) error {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil || n < 64<<10 {
					return errors.New("want a number of bytes, at least 65536")
				}
				c.MaxResponseBytes = n
				return nil
			}},
		{flag: "log-format", env: "GHMCP_LOG_FORMAT", def: "text",
			help: "text, or json for log shippers",
			parse: func(c *Config, v string) error {
				if v != "text" && v != "json" {
					return errors.New("want text or json")
				}
				c.LogFormat = v
				return nil
			}},
		{flag: "listen", env: "GHMCP_LISTEN",
			help: "serve MCP over Streamable HTTP at http://ADDR/mcp instead of stdio, e.g. 127.0.0.1:8080; a non-loopback address needs --tls-cert and --tls-key, or --behind-proxy",
			parse: func(c *Config, v string) error {
				if v != "" {
					if _, _, err := net.SplitHostPort(v); err != nil {
						return errors.New("want host:port, e.g. 127.0.0.1:8080")
					}
				}
				c.HTTP.Listen = v
				return nil
			}},
		{flag: "tls-cert", env: "GHMCP_TLS_CERT",
			help:  "with --listen: serve HTTPS with this PEM certificate (and --tls-key)",
			parse: func(c *Config, v string) error { c.HTTP.TLSCert = v; return readable(v) }},
		{flag: "tls-key", env: "GHMCP_TLS_KEY",
			help:  "with --listen: the PEM private key of --tls-cert",
			parse: func(c *Config, v string) error { c.HTTP.TLSKey = v; return readable(v) }},
		{flag: "behind-proxy", env: "GHMCP_BEHIND_PROXY", def: "false", boolean: true,
			help:  "with --listen: a TLS-terminating proxy is in front, so a non-loopback address may serve plain HTTP: " + boolHelp,
			parse: boolInto(func(c *Config) *bool { return &c.HTTP.BehindProxy })},
		{flag: "allowed-origins", env: "GHMCP_ALLOWED_ORIGINS",
			help:  "with --listen: comma-separated Origin values accepted besides loopback ones (DNS-rebinding protection), e.g. https://app.example.com",
			parse: func(c *Config, v string) error { c.HTTP.AllowedOrigins = splitNames(v); return nil }},
		{flag: "allowed-hosts", env: "GHMCP_ALLOWED_HOSTS",
			help:  "with --listen: comma-separated Host names accepted besides loopback ones and the --listen host, e.g. mcp.example.com",
			parse: func(c *Config, v string) error { c.HTTP.AllowedHosts = splitNames(v); return nil }},
		{flag: "http-token-file", env: "GHMCP_HTTP_TOKEN_FILE",
			help:  "with --listen: HTTP clients present the secret in this file as their bearer token, and ghmcp's own GitHub identity (token or App) serves them; without it each client presents its own GitHub token",
			parse: func(c *Config, v string) (err error) { c.HTTP.Token, err = readSecret(v); return err }},
		{flag: "webhook-secret-file", env: "GHMCP_WEBHOOK_SECRET_FILE",
			help:  "with --listen: serve POST /webhook, verifying deliveries with the secret in this file (or in GHMCP_WEBHOOK_SECRET)",
			parse: func(c *Config, v string) (err error) { c.HTTP.WebhookSecret, err = readSecret(v); return err }},
		{flag: "app-id", env: "GHMCP_APP_ID",
			help:  "act as this GitHub App's installation (with --app-private-key-file and --app-installation-id) instead of a token",
			parse: int64Into(func(c *Config) *int64 { return &c.App.ID })},
		{flag: "app-installation-id", env: "GHMCP_APP_INSTALLATION_ID",
			help:  "the installation of --app-id to act as",
			parse: int64Into(func(c *Config) *int64 { return &c.App.InstallationID })},
		{flag: "app-private-key-file", env: "GHMCP_APP_PRIVATE_KEY_FILE",
			help: "the PEM private key of --app-id",
			parse: func(c *Config, v string) (err error) {
				if c.App.PrivateKey, err = readSecret(v); err != nil || c.App.PrivateKey == nil {
					return err
				}
				return github.CheckAppKey(c.App.PrivateKey)
			}},
		{flag: "max-message-bytes", env: "GHMCP_MAX_MESSAGE_BYTES", def: "8388608",
			help:  "most bytes of one JSON-RPC message from the host (stdio); a longer one is answered -32600 with its id and never held in memory",
			parse: intInto(1024, 1<<30, func(c *Config) *int { return &c.MaxMessageBytes })},
		{flag: "drain-timeout", env: "GHMCP_DRAIN_TIMEOUT", def: "1.5s",
			help:  "at the end of input, how long calls in flight may still run and answer (raise it for scripts that pipe slow calls)",
			parse: durationInto(0, func(c *Config) *time.Duration { return &c.Drain })},
	}
}

// Parse reads args and the environment into a Config. It returns ErrHelp
// or ErrVersion when asked for those, and otherwise an error naming the
// flag or variable with a bad value.
func Parse(args []string, getenv func(string) string) (Config, error) {
	table := settings()
	fs := flag.NewFlagSet("ghmcp", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	given := map[string]string{}
	for _, s := range table {
		name := s.flag
		set := func(v string) error { given[name] = v; return nil }
		if s.boolean {
			fs.BoolFunc(name, s.help, set)
		} else {
			fs.Func(name, s.help, set)
		}
	}
	var help, version bool
	fs.BoolVar(&help, "help", false, "print this help and exit")
	fs.BoolVar(&help, "h", false, "print this help and exit")
	fs.BoolVar(&version, "version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return Config{}, ErrHelp
		}
		return Config{}, err
	}
	switch {
	case help:
		return Config{}, ErrHelp
	case version:
		return Config{}, ErrVersion
	case fs.NArg() > 0:
		return Config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}

	c := Config{Limits: ratelimit.DefaultConfig()}
	for _, s := range table {
		v, source := s.def, ""
		if e := getenv(s.env); e != "" {
			v, source = e, s.env
		}
		if f, ok := given[s.flag]; ok {
			v, source = f, "--"+s.flag
		}
		if err := s.parse(&c, strings.TrimSpace(v)); err != nil {
			if source == "" {
				source = "the default of --" + s.flag
			}
			// The value is echoed without any password it holds (a Redis
			// or API URL with credentials).
			return Config{}, fmt.Errorf("invalid %s %q: %w", source, redact.URLPasswords(v), err)
		}
	}
	c.Selection.ReadOnly = c.ReadOnly
	if _, err := tools.Catalog().Select(c.Selection); err != nil {
		return Config{}, err
	}
	for _, name := range github.TokenEnvVars {
		if c.Token = strings.TrimSpace(getenv(name)); c.Token != "" {
			if err := redact.CheckToken(c.Token); err != nil {
				return Config{}, fmt.Errorf("%s: %w", name, err)
			}
			break
		}
	}
	if s := strings.TrimSpace(getenv("GHMCP_WEBHOOK_SECRET")); s != "" && c.HTTP.WebhookSecret == nil {
		c.HTTP.WebhookSecret = []byte(s)
	}
	if err := checkService(c); err != nil {
		return Config{}, err
	}
	return c, nil
}

// checkService checks the settings that only make sense together.
func checkService(c Config) error {
	h, a := c.HTTP, c.App
	switch {
	case (h.TLSCert == "") != (h.TLSKey == ""):
		return errors.New("--tls-cert and --tls-key go together: give both or neither")
	case (a.ID != 0 || a.InstallationID != 0 || a.PrivateKey != nil) && (a.ID == 0 || a.InstallationID == 0 || a.PrivateKey == nil):
		return errors.New("--app-id, --app-installation-id and --app-private-key-file go together: give all three or none")
	case a.ID != 0 && h.Listen != "" && h.Token == nil:
		return errors.New("--app-id with --listen needs --http-token-file: the App's identity serves only clients that present the operator's secret (without it each client brings its own GitHub token)")
	case h.Listen == "":
		return nil
	case h.TLSCert == "" && !h.BehindProxy && !IsLoopback(h.Listen):
		return fmt.Errorf("--listen %s is not a loopback address: serving plain HTTP there would send tokens in clear; give --tls-cert and --tls-key, or --behind-proxy if a TLS-terminating proxy is in front", h.Listen)
	}
	return nil
}

// IsLoopback reports whether hostport (or a bare host) names only the
// loopback interface: localhost, 127.0.0.0/8 or ::1. An empty host (":8080",
// every interface) is not loopback.
func IsLoopback(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = strings.Trim(hostport, "[]")
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// readable checks that a file named by a setting can be read now, so that
// a wrong path fails at start-up rather than at the first connection.
func readable(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return errors.New("cannot read it: " + err.Error())
	}
	return f.Close()
}

// readSecret reads a secret from a file, trimmed of surrounding space; an
// empty path gives nil. The error never quotes the contents.
func readSecret(path string) ([]byte, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, errors.New("cannot read it: " + err.Error())
	}
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil, errors.New("the file is empty")
	}
	return b, nil
}

func int64Into(field func(*Config) *int64) func(*Config, string) error {
	return func(c *Config, v string) error {
		if v == "" {
			return nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return errors.New("want a positive whole number")
		}
		*field(c) = n
		return nil
	}
}

// Usage writes the help: every setting with its variable and default.
func Usage(w io.Writer, version string) {
	fmt.Fprintf(w, `ghmcp %s: a Model Context Protocol server for GitHub, on stdin/stdout,
or over Streamable HTTP at /mcp with --listen.

Usage: ghmcp [flags]

The token is read from %s. Without one the server starts
and lists its tools, and every call explains which variable to set. Each
flag can also be set by its environment variable; the flag wins.

Flags:
`, version, strings.Join(github.TokenEnvVars, ", else "))
	for _, s := range settings() {
		fmt.Fprintf(w, "  --%s  (env %s", s.flag, s.env)
		if s.def != "" {
			fmt.Fprintf(w, ", default %s", s.def)
		}
		fmt.Fprintf(w, ")\n      %s\n", s.help)
	}
	fmt.Fprintf(w, "  --version\n      print the version and exit\n  --help\n      print this help and exit\n")
}

// Variables lists every environment variable the table reads, sorted.
func Variables() []string {
	var out []string
	for _, s := range settings() {
		out = append(out, s.env)
	}
	sort.Strings(out)
	return out
}

// ParseBool reads a boolean setting: true/false, 1/0, yes/no, on/off, in
// any case. Anything else is an error, never a silent false.
func ParseBool(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "true", "1", "yes", "on":
		return true, nil
	case "false", "0", "no", "off":
		return false, nil
	}
	return false, errors.New("want " + boolHelp)
}

func boolInto(field func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) (err error) {
		*field(c), err = ParseBool(v)
		return err
	}
}

func intInto(lo, hi int, field func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil {
			return errors.New("want a whole number")
		}
		if n < lo || n > hi {
			return fmt.Errorf("want a number from %d to %d", lo, hi)
		}
		*field(c) = n
		return nil
	}
}

func parseDuration(v string, least time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, errors.New("want a duration such as 500ms, 30s or 2m")
	}
	if d < least {
		return 0, fmt.Errorf("want at least %v", least)
	}
	return d, nil
}

func durationInto(least time.Duration, field func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) (err error) {
		*field(c), err = parseDuration(v, least)
		return err
	}
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
