package toolkit

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type lockedComment struct {
	Author string    `json:"author" lockdown:"author"`
	Assoc  string    `json:"-" lockdown:"association"`
	Repo   string    `json:"repo,omitempty" lockdown:"repo"`
	Body   Untrusted `json:"body" lockdown:"text"`
}

type lockedList struct {
	Comments []lockedComment `json:"comments"`
	First    *lockedComment  `json:"first,omitempty"`
}

func TestLockdownHidesStrangersOnPublicRepositories(t *testing.T) {
	l := &Lockdown{Private: func(_ context.Context, owner, repo string) (bool, error) {
		switch owner + "/" + repo {
		case "octo/private":
			return true, nil
		case "octo/public":
			return false, nil
		}
		return false, errors.New("404")
	}}
	hidden := func(who string) Untrusted { return Untrusted(LockdownNotice(who)) }
	for _, tt := range []struct {
		name        string
		owner, repo string
		in, want    lockedComment
	}{
		{"an owner is shown", "octo", "public", lockedComment{Author: "o", Assoc: "OWNER", Body: "hi"}, lockedComment{Author: "o", Body: "hi"}},
		{"a member is shown", "octo", "public", lockedComment{Author: "m", Assoc: "MEMBER", Body: "hi"}, lockedComment{Author: "m", Body: "hi"}},
		{"a collaborator is shown", "octo", "public", lockedComment{Author: "c", Assoc: "COLLABORATOR", Body: "hi"}, lockedComment{Author: "c", Body: "hi"}},
		{"a contributor is hidden", "octo", "public", lockedComment{Author: "x", Assoc: "CONTRIBUTOR", Body: "hi"}, lockedComment{Author: "x", Body: hidden("x")}},
		{"a first-timer is hidden", "octo", "public", lockedComment{Author: "x", Assoc: "FIRST_TIME_CONTRIBUTOR", Body: "hi"}, lockedComment{Author: "x", Body: hidden("x")}},
		{"NONE is hidden", "octo", "public", lockedComment{Author: "x", Assoc: "NONE", Body: "hi"}, lockedComment{Author: "x", Body: hidden("x")}},
		{"a missing association is hidden", "octo", "public", lockedComment{Author: "x", Body: "hi"}, lockedComment{Author: "x", Body: hidden("x")}},
		{"on a private repository nobody is hidden", "octo", "private", lockedComment{Author: "x", Assoc: "NONE", Body: "hi"}, lockedComment{Author: "x", Body: "hi"}},
		{"a repository of unknown visibility counts as public", "octo", "gone", lockedComment{Author: "x", Assoc: "NONE", Body: "hi"}, lockedComment{Author: "x", Body: hidden("x")}},
		{"a search hit's own repository decides", "", "", lockedComment{Author: "x", Assoc: "NONE", Repo: "octo/private", Body: "hi"}, lockedComment{Author: "x", Repo: "octo/private", Body: "hi"}},
		{"an empty body stays empty", "octo", "public", lockedComment{Author: "x", Assoc: "NONE"}, lockedComment{Author: "x"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			first := tt.in // apply changes it in place
			out := lockedList{Comments: []lockedComment{tt.in}, First: &first}
			l.apply(context.Background(), reflectValue(&out), tt.owner, tt.repo)
			want := lockedList{Comments: []lockedComment{tt.want}, First: &tt.want}
			if diff := cmp.Diff(want, out); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			d := Deps{Lockdown: l}
			o, r := tt.owner, tt.repo
			if tt.in.Repo != "" {
				o, r = "octo", "private"
			}
			if got := d.Authored(context.Background(), o, r, tt.in.Author, tt.in.Assoc, string(tt.in.Body)); got != string(tt.want.Body) {
				t.Errorf("Authored = %q, want %q", got, tt.want.Body)
			}
		})
	}
}

func TestLockdownOffShowsEveryoneAndClearsTheInternalField(t *testing.T) {
	out := lockedList{Comments: []lockedComment{{Author: "x", Assoc: "NONE", Body: "hi"}}}
	var l *Lockdown
	l.apply(context.Background(), reflectValue(&out), "octo", "public")
	if diff := cmp.Diff(lockedList{Comments: []lockedComment{{Author: "x", Body: "hi"}}}, out); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := (Deps{}).Authored(context.Background(), "octo", "public", "x", "NONE", "hi"); got != "hi" {
		t.Errorf("Authored without lockdown = %q", got)
	}
	if !hasLockdownTags(reflectType[lockedList]()) || hasLockdownTags(reflectType[struct{ A string }]()) {
		t.Error("hasLockdownTags is wrong")
	}
}

func reflectValue(v any) reflect.Value { return reflect.ValueOf(v) }

func reflectType[T any]() reflect.Type { return reflect.TypeFor[T]() }
