package tools

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestGetMe(t *testing.T) {
	scopes := func(s ...string) *[]string {
		list := append([]string{}, s...)
		return &list
	}
	tests := []struct {
		name   string
		header map[string]string
		want   AuthenticatedUser
	}{
		{
			name:   "a classic token reports its scopes",
			header: map[string]string{"X-OAuth-Scopes": "repo, read:org,  workflow"},
			want:   AuthenticatedUser{Login: "octo", Name: "Octo Cat", Type: "User", HTMLURL: "https://github.com/octo", Scopes: scopes("repo", "read:org", "workflow")},
		},
		{
			name:   "a classic token without scopes reports an empty list",
			header: map[string]string{"X-OAuth-Scopes": ""},
			want:   AuthenticatedUser{Login: "octo", Name: "Octo Cat", Type: "User", HTMLURL: "https://github.com/octo", Scopes: scopes()},
		},
		{
			name: "a fine-grained token reports no scopes at all",
			want: AuthenticatedUser{Login: "octo", Name: "Octo Cat", Type: "User", HTMLURL: "https://github.com/octo"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			s := f.on("GET", "/user", 200, readTestdata(t, "user.json"), wantQuery(""))
			s.header = tt.header
			res := call(t, f.deps(testToken), "get_me", `{}`)
			if res.IsError {
				t.Fatalf("unexpected error: %s", resultText(t, res))
			}
			if diff := cmp.Diff(tt.want, res.StructuredContent); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGetMeTextShowsEmptyScopes(t *testing.T) {
	f := newFakeGitHub(t)
	s := f.on("GET", "/user", 200, readTestdata(t, "user.json"), nil)
	s.header = map[string]string{"X-OAuth-Scopes": ""}
	res := call(t, f.deps(testToken), "get_me", `{}`)
	want := `{"login":"octo","name":"Octo Cat","type":"User","html_url":"https://github.com/octo","scopes":[]}`
	if got := resultText(t, res); got != want {
		t.Errorf("text\n got %s\nwant %s", got, want)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, []byte(readTestdata(t, "user.json"))); err != nil {
		t.Fatal(err)
	}
	t.Logf("get_me result %d bytes for GitHub's %d compact bytes (%.0f%%)", len(want), compact.Len(), 100*float64(len(want))/float64(compact.Len()))
}

func TestGetMeErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   string
		status int // 0: no request is expected
		body   string
		want   []string
	}{
		{name: "a revoked token", args: `{}`, status: 401, body: `{"message":"Bad credentials"}`,
			want: []string{"get the authenticated user", "GitHub rejected the token", "GITHUB_PERSONAL_ACCESS_TOKEN"}},
		{name: "an app installation token cannot ask", args: `{}`, status: 403, body: `{"message":"Resource not accessible by integration"}`,
			want: []string{"get the authenticated user: forbidden (403: Resource not accessible by integration)"}},
		{name: "an argument", args: `{"login":"octo"}`,
			want: []string{`invalid argument "login": is not an argument of this tool`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGitHub(t)
			if tt.status != 0 {
				f.on("GET", "/user", tt.status, tt.body, nil)
			}
			wantErrorText(t, call(t, f.deps(testToken), "get_me", tt.args), tt.want...)
		})
	}
}

func TestGetMeWithoutArguments(t *testing.T) {
	f := newFakeGitHub(t)
	f.on("GET", "/user", 200, readTestdata(t, "user.json"), nil)
	if res := call(t, f.deps(testToken), "get_me", ``); res.IsError {
		t.Fatalf("get_me with no arguments at all: %s", resultText(t, res))
	}
}
