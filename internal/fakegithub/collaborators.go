package fakegithub

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// Collaborators: people given access to a repository one by one, and the
// invitations that precede it.
//
// The owner of a personal repository is its admin and is listed first. An
// organization's repository has no implicit members: the viewer manages it
// only as an admin collaborator (AddCollaborator). Adding a user sends an
// invitation (201); adding a collaborator changes their role (204).
// Personal repositories grant every collaborator "write", whatever the
// permission asked, as GitHub does.

const collaboratorsDoc = "https://docs.github.com/rest/collaborators/collaborators"

// firstInvitationID makes invitation ids look like GitHub's.
const firstInvitationID = 271804915

// Collaborator is a collaborator or invitee as returned by Collaborators.
type Collaborator struct {
	Login   string
	Role    string // read, triage, write, maintain or admin
	Invited bool   // an invitation not accepted yet
}

// collabState holds the collaborators of every repository, by repoKey.
type collabState struct {
	repos          map[string]*repoCollabs
	nextInvitation int64
}

type repoCollabs struct {
	members []Collaborator // accepted, in the order they were added
	invites []*invitationState
}

type invitationState struct {
	id      int64
	invitee string
	inviter string
	role    string
}

// collaborators returns a repository's collaborators, making the record on
// first use. The caller holds s.mu.
func (s *Server) collaborators(repo *repoState) *repoCollabs {
	if s.collabs.repos == nil {
		s.collabs.repos = map[string]*repoCollabs{}
	}
	key := repoKey(repo.Owner, repo.Name)
	c := s.collabs.repos[key]
	if c == nil {
		c = &repoCollabs{}
		s.collabs.repos[key] = c
	}
	return c
}

// AddCollaborator gives a user (made to exist if needed) a role (read,
// triage, write, maintain or admin) on a repository at once, without an
// invitation. It panics if the repository does not exist.
func (s *Server) AddCollaborator(owner, repo, login, role string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.repos[repoKey(owner, repo)]
	if st == nil {
		panic(fmt.Sprintf("fakegithub: AddCollaborator: no repository %s/%s; call AddRepo first", owner, repo))
	}
	s.users[strings.ToLower(login)] = login
	c := s.collaborators(st)
	if i := c.member(login); i >= 0 {
		c.members[i].Role = role
		return
	}
	c.members = append(c.members, Collaborator{Login: login, Role: role})
}

// Collaborators returns a repository's collaborators, then its pending
// invitations, or nil if there is no such repository.
func (s *Server) Collaborators(owner, repo string) []Collaborator {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.repos[repoKey(owner, repo)]
	if st == nil {
		return nil
	}
	out := s.listed(st)
	for _, inv := range s.collaborators(st).invites {
		out = append(out, Collaborator{Login: inv.invitee, Role: inv.role, Invited: true})
	}
	return out
}

// listed is who GET .../collaborators lists: the owner of a personal
// repository, then the collaborators. The caller holds s.mu.
func (s *Server) listed(st *repoState) []Collaborator {
	out := []Collaborator{}
	if owner, ok := s.user(st.Owner); ok {
		out = append(out, Collaborator{Login: owner, Role: "admin"})
	}
	return append(out, s.collaborators(st).members...)
}

// member is the index of login among the collaborators, or -1.
func (c *repoCollabs) member(login string) int {
	return slices.IndexFunc(c.members, func(m Collaborator) bool { return strings.EqualFold(m.Login, login) })
}

// isAdmin reports whether login administers the repository. The caller
// holds s.mu.
func (s *Server) isAdmin(st *repoState, login string) bool {
	if strings.EqualFold(st.Owner, login) {
		return true
	}
	c := s.collaborators(st)
	i := c.member(login)
	return i >= 0 && c.members[i].Role == "admin"
}

// roles maps the permission parameter to the role GitHub reports.
var roles = map[string]string{"pull": "read", "triage": "triage", "push": "write", "maintain": "maintain", "admin": "admin"}

// permissionsOf is the permissions hash of a role.
func permissionsOf(role string) permissionsJSON {
	p := permissionsJSON{Pull: true}
	switch role {
	case "admin":
		p.Admin = true
		fallthrough
	case "maintain":
		p.Maintain = true
		fallthrough
	case "write":
		p.Push = true
		fallthrough
	case "triage":
		p.Triage = true
	}
	return p
}

// collaboratorJSON is a user as GET .../collaborators lists it.
type collaboratorJSON struct {
	userJSON
	Permissions permissionsJSON `json:"permissions"`
	RoleName    string          `json:"role_name"`
}

// listCollaborators serves GET /repos/{owner}/{repo}/collaborators.
// affiliation=outside lists only the collaborators of an organization's
// repository (nobody is an organization member in the fake).
// https://docs.github.com/rest/collaborators/collaborators#list-repository-collaborators
func (s *Server) listCollaborators(w http.ResponseWriter, r *http.Request) {
	const doc = collaboratorsDoc + "#list-repository-collaborators"
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	all := s.listed(repo)
	switch aff := r.URL.Query().Get("affiliation"); aff {
	case "", "all", "direct":
	case "outside":
		if _, personal := s.user(repo.Owner); personal {
			all = all[1:]
		}
	default:
		writeError(w, http.StatusUnprocessableEntity, "Invalid request.\n\nInvalid property /affiliation: `"+aff+"` is not a possible value. Must be one of the following: outside, direct, all.", doc)
		return
	}
	page, ok := fakePage(w, r, len(all))
	if !ok {
		return
	}
	items := make([]collaboratorJSON, 0, page.end-page.start)
	for _, c := range all[page.start:page.end] {
		items = append(items, collaboratorJSON{userJSON: s.simpleUser(c.Login), Permissions: permissionsOf(c.Role), RoleName: c.Role})
	}
	writeJSON(w, http.StatusOK, items)
}

// addCollaborator serves PUT /repos/{owner}/{repo}/collaborators/{username}.
// https://docs.github.com/rest/collaborators/collaborators#add-a-repository-collaborator
func (s *Server) addCollaborator(w http.ResponseWriter, r *http.Request) {
	const doc = collaboratorsDoc + "#add-a-repository-collaborator"
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	if !s.isAdmin(repo, s.viewer) {
		writeError(w, http.StatusForbidden, "Must have admin rights to Repository.", doc)
		return
	}
	login, ok := s.user(r.PathValue("username"))
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	var req struct {
		Permission *string `json:"permission"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil && !errors.Is(err, io.EOF) {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON", doc)
		return
	}
	role := "write"
	if req.Permission != nil {
		var known bool
		if role, known = roles[*req.Permission]; !known {
			writeResponse(w, &response{status: http.StatusUnprocessableEntity, header: jsonHeader(), body: mustJSON(customErrorBody{
				Message:          "Validation Failed",
				Errors:           []customError{{Resource: "Repository", Code: "custom", Field: "permission", Message: fmt.Sprintf("%q is not a valid permission", *req.Permission)}},
				DocumentationURL: doc,
				Status:           "422",
			})})
			return
		}
	}
	if strings.EqualFold(login, repo.Owner) {
		writeResponse(w, &response{status: http.StatusUnprocessableEntity, header: jsonHeader(), body: mustJSON(customErrorBody{
			Message:          "Validation Failed",
			Errors:           []customError{{Resource: "Repository", Code: "custom", Field: "collaborator", Message: "Repository owner cannot be a collaborator"}},
			DocumentationURL: doc,
			Status:           "422",
		})})
		return
	}
	if _, personal := s.user(repo.Owner); personal {
		role = "write"
	}
	c := s.collaborators(repo)
	if i := c.member(login); i >= 0 {
		c.members[i].Role = role
		w.WriteHeader(http.StatusNoContent)
		return
	}
	i := slices.IndexFunc(c.invites, func(inv *invitationState) bool { return strings.EqualFold(inv.invitee, login) })
	if i < 0 {
		c.invites = append(c.invites, &invitationState{id: firstInvitationID + s.collabs.nextInvitation, invitee: login})
		s.collabs.nextInvitation++
		i = len(c.invites) - 1
	}
	inv := c.invites[i]
	inv.inviter, inv.role = s.viewer, role
	writeJSON(w, http.StatusCreated, s.invitationJSON(repo, inv))
}

// customErrorBody is a 422 whose errors carry a message.
type customErrorBody struct {
	Message          string        `json:"message"`
	Errors           []customError `json:"errors"`
	DocumentationURL string        `json:"documentation_url"`
	Status           string        `json:"status"`
}

type customError struct {
	Resource string `json:"resource"`
	Code     string `json:"code"`
	Field    string `json:"field"`
	Message  string `json:"message"`
}

// invitationJSON is GitHub's "repository invitation".
type invitationJSON struct {
	ID          int64           `json:"id"`
	Repository  minimalRepoJSON `json:"repository"`
	Invitee     userJSON        `json:"invitee"`
	Inviter     userJSON        `json:"inviter"`
	Permissions string          `json:"permissions"`
	CreatedAt   string          `json:"created_at"`
	Expired     bool            `json:"expired"`
	URL         string          `json:"url"`
	HTMLURL     string          `json:"html_url"`
	NodeID      string          `json:"node_id"`
}

// invitationJSON renders an invitation. The caller holds s.mu.
func (s *Server) invitationJSON(repo *repoState, inv *invitationState) invitationJSON {
	full := repo.Owner + "/" + repo.Name
	return invitationJSON{
		ID:          inv.id,
		Repository:  s.minimalRepoJSON(repo),
		Invitee:     s.simpleUser(inv.invitee),
		Inviter:     s.simpleUser(inv.inviter),
		Permissions: inv.role,
		CreatedAt:   timestamp(s.now()),
		URL:         fmt.Sprintf("%s/user/repository_invitations/%d", apiURL, inv.id),
		HTMLURL:     fmt.Sprintf("%s/%s/invitations", webURL, full),
		NodeID:      nodeID("RepositoryInvitation", int(inv.id)),
	}
}

// removeCollaborator serves DELETE /repos/{owner}/{repo}/collaborators/{username}:
// the user loses access and any invitation is cancelled. Admins may remove
// anyone, others only themselves.
// https://docs.github.com/rest/collaborators/collaborators#remove-a-repository-collaborator
func (s *Server) removeCollaborator(w http.ResponseWriter, r *http.Request) {
	const doc = collaboratorsDoc + "#remove-a-repository-collaborator"
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	login, ok := s.user(r.PathValue("username"))
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	if !s.isAdmin(repo, s.viewer) && !strings.EqualFold(login, s.viewer) {
		writeError(w, http.StatusForbidden, "Must have admin rights to Repository.", doc)
		return
	}
	c := s.collaborators(repo)
	if i := c.member(login); i >= 0 {
		c.members = slices.Delete(c.members, i, i+1)
	}
	c.invites = slices.DeleteFunc(c.invites, func(inv *invitationState) bool { return strings.EqualFold(inv.invitee, login) })
	w.WriteHeader(http.StatusNoContent)
}

// cmdCollaborator runs "collaborator add OWNER/NAME LOGIN ROLE".
func (s *Server) cmdCollaborator(args []string) error {
	if len(args) != 4 || args[0] != "add" {
		return usage("collaborator")
	}
	owner, name, ok := splitRepo(args[1])
	if !ok {
		return fmt.Errorf("repository must be OWNER/NAME, got %q\n%s", args[1], usage("collaborator"))
	}
	if !slices.Contains([]string{"read", "triage", "write", "maintain", "admin"}, args[3]) {
		return fmt.Errorf("ROLE must be read, triage, write, maintain or admin, got %q\n%s", args[3], usage("collaborator"))
	}
	if !s.hasRepo(owner, name) {
		return fmt.Errorf("no repository %s/%s; add it first with: repo add %s/%s", owner, name, owner, name)
	}
	s.AddCollaborator(owner, name, args[2], args[3])
	return nil
}

// cmdCollaborators runs "collaborators OWNER/NAME".
func (s *Server) cmdCollaborators(args []string) (string, error) {
	if len(args) != 1 {
		return "", usage("collaborators")
	}
	owner, name, ok := splitRepo(args[0])
	if !ok {
		return "", fmt.Errorf("repository must be OWNER/NAME, got %q\n%s", args[0], usage("collaborators"))
	}
	list := s.Collaborators(owner, name)
	if list == nil {
		return "", fmt.Errorf("no repository %s/%s; add it first with: repo add %s/%s", owner, name, owner, name)
	}
	var b strings.Builder
	for _, c := range list {
		b.WriteString(c.Login + " " + c.Role)
		if c.Invited {
			b.WriteString(" invited")
		}
		b.WriteByte('\n')
	}
	return b.String(), nil
}

// hasRepo reports whether a repository exists.
func (s *Server) hasRepo(owner, name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.repos[repoKey(owner, name)] != nil
}
