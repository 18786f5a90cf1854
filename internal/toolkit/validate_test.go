package toolkit

import (
	"encoding/json"
	"strings"
	"testing"
)

// kindsArgs has one field of every kind of rule, all optional, so each
// table row can set just the one it tests.
type kindsArgs struct {
	Owner    string        `json:"owner,omitempty" ghmcp:"owner"`
	Repo     string        `json:"repo,omitempty" ghmcp:"repo"`
	Ref      string        `json:"ref,omitempty" ghmcp:"ref"`
	SHA      string        `json:"sha,omitempty" ghmcp:"sha"`
	Path     string        `json:"path,omitempty" ghmcp:"path"`
	Login    string        `json:"login,omitempty" ghmcp:"login"`
	Label    string        `json:"label,omitempty" ghmcp:"label"`
	Title    string        `json:"title,omitempty" ghmcp:"len=1..256"`
	Body     string        `json:"body,omitempty" ghmcp:"len=65536"`
	Number   int           `json:"number,omitempty" ghmcp:"range=1.."`
	PerPage  *int          `json:"per_page,omitempty" ghmcp:"range=1..100"`
	State    string        `json:"state,omitempty" ghmcp:"enum=open|closed"`
	Comments []lineComment `json:"comments,omitempty" ghmcp:"items=3"`
}

type lineComment struct {
	Path string `json:"path" ghmcp:"path"`
	Line int    `json:"line" ghmcp:"range=1.."`
	Body string `json:"body" ghmcp:"len=1..65536"`
}

// checkKinds runs the argument checks every tool runs, on kindsArgs.
func checkKinds(args string) error {
	return decodeArgs(json.RawMessage(args), &kindsArgs{})
}

func TestValidators(t *testing.T) {
	tests := []struct {
		name, args string
		want       string // "" means accepted; else the whole error text
	}{
		{"nothing given is fine for optional fields", `{}`, ""},
		{"a plain owner and repo", `{"owner":"octo-cat","repo":"hello.world_2"}`, ""},
		{"owner with a dot", `{"owner":"octo.cat"}`, `invalid argument "owner": got "octo.cat", which is not a GitHub user or organization login (letters, digits, '-'; at most 39), e.g. "octocat"`},
		{"repo named ..", `{"repo":".."}`, `invalid argument "repo": must not be . or .., e.g. "hello-world"`},
		{"repo with an encoded slash", `{"repo":"a%2Fb"}`, `invalid argument "repo": got "a%2Fb", which is not a repository name (letters, digits, '.', '-', '_'; at most 100), e.g. "hello-world"`},

		{"branch with slashes", `{"ref":"release/v1.2"}`, ""},
		{"full ref", `{"ref":"refs/heads/main"}`, ""},
		{"branch with a hash", `{"ref":"fix#12"}`, ""},
		{"ref with ..", `{"ref":"main..dev"}`, `invalid argument "ref": must not contain '..', e.g. "main" or "release/v1.2"`},
		{"ref starting with -", `{"ref":"-rf"}`, `invalid argument "ref": must not start with '-', e.g. "main" or "release/v1.2"`},
		{"ref starting with /", `{"ref":"/main"}`, `invalid argument "ref": must not start with '/', e.g. "main" or "release/v1.2"`},
		{"ref ending with .lock", `{"ref":"main.lock"}`, `invalid argument "ref": no part between slashes may end with '.lock', e.g. "main" or "release/v1.2"`},
		{"ref part ending with .lock", `{"ref":"a.lock/b"}`, `invalid argument "ref": no part between slashes may end with '.lock', e.g. "main" or "release/v1.2"`},
		{"ref part starting with .", `{"ref":"a/.b"}`, `invalid argument "ref": no part between slashes may start with '.', e.g. "main" or "release/v1.2"`},
		{"ref with @{", `{"ref":"main@{1}"}`, `invalid argument "ref": must not contain '@{', e.g. "main" or "release/v1.2"`},
		{"ref @", `{"ref":"@"}`, `invalid argument "ref": must not be '@', e.g. "main" or "release/v1.2"`},
		{"ref with //", `{"ref":"a//b"}`, `invalid argument "ref": must not contain '//', e.g. "main" or "release/v1.2"`},
		{"ref ending with /", `{"ref":"a/"}`, `invalid argument "ref": must not end with '/' or '.', e.g. "main" or "release/v1.2"`},
		{"ref with a space", `{"ref":"my branch"}`, `invalid argument "ref": got "my branch", which is not a git branch, tag or ref name; remove the spaces, e.g. "main" or "release/v1.2"`},
		{"ref with a colon", `{"ref":"a:b"}`, `invalid argument "ref": got "a:b", which is not a git branch, tag or ref name, e.g. "main" or "release/v1.2"`},
		{"ref with DEL", `{"ref":"ma\u007fin"}`, `invalid argument "ref": must not contain control characters (found U+007F), e.g. "main" or "release/v1.2"`},
		{"ref with a bidi override", `{"ref":"main\u202eniam"}`, `invalid argument "ref": must not contain invisible or direction-changing characters (found U+202E), e.g. "main" or "release/v1.2"`},
		{"ref with a zero-width space", `{"ref":"ma\u200bin"}`, `invalid argument "ref": must not contain invisible or direction-changing characters (found U+200B), e.g. "main" or "release/v1.2"`},

		{"short sha", `{"sha":"6dcb09b"}`, ""},
		{"sha too short", `{"sha":"6dcb09"}`, `invalid argument "sha": got "6dcb09", which is not a commit SHA (7 to 40 hex digits), e.g. "6dcb09b5b57875f334f61aebed695e2e4193db5e"`},
		{"sha not hex", `{"sha":"main"}`, `invalid argument "sha": got "main", which is not a commit SHA (7 to 40 hex digits), e.g. "6dcb09b5b57875f334f61aebed695e2e4193db5e"`},

		{"nested path", `{"path":"docs/guide/intro.md"}`, ""},
		{"directory with trailing slash", `{"path":"docs/"}`, ""},
		{"file name with spaces, hash and percent", `{"path":"notes/C# 100%.md"}`, ""},
		{"absolute path", `{"path":"/etc/passwd"}`, `invalid argument "path": got "/etc/passwd", which is not a file path inside the repository; give the path from the repository root, without a leading '/', e.g. "docs/README.md"`},
		{"path with ..", `{"path":"docs/../../other/repo"}`, `invalid argument "path": must not contain '.' or '..' segments (nor encoded ones such as %2e%2e); give the path from the repository root, e.g. "docs/README.md"`},
		{"path with .", `{"path":"./README.md"}`, `invalid argument "path": must not contain '.' or '..' segments (nor encoded ones such as %2e%2e); give the path from the repository root, e.g. "docs/README.md"`},
		{"path with encoded ..", `{"path":"docs/%2e%2e/x"}`, `invalid argument "path": must not contain '.' or '..' segments (nor encoded ones such as %2e%2e); give the path from the repository root, e.g. "docs/README.md"`},
		{"path with twice-encoded ..", `{"path":"docs/%252E%252E/x"}`, `invalid argument "path": must not contain '.' or '..' segments (nor encoded ones such as %2e%2e); give the path from the repository root, e.g. "docs/README.md"`},
		{"path with encoded slash and ..", `{"path":"docs%2F..%2Fx"}`, `invalid argument "path": must not contain '.' or '..' segments (nor encoded ones such as %2e%2e); give the path from the repository root, e.g. "docs/README.md"`},
		{"path with backslash ..", `{"path":"docs\\..\\x"}`, `invalid argument "path": must not contain '.' or '..' segments (nor encoded ones such as %2e%2e); give the path from the repository root, e.g. "docs/README.md"`},
		{"path with an empty segment", `{"path":"docs//x"}`, `invalid argument "path": must not contain empty segments ('//'), e.g. "docs/README.md"`},
		{"path with NUL", `{"path":"a\u0000b"}`, `invalid argument "path": must not contain control characters (found U+0000), e.g. "docs/README.md"`},
		{"path with a newline", `{"path":"a\nb"}`, `invalid argument "path": must not contain control characters (found U+000A), e.g. "docs/README.md"`},
		{"path with a tag character", `{"path":"a\udb40\udc41b"}`, `invalid argument "path": must not contain invisible or direction-changing characters (found U+E0041), e.g. "docs/README.md"`},
		{"over-long path", `{"path":"` + strings.Repeat("a/", 2100) + `"}`, `invalid argument "path": has 4200 bytes; at most 4096 are allowed, e.g. "docs/README.md"`},

		{"login", `{"login":"mona"}`, ""},
		{"login with a slash", `{"login":"mona/lisa"}`, `invalid argument "login": got "mona/lisa", which is not a GitHub user login (letters, digits, '-'; at most 39); give the owner and the repository name as separate arguments, without '/', e.g. "octocat"`},
		{"label with spaces and emoji", `{"label":"good first issue ⚠️"}`, ""},
		{"label with a comma", `{"label":"a,b"}`, `invalid argument "label": got "a,b", which is not a label name (at most 50 characters), e.g. "bug"`},
		{"label with a trailing space", `{"label":"bug "}`, `invalid argument "label": must not start or end with spaces, e.g. "bug"`},

		{"title at GitHub's limit", `{"title":"` + strings.Repeat("é", 256) + `"}`, ""},
		{"title over GitHub's limit", `{"title":"` + strings.Repeat("t", 257) + `"}`, `invalid argument "title": has 257 characters; GitHub accepts at most 256`},
		{"body at GitHub's limit", `{"body":"` + strings.Repeat("b", 65536) + `"}`, ""},
		{"body over GitHub's limit", `{"body":"` + strings.Repeat("b", 65537) + `"}`, `invalid argument "body": has 65537 characters; GitHub accepts at most 65536`},

		{"negative number", `{"number":-3}`, `invalid argument "number": is -3; it must be at least 1`},
		{"fractional number", `{"number":1.5}`, `invalid argument "number": must be an integer, got number 1.5`},
		{"huge number", `{"number":1e30}`, `invalid argument "number": must be an integer, got number 1e30`},
		{"pointer number zero is checked", `{"per_page":0}`, `invalid argument "per_page": is 0; it must be at least 1`},
		{"pointer number over the max", `{"per_page":101}`, `invalid argument "per_page": is 101; it must be at most 100`},
		{"pointer number in range", `{"per_page":100}`, ""},
		{"enum", `{"state":"merged"}`, `invalid argument "state": got "merged"; it must be one of open, closed`},
		{"optional enum given empty", `{"state":""}`, `invalid argument "state": got ""; it must be one of open, closed (or leave it out)`},
		{"optional ref given empty", `{"ref":""}`, `invalid argument "ref": must not be empty (or leave it out); it must be a git branch, tag or ref name, e.g. "main" or "release/v1.2"`},
		{"optional title given empty", `{"title":""}`, `invalid argument "title": must not be empty (or leave it out)`},
		{"optional number given 0", `{"number":0}`, `invalid argument "number": is 0; it must be at least 1`},
		{"null optional argument is left out", `{"owner":null}`, ""},
		{"null required argument", `{"comments":[{"path":null,"line":1,"body":"x"}]}`, `invalid argument "comments[0].path": is required but null; give a value`},
		{"host argument wait_for_previous", `{"wait_for_previous":true}`, ""},
		{"host argument only at the top", `{"comments":[{"path":"a","line":1,"body":"x","wait_for_previous":true}]}`, `invalid argument "comments[0].wait_for_previous": is not an argument of this tool; see its input schema for the accepted arguments`},
		{"missing required in a list", `{"comments":[{"line":1,"body":"x"}]}`, `invalid argument "comments[0].path": must not be empty; it must be a file path inside the repository, e.g. "docs/README.md"`},
		{"null in a list", `{"comments":[null]}`, `invalid argument "comments[0]": is null; give a value`},

		{"nested comment", `{"comments":[{"path":"a.go","line":3,"body":"nit"}]}`, ""},
		{"nested path is checked", `{"comments":[{"path":"a.go","line":3,"body":"ok"},{"path":"../x","line":1,"body":"x"}]}`, `invalid argument "comments[1].path": must not contain '.' or '..' segments (nor encoded ones such as %2e%2e); give the path from the repository root, e.g. "docs/README.md"`},
		{"nested required field", `{"comments":[{"path":"a.go","line":3}]}`, `invalid argument "comments[0].body": must not be empty`},
		{"nested number", `{"comments":[{"path":"a.go","line":-1,"body":"x"}]}`, `invalid argument "comments[0].line": is -1; it must be at least 1`},
		{"too many nested", `{"comments":[{"path":"a","line":1,"body":"x"},{"path":"a","line":1,"body":"x"},{"path":"a","line":1,"body":"x"},{"path":"a","line":1,"body":"x"}]}`, `invalid argument "comments": has 4 elements; at most 3 are allowed`},
		{"nested unknown field", `{"comments":[{"path":"a","line":1,"body":"x","side":"LEFT"}]}`, `invalid argument "comments[0].side": is not an argument of this tool; see its input schema for the accepted arguments`},

		{"argument name in another case", `{"Owner":"octo"}`, `invalid argument "Owner": is not an argument of this tool; names are case-sensitive: use "owner"`},
		{"nested name in another case", `{"comments":[{"PATH":"a","line":1,"body":"x"}]}`, `invalid argument "comments[0].PATH": is not an argument of this tool; names are case-sensitive: use "path"`},
		{"argument given twice", `{"owner":"octo","owner":"evil"}`, `invalid argument "owner": is given twice; give it once`},
		{"path with .. inside a name", `{"path":"notes..md"}`, `invalid argument "path": must not contain '..', e.g. "docs/README.md"`},
		{"arguments not an object", `"owner"`, `arguments must be a JSON object, got string`},
		{"arguments are two objects", `{}{}`, `arguments must be a single JSON object`},
		{"null arguments", `null`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkKinds(tt.args)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("error\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestRequiredNumber(t *testing.T) {
	type args struct {
		Number int `json:"issue_number" ghmcp:"range=1.."`
	}
	for raw, want := range map[string]string{
		`{}`:                  `invalid argument "issue_number": is missing or 0; it must be at least 1`,
		`{"issue_number":0}`:  `invalid argument "issue_number": is missing or 0; it must be at least 1`,
		`{"issue_number":-2}`: `invalid argument "issue_number": is -2; it must be at least 1`,
		`{"issue_number":7}`:  "",
	} {
		err := decodeArgs(json.RawMessage(raw), &args{})
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("%s: error %q, want %q", raw, got, want)
		}
	}
}
