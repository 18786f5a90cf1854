package fakegithub

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// Creating releases, forks and repositories, a user's permission on a
// repository and pending invitations.

// createRelease serves POST /repos/{owner}/{repo}/releases. A published
// release creates its tag at target_commitish (default branch) if the tag
// is new; a draft creates no tag until it is published, as on GitHub, and
// its html_url says untagged. 422 already_exists when the tag has a
// release.
// https://docs.github.com/rest/releases/releases#create-a-release
func (s *Server) createRelease(w http.ResponseWriter, r *http.Request) {
	const doc = "https://docs.github.com/rest/releases/releases#create-a-release"
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	var req struct {
		TagName         string `json:"tag_name"`
		TargetCommitish string `json:"target_commitish"`
		Name            string `json:"name"`
		Body            string `json:"body"`
		Draft           bool   `json:"draft"`
		Prerelease      bool   `json:"prerelease"`
		GenerateNotes   bool   `json:"generate_release_notes"`
	}
	if !decodeJSONBody(w, r, doc, &req) {
		return
	}
	c := s.code(repo)
	if req.TagName == "" {
		writeValidationFailed(w, doc, pullError{Resource: "Release", Field: "tag_name", Code: "missing_field"})
		return
	}
	if slices.ContainsFunc(c.releases, func(rel *releaseState) bool { return rel.Tag == req.TagName }) {
		writeValidationFailed(w, doc, pullError{Resource: "Release", Field: "tag_name", Code: "already_exists"})
		return
	}
	target := req.TargetCommitish
	if target == "" {
		target = defaultBranch(repo)
	}
	cm := c.resolve(repo, target)
	if cm == nil {
		writeValidationFailed(w, doc, pullError{Resource: "Release", Field: "target_commitish", Code: "invalid"})
		return
	}
	if _, ok := c.tags[req.TagName]; !ok && !req.Draft {
		c.tags[req.TagName] = cm.sha
	}
	now := s.now()
	rel := Release{Tag: req.TagName, Name: req.Name, Body: req.Body, Draft: req.Draft, Prerelease: req.Prerelease}
	if req.GenerateNotes && rel.Body == "" {
		rel.Body = fmt.Sprintf("**Full Changelog**: %s/%s/%s/commits/%s", webURL, repo.Owner, repo.Name, req.TagName)
	}
	if !rel.Draft {
		rel.PublishedAt = now
	}
	s.nextID++
	st := &releaseState{Release: rel, id: s.nextID, author: s.viewer, created: now, target: target}
	c.releases = append(c.releases, st)
	j := s.releaseJSON(repo, st)
	if rel.Draft {
		_, web := repoURLs(repo)
		j.HTMLURL = fmt.Sprintf("%s/releases/tag/untagged-%d", web, st.id)
	}
	writeJSON(w, http.StatusCreated, j)
}

// forkRepo serves POST /repos/{owner}/{repo}/forks: 202 with the fork,
// which shares the source's history (branches and tags copied; only the
// default branch with default_branch_only). Forking again answers the
// existing fork, as GitHub does.
// https://docs.github.com/rest/repos/forks#create-a-fork
func (s *Server) forkRepo(w http.ResponseWriter, r *http.Request) {
	const doc = "https://docs.github.com/rest/repos/forks#create-a-fork"
	src := s.lookupRepo(r)
	if src == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	var req struct {
		Organization      string `json:"organization"`
		Name              string `json:"name"`
		DefaultBranchOnly bool   `json:"default_branch_only"`
	}
	if r.ContentLength != 0 && !decodeJSONBody(w, r, doc, &req) {
		return
	}
	owner, name := req.Organization, req.Name
	if owner == "" {
		owner = s.viewer
	}
	if name == "" {
		name = src.Name
	}
	key := repoKey(owner, name)
	if fork := s.repos[key]; fork != nil {
		writeJSON(w, http.StatusAccepted, s.repoJSON(fork))
		return
	}
	sc := s.code(src)
	s.nextID++
	fork := &repoState{Repo: src.Repo, id: s.nextID, labels: map[string]*labelState{}}
	fork.Owner, fork.Name, fork.Stars, fork.Forks = owner, name, 0, 0
	fork.Topics = slices.Clone(src.Topics)
	fc := &codeState{
		blobs: maps.Clone(sc.blobs), commits: maps.Clone(sc.commits), branches: map[string]string{},
		protected: map[string]bool{}, tags: maps.Clone(sc.tags), clock: sc.clock,
	}
	for b, sha := range sc.branches {
		if !req.DefaultBranchOnly || b == defaultBranch(src) {
			fc.branches[b] = sha
		}
	}
	fork.code = fc
	s.repos[key] = fork
	s.accountID(owner)
	src.Forks++
	writeJSON(w, http.StatusAccepted, s.repoJSON(fork))
}

// createUserRepo serves POST /user/repos: a repository of the viewer; 422
// when the name is taken. The fake always starts it with a README commit
// (auto_init or not): its history begins on first use.
// https://docs.github.com/rest/repos/repos#create-a-repository-for-the-authenticated-user
func (s *Server) createUserRepo(w http.ResponseWriter, r *http.Request) {
	const doc = "https://docs.github.com/rest/repos/repos#create-a-repository-for-the-authenticated-user"
	var req struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Private     bool   `json:"private"`
	}
	if !decodeJSONBody(w, r, doc, &req) {
		return
	}
	if req.Name == "" || strings.ContainsAny(req.Name, "/ ") {
		writeValidationFailed(w, doc, pullError{Resource: "Repository", Field: "name", Code: "invalid"})
		return
	}
	key := repoKey(s.viewer, req.Name)
	if s.repos[key] != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
			"message": "Repository creation failed.", "documentation_url": doc, "status": "422",
			"errors": []map[string]string{{"resource": "Repository", "code": "custom", "field": "name", "message": "name already exists on this account"}},
		})
		return
	}
	s.nextID++
	st := &repoState{Repo: Repo{Owner: s.viewer, Name: req.Name, Description: req.Description, Private: req.Private}, id: s.nextID, labels: map[string]*labelState{}}
	s.repos[key] = st
	writeJSON(w, http.StatusCreated, s.repoJSON(st))
}

// roleOf is a user's role on a repository: the owner of a personal
// repository is admin, collaborators have theirs, others none.
func (s *Server) roleOf(repo *repoState, login string) string {
	c := s.collaborators(repo)
	if i := c.member(login); i >= 0 {
		return c.members[i].Role
	}
	if strings.EqualFold(repo.Owner, login) {
		return "admin"
	}
	return ""
}

// collaboratorPermission serves GET /repos/{owner}/{repo}/collaborators/{username}/permission:
// permission is admin, write, read or none; role_name is the role itself.
// https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user
func (s *Server) collaboratorPermission(w http.ResponseWriter, r *http.Request) {
	const doc = collaboratorsDoc + "#get-repository-permissions-for-a-user"
	repo := s.lookupRepo(r)
	login, known := s.user(r.PathValue("username"))
	if repo == nil || !known {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	role := s.roleOf(repo, login)
	perm := map[string]string{"admin": "admin", "maintain": "write", "write": "write", "triage": "read", "read": "read", "": "none"}[role]
	user := s.simpleUser(login)
	type userWithRole struct {
		userJSON
		Permissions permissionsJSON `json:"permissions"`
		RoleName    string          `json:"role_name"`
	}
	rn, perms := role, permissionsOf(role)
	if rn == "" {
		rn, perms = "none", permissionsJSON{}
	}
	writeJSON(w, http.StatusOK, struct {
		Permission string       `json:"permission"`
		RoleName   string       `json:"role_name"`
		User       userWithRole `json:"user"`
	}{perm, rn, userWithRole{user, perms, rn}})
}

// listInvitations serves GET /repos/{owner}/{repo}/invitations.
// https://docs.github.com/rest/collaborators/invitations#list-repository-invitations
func (s *Server) listInvitations(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/collaborators/invitations#list-repository-invitations")
		return
	}
	out := []invitationJSON{}
	for _, inv := range paginate(w, r, repoLinkBase(repo, r), s.collaborators(repo).invites) {
		out = append(out, s.invitationJSON(repo, inv))
	}
	writeJSON(w, http.StatusOK, out)
}
