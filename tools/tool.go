// Package tools defines ghmcp's MCP tools: one file per GitHub domain, each
// tool a value built from its input and output structs and a handler.
package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"strings"

	gh "github.com/google/go-github/v62/github"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/ghmcp/ghmcp/github"
	"github.com/ghmcp/ghmcp/internal/allowlist"
)

// Deps are what the tools need. Every tool uses the same GitHub client, so
// every call passes through the same rate limiter. The zero value of every
// field but GitHub is usable: no redaction, no logs, every repository
// allowed, the content filter on, no permission record.
type Deps struct {
	GitHub *gh.Client
	Logger *slog.Logger
	// Redact removes secrets from text a tool returns; nil means identity.
	Redact func(string) string
	// Repos is the --repos allow-list; nil allows every repository.
	// newTool enforces it for arguments naming a repository; search tools
	// scope their query with Repos.ScopeQuery and drop results outside it
	// with Repos.Allowed or Repos.AllowedFullName (see package allowlist).
	Repos *allowlist.List
	// UnfilteredContent turns the content filter off (--content-filter=off):
	// Untrusted text is returned exactly as GitHub sent it.
	UnfilteredContent bool
	// Permissions records what GitHub says about the token's scopes and
	// permissions (nil: nothing recorded). get_me reports Permissions.Report().
	Permissions *github.Permissions
}

// Tool is one MCP tool: its definition and handler, and what the server
// needs to decide whether to register it.
type Tool struct {
	Def      mcp.Tool
	Handler  server.ToolHandlerFunc
	Toolset  string
	ReadOnly bool
	// Check runs the handler's argument checks (decoding, validation, the
	// allow-list) without calling GitHub: nil if the arguments would be
	// accepted, else the error the handler would return. The server uses
	// it to give the model ghmcp's field-level message when the generic
	// JSON Schema validation refuses a call first.
	Check func(args any) error
	// args is the input struct type, for tests that build arguments.
	args reflect.Type
}

// kind says how a tool touches GitHub; it sets the tool's annotations.
type kind int

const (
	read        kind = iota // reads only
	create                  // adds something new; repeating it adds another
	update                  // changes something in place; repeating it is harmless
	destructive             // loses data or access
)

// annotations are the tool's hints. The MCP spec defines defaults
// (readOnlyHint false, destructiveHint true, idempotentHint false,
// openWorldHint true); a hint equal to its default is left out, because
// the model pays for every byte of every tool, except destructiveHint on
// destructive tools, which is stated so that no host can miss it.
func (k kind) annotations() mcp.ToolAnnotation {
	t, f := true, false
	switch k {
	case read:
		return mcp.ToolAnnotation{ReadOnlyHint: &t}
	case create:
		return mcp.ToolAnnotation{DestructiveHint: &f}
	case update:
		return mcp.ToolAnnotation{DestructiveHint: &f, IdempotentHint: &t}
	default:
		return mcp.ToolAnnotation{DestructiveHint: &t}
	}
}

// afterFailure tells the model what to do after a call that failed
// without a clear answer from GitHub: a read may simply be repeated, a
// write may have been applied.
func (k kind) afterFailure() string {
	if k == read {
		return "the call may be retried once"
	}
	return "the change may have been applied: read the current state before trying again"
}

// spec describes a tool for newTool.
type spec struct {
	name    string
	toolset string
	kind    kind
	desc    string
}

// handlerFunc does a tool's work on validated input. what names the
// operation for error messages (e.g. "create issue in octo/hello").
type handlerFunc[In, Out any] func(ctx context.Context, in In) (out Out, what string, err error)

// newTool builds a Tool whose schemas derive from In and Out and whose
// handler decodes and validates the arguments before h runs. Every tool
// passes through here, so the rules hold for all of them.
func newTool[In, Out any](d Deps, s spec, h handlerFunc[In, Out]) Tool {
	in, err := schemaFor[In]()
	if err != nil {
		panic(err) // schemas are fixed at compile time; tests catch this
	}
	out, err := schemaFor[Out]()
	if err != nil {
		panic(err)
	}
	def := mcp.Tool{
		Name:            s.name,
		Description:     s.desc,
		RawInputSchema:  in,
		RawOutputSchema: out,
		Annotations:     s.kind.annotations(),
	}
	redact := d.Redact
	if redact == nil {
		redact = func(s string) string { return s }
	}
	logger := d.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	scope := repoFieldsOf(reflect.TypeFor[In]())
	check := func(raw any) (In, error) {
		var args In
		present, err := decodeArgs(raw, &args)
		if err != nil {
			return args, err
		}
		if err := validate(&args, present); err != nil {
			return args, err
		}
		if owner, repo, ok := scope.of(&args); ok {
			if err := d.Repos.Check(owner, repo); err != nil {
				return args, err
			}
		}
		return args, nil
	}
	handler := func(ctx context.Context, req mcp.CallToolRequest) (res *mcp.CallToolResult, err error) {
		// A panic must not reach the host with a stack or a secret in it.
		defer func() {
			if p := recover(); p != nil {
				logger.Error("tool panicked", "tool", s.name, "panic", redact(fmt.Sprint(p)))
				res, err = mcp.NewToolResultError(s.name+": internal error in ghmcp (logged on its stderr); "+s.kind.afterFailure()), nil
			}
		}()
		args, err := check(req.GetRawArguments())
		if err != nil {
			return mcp.NewToolResultError(redact(err.Error())), nil
		}
		out, what, err := h(ctx, args)
		if err != nil {
			msg := explain(what, err)
			if s.kind != read && errors.Is(err, context.Canceled) {
				// go-github reports the context's error, which hides
				// whether the write had been sent.
				msg += "; " + s.kind.afterFailure()
			}
			return mcp.NewToolResultError(redact(msg)), nil
		}
		if !d.UnfilteredContent {
			filterResult(&out)
		}
		text, err := json.Marshal(out)
		if err != nil {
			return nil, fmt.Errorf("%s: encoding result: %w", s.name, err)
		}
		if clean := redact(string(text)); clean != string(text) {
			// GitHub content quoted the token; send the redacted copy.
			return mcp.NewToolResultStructured(json.RawMessage(clean), clean), nil
		}
		return mcp.NewToolResultStructured(out, string(text)), nil
	}
	checkOnly := func(raw any) error {
		_, err := check(raw)
		if err != nil {
			return errors.New(redact(err.Error()))
		}
		return nil
	}
	return Tool{Def: def, Handler: handler, Toolset: s.toolset, ReadOnly: s.kind == read, Check: checkOnly, args: reflect.TypeFor[In]()}
}

// repoFields locates the arguments that name a repository: the first
// field with the owner rule and the first with the repo rule (RepoArgs
// has both). newTool checks that pair against --repos; a tool whose
// arguments name a second repository (a fork, a transfer target) checks
// that one itself with d.Repos.Check.
type repoFields struct {
	owner, repo []int
}

func repoFieldsOf(t reflect.Type) repoFields {
	var rf repoFields
	if t.Kind() != reflect.Struct {
		return rf
	}
	for _, f := range fieldsOf(t) {
		if f.typ.Kind() != reflect.String {
			continue
		}
		for _, r := range f.rules {
			switch {
			case r.kind == nameKinds["owner"] && rf.owner == nil:
				rf.owner = f.index
			case r.kind == nameKinds["repo"] && rf.repo == nil:
				rf.repo = f.index
			}
		}
	}
	return rf
}

// of returns the repository (or only the owner) that args name; ok is
// false when they name none.
func (rf repoFields) of(args any) (owner, repo string, ok bool) {
	if rf.owner == nil {
		return "", "", false
	}
	v := reflect.ValueOf(args).Elem()
	owner = v.FieldByIndex(rf.owner).String()
	if rf.repo != nil {
		repo = v.FieldByIndex(rf.repo).String()
	}
	return owner, repo, owner != ""
}

// decodeArgs decodes tool arguments strictly: unknown arguments, names in
// another case, repeated names, nulls and wrong types are errors that name
// the argument. It returns the arguments given (by path, "title",
// "comments[0].path"), so that validate can tell a value left out from one
// given empty.
func decodeArgs(raw any, dst any) (map[string]bool, error) {
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
			return nil, fmt.Errorf("arguments must be a JSON object: %w", err)
		}
	}
	if len(bytes.TrimSpace(data)) == 0 || bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		data = []byte("{}")
	}
	present := map[string]bool{}
	if err := checkKeys(data, reflect.TypeOf(dst), "", present); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(dst)
	if err == nil {
		if _, err := dec.Token(); err != io.EOF {
			return nil, errors.New("arguments must be a single JSON object")
		}
		return present, nil
	}
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return nil, fmt.Errorf("arguments must be a JSON object, got %s", typeErr.Value)
	case errors.As(err, &typeErr):
		return nil, &ArgError{Arg: typeErr.Field, Problem: fmt.Sprintf("must be %s, got %s", jsonTypeName(typeErr.Type.Kind().String()), typeErr.Value)}
	case errors.As(err, &syntaxErr):
		return nil, fmt.Errorf("arguments are not valid JSON: %v", err)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.TrimPrefix(err.Error(), "json: unknown field ")
		return nil, &ArgError{Arg: strings.Trim(name, `"`), Problem: "is not an argument of this tool; see its input schema for the accepted arguments"}
	}
	return nil, fmt.Errorf("invalid arguments: %v", err)
}

// checkKeys refuses object keys that are not exactly an argument's name,
// at any depth, keys given twice, and null values. encoding/json would
// match "Owner" or "OWNER" to owner, keep the last of two, and read null
// as "left out": a call must mean one thing, and the same thing to the
// JSON Schema, which is case-sensitive and refuses null. It records the
// paths of the arguments given in present. Malformed JSON is left for the
// decoder to report.
func checkKeys(data []byte, t reflect.Type, prefix string, present map[string]bool) error {
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
				return &ArgError{Arg: prefix + key, Problem: "is null; give a value or leave the argument out"}
			}
			present[prefix+key] = true
			if err := checkKeys(val, f.typ, prefix+key+".", present); err != nil {
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
			if err := checkKeys(e, t.Elem(), fmt.Sprintf("%s[%d].", list, i), present); err != nil {
				return err
			}
		}
	}
	return nil
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
