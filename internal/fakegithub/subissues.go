package fakegithub

import (
	"net/http"
	"slices"
)

// Sub-issues: an issue may have one parent, in the same owner's
// repositories; the endpoints take the sub-issue's id, not its number.

const subIssuesDoc = "https://docs.github.com/rest/issues/sub-issues"

// issueByID finds an issue by its id. The caller holds s.mu.
func (s *Server) issueByID(id int) (*repoState, *issueState) {
	for _, repo := range s.sortedRepos() {
		for _, is := range repo.issues {
			if is.id == id {
				return repo, is
			}
		}
	}
	return nil, nil
}

// subIssuesOf lists a parent's sub-issues in the order they were added.
func (s *Server) subIssuesOf(parent *issueState) []int {
	var ids []int
	for child, p := range s.extra.parentOf {
		if p == parent.id {
			ids = append(ids, child)
		}
	}
	slices.Sort(ids) // ids grow with creation; good enough an order
	return ids
}

// listSubIssues serves GET /repos/{owner}/{repo}/issues/{number}/sub_issues.
// https://docs.github.com/rest/issues/sub-issues#list-sub-issues
func (s *Server) listSubIssues(w http.ResponseWriter, r *http.Request) {
	repo, is := s.lookupIssue(r)
	if is == nil {
		writeError(w, http.StatusNotFound, "Not Found", subIssuesDoc+"#list-sub-issues")
		return
	}
	out := []issueJSON{}
	for _, id := range paginate(w, r, repoLinkBase(repo, r), s.subIssuesOf(is)) {
		childRepo, child := s.issueByID(id)
		out = append(out, s.issueJSON(childRepo, child))
	}
	writeJSON(w, http.StatusOK, out)
}

// addSubIssue serves POST /repos/{owner}/{repo}/issues/{number}/sub_issues
// with {"sub_issue_id", "replace_parent"}: 422 when the sub-issue has
// another parent and replace_parent is not set, or is the parent itself.
// https://docs.github.com/rest/issues/sub-issues#add-sub-issue
func (s *Server) addSubIssue(w http.ResponseWriter, r *http.Request) {
	const doc = subIssuesDoc + "#add-sub-issue"
	repo, is := s.lookupIssue(r)
	if is == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	var req struct {
		SubIssueID    int  `json:"sub_issue_id"`
		ReplaceParent bool `json:"replace_parent"`
	}
	if !decodeJSONBody(w, r, doc, &req) {
		return
	}
	childRepo, child := s.issueByID(req.SubIssueID)
	switch {
	case child == nil || childRepo.Owner != repo.Owner:
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	case child == is:
		writeValidationFailed(w, doc, pullError{Resource: "Issue", Code: "custom", Field: "sub_issue_id"})
		return
	}
	if p, ok := s.extra.parentOf[child.id]; ok && (p == is.id || !req.ReplaceParent) {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
			"message": "Validation Failed", "documentation_url": doc, "status": "422",
			"errors": []map[string]string{{"resource": "Issue", "code": "custom", "field": "sub_issue_id",
				"message": "Issue may not contain duplicate sub-issues and Sub issue may only have one parent"}},
		})
		return
	}
	if s.extra.parentOf == nil {
		s.extra.parentOf = map[int]int{}
	}
	s.extra.parentOf[child.id] = is.id
	is.updated = s.now()
	writeJSON(w, http.StatusCreated, s.issueJSON(repo, is))
}

// removeSubIssue serves DELETE /repos/{owner}/{repo}/issues/{number}/sub_issue.
// https://docs.github.com/rest/issues/sub-issues#remove-sub-issue
func (s *Server) removeSubIssue(w http.ResponseWriter, r *http.Request) {
	const doc = subIssuesDoc + "#remove-sub-issue"
	repo, is := s.lookupIssue(r)
	if is == nil {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	var req struct {
		SubIssueID int `json:"sub_issue_id"`
	}
	if !decodeJSONBody(w, r, doc, &req) {
		return
	}
	if p, ok := s.extra.parentOf[req.SubIssueID]; !ok || p != is.id {
		writeError(w, http.StatusNotFound, "Not Found", doc)
		return
	}
	delete(s.extra.parentOf, req.SubIssueID)
	is.updated = s.now()
	writeJSON(w, http.StatusOK, s.issueJSON(repo, is))
}
