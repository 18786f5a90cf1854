package fakegithub

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"
)

// The code side of a repository: content-addressed blobs, commits that
// each hold their whole tree, branches, tags and releases.
//
// A repository's history starts on first use with one commit on its
// default branch that adds README.md ("# NAME\n\nDESCRIPTION\n"), authored
// by the owner at the repository's pushed_at (or creation) time. History
// has its own clock so that SHAs are the same on every run: each new commit
// is dated one minute after the newest one. Blob SHAs are git's own (what
// `git hash-object` prints); commit and tree SHAs are stable hashes of their
// contents, not git's encoding.

// codeState is a repository's history and releases.
type codeState struct {
	blobs     map[string][]byte       // blob sha -> content
	commits   map[string]*commitState // commit sha -> commit
	branches  map[string]string       // branch name -> commit sha
	protected map[string]bool         // protected branch names
	tags      map[string]string       // tag name -> commit sha
	releases  []*releaseState         // in creation order
	clock     time.Time               // date of the newest commit
}

// commitState is one commit with its full tree.
type commitState struct {
	sha     string
	tree    string
	parents []string
	message string
	author  string // login
	date    time.Time
	files   map[string]string // path -> blob sha
}

// code returns a repository's history, creating the first commit on first
// use. The caller holds s.mu.
func (s *Server) code(repo *repoState) *codeState {
	if repo.code != nil {
		return repo.code
	}
	start := createdAt
	if !repo.PushedAt.IsZero() {
		start = repo.PushedAt
	}
	c := &codeState{
		blobs:     map[string][]byte{},
		commits:   map[string]*commitState{},
		branches:  map[string]string{},
		protected: map[string]bool{},
		tags:      map[string]string{},
		clock:     start.Add(-time.Minute),
	}
	repo.code = c
	readme := "# " + repo.Name + "\n"
	if repo.Description != "" {
		readme += "\n" + repo.Description + "\n"
	}
	first := c.commit(nil, map[string][]byte{"README.md": []byte(readme)}, "Initial commit", repo.Owner)
	c.branches[defaultBranch(repo)] = first.sha
	return c
}

// commit records a new commit whose tree is parent's with changes applied
// (a nil content deletes the path) and returns it. No ref moves.
func (c *codeState) commit(parent *commitState, changes map[string][]byte, message, author string) *commitState {
	files := map[string]string{}
	var parents []string
	if parent != nil {
		maps.Copy(files, parent.files)
		parents = []string{parent.sha}
	}
	for path, content := range changes {
		if content == nil {
			delete(files, path)
			continue
		}
		sha := blobSHA(content)
		c.blobs[sha] = content
		files[path] = sha
	}
	c.clock = c.clock.Add(time.Minute)
	cm := &commitState{tree: treeSHA(files), parents: parents, message: message, author: author, date: c.clock, files: files}
	cm.sha = hashHex(fmt.Sprintf("commit\ntree %s\nparents %s\nauthor %s %d\n\n%s", cm.tree, strings.Join(parents, " "), author, cm.date.Unix(), message))
	c.commits[cm.sha] = cm
	return cm
}

// resolve finds the commit a ref names: a branch, a tag, a full SHA or an
// unambiguous SHA prefix of at least 7 hex digits. "" is the default
// branch.
func (c *codeState) resolve(repo *repoState, ref string) *commitState {
	if ref == "" {
		ref = defaultBranch(repo)
	}
	ref = strings.TrimPrefix(ref, "refs/")
	if sha, ok := c.branches[strings.TrimPrefix(ref, "heads/")]; ok {
		return c.commits[sha]
	}
	if sha, ok := c.tags[strings.TrimPrefix(ref, "tags/")]; ok {
		return c.commits[sha]
	}
	if cm := c.commits[strings.ToLower(ref)]; cm != nil {
		return cm
	}
	if len(ref) < 7 || !isHex(ref) {
		return nil
	}
	var found *commitState
	for sha, cm := range c.commits {
		if strings.HasPrefix(sha, strings.ToLower(ref)) {
			if found != nil {
				return nil // ambiguous
			}
			found = cm
		}
	}
	return found
}

// history lists the commits reachable from start, newest first (by date,
// then SHA, so the order is stable).
func (c *codeState) history(start *commitState) []*commitState {
	seen := map[string]bool{}
	var out []*commitState
	queue := []*commitState{start}
	for len(queue) > 0 {
		cm := queue[0]
		queue = queue[1:]
		if cm == nil || seen[cm.sha] {
			continue
		}
		seen[cm.sha] = true
		out = append(out, cm)
		for _, p := range cm.parents {
			queue = append(queue, c.commits[p])
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].date.Equal(out[j].date) {
			return out[i].date.After(out[j].date)
		}
		return out[i].sha < out[j].sha
	})
	return out
}

// parent returns a commit's first parent, or nil for a root commit.
func (c *codeState) parent(cm *commitState) *commitState {
	if len(cm.parents) == 0 {
		return nil
	}
	return c.commits[cm.parents[0]]
}

// entry is one name in a directory of a commit's tree.
type entry struct {
	name, path, kind string // kind is "file" or "dir"
	sha              string
	size             int
}

// dir lists the directory at path ("" is the root) in a commit's tree,
// sorted by name, and reports whether it exists.
func (c *codeState) dir(cm *commitState, path string) ([]entry, bool) {
	prefix := ""
	if path != "" {
		prefix = path + "/"
	}
	byName := map[string]entry{}
	for p, sha := range cm.files {
		rest, ok := strings.CutPrefix(p, prefix)
		if !ok {
			continue
		}
		name, _, isDir := strings.Cut(rest, "/")
		if isDir {
			sub := prefix + name
			byName[name] = entry{name: name, path: sub, kind: "dir", sha: treeSHA(subtree(cm.files, sub))}
			continue
		}
		byName[name] = entry{name: name, path: p, kind: "file", sha: sha, size: len(c.blobs[sha])}
	}
	if len(byName) == 0 && path != "" {
		return nil, false
	}
	out := make([]entry, 0, len(byName))
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		out = append(out, byName[name])
	}
	return out, true
}

// subtree returns the files under dir, keyed by their full path.
func subtree(files map[string]string, dir string) map[string]string {
	out := map[string]string{}
	for p, sha := range files {
		if strings.HasPrefix(p, dir+"/") {
			out[p] = sha
		}
	}
	return out
}

// touches reports whether a commit changed path (a file, or anything
// under a directory) compared with its first parent.
func (c *codeState) touches(cm *commitState, path string) bool {
	var before map[string]string
	if p := c.parent(cm); p != nil {
		before = p.files
	}
	in := func(p string) bool { return p == path || strings.HasPrefix(p, path+"/") }
	for p, sha := range cm.files {
		if in(p) && before[p] != sha {
			return true
		}
	}
	for p := range before {
		if _, ok := cm.files[p]; in(p) && !ok {
			return true
		}
	}
	return false
}

// blobSHA is git's object id of a blob.
func blobSHA(content []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(content))
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

// treeSHA is a stable id of a set of files.
func treeSHA(files map[string]string) string {
	var b strings.Builder
	b.WriteString("tree\n")
	for _, p := range slices.Sorted(maps.Keys(files)) {
		b.WriteString(p + " " + files[p] + "\n")
	}
	return hashHex(b.String())
}

// hashHex is the hex SHA-1 of s.
func hashHex(s string) string {
	sum := sha1.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// isHex reports whether s is all hexadecimal digits.
func isHex(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return s != ""
}

// AddFile commits content at path on an existing branch of owner/repo
// (branch "" is the default branch), authored by the viewer, and returns
// the new commit's SHA. It panics if the repository or branch is missing.
func (s *Server) AddFile(owner, repo, branch, path string, content []byte, message string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.mustRepo("AddFile", owner, repo)
	c := s.code(st)
	if branch == "" {
		branch = defaultBranch(st)
	}
	head, ok := c.branches[branch]
	if !ok {
		panic(fmt.Sprintf("fakegithub: AddFile: no branch %q in %s/%s", branch, owner, repo))
	}
	cm := c.commit(c.commits[head], map[string][]byte{path: slices.Clone(content)}, message, s.viewer)
	c.branches[branch] = cm.sha
	return cm.sha
}

// AddBranch creates branch name at the commit ref names (a branch, tag or
// SHA; "" is the default branch). It panics if the repository or ref is
// missing.
func (s *Server) AddBranch(owner, repo, name, ref string, protected bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.mustRepo("AddBranch", owner, repo)
	c := s.code(st)
	cm := c.resolve(st, ref)
	if cm == nil {
		panic(fmt.Sprintf("fakegithub: AddBranch: no ref %q in %s/%s", ref, owner, repo))
	}
	c.branches[name] = cm.sha
	c.protected[name] = protected
}

// File returns the content of path at ref (a branch, tag or SHA; "" is the
// default branch) in owner/repo, and whether it exists.
func (s *Server) File(owner, repo, ref, path string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.repos[repoKey(owner, repo)]
	if st == nil {
		return nil, false
	}
	c := s.code(st)
	cm := c.resolve(st, ref)
	if cm == nil {
		return nil, false
	}
	sha, ok := cm.files[path]
	if !ok {
		return nil, false
	}
	return slices.Clone(c.blobs[sha]), true
}

// Commits returns "SHA7 first line of the message" for each commit reachable from ref
// ("" is the default branch), newest first, or nil if there is no such
// repository or ref.
func (s *Server) Commits(owner, repo, ref string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.repos[repoKey(owner, repo)]
	if st == nil {
		return nil
	}
	c := s.code(st)
	cm := c.resolve(st, ref)
	if cm == nil {
		return nil
	}
	var out []string
	for _, h := range c.history(cm) {
		first, _, _ := strings.Cut(h.message, "\n")
		out = append(out, h.sha[:7]+" "+first)
	}
	return out
}

// mustRepo returns a repository for an exported helper, or panics with the
// fix. The caller holds s.mu.
func (s *Server) mustRepo(fn, owner, repo string) *repoState {
	st := s.repos[repoKey(owner, repo)]
	if st == nil {
		panic(fmt.Sprintf("fakegithub: %s: no repository %s/%s; call AddRepo first", fn, owner, repo))
	}
	return st
}

// cmdFile runs "file add OWNER/NAME PATH TEXT [branch=BRANCH]" and prints
// the commit's SHA.
func (s *Server) cmdFile(args []string) (string, error) {
	words, text, opts, err := cmdOptions("file", args, 3, "branch")
	if err != nil {
		return "", err
	}
	if words[0] != "add" || text == "" {
		return "", usage("file")
	}
	owner, repo, err := s.cmdRepoArg("file", words[1])
	if err != nil {
		return "", err
	}
	var sha string
	if err := tryAdd("file", func() { sha = s.AddFile(owner, repo, opts["branch"], words[2], []byte(text), "Update "+words[2]) }); err != nil {
		return "", err
	}
	return sha + "\n", nil
}

// cmdBranch runs "branch add OWNER/NAME BRANCH [from=REF]".
func (s *Server) cmdBranch(args []string) error {
	words, text, opts, err := cmdOptions("branch", args, 3, "from")
	if err != nil {
		return err
	}
	if words[0] != "add" || text != "" {
		return usage("branch")
	}
	owner, repo, err := s.cmdRepoArg("branch", words[1])
	if err != nil {
		return err
	}
	return tryAdd("branch", func() { s.AddBranch(owner, repo, words[2], opts["from"], false) })
}
