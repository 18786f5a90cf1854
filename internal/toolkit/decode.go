package toolkit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// hostArguments are arguments that hosts add to every tool on their own,
// not the model: they are accepted and ignored, where any other unknown
// argument is refused (it is usually a typo the model can fix).
//
//   - wait_for_previous: Gemini CLI adds it to every tool's schema (to
//     order parallel calls) and forwards it with the call.
var hostArguments = map[string]bool{
	"wait_for_previous": true,
}

// decodeArgs decodes tool arguments into dst (a pointer to the input
// struct) strictly, validates them and applies tag defaults: unknown
// arguments, names in another case, repeated names, a null for a required
// argument and wrong types are errors that name the argument. A null for
// an optional argument means it was not given (some hosts send every
// optional argument as null). Host arguments (hostArguments) are ignored.
func decodeArgs(raw any, dst any) error {
	var data []byte
	switch r := raw.(type) {
	case nil:
		data = []byte("{}")
	case json.RawMessage:
		data = r
	case []byte:
		data = r
	default:
		var err error
		if data, err = json.Marshal(r); err != nil {
			return fmt.Errorf("arguments must be a JSON object: %w", err)
		}
	}
	if len(bytes.TrimSpace(data)) == 0 || bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		data = []byte("{}")
	}
	k := keyCheck{present: map[string]bool{}}
	if err := k.check(data, reflect.TypeOf(dst), ""); err != nil {
		return err
	}
	if k.strip {
		data = withoutHostArguments(data)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if _, err := dec.Token(); err != io.EOF {
			return errors.New("arguments must be a single JSON object")
		}
		if err := validate(dst, k.present); err != nil {
			return err
		}
		applyDefaults(dst, k.present)
		return nil
	}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return fmt.Errorf("arguments must be a JSON object, got %s", typeErr.Value)
	case errors.As(err, &typeErr):
		return &ArgError{Arg: jsonPath(reflect.TypeOf(dst), typeErr.Field), Problem: fmt.Sprintf("must be %s, got %s", jsonTypeName(typeErr.Type.Kind().String()), typeErr.Value)}
	case errors.As(err, &syntaxErr):
		return fmt.Errorf("arguments are not valid JSON: %v", err)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return &ArgError{Arg: strings.Trim(name, `"`), Problem: "is not an argument of this tool; see its input schema for the accepted arguments"}
	}
	return fmt.Errorf("invalid arguments: %v", err)
}

// jsonPath turns encoding/json's path of a field ("IssueArgs.issue_number":
// it names embedded structs by their Go type) into the argument's JSON
// path ("issue_number"): messages name arguments, never Go types.
func jsonPath(t reflect.Type, field string) string {
	var out []string
	for _, seg := range strings.Split(field, ".") {
		for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map) {
			t = t.Elem()
		}
		if t == nil || t.Kind() != reflect.Struct {
			out = append(out, seg)
			t = nil
			continue
		}
		next, embedded := fieldByJSONName(t, seg)
		if !embedded {
			out = append(out, seg)
		}
		t = next
	}
	return strings.Join(out, ".")
}

// fieldByJSONName finds seg in struct t: an embedded struct named seg by
// its Go type (embedded true), or the field whose JSON name is seg.
func fieldByJSONName(t reflect.Type, seg string) (reflect.Type, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Name() == seg {
			return ft, true
		}
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == seg || (name == "" && f.Name == seg) {
			return f.Type, false
		}
	}
	return nil, false
}

// withoutHostArguments removes hostArguments from a JSON object.
func withoutHostArguments(data []byte) []byte {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return data
	}
	for name := range hostArguments {
		delete(m, name)
	}
	out, err := json.Marshal(m)
	if err != nil {
		return data
	}
	return out
}

// keyCheck walks the arguments before they are decoded.
type keyCheck struct {
	// present holds the paths of the arguments given ("title",
	// "comments[0].path"), so that validate can tell a value left out
	// from one given empty.
	present map[string]bool
	// strip is set when a host argument must be removed before decoding.
	strip bool
}

// check refuses object keys that are not exactly an argument's name, at
// any depth, keys given twice, and a null for a required argument.
// encoding/json would match "Owner" or "OWNER" to owner and keep the last
// of two: a call must mean one thing, and the same thing to the JSON
// Schema, which is case-sensitive. Malformed JSON is left for the decoder
// to report.
func (k *keyCheck) check(data []byte, t reflect.Type, prefix string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		dec := json.NewDecoder(bytes.NewReader(data))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return nil
		}
		fields := map[string]field{}
		for _, f := range fieldsOf(t) {
			fields[f.name] = f
		}
		seen := map[string]bool{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return nil
			}
			key, _ := tok.(string)
			var val json.RawMessage
			if dec.Decode(&val) != nil {
				return nil
			}
			f, ok := fields[key]
			if !ok && prefix == "" && hostArguments[key] {
				k.strip = true
				continue
			}
			if !ok {
				problem := "is not an argument of this tool; see its input schema for the accepted arguments"
				for name := range fields {
					if strings.EqualFold(name, key) {
						problem = fmt.Sprintf("is not an argument of this tool; names are case-sensitive: use %q", name)
					}
				}
				return &ArgError{Arg: prefix + key, Problem: problem}
			}
			if seen[key] {
				return &ArgError{Arg: prefix + key, Problem: "is given twice; give it once"}
			}
			seen[key] = true
			if string(val) == "null" {
				if f.optional {
					continue // not given
				}
				return &ArgError{Arg: prefix + key, Problem: "is required but null; give a value"}
			}
			k.present[prefix+key] = true
			if err := k.check(val, f.typ, prefix+key+"."); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		var elems []json.RawMessage
		if json.Unmarshal(data, &elems) != nil {
			return nil
		}
		list := strings.TrimSuffix(prefix, ".")
		for i, e := range elems {
			if string(e) == "null" {
				return &ArgError{Arg: fmt.Sprintf("%s[%d]", list, i), Problem: "is null; give a value"}
			}
			if err := k.check(e, t.Elem(), fmt.Sprintf("%s[%d].", list, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// applyDefaults sets the optional top-level arguments that were not given
// to their default= value, after validation: a handler sees the default
// the schema shows the model, and needs no fallback of its own.
func applyDefaults(dst any, present map[string]bool) {
	v := reflect.ValueOf(dst).Elem()
	if v.Kind() != reflect.Struct {
		return
	}
	for _, f := range fieldsOf(v.Type()) {
		if present[f.name] {
			continue
		}
		for _, r := range f.rules {
			if r.op == "default" {
				r.setDefault(v.FieldByIndex(f.index))
			}
		}
	}
}

func jsonTypeName(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "int", "int64", "int32", "uint", "uint64":
		return "an integer"
	case "float64", "float32":
		return "a number"
	case "bool":
		return "true or false"
	case "slice":
		return "an array"
	case "map", "struct":
		return "an object"
	}
	return goKind
}
