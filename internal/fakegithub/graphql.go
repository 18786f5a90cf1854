package fakegithub

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// GraphQL: the few operations ghmcp sends, recognised by their field
// names rather than parsed: markPullRequestReadyForReview,
// convertPullRequestToDraft, resolveReviewThread, unresolveReviewThread,
// a pull request's reviewThreads, and rateLimit beside any of them.
// Arguments come from the variables (GitHub's own names: pullRequestId,
// threadId, owner, name, number, first, after), directly or inside an
// "input" variable. Answers and errors have GitHub's shapes: errors come
// in a 200 with a type and GitHub's message.
//
// A review thread is a first line comment and its replies; it is outdated
// when it was made on a commit that is no longer the head.

const graphqlDoc = "https://docs.github.com/graphql"

type gqlError struct {
	Type    string `json:"type,omitempty"`
	Path    []any  `json:"path,omitempty"`
	Message string `json:"message"`
}

// graphql serves POST /graphql.
// https://docs.github.com/graphql/guides/forming-calls-with-graphql
func (s *Server) graphql(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	if !decodeJSONBody(w, r, graphqlDoc, &req) {
		return
	}
	if strings.TrimSpace(req.Query) == "" {
		writeJSON(w, http.StatusOK, map[string]any{"errors": []gqlError{{Message: "A query attribute must be specified and must be a string."}}})
		return
	}
	v := gqlVars(req.Variables)
	data := map[string]any{}
	var errs []gqlError
	fail := func(e gqlError, field string) {
		errs = append(errs, e)
		data[field] = nil
	}
	q := req.Query
	for _, op := range []struct {
		field string
		draft bool
	}{{"markPullRequestReadyForReview", false}, {"convertPullRequestToDraft", true}} {
		if !strings.Contains(q, op.field) {
			continue
		}
		repo, p := s.pullByNodeID(v.str("pullRequestId", "id"))
		if p == nil {
			fail(gqlNotFoundNode(v.str("pullRequestId", "id"), op.field), op.field)
			continue
		}
		p.draft = op.draft
		p.updated = s.now()
		data[op.field] = map[string]any{"pullRequest": s.gqlPull(repo, p)}
	}
	for _, op := range []struct {
		field    string
		resolved bool
	}{{"unresolveReviewThread", false}, {"resolveReviewThread", true}} {
		// "unresolveReviewThread" contains "resolveReviewThread": look for
		// the field as a word.
		if !gqlHasField(q, op.field) {
			continue
		}
		_, p, root := s.threadByNodeID(v.str("threadId", "id"))
		if root == nil {
			fail(gqlNotFoundNode(v.str("threadId", "id"), op.field), op.field)
			continue
		}
		root.resolvedBy = ""
		if op.resolved {
			root.resolvedBy = s.viewer
		}
		p.updated = s.now()
		data[op.field] = map[string]any{"thread": s.gqlThread(p, root)}
	}
	if gqlHasField(q, "reviewThreads") {
		s.gqlReviewThreads(v, data, &errs)
	}
	if gqlHasField(q, "rateLimit") {
		st := s.rate("graphql", s.now())
		data["rateLimit"] = map[string]any{"cost": 1, "limit": st.limit, "remaining": st.remaining - 1, "used": st.limit - st.remaining + 1, "resetAt": st.reset.UTC().Format(time.RFC3339), "nodeCount": 0}
	}
	out := map[string]any{"data": data}
	if len(errs) > 0 {
		out["errors"] = errs
	}
	writeJSON(w, http.StatusOK, out)
}

// isGraphQLQuery reports whether a request is a GraphQL query: a POST,
// but a read, which neither the write limits nor the duplicate count
// concern (GitHub's secondary limits count a mutation as a write).
func isGraphQLQuery(r *http.Request, body []byte) bool {
	if r.URL.Path != "/graphql" {
		return false
	}
	var req struct {
		Query string `json:"query"`
	}
	return json.Unmarshal(body, &req) == nil && !gqlHasField(req.Query, "mutation")
}

// gqlHasField reports whether name appears in q as a whole word.
func gqlHasField(q, name string) bool {
	for i := 0; ; {
		j := strings.Index(q[i:], name)
		if j < 0 {
			return false
		}
		j += i
		before := j == 0 || !isNameByte(q[j-1])
		after := j+len(name) == len(q) || !isNameByte(q[j+len(name)])
		if before && after {
			return true
		}
		i = j + len(name)
	}
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// gqlVars are a request's variables, with those of an "input" object.
type gqlVars map[string]any

func (v gqlVars) get(names ...string) any {
	for _, n := range names {
		if x, ok := v[n]; ok {
			return x
		}
		if in, ok := v["input"].(map[string]any); ok {
			if x, ok := in[n]; ok {
				return x
			}
		}
	}
	return nil
}

func (v gqlVars) str(names ...string) string {
	s, _ := v.get(names...).(string)
	return s
}

func (v gqlVars) num(def int, names ...string) int {
	switch x := v.get(names...).(type) {
	case float64:
		return int(x)
	case string:
		if n, err := strconv.Atoi(x); err == nil {
			return n
		}
	}
	return def
}

func gqlNotFoundNode(id, field string) gqlError {
	return gqlError{Type: "NOT_FOUND", Path: []any{field}, Message: fmt.Sprintf("Could not resolve to a node with the global id of '%s'", id)}
}

// pullByNodeID finds a pull request by its node id. The caller holds s.mu.
func (s *Server) pullByNodeID(id string) (*repoState, *pullState) {
	for key, pr := range s.pulls {
		for _, p := range pr.pulls {
			if nodeID("PullRequest", p.id) == id {
				return s.repos[key], p
			}
		}
	}
	return nil, nil
}

// threadByNodeID finds a review thread by its node id: the pull request
// and the thread's first comment. The caller holds s.mu.
func (s *Server) threadByNodeID(id string) (*repoState, *pullState, *reviewCommentState) {
	for key, pr := range s.pulls {
		for _, p := range pr.pulls {
			for _, c := range p.comments {
				if c.inReplyTo == 0 && nodeID("PullRequestReviewThread", c.id) == id {
					return s.repos[key], p, c
				}
			}
		}
	}
	return nil, nil, nil
}

func (s *Server) gqlPull(repo *repoState, p *pullState) map[string]any {
	return map[string]any{
		"id": nodeID("PullRequest", p.id), "number": p.issue.Number, "isDraft": p.draft,
		"url": fmt.Sprintf("%s/%s/%s/pull/%d", webURL, repo.Owner, repo.Name, p.issue.Number),
	}
}

// gqlThread renders a review thread from its first comment. The caller
// holds s.mu.
func (s *Server) gqlThread(p *pullState, root *reviewCommentState) map[string]any {
	pr := s.pullRepoOf(p)
	var comments []map[string]any
	for _, c := range p.comments {
		if c.id == root.id || c.inReplyTo == root.id {
			comments = append(comments, map[string]any{
				"id": nodeID("PullRequestReviewComment", c.id), "databaseId": c.id, "body": c.body,
				"author": map[string]any{"login": c.author}, "createdAt": timestamp(c.created),
				"path": c.path, "line": c.line, "outdated": pr != nil && c.commit != pr.headSHA(p),
			})
		}
	}
	t := map[string]any{
		"id":         nodeID("PullRequestReviewThread", root.id),
		"isResolved": root.resolvedBy != "",
		"isOutdated": pr != nil && root.commit != pr.headSHA(p),
		"path":       root.path, "line": root.line, "diffSide": root.side,
		"startLine": nil, "startDiffSide": nil, "resolvedBy": nil,
		"comments": map[string]any{"totalCount": len(comments), "nodes": comments},
	}
	if root.startLine > 0 {
		t["startLine"], t["startDiffSide"] = root.startLine, root.startSide
	}
	if root.resolvedBy != "" {
		t["resolvedBy"] = map[string]any{"login": root.resolvedBy}
	}
	return t
}

// pullRepoOf finds the pullRepo holding p. The caller holds s.mu.
func (s *Server) pullRepoOf(p *pullState) *pullRepo {
	for _, pr := range s.pulls {
		if pr.pulls[p.issue.Number] == p {
			return pr
		}
	}
	return nil
}

// gqlReviewThreads answers repository(owner, name) { pullRequest(number)
// { reviewThreads(first, after) } }, paged by an index cursor.
func (s *Server) gqlReviewThreads(v gqlVars, data map[string]any, errs *[]gqlError) {
	owner, name := v.str("owner"), v.str("name", "repo")
	repo := s.repos[repoKey(owner, name)]
	if repo == nil {
		*errs = append(*errs, gqlError{Type: "NOT_FOUND", Path: []any{"repository"}, Message: fmt.Sprintf("Could not resolve to a Repository with the name '%s/%s'.", owner, name)})
		data["repository"] = nil
		return
	}
	n := v.num(0, "number", "pullNumber")
	p := s.pullRepo(repo).pulls[n]
	if p == nil {
		*errs = append(*errs, gqlError{Type: "NOT_FOUND", Path: []any{"repository", "pullRequest"}, Message: fmt.Sprintf("Could not resolve to a PullRequest with the number of %d.", n)})
		data["repository"] = map[string]any{"pullRequest": nil}
		return
	}
	var roots []*reviewCommentState
	for _, c := range p.comments {
		if c.inReplyTo == 0 {
			roots = append(roots, c)
		}
	}
	first := min(max(v.num(100, "first"), 1), 100)
	start := 0
	if after := v.str("after"); after != "" {
		start, _ = strconv.Atoi(strings.TrimPrefix(after, "cursor:"))
	}
	start = min(max(start, 0), len(roots))
	end := min(start+first, len(roots))
	nodes := []map[string]any{}
	for _, root := range roots[start:end] {
		nodes = append(nodes, s.gqlThread(p, root))
	}
	var endCursor any
	if end > start {
		endCursor = "cursor:" + strconv.Itoa(end)
	}
	pull := s.gqlPull(repo, p)
	pull["reviewThreads"] = map[string]any{
		"totalCount": len(roots),
		"pageInfo":   map[string]any{"hasNextPage": end < len(roots), "endCursor": endCursor},
		"nodes":      nodes,
	}
	data["repository"] = map[string]any{"pullRequest": pull}
}

// ReviewThreads returns, for pull request n, whether each thread is
// resolved, by the id of its first comment in creation order.
func (s *Server) ReviewThreads(owner, repo string, n int) map[int]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pullRepo(s.mustRepo("ReviewThreads", owner, repo)).pulls[n]
	out := map[int]bool{}
	for _, c := range p.comments {
		if c.inReplyTo == 0 {
			out[c.id] = c.resolvedBy != ""
		}
	}
	return out
}
