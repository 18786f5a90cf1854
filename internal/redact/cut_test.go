package redact

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// cutBody is the random part of cutToken; no filler text in these tests
// holds its characters (digits, and lower-case letters but those of "ghp"),
// so any of them in an output came from the token. Mask is upper-case, so
// a cut "[REDAC" is no leak.
const (
	cutBody  = "0123456789abcdefijklmnoqrstuvwxyz012"
	cutToken = "ghp_" + cutBody
)

func TestTextMasksBeforeCutting(t *testing.T) {
	r := New(cutToken)
	file := "LINE ONE\nTOKEN=" + cutToken + "\nLINE THREE"
	red := r.Text(file)
	for a := 0; a <= len(red); a++ {
		for b := a; b <= len(red); b++ {
			if leak := tokenRun(red[a:b]); leak != "" {
				t.Fatalf("Text(file)[%d:%d] = %q shows %q of the token", a, b, red[a:b], leak)
			}
		}
	}
}

func TestEdges(t *testing.T) {
	r := New(cutToken)
	for _, tt := range []struct {
		name, in, want string
	}{
		{"a cut after the public prefix and more hides all but the prefix", "TOKEN=ghp_0123", "TOKEN=" + Mask},
		{"the public prefix alone stays", "TOKEN=ghp_", "TOKEN=ghp_"},
		{"a long prefix of the token at the end is masked", "X " + cutToken[:30], "X " + Mask},
		{"the end of the token at the start is masked", cutBody[20:] + " REST", Mask + " REST"},
		{"three characters of the end at the start stay", "012 rest", "012 rest"},
		{"a text inside the token is masked", cutBody[5:15], Mask},
		{"a text inside the public prefix stays", "ghp_", "ghp_"},
		{"ordinary text stays", "text/markdown", "text/markdown"},
		{"both edges at once", cutBody[30:] + " MIDDLE ghp_01234", Mask + " MIDDLE " + Mask},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Edges(tt.in); got != tt.want {
				t.Errorf("Edges(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	fine := "github_pat_" + strings.Repeat("A", 22) + "_" + strings.Repeat("b", 59)
	if got := New(fine).Edges("x github_pat_"); got != "x github_pat_" {
		t.Errorf("the fine-grained public prefix was masked: %q", got)
	}
	if got := New(fine).Edges("x github_pat_AAA"); got != "x "+Mask {
		t.Errorf("a fine-grained prefix beyond github_pat_ was not masked: %q", got)
	}
	var none *Redactor
	if none.Text(cutToken) != cutToken || none.Edges("ghp_0123") != "ghp_0123" {
		t.Error("a nil Redactor must change nothing")
	}
}

func TestProtocolTextIsNeverCorrupted(t *testing.T) {
	// The token CheckToken accepts cannot mask pieces of JSON-RPC text.
	proto := `{"jsonrpc":"2.0","id":1,"result":{"contents":[{"uri":"repo://o/r/README.md","mimeType":"text/markdown","text":"# hi"}]}}`
	tok := "ghp_" + strings.Repeat("q", 36)
	if err := CheckToken(tok); err != nil {
		t.Fatal(err)
	}
	if got := New(tok).Text(proto); got != proto {
		t.Errorf("protocol text changed:\n%s", got)
	}
	if err := CheckToken("x"); err == nil {
		t.Error(`CheckToken("x") accepted the placeholder that corrupts "text/markdown"`)
	}
}

func TestCheckToken(t *testing.T) {
	for _, tt := range []struct {
		tok, err string
	}{
		{tok: ""},
		{tok: cutToken},
		{tok: "ghs_" + strings.Repeat("a", 36)},
		{tok: "ghp_" + strings.Repeat("a", 60)}, // GitHub may lengthen tokens
		{tok: "github_pat_" + strings.Repeat("A", 22) + "_" + strings.Repeat("b", 59)},
		{tok: "0123456789abcdef0123456789abcdef01234567"}, // old 40-hex token
		{tok: "abcd1234"},
		{tok: "x", err: "it is 1 characters long"},
		{tok: "secret", err: "it is 6 characters long"},
		{tok: "ghp_" + strings.Repeat("a", 20), err: "a ghp_... token has at least 40 characters, this one 24"},
		{tok: "github_pat_" + strings.Repeat("A", 30), err: "a github_pat_... token has at least 93 characters"},
		{tok: "ghp_" + strings.Repeat("a", 35) + "-", err: "holds only letters, digits and '_'"},
		{tok: cutToken + "\n", err: "white space"},
		{tok: "ghp_é" + strings.Repeat("a", 40), err: "non-ASCII"},
		{tok: strings.Repeat("a", 256), err: "at most 255"},
	} {
		err := CheckToken(tt.tok)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("CheckToken(%.12q...): %v", tt.tok, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("CheckToken(%.12q...) = %v, want %q", tt.tok, err, tt.err)
		case err != nil && !errors.Is(err, ErrBadToken):
			t.Errorf("CheckToken error %v does not wrap ErrBadToken", err)
		case err != nil && len(tt.tok) > 3 && strings.Contains(err.Error(), tt.tok):
			t.Errorf("CheckToken error repeats the token: %v", err)
		}
	}
}

func TestError(t *testing.T) {
	r := New(cutToken)
	for _, tt := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{errors.New(`invalid API URL "https://bob:hunter2@ghe.example.com/api/v3/"`), `invalid API URL "https://bob:[REDACTED]@ghe.example.com/api/v3/"`},
		{fmt.Errorf("redis: %w", errors.New("dial redis://:pw@127.0.0.1:6379/0 failed")), "redis: dial redis://:[REDACTED]@127.0.0.1:6379/0 failed"},
		{errors.New("401 for " + cutToken), "401 for " + Mask},
		{errors.New("no URL: a:b@c"), "no URL: a:b@c"},
	} {
		if got := r.Error(tt.err); got != tt.want {
			t.Errorf("Error(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}

// FuzzRedactCut cuts a text holding the token at any offsets, both ways a
// server can: after Text (the framework's rule), and before it (GitHub or
// a log window cut first, then Text). The first may show no character of
// the token's random part; the second at most MinFragment-1 of them, and
// none after the public prefix.
func FuzzRedactCut(f *testing.F) {
	f.Add("token=", "\nmore", 3, 12)
	f.Add("ghp_ghp_", "ghp_", 0, 60)
	f.Add("", "", 10, 30)
	f.Add("x", "text/markdown", 40, 41)
	r := New(cutToken)
	f.Fuzz(func(t *testing.T, before, after string, a, b int) {
		before, after = filler(before), filler(after)
		text := before + cutToken + after
		a, b = offsets(a, b, len(text))

		// Redacted first, then cut: nothing of the token.
		red := r.Text(text)
		ra, rb := offsets(a, b, len(red))
		if leak := tokenRun(red[ra:rb]); leak != "" {
			t.Fatalf("Text(%q)[%d:%d] = %q shows %q", text, ra, rb, red[ra:rb], leak)
		}
		// Cut by someone else, then redacted.
		out := r.Text(text[a:b])
		if leak := tokenRun(out); len(leak) >= MinFragment || strings.HasPrefix(leak, "ghp_") {
			t.Fatalf("Text(%q) = %q shows %q", text[a:b], out, leak)
		}
	})
}

// filler drops the token's random characters from fuzzed text.
func filler(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(cutBody, r) {
			return 'G'
		}
		return r
	}, s)
}

func offsets(a, b, n int) (int, int) {
	if n == 0 {
		return 0, 0
	}
	a, b = abs(a)%(n+1), abs(b)%(n+1)
	if a > b {
		a, b = b, a
	}
	return a, b
}

func abs(n int) int {
	if n < 0 {
		if n == -n { // math.MinInt
			return 0
		}
		return -n
	}
	return n
}

// tokenRun returns the longest run of the token's random characters in s,
// with the token's public prefix before it when it is there, or "" if
// none. Masks are not runs.
func tokenRun(s string) string {
	s = strings.ReplaceAll(s, Mask, "\x00")
	longest := ""
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && strings.IndexByte(cutBody, s[j]) >= 0 {
			j++
		}
		if j > i {
			run := s[i:j]
			if strings.HasSuffix(s[:i], "ghp_") {
				run = "ghp_" + run
			}
			if len(run) > len(longest) {
				longest = run
			}
			i = j
			continue
		}
		i++
	}
	return longest
}

// A password never shows, even one holding a raw '/' or '@' that makes
// the URL invalid (the error quoting it is what gets printed).
func TestURLPasswords(t *testing.T) {
	for in, want := range map[string]string{
		`redis://u:s3cret@host:6379/0`:          `redis://u:[REDACTED]@host:6379/0`,
		`invalid "redis://u:pa/ss@h": bad port`: `invalid "redis://u:[REDACTED]@h": bad port`,
		`https://u:p@ss@host/x`:                 `https://u:[REDACTED]@host/x`,
		`http://:s3cret@example.com`:            `http://:[REDACTED]@example.com`,
		`see https://example.com/a@b`:           `see https://example.com/a@b`,
	} {
		if got := URLPasswords(in); got != want {
			t.Errorf("URLPasswords(%q) = %q, want %q", in, got, want)
		}
	}
}
