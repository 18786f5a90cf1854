package toolkit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
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

// ExplainResponse explains a GitHub error answer by its status.
func ExplainResponse(e *gh.ErrorResponse) string {
	status := 0
	if e.Response != nil {
		status = e.Response.StatusCode
	}
	msg := e.Message
	switch status {
	case http.StatusUnauthorized:
		return "GitHub rejected the token (401 " + msg + "). Set a valid token in GITHUB_PERSONAL_ACCESS_TOKEN and restart the server"
	case http.StatusNotFound:
		return "not found (404). Check the owner, name and number; if it exists and is private, the token may lack access to it"
	case http.StatusForbidden:
		return fmt.Sprintf("forbidden (403: %s). The token may lack the permission this needs, or the resource is read-only", msg)
	case http.StatusConflict:
		return fmt.Sprintf("conflict (409: %s). The resource changed since you read it; read it again and retry", msg)
	case http.StatusGone:
		return fmt.Sprintf("gone (410: %s). The feature is disabled for this repository", msg)
	case http.StatusUnprocessableEntity:
		return "GitHub rejected the input (422 " + msg + ")" + explainFieldErrors(e.Errors) + ". Fix those arguments and retry"
	}
	if status >= 500 {
		return fmt.Sprintf("GitHub failed (%d %s). This is on GitHub's side; retry in a little while", status, msg)
	}
	return fmt.Sprintf("GitHub answered %d: %s", status, msg)
}

// explainFieldErrors renders GitHub's per-field validation errors.
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
			p = fmt.Sprintf("%s does not exist", fe.Resource)
		case "custom":
			p = fe.Message
		default:
			p = strings.TrimSpace(fe.Field + " " + fe.Code)
		}
		if fe.Message != "" && fe.Code != "custom" {
			p += ": " + fe.Message
		}
		parts = append(parts, p)
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
