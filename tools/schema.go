package tools

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
//	default=V                   default value shown to the model

// schemaFor returns the JSON Schema for T as raw JSON.
func schemaFor[T any]() (json.RawMessage, error) {
	t := reflect.TypeFor[T]()
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
	if t == reflect.TypeFor[Untrusted]() {
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
		rules, err := parseRules(sf.Tag.Get("ghmcp"))
		if err != nil {
			// Tags are fixed at compile time: a bad one is a programming
			// error caught by the schema golden test.
			panic(fmt.Sprintf("%s.%s: %v", t, sf.Name, err))
		}
		optional := slices.Contains(strings.Split(opts, ","), "omitempty")
		out = append(out, field{index: sf.Index, name: name, optional: optional, typ: sf.Type, rules: rules})
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
}

func parseRules(tag string) ([]rule, error) {
	if tag == "" {
		return nil, nil
	}
	var out []rule
	for _, part := range strings.Split(tag, ",") {
		key, val, _ := strings.Cut(part, "=")
		r := rule{op: key, value: val}
		switch key {
		case "len", "range":
			lo, hi, found := strings.Cut(val, "..")
			if !found {
				lo, hi = "", lo
			}
			var err error
			if r.min, err = optInt(lo); err != nil {
				return nil, err
			}
			if r.max, err = optInt(hi); err != nil {
				return nil, err
			}
		case "enum":
			r.enum = strings.Split(val, "|")
		case "items":
			n, err := optInt(val)
			if err != nil || n == nil {
				return nil, fmt.Errorf("bad items=%q", val)
			}
			r.max = n
		case "default":
		default:
			k, ok := nameKinds[key]
			if !ok {
				return nil, fmt.Errorf("unknown ghmcp rule %q", key)
			}
			r.op, r.kind = "name", k
		}
		out = append(out, r)
	}
	return out, nil
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
