package fakegithub

import (
	"maps"
	"net/http"
	"slices"
	"strings"
)

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
