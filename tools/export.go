package tools

// Exported for ghmcp's resources, prompts and completions, which read
// GitHub through the same client as the tools and must follow the same
// rules: the same argument checks before any URL is built, the same
// allow-list (Deps.Repos), the same error explanations, the same caps and
// the same content filter on GitHub-authored text.

// Validate checks a struct whose fields carry ghmcp tags (owner, repo,
// ref, path, range=...) exactly as tool arguments are checked, a zero
// optional field counting as left out; the error is an *ArgError naming
// the field.
func Validate(v any) error {
	return validate(v, nil)
}

// Explain turns an error from a GitHub call into the message a model or a
// person can act on; what names the operation ("get issue octo/hello#3").
func Explain(what string, err error) string {
	return explain(what, err)
}

// FilterText passes text written on GitHub through the content filter that
// newTool applies to the Untrusted fields of tool results, unless d turns
// it off (--content-filter=off). markdown says how GitHub shows the text:
// rendered as Markdown (titles, bodies, comments, whose hidden comments
// are removed) or verbatim (file contents, diffs, logs).
func (d Deps) FilterText(s string, markdown bool) string {
	if d.UnfilteredContent {
		return s
	}
	return filterText(s, markdown)
}

// CapText cuts s to at most max bytes on a rune boundary and reports
// whether it cut.
func CapText(s string, max int) (string, bool) {
	return capText(s, max)
}
