package toolkit

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// Every string a result carries is untrusted by default: the content
// filter (content.go) walks a result by reflection and filters every
// string it finds, in fields of any string type, nested at any depth, in
// slices, maps (keys too) and interfaces. A plain string is filtered as
// Markdown (hidden comments and link definitions removed, hidden
// characters made visible); UntrustedCode is filtered verbatim (comments
// kept). Untrusted is a plain string that also says so in the schema.
//
// The types below are the exceptions: strings that cannot carry free
// text, because GitHub restricts what they may hold. The filter leaves a
// value of one of them alone as long as it is visible ASCII (printable,
// no space), which every such value is; anything else in it (a hidden
// character, a control) is filtered like any string, so a type declared
// safe by mistake is a cost, never a hole.
//
// Use them only for what GitHub builds or restricts, never for a name a
// user chose: label, branch, tag, file, release, asset, workflow and
// author names, titles, bodies and messages stay string. The catalogue
// test (TestResultStringsAreFilteredOrSafe) refuses a safe type on a field
// whose JSON name says it holds such text.
type (
	// SHA is a git object id: hexadecimal.
	SHA string
	// Timestamp is a time ghmcp formatted (RFC 3339).
	Timestamp string
	// URL is a URL GitHub built (html_url, url, download URLs: ids and
	// percent-encoded names), never one a user typed (homepage, blog).
	URL string
	// Enum is a word from a fixed set GitHub defines: a state, a
	// conclusion, an event, a permission, author_association.
	Enum string
	// Login is a GitHub login, team or app slug: letters, digits and '-'
	// (and "[bot]").
	Login string
)

// safeTypes are the string types the filter leaves alone.
var safeTypes = map[reflect.Type]bool{
	reflect.TypeFor[SHA]():       true,
	reflect.TypeFor[Timestamp](): true,
	reflect.TypeFor[URL]():       true,
	reflect.TypeFor[Enum]():      true,
	reflect.TypeFor[Login]():     true,
}

// SafeType reports whether t is one of the string types that cannot carry
// free text (see SHA).
func SafeType(t reflect.Type) bool { return safeTypes[t] }

// visibleASCII reports whether s holds only printable ASCII without
// spaces: what every value of a safe type is.
func visibleASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// freeTextNames are words in a JSON field name that say the field holds
// text a user chose; such a field must not have a safe type.
var freeTextNames = []string{"name", "path", "ref", "branch", "tag", "title", "body", "message", "label", "description", "text", "content", "patch", "diff", "log", "comment", "file", "topic", "query", "fragment", "match", "note", "summary", "key"}

// ResultProblems walks a result type and reports what the content filter
// could miss: a field the walker cannot see into (raw JSON, bytes, a type
// with its own JSON or text encoding other than time.Time), or a safe type
// (SHA, URL, ...) on a field whose name says it holds free text. New
// tools need nothing but plain strings for text; the catalogue test runs
// this on every tool's result.
func ResultProblems(t reflect.Type) []string {
	var out []string
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type, where, name string)
	walk = func(t reflect.Type, where, name string) {
		if safeTypes[t] {
			for _, w := range freeTextNames {
				if containsWord(name, w) {
					out = append(out, fmt.Sprintf("%s: %s holds free text (its name says %q), not a %s", where, name, w, t.Name()))
				}
			}
			return
		}
		if t == timeType {
			return
		}
		if t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonMarshaler) ||
			t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler) {
			out = append(out, fmt.Sprintf("%s: %s has its own encoding (%s), which the content filter cannot see", where, name, t))
			return
		}
		switch t.Kind() {
		case reflect.Pointer:
			walk(t.Elem(), where, name)
		case reflect.Slice, reflect.Array:
			if t.Elem().Kind() == reflect.Uint8 {
				out = append(out, fmt.Sprintf("%s: %s is bytes (%s), which the content filter cannot see", where, name, t))
				return
			}
			walk(t.Elem(), where, name)
		case reflect.Map:
			walk(t.Key(), where, name+" (key)")
			walk(t.Elem(), where, name)
		case reflect.Struct:
			if seen[t] {
				return
			}
			seen[t] = true
			for i := range t.NumField() {
				sf := t.Field(i)
				if !sf.IsExported() && !sf.Anonymous {
					continue // not encoded
				}
				n, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
				if n == "-" {
					continue
				}
				if n == "" {
					n = sf.Name
				}
				walk(sf.Type, t.String(), n)
			}
		}
	}
	walk(t, t.String(), "result")
	return out
}

// containsWord reports whether the snake_case name has w as one of its
// words (or as a word's plural).
func containsWord(name, w string) bool {
	for _, part := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == '_' || r == ' ' || r == '(' || r == ')' }) {
		if part == w || part == w+"s" || part == w+"es" {
			return true
		}
	}
	return false
}

var (
	timeType      = reflect.TypeFor[time.Time]()
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)
