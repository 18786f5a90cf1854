package github

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	gh "github.com/google/go-github/v62/github"

	"github.com/ghmcp/ghmcp/ratelimit"
)

const testToken = "ghp_clientTEST0123456789abcdefghijklmnop"

func TestParseAPIURL(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{in: "https://api.github.test", want: "https://api.github.test/"},
		{in: "https://ghe.example.com/api/v3", want: "https://ghe.example.com/api/v3/"},
		{in: "http://127.0.0.1:8080/", want: "http://127.0.0.1:8080/"},
		{in: "http://localhost:9/api/", want: "http://localhost:9/api/"},
		{in: "http://[::1]:80/", want: "http://[::1]:80/"},
		{in: "http://ghe.example.com/api/v3", err: "http:// would send the token in clear"},
		{in: "http://127.0.0.1.nip.io/", err: "http:// would send the token in clear"},
		{in: "http://localhost.evil.com/", err: "http:// would send the token in clear"},
		{in: "http://10.0.0.1/", err: "http:// would send the token in clear"},
		{in: "ftp://api.github.test/", err: "scheme must be https"},
		{in: "api.github.test", err: "want an absolute URL"},
		{in: "https://user:pass@api.github.test/", err: "must not carry credentials"},
		{in: "https://api.github.test/?token=x", err: "must not carry credentials, a query or a fragment"},
		{in: "https://api.github.test/#x", err: "must not carry credentials, a query or a fragment"},
		{in: "https://api.github.test/%zz", err: "invalid API URL"},
	}
	for _, tt := range tests {
		u, err := ParseAPIURL(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseAPIURL(%q) error = %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseAPIURL(%q): %v", tt.in, err)
		} else if u.String() != tt.want {
			t.Errorf("ParseAPIURL(%q) = %q, want %q", tt.in, u, tt.want)
		}
	}
}

// recorder is a fake GitHub that records what reached it.
type recorder struct {
	mu   sync.Mutex
	seen []string // "METHOD escaped-path auth"
}

func (r *recorder) handler(header http.Header) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.seen = append(r.seen, req.Method+" "+req.URL.EscapedPath()+" "+req.Header.Get("Authorization"))
		r.mu.Unlock()
		for k, v := range header {
			w.Header()[k] = v
		}
		io.WriteString(w, `{}`)
	}
}

func newTestClient(t *testing.T, srvURL string, opts Options) *gh.Client {
	t.Helper()
	u, err := ParseAPIURL(srvURL)
	if err != nil {
		t.Fatal(err)
	}
	opts.APIURL = u
	cfg := ratelimit.DefaultConfig()
	cfg.WriteSpacing = -1
	opts.Limiter = ratelimit.New(cfg, nil, nil)
	c, err := NewClient(opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestTokenOnlyToTheAPIHost sends requests to the API host and to another
// host (as a redirect to a log archive would): only the first carries the
// token.
func TestTokenOnlyToTheAPIHost(t *testing.T) {
	var api, other recorder
	otherSrv := httptest.NewServer(other.handler(nil))
	defer otherSrv.Close()
	apiSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/redirect" {
			api.handler(nil)(httptest.NewRecorder(), r)
			http.Redirect(w, r, otherSrv.URL+"/logs", http.StatusFound)
			return
		}
		api.handler(nil)(w, r)
	}))
	defer apiSrv.Close()
	c := newTestClient(t, apiSrv.URL, Options{Token: testToken})
	ctx := context.Background()

	req, _ := c.NewRequest("GET", "user", nil)
	if _, err := c.Do(ctx, req, nil); err != nil {
		t.Fatal(err)
	}
	req, _ = c.NewRequest("GET", "redirect", nil)
	if _, err := c.Do(ctx, req, nil); err != nil {
		t.Fatal(err)
	}
	req, _ = c.NewRequest("GET", otherSrv.URL+"/direct", nil)
	if _, err := c.Do(ctx, req, nil); err != nil {
		t.Fatal(err)
	}
	if want := "Bearer " + testToken; len(api.seen) != 2 || !strings.HasSuffix(api.seen[0], want) || !strings.HasSuffix(api.seen[1], want) {
		t.Errorf("API host saw %q; want two authenticated requests", api.seen)
	}
	if len(other.seen) != 2 {
		t.Fatalf("other host saw %q; want the redirect and the direct request", other.seen)
	}
	for _, s := range other.seen {
		if strings.Contains(s, testToken) || strings.Contains(s, "Bearer") {
			t.Errorf("the token reached another host: %q", s)
		}
	}
}

func TestGuards(t *testing.T) {
	var rec recorder
	srv := httptest.NewServer(rec.handler(nil))
	defer srv.Close()
	ctx := context.Background()
	tests := []struct {
		name     string
		opts     Options
		method   string
		path     string
		wantErr  error
		wantSent bool
	}{
		{"read passes", Options{Token: testToken}, "GET", "repos/o/r", nil, true},
		{"no token refuses everything", Options{}, "GET", "repos/o/r", ErrNoToken, false},
		{"read-only refuses a write", Options{Token: testToken, ReadOnly: true}, "POST", "repos/o/r/issues", ErrReadOnly, false},
		{"read-only refuses a delete", Options{Token: testToken, ReadOnly: true}, "DELETE", "repos/o/r/collaborators/x", ErrReadOnly, false},
		{"read-only lets a read through", Options{Token: testToken, ReadOnly: true}, "GET", "repos/o/r", nil, true},
		{"dot segments are refused", Options{Token: testToken}, "PUT", "repos/o/r/contents/%2e%2e/%2e%2e/other/contents/x", ErrUnsafePath, false},
		{"double-encoded dot segments are refused", Options{Token: testToken}, "GET", "repos/o/r/contents/%252e%252e/x", ErrUnsafePath, false},
		{"backslash dot segments are refused", Options{Token: testToken}, "GET", `repos/o/r/contents/a%5C..%5Cx`, ErrUnsafePath, false},
		{"dots inside names pass", Options{Token: testToken}, "GET", "repos/o/r.js/compare/v1.0...v2.0", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec.mu.Lock()
			rec.seen = nil
			rec.mu.Unlock()
			c := newTestClient(t, srv.URL, tt.opts)
			req, err := c.NewRequest(tt.method, tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Do(ctx, req, nil)
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
			rec.mu.Lock()
			sent := len(rec.seen) > 0
			rec.mu.Unlock()
			if sent != tt.wantSent {
				t.Errorf("request sent = %v, want %v", sent, tt.wantSent)
			}
		})
	}
}

func TestDotSegment(t *testing.T) {
	for seg, want := range map[string]bool{
		".": true, "..": true, "%2e": true, "%2E%2e": true, "%252e%252e": true, "%25252e%25252e": true,
		`..\x`: true, `a\..`: true, "%2e%2e%2fx": true, "a%2F..%2Fb": true, "%5C..": true,
		"...": false, "a.b": false, "..a": false, "v1.0...v2.0": false, "%zz": false, "100%": false, "": false,
	} {
		if got := DotSegment(seg); got != want {
			t.Errorf("DotSegment(%q) = %v, want %v", seg, got, want)
		}
	}
}

func TestTokenKind(t *testing.T) {
	for token, want := range map[string]string{
		"": "none", "ghp_abc": "classic", "github_pat_11ABC": "fine-grained", "gho_x": "oauth",
		"ghu_x": "app-user", "ghs_x": "app-installation", "abcdef0123": "unknown",
	} {
		if got := TokenKind(token); got != want {
			t.Errorf("TokenKind(%q) = %q, want %q", token, got, want)
		}
	}
}

// logSink collects log records.
type logSink struct {
	mu   sync.Mutex
	msgs []string
}

func (s *logSink) Enabled(context.Context, slog.Level) bool { return true }
func (s *logSink) Handle(_ context.Context, r slog.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, r.Message)
	return nil
}
func (s *logSink) WithAttrs([]slog.Attr) slog.Handler { return s }
func (s *logSink) WithGroup(string) slog.Handler      { return s }

func TestPermissions(t *testing.T) {
	readNeed := Need{Scopes: []string{"repo"}, FineGrained: []string{"contents:read", "issues:read", "metadata:read"}}
	tests := []struct {
		name        string
		token       string
		need        Need
		header      http.Header
		status      int
		want        Report
		wantWarning string // a part of the logged warning; "" means none
	}{
		{
			name: "classic token that fits", token: "ghp_x", need: readNeed,
			header: http.Header{"X-Oauth-Scopes": {"repo, read:org"}},
			want:   Report{Kind: "classic", Scopes: []string{"repo", "read:org"}},
		},
		{
			name: "classic token far broader than read tools", token: "ghp_x", need: readNeed,
			header: http.Header{"X-Oauth-Scopes": {"repo, admin:org, delete_repo, workflow"}},
			want: Report{Kind: "classic", Scopes: []string{"repo", "admin:org", "delete_repo", "workflow"}, Unneeded: []string{"admin:org", "delete_repo", "workflow"},
				Warning: "the token has scopes the enabled tools do not need (admin:org, delete_repo, workflow); a fine-grained token with only contents:read, issues:read, metadata:read is safer"},
			wantWarning: "admin:org, delete_repo, workflow",
		},
		{
			name: "classic token lacking repo", token: "ghp_x", need: readNeed,
			header: http.Header{"X-Oauth-Scopes": {"read:user"}},
			want: Report{Kind: "classic", Scopes: []string{"read:user"}, Missing: []string{"repo"},
				Warning: "the token lacks repo, so some calls will fail; grant it or disable those tools"},
			wantWarning: "lacks repo",
		},
		{
			name: "classic token with public_repo only", token: "ghp_x", need: readNeed,
			header: http.Header{"X-Oauth-Scopes": {"public_repo"}},
			want: Report{Kind: "classic", Scopes: []string{"public_repo"}, Missing: []string{"repo (public_repo reaches public repositories only)"},
				Warning: "the token lacks repo (public_repo reaches public repositories only), so some calls will fail; grant it or disable those tools"},
			wantWarning: "public_repo",
		},
		{
			name: "classic token with no scopes", token: "ghp_x", need: Need{},
			header: http.Header{"X-Oauth-Scopes": {""}},
			want:   Report{Kind: "classic"},
		},
		{
			name: "fine-grained token refused", token: "github_pat_x", need: readNeed,
			header: http.Header{"X-Accepted-Github-Permissions": {"issues=write"}}, status: 403,
			want: Report{Kind: "fine-grained", Missing: []string{"issues=write (for GET /repos/o/r)"},
				Warning: "the token lacks issues=write (for GET /repos/o/r), so some calls will fail; grant it or disable those tools"},
			wantWarning: "refused a request",
		},
		{
			name: "fine-grained token refused, with alternatives", token: "github_pat_x", need: readNeed,
			header: http.Header{"X-Accepted-Github-Permissions": {"pull_requests=read; issues=read"}}, status: 403,
			want: Report{Kind: "fine-grained", Missing: []string{"pull_requests=read or issues=read (for GET /repos/o/r)"},
				Warning: "the token lacks pull_requests=read or issues=read (for GET /repos/o/r), so some calls will fail; grant it or disable those tools"},
			wantWarning: "refused a request",
		},
		{
			name: "classic token refused", token: "ghp_x", need: readNeed,
			header: http.Header{"X-Oauth-Scopes": {"repo"}, "X-Accepted-Oauth-Scopes": {"admin:org"}}, status: 403,
			want: Report{Kind: "classic", Scopes: []string{"repo"}, Missing: []string{"admin:org (for GET /repos/o/r)"},
				Warning: "the token lacks admin:org (for GET /repos/o/r), so some calls will fail; grant it or disable those tools"},
			wantWarning: "refused a request",
		},
		{
			name: "fine-grained token that works", token: "github_pat_x", need: readNeed,
			header: http.Header{"X-Accepted-Github-Permissions": {"metadata=read"}},
			want:   Report{Kind: "fine-grained"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header()[k] = v
				}
				if tt.status != 0 {
					w.WriteHeader(tt.status)
				}
				io.WriteString(w, `{"message":"x"}`)
			}))
			defer srv.Close()
			sink := &logSink{}
			p := NewPermissions(tt.token, tt.need, slog.New(sink))
			c := newTestClient(t, srv.URL, Options{Token: tt.token, Permissions: p})
			for range 2 { // recorded once, warned once
				req, _ := c.NewRequest("GET", "repos/o/r", nil)
				c.Do(context.Background(), req, nil)
			}
			got := p.Report()
			if got.Kind != tt.want.Kind || strings.Join(got.Scopes, ",") != strings.Join(tt.want.Scopes, ",") ||
				strings.Join(got.Unneeded, ",") != strings.Join(tt.want.Unneeded, ",") ||
				strings.Join(got.Missing, ",") != strings.Join(tt.want.Missing, ",") || got.Warning != tt.want.Warning {
				t.Errorf("Report() = %+v\n        want %+v", *got, tt.want)
			}
			if tt.wantWarning == "" && len(sink.msgs) > 0 {
				t.Errorf("unexpected warnings: %q", sink.msgs)
			}
			if tt.wantWarning != "" {
				if len(sink.msgs) != 1 || !strings.Contains(sink.msgs[0], tt.wantWarning) {
					t.Errorf("warnings %q, want one containing %q", sink.msgs, tt.wantWarning)
				}
			}
		})
	}
	var none *Permissions
	if none.Report() != nil {
		t.Error("a nil recorder must report nil")
	}
}
