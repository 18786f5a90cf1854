package fakegithub

import (
	"encoding/base64"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Docs the code endpoints' errors point to.
const (
	contentsDoc   = "https://docs.github.com/rest/repos/contents#get-repository-content"
	putFileDoc    = "https://docs.github.com/rest/repos/contents#create-or-update-file-contents"
	branchesDoc   = "https://docs.github.com/rest/branches/branches#list-branches"
	createRefDoc  = "https://docs.github.com/rest/git/refs#create-a-reference"
	commitsDoc    = "https://docs.github.com/rest/commits/commits#list-commits"
	getCommitDoc  = "https://docs.github.com/rest/commits/commits#get-a-commit"
	getBlobDoc    = "https://docs.github.com/rest/git/blobs#get-a-blob"
	maxInlineBlob = 1 << 20 // bigger files come without content, as on GitHub
)

// repoURLs are the API and web addresses of a repository.
func repoURLs(repo *repoState) (api, web string) {
	full := repo.Owner + "/" + repo.Name
	return apiURL + "/repos/" + full, webURL + "/" + full
}

// escapePath escapes each segment of a slash-separated path for a URL.
func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}

// branchJSON is GitHub's "short branch".
type branchJSON struct {
	Name      string     `json:"name"`
	Commit    shaURLJSON `json:"commit"`
	Protected bool       `json:"protected"`
}

// shaURLJSON is a {"sha", "url"} pair.
type shaURLJSON struct {
	SHA string `json:"sha"`
	URL string `json:"url"`
}

// listBranches serves GET /repos/{owner}/{repo}/branches.
// https://docs.github.com/rest/branches/branches#list-branches
func (s *Server) listBranches(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", branchesDoc)
		return
	}
	c := s.code(repo)
	api, _ := repoURLs(repo)
	filter := r.URL.Query().Get("protected")
	var out []branchJSON
	for _, name := range slices.Sorted(maps.Keys(c.branches)) {
		if filter != "" && strconv.FormatBool(c.protected[name]) != filter {
			continue
		}
		out = append(out, branchJSON{Name: name, Commit: shaURLJSON{SHA: c.branches[name], URL: api + "/commits/" + c.branches[name]}, Protected: c.protected[name]})
	}
	writeJSON(w, http.StatusOK, append([]branchJSON{}, paginate(w, r, repoLinkBase(repo, r), out)...))
}

// linksJSON are a content entry's "_links".
type linksJSON struct {
	Self string  `json:"self"`
	Git  *string `json:"git"`
	HTML *string `json:"html"`
}

// contentJSON is GitHub's "content file" (with Content and Encoding) or a
// directory entry (without), in GitHub's field order.
type contentJSON struct {
	Name        string    `json:"name"`
	Path        string    `json:"path"`
	SHA         string    `json:"sha"`
	Size        int       `json:"size"`
	URL         string    `json:"url"`
	HTMLURL     *string   `json:"html_url"`
	GitURL      *string   `json:"git_url"`
	DownloadURL *string   `json:"download_url"`
	Type        string    `json:"type"`
	Content     *string   `json:"content,omitempty"`
	Encoding    string    `json:"encoding,omitempty"`
	Links       linksJSON `json:"_links"`
}

// contentEntry renders a file or directory at a ref.
func contentEntry(repo *repoState, e entry, ref string) contentJSON {
	api, web := repoURLs(repo)
	self := api + "/contents/" + escapePath(e.path) + "?ref=" + url.QueryEscape(ref)
	kind, gitKind := "blob", "blobs"
	var download *string
	if e.kind == "dir" {
		kind, gitKind = "tree", "trees"
	} else {
		download = ptr("https://raw.githubusercontent.com/" + repo.Owner + "/" + repo.Name + "/" + escapePath(ref) + "/" + escapePath(e.path))
	}
	html := ptr(web + "/" + kind + "/" + escapePath(ref) + "/" + escapePath(e.path))
	git := ptr(api + "/git/" + gitKind + "/" + e.sha)
	return contentJSON{
		Name: e.name, Path: e.path, SHA: e.sha, Size: e.size, URL: self,
		HTMLURL: html, GitURL: git, DownloadURL: download, Type: e.kind,
		Links: linksJSON{Self: self, Git: git, HTML: html},
	}
}

// base64Lines encodes b as GitHub does in contents: base64, a newline
// after every 60 characters.
func base64Lines(b []byte) string {
	enc := base64.StdEncoding.EncodeToString(b)
	var sb strings.Builder
	for len(enc) > 60 {
		sb.WriteString(enc[:60] + "\n")
		enc = enc[60:]
	}
	sb.WriteString(enc + "\n")
	return sb.String()
}

// getContents serves GET /repos/{owner}/{repo}/contents/{path}.
// https://docs.github.com/rest/repos/contents#get-repository-content
func (s *Server) getContents(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", contentsDoc)
		return
	}
	c := s.code(repo)
	ref := r.URL.Query().Get("ref")
	cm := c.resolve(repo, ref)
	if cm == nil {
		writeError(w, http.StatusNotFound, "No commit found for the ref "+ref, contentsDoc)
		return
	}
	if ref == "" {
		ref = defaultBranch(repo)
	}
	path := strings.Trim(r.PathValue("path"), "/")
	if sha, ok := cm.files[path]; ok {
		blob := c.blobs[sha]
		name := path[strings.LastIndex(path, "/")+1:]
		j := contentEntry(repo, entry{name: name, path: path, kind: "file", sha: sha, size: len(blob)}, ref)
		if len(blob) > maxInlineBlob {
			j.Content, j.Encoding = ptr(""), "none"
		} else {
			j.Content, j.Encoding = ptr(base64Lines(blob)), "base64"
		}
		writeJSON(w, http.StatusOK, j)
		return
	}
	entries, ok := c.dir(cm, path)
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found", contentsDoc)
		return
	}
	out := make([]contentJSON, 0, len(entries))
	for _, e := range entries {
		out = append(out, contentEntry(repo, e, ref))
	}
	writeJSON(w, http.StatusOK, out)
}

// blobJSON is GitHub's "blob".
type blobJSON struct {
	SHA      string `json:"sha"`
	NodeID   string `json:"node_id"`
	Size     int    `json:"size"`
	URL      string `json:"url"`
	Content  string `json:"content"`
	Encoding string `json:"encoding"`
}

// getBlob serves GET /repos/{owner}/{repo}/git/blobs/{sha}, as JSON or, for
// the raw media type, as the bytes themselves.
// https://docs.github.com/rest/git/blobs#get-a-blob
func (s *Server) getBlob(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	sha := strings.ToLower(r.PathValue("sha"))
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", getBlobDoc)
		return
	}
	blob, ok := s.code(repo).blobs[sha]
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found", getBlobDoc)
		return
	}
	if strings.Contains(r.Header.Get("Accept"), "raw") {
		w.Header().Set("Content-Type", "application/vnd.github.raw")
		w.WriteHeader(http.StatusOK)
		w.Write(blob)
		return
	}
	api, _ := repoURLs(repo)
	writeJSON(w, http.StatusOK, blobJSON{SHA: sha, NodeID: nodeID("Blob", len(sha)), Size: len(blob), URL: api + "/git/blobs/" + sha, Content: base64Lines(blob), Encoding: "base64"})
}

// putFileRequest is the body of PUT /repos/{owner}/{repo}/contents/{path}.
type putFileRequest struct {
	Message *string `json:"message"`
	Content *string `json:"content"`
	SHA     *string `json:"sha"`
	Branch  *string `json:"branch"`
}

// personJSON is a git author or committer.
type personJSON struct {
	Name  string `json:"name"`
	Email string `json:"email"`
	Date  string `json:"date"`
}

// verificationJSON says whether a commit is signed.
type verificationJSON struct {
	Verified   bool    `json:"verified"`
	Reason     string  `json:"reason"`
	Signature  *string `json:"signature"`
	Payload    *string `json:"payload"`
	VerifiedAt *string `json:"verified_at"`
}

// parentJSON is a commit's parent.
type parentJSON struct {
	SHA     string `json:"sha"`
	URL     string `json:"url"`
	HTMLURL string `json:"html_url"`
}

// gitCommitJSON is GitHub's "git commit", as PUT contents returns it.
type gitCommitJSON struct {
	SHA          string           `json:"sha"`
	NodeID       string           `json:"node_id"`
	URL          string           `json:"url"`
	HTMLURL      string           `json:"html_url"`
	Author       personJSON       `json:"author"`
	Committer    personJSON       `json:"committer"`
	Tree         shaURLJSON       `json:"tree"`
	Message      string           `json:"message"`
	Parents      []parentJSON     `json:"parents"`
	Verification verificationJSON `json:"verification"`
}

// fileCommitJSON is the answer to PUT contents.
type fileCommitJSON struct {
	Content contentJSON   `json:"content"`
	Commit  gitCommitJSON `json:"commit"`
}

// putFile serves PUT /repos/{owner}/{repo}/contents/{path}: it commits one
// file to a branch. Updating an existing file needs its current blob sha;
// a missing one is a 422 and a stale one a 409, as on GitHub.
// https://docs.github.com/rest/repos/contents#create-or-update-file-contents
func (s *Server) putFile(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", putFileDoc)
		return
	}
	if repo.Archived {
		writeError(w, http.StatusForbidden, "Repository was archived so is read-only.", putFileDoc)
		return
	}
	var req putFileRequest
	if !decodeJSONBody(w, r, putFileDoc, &req) {
		return
	}
	invalid := func(msg string) {
		writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n"+msg, putFileDoc)
	}
	switch {
	case req.Message == nil:
		invalid(`"message" wasn't supplied.`)
		return
	case req.Content == nil:
		invalid(`"content" wasn't supplied.`)
		return
	}
	content, err := base64.StdEncoding.DecodeString(*req.Content)
	if err != nil {
		invalid("content is not valid Base64")
		return
	}
	path := strings.Trim(r.PathValue("path"), "/")
	c := s.code(repo)
	branch := defaultBranch(repo)
	if req.Branch != nil && *req.Branch != "" {
		branch = strings.TrimPrefix(*req.Branch, "refs/heads/")
	}
	headSHA, ok := c.branches[branch]
	if !ok {
		writeError(w, http.StatusNotFound, "Branch "+branch+" not found", putFileDoc)
		return
	}
	head := c.commits[headSHA]
	if _, isDir := c.dir(head, path); isDir || path == "" {
		invalid(`"path" is a directory`)
		return
	}
	current, exists := head.files[path]
	given := ""
	if req.SHA != nil {
		given = *req.SHA
	}
	switch {
	case exists && given == "":
		invalid(`"sha" wasn't supplied.`)
		return
	case (exists && !strings.EqualFold(given, current)) || (!exists && given != ""):
		writeError(w, http.StatusConflict, path+" does not match "+given, putFileDoc)
		return
	}
	cm := c.commit(head, map[string][]byte{path: content}, *req.Message, s.viewer)
	c.branches[branch] = cm.sha

	name := path[strings.LastIndex(path, "/")+1:]
	out := fileCommitJSON{
		Content: contentEntry(repo, entry{name: name, path: path, kind: "file", sha: cm.files[path], size: len(content)}, branch),
		Commit:  s.gitCommitJSON(repo, cm),
	}
	// GitHub's answer has no ?ref= in the content URLs.
	out.Content.URL, _, _ = strings.Cut(out.Content.URL, "?")
	out.Content.Links.Self = out.Content.URL
	status := http.StatusOK
	if !exists {
		status = http.StatusCreated
	}
	writeJSON(w, status, out)
}

// person renders a login as a git identity at t. The caller holds s.mu.
func (s *Server) person(login string, t time.Time) personJSON {
	return personJSON{Name: login, Email: fmt.Sprintf("%d+%s@users.noreply.github.com", s.accountID(login), login), Date: timestamp(t)}
}

// parentsJSON renders a commit's parents.
func parentsJSON(repo *repoState, cm *commitState) []parentJSON {
	api, web := repoURLs(repo)
	out := []parentJSON{}
	for _, p := range cm.parents {
		out = append(out, parentJSON{SHA: p, URL: api + "/commits/" + p, HTMLURL: web + "/commit/" + p})
	}
	return out
}

// unsigned is the verification of every fake commit.
var unsigned = verificationJSON{Reason: "unsigned"}

// gitCommitJSON renders a commit as the git database sees it. The caller
// holds s.mu.
func (s *Server) gitCommitJSON(repo *repoState, cm *commitState) gitCommitJSON {
	api, web := repoURLs(repo)
	return gitCommitJSON{
		SHA:          cm.sha,
		NodeID:       nodeID("Commit", int(cm.date.Unix()%1000000)),
		URL:          api + "/git/commits/" + cm.sha,
		HTMLURL:      web + "/commit/" + cm.sha,
		Author:       s.person(cm.author, cm.date),
		Committer:    s.person(cm.author, cm.date),
		Tree:         shaURLJSON{SHA: cm.tree, URL: api + "/git/trees/" + cm.tree},
		Message:      cm.message,
		Parents:      parentsJSON(repo, cm),
		Verification: unsigned,
	}
}

// createRefRequest is the body of POST /repos/{owner}/{repo}/git/refs.
type createRefRequest struct {
	Ref *string `json:"ref"`
	SHA *string `json:"sha"`
}

// refJSON is GitHub's "git ref".
type refJSON struct {
	Ref    string        `json:"ref"`
	NodeID string        `json:"node_id"`
	URL    string        `json:"url"`
	Object refObjectJSON `json:"object"`
}

// refObjectJSON is what a ref points to.
type refObjectJSON struct {
	SHA  string `json:"sha"`
	Type string `json:"type"`
	URL  string `json:"url"`
}

// createRef serves POST /repos/{owner}/{repo}/git/refs for branches
// (refs/heads/...) and lightweight tags (refs/tags/...).
// https://docs.github.com/rest/git/refs#create-a-reference
func (s *Server) createRef(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", createRefDoc)
		return
	}
	if repo.Archived {
		writeError(w, http.StatusForbidden, "Repository was archived so is read-only.", createRefDoc)
		return
	}
	var req createRefRequest
	if !decodeJSONBody(w, r, createRefDoc, &req) {
		return
	}
	invalid := func(msg string) { writeError(w, http.StatusUnprocessableEntity, msg, createRefDoc) }
	if req.Ref == nil || req.SHA == nil {
		invalid("Invalid request.\n\n\"ref\" and \"sha\" are required.")
		return
	}
	ref := *req.Ref
	if !strings.HasPrefix(ref, "refs/") || strings.Count(ref, "/") < 2 {
		invalid("Reference name must start with 'refs/' and have at least two slashes.")
		return
	}
	c := s.code(repo)
	cm := c.commits[strings.ToLower(*req.SHA)]
	if cm == nil {
		invalid("Object does not exist")
		return
	}
	var refs map[string]string
	var name string
	switch {
	case strings.HasPrefix(ref, "refs/heads/"):
		refs, name = c.branches, strings.TrimPrefix(ref, "refs/heads/")
	case strings.HasPrefix(ref, "refs/tags/"):
		refs, name = c.tags, strings.TrimPrefix(ref, "refs/tags/")
	default:
		invalid("Reference name must start with 'refs/heads/' or 'refs/tags/' in this fake.")
		return
	}
	if _, ok := refs[name]; ok {
		invalid("Reference already exists")
		return
	}
	refs[name] = cm.sha
	api, _ := repoURLs(repo)
	j := refJSON{
		Ref:    ref,
		NodeID: nodeID("Ref", len(c.branches)+len(c.tags)),
		URL:    api + "/git/" + escapePath(ref),
		Object: refObjectJSON{SHA: cm.sha, Type: "commit", URL: api + "/git/commits/" + cm.sha},
	}
	w.Header().Set("Location", j.URL)
	writeJSON(w, http.StatusCreated, j)
}

// commitDataJSON is the "commit" inside GitHub's commit object.
type commitDataJSON struct {
	Author       personJSON       `json:"author"`
	Committer    personJSON       `json:"committer"`
	Message      string           `json:"message"`
	Tree         shaURLJSON       `json:"tree"`
	URL          string           `json:"url"`
	CommentCount int              `json:"comment_count"`
	Verification verificationJSON `json:"verification"`
}

// commitJSON is GitHub's "commit"; Stats and Files only in a single commit.
type commitJSON struct {
	SHA         string         `json:"sha"`
	NodeID      string         `json:"node_id"`
	Commit      commitDataJSON `json:"commit"`
	URL         string         `json:"url"`
	HTMLURL     string         `json:"html_url"`
	CommentsURL string         `json:"comments_url"`
	Author      *userJSON      `json:"author"`
	Committer   *userJSON      `json:"committer"`
	Parents     []parentJSON   `json:"parents"`
	Stats       *statsJSON     `json:"stats,omitempty"`
	Files       []fileDiffJSON `json:"files,omitempty"`
}

// statsJSON counts a commit's changed lines.
type statsJSON struct {
	Total     int `json:"total"`
	Additions int `json:"additions"`
	Deletions int `json:"deletions"`
}

// fileDiffJSON is GitHub's "diff entry".
type fileDiffJSON struct {
	SHA              *string `json:"sha"`
	Filename         string  `json:"filename"`
	Status           string  `json:"status"`
	Additions        int     `json:"additions"`
	Deletions        int     `json:"deletions"`
	Changes          int     `json:"changes"`
	BlobURL          string  `json:"blob_url"`
	RawURL           string  `json:"raw_url"`
	ContentsURL      string  `json:"contents_url"`
	Patch            *string `json:"patch,omitempty"`
	PreviousFilename *string `json:"previous_filename,omitempty"`
}

// commitJSON renders a commit. The caller holds s.mu.
func (s *Server) commitJSON(repo *repoState, cm *commitState) commitJSON {
	api, web := repoURLs(repo)
	author := s.simpleUser(cm.author)
	return commitJSON{
		SHA:    cm.sha,
		NodeID: nodeID("Commit", int(cm.date.Unix()%1000000)),
		Commit: commitDataJSON{
			Author:       s.person(cm.author, cm.date),
			Committer:    s.person(cm.author, cm.date),
			Message:      cm.message,
			Tree:         shaURLJSON{SHA: cm.tree, URL: api + "/git/trees/" + cm.tree},
			URL:          api + "/git/commits/" + cm.sha,
			Verification: unsigned,
		},
		URL:         api + "/commits/" + cm.sha,
		HTMLURL:     web + "/commit/" + cm.sha,
		CommentsURL: api + "/commits/" + cm.sha + "/comments",
		Author:      &author,
		Committer:   &author,
		Parents:     parentsJSON(repo, cm),
	}
}

// listCommits serves GET /repos/{owner}/{repo}/commits with the sha, path,
// author, since and until filters.
// https://docs.github.com/rest/commits/commits#list-commits
func (s *Server) listCommits(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", commitsDoc)
		return
	}
	c := s.code(repo)
	q := r.URL.Query()
	start := c.resolve(repo, q.Get("sha"))
	if start == nil {
		writeError(w, http.StatusNotFound, "No commit found for SHA: "+q.Get("sha"), commitsDoc)
		return
	}
	var bounds [2]time.Time
	for i, name := range []string{"since", "until"} {
		if v := q.Get(name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n"+strconv.Quote(name)+" is not a timestamp.", commitsDoc)
				return
			}
			bounds[i] = t
		}
	}
	path := strings.Trim(q.Get("path"), "/")
	author := q.Get("author")
	var out []commitJSON
	for _, cm := range c.history(start) {
		switch {
		case path != "" && !c.touches(cm, path),
			author != "" && !strings.EqualFold(author, cm.author) && !strings.EqualFold(author, s.person(cm.author, cm.date).Email),
			!bounds[0].IsZero() && cm.date.Before(bounds[0]),
			!bounds[1].IsZero() && cm.date.After(bounds[1]):
			continue
		}
		out = append(out, s.commitJSON(repo, cm))
	}
	writeJSON(w, http.StatusOK, append([]commitJSON{}, paginate(w, r, repoLinkBase(repo, r), out)...))
}

// getCommit serves GET /repos/{owner}/{repo}/commits/{ref}: the commit with
// its stats and changed files (paginated, 300 a page by default), or just
// its SHA for the application/vnd.github.sha media type.
// https://docs.github.com/rest/commits/commits#get-a-commit
func (s *Server) getCommit(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", getCommitDoc)
		return
	}
	c := s.code(repo)
	ref := r.PathValue("ref")
	cm := c.resolve(repo, ref)
	if cm == nil {
		writeError(w, http.StatusUnprocessableEntity, "No commit found for SHA: "+ref, getCommitDoc)
		return
	}
	if strings.Contains(r.Header.Get("Accept"), "sha") {
		w.Header().Set("Content-Type", "application/vnd.github.sha; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		w.Write([]byte(cm.sha))
		return
	}
	j := s.commitJSON(repo, cm)
	files, stats := c.diff(repo, cm)
	j.Stats = &stats
	if r.URL.Query().Get("per_page") == "" {
		q := r.URL.Query()
		q.Set("per_page", "300")
		r.URL.RawQuery = q.Encode()
	}
	j.Files = append([]fileDiffJSON{}, paginate(w, r, repoLinkBase(repo, r), files)...)
	writeJSON(w, http.StatusOK, j)
}

// diff lists the files a commit changed against its first parent, sorted
// by name, with their patches, and the commit's totals.
func (c *codeState) diff(repo *repoState, cm *commitState) ([]fileDiffJSON, statsJSON) {
	var before map[string]string
	if p := c.parent(cm); p != nil {
		before = p.files
	}
	paths := map[string]bool{}
	for p, sha := range cm.files {
		if before[p] != sha {
			paths[p] = true
		}
	}
	for p := range before {
		if _, ok := cm.files[p]; !ok {
			paths[p] = true
		}
	}
	api, web := repoURLs(repo)
	var files []fileDiffJSON
	var stats statsJSON
	for _, p := range slices.Sorted(maps.Keys(paths)) {
		oldSHA, hadOld := before[p]
		newSHA, hasNew := cm.files[p]
		f := fileDiffJSON{Filename: p, Status: "modified"}
		switch {
		case !hadOld:
			f.Status = "added"
		case !hasNew:
			f.Status = "removed"
			newSHA = oldSHA
		}
		f.SHA = ptr(newSHA)
		var oldText, newText []byte
		if hadOld {
			oldText = c.blobs[oldSHA]
		}
		if hasNew {
			newText = c.blobs[cm.files[p]]
		}
		patch, adds, dels := unifiedDiff(string(oldText), string(newText))
		f.Additions, f.Deletions, f.Changes = adds, dels, adds+dels
		if patch != "" {
			f.Patch = &patch
		}
		f.BlobURL = web + "/blob/" + cm.sha + "/" + escapePath(p)
		f.RawURL = web + "/raw/" + cm.sha + "/" + escapePath(p)
		f.ContentsURL = api + "/contents/" + escapePath(p) + "?ref=" + cm.sha
		files = append(files, f)
		stats.Additions += adds
		stats.Deletions += dels
	}
	stats.Total = stats.Additions + stats.Deletions
	return files, stats
}

// unifiedDiff is the body of a unified diff from a to b with three lines
// of context, as GitHub's "patch" (hunks only, no file header), and the
// numbers of added and removed lines.
func unifiedDiff(a, b string) (patch string, adds, dels int) {
	x, y := splitLines(a), splitLines(b)
	// Longest common subsequence, by dynamic programming: fine for the
	// small files of a test.
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type op struct {
		kind byte // ' ', '-' or '+'
		text string
	}
	var ops []op
	i, j := 0, 0
	for i < len(x) || j < len(y) {
		switch {
		case i < len(x) && j < len(y) && x[i] == y[j]:
			ops = append(ops, op{' ', x[i]})
			i++
			j++
		case i < len(x) && (j == len(y) || lcs[i+1][j] >= lcs[i][j+1]):
			ops = append(ops, op{'-', x[i]})
			dels++
			i++
		default:
			ops = append(ops, op{'+', y[j]})
			adds++
			j++
		}
	}
	const context = 3
	var b2 strings.Builder
	for k := 0; k < len(ops); {
		if ops[k].kind == ' ' {
			k++
			continue
		}
		// A hunk: from context lines before the change to context lines
		// after the last change that is within 2*context of the next.
		start := max(0, k-context)
		end := k
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*context {
				end = min(end+context, len(ops))
				break
			}
			end = run
		}
		oldStart, newStart := 1, 1
		for _, o := range ops[:start] {
			if o.kind != '+' {
				oldStart++
			}
			if o.kind != '-' {
				newStart++
			}
		}
		var oldN, newN int
		var body strings.Builder
		for _, o := range ops[start:end] {
			if o.kind != '+' {
				oldN++
			}
			if o.kind != '-' {
				newN++
			}
			body.WriteString(string(o.kind) + o.text + "\n")
		}
		if oldN == 0 {
			oldStart--
		}
		if newN == 0 {
			newStart--
		}
		fmt.Fprintf(&b2, "@@ -%d,%d +%d,%d @@\n%s", oldStart, oldN, newStart, newN, body.String())
		k = end
	}
	return strings.TrimSuffix(b2.String(), "\n"), adds, dels
}

// splitLines splits text into lines without their newlines.
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
