package toolkit

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// A 2xx answer is not a result. GitHub (or something in front of it) can
// answer a call with 200 and a body that lacks what the tool needs: "{}",
// "null", an object of another kind. go-github decodes such a body into a
// zero value without complaint, and a handler built on nil-safe getters
// would turn it into a result with number 0 and no URL: a write reported
// as done that GitHub never confirmed.
//
// The rule, checked by New on every result before it leaves the server:
// every identity field a result declares required (its json tag has no
// omitempty) must be set. Identity fields are those GitHub sets on every
// object it returns, so their absence means the answer was not the object:
// json names "id", "number", "sha", "html_url", and names ending in "_id"
// or "_sha", of integer or string type. The check reaches every
// nested struct, pointer, slice and map value of the result (an item of a
// list without its number fails the list); an omitempty field is checked
// only inside.
//
// A result that fails is an error (see incompleteError): for a write, the
// change may have been applied, so the model is told to read the state
// first; for a read, the call may be retried once. A tool whose result
// has a legitimately empty identity field marks it omitempty.
func missingField(v reflect.Value) (string, bool) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "", false
		}
		return missingField(v.Elem())
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if name, ok := missingField(v.Index(i)); ok {
				return name, true
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			if name, ok := missingField(iter.Value()); ok {
				return name, true
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			fv := v.Field(i)
			tag := sf.Tag.Get("json")
			name, opts, _ := strings.Cut(tag, ",")
			if name == "-" || (!sf.IsExported() && !sf.Anonymous) {
				continue
			}
			if sf.Anonymous && name == "" {
				if n, ok := missingField(fv); ok {
					return n, true
				}
				continue
			}
			if name == "" {
				name = sf.Name
			}
			if identityName(name) && !hasOpt(opts, "omitempty") && fv.IsZero() {
				switch fv.Kind() {
				case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
					reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
					return name, true
				}
			}
			if n, ok := missingField(fv); ok {
				return n, true
			}
		}
	}
	return "", false
}

// identityName reports a json name of a field GitHub sets on every object
// that has it (see missingField).
func identityName(name string) bool {
	switch name {
	case "id", "number", "sha", "html_url":
		return true
	}
	return strings.HasSuffix(name, "_id") || strings.HasSuffix(name, "_sha")
}

func hasOpt(opts, opt string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if o == opt {
			return true
		}
	}
	return false
}

// IncompleteError is a 2xx answer from GitHub that lacks a field the
// result needs (see missingField).
type IncompleteError struct {
	Field string
	Kind  Kind
}

func (e *IncompleteError) Error() string {
	if e.Kind == Read {
		return fmt.Sprintf("GitHub sent an answer ghmcp cannot use (it has no %s); %s", e.Field, e.Kind.afterFailure())
	}
	return fmt.Sprintf("GitHub answered with success but without the %s of what it changed, so the write is not confirmed; %s", e.Field, e.Kind.afterFailure())
}

// checkComplete returns an *IncompleteError when out lacks an identity
// field it declares required.
func checkComplete(out any, k Kind) error {
	if name, ok := missingField(reflect.ValueOf(out)); ok {
		return &IncompleteError{Field: name, Kind: k}
	}
	return nil
}

// undecodable reports an answer go-github could not decode into the type
// it expected: wrong types ({"number":"seven"}) or not JSON at all.
func undecodable(err error) bool {
	var (
		typeErr   *json.UnmarshalTypeError
		syntaxErr *json.SyntaxError
	)
	return errors.As(err, &typeErr) || errors.As(err, &syntaxErr)
}
