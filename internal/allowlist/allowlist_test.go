package allowlist

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

func TestParse(t *testing.T) {
	for _, tt := range []struct {
		in, want, err string
	}{
		{in: "", want: ""},
		{in: " , ", want: ""},
		{in: "octo/hello", want: "octo/hello"},
		{in: "octo/*, acme/site acme/site", want: "octo/*,acme/site"},
		{in: "octo", err: `invalid --repos pattern "octo": want owner/name or owner/*`},
		{in: "*/*", err: `invalid --repos pattern "*/*": want owner/name or owner/*`},
		{in: "octo/../x", err: `invalid --repos pattern "octo/../x": want owner/name or owner/*`},
		{in: "octo/..", err: `invalid --repos pattern "octo/..": want owner/name or owner/*`},
		{in: "octo/hel*", err: `invalid --repos pattern "octo/hel*": want owner/name or owner/*`},
		{in: "-octo/x", err: `invalid --repos pattern "-octo/x": want owner/name or owner/*`},
	} {
		l, err := Parse(tt.in)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("Parse(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := l.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
		if (l == nil) != (tt.want == "") {
			t.Errorf("Parse(%q) = %v; an empty list must be nil (everything allowed)", tt.in, l)
		}
	}
}

func TestAllowed(t *testing.T) {
	l, err := Parse("Octo/*,acme/Site")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		owner, repo string
		want        bool
	}{
		{"octo", "anything", true},
		{"OCTO", "Hello", true},
		{"acme", "site", true},
		{"ACME", "SITE", true},
		{"acme", "secrets", false},
		{"acme", "site2", false},
		{"other", "site", false},
		{"octo-evil", "x", false},
		{"", "", false},
	} {
		if got := l.Allowed(tt.owner, tt.repo); got != tt.want {
			t.Errorf("Allowed(%q, %q) = %v, want %v", tt.owner, tt.repo, got, tt.want)
		}
	}
	for full, want := range map[string]bool{"octo/x": true, "acme/site": true, "acme/site/x": false, "acme": false, "acme/secrets": false} {
		if got := l.AllowedFullName(full); got != want {
			t.Errorf("AllowedFullName(%q) = %v, want %v", full, got, want)
		}
	}
	for u, want := range map[string]bool{
		"https://api.github.test/repos/acme/site":             true,
		"https://api.github.test/repos/Acme/Site/issues/3":    true,
		"https://api.github.test/repos/acme/secrets":          false,
		"https://ghe.example.com/api/v3/repos/octo/x/pulls/1": true,
		"https://ghe.example.com/api/v3/users/octo":           false,
		"https://api.github.test/users/octo":                  false,
		"https://github.com/octo/anything/pull/1":             true,
		"https://github.com/acme/secrets":                     false,
		"https://github.com/acme":                             false,
		"not a url":                                           false,
		"/repos/octo/x":                                       false,
	} {
		if got := l.AllowedRepoURL(u); got != want {
			t.Errorf("AllowedRepoURL(%q) = %v, want %v", u, got, want)
		}
	}
	for owner, want := range map[string]bool{"octo": true, "Acme": true, "other": false, "acm": false} {
		if got := l.AllowedOwner(owner); got != want {
			t.Errorf("AllowedOwner(%q) = %v, want %v", owner, got, want)
		}
	}
	if err := l.Check("acme", "secrets"); err == nil || err.Error() != "acme/secrets is outside the repositories this server may use (--repos Octo/*,acme/Site); use one of those, or ask the user to add it to --repos" {
		t.Errorf("Check error = %v", err)
	}
	if err := l.Check("other", ""); err == nil || !strings.HasPrefix(err.Error(), "owner other is outside") {
		t.Errorf("Check owner error = %v", err)
	}
	var none *List
	if !none.Allowed("any", "thing") || !none.AllowedOwner("x") || !none.AllowedFullName("junk") || !none.AllowedRepoURL("x") || none.Check("a", "b") != nil || none.Restricted() {
		t.Error("a nil list must allow everything")
	}
}

func TestScopeQuery(t *testing.T) {
	l, err := Parse("octo/*,acme/site")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		q, want, err string
	}{
		{q: "is:open label:bug", want: "is:open label:bug repo:acme/site user:octo"},
		{q: "", want: "repo:acme/site user:octo"},
		{q: "bug repo:acme/site", want: "bug repo:acme/site"},
		{q: "bug REPO:Acme/Site", want: "bug REPO:Acme/Site"},
		{q: "bug user:octo", want: "bug user:octo"},
		{q: "bug org:OCTO -repo:octo/old", want: "bug org:OCTO -repo:octo/old"},
		{q: `"repo:evil/x" in:body`, err: `has the qualifier repo:evil/x" inside a quoted phrase`},
		// Even an allowed repository: inside quotes GitHub may read the
		// qualifier as text or as one whose value runs past the quote.
		{q: `"repo:acme/site" in:body`, err: `has the qualifier repo:acme/site" inside a quoted phrase`},
		{q: "bug\rrepo:evil/x", err: "search qualifier repo:evil/x is outside"},
		{q: "bug\frepo:evil/x", err: "search qualifier repo:evil/x is outside"},
		{q: "bug\vrepo:evil/x", err: "search qualifier repo:evil/x is outside"},
		{q: "bug\u00a0repo:evil/x", err: "search qualifier repo:evil/x is outside"},
		{q: "bug\u3000repo:evil/x", err: "search qualifier repo:evil/x is outside"},
		{q: "bug\u200brepo:evil/x", err: "search qualifier repo:evil/x is outside"},
		{q: "bug\u3000repo:acme/site", want: "bug\u3000repo:acme/site"},
		{q: `x"repo:evil/x`, err: "has an unclosed or escaped double quote"},
		{q: `bug "a b"repo:evil/x`, err: "search qualifier repo:evil/x is outside"},
		{q: "bug -repo:evil/x", err: "search qualifier repo:evil/x is outside"},
		{q: "bug -repo:acme/site", want: "bug -repo:acme/site repo:acme/site user:octo"},
		{q: "bug x-repo:evil/x", err: "search qualifier repo:evil/x is outside"},
		{q: "bug myrepo:evil/x", want: "bug myrepo:evil/x repo:acme/site user:octo"},
		{q: "bug RePo:evil/x", err: "search qualifier RePo:evil/x is outside"},
		{q: "bug OWNER:evil", err: "search qualifier OWNER:evil (only owner/* patterns"},
		{q: "bug u\u017fer:evil", err: "search qualifier u\u017fer:evil (only owner/* patterns"},
		{q: "bug repo:", err: "search qualifier repo: is outside"},
		{q: `bug repo:"acme/site`, err: "unclosed or escaped double quote"},
		{q: `"bug`, err: "unclosed or escaped double quote"},
		{q: `"a\" b"`, err: "unclosed or escaped double quote"},
		{q: `bug repo:acme/site"evil/x"`, err: `is outside`},
		{q: "bug repo:acme/site OR x", err: "uses OR"},
		{q: "bug repo:acme/site\u00a0or\u00a0x", err: "uses OR"},
		{q: "bug repo:acme/site color", want: "bug repo:acme/site color"},
		{q: "bug repo:evil/x", err: "search qualifier repo:evil/x is outside"},
		{q: "bug repo:acme/site repo:acme/secrets", err: "search qualifier repo:acme/secrets is outside"},
		{q: "bug user:acme", err: "search qualifier user:acme (only owner/* patterns allow a whole owner) is outside"},
		{q: "bug (org:evil OR is:open)", err: "search qualifier org:evil"},
		{q: `repo:"evil/x"`, err: `search qualifier repo:"evil/x" is outside`},
		{q: "repo:acme/site,evil/x", err: "is outside"},
		{q: strings.Repeat("x", 240), err: "would exceed GitHub's 256 characters"},
	} {
		got, err := l.ScopeQuery(tt.q)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("ScopeQuery(%q) error = %v, want %q", tt.q, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("ScopeQuery(%q): %v", tt.q, err)
		case tt.err == "" && got != tt.want:
			t.Errorf("ScopeQuery(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
	var none *List
	if got, err := none.ScopeQuery("repo:any/thing x"); err != nil || got != "repo:any/thing x" {
		t.Errorf("nil list changed the query: %q, %v", got, err)
	}
}

func TestScopeSearch(t *testing.T) {
	l, err := Parse("acme/site")
	if err != nil {
		t.Fatal(err)
	}
	gh := SearchCounts{TotalCount: 4000, Incomplete: true, NextPage: 2}
	for _, tt := range []struct {
		name       string
		list       *List
		items      []string
		wantItems  []string
		wantCounts SearchCounts
	}{
		{"no list: GitHub's page as it came", nil, []string{"a/b", "acme/site"}, []string{"a/b", "acme/site"}, gh},
		{"nothing dropped: GitHub's counts", l, []string{"acme/site", "ACME/Site"}, []string{"acme/site", "ACME/Site"}, gh},
		{"something dropped: a complete, final page of what is kept", l, []string{"evil/x", "acme/site", "evil/y"}, []string{"acme/site"}, SearchCounts{TotalCount: 1}},
		{"all dropped: nothing at all", l, []string{"evil/x"}, []string{}, SearchCounts{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			items, counts := ScopeSearch(tt.list, tt.items, tt.list.AllowedFullName, gh)
			if !slices.Equal(items, tt.wantItems) || counts != tt.wantCounts {
				t.Errorf("ScopeSearch = %q, %+v; want %q, %+v", items, counts, tt.wantItems, tt.wantCounts)
			}
		})
	}
}

// FuzzScopeQuery: whatever the query, ScopeQuery refuses it or returns a
// query in which every place GitHub could read a scoping qualifier names
// something in the list, and which holds one that GitHub surely reads.
func FuzzScopeQuery(f *testing.F) {
	for _, q := range []string{"bug", "repo:evil/x", "bug\u3000repo:evil/x", `"repo:acme/site" x`, "-repo:acme/site", "x OR repo:evil/x", "u\u017fer:evil", "org:octo", "repo:acme/site\u200bevil"} {
		f.Add(q)
	}
	l, err := Parse("octo/*,acme/site")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		out, err := l.ScopeQuery(q)
		if err != nil {
			return
		}
		sure := false
		for _, qu := range qualifiers(out) {
			ok := qu.key == "repo" && l.AllowedFullName(qu.value) || qu.key != "repo" && l.owners[strings.ToLower(qu.value)]
			if !ok {
				t.Fatalf("ScopeQuery(%q) = %q, which holds %s", q, out, qu.text)
			}
			sure = sure || qu.sure
		}
		if !sure {
			t.Fatalf("ScopeQuery(%q) = %q, with no qualifier GitHub surely reads", q, out)
		}
		if hasOr(out) {
			t.Fatalf("ScopeQuery(%q) = %q holds OR", q, out)
		}
		// Independent of qualifiers(): every white-space-separated word
		// that starts like a qualifier, once quotes and a '-' are removed,
		// names something in the list.
		for _, w := range strings.FieldsFunc(out, unicode.IsSpace) {
			w = strings.TrimLeft(w, `"-(`)
			k, v, ok := strings.Cut(w, ":")
			if !ok {
				continue
			}
			v = strings.Trim(v, `"()`)
			switch strings.ToLower(k) {
			case "repo":
				if !l.AllowedFullName(v) {
					t.Fatalf("ScopeQuery(%q) = %q, which holds %s", q, out, w)
				}
			case "user", "org", "owner":
				if !l.owners[strings.ToLower(v)] {
					t.Fatalf("ScopeQuery(%q) = %q, which holds %s", q, out, w)
				}
			}
		}
	})
}
