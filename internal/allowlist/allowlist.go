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
//     (or refuses qualifiers outside the list), and then drop every result
//     outside the list with Allowed, AllowedFullName or AllowedRepoURL
//     (issue search results name their repository by repository_url),
//     because GitHub's query syntax (OR, parentheses) can widen a query.
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
)

// List is a parsed allow-list.
type List struct {
	owners map[string]bool // lower-case owners allowed with "owner/*"
	repos  map[string]bool // lower-case "owner/name"
	text   []string        // the patterns as given, for messages
}

var (
	ownerRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$`)
	repoRE  = regexp.MustCompile(`^[A-Za-z0-9._-]{1,100}$`)
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
		if !ok || !ownerRE.MatchString(owner) {
			return nil, fmt.Errorf("invalid --repos pattern %q: want owner/name or owner/*", f)
		}
		switch {
		case name == "*":
			l.owners[strings.ToLower(owner)] = true
		case repoRE.MatchString(name) && name != "." && name != "..":
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

// ScopeQuery scopes a GitHub search query to the list. A query that already
// names repositories or owners (repo:, user:, org:) is returned unchanged
// if all of them are in the list, and refused otherwise; any other query
// gets one repo: or user: qualifier per pattern. The caller must still drop
// results outside the list: the qualifiers narrow what GitHub returns, the
// check is what guarantees it.
func (l *List) ScopeQuery(q string) (string, error) {
	if l == nil {
		return q, nil
	}
	scoped := false
	for _, tok := range queryTokens(q) {
		key, val, ok := strings.Cut(tok, ":")
		if !ok || strings.HasPrefix(key, "-") {
			continue
		}
		val = strings.Trim(val, `"`)
		switch strings.ToLower(key) {
		case "repo":
			scoped = true
			if !l.AllowedFullName(val) {
				return "", &Error{What: "search qualifier " + tok, List: l.String()}
			}
		case "user", "org", "owner":
			scoped = true
			if !l.owners[strings.ToLower(val)] {
				return "", &Error{What: "search qualifier " + tok + " (only owner/* patterns allow a whole owner)", List: l.String()}
			}
		}
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

// queryTokens splits a search query on spaces outside double quotes; a
// quoted phrase is one token, quotes included.
func queryTokens(q string) []string {
	var toks []string
	var cur strings.Builder
	quoted := false
	for _, r := range q {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case !quoted && (r == ' ' || r == '\t' || r == '\n' || r == '(' || r == ')'):
			if cur.Len() > 0 {
				toks = append(toks, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		toks = append(toks, cur.String())
	}
	return toks
}
