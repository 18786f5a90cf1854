package tools

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/ghmcp/ghmcp/internal/toolkit"
)

// TestResultStringsAreFilteredOrSafe walks the result type of every tool:
// every string in it is filtered unless its type is one of toolkit's safe
// types (SHA, Timestamp, URL, Enum, Login), no field hides text from the
// filter (raw JSON, bytes, a custom encoding), and no field whose name says
// it holds free text (a name, path, ref, title, ...) is declared safe.
func TestResultStringsAreFilteredOrSafe(t *testing.T) {
	for _, tool := range Catalog().Tools() {
		for _, p := range toolkit.ResultProblems(tool.Result()) {
			t.Errorf("%s: %s", tool.Name(), p)
		}
	}
}

// TestFilterReachesEveryResultString fills every string of every tool's
// result with a zero-width space, safe types included, filters it as the
// framework does, and checks that none survives in the JSON the model
// reads.
func TestFilterReachesEveryResultString(t *testing.T) {
	for _, tool := range Catalog().Tools() {
		v := reflect.New(tool.Result())
		fillStrings(v.Elem(), 0)
		toolkit.FilterResult(v.Interface())
		b, err := json.Marshal(v.Interface())
		if err != nil {
			t.Fatalf("%s: %v", tool.Name(), err)
		}
		if strings.Contains(string(b), "\u200b") {
			t.Errorf("%s: a hidden character passed the filter: %s", tool.Name(), b)
		}
		if !strings.Contains(string(b), "⟦U+200B⟧") && strings.Contains(string(b), `"`) {
			t.Logf("%s: no string in the result", tool.Name())
		}
	}
}

// fillStrings sets every string reachable from v to "x\u200by": slices and
// maps get one element, pointers a value, interfaces a string.
func fillStrings(v reflect.Value, depth int) {
	if depth > 6 {
		return
	}
	const hidden = "x\u200by"
	switch v.Kind() {
	case reflect.String:
		v.SetString(hidden)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fillStrings(v.Elem(), depth+1)
	case reflect.Interface:
		if v.NumMethod() == 0 {
			v.Set(reflect.ValueOf(hidden))
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fillStrings(v.Index(0), depth+1)
	case reflect.Array:
		for i := range v.Len() {
			fillStrings(v.Index(i), depth+1)
		}
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k := reflect.New(v.Type().Key()).Elem()
		e := reflect.New(v.Type().Elem()).Elem()
		fillStrings(k, depth+1)
		fillStrings(e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillStrings(v.Field(i), depth+1)
			}
		}
	}
}
