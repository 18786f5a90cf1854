package fakegithub

import (
	"cmp"
	"maps"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
)

// The search endpoints understand a useful subset of GitHub's syntax: bare
// words (all must match, case-insensitively), "quoted phrases", and the
// qualifiers listed at each endpoint. Other qualifiers are ignored.

// searchQuery is a parsed q: words and qualifiers.
type searchQuery struct {
	words []string
	quals map[string][]string // lower-case key -> values
}

// parseSearch splits q into words and key:value qualifiers.
func parseSearch(q string) searchQuery {
	sq := searchQuery{quals: map[string][]string{}}
	var tokens []string
	for i, part := range strings.Split(q, `"`) {
		if i%2 == 1 { // inside quotes
			if part != "" {
				tokens = append(tokens, "\x00"+part)
			}
			continue
		}
		tokens = append(tokens, strings.Fields(part)...)
	}
	for _, t := range tokens {
		if phrase, ok := strings.CutPrefix(t, "\x00"); ok {
			sq.words = append(sq.words, strings.ToLower(phrase))
			continue
		}
		if k, v, ok := strings.Cut(t, ":"); ok && k != "" && v != "" {
			k = strings.ToLower(k)
			sq.quals[k] = append(sq.quals[k], v)
			continue
		}
		sq.words = append(sq.words, strings.ToLower(t))
	}
	return sq
}

// ownerMatches applies the user:, org: and repo: qualifiers.
func (sq searchQuery) ownerMatches(repo *repoState) bool {
	owners := append(slices.Clone(sq.quals["user"]), sq.quals["org"]...)
	if len(owners) > 0 && !slices.ContainsFunc(owners, func(o string) bool { return strings.EqualFold(o, repo.Owner) }) {
		return false
	}
	if names := sq.quals["repo"]; len(names) > 0 && !slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, repo.Owner+"/"+repo.Name) }) {
		return false
	}
	return true
}

// compare applies a numeric qualifier such as ">100", "<=5", "10..20" or "7".
func compare(n int, spec string) bool {
	if lo, hi, ok := strings.Cut(spec, ".."); ok {
		a, err1 := strconv.Atoi(lo)
		b, err2 := strconv.Atoi(hi)
		return err1 == nil && err2 == nil && a <= n && n <= b
	}
	for _, op := range []string{">=", "<=", ">", "<"} {
		if rest, ok := strings.CutPrefix(spec, op); ok {
			v, err := strconv.Atoi(rest)
			if err != nil {
				return false
			}
			switch op {
			case ">=":
				return n >= v
			case "<=":
				return n <= v
			case ">":
				return n > v
			default:
				return n < v
			}
		}
	}
	v, err := strconv.Atoi(spec)
	return err == nil && n == v
}

// searchError is one entry of a search 422's "errors" list.
type searchError struct {
	Message  string `json:"message,omitempty"`
	Resource string `json:"resource"`
	Field    string `json:"field"`
	Code     string `json:"code"`
}

// searchValidation is the 422 GitHub sends for an unusable q: a missing
// one, or (with a message) one it cannot run.
func searchValidation(w http.ResponseWriter, doc, message string) {
	e := searchError{Resource: "Search", Field: "q", Code: "missing"}
	if message != "" {
		e.Code, e.Message = "invalid", message
	}
	writeJSON(w, http.StatusUnprocessableEntity, struct {
		Message          string        `json:"message"`
		Errors           []searchError `json:"errors"`
		DocumentationURL string        `json:"documentation_url"`
		Status           string        `json:"status"`
	}{"Validation Failed", []searchError{e}, doc, "422"})
}

// sortedRepos lists the repositories in a stable order.
func (s *Server) sortedRepos() []*repoState {
	out := make([]*repoState, 0, len(s.repos))
	for _, k := range slices.Sorted(maps.Keys(s.repos)) {
		out = append(out, s.repos[k])
	}
	return out
}

// repoSearchItem is a repository in search results.
type repoSearchItem struct {
	repoJSON
	Score float64 `json:"score"`
}

// searchResult is the envelope of every search answer.
type searchResult[T any] struct {
	TotalCount        int  `json:"total_count"`
	IncompleteResults bool `json:"incomplete_results"`
	Items             []T  `json:"items"`
}

// searchRepositories serves GET /search/repositories. Qualifiers: user,
// org, repo, language, topic, is:public|private, archived, stars, forks.
// Sort: stars, forks, updated; default best match (name order here).
// https://docs.github.com/rest/search/search#search-repositories
func (s *Server) searchRepositories(w http.ResponseWriter, r *http.Request) {
	const doc = "https://docs.github.com/rest/search/search#search-repositories"
	q := r.URL.Query()
	if strings.TrimSpace(q.Get("q")) == "" {
		searchValidation(w, doc, "")
		return
	}
	sq := parseSearch(q.Get("q"))
	var hits []*repoState
	for _, repo := range s.sortedRepos() {
		if sq.repoMatches(repo) {
			hits = append(hits, repo)
		}
	}
	key := map[string]func(*repoState) int{
		"stars":   func(r *repoState) int { return r.Stars },
		"forks":   func(r *repoState) int { return r.Forks },
		"updated": func(r *repoState) int { return int(r.PushedAt.Unix()) },
	}[q.Get("sort")]
	if key != nil {
		slices.SortStableFunc(hits, func(a, b *repoState) int {
			if q.Get("order") == "asc" {
				return cmp.Compare(key(a), key(b))
			}
			return cmp.Compare(key(b), key(a))
		})
	}
	out := searchResult[repoSearchItem]{TotalCount: len(hits), Items: []repoSearchItem{}}
	for _, repo := range paginate(w, r, apiURL+"/search/repositories", hits) {
		out.Items = append(out.Items, repoSearchItem{repoJSON: s.repoJSON(repo), Score: 1})
	}
	writeJSON(w, http.StatusOK, out)
}

// repoMatches applies a repository search.
func (sq searchQuery) repoMatches(repo *repoState) bool {
	if !sq.ownerMatches(repo) {
		return false
	}
	text := strings.ToLower(repo.Name + " " + repo.Description + " " + strings.Join(repo.Topics, " "))
	for _, w := range sq.words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	for k, vals := range sq.quals {
		for _, v := range vals {
			ok := true
			switch k {
			case "language":
				ok = strings.EqualFold(v, repo.Language)
			case "topic":
				ok = slices.ContainsFunc(repo.Topics, func(t string) bool { return strings.EqualFold(t, v) })
			case "is":
				ok = (v == "private") == repo.Private
			case "archived":
				ok = strconv.FormatBool(repo.Archived) == v
			case "stars":
				ok = compare(repo.Stars, v)
			case "forks":
				ok = compare(repo.Forks, v)
			}
			if !ok {
				return false
			}
		}
	}
	return true
}

// codeSearchItem is a file in code search results.
type codeSearchItem struct {
	Name        string          `json:"name"`
	Path        string          `json:"path"`
	SHA         string          `json:"sha"`
	URL         string          `json:"url"`
	GitURL      string          `json:"git_url"`
	HTMLURL     string          `json:"html_url"`
	Repository  repoJSON        `json:"repository"`
	Score       float64         `json:"score"`
	TextMatches []textMatchJSON `json:"text_matches,omitempty"`
}

// textMatchJSON is a fragment of a hit, sent for the text-match media type.
type textMatchJSON struct {
	ObjectURL  string      `json:"object_url"`
	ObjectType string      `json:"object_type"`
	Property   string      `json:"property"`
	Fragment   string      `json:"fragment"`
	Matches    []matchJSON `json:"matches"`
}

// matchJSON is one match inside a fragment.
type matchJSON struct {
	Text    string `json:"text"`
	Indices [2]int `json:"indices"`
}

// extLanguages maps the language: qualifier to file extensions.
var extLanguages = map[string][]string{
	"go": {".go"}, "python": {".py"}, "javascript": {".js", ".mjs"}, "typescript": {".ts", ".tsx"},
	"markdown": {".md"}, "rust": {".rs"}, "java": {".java"}, "yaml": {".yml", ".yaml"}, "json": {".json"},
}

// searchCode serves GET /search/code over the default branch of every
// repository. At least one word is required. Qualifiers: user, org, repo,
// path (a directory prefix), filename, extension, language.
// https://docs.github.com/rest/search/search#search-code
func (s *Server) searchCode(w http.ResponseWriter, r *http.Request) {
	const doc = "https://docs.github.com/rest/search/search#search-code"
	q := r.URL.Query().Get("q")
	sq := parseSearch(q)
	if strings.TrimSpace(q) == "" {
		searchValidation(w, doc, "")
		return
	}
	if len(sq.words) == 0 {
		searchValidation(w, doc, "The search must include at least one search term.")
		return
	}
	textMatch := strings.Contains(r.Header.Get("Accept"), "text-match")
	var hits []codeSearchItem
	for _, repo := range s.sortedRepos() {
		if !sq.ownerMatches(repo) {
			continue
		}
		c := s.code(repo)
		head := c.commits[c.branches[defaultBranch(repo)]]
		for _, p := range slices.Sorted(maps.Keys(head.files)) {
			sha := head.files[p]
			content := string(c.blobs[sha])
			if !sq.pathMatches(p) || !containsAll(strings.ToLower(content), sq.words) {
				continue
			}
			api, web := repoURLs(repo)
			item := codeSearchItem{
				Name:       path.Base(p),
				Path:       p,
				SHA:        sha,
				URL:        api + "/contents/" + escapePath(p) + "?ref=" + head.sha,
				GitURL:     api + "/git/blobs/" + sha,
				HTMLURL:    web + "/blob/" + head.sha + "/" + escapePath(p),
				Repository: s.repoJSON(repo),
				Score:      1,
			}
			if textMatch {
				item.TextMatches = []textMatchJSON{fragmentOf(item.URL, content, sq.words[0])}
			}
			hits = append(hits, item)
		}
	}
	page := paginate(w, r, apiURL+"/search/code", hits)
	writeJSON(w, http.StatusOK, searchResult[codeSearchItem]{TotalCount: len(hits), Items: append([]codeSearchItem{}, page...)})
}

// pathMatches applies the path, filename, extension and language
// qualifiers of a code search.
func (sq searchQuery) pathMatches(p string) bool {
	for k, vals := range sq.quals {
		for _, v := range vals {
			ok := true
			switch k {
			case "path":
				v = strings.Trim(v, "/")
				ok = p == v || strings.HasPrefix(p, v+"/")
			case "filename":
				ok = path.Base(p) == v
			case "extension":
				ok = path.Ext(p) == "."+strings.TrimPrefix(v, ".")
			case "language":
				ok = slices.Contains(extLanguages[strings.ToLower(v)], path.Ext(p))
			}
			if !ok {
				return false
			}
		}
	}
	return true
}

// containsAll reports whether text contains every word.
func containsAll(text string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(text, w) {
			return false
		}
	}
	return true
}

// fragmentOf is the text match for word in content: the line holding its
// first occurrence and the lines around it.
func fragmentOf(objectURL, content, word string) textMatchJSON {
	lines := strings.Split(content, "\n")
	for i, line := range lines {
		at := strings.Index(strings.ToLower(line), word)
		if at < 0 {
			continue
		}
		from, to := max(0, i-1), min(len(lines), i+2)
		before := 0
		for _, l := range lines[from:i] {
			before += len(l) + 1
		}
		frag := strings.Join(lines[from:to], "\n")
		start := before + at
		return textMatchJSON{
			ObjectURL: objectURL, ObjectType: "FileContent", Property: "content", Fragment: frag,
			Matches: []matchJSON{{Text: frag[start : start+len(word)], Indices: [2]int{start, start + len(word)}}},
		}
	}
	return textMatchJSON{ObjectURL: objectURL, ObjectType: "FileContent", Property: "content", Matches: []matchJSON{}}
}

// Searching commits (messages on default branches, with the repo:, user:,
// org: and author: qualifiers) and users (login contains every word; type:
// user or org).

// commitHitJSON is an item of GET /search/commits.
type commitHitJSON struct {
	commitJSON
	Repository minimalRepoJSON `json:"repository"`
	Score      float64         `json:"score"`
}

// searchCommits serves GET /search/commits.
// https://docs.github.com/rest/search/search#search-commits
func (s *Server) searchCommits(w http.ResponseWriter, r *http.Request) {
	const doc = "https://docs.github.com/rest/search/search#search-commits"
	q := r.URL.Query().Get("q")
	if strings.TrimSpace(q) == "" {
		searchValidation(w, doc, "")
		return
	}
	sq := parseSearch(q)
	var items []commitHitJSON
	for _, repo := range s.sortedRepos() {
		if repo.Private || !sq.ownerMatches(repo) {
			continue
		}
		c := s.code(repo)
		for _, cm := range c.history(c.commits[c.branches[defaultBranch(repo)]]) {
			if a := sq.quals["author"]; len(a) > 0 && !slices.ContainsFunc(a, func(l string) bool { return strings.EqualFold(l, cm.author) }) {
				continue
			}
			if !containsAll(strings.ToLower(cm.message), sq.words) {
				continue
			}
			items = append(items, commitHitJSON{commitJSON: s.commitJSON(repo, cm), Repository: s.minimalRepoJSON(repo), Score: 1})
		}
	}
	if r.URL.Query().Get("order") == "asc" {
		slices.Reverse(items)
	}
	page := paginate(w, r, apiURL+"/search/commits", items)
	writeJSON(w, http.StatusOK, map[string]any{"total_count": len(items), "incomplete_results": false, "items": append([]commitHitJSON{}, page...)})
}

// searchUsers serves GET /search/users over the users and owners the fake
// knows.
// https://docs.github.com/rest/search/search#search-users
func (s *Server) searchUsers(w http.ResponseWriter, r *http.Request) {
	const doc = "https://docs.github.com/rest/search/search#search-users"
	q := r.URL.Query().Get("q")
	if strings.TrimSpace(q) == "" {
		searchValidation(w, doc, "")
		return
	}
	sq := parseSearch(q)
	kind := strings.ToLower(strings.Join(sq.quals["type"], ""))
	logins := map[string]bool{}
	for _, l := range s.users {
		logins[l] = true
	}
	orgs := map[string]bool{}
	for _, repo := range s.repos {
		if _, isUser := s.users[strings.ToLower(repo.Owner)]; !isUser {
			orgs[repo.Owner] = true
		}
	}
	type hit struct {
		userJSON
		Score float64 `json:"score"`
	}
	var items []hit
	for _, l := range append(slices.Sorted(maps.Keys(logins)), slices.Sorted(maps.Keys(orgs))...) {
		u := s.simpleUser(l)
		if orgs[l] {
			u.Type = "Organization"
		}
		if (kind == "user" && u.Type != "User") || (kind == "org" && u.Type != "Organization") || !containsAll(strings.ToLower(l), sq.words) {
			continue
		}
		items = append(items, hit{u, 1})
	}
	page := paginate(w, r, apiURL+"/search/users", items)
	writeJSON(w, http.StatusOK, map[string]any{"total_count": len(items), "incomplete_results": false, "items": append([]hit{}, page...)})
}
