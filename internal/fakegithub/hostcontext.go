package fakegithub

// The endpoints behind ghmcp's resources, prompts and completions: file
// contents, branches, issue comments, pull requests (JSON and diff),
// releases, the viewer's repositories and repository search. Their state
// lives in hostState, apart from the repositories' own, and is created on
// first use.

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// hostState is what the endpoints of this file remember.
type hostState struct {
	files    map[string]map[string]map[string]string // repo key → branch → path → contents
	branches map[string][]string                     // repo key → branches besides the default one
	comments map[string][]commentState               // repo key + "#" + number → comments
	pulls    map[string][]*pullState                 // repo key → pull requests
	releases map[string][]releaseState               // repo key → releases, oldest first
}

type commentState struct {
	id      int
	author  string
	body    string
	created time.Time
}

// Pull describes a pull request added with AddPull.
type Pull struct {
	Title, Body, Author string
	Head, Base          string   // branches; default "feature" into the default branch
	Labels              []string // label names
	MergedAt            time.Time
	Closed              bool   // closed without merging (when MergedAt is zero)
	Diff                string // unified diff; a one-line change to README.md if empty
}

type pullState struct {
	Pull
	number  int
	id      int
	created time.Time
	updated time.Time
}

type releaseState struct {
	id        int
	tag       string
	published time.Time
}

// host returns the state of this file's endpoints. The caller holds s.mu.
func (s *Server) host() *hostState {
	if s.hostState == nil {
		s.hostState = &hostState{
			files:    map[string]map[string]map[string]string{},
			branches: map[string][]string{},
			comments: map[string][]commentState{},
			pulls:    map[string][]*pullState{},
			releases: map[string][]releaseState{},
		}
	}
	return s.hostState
}

// mustRepo returns a repository or panics: the Add methods need one.
// The caller holds s.mu.
func (s *Server) mustRepo(owner, repo, method string) *repoState {
	st := s.repos[repoKey(owner, repo)]
	if st == nil {
		panic(fmt.Sprintf("fakegithub: %s: no repository %s/%s; call AddRepo first", method, owner, repo))
	}
	return st
}

// defaultBranch is a repository's default branch.
func (st *repoState) defaultBranch() string {
	if st.DefaultBranch == "" {
		return "main"
	}
	return st.DefaultBranch
}

// AddFile adds (or replaces) a file on a branch of owner/repo; an empty
// branch is the default branch, and a new branch is created.
func (s *Server) AddFile(owner, repo, branch, path, contents string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.mustRepo(owner, repo, "AddFile")
	h := s.host()
	key := repoKey(owner, repo)
	if branch == "" {
		branch = st.defaultBranch()
	}
	s.addBranch(st, branch)
	if h.files[key] == nil {
		h.files[key] = map[string]map[string]string{}
	}
	if h.files[key][branch] == nil {
		h.files[key][branch] = map[string]string{}
	}
	h.files[key][branch][strings.Trim(path, "/")] = contents
}

// AddBranch adds a branch to owner/repo.
func (s *Server) AddBranch(owner, repo, branch string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addBranch(s.mustRepo(owner, repo, "AddBranch"), branch)
}

func (s *Server) addBranch(st *repoState, branch string) {
	h := s.host()
	key := repoKey(st.Owner, st.Name)
	if branch != st.defaultBranch() && !slices.Contains(h.branches[key], branch) {
		h.branches[key] = append(h.branches[key], branch)
	}
}

// AddComment adds a comment by author to issue or pull request number of
// owner/repo, made at (now if zero).
func (s *Server) AddComment(owner, repo string, number int, author, body string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustRepo(owner, repo, "AddComment")
	if at.IsZero() {
		at = s.now()
	}
	s.nextID++
	key := fmt.Sprintf("%s#%d", repoKey(owner, repo), number)
	h := s.host()
	h.comments[key] = append(h.comments[key], commentState{id: s.nextID, author: author, body: body, created: at})
}

// AddPull opens (or records merged or closed) a pull request in
// owner/repo and returns its number, shared with the issues as on GitHub.
func (s *Server) AddPull(owner, repo string, p Pull) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.mustRepo(owner, repo, "AddPull")
	if p.Head == "" {
		p.Head = "feature"
	}
	if p.Base == "" {
		p.Base = st.defaultBranch()
	}
	if p.Author == "" {
		p.Author = s.viewer
	}
	s.addBranch(st, p.Head)
	state := "open"
	if !p.MergedAt.IsZero() || p.Closed {
		state = "closed"
	}
	s.nextID++
	n := len(st.issues) + 1
	// A pull request is an issue too: it takes the next issue number.
	st.issues = append(st.issues, &issueState{Issue: Issue{Number: n, Title: p.Title, Body: p.Body, State: state, Labels: slices.Clone(p.Labels)}, id: s.nextID, author: p.Author, created: s.now()})
	updated := s.now()
	if !p.MergedAt.IsZero() {
		updated = p.MergedAt
	}
	s.nextID++
	h := s.host()
	h.pulls[repoKey(owner, repo)] = append(h.pulls[repoKey(owner, repo)], &pullState{Pull: p, number: n, id: s.nextID, created: s.now(), updated: updated})
	return n
}

// AddRelease publishes a release of owner/repo tagged tag at published (now
// if zero).
func (s *Server) AddRelease(owner, repo, tag string, published time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustRepo(owner, repo, "AddRelease")
	if published.IsZero() {
		published = s.now()
	}
	s.nextID++
	key := repoKey(owner, repo)
	h := s.host()
	h.releases[key] = append(h.releases[key], releaseState{id: s.nextID, tag: tag, published: published})
	sort.SliceStable(h.releases[key], func(i, j int) bool { return h.releases[key][i].published.Before(h.releases[key][j].published) })
}

// contentJSON is GitHub's "content file" (a file, with content) and
// "content tree" entry (a directory listing item, without).
type contentJSON struct {
	Type        string            `json:"type"`
	Encoding    string            `json:"encoding,omitempty"`
	Size        int               `json:"size"`
	Name        string            `json:"name"`
	Path        string            `json:"path"`
	Content     *string           `json:"content,omitempty"`
	SHA         string            `json:"sha"`
	URL         string            `json:"url"`
	GitURL      string            `json:"git_url"`
	HTMLURL     string            `json:"html_url"`
	DownloadURL *string           `json:"download_url"`
	Links       map[string]string `json:"_links"`
}

// getContents serves GET /repos/{owner}/{repo}/contents/{path...}.
// https://docs.github.com/rest/repos/contents#get-repository-content
func (s *Server) getContents(w http.ResponseWriter, r *http.Request) {
	const doc = "https://docs.github.com/rest/repos/contents#get-repository-content"
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	ref := r.URL.Query().Get("ref")
	if ref == "" {
		ref = repo.defaultBranch()
	}
	files, ok := s.host().files[repoKey(repo.Owner, repo.Name)][ref]
	if !ok && ref != repo.defaultBranch() && !slices.Contains(s.host().branches[repoKey(repo.Owner, repo.Name)], ref) {
		writeError(w, http.StatusNotFound, "No commit found for the ref "+ref, doc)
		return
	}
	p := strings.Trim(r.PathValue("path"), "/")
	if text, ok := files[p]; ok {
		writeJSON(w, http.StatusOK, s.contentEntry(repo, ref, p, "file", text, true))
		return
	}
	var entries []contentJSON
	seen := map[string]bool{}
	prefix := p + "/"
	if p == "" {
		prefix = ""
	}
	for fp, text := range files {
		rest, ok := strings.CutPrefix(fp, prefix)
		if !ok {
			continue
		}
		name, _, isDir := strings.Cut(rest, "/")
		if seen[name] {
			continue
		}
		seen[name] = true
		if isDir {
			entries = append(entries, s.contentEntry(repo, ref, prefix+name, "dir", "", false))
		} else {
			entries = append(entries, s.contentEntry(repo, ref, fp, "file", text, false))
		}
	}
	if len(entries) == 0 {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Path < entries[j].Path })
	writeJSON(w, http.StatusOK, entries)
}

// contentEntry renders a file or directory; withContent adds the base64
// contents, wrapped at 60 characters as GitHub does.
func (s *Server) contentEntry(repo *repoState, ref, p, kind, text string, withContent bool) contentJSON {
	full := repo.Owner + "/" + repo.Name
	sha := etagOf([]byte(kind + p + text))[3:43]
	u := fmt.Sprintf("%s/repos/%s/contents/%s?ref=%s", apiURL, full, p, url.QueryEscape(ref))
	html := fmt.Sprintf("%s/%s/blob/%s/%s", webURL, full, ref, p)
	gitURL := fmt.Sprintf("%s/repos/%s/git/blobs/%s", apiURL, full, sha)
	var download *string
	if kind == "dir" {
		html = fmt.Sprintf("%s/%s/tree/%s/%s", webURL, full, ref, p)
		gitURL = fmt.Sprintf("%s/repos/%s/git/trees/%s", apiURL, full, sha)
	} else {
		download = ptr(fmt.Sprintf("https://raw.githubusercontent.com/%s/%s/%s", full, ref, p))
	}
	c := contentJSON{
		Type: kind, Name: p[strings.LastIndex(p, "/")+1:], Path: p, SHA: sha, URL: u, GitURL: gitURL, HTMLURL: html, DownloadURL: download,
		Links: map[string]string{"self": u, "git": gitURL, "html": html},
	}
	if kind == "file" {
		c.Size = len(text)
	}
	if withContent {
		enc := base64.StdEncoding.EncodeToString([]byte(text))
		var b strings.Builder
		for len(enc) > 60 {
			b.WriteString(enc[:60] + "\n")
			enc = enc[60:]
		}
		b.WriteString(enc + "\n")
		c.Encoding, c.Content = "base64", ptr(b.String())
	}
	return c
}

// branchJSON is GitHub's "short branch".
type branchJSON struct {
	Name      string                    `json:"name"`
	Commit    struct{ SHA, URL string } `json:"commit"`
	Protected bool                      `json:"protected"`
}

// listBranches serves GET /repos/{owner}/{repo}/branches.
// https://docs.github.com/rest/branches/branches#list-branches
func (s *Server) listBranches(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/branches/branches#list-branches")
		return
	}
	names := append([]string{repo.defaultBranch()}, s.host().branches[repoKey(repo.Owner, repo.Name)]...)
	sort.Strings(names)
	out := make([]branchJSON, 0, len(names))
	for _, n := range names {
		b := branchJSON{Name: n, Protected: n == repo.defaultBranch()}
		b.Commit.SHA = etagOf([]byte(n))[3:43]
		b.Commit.URL = fmt.Sprintf("%s/repos/%s/%s/commits/%s", apiURL, repo.Owner, repo.Name, b.Commit.SHA)
		out = append(out, b)
	}
	writePage(w, r, out)
}

// commentJSON is GitHub's "issue comment".
type commentJSON struct {
	URL               string   `json:"url"`
	HTMLURL           string   `json:"html_url"`
	IssueURL          string   `json:"issue_url"`
	ID                int      `json:"id"`
	NodeID            string   `json:"node_id"`
	User              userJSON `json:"user"`
	CreatedAt         string   `json:"created_at"`
	UpdatedAt         string   `json:"updated_at"`
	AuthorAssociation string   `json:"author_association"`
	Body              string   `json:"body"`
}

// listComments serves GET /repos/{owner}/{repo}/issues/{number}/comments.
// https://docs.github.com/rest/issues/comments#list-issue-comments
func (s *Server) listComments(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	n, err := strconv.Atoi(r.PathValue("number"))
	if repo == nil || err != nil || n < 1 || n > len(repo.issues) {
		writeError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/issues/comments#list-issue-comments")
		return
	}
	repoURL := fmt.Sprintf("%s/repos/%s/%s", apiURL, repo.Owner, repo.Name)
	out := []commentJSON{}
	for _, c := range s.host().comments[fmt.Sprintf("%s#%d", repoKey(repo.Owner, repo.Name), n)] {
		out = append(out, commentJSON{
			URL:               fmt.Sprintf("%s/issues/comments/%d", repoURL, c.id),
			HTMLURL:           fmt.Sprintf("%s/%s/%s/issues/%d#issuecomment-%d", webURL, repo.Owner, repo.Name, n, c.id),
			IssueURL:          fmt.Sprintf("%s/issues/%d", repoURL, n),
			ID:                c.id,
			NodeID:            nodeID("IssueComment", c.id),
			User:              s.simpleUser(c.author),
			CreatedAt:         timestamp(c.created),
			UpdatedAt:         timestamp(c.created),
			AuthorAssociation: "CONTRIBUTOR",
			Body:              c.body,
		})
	}
	writePage(w, r, out)
}

// pullJSON is the part of GitHub's "pull request" that clients read.
type pullJSON struct {
	URL            string      `json:"url"`
	ID             int         `json:"id"`
	NodeID         string      `json:"node_id"`
	HTMLURL        string      `json:"html_url"`
	DiffURL        string      `json:"diff_url"`
	Number         int         `json:"number"`
	State          string      `json:"state"`
	Locked         bool        `json:"locked"`
	Title          string      `json:"title"`
	User           userJSON    `json:"user"`
	Body           *string     `json:"body"`
	Labels         []labelJSON `json:"labels"`
	CreatedAt      string      `json:"created_at"`
	UpdatedAt      string      `json:"updated_at"`
	ClosedAt       *string     `json:"closed_at"`
	MergedAt       *string     `json:"merged_at"`
	Draft          bool        `json:"draft"`
	Head           refJSON     `json:"head"`
	Base           refJSON     `json:"base"`
	Merged         *bool       `json:"merged,omitempty"`
	Mergeable      *bool       `json:"mergeable,omitempty"`
	MergeableState string      `json:"mergeable_state,omitempty"`
	Comments       *int        `json:"comments,omitempty"`
	Commits        *int        `json:"commits,omitempty"`
	Additions      *int        `json:"additions,omitempty"`
	Deletions      *int        `json:"deletions,omitempty"`
	ChangedFiles   *int        `json:"changed_files,omitempty"`
}

type refJSON struct {
	Label string   `json:"label"`
	Ref   string   `json:"ref"`
	SHA   string   `json:"sha"`
	User  userJSON `json:"user"`
}

// pullJSON renders a pull request; full adds the fields only "get a pull
// request" has. The caller holds s.mu.
func (s *Server) pullJSON(repo *repoState, p *pullState, full bool) pullJSON {
	repoURL := fmt.Sprintf("%s/repos/%s/%s", apiURL, repo.Owner, repo.Name)
	html := fmt.Sprintf("%s/%s/%s/pull/%d", webURL, repo.Owner, repo.Name, p.number)
	j := pullJSON{
		URL: fmt.Sprintf("%s/pulls/%d", repoURL, p.number), ID: p.id, NodeID: nodeID("PullRequest", p.id),
		HTMLURL: html, DiffURL: html + ".diff", Number: p.number, State: "open", Title: p.Title,
		User: s.simpleUser(p.Author), Body: nullable(p.Body), Labels: []labelJSON{},
		CreatedAt: timestamp(p.created), UpdatedAt: timestamp(p.updated),
		Head: refJSON{Label: repo.Owner + ":" + p.Head, Ref: p.Head, SHA: etagOf([]byte(p.Head + p.Title))[3:43], User: s.simpleUser(repo.Owner)},
		Base: refJSON{Label: repo.Owner + ":" + p.Base, Ref: p.Base, SHA: etagOf([]byte(p.Base))[3:43], User: s.simpleUser(repo.Owner)},
	}
	for _, name := range p.Labels {
		l := s.label(repo, name)
		j.Labels = append(j.Labels, labelJSON{ID: l.id, NodeID: nodeID("Label", l.id), URL: repoURL + "/labels/" + url.PathEscape(l.name), Name: l.name, Color: l.color, Default: l.isDefault, Description: nullable(l.description)})
	}
	if !p.MergedAt.IsZero() || p.Closed {
		j.State = "closed"
		j.ClosedAt = ptr(timestamp(p.updated))
	}
	if !p.MergedAt.IsZero() {
		j.MergedAt = ptr(timestamp(p.MergedAt))
	}
	if full {
		adds, dels, files := diffStats(p.diff())
		j.Merged, j.Comments, j.Commits = ptr(!p.MergedAt.IsZero()), ptr(len(s.host().comments[fmt.Sprintf("%s#%d", repoKey(repo.Owner, repo.Name), p.number)])), ptr(1)
		j.Additions, j.Deletions, j.ChangedFiles = ptr(adds), ptr(dels), ptr(files)
		if j.State == "open" {
			j.Mergeable, j.MergeableState = ptr(true), "clean"
		}
	}
	return j
}

// diff is the pull request's unified diff.
func (p *pullState) diff() string {
	if p.Diff != "" {
		return p.Diff
	}
	return "diff --git a/README.md b/README.md\nindex 3b18e51..a5c1966 100644\n--- a/README.md\n+++ b/README.md\n@@ -1 +1,2 @@\n # hello\n+" + p.Title + "\n"
}

// diffStats counts added and deleted lines and changed files of a diff.
func diffStats(d string) (adds, dels, files int) {
	for _, line := range strings.Split(d, "\n") {
		switch {
		case strings.HasPrefix(line, "diff --git "):
			files++
		case strings.HasPrefix(line, "+++"), strings.HasPrefix(line, "---"):
		case strings.HasPrefix(line, "+"):
			adds++
		case strings.HasPrefix(line, "-"):
			dels++
		}
	}
	return adds, dels, files
}

// lookupPull finds the pull request named in the path. The caller holds s.mu.
func (s *Server) lookupPull(r *http.Request) (*repoState, *pullState) {
	repo := s.lookupRepo(r)
	if repo == nil {
		return nil, nil
	}
	n, _ := strconv.Atoi(r.PathValue("number"))
	for _, p := range s.host().pulls[repoKey(repo.Owner, repo.Name)] {
		if p.number == n {
			return repo, p
		}
	}
	return repo, nil
}

// getPull serves GET /repos/{owner}/{repo}/pulls/{number}, as JSON or, for
// Accept: application/vnd.github.diff, as the diff.
// https://docs.github.com/rest/pulls/pulls#get-a-pull-request
func (s *Server) getPull(w http.ResponseWriter, r *http.Request) {
	repo, p := s.lookupPull(r)
	if p == nil {
		writeError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/pulls/pulls#get-a-pull-request")
		return
	}
	if strings.Contains(r.Header.Get("Accept"), "diff") {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Github-Media-Type", "github.v3; param=diff")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(p.diff()))
		return
	}
	writeJSON(w, http.StatusOK, s.pullJSON(repo, p, true))
}

// listPulls serves GET /repos/{owner}/{repo}/pulls (state and sort=updated
// or created, direction; paged).
// https://docs.github.com/rest/pulls/pulls#list-pull-requests
func (s *Server) listPulls(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/pulls/pulls#list-pull-requests")
		return
	}
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	ps := slices.Clone(s.host().pulls[repoKey(repo.Owner, repo.Name)])
	ps = slices.DeleteFunc(ps, func(p *pullState) bool {
		closed := !p.MergedAt.IsZero() || p.Closed
		return (state == "open" && closed) || (state == "closed" && !closed)
	})
	byUpdate := q.Get("sort") == "updated"
	asc := q.Get("direction") == "asc" || (q.Get("direction") == "" && byUpdate)
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i].created, ps[j].created
		if byUpdate {
			a, b = ps[i].updated, ps[j].updated
		}
		if a.Equal(b) {
			return (ps[i].number < ps[j].number) == asc
		}
		return a.Before(b) == asc
	})
	out := make([]pullJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, s.pullJSON(repo, p, false))
	}
	writePage(w, r, out)
}

// releaseJSON is the part of GitHub's "release" that clients read.
type releaseJSON struct {
	URL         string   `json:"url"`
	HTMLURL     string   `json:"html_url"`
	ID          int      `json:"id"`
	NodeID      string   `json:"node_id"`
	TagName     string   `json:"tag_name"`
	Name        string   `json:"name"`
	Draft       bool     `json:"draft"`
	Prerelease  bool     `json:"prerelease"`
	CreatedAt   string   `json:"created_at"`
	PublishedAt string   `json:"published_at"`
	Author      userJSON `json:"author"`
	Body        *string  `json:"body"`
}

// getRelease serves GET /repos/{owner}/{repo}/releases/latest and
// GET /repos/{owner}/{repo}/releases/tags/{tag}.
// https://docs.github.com/rest/releases/releases#get-the-latest-release
// https://docs.github.com/rest/releases/releases#get-a-release-by-tag-name
func (s *Server) getRelease(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	var rel *releaseState
	if repo != nil {
		rs := s.host().releases[repoKey(repo.Owner, repo.Name)]
		tag := r.PathValue("tag")
		for i := range rs {
			if (tag == "" && i == len(rs)-1) || (tag != "" && rs[i].tag == tag) {
				rel = &rs[i]
			}
		}
	}
	if rel == nil {
		writeError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/releases/releases")
		return
	}
	writeJSON(w, http.StatusOK, releaseJSON{
		URL:     fmt.Sprintf("%s/repos/%s/%s/releases/%d", apiURL, repo.Owner, repo.Name, rel.id),
		HTMLURL: fmt.Sprintf("%s/%s/%s/releases/tag/%s", webURL, repo.Owner, repo.Name, rel.tag),
		ID:      rel.id, NodeID: nodeID("Release", rel.id), TagName: rel.tag, Name: rel.tag,
		CreatedAt: timestamp(rel.published), PublishedAt: timestamp(rel.published), Author: s.simpleUser(s.viewer),
	})
}

// listViewerRepos serves GET /user/repos: in this fake the viewer sees
// every repository, most recently pushed first.
// https://docs.github.com/rest/repos/repos#list-repositories-for-the-authenticated-user
func (s *Server) listViewerRepos(w http.ResponseWriter, r *http.Request) {
	writePage(w, r, s.reposJSON(func(*repoState) bool { return true }))
}

// reposJSON renders the repositories that keep, most recently pushed first.
// The caller holds s.mu.
func (s *Server) reposJSON(keep func(*repoState) bool) []repoJSON {
	var sts []*repoState
	for _, st := range s.repos {
		if keep(st) {
			sts = append(sts, st)
		}
	}
	sort.Slice(sts, func(i, j int) bool {
		if !sts[i].PushedAt.Equal(sts[j].PushedAt) {
			return sts[i].PushedAt.After(sts[j].PushedAt)
		}
		return repoKey(sts[i].Owner, sts[i].Name) < repoKey(sts[j].Owner, sts[j].Name)
	})
	out := make([]repoJSON, 0, len(sts))
	for _, st := range sts {
		out = append(out, s.repoJSON(st))
	}
	return out
}

// searchRepos serves GET /search/repositories, understanding words matched
// in names and the user:, org:, in:name and fork: qualifiers.
// https://docs.github.com/rest/search/search#search-repositories
func (s *Server) searchRepos(w http.ResponseWriter, r *http.Request) {
	var words []string
	owner := ""
	for _, f := range strings.Fields(r.URL.Query().Get("q")) {
		k, v, ok := strings.Cut(f, ":")
		switch {
		case ok && (k == "user" || k == "org"):
			owner = v
		case ok:
		default:
			words = append(words, strings.ToLower(f))
		}
	}
	items := s.reposJSON(func(st *repoState) bool {
		if owner != "" && !strings.EqualFold(owner, st.Owner) {
			return false
		}
		for _, word := range words {
			if !strings.Contains(strings.ToLower(st.Name), word) {
				return false
			}
		}
		return true
	})
	writeJSON(w, http.StatusOK, map[string]any{"total_count": len(items), "incomplete_results": false, "items": items})
}

// writePage writes one page of items, per the page and per_page query
// parameters (default 30, at most 100), with GitHub's Link header.
func writePage[T any](w http.ResponseWriter, r *http.Request, items []T) {
	q := r.URL.Query()
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per < 1 {
		per = 30
	}
	per = min(per, 100)
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	last := max((len(items)+per-1)/per, 1)
	from, to := min((page-1)*per, len(items)), min(page*per, len(items))
	link := func(p int, rel string) string {
		u := *r.URL
		v := u.Query()
		v.Set("page", strconv.Itoa(p))
		v.Set("per_page", strconv.Itoa(per))
		u.RawQuery = v.Encode()
		return fmt.Sprintf(`<%s%s>; rel="%s"`, apiURL, u.RequestURI(), rel)
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"), link(page-1, "prev"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	writeJSON(w, http.StatusOK, items[from:to])
}

// hostCommand runs the commands of this file's state (see Command):
//
//	file add OWNER/NAME PATH TEXT [ref=BRANCH]
//	branch add OWNER/NAME BRANCH
//	comment add OWNER/NAME NUMBER LOGIN TEXT
//	pull add OWNER/NAME TITLE [head=BRANCH] [base=BRANCH] [author=LOGIN] [labels=A,B] [body=TEXT] [merged=RFC3339] [closed]
//	release add OWNER/NAME TAG [published=RFC3339]
func (s *Server) hostCommand(name string, args []string) (string, error) {
	if len(args) < 2 || args[0] != "add" {
		return "", usage(name)
	}
	owner, repo, ok := splitRepo(args[1])
	if !ok {
		return "", fmt.Errorf("repository must be OWNER/NAME, got %q\n%s", args[1], usage(name))
	}
	s.mu.Lock()
	exists := s.repos[repoKey(owner, repo)] != nil
	s.mu.Unlock()
	if !exists {
		return "", fmt.Errorf("no repository %s/%s; add it first with: repo add %s/%s", owner, repo, owner, repo)
	}
	rest := args[2:]
	opts := map[string]string{}
	var pos []string
	for _, a := range rest {
		if k, v, ok := strings.Cut(a, "="); ok && k != "" && !strings.ContainsAny(k, " /") && len(pos) >= minPositional[name] {
			opts[k] = v
		} else if name == "pull" && a == "closed" && len(pos) >= minPositional[name] {
			opts["closed"] = ""
		} else {
			pos = append(pos, a)
		}
	}
	if len(pos) != minPositional[name] {
		return "", usage(name)
	}
	parseTime := func(key string) (time.Time, error) {
		if opts[key] == "" {
			return time.Time{}, nil
		}
		t, err := time.Parse(time.RFC3339, opts[key])
		if err != nil {
			return t, fmt.Errorf("%s must be an RFC 3339 time such as 2026-01-02T03:04:05Z, got %q", key, opts[key])
		}
		return t, nil
	}
	switch name {
	case "file":
		s.AddFile(owner, repo, opts["ref"], pos[0], pos[1])
	case "branch":
		s.AddBranch(owner, repo, pos[0])
	case "comment":
		n, err := strconv.Atoi(pos[0])
		if err != nil {
			return "", usage(name)
		}
		s.AddComment(owner, repo, n, pos[1], pos[2], time.Time{})
	case "pull":
		merged, err := parseTime("merged")
		if err != nil {
			return "", err
		}
		p := Pull{Title: pos[0], Head: opts["head"], Base: opts["base"], Author: opts["author"], Body: opts["body"], MergedAt: merged, Diff: opts["diff"]}
		_, p.Closed = opts["closed"]
		if opts["labels"] != "" {
			p.Labels = strings.Split(opts["labels"], ",")
		}
		return strconv.Itoa(s.AddPull(owner, repo, p)) + "\n", nil
	case "release":
		published, err := parseTime("published")
		if err != nil {
			return "", err
		}
		s.AddRelease(owner, repo, pos[0], published)
	}
	return "", nil
}

// minPositional is how many words after OWNER/NAME each command takes
// before its KEY=VALUE options.
var minPositional = map[string]int{"file": 2, "branch": 1, "comment": 3, "pull": 1, "release": 1}

// AddDemo fills the fake with a small repository to read: octo/hello with
// a README, a guide and a logo on main, a branch "feature", release v1.0.0,
// issue #1 "Crash on start" with two comments, pull request #2 (open, from
// feature) and pull request #3 (merged after the release). The interop
// clients use it.
func (s *Server) AddDemo() {
	at := func(day int) time.Time { return time.Date(2026, 1, day, 10, 0, 0, 0, time.UTC) }
	s.AddUser("alice")
	s.AddRepo(Repo{Owner: "octo", Name: "hello", Description: "Hello", DefaultBranch: "main", License: "MIT", Language: "Go", Topics: []string{"demo"}, Stars: 3, PushedAt: at(20)})
	s.AddRepo(Repo{Owner: "octo", Name: "hello-docs", DefaultBranch: "main", PushedAt: at(5)})
	s.AddFile("octo", "hello", "", "README.md", "# hello\n\nSays hello.\n")
	s.AddFile("octo", "hello", "", "docs/guide.md", "# Guide\n\nRun `hello`.\n")
	s.AddFile("octo", "hello", "", "logo.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	s.AddFile("octo", "hello", "feature", "README.md", "# hello\n\nSays hello, loudly.\n")
	s.AddRelease("octo", "hello", "v1.0.0", at(10))

	s.mu.Lock()
	st := s.repos[repoKey("octo", "hello")]
	s.nextID++
	st.issues = append(st.issues, &issueState{Issue: Issue{Number: len(st.issues) + 1, Title: "Crash on start", Body: "It crashes when started without a config file.", State: "open", Labels: []string{"bug"}}, id: s.nextID, author: "alice", created: at(12)})
	n := len(st.issues)
	s.mu.Unlock()
	s.AddComment("octo", "hello", n, "octocat", "Which version?", at(12).Add(time.Hour))
	s.AddComment("octo", "hello", n, "alice", "v1.0.0 on Linux.", at(13))

	s.AddPull("octo", "hello", Pull{Title: "Say hello loudly", Body: "Makes the greeting louder.", Author: "alice", Head: "feature", Labels: []string{"enhancement"},
		Diff: "diff --git a/README.md b/README.md\nindex 3b18e51..a5c1966 100644\n--- a/README.md\n+++ b/README.md\n@@ -1,3 +1,3 @@\n # hello\n \n-Says hello.\n+Says hello, loudly.\n"})
	s.AddPull("octo", "hello", Pull{Title: "Fix the crash without a config file", Author: "alice", Head: "fix-crash", Labels: []string{"bug"}, MergedAt: at(15)})
}
