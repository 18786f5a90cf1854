package tools

// Exported for ghmcp's resources, prompts and completions, which read
// GitHub through the same client as the tools and must follow the same
// rules: the same argument checks before any URL is built, the same error
// explanations, the same caps and the same treatment of GitHub-authored
// text.

// Validate checks a struct whose fields carry ghmcp tags (owner, repo,
// ref, path, range=...) exactly as tool arguments are checked; the error
// is an *ArgError naming the field.
func Validate(v any) error {
	return validate(v)
}

// Explain turns an error from a GitHub call into the message a model or a
// person can act on; what names the operation ("get issue octo/hello#3").
func Explain(what string, err error) string {
	return explain(what, err)
}

// UntrustedText passes text written on GitHub (bodies, comments, file
// contents, diffs) through the same filter as the Untrusted fields of tool
// results.
func UntrustedText(s string) string {
	return string(untrusted(s))
}

// CapText cuts s to at most max bytes on a rune boundary and reports
// whether it cut.
func CapText(s string, max int) (string, bool) {
	return capText(s, max)
}
