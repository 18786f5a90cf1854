package allowlist

import (
	"strings"
	"testing"
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
		{q: `"repo:evil/x" in:body`, want: `"repo:evil/x" in:body repo:acme/site user:octo`},
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
