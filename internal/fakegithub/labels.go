package fakegithub

import (
	"net/http"
	"slices"
	"sort"
	"strings"
)

// Labels of a repository and of an issue, and assignees: the endpoints
// that add or remove some without replacing the others.

const (
	labelsDoc    = "https://docs.github.com/rest/issues/labels"
	assigneesDoc = "https://docs.github.com/rest/issues/assignees"
)

// listLabels serves GET /repos/{owner}/{repo}/labels: the default labels
// of a new repository and those created since, by name.
// https://docs.github.com/rest/issues/labels#list-labels-for-a-repository
func (s *Server) listLabels(w http.ResponseWriter, r *http.Request) {
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", labelsDoc+"#list-labels-for-a-repository")
		return
	}
	for name := range defaultLabels {
		s.label(repo, name)
	}
	names := make([]string, 0, len(repo.labels))
	for _, l := range repo.labels {
		names = append(names, l.name)
	}
	sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
	page, ok := fakePage(w, r, len(names))
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, s.labelsJSON(repo, names[page.start:page.end]))
}

// createLabel serves POST /repos/{owner}/{repo}/labels; 422 when the name
// exists (whatever its case) or the color is not six hex digits.
// https://docs.github.com/rest/issues/labels#create-a-label
func (s *Server) createLabel(w http.ResponseWriter, r *http.Request) {
	const doc = labelsDoc + "#create-a-label"
	repo := s.lookupRepo(r)
	if repo == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	var req struct {
		Name        string `json:"name"`
		Color       string `json:"color"`
		Description string `json:"description"`
	}
	if !decodeJSONBody(w, r, doc, &req) {
		return
	}
	key := strings.ToLower(req.Name)
	_, isDefault := defaultLabels[key]
	color := strings.TrimPrefix(req.Color, "#")
	switch {
	case strings.TrimSpace(req.Name) == "":
		writeValidationFailed(w, doc, pullError{Resource: "Label", Field: "name", Code: "missing_field"})
		return
	case repo.labels[key] != nil || isDefault:
		writeValidationFailed(w, doc, pullError{Resource: "Label", Field: "name", Code: "already_exists"})
		return
	case color != "" && (len(color) != 6 || !isHex(strings.ToLower(color))):
		writeValidationFailed(w, doc, pullError{Resource: "Label", Field: "color", Code: "invalid"})
		return
	}
	l := s.label(repo, req.Name)
	if color != "" {
		l.color = strings.ToLower(color)
	}
	l.description = req.Description
	writeJSON(w, http.StatusCreated, s.labelsJSON(repo, []string{l.name})[0])
}

// addLabels serves POST /repos/{owner}/{repo}/issues/{number}/labels: it
// adds to the issue's labels (creating unknown ones, as GitHub does for a
// user with push access) and answers all of them.
// https://docs.github.com/rest/issues/labels#add-labels-to-an-issue
func (s *Server) addLabels(w http.ResponseWriter, r *http.Request) {
	const doc = labelsDoc + "#add-labels-to-an-issue"
	repo, is := s.lookupIssue(r)
	if is == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	var req struct {
		Labels []string `json:"labels"`
	}
	if !decodeJSONBody(w, r, doc, &req) {
		return
	}
	if len(req.Labels) == 0 {
		writeValidationFailed(w, doc, pullError{Resource: "Label", Field: "labels", Code: "missing_field"})
		return
	}
	for _, name := range req.Labels {
		name = s.label(repo, name).name
		if !slices.ContainsFunc(is.Labels, func(l string) bool { return strings.EqualFold(l, name) }) {
			is.Labels = append(is.Labels, name)
		}
	}
	is.updated = s.now()
	writeJSON(w, http.StatusOK, s.labelsJSON(repo, is.Labels))
}

// removeLabel serves DELETE /repos/{owner}/{repo}/issues/{number}/labels/{name}:
// it answers the labels left; 404 "Label does not exist" when the issue
// does not have it.
// https://docs.github.com/rest/issues/labels#remove-a-label-from-an-issue
func (s *Server) removeLabel(w http.ResponseWriter, r *http.Request) {
	const doc = labelsDoc + "#remove-a-label-from-an-issue"
	repo, is := s.lookupIssue(r)
	if is == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	name := r.PathValue("name")
	i := slices.IndexFunc(is.Labels, func(l string) bool { return strings.EqualFold(l, name) })
	if i < 0 {
		writeError(w, http.StatusNotFound, "Label does not exist", doc)
		return
	}
	is.Labels = slices.Delete(is.Labels, i, i+1)
	is.updated = s.now()
	writeJSON(w, http.StatusOK, s.labelsJSON(repo, is.Labels))
}

// addAssignees serves POST /repos/{owner}/{repo}/issues/{number}/assignees:
// it adds to the assignees (at most 10); users who cannot be assigned are
// ignored without an error, as on GitHub.
// https://docs.github.com/rest/issues/assignees#add-assignees-to-an-issue
func (s *Server) addAssignees(w http.ResponseWriter, r *http.Request) {
	s.changeAssignees(w, r, http.StatusCreated, assigneesDoc+"#add-assignees-to-an-issue", true)
}

// removeAssignees serves DELETE /repos/{owner}/{repo}/issues/{number}/assignees.
// https://docs.github.com/rest/issues/assignees#remove-assignees-from-an-issue
func (s *Server) removeAssignees(w http.ResponseWriter, r *http.Request) {
	s.changeAssignees(w, r, http.StatusOK, assigneesDoc+"#remove-assignees-from-an-issue", false)
}

func (s *Server) changeAssignees(w http.ResponseWriter, r *http.Request, status int, doc string, add bool) {
	repo, is := s.lookupIssue(r)
	if is == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	var req struct {
		Assignees []string `json:"assignees"`
	}
	if !decodeJSONBody(w, r, doc, &req) {
		return
	}
	has := func(login string) func(string) bool {
		return func(a string) bool { return strings.EqualFold(a, login) }
	}
	for _, login := range req.Assignees {
		switch {
		case !add:
			is.Assignees = slices.DeleteFunc(is.Assignees, has(login))
		case s.users[strings.ToLower(login)] != "" && !slices.ContainsFunc(is.Assignees, has(login)) && len(is.Assignees) < 10:
			is.Assignees = append(is.Assignees, s.users[strings.ToLower(login)])
		}
	}
	is.updated = s.now()
	writeJSON(w, status, s.issueJSON(repo, is))
}
