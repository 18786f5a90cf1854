// Package toolkit is ghmcp's tool framework: a tool is a typed input
// struct, a typed output struct and a handler, and everything a tool needs
// besides its GitHub calls lives here, the same for every tool:
//
//   - schema derivation from the structs' tags (schema.go);
//   - strict argument decoding and validation (decode.go, validate.go);
//   - the content filter on Untrusted text in results (content.go);
//   - error explanation (errors.go);
//   - a static Catalog of tools and toolsets, selection, permission needs
//     (catalog.go), and dynamic toolsets (dynamic.go).
//
// Tool metadata is data built once (New); dependencies are bound once
// (Tool.Bind, Bind), when a server is made.
package toolkit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"runtime"
	"strings"
	"sync"

	gh "github.com/google/go-github/v62/github"
	"github.com/mark3labs/mcp-go/mcp"
	"github.com/mark3labs/mcp-go/server"

	"github.com/ghmcp/ghmcp/github"
	"github.com/ghmcp/ghmcp/internal/allowlist"
	"github.com/ghmcp/ghmcp/internal/flowguard"
)

// Deps are what the tools need. Every tool uses the same GitHub client, so
// every call passes through the same rate limiter. The zero value of every
// field but GitHub is usable: no redaction, no logs, every repository
// allowed, the content filter on, no permission record.
type Deps struct {
	GitHub *gh.Client
	// GraphQL sends GitHub GraphQL requests through GitHub's transport
	// stack and limiter; nil means one made from GitHub on each call (see
	// GraphQLClient), without the limiter's view of GraphQL's budget.
	GraphQL *github.GraphQL
	Logger  *slog.Logger
	// Redact removes secrets from text a tool returns; nil means identity.
	// The framework applies it to every result, error and log line.
	Redact func(string) string
	// RedactText removes secrets from raw text from GitHub before it is
	// cut (redact.Redactor.Text: whole secrets and the pieces of one at
	// the text's edges); nil falls back to Redact. Handlers reach it
	// through Deps.RawText and Deps.CapText, never directly.
	RedactText func(string) string
	// Repos is the --repos allow-list; nil allows every repository.
	// Every tool enforces it for arguments naming a repository; search
	// tools scope their query with Repos.ScopeQuery and drop results
	// outside it with Repos.Allowed or Repos.AllowedFullName (see package
	// allowlist).
	Repos *allowlist.List
	// UnfilteredContent turns the content filter off (--content-filter=off):
	// Untrusted text is returned exactly as GitHub sent it.
	UnfilteredContent bool
	// Permissions records what GitHub says about the token's scopes and
	// permissions (nil: nothing recorded). get_me reports Permissions.Report().
	Permissions *github.Permissions
	// Flow is the cross-repository flow guard (nil: --flow-guard=off).
	// The framework tells it what a read returned (Guard.Read) and asks it
	// before every write (Guard.CheckWrite), for the repository the
	// arguments name; tools do nothing.
	Flow *flowguard.Guard
	// Lockdown is --lockdown (nil: off): on public repositories, text
	// written by users without push access is replaced by a notice. The
	// framework applies it to results through lockdown tags (lockdown.go).
	Lockdown *Lockdown
}

// GraphQLClient returns d.GraphQL, or a client on d.GitHub's transport.
func (d Deps) GraphQLClient() *github.GraphQL {
	if d.GraphQL != nil {
		return d.GraphQL
	}
	return github.NewGraphQL(d.GitHub, nil)
}

// redact applies d.Redact, or nothing.
func (d Deps) redact(s string) string {
	if d.Redact == nil {
		return s
	}
	return d.Redact(s)
}

// RawText returns raw text from GitHub (a body, a file, a patch, a log)
// with every secret masked, and the pieces of a secret at its edges: call
// it before the text is capped, paged, excerpted or read from an offset,
// so that no cut falls inside a secret; offsets then count in its result.
// CapText does it for the common case.
func (d Deps) RawText(s string) string {
	switch {
	case d.RedactText != nil:
		return d.RedactText(s)
	case d.Redact != nil:
		return d.Redact(s)
	}
	return s
}

// CapText redacts raw text from GitHub (RawText) and then cuts it to at
// most max bytes (toolkit.CapText). Tools cut GitHub text only through it
// or after RawText; TestNoCutBeforeRedaction in package tools checks that.
func (d Deps) CapText(s string, max int) (string, bool) {
	return CapText(d.RawText(s), max)
}

// Kind says how a tool touches GitHub; it sets the tool's annotations.
type Kind int

const (
	Read        Kind = iota // reads only
	Create                  // adds something new; repeating it adds another
	Update                  // changes something in place; repeating it is harmless
	Destructive             // loses data or access
)

// annotations are the tool's hints. The MCP spec defines defaults
// (readOnlyHint false, destructiveHint true, idempotentHint false,
// openWorldHint true); a hint equal to its default is left out, because
// the model pays for every byte of every tool, except destructiveHint on
// destructive tools, which is stated so that no host can miss it.
func (k Kind) annotations() mcp.ToolAnnotation {
	t, f := true, false
	switch k {
	case Read:
		return mcp.ToolAnnotation{ReadOnlyHint: &t}
	case Create:
		return mcp.ToolAnnotation{DestructiveHint: &f}
	case Update:
		return mcp.ToolAnnotation{DestructiveHint: &f, IdempotentHint: &t}
	default:
		return mcp.ToolAnnotation{DestructiveHint: &t}
	}
}

// afterFailure tells the model what to do after a call that failed
// without a clear answer from GitHub: a read may simply be repeated, a
// write may have been applied.
func (k Kind) afterFailure() string {
	if k == Read {
		return "the call may be retried once"
	}
	return "the change may have been applied: read the current state before trying again"
}

// Spec describes a tool for New.
type Spec struct {
	Name    string
	Toolset string
	Kind    Kind
	Desc    string
}

// Handler does a tool's work on decoded, validated arguments with the
// server's dependencies. An error is explained to the model (see Explain);
// wrap it with Op to name the operation that failed.
type Handler[In, Out any] func(ctx context.Context, d Deps, in In) (Out, error)

// Tool is one MCP tool as static data: its definition (name, description,
// schemas, annotations), its toolset and kind, and a handler waiting for
// its dependencies (Bind). A Tool is built once, by New, and shared.
type Tool struct {
	name    string
	desc    string
	Toolset string
	Kind    Kind
	// def is the MCP definition, built at its first use: deriving the
	// schemas by reflection costs about 0.2 ms a tool, which a server
	// pays only for the tools it offers (or not at all with Schemas).
	def func() mcp.Tool
	// bind makes the MCP handler for the given dependencies.
	bind func(Deps) server.ToolHandlerFunc
	// args is the input struct type, for tests that build arguments.
	args reflect.Type
	// result is the output type, for tests that walk results.
	result reflect.Type
}

// ReadOnly reports whether the tool leaves GitHub unchanged.
func (t Tool) ReadOnly() bool { return t.Kind == Read }

// Name is the tool's name.
func (t Tool) Name() string { return t.name }

// Def is the tool's MCP definition: name, description, schemas derived
// from its input and output types, annotations.
func (t Tool) Def() mcp.Tool { return t.def() }

// Args is the tool's input struct type.
func (t Tool) Args() reflect.Type { return t.args }

// Result is the tool's output type.
func (t Tool) Result() reflect.Type { return t.result }

// Bind gives the tool its dependencies: the result is what mcp-go serves.
func (t Tool) Bind(d Deps) server.ServerTool {
	return server.ServerTool{Tool: t.Def(), Handler: t.bind(d)}
}

// Bind binds every tool of ts to d, in order.
func Bind(d Deps, ts []Tool) []server.ServerTool {
	out := make([]server.ServerTool, len(ts))
	for i, t := range ts {
		out[i] = t.Bind(d)
	}
	return out
}

// New builds a Tool whose schemas derive from In and Out and whose handler
// decodes and validates the arguments before h runs, checks a repository
// they name against Deps.Repos, explains h's errors, filters every
// string of the result (see safe.go) and redacts secrets. Every tool passes through here,
// so the rules hold for all of them. A tag error panics: tags are fixed at
// compile time and the catalogue's tests build every tool.
func New[In, Out any](s Spec, h Handler[In, Out]) Tool {
	def := sync.OnceValue(func() mcp.Tool {
		in, out := DeriveSchemas(reflect.TypeFor[In](), reflect.TypeFor[Out]())
		return mcp.Tool{Name: s.Name, Description: s.Desc, RawInputSchema: in, RawOutputSchema: out, Annotations: s.Kind.annotations()}
	})
	scope := repoFieldsOf(reflect.TypeFor[In]())
	authored := hasLockdownTags(reflect.TypeFor[Out]())
	bind := func(d Deps) server.ToolHandlerFunc {
		logger := d.Logger
		if logger == nil {
			logger = slog.New(slog.DiscardHandler)
		}
		return func(ctx context.Context, req mcp.CallToolRequest) (res *mcp.CallToolResult, err error) {
			// A panic must not reach the host with a stack or a secret in it.
			defer func() {
				if p := recover(); p != nil {
					logger.Error("tool panicked", "tool", s.Name, "panic", d.redact(fmt.Sprint(p)))
					what := "internal error in ghmcp (logged on its stderr)"
					if re, ok := p.(runtime.Error); ok && strings.Contains(re.Error(), "nil pointer") {
						// Most likely a 2xx answer without an object ("null")
						// met code that expected one.
						what = "GitHub's answer lacked a value ghmcp needs, or ghmcp has a bug (logged on its stderr)"
					}
					res, err = mcp.NewToolResultError(s.Name+": "+what+"; "+s.Kind.afterFailure()), nil
				}
			}()
			var args In
			if err := decodeArgs(req.GetRawArguments(), &args); err != nil {
				return mcp.NewToolResultError(d.redact(err.Error())), nil
			}
			owner, repo, named := scope.of(&args)
			if named {
				if err := d.Repos.Check(owner, repo); err != nil {
					return mcp.NewToolResultError(d.redact(err.Error())), nil
				}
			}
			if s.Kind != Read {
				// The toxic agent flow: private content read earlier in
				// this session must not leave through a public write. A
				// write that names no repository (a new repository, a
				// notification) counts as public.
				if err := d.Flow.CheckWrite(ctx, s.Name, owner, repo); err != nil {
					return mcp.NewToolResultError(d.redact(err.Error())), nil
				}
			}
			out, err := h(ctx, d, args)
			if err != nil {
				msg := explain(s.Name, err)
				switch {
				case undecodable(err):
					// A 2xx answer of the wrong shape (required.go).
					msg += "; GitHub sent an answer ghmcp cannot use; " + s.Kind.afterFailure()
				case s.Kind != Read && errors.Is(err, context.Canceled):
					// go-github reports the context's error, which hides
					// whether the write had been sent.
					msg += "; " + s.Kind.afterFailure()
				}
				return mcp.NewToolResultError(d.redact(msg)), nil
			}
			if err := checkComplete(out, s.Kind); err != nil {
				// A 2xx answer without what the result needs (required.go).
				return mcp.NewToolResultError(d.redact(s.Name + ": " + err.Error())), nil
			}
			if s.Kind == Read && named {
				d.Flow.Read(ctx, owner, repo)
			}
			if authored {
				d.Lockdown.apply(ctx, reflect.ValueOf(&out), owner, repo)
			}
			if !d.UnfilteredContent {
				FilterResult(&out)
			}
			text, err := json.Marshal(out)
			if err != nil {
				return nil, fmt.Errorf("%s: encoding result: %w", s.Name, err)
			}
			if clean := d.redact(string(text)); clean != string(text) {
				// GitHub content quoted the token; send the redacted copy.
				return mcp.NewToolResultStructured(json.RawMessage(clean), clean), nil
			}
			return mcp.NewToolResultStructured(out, string(text)), nil
		}
	}
	return Tool{name: s.Name, desc: s.Desc, def: def, Toolset: s.Toolset, Kind: s.Kind, bind: bind, args: reflect.TypeFor[In](), result: reflect.TypeFor[Out]()}
}

// repoFields locates the arguments that name a repository: the first
// field with the owner rule and the first with the repo rule (RepoArgs
// has both). New checks that pair against --repos; a tool whose
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

// DeriveSchemas derives a tool's input and output JSON Schemas from its
// argument and result types. A tag error panics: tags are fixed at compile
// time and the catalogue's tests build every tool.
func DeriveSchemas(in, out reflect.Type) (json.RawMessage, json.RawMessage) {
	i, err := deriveSchema(in)
	if err != nil {
		panic(err)
	}
	o, err := deriveSchema(out)
	if err != nil {
		panic(err)
	}
	return i, o
}

// Schemas are a tool's JSON Schemas, derived ahead of time.
type Schemas struct {
	Input  json.RawMessage `json:"input"`
	Output json.RawMessage `json:"output"`
}

// Derived returns the tool's schemas as derived from its types now.
func (t Tool) Derived() Schemas {
	in, out := DeriveSchemas(t.args, t.result)
	return Schemas{Input: in, Output: out}
}

// withSchemas returns t defined with precomputed schemas.
func (t Tool) withSchemas(sc Schemas) Tool {
	t.def = sync.OnceValue(func() mcp.Tool {
		return mcp.Tool{Name: t.name, Description: t.desc, RawInputSchema: sc.Input, RawOutputSchema: sc.Output, Annotations: t.Kind.annotations()}
	})
	return t
}
