// Package allowlist is the --repos allow-list: the repositories a ghmcp
// server may read or change. Patterns are "owner/*" (every repository of an
// owner) and "owner/name"; GitHub's names are case-insensitive, and so is
// the list.
//
// The contract with the tools:
//
//   - every tool (toolkit.New) refuses, before any request, every call whose
//     arguments name a repository (an owner field and a repo field, as in
//     RepoArgs) outside the list, or only an owner that no pattern names.
//     Tools with ordinary owner/repo arguments need to do nothing.
//   - Search tools cannot be checked by their arguments: they pass the
//     model's query through ScopeQuery, which adds repo:/user: qualifiers
//     (or refuses qualifiers outside the list, and what it cannot prove
//     inside it), and then pass the page through ScopeSearch, which drops
//     every result outside the list (judged with AllowedFullName, or
//     AllowedRepoURL for issue search results, which name their repository
//     by repository_url) and keeps total_count, incomplete_results and the
//     next page from telling anything about other repositories.
//   - Tools that list repositories of an owner, or return repositories
//     named by GitHub rather than by the model (forks, a user's repos),
//     drop results outside the list the same way.
//
// A nil *List allows everything; every method is safe on nil.
package allowlist

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// List is a parsed allow-list.
type List struct {
	owners map[string]bool // lower-case owners allowed with "owner/*"
	repos  map[string]bool // lower-case "owner/name"
	text   []string        // the patterns as given, for messages
}

// The name rules, compiled at first use (only --repos needs them).
var (
	ownerRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$`) })
	repoRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`) })
)

// Parse reads a list of patterns separated by commas or spaces. An empty
// list returns nil: every repository is allowed.
func Parse(s string) (*List, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
	if len(fields) == 0 {
		return nil, nil
	}
	l := &List{owners: map[string]bool{}, repos: map[string]bool{}}
	for _, f := range fields {
		owner, name, ok := strings.Cut(f, "/")
		if !ok || !ownerRE().MatchString(owner) {
			return nil, fmt.Errorf("invalid --repos pattern %q: want owner/name or owner/*", f)
		}
		switch {
		case name == "*":
			l.owners[strings.ToLower(owner)] = true
		case repoRE().MatchString(name) && name != "." && name != "..":
			l.repos[strings.ToLower(owner+"/"+name)] = true
		default:
			return nil, fmt.Errorf("invalid --repos pattern %q: want owner/name or owner/*", f)
		}
		if !slices.Contains(l.text, f) {
			l.text = append(l.text, f)
		}
	}
	return l, nil
}

// Restricted reports whether the list limits anything.
func (l *List) Restricted() bool { return l != nil }

// Allowed reports whether owner/repo is in the list.
func (l *List) Allowed(owner, repo string) bool {
	if l == nil {
		return true
	}
	owner = strings.ToLower(owner)
	return l.owners[owner] || l.repos[owner+"/"+strings.ToLower(repo)]
}

// AllowedFullName reports whether "owner/name" is in the list; anything
// that is not of that form is not.
func (l *List) AllowedFullName(full string) bool {
	if l == nil {
		return true
	}
	owner, name, ok := strings.Cut(full, "/")
	return ok && !strings.Contains(name, "/") && l.Allowed(owner, name)
}

// AllowedRepoURL reports whether a GitHub URL of a repository, or of
// something in one, is in the list: an API URL (".../repos/OWNER/NAME/...",
// as in an issue's repository_url) or a web URL
// ("https://github.com/OWNER/NAME/pull/1"). A URL naming no repository is
// not.
func (l *List) AllowedRepoURL(raw string) bool {
	if l == nil {
		return true
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return false
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	api := strings.HasPrefix(u.Host, "api.") || (len(parts) > 1 && parts[0] == "api" && parts[1] == "v3")
	if api {
		for i := 0; i+2 < len(parts); i++ {
			if parts[i] == "repos" {
				return l.Allowed(parts[i+1], parts[i+2])
			}
		}
		return false
	}
	return len(parts) >= 2 && l.Allowed(parts[0], parts[1])
}

// AllowedOwner reports whether some pattern names owner: a tool that takes
// only an owner may run, and must drop results outside the list.
func (l *List) AllowedOwner(owner string) bool {
	if l == nil {
		return true
	}
	owner = strings.ToLower(owner)
	if l.owners[owner] {
		return true
	}
	for r := range l.repos {
		if strings.HasPrefix(r, owner+"/") {
			return true
		}
	}
	return false
}

// Error is a call refused because it names a repository outside the list.
type Error struct {
	What string // "octo/secret", or "owner octo"
	List string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s is outside the repositories this server may use (--repos %s); use one of those, or ask the user to add it to --repos", e.What, e.List)
}

// Check returns an *Error if owner/repo (or, with repo empty, owner) is
// outside the list.
func (l *List) Check(owner, repo string) error {
	switch {
	case repo == "" && !l.AllowedOwner(owner):
		return &Error{What: "owner " + owner, List: l.String()}
	case repo != "" && !l.Allowed(owner, repo):
		return &Error{What: owner + "/" + repo, List: l.String()}
	}
	return nil
}

// String is the list as given, comma-separated ("" when nil).
func (l *List) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(l.text, ",")
}

// maxQuery is GitHub's longest search query.
const maxQuery = 256

// ScopeQuery scopes a GitHub search query to the list. It reads the query
// more widely than GitHub could (see qualifiers) and refuses what it
// cannot prove inside the list:
//
//   - every repo:, user:, org: or owner: qualifier, in any case, negated
//     or not, quoted or not, whatever white space or punctuation is
//     before it, must name a repository (repo:) or a whole owner (the
//     others, owner/* patterns only) in the list;
//   - the OR operator is refused: GitHub may apply a qualifier to one
//     side only;
//   - an unclosed or escaped double quote is refused: the qualifiers
//     added after it would be read as quoted text;
//   - a qualifier inside a quoted phrase is refused: GitHub may read it
//     either way, and its value's end is unprovable.
//
// A query with a qualifier that GitHub surely reads as one (at the start
// or after white space, outside quotes, not negated) is returned
// unchanged; any other gets one repo: or user: qualifier per pattern. The
// caller must still drop results outside the list, with ScopeSearch, which
// also keeps the counts from telling anything about other repositories.
func (l *List) ScopeQuery(q string) (string, error) {
	if l == nil {
		return q, nil
	}
	if strings.Count(q, `"`)%2 != 0 || strings.Contains(q, `\"`) {
		return "", fmt.Errorf("search query %q has an unclosed or escaped double quote, so the qualifiers that keep it inside --repos %s could be read as text; close the quoted phrase", q, l.String())
	}
	scoped := false
	for _, qu := range qualifiers(q) {
		if qu.inQuotes {
			return "", fmt.Errorf("search query %q has the qualifier %s inside a quoted phrase, which GitHub may read as a qualifier or as text; write it outside the quotes", q, qu.text)
		}
		switch qu.key {
		case "repo":
			if !l.AllowedFullName(qu.value) {
				return "", &Error{What: "search qualifier " + qu.text, List: l.String()}
			}
		default:
			if !l.owners[strings.ToLower(qu.value)] {
				return "", &Error{What: "search qualifier " + qu.text + " (only owner/* patterns allow a whole owner)", List: l.String()}
			}
		}
		scoped = scoped || qu.sure
	}
	if hasOr(q) {
		return "", fmt.Errorf("search query %q uses OR, which cannot be proven to stay inside the repositories this server may use (--repos %s); run one search per alternative", q, l.String())
	}
	if scoped {
		return q, nil
	}
	var quals []string
	for o := range l.owners {
		quals = append(quals, "user:"+o)
	}
	for r := range l.repos {
		quals = append(quals, "repo:"+r)
	}
	slices.Sort(quals)
	out := strings.TrimSpace(q + " " + strings.Join(quals, " "))
	if len(out) > maxQuery {
		return "", fmt.Errorf("search query scoped to --repos %s would exceed GitHub's %d characters; add one repo:OWNER/NAME qualifier from that list to the query", l.String(), maxQuery)
	}
	return out, nil
}

// qualifier is a repo:, user:, org: or owner: qualifier found in a query.
type qualifier struct {
	key   string // "repo", "user", "org" or "owner"
	value string // without surrounding quotes
	text  string // as written, for messages
	sure  bool   // GitHub surely reads it as a positive qualifier
	// inQuotes: it starts inside a quoted phrase, where GitHub may read it
	// as text or as a qualifier; ScopeQuery refuses it.
	inQuotes bool
}

var qualifierKeys = []string{"repo", "user", "org", "owner"}

// qualifiers finds every place GitHub could read as a scoping qualifier:
// a key, in any case (Unicode case folding included), that no letter or
// digit precedes, then ':'. Quotes, negation and punctuation do not hide
// one. The value runs to the next separator (see separator); a value
// holding a quote is returned as written so that no list matches it.
func qualifiers(q string) []qualifier {
	rs := []rune(q)
	var out []qualifier
	quoted := false
	for i := 0; i < len(rs); i++ {
		if rs[i] == '"' {
			quoted = !quoted
			continue
		}
		if i > 0 && (unicode.IsLetter(rs[i-1]) || unicode.IsDigit(rs[i-1])) {
			continue
		}
		for _, k := range qualifierKeys {
			end := i + len(k)
			if end >= len(rs) || rs[end] != ':' || !foldsTo(rs[i:end], k) {
				continue
			}
			j := end + 1
			for j < len(rs) && !separator(rs[j]) {
				j++
			}
			if j < len(rs) && (rs[j] == '(' || (rs[j] == ')' && j+1 < len(rs) && !separator(rs[j+1]))) {
				// A parenthesis inside a word ("repo:a/b(c", "repo:a/b)c"):
				// GitHub may read it as part of the value. Take the value to
				// the next white space: no pattern matches it.
				for j < len(rs) && !unicode.IsSpace(rs[j]) {
					j++
				}
			}
			raw := string(rs[end+1 : j])
			value := raw
			if len(raw) >= 2 && raw[0] == '"' && raw[len(raw)-1] == '"' {
				value = raw[1 : len(raw)-1] // repo:"owner/name"
			}
			if strings.Contains(value, `"`) {
				// A quote anywhere else (a phrase closing right after the
				// value, "repo:x/y"(…) makes the value unprovable: no
				// pattern matches a quote.
				value = raw
			}
			out = append(out, qualifier{
				key: k, value: value, text: string(rs[i:j]),
				sure:     !quoted && (i == 0 || unicode.IsSpace(rs[i-1])),
				inQuotes: quoted,
			})
			break
		}
	}
	return out
}

// separator reports whether r ends a qualifier's value: Unicode white
// space (U+00A0, U+3000, \r, \f, \v included) and parentheses. Anything
// else (a zero-width space, a quote) stays in the value, which then names
// no repository in the list: a value is proven or refused, never cut short.
func separator(r rune) bool {
	return unicode.IsSpace(r) || r == '(' || r == ')'
}

// foldsTo reports whether rs spells the ASCII word k under Unicode case
// folding (so "REPO", "Repo" and "\u212Aey"-like spellings count).
func foldsTo(rs []rune, k string) bool {
	for i, r := range rs {
		if !foldEq(r, rune(k[i])) {
			return false
		}
	}
	return true
}

func foldEq(r, ascii rune) bool {
	for f := r; ; {
		if unicode.ToLower(f) == ascii {
			return true
		}
		if f = unicode.SimpleFold(f); f == r {
			return false
		}
	}
}

// hasOr reports whether a query holds the word OR (any case) as an
// operator could be: between separators, quotes, or invisible characters.
func hasOr(q string) bool {
	words := strings.FieldsFunc(q, func(r rune) bool {
		return separator(r) || r == '"' || unicode.In(r, unicode.Cc, unicode.Cf)
	})
	for _, w := range words {
		rs := []rune(w)
		if len(rs) == 2 && foldsTo(rs, "or") {
			return true
		}
	}
	return false
}

// SearchCounts is what a search answer says beyond its items.
type SearchCounts struct {
	TotalCount int  // GitHub's total_count
	Incomplete bool // GitHub's incomplete_results
	NextPage   int  // the next page from the Link header, 0 for none
}

// ScopeSearch keeps the items of a page of search results that lie inside
// the list (allowed says whether one does, e.g. with AllowedFullName or
// AllowedRepoURL) and returns the counts the tool may show. When nothing
// was dropped the counts are GitHub's: ScopeQuery proved the query inside
// the list, so they count only allowed repositories. When anything was
// dropped, GitHub read the query more widely than ScopeQuery did, and its
// counts, its timeout flag and its paging would all tell something about
// other repositories: the page is then presented as complete and final
// (total = items kept, not incomplete, no next page).
//
// Search tools call it on every page, list or not, in place of their own
// filtering:
//
//	items, counts := allowlist.ScopeSearch(d.Repos, res.Repositories,
//		func(r *gh.Repository) bool { return d.Repos.AllowedFullName(r.GetFullName()) },
//		allowlist.SearchCounts{TotalCount: res.GetTotal(), Incomplete: res.GetIncompleteResults(), NextPage: nextPage(resp)})
func ScopeSearch[T any](l *List, items []T, allowed func(T) bool, c SearchCounts) ([]T, SearchCounts) {
	if l == nil {
		return items, c
	}
	kept := make([]T, 0, len(items))
	for _, it := range items {
		if allowed(it) {
			kept = append(kept, it)
		}
	}
	if len(kept) == len(items) {
		return kept, c
	}
	return kept, SearchCounts{TotalCount: len(kept)}
}
