package fakegithub

import "net/http"

// routesB lists the endpoints of the issues, repositories, collaborators,
// search, notifications and security tools of issue 12's second part,
// each in the file of its domain. Handlers run with s.mu held.
func (s *Server) routesB(mux *http.ServeMux) {
	// gitdata.go: one branch model with the contents API (codeState).
	mux.HandleFunc("POST /repos/{owner}/{repo}/git/blobs", s.createBlob)
	mux.HandleFunc("GET /repos/{owner}/{repo}/git/trees/{sha...}", s.getTree)
	mux.HandleFunc("POST /repos/{owner}/{repo}/git/trees", s.createTree)
	mux.HandleFunc("GET /repos/{owner}/{repo}/git/commits/{sha}", s.getGitCommit)
	mux.HandleFunc("POST /repos/{owner}/{repo}/git/commits", s.createGitCommit)
	mux.HandleFunc("GET /repos/{owner}/{repo}/git/ref/{ref...}", s.getRef)
	mux.HandleFunc("PATCH /repos/{owner}/{repo}/git/refs/{ref...}", s.updateRef)
	mux.HandleFunc("DELETE /repos/{owner}/{repo}/contents/{path...}", s.deleteFile)
	mux.HandleFunc("GET /repos/{owner}/{repo}/tags", s.listTags)
	// subissues.go
	mux.HandleFunc("GET /repos/{owner}/{repo}/issues/{number}/sub_issues", s.listSubIssues)
	mux.HandleFunc("POST /repos/{owner}/{repo}/issues/{number}/sub_issues", s.addSubIssue)
	mux.HandleFunc("DELETE /repos/{owner}/{repo}/issues/{number}/sub_issue", s.removeSubIssue)
	// repos_b.go
	mux.HandleFunc("POST /repos/{owner}/{repo}/releases", s.createRelease)
	mux.HandleFunc("POST /repos/{owner}/{repo}/forks", s.forkRepo)
	mux.HandleFunc("POST /user/repos", s.createUserRepo)
	mux.HandleFunc("GET /repos/{owner}/{repo}/collaborators/{username}/permission", s.collaboratorPermission)
	mux.HandleFunc("GET /repos/{owner}/{repo}/invitations", s.listInvitations)
	// search_b.go
	mux.HandleFunc("GET /search/commits", s.searchCommits)
	mux.HandleFunc("GET /search/users", s.searchUsers)
	// notifications.go
	mux.HandleFunc("GET /notifications", s.listNotifications)
	mux.HandleFunc("GET /repos/{owner}/{repo}/notifications", s.listNotifications)
	mux.HandleFunc("PUT /notifications", s.markAllRead)
	mux.HandleFunc("PUT /repos/{owner}/{repo}/notifications", s.markAllRead)
	mux.HandleFunc("GET /notifications/threads/{id}", s.getThread)
	mux.HandleFunc("PATCH /notifications/threads/{id}", s.markThreadRead)
	// security.go: code scanning, Dependabot and secret scanning alerts
	s.securityRoutes(mux)
}
