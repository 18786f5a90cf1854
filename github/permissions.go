package github

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// Need is what the enabled tools need from the token.
type Need struct {
	// Scopes are the classic OAuth scopes they need, e.g. "repo".
	Scopes []string
	// FineGrained are the fine-grained permissions they need, e.g.
	// "issues:write", for messages.
	FineGrained []string
}

// Permissions records, from GitHub's response headers, what the token may
// do, compares it with what the enabled tools need, and logs one warning
// when the token is much broader than needed or lacks what is needed:
//
//   - X-OAuth-Scopes (classic tokens and OAuth apps): the granted scopes,
//     on every response; recorded once, from the first.
//   - X-Accepted-GitHub-Permissions (fine-grained tokens, apps) and
//     X-Accepted-OAuth-Scopes (classic): what an endpoint accepts; recorded
//     when GitHub refuses a request (403), as a permission the token lacks.
//
// Fine-grained tokens do not reveal their permissions; for them the record
// is what GitHub refused. Report gives the finding to a tool (get_me). A
// nil *Permissions records nothing and reports nothing.
type Permissions struct {
	kind   string
	need   Need
	logger *slog.Logger
	app    *AppAuth // set by UseApp

	mu         sync.Mutex
	scopesSeen bool
	scopes     []string
	refused    []string // "issues=write (POST /repos/o/r/issues)", at most maxRefused
	warned     map[string]bool
}

// maxRefused bounds the refusals kept.
const maxRefused = 20

// NewPermissions returns a recorder for the given token (only its kind,
// from its prefix, is kept) and what the enabled tools need. logger gets
// the warnings; nil discards them.
func NewPermissions(token string, need Need, logger *slog.Logger) *Permissions {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Permissions{kind: TokenKind(token), need: need, logger: logger, warned: map[string]bool{}}
}

// TokenKind names a token's kind from its prefix: "classic" (ghp_),
// "fine-grained" (github_pat_), "oauth" (gho_), "app-user" (ghu_),
// "app-installation" (ghs_), "none" or "unknown".
func TokenKind(token string) string {
	switch {
	case token == "":
		return "none"
	case strings.HasPrefix(token, "github_pat_"):
		return "fine-grained"
	case strings.HasPrefix(token, "ghp_"):
		return "classic"
	case strings.HasPrefix(token, "gho_"):
		return "oauth"
	case strings.HasPrefix(token, "ghu_"):
		return "app-user"
	case strings.HasPrefix(token, "ghs_"):
		return "app-installation"
	}
	return "unknown"
}

// Report is what the record says, shaped for a tool result.
type Report struct {
	// Kind is the token's kind (see TokenKind).
	Kind string `json:"kind"`
	// Scopes are a classic token's scopes, when GitHub has told them.
	Scopes []string `json:"scopes,omitempty"`
	// Unneeded are granted scopes the enabled tools do not need.
	Unneeded []string `json:"unneeded_scopes,omitempty"`
	// Missing are scopes or permissions the tools need and the token
	// lacks, including those GitHub named when it refused a request.
	Missing []string `json:"missing,omitempty"`
	// Warning says what to do about it, in one sentence; empty when the
	// token fits.
	Warning string `json:"warning,omitempty"`
	// Installation is the GitHub App installation ghmcp acts as, with its
	// token's permissions; absent for a token.
	Installation *Installation `json:"installation,omitempty"`
}

// UseApp says the identity is the App's installation: the kind becomes
// "app-installation" and Report includes what GitHub said of it.
func (p *Permissions) UseApp(a *AppAuth) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.kind, p.app = TokenKind("ghs_"), a
}

// Installation returns the App installation the identity acts as, its
// token bought first if needed; nil and no error for a token.
func (p *Permissions) Installation(ctx context.Context) (*Installation, error) {
	if p == nil {
		return nil, nil
	}
	p.mu.Lock()
	a := p.app
	p.mu.Unlock()
	if a == nil {
		return nil, nil
	}
	return a.Installation(ctx)
}

// Report returns the finding so far. Call it after a request (get_me calls
// it after GET /user), so the scopes are known.
func (p *Permissions) Report() *Report {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.reportLocked()
}

func (p *Permissions) reportLocked() *Report {
	r := &Report{Kind: p.kind}
	if p.app != nil {
		r.Installation = p.app.current()
	}
	if p.scopesSeen {
		r.Scopes = slices.Clone(p.scopes)
		r.Unneeded = unneededScopes(p.scopes, p.need.Scopes)
		r.Missing = missingScopes(p.scopes, p.need.Scopes)
	}
	r.Missing = append(r.Missing, p.refused...)
	var parts []string
	if len(r.Unneeded) > 0 {
		parts = append(parts, fmt.Sprintf("the token has scopes the enabled tools do not need (%s); a fine-grained token with only %s is safer", strings.Join(r.Unneeded, ", "), p.needText()))
	}
	if len(r.Missing) > 0 {
		parts = append(parts, fmt.Sprintf("the token lacks %s, so some calls will fail; grant it or disable those tools", strings.Join(r.Missing, ", ")))
	}
	r.Warning = strings.Join(parts, "; ")
	return r
}

func (p *Permissions) needText() string {
	if len(p.need.FineGrained) == 0 {
		return "no permissions (public data only)"
	}
	return strings.Join(p.need.FineGrained, ", ")
}

// scopeImplies lists what a classic scope includes.
var scopeImplies = map[string][]string{
	"repo":                  {"repo:status", "repo_deployment", "public_repo", "repo:invite", "security_events"},
	"admin:org":             {"write:org", "read:org", "manage_runners:org"},
	"write:org":             {"read:org"},
	"admin:public_key":      {"write:public_key", "read:public_key"},
	"write:public_key":      {"read:public_key"},
	"admin:repo_hook":       {"write:repo_hook", "read:repo_hook"},
	"write:repo_hook":       {"read:repo_hook"},
	"user":                  {"read:user", "user:email", "user:follow"},
	"write:packages":        {"read:packages"},
	"admin:gpg_key":         {"write:gpg_key", "read:gpg_key"},
	"write:gpg_key":         {"read:gpg_key"},
	"admin:ssh_signing_key": {"write:ssh_signing_key", "read:ssh_signing_key"},
	"write:ssh_signing_key": {"read:ssh_signing_key"},
	"project":               {"read:project"},
	"write:discussion":      {"read:discussion"},
	"admin:enterprise":      {"manage_runners:enterprise", "manage_billing:enterprise", "read:enterprise"},
	"codespace":             {"codespace:secrets"},
}

// covers reports whether the granted scopes include scope.
func covers(granted []string, scope string) bool {
	for _, g := range granted {
		if g == scope || slices.Contains(scopeImplies[g], scope) {
			return true
		}
	}
	return false
}

// unneededScopes are the granted scopes that give more than the needed
// ones: anything but reading that no needed scope includes.
func unneededScopes(granted, need []string) []string {
	var out []string
	for _, g := range granted {
		if strings.HasPrefix(g, "read:") || g == "user:email" || covers(need, g) {
			continue
		}
		out = append(out, g)
	}
	return out
}

// missingScopes are the needed scopes not granted. public_repo stands in
// for repo on public repositories.
func missingScopes(granted, need []string) []string {
	var out []string
	for _, n := range need {
		switch {
		case covers(granted, n):
		case n == "repo" && covers(granted, "public_repo"):
			out = append(out, "repo (public_repo reaches public repositories only)")
		default:
			out = append(out, n)
		}
	}
	return out
}

// transport records the headers of every response passing through.
func (p *Permissions) transport(next http.RoundTripper) http.RoundTripper {
	return roundTripFunc(func(req *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(req)
		if resp != nil {
			p.observe(req, resp)
		}
		return resp, err
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

// observe records what one response says.
func (p *Permissions) observe(req *http.Request, resp *http.Response) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if vals, ok := resp.Header[http.CanonicalHeaderKey("X-OAuth-Scopes")]; ok && !p.scopesSeen {
		p.scopesSeen = true
		p.scopes = splitList(strings.Join(vals, ","), ",")
		p.warnLocked("scopes")
	}
	if resp.StatusCode != http.StatusForbidden {
		return
	}
	accepted := resp.Header.Get("X-Accepted-GitHub-Permissions")
	if accepted == "" {
		accepted = resp.Header.Get("X-Accepted-OAuth-Scopes")
	}
	// Sets of permissions separated by ';' are alternatives.
	if accepted = strings.Join(splitList(accepted, ";"), " or "); accepted == "" {
		return
	}
	entry := fmt.Sprintf("%s (for %s %s)", accepted, req.Method, req.URL.Path)
	if slices.Contains(p.refused, entry) || len(p.refused) >= maxRefused {
		return
	}
	p.refused = append(p.refused, entry)
	p.logger.Warn("GitHub refused a request for lack of permission", "request", req.Method+" "+req.URL.Path, "accepted", accepted)
}

// warnLocked logs the report's warning once per occasion.
func (p *Permissions) warnLocked(occasion string) {
	if p.warned[occasion] {
		return
	}
	p.warned[occasion] = true
	if r := p.reportLocked(); r.Warning != "" {
		p.logger.Warn("token permissions: "+r.Warning, "kind", r.Kind, "scopes", strings.Join(r.Scopes, ","))
	}
}

// splitList splits a header list and trims its items.
func splitList(s, sep string) []string {
	var out []string
	for _, v := range strings.Split(s, sep) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
