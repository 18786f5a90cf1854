package toolkit

import (
	"fmt"
	"reflect"
)

// NamesRepository reports whether the tool's arguments name an owner and
// a repository, which every call checks against Deps.Repos.
func (t Tool) NamesRepository() (owner, repo bool) {
	rf := repoFieldsOf(t.args)
	return rf.owner != nil, rf.repo != nil
}

// ExampleArgs returns arguments that pass every rule of the tool's input:
// required fields get a valid value of their kind, optional ones are left
// out. Tests use it to call every tool.
func (t Tool) ExampleArgs() (map[string]any, error) {
	return exampleArgs(t.args)
}

func exampleArgs(typ reflect.Type) (map[string]any, error) {
	out := map[string]any{}
	for _, f := range fieldsOf(typ) {
		if f.optional {
			continue
		}
		v, err := exampleValue(f)
		if err != nil {
			return nil, err
		}
		out[f.name] = v
	}
	return out, nil
}

// examples are valid values of each name kind.
var examples = map[string]any{"owner": "octo", "repo": "hello", "login": "octocat", "label": "bug", "ref": "main", "sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e", "path": "README.md"}

func exampleValue(f field) (any, error) {
	ft := f.typ
	for ft.Kind() == reflect.Pointer {
		ft = ft.Elem()
	}
	if ft.Kind() == reflect.Slice {
		elem := f
		elem.typ = ft.Elem()
		v, err := exampleValue(elem)
		return []any{v}, err
	}
	if ft.Kind() == reflect.Struct {
		return exampleArgs(ft)
	}
	for _, r := range f.rules {
		switch r.op {
		case "name":
			for k, kind := range nameKinds {
				if kind == r.kind {
					return examples[k], nil
				}
			}
		case "enum":
			return r.enum[0], nil
		case "range":
			if r.min != nil {
				return *r.min, nil
			}
		}
	}
	switch ft.Kind() {
	case reflect.String:
		return "x", nil
	case reflect.Bool:
		return false, nil
	case reflect.Int, reflect.Int64, reflect.Int32:
		return 1, nil
	case reflect.Map:
		return map[string]any{}, nil
	}
	return nil, fmt.Errorf("no example value for %s (%s)", f.name, ft)
}
