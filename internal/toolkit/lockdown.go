package toolkit

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"unsafe"
)

// Lockdown is --lockdown. On a public repository anyone can write an issue
// or a comment, and so address the model that reads it; lockdown keeps
// such strangers out of what the model reads. Text written by a user
// without push access (GitHub's author_association other than OWNER,
// MEMBER or COLLABORATOR: CONTRIBUTOR, FIRST_TIMER,
// FIRST_TIME_CONTRIBUTOR, NONE, MANNEQUIN, or none given) is replaced by
// a one-line notice naming its author (see LockdownNotice). On a private
// repository everyone who can read it is trusted, and nothing is hidden.
// A repository whose visibility cannot be learned counts as public.
//
// Tools declare authored text with struct tags on their result types,
// and New applies the rule to every result, however deeply nested:
//
//	type IssueComment struct {
//		Author            string    `json:"author" lockdown:"author"`
//		AuthorAssociation string    `json:"author_association" lockdown:"association"`
//		Body              Untrusted `json:"body" lockdown:"text"`
//	}
//
// A struct with a "text" field is authored; its "association" field (which
// may be json:"-" when the model need not see it) decides, its "author"
// field names the author in the notice, and a "repo" field (owner/name)
// names the repository where the arguments name none (search results).
// Resources and prompts, which build their own text, call Deps.Authored.
type Lockdown struct {
	// Private reports whether owner/repo is private. ghmcp gives it the
	// flow guard's cached look-up (flowguard.Guard.Private), so lockdown
	// adds no request for a repository the guard has already seen.
	Private func(ctx context.Context, owner, repo string) (bool, error)
}

// LockdownNotice is what replaces text lockdown hides.
func LockdownNotice(author string) string {
	who := "an unknown user"
	if author != "" {
		who = "@" + author
	}
	return fmt.Sprintf("⟦hidden by --lockdown: written by %s, who has no push access; read it on GitHub⟧", who)
}

// trustedAssociation reports an author_association of a user with push
// access.
func trustedAssociation(a string) bool {
	switch strings.ToUpper(a) {
	case "OWNER", "MEMBER", "COLLABORATOR":
		return true
	}
	return false
}

// hides reports whether text written on owner/repo by a user with the
// given association must be hidden.
func (l *Lockdown) hides(ctx context.Context, owner, repo, association string) bool {
	if l == nil || trustedAssociation(association) {
		return false
	}
	if owner == "" || repo == "" || l.Private == nil {
		return true
	}
	private, err := l.Private(ctx, owner, repo)
	return err != nil || !private
}

// Authored returns text written on owner/repo by author (whose
// author_association is association), or LockdownNotice(author) when
// --lockdown hides it. Empty text stays empty.
func (d Deps) Authored(ctx context.Context, owner, repo, author, association, text string) string {
	if text == "" || !d.Lockdown.hides(ctx, owner, repo, association) {
		return text
	}
	return LockdownNotice(author)
}

// lockdownFields are the tagged fields of one struct type.
type lockdownFields struct {
	text                      []int
	author, association, repo int // -1: none
}

func lockdownFieldsOf(t reflect.Type) lockdownFields {
	lf := lockdownFields{author: -1, association: -1, repo: -1}
	for i := range t.NumField() {
		switch t.Field(i).Tag.Get("lockdown") {
		case "text":
			lf.text = append(lf.text, i)
		case "author":
			lf.author = i
		case "association":
			lf.association = i
		case "repo":
			lf.repo = i
		}
	}
	return lf
}

// apply hides the authored text in v (see Lockdown); owner and repo are
// the repository the arguments named, if any. A nil l hides nothing. Either
// way it clears the association fields that are json:"-": they exist for
// lockdown alone, and the result a tool returns is the same with or
// without them.
func (l *Lockdown) apply(ctx context.Context, v reflect.Value, owner, repo string) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			l.apply(ctx, v.Elem(), owner, repo)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			l.apply(ctx, v.Index(i), owner, repo)
		}
	case reflect.Struct:
		t := v.Type()
		lf := lockdownFieldsOf(t)
		if len(lf.text) > 0 {
			o, r := owner, repo
			if lf.repo >= 0 {
				if full := v.Field(lf.repo).String(); full != "" {
					o, r, _ = strings.Cut(full, "/")
				}
			}
			var assoc, author string
			if lf.association >= 0 {
				assoc = v.Field(lf.association).String()
			}
			if lf.author >= 0 {
				author = v.Field(lf.author).String()
			}
			for _, i := range lf.text {
				f := v.Field(i)
				if l != nil && f.Kind() == reflect.String && f.String() != "" && f.CanSet() && l.hides(ctx, o, r, assoc) {
					f.SetString(LockdownNotice(author))
				}
			}
			if lf.association >= 0 && t.Field(lf.association).Tag.Get("json") == "-" && v.Field(lf.association).CanSet() {
				v.Field(lf.association).SetString("")
			}
		}
		for i := range t.NumField() {
			f := v.Field(i)
			sf := t.Field(i)
			if !sf.IsExported() {
				if !sf.Anonymous || sf.Type.Kind() != reflect.Struct || !f.CanAddr() {
					continue
				}
				// An embedded struct of unexported type (see filterValue).
				f = reflect.NewAt(sf.Type, unsafe.Pointer(f.UnsafeAddr())).Elem()
			}
			l.apply(ctx, f, owner, repo)
		}
	}
}

// hasLockdownTags reports whether values of t can hold authored text.
func hasLockdownTags(t reflect.Type) bool {
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type) bool
	walk = func(t reflect.Type) bool {
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			return walk(t.Elem())
		case reflect.Interface:
			return true // unknown: walk the value
		case reflect.Struct:
			if seen[t] {
				return false
			}
			seen[t] = true
			for i := range t.NumField() {
				if t.Field(i).Tag.Get("lockdown") != "" || walk(t.Field(i).Type) {
					return true
				}
			}
		}
		return false
	}
	return walk(t)
}
