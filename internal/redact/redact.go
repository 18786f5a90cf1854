// Package redact removes secrets from text before it leaves the process:
// log records, error messages and tool results all pass through one
// Redactor.
//
// # Text that is cut
//
// A secret can be read in pieces: a file holding the token, read with an
// offset inside it, a page of a long text, a log tail or an excerpt each
// hold part of the token, which String (whole occurrences only) does not
// see. Two rules close that:
//
//  1. Redact before cutting. Text masks every whole secret, and the edge
//     fragments of rule 2, in raw text from GitHub; the framework calls it
//     before capping, paging, excerpting or offsetting, so a cut of its
//     result can only hold "[REDACTED]" or a piece of it, never a piece of
//     the token. Offsets and lengths then count in the redacted text.
//  2. Text that someone else cut (GitHub serving a range, a log window
//     whose start fell inside a token) can still begin or end inside a
//     token. Edges masks, at the edges of a string:
//     - a suffix of the text that is a prefix of a secret longer than its
//     public prefix ("ghp_", "github_pat_", ...) and at least MinFragment
//     bytes long: nothing of the secret beyond its public prefix shows;
//     - a prefix of the text that is a suffix of a secret, at least
//     MinFragment bytes long: at most MinFragment-1 bytes of the
//     secret's random tail show (3 of the 36 random characters of a
//     classic token), the price of not masking ordinary text that happens
//     to start like a token ends;
//     - the whole text when it is a piece of a secret at least
//     MinFragment bytes long (cut on both sides).
//
// So a piece cut by someone else shows at most MinFragment-1 bytes of a
// secret beyond its public prefix, and none right after that prefix.
//
// # Short tokens
//
// Redaction works on every byte sent to the client, JSON-RPC included: a
// secret of one or two characters would mask pieces of protocol text (a
// token "x" turns "text/markdown" into "te[REDACTED]t/markdown"). Such a
// token is refused at start-up instead: CheckToken.
package redact

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
)

// maxSecrets bounds the secrets a Redactor masks: the first given and the
// latest added.
const maxSecrets = 8

// Mask replaces a secret.
const Mask = "[REDACTED]"

// Redactor replaces known secrets in text. The zero value redacts nothing.
// Secrets can be added while it is in use (Add): a GitHub App's
// installation tokens are minted while the server runs.
type Redactor struct {
	mu    sync.Mutex // serialises Add
	state atomic.Pointer[redactorState]
}

// redactorState is one immutable set of secrets; Add replaces it whole, so
// readers never lock.
type redactorState struct {
	given   []string
	r       *strings.Replacer
	secrets []secretForm // every form of every secret, for Edges
}

// secretForm is one form of a secret (as given, or as JSON encodes it) and the
// length of its public prefix.
type secretForm struct {
	text   string
	public int
}

// New returns a Redactor for the given secrets; empty ones are ignored.
func New(secrets ...string) *Redactor {
	r := &Redactor{}
	r.Add(secrets...)
	return r
}

// Add makes r mask more secrets too; empty ones and ones already known are
// ignored. It is safe while other goroutines redact with r.
func (r *Redactor) Add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var given []string
	if old := r.state.Load(); old != nil {
		given = old.given
	}
	n := len(given)
	for _, s := range secrets {
		if s != "" && !slices.Contains(given, s) {
			given = append(given[:len(given):len(given)], s)
		}
	}
	if len(given) == n {
		return
	}
	// Secrets learned while running (an App's hourly tokens) are kept only
	// while they can still appear: the first (the configured token) and
	// the last few, so that the set does not grow for as long as ghmcp runs.
	if len(given) > maxSecrets {
		given = append(given[:1:1], given[len(given)-(maxSecrets-1):]...)
	}
	var pairs []string
	var forms []secretForm
	for _, s := range given {
		pairs = append(pairs, s, Mask)
		forms = append(forms, secretForm{text: s, public: len(PublicPrefix(s))})
		// The secret as it appears inside JSON text, if encoding changes
		// it (stdout is JSON-RPC).
		if b, err := json.Marshal(s); err == nil {
			if enc := string(b[1 : len(b)-1]); enc != s {
				pairs = append(pairs, enc, Mask)
				forms = append(forms, secretForm{text: enc, public: len(PublicPrefix(s))})
			}
		}
	}
	r.state.Store(&redactorState{given: given, r: strings.NewReplacer(pairs...), secrets: forms})
}

// load is r's current secrets; nil when there are none.
func (r *Redactor) load() *redactorState {
	if r == nil {
		return nil
	}
	return r.state.Load()
}

// String returns s with every secret masked.
func (r *Redactor) String(s string) string {
	st := r.load()
	if st == nil {
		return s
	}
	return st.r.Replace(s)
}

// Text returns raw text from GitHub with every whole secret masked, and
// the token fragments at its edges too (see Edges): call it before the
// text is capped, paged, excerpted or read from an offset, so that no cut
// can fall inside a secret. A cut of Text's result needs no further
// redaction.
func (r *Redactor) Text(s string) string {
	return r.Edges(r.String(s))
}

// MinFragment is the shortest piece of a secret that Edges masks at the
// edges of a text (see the package documentation).
const MinFragment = 4

// Edges masks the pieces of a secret that text cut by someone else can hold
// at its edges: a prefix of a secret at the end (longer than its public
// prefix), a suffix of a secret at the start, or the whole text when it
// lies inside a secret; pieces shorter than MinFragment are left. Whole
// secrets inside the text are String's job; Text does both.
func (r *Redactor) Edges(s string) string {
	st := r.load()
	if st == nil {
		return s
	}
	for _, sec := range st.secrets {
		s = sec.edges(s)
	}
	return s
}

func (sec secretForm) edges(s string) string {
	t := sec.text
	// The whole text is a piece of the secret (cut on both sides) that
	// reaches beyond the public prefix.
	if len(s) >= MinFragment && len(s) < len(t) {
		for i := 1; i+len(s) < len(t); i++ {
			if i+len(s) > sec.public && t[i:i+len(s)] == s {
				return Mask
			}
		}
	}
	// The end of the text is the start of the secret.
	minEnd := max(sec.public+1, MinFragment)
	for n := min(len(t)-1, len(s)); n >= minEnd; n-- {
		if strings.HasSuffix(s, t[:n]) {
			s = s[:len(s)-n] + Mask
			break
		}
	}
	// The start of the text is the end of the secret.
	for n := min(len(t)-1, len(s)); n >= MinFragment; n-- {
		if strings.HasPrefix(s, t[len(t)-n:]) {
			s = Mask + s[n:]
			break
		}
	}
	return s
}

// Error returns err's message for a person to read at start-up (stderr):
// secrets masked as by String, and the password of every URL in it (an API
// or Redis URL carrying credentials) masked too. Nil gives "".
func (r *Redactor) Error(err error) string {
	if err == nil {
		return ""
	}
	return r.String(URLPasswords(err.Error()))
}

// urlUserinfo matches the userinfo of a URL: "scheme://user:password@".
// The password runs to the last '@' of the word, not the first '/' or
// '@': a password holding a raw '/' or '@' makes an invalid URL, and the
// error that quotes it must not show the rest of it (a path that holds an
// '@' is masked too, which costs nothing).
var urlUserinfo = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://[^/\s:@"']*:)[^\s"']*@`)
})

// URLPasswords masks the password of every URL in s
// ("https://user:pw@host" becomes "https://user:[REDACTED]@host").
func URLPasswords(s string) string {
	return urlUserinfo().ReplaceAllString(s, "${1}"+Mask+"@")
}

// publicPrefixes are the prefixes GitHub puts before the random part of
// its tokens, and the shortest length of each token kind: they identify
// the token kind and reveal nothing.
// https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/
var publicPrefixes = []struct {
	prefix string
	length int
}{
	{"github_pat_", 93}, // fine-grained personal access token
	{"ghp_", 40},        // classic personal access token
	{"gho_", 40},        // OAuth access token
	{"ghu_", 40},        // GitHub App user-to-server token
	{"ghs_", 40},        // GitHub App installation (server-to-server) token
	{"ghr_", 40},        // refresh token
}

// PublicPrefix returns the public prefix of a GitHub token ("ghp_",
// "github_pat_", ...), or "" for a token of no known format.
func PublicPrefix(tok string) string {
	for _, p := range publicPrefixes {
		if strings.HasPrefix(tok, p.prefix) {
			return p.prefix
		}
	}
	return ""
}

// MinTokenLen is the shortest token CheckToken accepts.
const MinTokenLen = 8

// maxTokenLen is the longest token CheckToken accepts; GitHub documents
// 255 as the most its tokens will grow to.
const maxTokenLen = 255

// ErrBadToken is wrapped by every CheckToken error.
var ErrBadToken = errors.New("unusable GitHub token")

// CheckToken refuses a token that cannot be a GitHub token, so that the
// server stops at start-up (exit 2) instead of failing every call or
// redacting pieces of protocol text:
//
//   - shorter than MinTokenLen bytes (a placeholder such as "x");
//   - longer than 255 bytes, or holding white space, control or non-ASCII
//     characters (a pasted line, a file with two lines);
//   - of a known format ("ghp_", "github_pat_", ...) but shorter than that
//     format, or with characters that format never has (a truncated or
//     mangled paste). Longer is accepted: GitHub may lengthen tokens.
//
// The empty token is accepted: the server then starts without one and
// every call says how to set it. The error never contains the token.
func CheckToken(tok string) error {
	if tok == "" {
		return nil
	}
	for _, r := range tok {
		if r > unicode.MaxASCII || unicode.IsSpace(r) || unicode.IsControl(r) {
			return fmt.Errorf("%w: it contains white space, control or non-ASCII characters; set only the token itself", ErrBadToken)
		}
	}
	if len(tok) < MinTokenLen {
		return fmt.Errorf("%w: it is %d characters long; GitHub tokens have at least 40 (a placeholder such as \"x\" is not accepted)", ErrBadToken, len(tok))
	}
	if len(tok) > maxTokenLen {
		return fmt.Errorf("%w: it is %d characters long; GitHub tokens have at most %d", ErrBadToken, len(tok), maxTokenLen)
	}
	for _, p := range publicPrefixes {
		if !strings.HasPrefix(tok, p.prefix) {
			continue
		}
		if len(tok) < p.length {
			return fmt.Errorf("%w: a %s... token has at least %d characters, this one %d; it was probably cut when copied", ErrBadToken, p.prefix, p.length, len(tok))
		}
		for _, r := range tok[len(p.prefix):] {
			if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return fmt.Errorf("%w: a %s... token holds only letters, digits and '_', this one holds %q", ErrBadToken, p.prefix, r)
			}
		}
		break
	}
	return nil
}

// Handler wraps h so that every message and attribute value is redacted.
func (r *Redactor) Handler(h slog.Handler) slog.Handler {
	return &handler{next: h, r: r}
}

type handler struct {
	next slog.Handler
	r    *Redactor
}

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool { return h.next.Enabled(ctx, l) }

func (h *handler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.String(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *handler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindGroup:
		attrs := v.Group()
		out := make([]any, len(attrs))
		for i, g := range attrs {
			out[i] = h.attr(g)
		}
		return slog.Group(a.Key, out...)
	case slog.KindString:
		return slog.String(a.Key, h.r.String(v.String()))
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, h.r.String(err.Error()))
		}
		return slog.String(a.Key, h.r.String(v.String()))
	}
	return slog.Attr{Key: a.Key, Value: v}
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	red := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		red[i] = h.attr(a)
	}
	return &handler{next: h.next.WithAttrs(red), r: h.r}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{next: h.next.WithGroup(name), r: h.r}
}
