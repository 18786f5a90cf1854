package toolkit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/github"
	"github.com/ghmcp/ghmcp/ratelimit"
)

// OpError is an error of a named operation ("create issue in
// octo/hello"), which the explanation of the error starts with.
type OpError struct {
	Op  string
	Err error
}

func (e *OpError) Error() string { return e.Op + ": " + e.Err.Error() }

func (e *OpError) Unwrap() error { return e.Err }

// Op names the operation err comes from, for the model's message; a nil
// err stays nil, so a handler can end with return out, Op(what, err).
func Op(what string, err error) error {
	if err == nil {
		return nil
	}
	return &OpError{Op: what, Err: err}
}

// Explain turns an error into the message a model or a person can act on:
// what went wrong and what to do about it. what names the operation
// ("get issue octo/hello#3") unless err names its own (Op).
func Explain(what string, err error) string {
	return explain(what, err)
}

// explain is Explain; tools pass their name as what, which an Op inside
// err replaces.
func explain(what string, err error) string {
	var op *OpError
	if errors.As(err, &op) {
		what = op.Op
		err = op.Err
	}
	var (
		argErr    *ArgError
		limitErr  *ratelimit.LimitError
		ambiguous *ratelimit.AmbiguousWriteError
		respErr   *gh.ErrorResponse
		rateErr   *gh.RateLimitError
		abuseErr  *gh.AbuseRateLimitError
	)
	switch {
	case errors.As(err, &argErr):
		return argErr.Error()
	case errors.Is(err, github.ErrNoToken):
		return what + ": " + github.ErrNoToken.Error()
	case errors.As(err, &limitErr):
		return what + ": " + limitErr.Error()
	case errors.As(err, &ambiguous):
		return what + ": " + ambiguous.Error()
	case errors.As(err, &rateErr):
		return fmt.Sprintf("%s: GitHub rate limit exhausted; it resets at %s. Retry after that time", what, rateErr.Rate.Reset.UTC().Format("2006-01-02T15:04:05Z"))
	case errors.As(err, &abuseErr):
		return fmt.Sprintf("%s: GitHub's secondary rate limit was hit. Wait a minute, then retry with fewer calls at once", what)
	case errors.As(err, &respErr):
		return what + ": " + ExplainResponse(respErr)
	case errors.Is(err, context.Canceled):
		return what + ": cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		return what + ": timed out waiting for GitHub; retry later"
	}
	return fmt.Sprintf("%s: %v", what, err)
}

// ExplainResponse explains a GitHub error answer by its status, keeping
// GitHub's own message and adding the next step for its cause: for a 404
// the object that is missing (read from the request's path) and the tool
// that lists valid ones; for a 422 GitHub's field errors, and whether an
// argument can fix them.
func ExplainResponse(e *gh.ErrorResponse) string {
	status := 0
	if e.Response != nil {
		status = e.Response.StatusCode
	}
	msg := e.Message
	if msg == "" {
		msg = http.StatusText(status)
	}
	switch status {
	case http.StatusUnauthorized:
		return "GitHub rejected the token (401 " + msg + "). Set a valid token in GITHUB_PERSONAL_ACCESS_TOKEN and restart the server"
	case http.StatusNotFound:
		return "not found (404 " + msg + "): " + explainMissing(requestPath(e))
	case http.StatusForbidden:
		return fmt.Sprintf("forbidden (403: %s). The token may lack the permission this needs, or the resource is read-only", msg)
	case http.StatusConflict:
		return fmt.Sprintf("conflict (409: %s). The resource changed since you read it; read it again and retry", msg)
	case http.StatusGone:
		return fmt.Sprintf("gone (410: %s). The feature is disabled for this repository", msg)
	case http.StatusUnprocessableEntity:
		text := "GitHub rejected the input (422 " + msg + ")" + explainFieldErrors(e.Errors)
		if aboutArguments(e.Errors) {
			return text + ". Fix those arguments and retry"
		}
		obj := objectOf(requestPath(e))
		if obj.kind == "commit or ref" {
			// "No commit found for SHA: x": the ref given is wrong.
			return text + ". Check the ref or SHA given: list_branches and list_commits show valid ones"
		}
		next := "read it again to see its state"
		if obj.getter != "" {
			next = obj.getter + " shows its state"
		}
		return fmt.Sprintf("%s. No argument can fix this: GitHub refuses it in the current state of the %s (%s); do not retry unchanged", text, obj.kind, next)
	}
	if status >= 500 {
		return fmt.Sprintf("GitHub failed (%d %s). This is on GitHub's side; retry in a little while", status, msg)
	}
	return fmt.Sprintf("GitHub answered %d: %s", status, msg)
}

// requestPath is the path of the request that failed, without the API
// root ("/api/v3" on GitHub Enterprise Server), or "".
func requestPath(e *gh.ErrorResponse) string {
	if e.Response == nil || e.Response.Request == nil || e.Response.Request.URL == nil {
		return ""
	}
	p := e.Response.Request.URL.Path
	if e.Response.Request.Method == http.MethodPut && strings.Contains(p, "/contents/") {
		// Writing a file 404s for its branch or repository, not the
		// file, which a PUT creates.
		p, _, _ = strings.Cut(p, "/contents/")
		p += "/branches"
	}
	for _, root := range []string{"/repos/", "/users/", "/orgs/", "/notifications", "/user/", "/search/", "/gists/"} {
		if i := strings.Index(p, root); i >= 0 {
			return p[i:]
		}
	}
	return p
}

// object is what a request path addresses: its kind in words, its name,
// the tool that lists valid ones and the tool that reads it.
type object struct {
	kind, name string
	lister     string
	getter     string
	repo       string // owner/name when the path is in a repository
	isRepo     bool   // the path is the repository itself
}

// objectOf reads the object a GitHub REST path addresses. Unknown shapes
// give a plain "resource".
func objectOf(path string) object {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	at := func(i int) string {
		if i < len(seg) {
			return seg[i]
		}
		return ""
	}
	switch at(0) {
	case "users":
		return object{kind: "user", name: at(1), lister: "search_users"}
	case "orgs":
		return object{kind: "organization", name: at(1), lister: "search_users"}
	case "notifications":
		return object{kind: "notification thread", name: at(2), lister: "list_notifications"}
	case "repos":
	default:
		return object{kind: "resource"}
	}
	repo := at(1) + "/" + at(2)
	o := object{repo: repo}
	rest := seg[min(3, len(seg)):]
	r := func(i int) string {
		if i < len(rest) {
			return rest[i]
		}
		return ""
	}
	switch r(0) {
	case "":
		return object{kind: "repository", name: repo, lister: "search_repositories", getter: "get_repository_details", repo: repo, isRepo: true}
	case "issues":
		switch {
		case r(1) == "comments":
			o.kind, o.name, o.lister = "issue comment", r(2), "list_issue_comments"
		case r(2) == "labels" && r(3) != "":
			o.kind, o.name, o.lister, o.getter = "label", r(3), "get_issue", "get_issue"
		default:
			o.kind, o.name, o.lister, o.getter = "issue", number(r(1)), "list_issues", "get_issue"
		}
	case "pulls":
		switch {
		case r(1) == "comments":
			o.kind, o.name, o.lister = "review comment", r(2), "list_review_threads"
		case r(2) == "comments" && r(3) != "":
			o.kind, o.name, o.lister = "review comment", r(3), "list_review_threads"
		default:
			o.kind, o.name, o.lister, o.getter = "pull request", number(r(1)), "list_pull_requests", "get_pull_request"
		}
	case "branches":
		o.kind, o.name, o.lister = "branch", r(1), "list_branches"
	case "merges", "merge-upstream":
		o.kind, o.lister = "branch", "list_branches"
	case "git":
		switch {
		case (r(1) == "ref" || r(1) == "refs") && r(2) == "heads":
			o.kind, o.name, o.lister = "branch", strings.Join(rest[min(3, len(rest)):], "/"), "list_branches"
		case (r(1) == "ref" || r(1) == "refs") && r(2) == "tags":
			o.kind, o.name, o.lister = "tag", strings.Join(rest[min(3, len(rest)):], "/"), "list_tags"
		case r(1) == "ref" || r(1) == "refs":
			o.kind, o.name, o.lister = "ref", strings.Join(rest[min(2, len(rest)):], "/"), "list_branches"
		case r(1) == "trees":
			o.kind, o.name, o.lister = "tree or ref", r(2), "list_branches"
		default:
			o.kind, o.name, o.lister = "commit or ref", r(2), "list_commits"
		}
	case "commits":
		o.kind, o.name, o.lister = "commit or ref", r(1), "list_commits"
	case "contents":
		o.kind, o.name, o.lister = "path", strings.Join(rest[1:], "/"), "get_repository_tree"
	case "actions":
		switch r(1) {
		case "workflows":
			o.kind, o.name, o.lister = "workflow", r(2), "list_workflows"
		case "runs":
			o.kind, o.name, o.lister, o.getter = "workflow run", r(2), "list_workflow_runs", "get_workflow_run"
		case "jobs":
			o.kind, o.name, o.lister = "job", r(2), "get_workflow_run"
		case "artifacts":
			o.kind, o.name, o.lister = "artifact", r(2), "list_run_artifacts"
		default:
			o.kind = "Actions resource"
		}
	case "labels":
		o.kind, o.name, o.lister = "label", r(1), "list_labels"
	case "releases":
		switch r(1) {
		case "tags":
			o.kind, o.name, o.lister = "release for tag", r(2), "list_releases"
		case "latest":
			o.kind, o.lister = "published release", "list_releases"
		default:
			o.kind, o.name, o.lister = "release", r(1), "list_releases"
		}
	case "tags":
		o.kind, o.lister = "tag", "list_tags"
	case "collaborators":
		o.kind, o.name, o.lister = "collaborator", r(1), "list_collaborators"
	case "invitations":
		o.kind, o.name, o.lister = "invitation", r(1), "list_repository_invitations"
	case "code-scanning":
		o.kind, o.name, o.lister = "code scanning alert", r(2), "list_code_scanning_alerts"
	case "dependabot":
		o.kind, o.name, o.lister = "Dependabot alert", r(2), "list_dependabot_alerts"
	case "secret-scanning":
		o.kind, o.name, o.lister = "secret scanning alert", r(2), "list_secret_scanning_alerts"
	case "milestones":
		o.kind, o.name = "milestone", r(1)
	case "forks":
		o.kind, o.name, o.lister, o.getter, o.isRepo = "repository", repo, "search_repositories", "get_repository_details", true
	default:
		o.kind = "resource"
	}
	if o.name == "" && o.kind != "published release" && o.kind != "Actions resource" && o.kind != "resource" {
		// A list or a create in the repository: a 404 there means the
		// repository itself is missing or not visible.
		return object{kind: "repository", name: repo, lister: "search_repositories", getter: "get_repository_details", repo: repo, isRepo: true}
	}
	return o
}

// number is "#n" for a path segment n, or "" for none.
func number(seg string) string {
	if seg == "" {
		return ""
	}
	return "#" + seg
}

// explainMissing says which object a 404 is about and how to find valid
// ones. GitHub answers 404, not 403, for what the token may not see, so a
// missing repository may be private: the model should ask, not guess.
func explainMissing(path string) string {
	o := objectOf(path)
	if o.isRepo {
		return fmt.Sprintf("repository %s does not exist, or it is private and the token may lack access to it. Stop and ask the user for the right name or for access; do not guess other names", o.name)
	}
	what := o.kind
	if o.name != "" {
		what += " " + strconv.Quote(o.name)
		if strings.HasPrefix(o.name, "#") {
			what = o.kind + " " + o.name
		}
	}
	if o.repo != "" {
		what += " in " + o.repo
	}
	if o.kind == "resource" {
		what = "the " + what
		if path == "" {
			return "the object does not exist, or the token cannot see it. Check the owner, name and number"
		}
	}
	text := what + " does not exist (or the token may lack access to it)"
	if o.lister != "" {
		text += "; " + o.lister + " shows the valid ones"
	} else if o.kind == "resource" {
		text += ". Check the owner, name and number"
	}
	return text
}

// aboutArguments reports whether GitHub's field errors name fields a
// call sends, which different arguments can fix; errors without a field
// are about the object's state.
func aboutArguments(errs []gh.Error) bool {
	for _, fe := range errs {
		if fe.Field == "" {
			continue
		}
		switch fe.Code {
		case "missing_field", "invalid", "missing", "already_exists":
			return true
		}
	}
	return false
}

// explainFieldErrors relays GitHub's per-field validation errors in its
// own words: resource, field, code and message.
func explainFieldErrors(errs []gh.Error) string {
	if len(errs) == 0 {
		return ""
	}
	parts := make([]string, 0, len(errs))
	for _, fe := range errs {
		var p string
		switch fe.Code {
		case "missing_field":
			p = fmt.Sprintf("%s is required", fe.Field)
		case "invalid":
			p = fmt.Sprintf("%s is invalid", fe.Field)
		case "already_exists":
			p = fmt.Sprintf("%s already exists", fe.Field)
		case "missing":
			p = strings.TrimSpace(fe.Resource + " " + fe.Field + " does not exist")
		case "custom", "":
			p = fe.Message
		default:
			p = strings.TrimSpace(fe.Field + " " + fe.Code)
		}
		if fe.Resource != "" && fe.Code != "missing" && fe.Code != "custom" && fe.Code != "" {
			p = fe.Resource + " " + p
		}
		if fe.Message != "" && fe.Code != "custom" && fe.Code != "" {
			p += ": " + fe.Message
		}
		parts = append(parts, strings.TrimSpace(p))
	}
	return ": " + strings.Join(parts, "; ")
}

// ExplainedError is an error already explained for the model (Explain's
// message, redacted) that keeps its cause, so that callers can still
// branch on it with errors.As (the server picks a JSON-RPC code from it).
type ExplainedError struct {
	Msg string
	Err error
}

func (e *ExplainedError) Error() string { return e.Msg }

// Unwrap returns the cause.
func (e *ExplainedError) Unwrap() error { return e.Err }
