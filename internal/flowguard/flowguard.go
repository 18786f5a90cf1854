// Package flowguard stops the "toxic agent flow": a prompt injection in a
// public issue makes an agent read a private repository and publish what
// it read in a public one (reported against github/github-mcp-server,
// issue 844). No content filter can tell a legitimate write from an
// exfiltrating one, but the flow itself is visible: private content in,
// public write out, in one session.
//
// A Guard remembers, per MCP session, whether the server has returned
// content from a private repository. It learns that two ways:
//
//   - Transport sees every GitHub answer and marks the session when one
//     says "private": true or "visibility": "private"/"internal" (search
//     hits, repository listings, pull requests: answers that carry their
//     repository); it also learns the visibility of a repository from the
//     answer to GET /repos/{owner}/{repo}.
//   - Read is called by the tool framework after a tool that names a
//     repository returned content from it; a repository whose visibility is
//     unknown is looked up once (GET /repos/{owner}/{repo}), then cached.
//
// After that, CheckWrite (called by the framework before every write tool
// that names a repository) lets a write to a private repository through,
// but a write to a public one (or one whose visibility cannot be learned)
// only when the user agrees, through MCP elicitation where the client
// declared it; otherwise the write is refused with an error that explains
// the risk and how to allow it (ask the user, or --flow-guard=off).
//
// State is per session (server.ClientSessionFromContext(ctx).SessionID()):
// one for stdio, one per client for HTTP; Forget drops a session's state.
// Repository visibility is shared: it is a property of the repository.
package flowguard

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"
)

// Lookup reports whether owner/repo is private (GET /repos/{owner}/{repo}).
type Lookup func(ctx context.Context, owner, repo string) (private bool, err error)

// Guard is the flow guard of one server. A nil *Guard guards nothing
// (--flow-guard=off).
type Guard struct {
	lookup Lookup

	mu      sync.Mutex
	private map[string]bool   // "owner/repo" (lower case) → private
	tainted map[string]string // session id → the private content that tainted it
}

// New returns a Guard that looks repositories up with lookup.
func New(lookup Lookup) *Guard {
	return &Guard{lookup: lookup, private: map[string]bool{}, tainted: map[string]string{}}
}

// maxRepos bounds the visibility cache; past it the cache starts over.
const maxRepos = 4096

// sessionOf names the session of ctx. Requests without a session of
// their own (none, or the stateless 2026-07-28 revision, whose ephemeral
// sessions have no id) share one: the guard is kept per GitHub identity
// (each has its own Guard), so a stateless read of a private repository
// holds back that identity's later public writes. Clients sharing an
// identity can read the same repositories, so nothing leaks between them;
// they may be asked about one another's writes.
func sessionOf(ctx context.Context) string {
	if s := server.ClientSessionFromContext(ctx); s != nil && s.SessionID() != "" {
		return s.SessionID()
	}
	return statelessSession
}

// statelessSession is the session of requests that have none.
const statelessSession = "(stateless)"

func key(owner, repo string) string { return strings.ToLower(owner + "/" + repo) }

// Learn records a repository's visibility.
func (g *Guard) Learn(owner, repo string, private bool) {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.private) >= maxRepos {
		clear(g.private)
	}
	g.private[key(owner, repo)] = private
}

// Taint marks the session of ctx as having received private content
// (what names it, for the message).
func (g *Guard) Taint(ctx context.Context, what string) {
	if g == nil {
		return
	}
	id := sessionOf(ctx)
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.tainted[id]; !ok {
		g.tainted[id] = what
	}
}

// Tainted reports whether the session of ctx received private content,
// and what.
func (g *Guard) Tainted(ctx context.Context) (string, bool) {
	if g == nil {
		return "", false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	what, ok := g.tainted[sessionOf(ctx)]
	return what, ok
}

// Forget drops the state of a session that ended.
func (g *Guard) Forget(sessionID string) {
	if g == nil {
		return
	}
	g.mu.Lock()
	delete(g.tainted, sessionID)
	g.mu.Unlock()
}

// visibility returns whether owner/repo is private, from the cache or
// one lookup.
func (g *Guard) visibility(ctx context.Context, owner, repo string) (bool, error) {
	g.mu.Lock()
	p, ok := g.private[key(owner, repo)]
	g.mu.Unlock()
	if ok {
		return p, nil
	}
	if g.lookup == nil {
		return false, errors.New("no way to look the repository up")
	}
	p, err := g.lookup(ctx, owner, repo)
	if err != nil {
		return false, err
	}
	g.Learn(owner, repo, p)
	return p, nil
}

// Private reports whether owner/repo is private, from the guard's cache or
// one look-up (--lockdown shares it).
func (g *Guard) Private(ctx context.Context, owner, repo string) (bool, error) {
	return g.visibility(ctx, owner, repo)
}

// Read records that a tool returned content from owner/repo: the session
// is tainted if the repository is private. A repository that cannot be
// looked up taints nothing (the read failed too, most likely).
func (g *Guard) Read(ctx context.Context, owner, repo string) {
	if g == nil || owner == "" || repo == "" {
		return
	}
	if _, ok := g.Tainted(ctx); ok {
		return
	}
	if p, err := g.visibility(ctx, owner, repo); err == nil && p {
		g.Taint(ctx, owner+"/"+repo)
	}
}

// BlockedError is a write the guard did not send.
type BlockedError struct {
	Tool, Target, From string
	Declined           bool // the user said no (elicitation)
}

func (e *BlockedError) Error() string {
	if e.Declined {
		return fmt.Sprintf("%s on %s was not sent: the user declined it. This session returned content from the private repository %s, and %s is not known to be private; do not retry this write unless the user asks for it", e.Tool, e.Target, e.From, e.Target)
	}
	return fmt.Sprintf("%s on %s was not sent: this session returned content from the private repository %s, and %s is not known to be private. "+
		"A prompt injection in public content can make an agent publish private data this way (the \"toxic agent flow\"). "+
		"Ask the user to confirm that this write publishes nothing private; ghmcp asks them itself where the host supports elicitation. "+
		"To allow such writes, the operator can start ghmcp with --flow-guard=off (GHMCP_FLOW_GUARD=off)", e.Tool, e.Target, e.From, e.Target)
}

// CheckWrite decides whether tool may write to owner/repo in the session
// of ctx: yes when the session has seen nothing private or the target is
// private; otherwise only when the user agrees through elicitation.
func (g *Guard) CheckWrite(ctx context.Context, tool, owner, repo string) error {
	if g == nil {
		return nil
	}
	// A session that has seen nothing private writes freely: no lookup,
	// so the guard costs an untainted session no GitHub budget.
	from, tainted := g.Tainted(ctx)
	if !tainted {
		return nil
	}
	target := owner
	if owner == "" {
		target = "a target it does not name (a new repository, a notification)"
	}
	if owner != "" && repo != "" {
		target = owner + "/" + repo
		if p, err := g.visibility(ctx, owner, repo); err == nil && p {
			return nil
		}
	}
	blocked := &BlockedError{Tool: tool, Target: target, From: from}
	srv := server.ServerFromContext(ctx)
	if srv == nil || !canElicit(ctx) {
		return blocked
	}
	res, err := srv.RequestElicitation(ctx, mcp.ElicitationRequest{Params: mcp.ElicitationParams{
		Message: fmt.Sprintf("The assistant wants to call %s on %s, which is not a private repository. Earlier in this session it read the private repository %s. "+
			"If it was instructed by text in a public issue or comment, this write could publish private data. Allow this write?", tool, target, from),
		RequestedSchema: map[string]any{"type": "object", "properties": map[string]any{}},
	}})
	if err != nil {
		return fmt.Errorf("%w (asking the user failed: %v)", blocked, err)
	}
	if res.Action == mcp.ElicitationResponseActionAccept {
		return nil
	}
	blocked.Declined = true
	return blocked
}

// canElicit reports whether the client of ctx declared elicitation.
func canElicit(ctx context.Context) bool {
	s, ok := server.ClientSessionFromContext(ctx).(server.SessionWithClientInfo)
	return ok && s.GetClientCapabilities().Elicitation != nil
}

// Transport returns next with the guard watching GitHub's answers (see
// the package documentation). Install it above any cache, so that a
// cached answer is seen too.
func (g *Guard) Transport(next http.RoundTripper) http.RoundTripper {
	if g == nil {
		return next
	}
	return roundTripper{g: g, next: next}
}

type roundTripper struct {
	g    *Guard
	next http.RoundTripper
}

// repoPath is GET /repos/{owner}/{repo}, relative to any API root.
var repoPath = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`/repos/([^/]+)/([^/]+)/?$`) })

func (rt roundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := rt.next.RoundTrip(req)
	if err != nil || resp.StatusCode < 200 || resp.StatusCode > 299 || resp.Body == nil {
		return resp, err
	}
	s := &sniffer{body: resp.Body, g: rt.g, ctx: req.Context()}
	if m := repoPath().FindStringSubmatch(req.URL.Path); m != nil && req.Method == http.MethodGet {
		s.owner, s.repo = m[1], m[2]
	}
	// Only JSON says "private"; and a session already tainted has nothing
	// more to learn from an answer but a repository's visibility. Logs,
	// diffs and file bodies (the large answers) pass untouched.
	_, tainted := rt.g.Tainted(req.Context())
	if !strings.Contains(resp.Header.Get("Content-Type"), "json") || (tainted && s.owner == "") {
		return resp, nil
	}
	resp.Body = s
	return resp, nil
}

// sniffer watches an answer as it is read for the marks of a private
// repository, keeping only a short tail across reads.
type sniffer struct {
	body        io.ReadCloser
	g           *Guard
	ctx         context.Context
	owner, repo string
	tail        []byte
	found       bool
	whole       []byte // the answer to GET /repos/{o}/{r}, at most 64 KB
}

var privateMarks = [][]byte{[]byte(`"private":true`), []byte(`"visibility":"private"`), []byte(`"visibility":"internal"`)}

func (s *sniffer) Read(p []byte) (int, error) {
	n, err := s.body.Read(p)
	if n > 0 && !s.found {
		buf := append(s.tail, p[:n]...)
		compact := bytes.ReplaceAll(buf, []byte(" "), nil) // once per chunk, not per mark
		for _, m := range privateMarks {
			if bytes.Contains(compact, m) {
				s.found = true
				what := "read through the GitHub API"
				if s.owner != "" {
					what = s.owner + "/" + s.repo
				}
				s.g.Taint(s.ctx, what)
				break
			}
		}
		if len(buf) > 32 {
			buf = buf[len(buf)-32:]
		}
		s.tail = append(s.tail[:0], buf...)
	}
	if s.owner != "" && n > 0 && len(s.whole) < 64<<10 {
		s.whole = append(s.whole, p[:n]...)
	}
	if errors.Is(err, io.EOF) && s.owner != "" {
		s.learn()
	}
	return n, err
}

// learn records the visibility GET /repos/{owner}/{repo} answered.
func (s *sniffer) learn() {
	compact := bytes.ReplaceAll(s.whole, []byte(" "), nil)
	switch {
	case bytes.Contains(compact, []byte(`"private":true`)), bytes.Contains(compact, []byte(`"visibility":"private"`)), bytes.Contains(compact, []byte(`"visibility":"internal"`)):
		s.g.Learn(s.owner, s.repo, true)
	case bytes.Contains(compact, []byte(`"private":false`)), bytes.Contains(compact, []byte(`"visibility":"public"`)):
		s.g.Learn(s.owner, s.repo, false)
	}
	s.owner = ""
}

// Close learns from what was read even when the reader stopped at the
// end of the JSON value without reading to EOF (a JSON decoder does).
func (s *sniffer) Close() error {
	if s.owner != "" && len(s.whole) > 0 {
		s.learn()
	}
	return s.body.Close()
}

// SetLookup gives the guard its lookup, for a guard made before the
// client it looks through (the guard's Transport is part of that client).
func (g *Guard) SetLookup(l Lookup) {
	if g != nil {
		g.lookup = l
	}
}
