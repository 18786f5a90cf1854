package fakegithub

import "net/http"

// moreRoutes lists the endpoints added for the catalog of issue 12, each
// in the file of its domain. Handlers run with s.mu held, like routes'.
func (s *Server) moreRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /graphql", s.graphql)
	mux.HandleFunc("POST /repos/{owner}/{repo}/pulls/{number}/requested_reviewers", s.requestReviewers)
	mux.HandleFunc("DELETE /repos/{owner}/{repo}/pulls/{number}/requested_reviewers", s.removeRequestedReviewers)
	mux.HandleFunc("PUT /repos/{owner}/{repo}/pulls/{number}/update-branch", s.updateBranch)
	mux.HandleFunc("POST /repos/{owner}/{repo}/pulls/{number}/comments", s.createReviewComment)
	mux.HandleFunc("POST /repos/{owner}/{repo}/pulls/{number}/comments/{comment_id}/replies", s.replyToReviewComment)
	mux.HandleFunc("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", s.listCheckRuns)
	mux.HandleFunc("GET /repos/{owner}/{repo}/commits/{ref}/status", s.combinedStatus)
	mux.HandleFunc("GET /repos/{owner}/{repo}/labels", s.listLabels)
	mux.HandleFunc("POST /repos/{owner}/{repo}/labels", s.createLabel)
	mux.HandleFunc("POST /repos/{owner}/{repo}/issues/{number}/labels", s.addLabels)
	mux.HandleFunc("DELETE /repos/{owner}/{repo}/issues/{number}/labels/{name}", s.removeLabel)
	mux.HandleFunc("POST /repos/{owner}/{repo}/issues/{number}/assignees", s.addAssignees)
	mux.HandleFunc("DELETE /repos/{owner}/{repo}/issues/{number}/assignees", s.removeAssignees)
	s.routesB(mux) // routes_b.go
}
