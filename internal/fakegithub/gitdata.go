package fakegithub

import (
	"encoding/base64"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// The git data API (blobs, trees, commits, refs), file deletion through
// the contents API, and tags.
//
// They act on the same branch model as the contents API: codeState
// (git.go), whose branches are the ones get_file_contents reads and
// create_or_update_file writes. Pull requests keep branches of their own
// (pulls.go); a branch moved here does not move a pull request's head.

const (
	gitDataDoc   = "https://docs.github.com/rest/git"
	deleteDoc    = "https://docs.github.com/rest/repos/contents#delete-a-file"
	listTagsDoc  = "https://docs.github.com/rest/repos/repos#list-repository-tags"
	notFastFwd   = "Update is not a fast forward"
	treeModeFile = "100644"
)

// createBlob serves POST /repos/{owner}/{repo}/git/blobs.
// https://docs.github.com/rest/git/blobs#create-a-blob
func (s *Server) createBlob(w http.ResponseWriter, r *http.Request) {
	const doc = gitDataDoc + "/blobs#create-a-blob"
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	var req struct {
		Content  *string `json:"content"`
		Encoding string  `json:"encoding"`
	}
	if !decodeJSONBody(w, r, doc, &req) {
		return
	}
	if req.Content == nil {
		writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"content\" wasn't supplied.", doc)
		return
	}
	content := []byte(*req.Content)
	switch req.Encoding {
	case "", "utf-8":
	case "base64":
		var err error
		if content, err = base64.StdEncoding.DecodeString(*req.Content); err != nil {
			writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\ncontent is not valid Base64", doc)
			return
		}
	default:
		writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\nencoding must be utf-8 or base64", doc)
		return
	}
	sha := blobSHA(content)
	s.code(repo).blobs[sha] = content
	api, _ := repoURLs(repo)
	writeJSON(w, http.StatusCreated, shaURLJSON{SHA: sha, URL: api + "/git/blobs/" + sha})
}

// treeFiles returns the files of a tree SHA: a commit's tree, or one made
// with createTree. The caller holds s.mu.
func (s *Server) treeFiles(repo *repoState, sha string) (map[string]string, bool) {
	sha = strings.ToLower(sha)
	if files, ok := s.extra.trees[repoKey(repo.Owner, repo.Name)+" "+sha]; ok {
		return files, true
	}
	for _, cm := range s.code(repo).commits {
		if cm.tree == sha {
			return cm.files, true
		}
	}
	return nil, false
}

// rememberTree records a tree's files under their SHA.
func (s *Server) rememberTree(repo *repoState, files map[string]string) string {
	sha := treeSHA(files)
	if s.extra.trees == nil {
		s.extra.trees = map[string]map[string]string{}
	}
	s.extra.trees[repoKey(repo.Owner, repo.Name)+" "+sha] = files
	return sha
}

// treeEntryJSON is one entry of GitHub's "git tree".
type treeEntryJSON struct {
	Path string `json:"path"`
	Mode string `json:"mode"`
	Type string `json:"type"`
	SHA  string `json:"sha"`
	Size *int   `json:"size,omitempty"`
	URL  string `json:"url"`
}

// treeJSON is GitHub's "git tree".
type treeJSON struct {
	SHA       string          `json:"sha"`
	URL       string          `json:"url"`
	Tree      []treeEntryJSON `json:"tree"`
	Truncated bool            `json:"truncated"`
}

// renderTree lists a tree's entries as GitHub does: directories as tree
// entries, sorted by path; recursive lists every level, otherwise only the
// top one.
func (s *Server) renderTree(repo *repoState, sha string, files map[string]string, recursive bool) treeJSON {
	api, _ := repoURLs(repo)
	c := s.code(repo)
	entries := map[string]treeEntryJSON{}
	for p, blob := range files {
		parts := strings.Split(p, "/")
		for i := 1; i < len(parts); i++ {
			dir := strings.Join(parts[:i], "/")
			if _, ok := entries[dir]; !ok && (recursive || i == 1) {
				sub := treeSHA(subtree(files, dir))
				entries[dir] = treeEntryJSON{Path: dir, Mode: "040000", Type: "tree", SHA: sub, URL: api + "/git/trees/" + sub}
			}
		}
		if recursive || len(parts) == 1 {
			entries[p] = treeEntryJSON{Path: p, Mode: treeModeFile, Type: "blob", SHA: blob, Size: ptr(len(c.blobs[blob])), URL: api + "/git/blobs/" + blob}
		}
	}
	out := treeJSON{SHA: sha, URL: api + "/git/trees/" + sha, Tree: []treeEntryJSON{}}
	for _, p := range slices.Sorted(maps.Keys(entries)) {
		out.Tree = append(out.Tree, entries[p])
	}
	return out
}

// getTree serves GET /repos/{owner}/{repo}/git/trees/{tree_sha}: a tree
// SHA, or a branch, tag, commit SHA or HEAD naming a commit's tree;
// recursive=1 (any value) lists every level.
// https://docs.github.com/rest/git/trees#get-a-tree
func (s *Server) getTree(w http.ResponseWriter, r *http.Request) {
	const doc = gitDataDoc + "/trees#get-a-tree"
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	ref := r.PathValue("sha")
	files, ok := s.treeFiles(repo, ref)
	sha := strings.ToLower(ref)
	if !ok {
		if ref == "HEAD" {
			ref = ""
		}
		cm := s.code(repo).resolve(repo, ref)
		if cm == nil {
			writeError(w, http.StatusNotFound, "Not Found", doc)
			return
		}
		files, sha = cm.files, cm.tree
	}
	writeJSON(w, http.StatusOK, s.renderTree(repo, sha, files, r.URL.Query().Get("recursive") != ""))
}

// createTree serves POST /repos/{owner}/{repo}/git/trees: base_tree's files
// with the entries applied (a blob sha or inline content; a null sha
// deletes the path). Entries of type tree are not supported by the fake.
// https://docs.github.com/rest/git/trees#create-a-tree
func (s *Server) createTree(w http.ResponseWriter, r *http.Request) {
	const doc = gitDataDoc + "/trees#create-a-tree"
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	var req struct {
		BaseTree string `json:"base_tree"`
		Tree     []struct {
			Path    string  `json:"path"`
			Mode    string  `json:"mode"`
			Type    string  `json:"type"`
			SHA     *string `json:"sha"`
			Content *string `json:"content"`
		} `json:"tree"`
	}
	if !decodeJSONBody(w, r, doc, &req) {
		return
	}
	c := s.code(repo)
	files := map[string]string{}
	if req.BaseTree != "" {
		base, ok := s.treeFiles(repo, req.BaseTree)
		if !ok {
			writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\nbase_tree is not a valid tree", doc)
			return
		}
		maps.Copy(files, base)
	}
	for _, e := range req.Tree {
		switch {
		case e.Path == "" || strings.HasPrefix(e.Path, "/") || strings.Contains(e.Path, "//"):
			writeValidationFailed(w, doc, pullError{Resource: "Tree", Field: "path", Code: "invalid"})
			return
		case e.Type != "" && e.Type != "blob":
			writeError(w, http.StatusUnprocessableEntity, "tree entries of type "+e.Type+" are not supported by the fake", doc)
			return
		case e.Content != nil:
			content := []byte(*e.Content)
			sha := blobSHA(content)
			c.blobs[sha] = content
			files[e.Path] = sha
		case e.SHA == nil:
			delete(files, e.Path)
		default:
			sha := strings.ToLower(*e.SHA)
			if _, ok := c.blobs[sha]; !ok {
				writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\ntree.sha "+sha+" is not a valid blob", doc)
				return
			}
			files[e.Path] = sha
		}
	}
	sha := s.rememberTree(repo, files)
	writeJSON(w, http.StatusCreated, s.renderTree(repo, sha, files, true))
}

// getGitCommit serves GET /repos/{owner}/{repo}/git/commits/{commit_sha}.
// https://docs.github.com/rest/git/commits#get-a-commit-object
func (s *Server) getGitCommit(w http.ResponseWriter, r *http.Request) {
	const doc = gitDataDoc + "/commits#get-a-commit-object"
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	cm := s.code(repo).commits[strings.ToLower(r.PathValue("sha"))]
	if cm == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	writeJSON(w, http.StatusOK, s.gitCommitJSON(repo, cm))
}

// createGitCommit serves POST /repos/{owner}/{repo}/git/commits: a commit
// of a tree on its first parent, authored by the viewer. No ref moves.
// https://docs.github.com/rest/git/commits#create-a-commit
func (s *Server) createGitCommit(w http.ResponseWriter, r *http.Request) {
	const doc = gitDataDoc + "/commits#create-a-commit"
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	var req struct {
		Message *string  `json:"message"`
		Tree    string   `json:"tree"`
		Parents []string `json:"parents"`
	}
	if !decodeJSONBody(w, r, doc, &req) {
		return
	}
	if req.Message == nil || req.Tree == "" {
		writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"message\" and \"tree\" are required.", doc)
		return
	}
	c := s.code(repo)
	files, ok := s.treeFiles(repo, req.Tree)
	if !ok {
		writeError(w, http.StatusUnprocessableEntity, "Tree SHA does not exist", doc)
		return
	}
	var parent *commitState
	if len(req.Parents) > 0 {
		if parent = c.commits[strings.ToLower(req.Parents[0])]; parent == nil {
			writeError(w, http.StatusUnprocessableEntity, "Parent SHA does not exist or is not a commit object", doc)
			return
		}
	}
	changes := map[string][]byte{}
	var before map[string]string
	if parent != nil {
		before = parent.files
	}
	for p, sha := range files {
		if before[p] != sha {
			changes[p] = c.blobs[sha]
		}
	}
	for p := range before {
		if _, ok := files[p]; !ok {
			changes[p] = nil
		}
	}
	cm := c.commit(parent, changes, *req.Message, s.viewer)
	writeJSON(w, http.StatusCreated, s.gitCommitJSON(repo, cm))
}

// refsOf splits "heads/NAME" or "tags/NAME" (with or without "refs/")
// into the map holding it and the name.
func refsOf(c *codeState, ref string) (map[string]string, string, bool) {
	ref = strings.TrimPrefix(ref, "refs/")
	if name, ok := strings.CutPrefix(ref, "heads/"); ok {
		return c.branches, name, true
	}
	if name, ok := strings.CutPrefix(ref, "tags/"); ok {
		return c.tags, name, true
	}
	return nil, "", false
}

// refBody renders a ref.
func refBody(repo *repoState, c *codeState, ref, sha string) refJSON {
	api, _ := repoURLs(repo)
	return refJSON{
		Ref:    "refs/" + strings.TrimPrefix(ref, "refs/"),
		NodeID: nodeID("Ref", len(c.branches)+len(c.tags)),
		URL:    api + "/git/refs/" + escapePath(strings.TrimPrefix(ref, "refs/")),
		Object: refObjectJSON{SHA: sha, Type: "commit", URL: api + "/git/commits/" + sha},
	}
}

// getRef serves GET /repos/{owner}/{repo}/git/ref/{ref}.
// https://docs.github.com/rest/git/refs#get-a-reference
func (s *Server) getRef(w http.ResponseWriter, r *http.Request) {
	const doc = gitDataDoc + "/refs#get-a-reference"
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	c := s.code(repo)
	refs, name, ok := refsOf(c, r.PathValue("ref"))
	sha, found := refs[name]
	if !ok || !found {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	writeJSON(w, http.StatusOK, refBody(repo, c, r.PathValue("ref"), sha))
}

// updateRef serves PATCH /repos/{owner}/{repo}/git/refs/{ref}: without
// force, only a fast-forward (the new commit descends from the ref's
// commit) is accepted; anything else is GitHub's 422.
// https://docs.github.com/rest/git/refs#update-a-reference
func (s *Server) updateRef(w http.ResponseWriter, r *http.Request) {
	const doc = gitDataDoc + "/refs#update-a-reference"
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	if repo.Archived {
		writeError(w, http.StatusForbidden, "Repository was archived so is read-only.", doc)
		return
	}
	var req struct {
		SHA   string `json:"sha"`
		Force bool   `json:"force"`
	}
	if !decodeJSONBody(w, r, doc, &req) {
		return
	}
	c := s.code(repo)
	refs, name, ok := refsOf(c, r.PathValue("ref"))
	old, found := refs[name]
	if !ok || !found {
		writeError(w, http.StatusUnprocessableEntity, "Reference does not exist", doc)
		return
	}
	cm := c.commits[strings.ToLower(req.SHA)]
	if cm == nil {
		writeError(w, http.StatusUnprocessableEntity, "Object does not exist", doc)
		return
	}
	if !req.Force && !slices.ContainsFunc(c.history(cm), func(h *commitState) bool { return h.sha == old }) {
		writeError(w, http.StatusUnprocessableEntity, notFastFwd, doc)
		return
	}
	refs[name] = cm.sha
	writeJSON(w, http.StatusOK, refBody(repo, c, r.PathValue("ref"), cm.sha))
}

// deleteFile serves DELETE /repos/{owner}/{repo}/contents/{path}: the
// file's current blob sha is required (422 without, 409 when stale).
// https://docs.github.com/rest/repos/contents#delete-a-file
func (s *Server) deleteFile(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", deleteDoc)
		return
	}
	if repo.Archived {
		writeError(w, http.StatusForbidden, "Repository was archived so is read-only.", deleteDoc)
		return
	}
	var req struct {
		Message *string `json:"message"`
		SHA     *string `json:"sha"`
		Branch  string  `json:"branch"`
	}
	if !decodeJSONBody(w, r, deleteDoc, &req) {
		return
	}
	switch {
	case req.Message == nil:
		writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"message\" wasn't supplied.", deleteDoc)
		return
	case req.SHA == nil:
		writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\n\"sha\" wasn't supplied.", deleteDoc)
		return
	}
	c := s.code(repo)
	branch := defaultBranch(repo)
	if req.Branch != "" {
		branch = strings.TrimPrefix(req.Branch, "refs/heads/")
	}
	headSHA, ok := c.branches[branch]
	if !ok {
		writeError(w, http.StatusNotFound, "Branch "+branch+" not found", deleteDoc)
		return
	}
	head := c.commits[headSHA]
	path := strings.Trim(r.PathValue("path"), "/")
	current, exists := head.files[path]
	switch {
	case !exists:
		writeError(w, http.StatusNotFound, "Not Found", deleteDoc)
		return
	case !strings.HasPrefix(current, strings.ToLower(*req.SHA)) || len(*req.SHA) < 7:
		writeError(w, http.StatusConflict, path+" does not match "+*req.SHA, deleteDoc)
		return
	}
	cm := c.commit(head, map[string][]byte{path: nil}, *req.Message, s.viewer)
	c.branches[branch] = cm.sha
	writeJSON(w, http.StatusOK, struct {
		Content *contentJSON  `json:"content"`
		Commit  gitCommitJSON `json:"commit"`
	}{Commit: s.gitCommitJSON(repo, cm)})
}

// tagJSON is GitHub's "tag" in a tag list.
type tagJSON struct {
	Name       string     `json:"name"`
	Commit     shaURLJSON `json:"commit"`
	ZipballURL string     `json:"zipball_url"`
	TarballURL string     `json:"tarball_url"`
	NodeID     string     `json:"node_id"`
}

// listTags serves GET /repos/{owner}/{repo}/tags, names in reverse order
// as GitHub lists them (newest version first, for most schemes).
// https://docs.github.com/rest/repos/repos#list-repository-tags
func (s *Server) listTags(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", listTagsDoc)
		return
	}
	c := s.code(repo)
	api, _ := repoURLs(repo)
	names := slices.Collect(maps.Keys(c.tags))
	sort.Sort(sort.Reverse(sort.StringSlice(names)))
	out := []tagJSON{}
	for i, name := range paginate(w, r, repoLinkBase(repo, r), names) {
		sha := c.tags[name]
		out = append(out, tagJSON{
			Name: name, Commit: shaURLJSON{SHA: sha, URL: api + "/commits/" + sha},
			ZipballURL: api + "/zipball/refs/tags/" + escapePath(name), TarballURL: api + "/tarball/refs/tags/" + escapePath(name),
			NodeID: nodeID("Ref", i+1),
		})
	}
	writeJSON(w, http.StatusOK, out)
}
