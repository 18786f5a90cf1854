// Package github builds the one GitHub API client that every ghmcp tool
// shares, with its transport stack assembled in one place.
package github

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	gh "github.com/google/go-github/v62/github"
	"golang.org/x/oauth2"

	"github.com/ghmcp/ghmcp/internal/redact"
	"github.com/ghmcp/ghmcp/ratelimit"
)

// DefaultAPIURL is GitHub.com's REST API.
const DefaultAPIURL = "https://api.github.com/"

// TokenEnvVars are the environment variables a token is read from, in order
// of preference.
var TokenEnvVars = []string{"GITHUB_PERSONAL_ACCESS_TOKEN", "GITHUB_TOKEN", "GH_TOKEN"}

// ErrNoToken is returned for every request when no token is configured, so
// that a server without a token can still start and list its tools.
var ErrNoToken = errors.New("no GitHub token configured: set GITHUB_PERSONAL_ACCESS_TOKEN (or GITHUB_TOKEN or GH_TOKEN) in the environment of the ghmcp server and restart it")

// Options configures NewClient.
type Options struct {
	// Token authenticates every request. Empty (and no App) means every
	// request fails with ErrNoToken before anything is sent.
	Token string
	// App, if set, authenticates every request as a GitHub App
	// installation instead of Token.
	App *AppAuth
	// APIURL is the REST API root, e.g. https://api.github.com/ or
	// https://ghe.example.com/api/v3/.
	APIURL *url.URL
	// UserAgent is sent with every request.
	UserAgent string
	// Limiter gates every request; required.
	Limiter *ratelimit.Limiter
	// Cache, if set, makes repeated GETs conditional (see ratelimit.Cache).
	Cache *ratelimit.Cache
	// Base sends the requests; nil means a clone of http.DefaultTransport.
	Base http.RoundTripper
	// ReadOnly refuses every request but GET and HEAD: a second guard
	// behind not registering write tools.
	ReadOnly bool
	// Permissions, if set, records the token's scopes and the permissions
	// GitHub asks for (see Permissions).
	Permissions *Permissions
	// MaxResponseBytes is the most read of one answer (flag
	// --max-response-bytes); 0 means DefaultMaxResponseBytes. A longer
	// answer fails its call with a *TooLargeError.
	MaxResponseBytes int64
	// MaxErrorBytes is the most read of an error answer (4xx, 5xx); 0
	// means DefaultMaxErrorBytes, or MaxResponseBytes if that is smaller.
	MaxErrorBytes int64
	// Watch, if set, wraps the whole stack, just below go-github: a layer
	// that must see every answer, cached ones included (the flow guard,
	// flowguard.Guard.Transport).
	Watch func(http.RoundTripper) http.RoundTripper
}

// NewClient returns a go-github client whose requests pass, top to bottom:
//
//	http.Client (redirects: GET and HEAD only, see noWriteRedirects)
//	go-github → Watch (the flow guard) → tokenRequired → readOnlyGuard → pathGuard → hideRateMemory
//	  → ratelimit.Cache → ratelimit.Limiter
//	  → auth (Authorization, API host only: the token, or the App's
//	    installation token, see AppAuth) → Permissions (records headers)
//	  → trimLists (list answers cut to per_page) → capBody (answers cut at
//	    MaxResponseBytes, error answers at MaxErrorBytes) → Base
//
// capBody is lowest so that every reader above (the limiter peeking at an
// error, the cache keeping a copy, go-github decoding) reads a bounded
// body: memory stays bounded whatever GitHub sends.
//
// The guards refuse before anything is counted or sent. The limiter sits
// above auth so that a retry is re-authorised like a new request, and below
// tokenRequired so that a missing token is never retried.
//
// The cache sits above the limiter. Every conditional request still goes
// through the limiter (it is a request to GitHub: it takes a slot and
// points), the limiter sees GitHub's real 304 and does not count it against
// the primary budget, and it retries the conditional request as it is;
// the 200 the cache makes from a 304 never reaches the limiter's
// accounting. The cache also sees every write, to drop what it makes
// stale, whether or not the limiter lets the write through. It never sees
// the token (auth is below): it keys entries by the token's fingerprint.
func NewClient(opts Options) (*gh.Client, error) {
	if opts.Limiter == nil {
		return nil, errors.New("github: Options.Limiter is required")
	}
	if opts.APIURL == nil {
		return nil, errors.New("github: Options.APIURL is required")
	}
	base := opts.Base
	if base == nil {
		base = http.DefaultTransport.(*http.Transport).Clone()
	}
	maxBody, maxErr := opts.MaxResponseBytes, opts.MaxErrorBytes
	if maxBody <= 0 {
		maxBody = DefaultMaxResponseBytes
	}
	if maxErr <= 0 {
		maxErr = min(DefaultMaxErrorBytes, maxBody)
	}
	var rt http.RoundTripper = capBody{next: base, max: maxBody, maxErr: maxErr}
	rt = trimLists{next: rt}
	if opts.Permissions != nil {
		rt = opts.Permissions.transport(rt)
	}
	switch {
	case opts.App != nil:
		rt = apiHostOnly{scheme: opts.APIURL.Scheme, host: opts.APIURL.Host, auth: opts.App.transport(rt), plain: rt}
	case opts.Token != "":
		auth := &oauth2.Transport{Source: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: opts.Token, TokenType: "Bearer"}), Base: rt}
		rt = apiHostOnly{scheme: opts.APIURL.Scheme, host: opts.APIURL.Host, auth: auth, plain: rt}
	}
	rt = opts.Limiter.Transport(rt)
	if opts.Cache != nil {
		rt = opts.Cache.Transport(rt)
	}
	rt = hideRateMemory{next: rt}
	rt = pathGuard{next: rt}
	if opts.ReadOnly {
		rt = readOnlyGuard{next: rt}
	}
	if opts.Token == "" && opts.App == nil {
		rt = tokenRequired{}
	}
	if opts.Watch != nil {
		rt = opts.Watch(rt)
	}

	c := gh.NewClient(&http.Client{Transport: rt, CheckRedirect: noWriteRedirects})
	u := *opts.APIURL
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	c.BaseURL = &u
	c.UploadURL = &u
	c.UserAgent = opts.UserAgent
	return c, nil
}

// ErrWriteRedirected is wrapped by the error of a write GitHub answered
// with a redirect.
var ErrWriteRedirected = errors.New("a write was answered with a redirect")

// RedirectError is a write (any method but GET and HEAD) answered with a
// redirect. ghmcp never follows it: a 307 or 308 would re-send the write,
// body included, to wherever the answer points (another host), and a 301,
// 302 or 303 would turn it into a GET whose 200 reads as success.
type RedirectError struct {
	Method, Path string // the write
	Status       int
	Location     string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("GitHub answered %s %s with a redirect (%d to %s); ghmcp does not follow redirects for writes, so the write was not sent again there, and GitHub did not confirm it: it may or may not have been applied, so read the current state before retrying", e.Method, e.Path, e.Status, e.Location)
}

// Unwrap makes errors.Is(err, ErrWriteRedirected) true.
func (e *RedirectError) Unwrap() error { return ErrWriteRedirected }

// noWriteRedirects is the client's redirect policy: GET and HEAD follow up
// to 10 redirects (apiHostOnly keeps the token on the API host), anything
// else stops at the first with a *RedirectError.
func noWriteRedirects(req *http.Request, via []*http.Request) error {
	first := via[0]
	if first.Method != http.MethodGet && first.Method != http.MethodHead {
		status := 0
		if req.Response != nil {
			status = req.Response.StatusCode
		}
		return &RedirectError{Method: first.Method, Path: first.URL.EscapedPath(), Status: status, Location: redactURL(req.URL)}
	}
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	return nil
}

// redactURL is u without its query (pre-signed URLs carry credentials
// there) and without a password.
func redactURL(u *url.URL) string {
	c := *u
	c.RawQuery, c.Fragment = "", ""
	return c.Redacted()
}

// ParseAPIURL checks an API URL. The token must never travel in clear, so
// http:// is accepted only for loopback hosts (local fakes in tests).
func ParseAPIURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("invalid API URL %q: %s", redact.URLPasswords(raw), redact.URLPasswords(err.Error()))
	}
	raw = u.Redacted() // error messages never show a password
	if u.Host == "" {
		return nil, fmt.Errorf("invalid API URL %q: want an absolute URL such as %s", raw, DefaultAPIURL)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("invalid API URL %q: it must not carry credentials, a query or a fragment", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return nil, fmt.Errorf("refusing API URL %q: http:// would send the token in clear; use https:// (http:// is allowed only for loopback test servers)", raw)
		}
	default:
		return nil, fmt.Errorf("invalid API URL %q: scheme must be https", raw)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// apiHostOnly authorises requests to the API host, and only those.
// GitHub answers some requests (logs, archives, release assets) with a
// redirect to pre-signed storage URLs on other hosts; the http.Client
// follows it, and oauth2.Transport would add the token to that request
// too. A URL taken from a GitHub answer never carries the token to another
// host or over another scheme either.
type apiHostOnly struct {
	scheme, host string
	auth, plain  http.RoundTripper
}

func (t apiHostOnly) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.EqualFold(req.URL.Host, t.host) && req.URL.Scheme == t.scheme {
		return t.auth.RoundTrip(req)
	}
	if req.Header.Get("Authorization") != "" {
		req = req.Clone(req.Context())
		req.Header.Del("Authorization")
	}
	return t.plain.RoundTrip(req)
}

// ErrUnsafePath is returned for a request whose URL path has '.' or '..'
// segments, plain or percent-encoded: a server that normalises them would
// serve another resource than the one the tool named (another repository,
// another endpoint).
var ErrUnsafePath = errors.New("refusing a request whose URL path contains '.' or '..' segments")

// pathGuard refuses requests with dot segments in their path, whatever
// tool built them: the last line behind argument validation and escaping.
type pathGuard struct{ next http.RoundTripper }

func (t pathGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	for _, seg := range strings.Split(req.URL.EscapedPath(), "/") {
		if DotSegment(seg) {
			if req.Body != nil {
				req.Body.Close()
			}
			return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.EscapedPath(), ErrUnsafePath)
		}
	}
	return t.next.RoundTrip(req)
}

// DotSegment reports whether a URL path segment is, or becomes once a
// server decodes it (up to three times, '\' taken as '/'), "." or "..".
func DotSegment(seg string) bool {
	for range 4 {
		for _, part := range strings.FieldsFunc(seg, func(r rune) bool { return r == '/' || r == '\\' }) {
			if part == "." || part == ".." {
				return true
			}
		}
		if seg == "." || seg == ".." {
			return true
		}
		dec, err := url.PathUnescape(seg)
		if err != nil || dec == seg {
			return false
		}
		seg = dec
	}
	return true // still changing after three decodings: refuse
}

// tokenRequired fails every request with ErrNoToken.
type tokenRequired struct{}

func (tokenRequired) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	return nil, ErrNoToken
}

// ErrReadOnly is returned for a write attempted in read-only mode.
var ErrReadOnly = errors.New("ghmcp runs in read-only mode (--read-only), so it does not send writes to GitHub")

// readOnlyGuard refuses writes.
type readOnlyGuard struct{ next http.RoundTripper }

func (t readOnlyGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if ratelimit.IsWriteRequest(req) {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, ErrReadOnly)
	}
	return t.next.RoundTrip(req)
}

// hideRateMemory marks responses so that go-github does not record rate
// limits itself. go-github refuses requests client-side once it saw a
// spent budget, which would pre-empt the limiter's decision to wait for a
// near reset; the limiter is the one authority. go-github skips its record
// for responses carrying X-From-Cache.
type hideRateMemory struct{ next http.RoundTripper }

func (t hideRateMemory) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if resp != nil {
		resp.Header.Set("X-From-Cache", "1")
	}
	return resp, err
}
