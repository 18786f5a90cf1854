package toolkit

import (
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/ghmcp/ghmcp/github"
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
	// re is compiled at its first use, not at start-up: bounded
	// repetitions such as {0,38} make costly programs, and a server that
	// only lists its tools never needs them.
	re      func() *regexp.Regexp
	example string
	check   func(string) string // extra check beyond the pattern; "" if fine
}

func newNameKind(what, pattern, example string, check func(string) string) *nameKind {
	return &nameKind{what: what, pattern: pattern, re: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) }), example: example, check: check}
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
// hyphens (underscores for managed users), at most 39. Repositories: letters, digits,
// '.', '-', '_', at most 100, and not "." or "..". Refs follow git's rules
// (git check-ref-format). Paths stay inside the repository. Labels are free
// text of at most 50 characters.
//
// Every kind refuses control characters and invisible or
// direction-changing characters (see hiddenRune): a name the model was
// shown must be the name GitHub receives.
var nameKinds = map[string]*nameKind{
	"owner": schemaless(newNameKind("a GitHub user or organization login (letters, digits, '-'; at most 39)", `^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$`, `"octocat"`, nil)),
	// Logins in lists are checked here but their pattern is not repeated
	// in the schema for every item: it would cost the model bytes in every
	// tool that takes logins.
	"login": schemaless(newNameKind("a GitHub user login (letters, digits, '-'; at most 39)", `^[A-Za-z0-9][A-Za-z0-9_-]{0,38}$`, `"octocat"`, nil)),
	"repo": schemaless(newNameKind("a repository name (letters, digits, '.', '-', '_'; at most 100)", `^[A-Za-z0-9._-]{1,100}$`, `"hello-world"`, func(s string) string {
		if s == "." || s == ".." {
			return "must not be . or .."
		}
		return ""
	})),
	"ref":   newNameKind("a git branch, tag or ref name", `^[^\s~^:?*\[\\]{1,255}$`, `"main" or "release/v1.2"`, checkRef),
	"sha":   newNameKind("a commit SHA (7 to 40 hex digits)", `^[0-9a-fA-F]{7,40}$`, `"6dcb09b5b57875f334f61aebed695e2e4193db5e"`, nil),
	"path":  newNameKind("a file path inside the repository", `^[^/]`, `"docs/README.md"`, checkPath),
	"label": newNameKind("a label name (at most 50 characters)", `^[^,]{1,50}$`, `"bug"`, checkLabel),
}

// checkText refuses what no GitHub name may contain: control characters
// (C0, DEL, C1) and invisible or direction-changing characters, which make
// a name look different from what it is.
func checkText(s string) string {
	for _, r := range s {
		switch {
		case r < 0x20 || (r >= 0x7f && r < 0xa0):
			return fmt.Sprintf("must not contain control characters (found %U)", r)
		case hiddenRune(r):
			return fmt.Sprintf("must not contain invisible or direction-changing characters (found %U)", r)
		}
	}
	return ""
}

// checkRef applies git's rules for ref names (git check-ref-format).
func checkRef(s string) string {
	switch {
	case strings.HasPrefix(s, "-"):
		return "must not start with '-'"
	case strings.HasPrefix(s, "/"):
		return "must not start with '/'"
	case strings.Contains(s, ".."):
		return "must not contain '..'"
	case strings.Contains(s, "@{"):
		return "must not contain '@{'"
	case strings.Contains(s, "//"):
		return "must not contain '//'"
	case s == "@":
		return "must not be '@'"
	case strings.HasSuffix(s, "/"), strings.HasSuffix(s, "."):
		return "must not end with '/' or '.'"
	}
	for _, seg := range strings.Split(s, "/") {
		if strings.HasPrefix(seg, ".") {
			return "no part between slashes may start with '.'"
		}
		if strings.HasSuffix(seg, ".lock") {
			return "no part between slashes may end with '.lock'"
		}
	}
	return checkText(s)
}

// maxPathBytes bounds a path; GitHub's own limit is 4096 bytes.
const maxPathBytes = 4096

// checkPath refuses paths that could leave the repository or confuse a
// URL: absolute paths, '.' and '..' segments (also when percent-encoded,
// once or twice, or separated by '\'), empty segments, control and
// invisible characters. Paths are still escaped segment by segment when a
// URL is built (escapePath); this check is the layer before.
func checkPath(s string) string {
	if len(s) > maxPathBytes {
		return fmt.Sprintf("has %d bytes; at most %d are allowed", len(s), maxPathBytes)
	}
	if p := checkText(s); p != "" {
		return p
	}
	for _, seg := range strings.Split(strings.TrimSuffix(s, "/"), "/") {
		if seg == "" {
			return "must not contain empty segments ('//')"
		}
		if github.DotSegment(seg) {
			return "must not contain '.' or '..' segments (nor encoded ones such as %2e%2e); give the path from the repository root"
		}
		if github.DotSegment(url.PathEscape(seg)) {
			// The transport's guard sees the escaped segment and refuses
			// one that still decodes after three rounds; say so here.
			return "must not contain a segment percent-encoded several times over (such as %2525); give the file name as it is"
		}
	}
	if strings.Contains(s, "..") {
		// go-github refuses it anywhere in a path (GetContents), so say
		// so before any URL is built.
		return "must not contain '..'"
	}
	return ""
}

// checkLabel refuses labels GitHub would trim or could not filter by.
func checkLabel(s string) string {
	if strings.TrimSpace(s) != s {
		return "must not start or end with spaces"
	}
	return checkText(s)
}

// CheckName applies the rules of a name kind ("owner", "repo", "login",
// "ref", "sha", "path", "label") to a value that is not a tagged field of
// its own: part of an argument ("owner:branch"), or an argument that also
// accepts special values ("none", "*"). The error names arg.
func CheckName(arg, kind, value string) *ArgError {
	return rule{op: "name", kind: nameKinds[kind]}.check(arg, reflect.ValueOf(value), false, false)
}

// IsName reports whether value matches the pattern of a name kind, as a
// quick test on text GitHub sent (not on arguments: use CheckName).
func IsName(kind, value string) bool {
	return nameKinds[kind].re().MatchString(value)
}

// Validate checks a struct whose fields carry ghmcp tags (owner, repo,
// ref, path, range=...) exactly as tool arguments are checked, for code
// that reads arguments of its own (resources, prompts): a required field
// is checked whatever its value, a zero optional field counts as left
// out. The error is an *ArgError naming the field.
func Validate(v any) error {
	if err := validate(v, nil); err != nil {
		return err
	}
	return nil
}

// validate checks a decoded input struct against its ghmcp rules. It runs
// before any URL is built. present holds the paths of the arguments the
// call gave (from decodeArgs): an optional argument left out is not
// checked, one given is, even empty. With present nil, an optional
// argument's zero value counts as left out. Nested structs and lists of
// structs are checked field by field.
func validate(v any, present map[string]bool) error {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil
	}
	if err := validateStruct("", rv, present); err != nil {
		return err
	}
	return nil
}

// validateStruct checks the fields of a struct value; prefix names the
// struct inside the arguments ("comments[2]."), empty at the top.
func validateStruct(prefix string, rv reflect.Value, present map[string]bool) *ArgError {
	for _, f := range fieldsOf(rv.Type()) {
		fv := rv.FieldByIndex(f.index)
		name := prefix + f.name
		given := !fv.IsZero()
		if present != nil {
			given = present[name]
		}
		if f.optional && (!given || f.quiet && fv.IsZero()) {
			// Left out; a quiet argument given empty counts as left out
			// too, since the schema shows the model no rule to follow.
			continue
		}
		for _, r := range f.rules {
			if err := r.check(name, fv, f.optional, present != nil); err != nil {
				return err
			}
		}
		if present != nil && !f.optional && !given {
			// A required argument left out whose rules (which say what to
			// give) accept its zero value.
			return &ArgError{Arg: name, Problem: "is required; give a value"}
		}
		if err := validateNested(name, fv, present); err != nil {
			return err
		}
	}
	return nil
}

// validateNested descends into struct values, pointers to them and lists of
// them.
func validateNested(name string, v reflect.Value, present map[string]bool) *ArgError {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return validateNested(name, v.Elem(), present)
	case reflect.Struct:
		return validateStruct(name+".", v, present)
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if err := validateNested(fmt.Sprintf("%s[%d]", name, i), v.Index(i), present); err != nil {
				return err
			}
		}
	}
	return nil
}

// check applies one rule to a field value; lists are checked per element.
// optional says the argument may be left out, which the messages for an
// empty value mention; missing says a zero value may be an argument left
// out (in decoded arguments, not in a struct given to Validate).
func (r rule) check(name string, v reflect.Value, optional, missing bool) *ArgError {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		return r.check(name, v.Elem(), optional, missing)
	}
	if v.Kind() == reflect.Slice && r.op != "items" {
		for i := range v.Len() {
			if err := r.check(fmt.Sprintf("%s[%d]", name, i), v.Index(i), false, missing); err != nil {
				return err
			}
		}
		return nil
	}
	leaveOut := ""
	if optional {
		leaveOut = " (or leave it out)"
	}
	switch r.op {
	case "name":
		s := v.String()
		if s == "" {
			return &ArgError{Arg: name, Problem: "must not be empty" + leaveOut + "; it must be " + r.kind.what, Example: r.kind.example}
		}
		if !r.kind.re().MatchString(s) {
			return &ArgError{Arg: name, Problem: fmt.Sprintf("got %s, which is not %s%s", QuoteShort(s), r.kind.what, nameHint(r.kind, s)), Example: r.kind.example}
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
				return &ArgError{Arg: name, Problem: "must not be empty" + leaveOut}
			}
			return &ArgError{Arg: name, Problem: fmt.Sprintf("has %d characters; at least %d are needed", n, *r.min)}
		}
		if r.max != nil && n > *r.max {
			return &ArgError{Arg: name, Problem: fmt.Sprintf("has %d characters; GitHub accepts at most %d", n, *r.max)}
		}
	case "range":
		n := v.Int()
		if n == 0 && !optional && r.min != nil && *r.min > 0 && missing {
			return &ArgError{Arg: name, Problem: fmt.Sprintf("is missing or 0; it must be at least %d", *r.min)}
		}
		return r.checkRange(name, n)
	case "enum":
		if s := v.String(); !slices.Contains(r.enum, s) {
			if s != "" {
				leaveOut = ""
			}
			return &ArgError{Arg: name, Problem: fmt.Sprintf("got %s; it must be one of %s%s", QuoteShort(s), strings.Join(r.enum, ", "), leaveOut)}
		}
	case "items":
		if v.Len() > *r.max {
			return &ArgError{Arg: name, Problem: fmt.Sprintf("has %d elements; at most %d are allowed", v.Len(), *r.max)}
		}
	}
	return nil
}

// checkRange checks an integer against the rule's bounds.
func (r rule) checkRange(name string, n int64) *ArgError {
	if r.min != nil && n < int64(*r.min) {
		return &ArgError{Arg: name, Problem: fmt.Sprintf("is %d; it must be at least %d", n, *r.min)}
	}
	if r.max != nil && n > int64(*r.max) {
		return &ArgError{Arg: name, Problem: fmt.Sprintf("is %d; it must be at most %d", n, *r.max)}
	}
	return nil
}

// nameHint explains the most common mistakes in a name of kind k.
func nameHint(k *nameKind, s string) string {
	switch {
	case k == nameKinds["path"] && strings.HasPrefix(s, "/"):
		return "; give the path from the repository root, without a leading '/'"
	case strings.Contains(s, ".."):
		return "; path segments such as '..' are not allowed"
	case strings.Contains(s, "/") && (k == nameKinds["owner"] || k == nameKinds["repo"] || k == nameKinds["login"]):
		return "; give the owner and the repository name as separate arguments, without '/'"
	case strings.TrimSpace(s) != s || strings.Contains(s, " "):
		return "; remove the spaces"
	}
	return ""
}

// QuoteShort quotes s for an error message, cut to a readable length.
func QuoteShort(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		return fmt.Sprintf("%q... (%d characters)", string(r[:max]), len(r))
	}
	return fmt.Sprintf("%q", s)
}
