package toolkit

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/google/jsonschema-go/jsonschema"
)

// Input and output structs are the tools' contracts. Their JSON Schemas are
// derived by jsonschema-go, which reads the field's json tag (a field
// without omitempty is required) and its `jsonschema` tag (the description).
// Constraints come from our own `ghmcp` tag, which drives both the schema
// the model sees and the server-side check in validate.go, so the two can
// never disagree. The tag is a comma-separated list of:
//
//	owner, repo, login, label   a GitHub name kind (pattern, length, check)
//	ref, sha, path              a git ref, a commit SHA, a path in a repository
//	len=MIN..MAX                string length (or MAX alone)
//	range=MIN..MAX              integer bounds (either side may be empty)
//	enum=a|b|c                  allowed values
//	items=MAX                   most elements in a list
//	default=V                   default value: shown to the model, and
//	                            set by the decoder when the argument is
//	                            left out (or null)
//	quiet                       check the field's rules but leave them out
//	                            of the schema (all but default): for
//	                            arguments whose name says what they hold,
//	                            where a pattern would cost the model more
//	                            bytes than it helps; an optional quiet
//	                            argument given empty counts as left out
//
// A field without omitempty is required: left out, it is refused with a
// message naming it, and its rules run on the zero value.
// deriveSchema derives the JSON Schema of t.
func deriveSchema(t reflect.Type) (json.RawMessage, error) {
	s, err := jsonschema.ForType(t, &jsonschema.ForOptions{})
	if err != nil {
		return nil, fmt.Errorf("schema for %s: %w", t, err)
	}
	if err := applyRules(t, s); err != nil {
		return nil, fmt.Errorf("schema for %s: %w", t, err)
	}
	if s.Type == "object" && s.Properties == nil {
		// Some hosts reject an object schema without properties.
		s.Properties = map[string]*jsonschema.Schema{}
	}
	return json.Marshal(s)
}

// applyRules walks a struct type and its schema together, simplifying the
// schema and adding the constraints of each field's ghmcp tag.
func applyRules(t reflect.Type, s *jsonschema.Schema) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	simplify(s)
	if t == reflect.TypeFor[Untrusted]() || t == reflect.TypeFor[UntrustedCode]() {
		s.Description = untrustedNote
		return nil
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		if s.Items != nil {
			return applyRules(t.Elem(), s.Items)
		}
		return nil
	case reflect.Struct:
	default:
		return nil
	}
	for _, f := range fieldsOf(t) {
		prop := s.Properties[f.name]
		if prop == nil {
			continue
		}
		if err := applyRules(f.typ, prop); err != nil {
			return err
		}
		for _, r := range f.rules {
			if f.quiet && r.op != "default" {
				continue
			}
			r.decorate(prop, f.typ)
		}
	}
	return nil
}

// simplify removes what costs the model bytes and says nothing:
// ["null", X] types from pointers and nil slices.
func simplify(s *jsonschema.Schema) {
	if len(s.Types) == 2 && s.Types[0] == "null" {
		s.Type, s.Types = s.Types[1], nil
	}
}

// field is one JSON property of a struct with its parsed rules.
type field struct {
	index    []int
	name     string
	optional bool // omitempty: the model may leave it out
	quiet    bool // rules checked, not shown in the schema
	typ      reflect.Type
	rules    []rule
}

// fieldsOf lists the JSON properties of a struct type.
func fieldsOf(t reflect.Type) []field {
	var out []field
	for _, sf := range reflect.VisibleFields(t) {
		if !sf.IsExported() || sf.Anonymous {
			continue
		}
		name, opts, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		rules, quiet, err := parseRules(sf.Tag.Get("ghmcp"), sf.Type)
		if err != nil {
			// Tags are fixed at compile time: a bad one is a programming
			// error caught by the schema golden test.
			panic(fmt.Sprintf("%s.%s: %v", t, sf.Name, err))
		}
		optional := slices.Contains(strings.Split(opts, ","), "omitempty")
		out = append(out, field{index: sf.Index, name: name, optional: optional, quiet: quiet, typ: sf.Type, rules: rules})
	}
	return out
}

// rule is one constraint of a field.
type rule struct {
	op       string // name, len, range, enum, items or default
	kind     *nameKind
	min, max *int
	enum     []string
	value    string
	def      any // default: the value, of the field's type
}

// parseRules parses a ghmcp tag for a field of type t; quiet reports the
// quiet option.
func parseRules(tag string, t reflect.Type) (rules []rule, quiet bool, err error) {
	if tag == "" {
		return nil, false, nil
	}
	var out []rule
	for _, part := range strings.Split(tag, ",") {
		key, val, _ := strings.Cut(part, "=")
		if key == "quiet" {
			quiet = true
			continue
		}
		r := rule{op: key, value: val}
		switch key {
		case "len", "range":
			lo, hi, found := strings.Cut(val, "..")
			if !found {
				lo, hi = "", lo
			}
			var err error
			if r.min, err = optInt(lo); err != nil {
				return nil, false, err
			}
			if r.max, err = optInt(hi); err != nil {
				return nil, false, err
			}
		case "enum":
			r.enum = strings.Split(val, "|")
		case "items":
			n, err := optInt(val)
			if err != nil || n == nil {
				return nil, false, fmt.Errorf("bad items=%q", val)
			}
			r.max = n
		case "default":
			v := reflect.New(t)
			raw := val
			if t.Kind() == reflect.String {
				raw = strconv.Quote(val)
			}
			if err := json.Unmarshal([]byte(raw), v.Interface()); err != nil {
				return nil, false, fmt.Errorf("bad default=%q for %s: %v", val, t, err)
			}
			r.def = v.Elem().Interface()
		default:
			k, ok := nameKinds[key]
			if !ok {
				return nil, false, fmt.Errorf("unknown ghmcp rule %q", key)
			}
			r.op, r.kind = "name", k
		}
		out = append(out, r)
	}
	return out, quiet, nil
}

// setDefault sets v (a field left out) to the rule's default value.
func (r rule) setDefault(v reflect.Value) {
	if r.def != nil && v.CanSet() {
		v.Set(reflect.ValueOf(r.def))
	}
}

func optInt(s string) (*int, error) {
	if s == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return nil, fmt.Errorf("bad bound %q", s)
	}
	return &n, nil
}

// decorate adds the rule to the property's schema. Rules on a list apply to
// its elements, except items.
func (r rule) decorate(s *jsonschema.Schema, t reflect.Type) {
	if t.Kind() == reflect.Slice && s.Items != nil && r.op != "items" {
		s, t = s.Items, t.Elem()
	}
	switch r.op {
	case "name":
		s.Pattern = r.kind.pattern
	case "len":
		if r.min != nil && *r.min > 0 {
			s.MinLength = r.min
		}
		s.MaxLength = r.max
	case "range":
		s.Minimum = floatPtr(r.min)
		s.Maximum = floatPtr(r.max)
	case "enum":
		s.Enum = make([]any, len(r.enum))
		for i, v := range r.enum {
			s.Enum[i] = v
		}
	case "items":
		s.MaxItems = r.max
	case "default":
		v := r.value
		if t.Kind() == reflect.String {
			v = strconv.Quote(v)
		}
		s.Default = json.RawMessage(v)
	}
}

func floatPtr(n *int) *float64 {
	if n == nil {
		return nil
	}
	f := float64(*n)
	return &f
}
