package tools

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// Conventions every tool follows, so the same thing has the same shape
// everywhere and the model learns it once:
//
//   - a user is its login string ("octocat"), never GitHub's user object;
//   - a time is an RFC 3339 string in UTC (timeString);
//   - a list tool embeds PageArgs and its result has next_page (nextPage),
//     absent on the last page; no tool fetches every page silently;
//   - large text (bodies, file contents, diffs, logs) is capped with
//     toolkit.CapText and the result says truncated: true and how to get the rest;
//   - text written by GitHub users (titles, bodies, comments, commit
//     messages, file contents, patches, logs) passes through untrusted()
//     or, for code-like text, code().

// PageArgs are the paging arguments of every list tool.
type PageArgs struct {
	Page    int `json:"page,omitempty" ghmcp:"range=1..,default=1"`
	PerPage int `json:"per_page,omitempty" ghmcp:"range=1..100,default=20"`
}

// listOptions turns paging arguments into go-github's. Their defaults
// (page 1, and 20 a page: small, since the model pays for every item) are
// set by the framework from the tags when the model gives none.
func (p PageArgs) listOptions() gh.ListOptions {
	return gh.ListOptions{Page: p.Page, PerPage: p.PerPage}
}

// nextPage is the page to ask for next, or 0 when this was the last.
func nextPage(resp *gh.Response) int {
	if resp == nil {
		return 0
	}
	return resp.NextPage
}

// login returns a user's login, or "" for none.
func login(u *gh.User) string {
	return u.GetLogin()
}

// logins returns the logins of users.
func logins(us []*gh.User) []string {
	if len(us) == 0 {
		return nil
	}
	out := make([]string, 0, len(us))
	for _, u := range us {
		out = append(out, u.GetLogin())
	}
	return out
}

// ts formats a go-github timestamp with timeString.
func ts(t *gh.Timestamp) string {
	if t == nil {
		return ""
	}
	return timeString(&t.Time)
}

// timeString formats a time as RFC 3339 in UTC, the one time format of
// every ghmcp result; nil or zero is "".
func timeString(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// untrusted marks text GitHub renders as Markdown (titles, bodies,
// comments) as toolkit.Untrusted, and code marks text GitHub shows
// verbatim (file contents, patches, logs, commit messages) as
// toolkit.UntrustedCode. They are the one way such text enters a result;
// the content filter runs later, in the framework, on the whole result.
func untrusted(s string) toolkit.Untrusted { return toolkit.Untrusted(s) }

func code(s string) toolkit.UntrustedCode { return toolkit.UntrustedCode(s) }

// escapePath escapes a checked repository path for a URL, segment by
// segment, so that '?', '#', '%' and spaces in file names stay part of the
// path. go-github escapes the path in GetContents but not in CreateFile,
// UpdateFile or DeleteFile: pass escapePath(path) to those.
func escapePath(p string) string {
	segs := strings.Split(strings.TrimSuffix(p, "/"), "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// parseTimeArg parses an optional time argument: RFC 3339, or a date
// (YYYY-MM-DD, midnight UTC).
func parseTimeArg(arg, value string) (time.Time, error) {
	if value == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, value); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, value); err == nil {
		return t, nil
	}
	return time.Time{}, &toolkit.ArgError{Arg: arg, Problem: fmt.Sprintf("got %s, which is not an RFC 3339 time or a date", toolkit.QuoteShort(value)), Example: `"2026-05-01T00:00:00Z" or "2026-05-01"`}
}
