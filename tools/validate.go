package tools

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// ArgError is a tool argument that breaks a rule. Its message names the
// argument, what was wrong and a valid example, so a model can fix the call.
type ArgError struct {
	Arg     string
	Problem string
	Example string
}

func (e *ArgError) Error() string {
	msg := fmt.Sprintf("invalid argument %q: %s", e.Arg, e.Problem)
	if e.Example != "" {
		msg += ", e.g. " + e.Example
	}
	return msg
}

// nameKind is a kind of GitHub name with its rules.
type nameKind struct {
	what    string // what it is, for messages
	pattern string // shown to the model in the schema, if not empty
	re      *regexp.Regexp
	example string
	check   func(string) string // extra check beyond the pattern; "" if fine
}

func newNameKind(what, pattern, example string, check func(string) string) *nameKind {
	return &nameKind{what: what, pattern: pattern, re: regexp.MustCompile(pattern), example: example, check: check}
}

// schemaless drops a kind's pattern from the schema, keeping the check.
// Owner, repository and login arguments are in nearly every tool and
// their names say what they hold: their patterns would cost the model
// some 120 bytes per tool (a fifth of its budget), while a wrong value
// still gets an error with an example before any request is made.
func schemaless(k *nameKind) *nameKind {
	k.pattern = ""
	return k
}

// nameKinds are the names GitHub constrains. Logins: letters, digits and
// hyphens (underscores for managed users), at most 39. Repositories:
// letters, digits, '.', '-', '_', at most 100, and not "." or "..".
var nameKinds = map[string]*nameKind{
	"owner": schemaless(newNameKind("a GitHub user or organization login (letters, digits, '-'; at most 39)", `^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$`, `"octocat"`, nil)),
	// Logins in lists are checked here but their pattern is not repeated
	// in the schema for every item: it would cost the model bytes in every
	// tool that takes logins.
	"login": {what: "a GitHub user login (letters, digits, '-'; at most 39)", re: regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$`), example: `"octocat"`},
	"repo": schemaless(newNameKind("a repository name (letters, digits, '.', '-', '_'; at most 100)", `^[A-Za-z0-9._-]{1,100}$`, `"hello-world"`, func(s string) string {
		if s == "." || s == ".." {
			return "must not be . or .."
		}
		return ""
	})),
	"ref":  newNameKind("a git branch, tag or ref name", `^[^\s~^:?*\[\\]{1,255}$`, `"main" or "release/v1.2"`, checkRef),
	"sha":  newNameKind("a commit SHA (7 to 40 hex digits)", `^[0-9a-fA-F]{7,40}$`, `"6dcb09b5b57875f334f61aebed695e2e4193db5e"`, nil),
	"path": newNameKind("a file path inside the repository", `^[^/]`, `"docs/README.md"`, checkPath),
}

// checkRef applies git's rules for ref names (git check-ref-format).
func checkRef(s string) string {
	switch {
	case strings.HasPrefix(s, "-"):
		return "must not start with '-'"
	case strings.Contains(s, ".."):
		return "must not contain '..'"
	case strings.Contains(s, "@{"):
		return "must not contain '@{'"
	case strings.Contains(s, "//"):
		return "must not contain '//'"
	case s == "@":
		return "must not be '@'"
	case strings.HasSuffix(s, "/"), strings.HasSuffix(s, "."), strings.HasSuffix(s, ".lock"):
		return "must not end with '/', '.' or '.lock'"
	}
	for _, seg := range strings.Split(s, "/") {
		if strings.HasPrefix(seg, ".") {
			return "no part between slashes may start with '.'"
		}
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "must not contain control characters"
		}
	}
	return ""
}

// checkPath refuses paths that could leave the repository or confuse a
// URL: absolute paths, '.' and '..' segments, empty segments, control
// characters.
func checkPath(s string) string {
	if len(s) > 4096 {
		return fmt.Sprintf("has %d bytes; at most 4096 are allowed", len(s))
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return "must not contain control characters"
		}
	}
	for _, seg := range strings.Split(strings.TrimSuffix(s, "/"), "/") {
		switch seg {
		case "..", ".":
			return "must not contain '.' or '..' segments"
		case "":
			return "must not contain empty segments ('//')"
		}
	}
	return ""
}

// checkKind applies a name kind's rules to a value that is not a tagged
// field of its own: part of an argument ("owner:branch"), or an argument
// that also accepts special values ("none", "*").
func checkKind(arg, kind, value string) *ArgError {
	return rule{op: "name", kind: nameKinds[kind]}.check(arg, reflect.ValueOf(value))
}

// checkOptional is checkKind for an optional value: empty passes. Handlers
// use it where repeating the kind's pattern in the schema would cost the
// model more bytes than it helps.
func checkOptional(arg, kind, value string) error {
	if value == "" {
		return nil
	}
	if err := checkKind(arg, kind, value); err != nil {
		return err
	}
	return nil
}

// validate checks a decoded input struct against its ghmcp rules. It runs
// before any URL is built.
func validate(v any) error {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	for _, f := range fieldsOf(rv.Type()) {
		fv := rv.FieldByIndex(f.index)
		if fv.Kind() == reflect.Pointer {
			if fv.IsNil() {
				continue // not given
			}
			fv = fv.Elem()
		} else if fv.IsZero() {
			if f.optional {
				continue // not given
			}
			if fv.CanInt() {
				return &ArgError{Arg: f.name, Problem: "is required"}
			}
		}
		for _, r := range f.rules {
			if err := r.check(f.name, fv); err != nil {
				return err
			}
		}
	}
	return nil
}

// check applies one rule to a field value; lists are checked per element.
func (r rule) check(name string, v reflect.Value) *ArgError {
	if v.Kind() == reflect.Slice && r.op != "items" {
		for i := range v.Len() {
			if err := r.check(fmt.Sprintf("%s[%d]", name, i), v.Index(i)); err != nil {
				return err
			}
		}
		return nil
	}
	switch r.op {
	case "name":
		s := v.String()
		if s == "" {
			return &ArgError{Arg: name, Problem: "must not be empty; it must be " + r.kind.what, Example: r.kind.example}
		}
		if !r.kind.re.MatchString(s) {
			return &ArgError{Arg: name, Problem: fmt.Sprintf("got %s, which is not %s%s", quoteShort(s), r.kind.what, nameHint(s)), Example: r.kind.example}
		}
		if r.kind.check != nil {
			if p := r.kind.check(s); p != "" {
				return &ArgError{Arg: name, Problem: p, Example: r.kind.example}
			}
		}
	case "len":
		n := utf8.RuneCountInString(v.String())
		if r.min != nil && n < *r.min {
			if n == 0 {
				return &ArgError{Arg: name, Problem: "must not be empty"}
			}
			return &ArgError{Arg: name, Problem: fmt.Sprintf("has %d characters; at least %d are needed", n, *r.min)}
		}
		if r.max != nil && n > *r.max {
			return &ArgError{Arg: name, Problem: fmt.Sprintf("has %d characters; GitHub accepts at most %d", n, *r.max)}
		}
	case "range":
		n := v.Int()
		if r.min != nil && n < int64(*r.min) {
			return &ArgError{Arg: name, Problem: fmt.Sprintf("is %d; it must be at least %d", n, *r.min)}
		}
		if r.max != nil && n > int64(*r.max) {
			return &ArgError{Arg: name, Problem: fmt.Sprintf("is %d; it must be at most %d", n, *r.max)}
		}
	case "enum":
		s := v.String()
		if s != "" && !slices.Contains(r.enum, s) {
			return &ArgError{Arg: name, Problem: fmt.Sprintf("got %s; it must be one of %s", quoteShort(s), strings.Join(r.enum, ", "))}
		}
	case "items":
		if v.Len() > *r.max {
			return &ArgError{Arg: name, Problem: fmt.Sprintf("has %d elements; at most %d are allowed", v.Len(), *r.max)}
		}
	}
	return nil
}

// nameHint explains the most common mistakes in a name.
func nameHint(s string) string {
	switch {
	case strings.Contains(s, ".."):
		return "; path segments such as '..' are not allowed"
	case strings.Contains(s, "/"):
		return "; give the owner and the repository name as separate arguments, without '/'"
	case strings.TrimSpace(s) != s || strings.Contains(s, " "):
		return "; remove the spaces"
	}
	return ""
}

// quoteShort quotes s for an error message, cut to a readable length.
func quoteShort(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		return fmt.Sprintf("%q... (%d characters)", string(r[:max]), len(r))
	}
	return fmt.Sprintf("%q", s)
}
